//! Reading OpenStreetMap: the tag rules of the car profile and of services and settlements
//! ([`profile`]), the `.osm.pbf` reader that applies them ([`osm`]: the file and its block
//! index, the block decoders, the assembly of what they found) and the road ways it hands the
//! graph builder ([`roads`]), and which service points are seasonal ([`seasonal`]).

pub mod osm;
pub mod profile;
pub mod roads;
pub mod seasonal;
