//! A region ready for analysis, as plain data: the road graph, its service points and its
//! settlements, read from one extract or loaded from a graph cache (see [`crate::open`]).

use crate::base::feature::{ServicePoint, Settlement};
use crate::base::warning::Warning;
use crate::network::graph::Graph;
use crate::read::osm::ReadStats;
use std::time::Duration;

/// The road graph, service points and settlements of one extract.
#[derive(Clone, Debug)]
pub struct Region {
    /// The car network.
    pub graph: Graph,
    /// Service points of all kinds.
    pub services: Vec<ServicePoint>,
    /// Settlements.
    pub settlements: Vec<Settlement>,
    /// What the reader saw.
    pub read_stats: ReadStats,
    /// Time per phase, reading passes first, then graph building.
    pub timings: Vec<(&'static str, Duration)>,
    /// What the run carries on past but the planner must hear about, in the order noticed.
    pub warnings: Vec<Warning>,
}
