//! What one block yields to the way pass and to the node pass, and how one way or node is
//! classified on the way there. Both decoders (`decode` over `osmpbf`, `direct` over the bytes)
//! hand their elements to the functions here, so the rules are written once.

use super::nodes::{self, Finder};
use crate::base::coord::Coord;
use crate::base::feature::{ElementType, OsmId, Place};
use crate::read::profile::{self, Profile, RoadAttrs, WayTags};
use crate::read::seasonal::{self, Hours};
use crate::ServiceKinds;
use osmpbf::PrimitiveBlock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Tags of a feature that may be a service point or a settlement.
#[derive(Clone, Debug, Default)]
pub(super) struct FeatureTags {
    pub(super) kinds: ServiceKinds,
    pub(super) place: Option<Place>,
    pub(super) name: Option<String>,
    pub(super) population: Option<u64>,
    /// A service point open in summer only ([`crate::read::seasonal`]).
    pub(super) seasonal: bool,
    /// A service point whose `opening_hours` value does not parse.
    pub(super) hours_unparsed: bool,
}

impl FeatureTags {
    /// Reads the feature tags; `None` if the element is neither a service nor a settlement.
    pub(super) fn read<'a>(
        profile: &Profile,
        tags: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<Self> {
        let mut kinds = ServiceKinds::EMPTY;
        let mut place = None;
        let mut name = None;
        let mut population = None;
        let (mut hours, mut seasonal_tag) = (None, None);
        for (k, v) in tags {
            match k {
                "place" => place = profile.settlement_place(v),
                "name" => name = Some(v),
                "population" => population = Some(v),
                "opening_hours" => hours = Some(v),
                "seasonal" => seasonal_tag = Some(v),
                _ => kinds |= profile.service_kinds_of_tag(k, v),
            }
        }
        if kinds.is_empty() && place.is_none() {
            return None;
        }
        // Only service points have a season: a settlement's hours are not read.
        let hours = hours
            .filter(|_| !kinds.is_empty())
            .map(seasonal::hours_seasonal);
        let seasonal = hours == Some(Hours::Seasonal)
            || seasonal_tag.is_some_and(|v| !kinds.is_empty() && seasonal::tag_seasonal(v));
        Some(FeatureTags {
            kinds,
            place,
            name: name.map(str::to_owned),
            population: population.and_then(profile::parse_population),
            seasonal,
            hours_unparsed: hours == Some(Hours::Unparsed),
        })
    }
}

/// A closed way or multipolygon that is a service or settlement, located later.
#[derive(Clone, Debug)]
pub(super) struct Area {
    pub(super) id: OsmId,
    pub(super) tags: FeatureTags,
    /// For a closed way: its node refs. For a relation: empty, see `members`.
    pub(super) refs: Vec<i64>,
    /// For a relation: member ways with `true` for outer (or empty) role.
    pub(super) members: Vec<(i64, bool)>,
}

/// A road way as read: its id, what the profile said, where its refs are in its block's
/// [`RoadBlock::refs`].
#[derive(Clone, Debug)]
pub(super) struct RawRoad {
    pub(super) id: i64,
    pub(super) attrs: RoadAttrs,
    pub(super) start: u32,
    pub(super) end: u32,
}

/// The road ways of one block, their refs in one array (no allocation per way).
#[derive(Default)]
pub(super) struct RoadBlock {
    pub(super) roads: Vec<RawRoad>,
    pub(super) refs: Vec<i64>,
}

impl RoadBlock {
    pub(super) fn refs(&self, road: &RawRoad) -> &[i64] {
        &self.refs[road.start as usize..road.end as usize]
    }
}

/// What one block contributed to the way/relation pass.
#[derive(Default)]
pub(super) struct WayBlock {
    pub(super) has_nodes: bool,
    /// Lowest and highest way id in the block, if it holds ways.
    pub(super) way_ids: Option<(i64, i64)>,
    /// The decoded block, kept when it also holds nodes.
    pub(super) decoded: Option<PrimitiveBlock>,
    pub(super) ways: u64,
    pub(super) relations: u64,
    pub(super) roads: RoadBlock,
    pub(super) areas: Vec<Area>,
}

/// What one block contributed to the node pass.
#[derive(Default)]
pub(super) struct NodeBlock {
    pub(super) nodes: u64,
    pub(super) has_ways_or_relations: bool,
    pub(super) features: Vec<(OsmId, Coord, FeatureTags)>,
}

impl WayBlock {
    /// Takes one way whose node refs have just been appended to `self.roads.refs` from
    /// `start`: counts it, keeps it as an area when it is a closed way that is a service or a
    /// settlement, and as a road when the profile says it is one (else its refs are dropped
    /// again, so a block's refs are those of its roads alone).
    // Called for every way from the decoders' inner loops, from two places: always inlined,
    // so that sharing it costs the direct reader nothing.
    #[inline(always)]
    pub(super) fn classify_way<'a, T>(&mut self, profile: &Profile, id: i64, tags: T, start: usize)
    where
        T: Iterator<Item = (&'a str, &'a str)> + Clone,
    {
        self.ways += 1;
        self.way_ids = Some(
            self.way_ids
                .map_or((id, id), |(lo, hi)| (lo.min(id), hi.max(id))),
        );
        let way_refs = &self.roads.refs[start..];
        if let Some(feature) = FeatureTags::read(profile, tags.clone()) {
            if way_refs.len() >= 4 && way_refs.first() == way_refs.last() {
                self.areas.push(Area {
                    id: OsmId {
                        kind: ElementType::Way,
                        id,
                    },
                    tags: feature,
                    refs: way_refs.to_vec(),
                    members: Vec::new(),
                });
            }
        }
        match profile.road_attrs(&WayTags::from_pairs(tags)) {
            Some(attrs) => self.roads.roads.push(RawRoad {
                id,
                attrs,
                start: start as u32,
                end: self.roads.refs.len() as u32,
            }),
            None => self.roads.refs.truncate(start),
        }
    }
}

impl NodeBlock {
    /// Takes one node: counts it, stores its coordinate when roads or areas use it (`finder`
    /// gives its slot in `coords`), and keeps it when it is a service or a settlement.
    // Called for every node, from two places: always inlined, as `classify_way`.
    #[inline(always)]
    pub(super) fn classify_node(
        &mut self,
        finder: &mut Finder<'_>,
        coords: &[AtomicU64],
        id: i64,
        coord: Coord,
        feature: Option<FeatureTags>,
    ) {
        self.nodes += 1;
        if let Some(i) = finder.find(id) {
            coords[i].store(nodes::pack(coord), Ordering::Relaxed);
        }
        if let Some(tags) = feature {
            self.features.push((
                OsmId {
                    kind: ElementType::Node,
                    id,
                },
                coord,
                tags,
            ));
        }
    }
}
