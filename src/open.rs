//! Opening a region: an `.osm.pbf` extract read with a [`Profile`] and its graph built, or a
//! graph cache loaded, told apart by the file's first bytes; then planners' files applied
//! over what the extract holds.

use crate::base::error::Result;
use crate::base::feature::Settlement;
use crate::base::progress;
use crate::input::services::ServiceFile;
use crate::network::graph::Graph;
use crate::network::region::{Extent, Region};
use crate::read::osm;
use crate::read::profile::Profile;
use crate::store::cache;
use crate::ServiceKinds;
use std::path::Path;
use std::time::Instant;

/// Opens an extract or a graph cache written by `servicegap build`, told apart by the file's
/// first bytes (not its name): a cache is loaded, anything else is read as `.osm.pbf` with the
/// rules of `profile`. A cache must have been built with the same rules
/// ([`cache::settings_fingerprint`]).
///
/// # Errors
/// Any [`crate::Error`] from [`cache::read`] or [`read_pbf`]; a cache built with other rules is
/// refused.
pub fn open(path: &Path, profile: &Profile) -> Result<Region> {
    if cache::is_cache(path)? {
        let mut region = cache::read(path, cache::settings_fingerprint(profile))?;
        // The same kinds (the fingerprint covers them), with the settings' labels.
        if region.kinds.iter().eq(profile.kinds().iter()) {
            region.kinds = profile.kinds().clone();
        }
        Ok(region)
    } else {
        read_pbf(path, profile)
    }
}

/// Reads an `.osm.pbf` file with the rules of `profile` and builds the graph; the region's
/// [`Extent`] is the header's box where the file has a usable one, else the hull of the roads.
///
/// # Errors
/// Any [`crate::Error`] from reading the file.
pub fn read_pbf(path: &Path, profile: &Profile) -> Result<Region> {
    let data = osm::read_pbf_with(path, profile)?;
    let clock = Instant::now();
    let building = progress::phase("building", None, progress::Unit::Items);
    let graph = Graph::build(&data.roads);
    let mut timings = data.stats.timings.clone();
    let extent = Extent::of_extract(data.header_bbox, &graph);
    timings.push(("graph", clock.elapsed()));
    building.finish();
    Ok(Region {
        graph,
        extent,
        kinds: profile.kinds().clone(),
        services: data.services,
        settlements: data.settlements,
        groups: Vec::new(),
        read_stats: data.stats,
        timings,
        warnings: Vec::new(),
        prepared: Default::default(),
    })
}

/// Takes service points from planners' files. Per kind, the files are authoritative: a kind
/// present in any file comes only from the files; the other kinds keep their OSM points,
/// unless `keep_osm` is false, which drops every OSM point.
pub fn use_service_files(region: &mut Region, files: &[ServiceFile], keep_osm: bool) {
    let from_files = files
        .iter()
        .fold(ServiceKinds::EMPTY, |acc, f| acc | f.kinds());
    if keep_osm {
        for s in &mut region.services {
            s.kinds = s.kinds.without(from_files);
        }
        region.services.retain(|s| !s.kinds.is_empty());
    } else {
        region.services.clear();
    }
    region
        .services
        .extend(files.iter().flat_map(|f| f.points.iter().cloned()));
}

/// Replaces the settlements (e.g. with SCB grid squares), without population groups.
pub fn use_settlements(region: &mut Region, settlements: Vec<Settlement>) {
    use_grouped_settlements(region, settlements, Vec::new());
}

/// Replaces the settlements with ones that carry the population of each of `groups` (the
/// names their [`Settlement::groups`] follow, as read by
/// [`crate::input::settlements::read_settlements_with`]).
pub fn use_grouped_settlements(
    region: &mut Region,
    settlements: Vec<Settlement>,
    groups: Vec<String>,
) {
    region.settlements = settlements;
    region.groups = groups;
}
