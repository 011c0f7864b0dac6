//! # servicegap
//!
//! How far is it, by road and by car, from every settlement to the nearest grocery, fuel
//! station, post or parcel agent, pharmacy and cash point? servicegap answers this for a whole
//! region or country from an OpenStreetMap extract, fast enough to run on a laptop.
//!
//! ## Code map
//! The data flows through one module per stage:
//!
//! `.osm.pbf` → [`osm`] (read) → [`profile`] (tags → road class, speed, access, ferries; tags →
//! service kinds) → [`graph`] (CSR road graph) → [`region`] (graph + services + settlements) →
//! [`snap`] (points onto roads, packed R-tree) → [`route`] (multi-source Dijkstra) → [`analysis`]
//! (nearest point of each kind per settlement, gaps, summary) → [`export`] (GeoJSON, CSV, JSON).
//!
//! - [`vulnerability`]: per service point, who it serves and who would be stranded if it alone
//!   closed (one nearest-and-second-nearest search), for `servicegap vulnerable`.
//! - [`suggest`]: where up to k new points bring the most people within the threshold (greedy
//!   maximal coverage over bounded searches), for `servicegap suggest`.
//! - [`cache`]: a whole [`region::Region`] saved to a `.sgraph` file and loaded back, for
//!   `servicegap build`; [`region::Region::open`] takes either kind of file.
//! - [`straight_line`]: the nearest point as the crow flies (rstar over earth-centred
//!   coordinates), for the straight-line distance and detour factor of [`analysis`].
//! - [`inspect`]: what an extract holds, for `servicegap inspect`.
//! - [`coord`]: (lon, lat) fixed-point coordinates and ellipsoidal distances.
//! - [`feature`]: service kinds, service points, settlements, OSM ids.
//! - [`error`]: the library's error type; every error names its file.
//!
//! ## Conventions
//! - Coordinates are **(lon, lat)** everywhere, as in GeoJSON, stored in 1e-7 degrees.
//! - Lengths on the graph are integer **decimetres**, car times integer **deciseconds**;
//!   kilometres and minutes appear only at the edges (reports, files).
//! - Node indices are [`graph::NodeIdx`] (`u32`), never OSM ids.
//! - The library never prints and never exits; per-feature problems (a way cut by the extract
//!   boundary, an area without nodes) are counted in the results, not raised as errors.
//! - Output never depends on the number of threads.
//!
//! ## Example
//! ```no_run
//! use servicegap::analysis::{analyze, AnalysisOptions};
//! use servicegap::{region::Region, ServiceKind};
//! let path = std::path::Path::new("data/osm/de-north-bayreuth-rural.osm.pbf");
//! let region = Region::from_pbf(path)?;
//! let result = analyze(&region, &AnalysisOptions::default());
//! let grocery = ServiceKind::Grocery as usize;
//! for (settlement, r) in region.settlements.iter().zip(&result.settlements) {
//!     let km = r.kinds[grocery].length_dm.map(|dm| f64::from(dm) / 10_000.0);
//!     println!("{:?}: {km:?} km to the nearest grocery", settlement.name);
//! }
//! # Ok::<(), servicegap::Error>(())
//! ```

pub mod analysis;
pub mod cache;
pub mod config;
pub mod coord;
pub mod error;
pub mod export;
pub mod feature;
pub mod graph;
pub mod input;
pub mod inspect;
pub mod osm;
pub mod profile;
pub mod region;
pub mod route;
pub mod scenario;
pub mod snap;
pub mod straight_line;
pub mod suggest;
pub mod vulnerability;

pub use error::{Error, Result};
pub use feature::{ServiceKind, ServiceKinds};
