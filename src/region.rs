//! A region ready for analysis: the road graph, its service points and its settlements, read
//! from one extract.

use crate::error::Result;
use crate::feature::{ServicePoint, Settlement};
use crate::graph::Graph;
use crate::osm::{self, ReadStats};
use std::path::Path;
use std::time::{Duration, Instant};

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
}

impl Region {
    /// Reads an `.osm.pbf` file and builds the graph.
    ///
    /// # Errors
    /// Any [`crate::Error`] from reading the file.
    pub fn from_pbf(path: &Path) -> Result<Region> {
        let data = osm::read_pbf(path)?;
        let clock = Instant::now();
        let graph = Graph::build(&data.roads);
        let mut timings = data.stats.timings.clone();
        timings.push(("graph", clock.elapsed()));
        Ok(Region {
            graph,
            services: data.services,
            settlements: data.settlements,
            read_stats: data.stats,
            timings,
        })
    }
}
