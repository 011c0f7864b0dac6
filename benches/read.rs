//! Criterion benchmarks of the reading stages on the largest shipped extract: PBF reading
//! (all passes), graph building from the read roads, and the two together.
//!
//! Run with `cargo bench --bench read`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use servicegap::graph::Graph;
use servicegap::osm::read_pbf;
use servicegap::region::Region;
use std::hint::black_box;
use std::path::PathBuf;

fn extract(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/osm")
        .join(format!("{name}.osm.pbf"))
}

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    group.sample_size(30);
    for name in ["li-liechtenstein-2021", "de-north-bayreuth-rural"] {
        let path = extract(name);
        group.bench_function(format!("read_pbf/{name}"), |b| {
            b.iter(|| black_box(read_pbf(&path).map(|d| d.roads.ways.len())))
        });
        let data = read_pbf(&path).unwrap_or_else(|e| panic!("{e}"));
        group.bench_function(format!("graph_build/{name}"), |b| {
            b.iter(|| black_box(Graph::build(&data.roads).node_count()))
        });
        group.bench_function(format!("region/{name}"), |b| {
            b.iter(|| black_box(Region::from_pbf(&path).map(|r| r.graph.node_count())))
        });
    }
    group.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
