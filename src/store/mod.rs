//! What the library writes to disk besides reports: the graph cache ([`cache`], its small
//! sections encoded as records by `records`) and the
//! all-or-nothing set of output files every command writes through ([`output`]).

pub mod cache;
pub mod output;
mod records;
