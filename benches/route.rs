//! Criterion benchmarks of the routing kernel on synthetic road grids of 10^5 and 10^6 nodes:
//! one plain single-source Dijkstra sweep against the ten fields of an analysis (five kinds ×
//! km and minutes, multi-source, run in parallel as `analyze` runs them), and the whole
//! analysis (snapping, routing, summaries) on the same graph.
//!
//! Run with `cargo bench --bench route`; compare the medians as ratios within one run.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::coord::Coord;
use servicegap::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use servicegap::graph::{Graph, NodeIdx, RoadInput, RoadWay};
use servicegap::profile::{Direction, RoadAttrs};
use servicegap::region::Region;
use servicegap::route::{nearest_sources, single_source, Metric, Seed, Workspace};
use servicegap::{ServiceKind, ServiceKinds};
use std::hint::black_box;

/// A `side × side` grid of streets about 100 m apart over northern Sweden, every street a way
/// of one block with two shape points, 5 % of them oneway, mixed speeds.
fn grid_region(side: usize, seed: u64) -> Region {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let step = 0.001; // degrees of latitude, about 110 m
    let at = |r: usize, c: usize| {
        Coord::from_degrees(14.0 + c as f64 * step * 2.0, 60.0 + r as f64 * step)
    };
    let mut coords = Vec::new();
    let mut refs = Vec::new();
    let mut ways = Vec::new();
    for r in 0..side {
        for c in 0..side {
            coords.push(at(r, c));
        }
    }
    let mut add_way = |a: usize, b: usize, coords: &mut Vec<Coord>, rng: &mut ChaCha8Rng| {
        let start = refs.len() as u32;
        refs.push(a as u32);
        for t in [0.33, 0.66] {
            let (ca, cb) = (coords[a], coords[b]);
            let jitter = rng.gen_range(-0.00002..0.00002);
            coords.push(Coord::from_degrees(
                ca.lon() + t * (cb.lon() - ca.lon()) + jitter,
                ca.lat() + t * (cb.lat() - ca.lat()) + jitter,
            ));
            refs.push(coords.len() as u32 - 1);
        }
        refs.push(b as u32);
        let direction = if rng.gen_bool(0.05) {
            Direction::Forward
        } else {
            Direction::Both
        };
        ways.push(RoadWay {
            osm_id: ways.len() as i64 + 1,
            attrs: RoadAttrs {
                class: 0,
                speed_kmh: [30.0, 50.0, 70.0, 90.0][rng.gen_range(0..4)],
                direction,
                ferry_s: None,
            },
            start,
            end: refs.len() as u32,
        });
    };
    for r in 0..side {
        for c in 0..side {
            let i = r * side + c;
            if c + 1 < side {
                add_way(i, i + 1, &mut coords, &mut rng);
            }
            if r + 1 < side {
                add_way(i, i + side, &mut coords, &mut rng);
            }
        }
    }
    let osm_ids = (0..coords.len() as i64).collect();
    let graph = Graph::build(&RoadInput {
        coords,
        osm_ids,
        ways,
        refs,
    });
    let extent = side as f64 * step;
    let point = |rng: &mut ChaCha8Rng| {
        Coord::from_degrees(
            14.0 + rng.gen_range(0.0..extent * 2.0),
            60.0 + rng.gen_range(0.0..extent),
        )
    };
    // About one service point per 100 junctions, several kinds each.
    let services = (0..side * side / 100)
        .map(|j| {
            let kinds = ServiceKind::ALL
                .iter()
                .filter(|_| rng.gen_bool(0.4))
                .fold(ServiceKinds::EMPTY, |acc, k| acc | ServiceKinds::of(*k));
            ServicePoint {
                id: OsmId {
                    kind: ElementType::Node,
                    id: j as i64,
                }
                .into(),
                name: None,
                kinds: if kinds.is_empty() {
                    ServiceKinds::GROCERY
                } else {
                    kinds
                },
                coord: point(&mut rng),
                form: None,
            }
        })
        .collect();
    let settlements = (0..side * side / 20)
        .map(|i| Settlement {
            id: OsmId {
                kind: ElementType::Node,
                id: i as i64,
            }
            .into(),
            name: None,
            place: Some(Place::Hamlet),
            population: Some(rng.gen_range(10..1000)),
            coord: point(&mut rng),
        })
        .collect();
    Region {
        graph,
        services,
        settlements,
        read_stats: Default::default(),
        timings: Vec::new(),
    }
}

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
        let fields: Vec<(ServiceKind, Metric, Vec<Seed>)> = ServiceKind::ALL
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
