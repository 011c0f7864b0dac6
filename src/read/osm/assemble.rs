//! The last step of reading: road ways become graph input (node ids turned into input node
//! numbers, ways split where nodes are missing), and tagged nodes and located areas become
//! service points and settlements.

use super::area::{closed_way_point, multipolygon_point};
use super::block::{Area, FeatureTags, RoadBlock};
use super::nodes::{unpack, NodeIndex, NodeLookup, MISSING};
use super::ReadStats;
use crate::base::coord::Coord;
use crate::base::feature::{ElementType, OsmId, ServicePoint, Settlement};
use crate::read::roads::{RoadInput, RoadWay};
use rayon::prelude::*;

/// Road ways of one block turned into graph input, with what happened to them.
#[derive(Default)]
pub(super) struct RoadPart {
    refs: Vec<u32>,
    ways: Vec<RoadWay>,
    road_ways: u64,
    ferry_ways: u64,
    missing_node_refs: u64,
    ways_with_missing_nodes: u64,
    road_pieces_dropped: u64,
}

/// Turns road ways into graph input: node ids become input node numbers, ways are split where
/// nodes are missing. Blocks are done in parallel and joined in order.
pub(super) fn assemble_roads(
    blocks: &[RoadBlock],
    needed: NodeIndex,
    coords: Vec<u64>,
    stats: &mut ReadStats,
) -> RoadInput {
    let parts: Vec<RoadPart> = blocks
        .par_iter()
        .map(|block| assemble_block(block, &needed, &coords))
        .collect();
    let mut input = RoadInput {
        coords: Vec::new(),
        osm_ids: Vec::new(),
        ways: Vec::with_capacity(parts.iter().map(|p| p.ways.len()).sum()),
        refs: Vec::with_capacity(parts.iter().map(|p| p.refs.len()).sum()),
    };
    for part in parts {
        stats.road_ways += part.road_ways;
        stats.ferry_ways += part.ferry_ways;
        stats.missing_node_refs += part.missing_node_refs;
        stats.ways_with_missing_nodes += part.ways_with_missing_nodes;
        stats.road_pieces_dropped += part.road_pieces_dropped;
        let offset = input.refs.len() as u32;
        input.refs.extend_from_slice(&part.refs);
        input.ways.extend(part.ways.into_iter().map(|w| RoadWay {
            start: w.start + offset,
            end: w.end + offset,
            ..w
        }));
    }
    // Input node numbers are positions among the needed ids; missing nodes keep a dummy
    // coordinate but no way piece ever refers to them.
    input.coords = coords
        .into_iter()
        .map(|v| unpack(v).unwrap_or_default())
        .collect();
    input.osm_ids = needed.into_ids();
    input
}

/// One block's part of [`assemble_roads`].
pub(super) fn assemble_block(block: &RoadBlock, needed: &NodeIndex, coords: &[u64]) -> RoadPart {
    let mut out = RoadPart {
        refs: Vec::with_capacity(block.refs.len()),
        ways: Vec::with_capacity(block.roads.len()),
        ..RoadPart::default()
    };
    for road in &block.roads {
        out.road_ways += 1;
        if road.attrs.is_ferry() {
            out.ferry_ways += 1;
        }
        let (mut missing, mut pieces) = (0u64, 0u64);
        // The current piece: where it starts in `out.refs`, and whether it has two distinct
        // nodes yet.
        let mut start = out.refs.len();
        let mut distinct = false;
        let mut close = |out: &mut RoadPart, start: usize, distinct: bool| {
            if out.refs.len() == start {
                return;
            }
            pieces += 1;
            if distinct {
                out.ways.push(RoadWay {
                    osm_id: road.id,
                    attrs: road.attrs,
                    start: start as u32,
                    end: out.refs.len() as u32,
                });
            } else {
                out.refs.truncate(start);
                out.road_pieces_dropped += 1;
            }
        };
        for &id in block.refs(road) {
            let found = needed
                .index(id)
                .filter(|&i| coords[i] != MISSING)
                .map(|i| i as u32);
            match found {
                Some(i) => {
                    if out.refs.len() > start && out.refs[start] != i {
                        distinct = true;
                    }
                    out.refs.push(i);
                }
                None => {
                    missing += 1;
                    close(&mut out, start, distinct);
                    start = out.refs.len();
                    distinct = false;
                }
            }
        }
        close(&mut out, start, distinct);
        out.missing_node_refs += missing;
        if missing > 0 {
            out.ways_with_missing_nodes += 1;
        }
        if pieces == 0 {
            out.road_pieces_dropped += 1;
        }
    }
    out
}

/// Builds service points and settlements from tagged nodes and located areas.
pub(super) fn assemble_features(
    node_features: Vec<(OsmId, Coord, FeatureTags)>,
    areas: &[Area],
    member_refs: &[(i64, Vec<i64>)],
    lookup: &NodeLookup<'_>,
    stats: &mut ReadStats,
) -> (Vec<ServicePoint>, Vec<Settlement>) {
    let mut all: Vec<(OsmId, Coord, FeatureTags)> = node_features;
    for area in areas {
        let location = if area.id.kind == ElementType::Way {
            closed_way_point(&area.refs, lookup)
        } else {
            multipolygon_point(&area.members, member_refs, lookup)
        };
        match location {
            Some(c) => all.push((area.id, c, area.tags.clone())),
            None => stats.areas_without_location += 1,
        }
    }
    all.sort_by_key(|(id, _, _)| *id);
    all.dedup_by_key(|(id, _, _)| *id);
    let mut services = Vec::new();
    let mut settlements = Vec::new();
    for (id, coord, tags) in all {
        if tags.hours_unparsed {
            let unparsed = &mut stats.opening_hours_unparsed;
            for k in tags.kinds.indices() {
                if unparsed.len() <= k {
                    unparsed.resize(k + 1, 0);
                }
                unparsed[k] += 1;
            }
        }
        if !tags.kinds.is_empty() {
            services.push(ServicePoint {
                id: id.into(),
                name: tags.name.clone(),
                kinds: tags.kinds,
                coord,
                form: None,
                mobile: false,
                seasonal: tags.seasonal,
                capacity: None,
            });
        }
        if let Some(place) = tags.place {
            settlements.push(Settlement {
                id: id.into(),
                name: tags.name,
                place: Some(place),
                population: tags.population,
                coord,
                groups: Vec::new(),
            });
        }
    }
    (services, settlements)
}
