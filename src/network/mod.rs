//! The road network as plain data: the CSR car graph ([`graph`]), points snapped onto it
//! ([`snap`]), the nearest point as the crow flies ([`straight_line`]) and a [`region::Region`]
//! (graph, service points, settlements), with what searches on it are prepared from (the
//! [`core_tables`] of its core graph).

pub mod core_tables;
pub mod graph;
pub mod region;
pub mod snap;
pub mod straight_line;
