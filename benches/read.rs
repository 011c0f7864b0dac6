//! Criterion benchmarks of reading an extract and building its graph.
fn main() {}
