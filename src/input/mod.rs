//! Planners' own files: service point lists (CSV, GeoJSON, Pipos xlsx), settlements and
//! population grids (SCB squares) with their population groups, region polygons (kommuner, län), and the coordinate systems
//! they come in.

pub mod crs;
pub mod grid;
pub mod groups;
pub mod points;
pub mod regions;
pub mod scenarios;
pub mod services;
pub mod settlements;
pub mod table;
pub mod toml;
