//! Reading OpenStreetMap: the tag rules of the car profile and of services and settlements
//! ([`profile`]), the `.osm.pbf` reader that applies them ([`osm`]) and the road ways it
//! hands the graph builder ([`roads`]).

pub mod osm;
pub mod profile;
pub mod roads;
