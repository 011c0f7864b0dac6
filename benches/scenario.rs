//! Criterion benchmarks of the scenario commands on the synthetic 10^6-node road grid: the
//! vulnerability of every grocery point (one second-nearest search) and site suggestion with
//! k = 3 over every main-network node, against one whole analysis of the same region.
//!
//! The grocery threshold is 1 km, so that a good share of the grid's settlements are in gap
//! and closures strand people (at the default 10 km nobody on the grid is).
//!
//! Run with `cargo bench --bench scenario`; compare the medians as ratios within one run.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

#[path = "support/grid.rs"]
mod grid;

use criterion::{criterion_group, criterion_main, Criterion};
use grid::grid_region;
use servicegap::analysis::{analyze, AnalysisOptions, ThresholdSetting};
use servicegap::whatif::suggest::{suggest, Candidates};
use servicegap::whatif::vulnerability::vulnerability;
use servicegap::ServiceKind;
use std::hint::black_box;

fn scenario(c: &mut Criterion) {
    let region = grid_region(1000, 1);
    let mut options = AnalysisOptions::default();
    let grocery: ThresholdSetting = "grocery=1km".parse().unwrap_or_else(|e| panic!("{e}"));
    options
        .set_thresholds(&servicegap::Kinds::default(), &[grocery])
        .unwrap_or_else(|e| panic!("{e}"));
    let label = format!("{}k_nodes", region.graph.node_count() / 1000);
    let mut group = c.benchmark_group(format!("scenario/{label}"));
    group.sample_size(10);
    group.bench_function("analyze", |b| {
        b.iter(|| black_box(analyze(&region, &options).kinds.len()))
    });
    group.bench_function("vulnerability_grocery", |b| {
        b.iter(|| {
            let v = vulnerability(&region, &options, ServiceKind::GROCERY, None);
            black_box(v.points.len())
        })
    });
    group.bench_function("suggest_grocery_k3", |b| {
        b.iter(|| {
            let s = suggest(
                &region,
                &options,
                ServiceKind::GROCERY,
                3,
                &Candidates::MainNetworkNodes,
            );
            black_box(s.picks.len())
        })
    });
    group.finish();
}

criterion_group!(benches, scenario);
criterion_main!(benches);
