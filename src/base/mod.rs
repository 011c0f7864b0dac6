//! What every stage speaks: coordinates and distances on the ellipsoid, the features
//! (service kinds, service points, settlements, OSM ids), the library's error type and its
//! warnings.

pub mod coord;
pub mod error;
pub mod feature;
pub mod warning;
