//! Criterion benchmarks of the routing kernel on synthetic road grids of 10^5 and 10^6 nodes:
//! one plain single-source Dijkstra sweep against the ten fields of an analysis (five kinds ×
//! km and minutes, multi-source, run in parallel as `analyze` runs them), and the whole
//! analysis (snapping, routing, summaries) on the same graph.
//!
//! Run with `cargo bench --bench route`; compare the medians as ratios within one run.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

#[path = "support/grid.rs"]
mod grid;

use criterion::{criterion_group, criterion_main, Criterion};
use grid::grid_region;
use rayon::prelude::*;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::network::graph::NodeIdx;
use servicegap::network::region::Region;
use servicegap::route::{nearest_sources, single_source, Metric, Seed, Workspace};
use servicegap::ServiceKind;
use std::hint::black_box;

/// Seeds of one field: every service of `kind`, at the `from` node of the nearest edge.
fn seeds(region: &Region, kind: ServiceKind) -> Vec<Seed> {
    let g = &region.graph;
    region
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kinds.contains(kind))
        .map(|(j, s)| {
            // Any node near the point will do for timing; the analysis snaps properly.
            let node = NodeIdx((j * 7919 % g.node_count()) as u32);
            let _ = s;
            Seed {
                node,
                cost: 0,
                source: j as u32,
            }
        })
        .collect()
}

fn route(c: &mut Criterion) {
    for side in [317usize, 1000] {
        let region = grid_region(side, 1);
        let g = &region.graph;
        let label = format!("{}k_nodes", g.node_count() / 1000);
        let mut group = c.benchmark_group(format!("route/{label}"));
        group.sample_size(10);
        let mut ws = Workspace::new();
        group.bench_function("single_source_sweep", |b| {
            b.iter(|| {
                single_source(g, Metric::Length, NodeIdx(0), &mut ws);
                black_box(ws.cost_sum())
            })
        });
        let fields: Vec<(ServiceKind, Metric, Vec<Seed>)> = ServiceKind::BUILT_IN
            .iter()
            .flat_map(|&k| [Metric::Length, Metric::Time].map(|m| (k, m, seeds(&region, k))))
            .collect();
        group.bench_function("ten_fields_parallel", |b| {
            b.iter(|| {
                let sums: Vec<u64> = fields
                    .par_iter()
                    .map_init(Workspace::new, |ws, (_, m, s)| {
                        nearest_sources(g, *m, s, ws);
                        ws.cost_sum()
                    })
                    .collect();
                black_box(sums)
            })
        });
        let options = AnalysisOptions::default();
        group.bench_function("analyze", |b| {
            b.iter(|| black_box(analyze(&region, &options).kinds.len()))
        });
        group.finish();
    }
}

criterion_group!(benches, route);
criterion_main!(benches);
