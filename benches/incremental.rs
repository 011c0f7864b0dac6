//! Criterion benchmark of incremental scenarios on the synthetic 10^6-node road grid: one
//! added service point (all five kinds, so all ten fields change) and one closed point,
//! evaluated incrementally, against a full analysis of the same region.
//!
//! Run with `cargo bench --bench incremental`; compare the medians as ratios within one run.
//! The copy of the baseline each iteration starts from is made outside the timed part.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

#[path = "support/grid.rs"]
mod grid;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use grid::grid_region;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::base::coord::Coord;
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::whatif::scenario::{Network, State};
use servicegap::ServiceKinds;
use std::hint::black_box;

fn incremental(c: &mut Criterion) {
    let region = grid_region(1000, 1);
    let options = AnalysisOptions::default();
    let net = Network::new(&region, &options);
    let baseline = State::new(&net, &region.services);
    let label = format!("{}k_nodes", region.graph.node_count() / 1000);
    let mut group = c.benchmark_group(format!("scenario/{label}"));
    group.sample_size(10);
    group.bench_function("full_analysis", |b| {
        b.iter(|| black_box(analyze(&region, &options).kinds.len()))
    });
    // A new point with every kind in the middle of the grid.
    let point = ServicePoint {
        id: FeatureId::File("new".into()),
        name: None,
        kinds: ServiceKinds::GROCERY
            | ServiceKinds::FUEL
            | ServiceKinds::POST
            | ServiceKinds::PHARMACY
            | ServiceKinds::PAYMENT,
        coord: Coord::from_degrees(15.0003, 60.5004),
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    };
    group.bench_function("add_one_point", |b| {
        b.iter_batched(
            || baseline.clone(),
            |mut state| {
                let j = state.add(&net, point.clone());
                black_box((j, state))
            },
            BatchSize::LargeInput,
        )
    });
    let busiest = region.services.len() / 2;
    group.bench_function("close_one_point", |b| {
        b.iter_batched(
            || baseline.clone(),
            |mut state| {
                state.remove(&net, busiest);
                black_box(state)
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, incremental);
criterion_main!(benches);
