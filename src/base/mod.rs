//! What every stage speaks: arrays owned or read in place from a mapped file, coordinates and
//! distances on the ellipsoid, the features
//! (service kinds, service points, settlements, OSM ids), the library's error type, its
//! warnings and its progress reports, and the "did you mean" of misspelt names.

pub mod array;
pub mod coord;
pub mod error;
pub mod feature;
pub mod kind;
pub mod name;
pub mod progress;
pub mod warning;
