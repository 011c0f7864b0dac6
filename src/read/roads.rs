//! What the reader hands the graph builder: the car-usable ways and the coordinates of their
//! nodes, with the profile's decision about each way.

use crate::base::coord::Coord;
use crate::read::profile::RoadAttrs;

/// The road ways a graph is built from: coordinates of the OSM nodes they use and, per way, the
/// sequence of those nodes. Produced by [`crate::read::osm`] or by tests directly, and
/// turned into a graph by [`crate::network::graph::Graph::build`].
#[derive(Clone, Debug, Default)]
pub struct RoadInput {
    /// Coordinate of every input node, indexed by input node number.
    pub coords: Vec<Coord>,
    /// OSM id of every input node.
    pub osm_ids: Vec<i64>,
    /// The road ways; each piece has at least two nodes (consecutive repeats are ignored).
    pub ways: Vec<RoadWay>,
    /// Input node numbers of all ways, concatenated; a way owns `refs[start..end]`.
    pub refs: Vec<u32>,
}

/// One car-usable way (or a piece of one, split where the file lacked its nodes).
#[derive(Clone, Copy, Debug)]
pub struct RoadWay {
    /// The OSM way id.
    pub osm_id: i64,
    /// What the profile decided about it.
    pub attrs: RoadAttrs,
    /// Its nodes are `refs[start..end]`.
    pub start: u32,
    /// End of its nodes in `refs`.
    pub end: u32,
}
