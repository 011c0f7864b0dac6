//! The integration tests, one crate: the binary end to end, the library on the shipped
//! extracts and hand-made fixtures, and oracle tests against naive implementations on seeded
//! random inputs. Shared helpers are in [`util`].

// A failed unwrap in a test is a failed test with its message; the lint guards user input in
// the library and binary.
#![allow(clippy::unwrap_used)]

mod analysis_fixtures;
mod analysis_oracle;
mod analyze_cli;
mod bad_inputs;
mod cache;
mod cache_robust;
mod cli;
mod cli_ux;
mod crs;
mod e2sfca;
mod e2sfca_measures;
mod extent;
mod fields_from_k;
mod fixtures;
mod fuzz_corpus;
mod fuzz_regressions;
mod gpkg;
mod gpkg_cli;
mod graph_oracle;
mod grid;
mod groups;
mod input_services;
mod knearest;
mod layers;
mod next_points;
mod outputs;
mod own_kinds;
mod planner_files_e2e;
mod profile_config;
mod real_extracts;
mod regions;
mod report_browser;
mod report_data;
mod route_core;
mod rules;
mod scenario;
mod scenario_cli;
mod screening;
mod seasonal;
mod snap_ellipsoid;
mod suggest;
mod suggest_regions;
mod tables;
mod util;
mod vulnerability;
