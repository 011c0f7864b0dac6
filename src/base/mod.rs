//! What every stage speaks: coordinates and distances on the ellipsoid, the features
//! (service kinds, service points, settlements, OSM ids) and the library's error type.

pub mod coord;
pub mod error;
pub mod feature;
