//! The block decoders over `osmpbf`'s structs: any block, whatever it holds (plain nodes,
//! relations, a mix of kinds), for the blocks the `direct` readers leave.

use super::block::{Area, FeatureTags, NodeBlock, WayBlock};
use super::nodes::NodeIndex;
use crate::base::coord::Coord;
use crate::base::feature::{ElementType, OsmId};
use crate::read::profile::Profile;
use osmpbf::{Element, PrimitiveBlock, RelMemberType};
use std::sync::atomic::AtomicU64;

/// Reads any block for the way pass: its ways and multipolygon relations, and whether it holds
/// nodes.
pub(super) fn scan_ways(block: &PrimitiveBlock, profile: &Profile) -> WayBlock {
    let mut out = WayBlock::default();
    for group in block.groups() {
        if group.nodes().next().is_some() || group.dense_nodes().next().is_some() {
            out.has_nodes = true;
        }
        for way in group.ways() {
            let start = out.roads.refs.len();
            out.roads.refs.extend(way.refs());
            out.classify_way(profile, way.id(), way.tags(), start);
        }
        for rel in group.relations() {
            out.relations += 1;
            if !rel.tags().any(|(k, v)| k == "type" && v == "multipolygon") {
                continue;
            }
            let Some(tags) = FeatureTags::read(profile, rel.tags()) else {
                continue;
            };
            let members = rel
                .members()
                .filter(|m| m.member_type == RelMemberType::Way)
                .map(|m| {
                    let role = m.role().unwrap_or("");
                    (m.member_id, role != "inner")
                })
                .collect();
            out.areas.push(Area {
                id: OsmId {
                    kind: ElementType::Relation,
                    id: rel.id(),
                },
                tags,
                refs: Vec::new(),
                members,
            });
        }
    }
    out
}

/// Reads any block for the node pass: its nodes, and whether it holds ways or relations.
pub(super) fn scan_nodes(
    block: &PrimitiveBlock,
    profile: &Profile,
    needed: &NodeIndex,
    coords: &[AtomicU64],
) -> NodeBlock {
    let mut out = NodeBlock::default();
    let mut finder = needed.finder();
    for element in block.elements() {
        let (id, lon_e7, lat_e7, feature) = match element {
            Element::DenseNode(n) => {
                let feature = FeatureTags::read(profile, n.tags());
                (n.id(), n.decimicro_lon(), n.decimicro_lat(), feature)
            }
            Element::Node(n) => {
                let feature = FeatureTags::read(profile, n.tags());
                (n.id(), n.decimicro_lon(), n.decimicro_lat(), feature)
            }
            Element::Way(_) | Element::Relation(_) => {
                out.has_ways_or_relations = true;
                continue;
            }
        };
        let coord = Coord { lon_e7, lat_e7 };
        out.classify_node(&mut finder, coords, id, coord, feature);
    }
    out
}
