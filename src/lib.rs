//! # servicegap
//!
//! How far is it, by road and by car, from every settlement to the nearest grocery, fuel
//! station, post or parcel agent, pharmacy and cash point? servicegap answers this for a whole
//! region or country from an OpenStreetMap extract, fast enough to run on a laptop.
//!
//! ## Code map
//! One folder per stage, in the order the data flows (nothing imports a later stage):
//!
//! - [`base`]: arrays owned or in a mapped file ([`base::array`]), coordinates and ellipsoidal distances, service kinds (a catalogue: the five built-in kinds and a project's own), service points,
//!   settlements, OSM ids, the error type, warnings, progress reports
//!   ([`base::progress`]: the stages name their phases, the binary decides what to show).
//! - [`read`]: the tag rules ([`read::profile`]), which service points are open in summer
//!   only ([`read::seasonal`]), and the `.osm.pbf` reader ([`read::osm`]), which yields road
//!   ways ([`read::roads`]), service points and settlements.
//! - [`input`]: planners' files: Pipos exports, CSV, xlsx, GeoJSON, SCB grids, region
//!   polygons, scenario files, coordinate systems, TOML.
//! - [`network`]: the CSR road graph, snapping onto it, the nearest point as the crow flies,
//!   and a [`network::region::Region`] (graph + service points + settlements + the area the
//!   extract covers + warnings) as plain data.
//! - [`store`]: the graph cache (`servicegap build`) and the all-or-nothing set of output
//!   files.
//! - [`open`]: an extract or a cache opened into a region, planners' files applied over it.
//! - [`route`]: multi-source Dijkstra with `(cost, source)` labels (one per node, or the `k`
//!   best with distinct sources), on the whole graph or on its core.
//! - [`analysis`]: per settlement the nearest point of each kind by km and minutes, gaps,
//!   straight-line distances, the second and k nearest points ([`analysis::knearest`]), per
//!   service point the next point of its kind ([`analysis::next`]), capacity-aware access
//!   when asked for ([`analysis::e2sfca`]), summaries (also without mobile or seasonal points
//!   and per population group), region groups.
//! - [`whatif`]: scenarios (closed and added points), vulnerability, site suggestion (also
//!   within each region), the support screening ([`whatif::screening`]), and what
//!   the report's kommun pages need ([`whatif::plan`]), all searches sharing one
//!   [`analysis::fields::Snapped`].
//! - [`settings`]: the settings file (`servicegap.toml`) read and checked, and the flags
//!   applied over it into the settings every command uses.
//! - [`report`]: every table-shaped output as a typed layer ([`report::layer`];
//!   [`report::SettlementsLayer`] and the others) written as GeoJSON, CSV, GeoPackage
//!   ([`report::gpkg`], styled for QGIS) or FlatGeobuf ([`report::fgb`]); JSON, the printed
//!   tables; `inspect`'s report; the planner's HTML report ([`report::html`]: the run's data
//!   as one JSON element and the page's vendored scripts, drawn in the browser).
//!
//! ## Invariants the layout keeps
//! - Only the binary (`src/main.rs`, `src/cli/`) knows flag names, prints, reads argv and
//!   decides exit codes; the library's errors name files, lines and settings, never a flag
//!   (the lints below refuse printing here). Settings are resolved once, file then flags, by
//!   [`settings::resolve`].
//! - Only [`store`] and [`report`] write files, and every command writes through
//!   [`store::output::OutputSet`]: all outputs or none, temporary files removed on failure or
//!   interruption, devices and FIFOs written through.
//! - Labels compare as (cost, source), so no output depends on the number of threads.
//! - `unsafe` code lives in [`base::array`] only (the graph cache mapped into memory and
//!   checked parts of it seen as slices); the lints deny it everywhere else.
//!
//! ## Conventions
//! - Coordinates are **(lon, lat)** everywhere, as in GeoJSON, stored in 1e-7 degrees.
//! - Lengths on the graph are integer **decimetres**, car times integer **deciseconds**;
//!   kilometres and minutes appear only at the edges (reports, files).
//! - Node indices are [`network::graph::NodeIdx`] (`u32`), never OSM ids.
//! - Per-feature problems (a way cut by the extract boundary, an area without nodes, a
//!   settlement too far from a road or outside the extract) are counted in the results, not
//!   raised as errors; what the planner must hear about besides is a
//!   [`base::warning::Warning`], printed by the binary.
//!
//! ## Example
//! ```no_run
//! use servicegap::analysis::{analyze, AnalysisOptions};
//! use servicegap::read::profile::Profile;
//! use servicegap::ServiceKind;
//! let path = std::path::Path::new("data/osm/de-north-bayreuth-rural.osm.pbf");
//! let region = servicegap::open::read_pbf(path, &Profile::default())?;
//! let result = analyze(&region, &AnalysisOptions::default());
//! let grocery = ServiceKind::GROCERY.index();
//! for (settlement, r) in region.settlements.iter().zip(&result.settlements) {
//!     let km = r.kinds[grocery].length_dm.map(|dm| f64::from(dm) / 10_000.0);
//!     println!("{:?}: {km:?} km to the nearest grocery", settlement.name);
//! }
//! # Ok::<(), servicegap::Error>(())
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod base;
pub mod input;
pub mod network;
pub mod open;
pub mod read;
pub mod report;
pub mod route;
pub mod settings;
pub mod store;
pub mod whatif;

pub use base::error::{Error, Result};
pub use base::kind::{Kinds, ServiceKind, ServiceKinds};
