//! A region ready for analysis: the road graph, its service points and its settlements, read
//! from one extract or loaded from a graph cache ([`crate::cache`]).

use crate::error::Result;
use crate::feature::{ServicePoint, Settlement};
use crate::graph::Graph;
use crate::osm::{self, ReadStats};
use crate::profile::Profile;
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
    /// Opens an extract or a graph cache written by `servicegap build`, told apart by the
    /// file's first bytes (not its name): a cache is loaded, anything else is read as
    /// `.osm.pbf`. A cache must have been built with [`crate::cache::settings_fingerprint`].
    ///
    /// # Errors
    /// Any [`crate::Error`] from [`crate::cache::read`] or [`Region::from_pbf`].
    pub fn open(path: &Path) -> Result<Region> {
        Self::open_with(path, &Profile::default())
    }

    /// [`Region::open`] with the rules of `profile`: an extract is read with them, a cache
    /// must have been built with them.
    ///
    /// # Errors
    /// As [`Region::open`]; a cache built with other rules is refused.
    pub fn open_with(path: &Path, profile: &Profile) -> Result<Region> {
        if crate::cache::is_cache(path)? {
            crate::cache::read(path, crate::cache::settings_fingerprint(profile))
        } else {
            Region::from_pbf_with(path, profile)
        }
    }

    /// Reads an `.osm.pbf` file and builds the graph.
    ///
    /// # Errors
    /// Any [`crate::Error`] from reading the file.
    pub fn from_pbf(path: &Path) -> Result<Region> {
        Self::from_pbf_with(path, &Profile::default())
    }

    /// Reads an `.osm.pbf` file with the rules of `profile` and builds the graph.
    ///
    /// # Errors
    /// Any [`crate::Error`] from reading the file.
    pub fn from_pbf_with(path: &Path, profile: &Profile) -> Result<Region> {
        let data = osm::read_pbf_with(path, profile)?;
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

impl Region {
    /// Takes service points from planners' files. Per kind, the files are authoritative: a kind
    /// present in any file comes only from the files; the other kinds keep their OSM points,
    /// unless `keep_osm` is false, which drops every OSM point.
    pub fn use_service_files(
        &mut self,
        files: &[crate::input::services::ServiceFile],
        keep_osm: bool,
    ) {
        let from_files = files
            .iter()
            .fold(crate::ServiceKinds::EMPTY, |acc, f| acc | f.kinds());
        if keep_osm {
            for s in &mut self.services {
                s.kinds = s.kinds.without(from_files);
            }
            self.services.retain(|s| !s.kinds.is_empty());
        } else {
            self.services.clear();
        }
        self.services
            .extend(files.iter().flat_map(|f| f.points.iter().cloned()));
    }

    /// Replaces the settlements (e.g. with SCB grid squares).
    pub fn use_settlements(&mut self, settlements: Vec<Settlement>) {
        self.settlements = settlements;
    }
}
