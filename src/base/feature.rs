//! What a region holds besides roads: service points of the run's kinds and settlements.

use crate::base::coord::Coord;
pub use crate::base::kind::{Kinds, ServiceKind, ServiceKinds};
use std::fmt;

/// The type of an OSM element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementType {
    /// An OSM node.
    Node,
    /// An OSM way.
    Way,
    /// An OSM relation.
    Relation,
}

/// An OSM element id with its type, shown as `node/123`, `way/45`, `relation/6`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OsmId {
    /// Element type.
    pub kind: ElementType,
    /// Element id.
    pub id: i64,
}

impl fmt::Display for OsmId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ElementType::Node => "node",
            ElementType::Way => "way",
            ElementType::Relation => "relation",
        };
        write!(f, "{kind}/{}", self.id)
    }
}

/// Where a service point or settlement comes from: an OSM element or a record of a planner's
/// file (its id column, or `file:line` when it has none).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureId {
    /// An OSM element, shown as `node/123`.
    Osm(OsmId),
    /// A record of a planner's file, shown as its id.
    File(String),
}

impl FeatureId {
    /// The OSM element, if it is one.
    pub fn osm(&self) -> Option<OsmId> {
        match self {
            FeatureId::Osm(id) => Some(*id),
            FeatureId::File(_) => None,
        }
    }
}

impl fmt::Display for FeatureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeatureId::Osm(id) => id.fmt(f),
            FeatureId::File(id) => f.write_str(id),
        }
    }
}

impl From<OsmId> for FeatureId {
    fn from(id: OsmId) -> Self {
        FeatureId::Osm(id)
    }
}

impl PartialEq<OsmId> for FeatureId {
    fn eq(&self, other: &OsmId) -> bool {
        matches!(self, FeatureId::Osm(id) if id == other)
    }
}

/// A place where people live, by OSM `place` value. The first five are settlements by default
/// ([`crate::read::profile::SETTLEMENT_PLACES`]); a project's settings may add the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// `place=city`
    City,
    /// `place=town`
    Town,
    /// `place=village`
    Village,
    /// `place=hamlet`
    Hamlet,
    /// `place=isolated_dwelling`
    IsolatedDwelling,
    /// `place=suburb`: a part of a town with its own name.
    Suburb,
    /// `place=quarter`
    Quarter,
    /// `place=neighbourhood`
    Neighbourhood,
    /// `place=farm`: a farm with its dwelling.
    Farm,
    /// `place=locality`: a named place, often without anyone living there.
    Locality,
}

impl Place {
    /// Every place value servicegap knows, settlements by default first, largest first.
    pub const ALL: [Place; 10] = [
        Place::City,
        Place::Town,
        Place::Village,
        Place::Hamlet,
        Place::IsolatedDwelling,
        Place::Suburb,
        Place::Quarter,
        Place::Neighbourhood,
        Place::Farm,
        Place::Locality,
    ];

    /// The OSM `place` value.
    pub fn name(self) -> &'static str {
        match self {
            Place::City => "city",
            Place::Town => "town",
            Place::Village => "village",
            Place::Hamlet => "hamlet",
            Place::IsolatedDwelling => "isolated_dwelling",
            Place::Suburb => "suburb",
            Place::Quarter => "quarter",
            Place::Neighbourhood => "neighbourhood",
            Place::Farm => "farm",
            Place::Locality => "locality",
        }
    }

    /// The place for an OSM `place` value, if servicegap knows it.
    pub fn from_tag(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == value)
    }
}

/// A point where one or more kinds of service are offered.
#[derive(Clone, Debug, PartialEq)]
pub struct ServicePoint {
    /// Where it came from.
    pub id: FeatureId,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// The kinds it offers (never empty).
    pub kinds: ServiceKinds,
    /// Its location: the node, or a point inside the area.
    pub coord: Coord,
    /// The form of service, where a planner's list gives one (Pipos `Serviceform`, e.g.
    /// `Apotek` or `Apoteksombud`).
    pub form: Option<String>,
    /// A mobile point (a shop van's or library bus's stop): open only some days, so summaries
    /// also show the gaps without mobile points.
    pub mobile: bool,
    /// A seasonal point (open in summer, closed for a whole week in winter), so summaries
    /// also show the gaps without seasonal points.
    pub seasonal: bool,
    /// How much service the point offers (staff, counters, opening hours; the planner's
    /// unit), where a planner's list gives it: `None` counts as 1 in capacity-aware access.
    pub capacity: Option<f64>,
}

/// A settlement: a place where people live.
#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    /// Where it came from.
    pub id: FeatureId,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// Its OSM `place` value; `None` for settlements from a planner's file or grid.
    pub place: Option<Place>,
    /// Its population, if tagged and readable.
    pub population: Option<u64>,
    /// Its location: the node, or a point inside the area.
    pub coord: Coord,
    /// The population of each population group the region names (e.g. people aged 70+),
    /// in the region's group order; empty when it names none.
    pub groups: Vec<Option<u64>>,
}
