//! Criterion benchmarks of the reading stages on the largest shipped extract: PBF reading
//! (all passes), graph building from the read roads, and the two together; and the graph cache
//! against them: loading the extract's `.sgraph` against reading the `.osm.pbf`, and loading and
//! writing the cache of a synthetic 10^6-node grid.
//!
//! Run with `cargo bench --bench read` (or `-- cache` for the cache group alone).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

#[path = "support/grid.rs"]
mod grid;

use criterion::{criterion_group, criterion_main, Criterion};
use servicegap::network::graph::Graph;
use servicegap::read::osm::read_pbf;
use servicegap::store::cache;
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
            b.iter(|| {
                black_box(
                    servicegap::open::read_pbf(
                        &path,
                        &servicegap::read::profile::Profile::default(),
                    )
                    .map(|r| r.graph.node_count()),
                )
            })
        });
    }
    group.finish();
}

fn cache(c: &mut Criterion) {
    let mut group = c.benchmark_group("cache");
    group.sample_size(30);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fingerprint = cache::settings_fingerprint(&servicegap::read::profile::Profile::default());
    let name = "li-liechtenstein-2021";
    let path = extract(name);
    let cached = dir.path().join(format!("{name}.sgraph"));
    let region = servicegap::open::read_pbf(&path, &servicegap::read::profile::Profile::default())
        .unwrap_or_else(|e| panic!("{e}"));
    cache::write(&cached, &region, fingerprint).unwrap_or_else(|e| panic!("{e}"));
    group.bench_function(format!("from_pbf/{name}"), |b| {
        b.iter(|| {
            black_box(
                servicegap::open::read_pbf(&path, &servicegap::read::profile::Profile::default())
                    .map(|r| r.graph.node_count()),
            )
        })
    });
    group.bench_function(format!("load/{name}"), |b| {
        b.iter(|| black_box(cache::read(&cached, fingerprint).map(|r| r.graph.node_count())))
    });

    group.sample_size(10);
    let region = grid::grid_region(1000, 7);
    let cached = dir.path().join("grid-1000.sgraph");
    group.bench_function("write/grid_1000", |b| {
        b.iter(|| cache::write(&cached, &region, fingerprint).unwrap_or_else(|e| panic!("{e}")))
    });
    group.bench_function("load/grid_1000", |b| {
        b.iter(|| black_box(cache::read(&cached, fingerprint).map(|r| r.graph.node_count())))
    });
    group.finish();
}

criterion_group!(benches, read, cache);
criterion_main!(benches);
