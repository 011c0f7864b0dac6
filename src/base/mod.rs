//! What every stage speaks: coordinates and distances on the ellipsoid, the features
//! (service kinds, service points, settlements, OSM ids), the library's error type, its
//! warnings and its progress reports.

pub mod coord;
pub mod error;
pub mod feature;
pub mod progress;
pub mod warning;
