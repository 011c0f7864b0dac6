//! Times the phases of an analysis on a synthetic grid (development aid):
//! `cargo run --release --example analyze_grid -- 1000`.
#[path = "../benches/support/grid.rs"]
mod grid;

use grid::grid_region;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::network::region::Region;

fn main() {
    let side: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(317);
    let t = std::time::Instant::now();
    let region = grid_region(side, 1);
    println!(
        "{} nodes, built in {:?}",
        region.graph.node_count(),
        t.elapsed()
    );
    if std::env::args().any(|a| a == "--probe") {
        probe(&region);
        return;
    }
    for _ in 0..2 {
        let a = analyze(&region, &AnalysisOptions::default());
        println!("{:?}", a.timings);
    }
}

#[allow(dead_code)]
fn probe(region: &Region) {
    use servicegap::network::graph::NodeIdx;
    use servicegap::route::*;
    let g = &region.graph;
    let mut ws = Workspace::new();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        single_source(g, Metric::Length, NodeIdx(0), &mut ws);
        let a = t.elapsed();
        let t = std::time::Instant::now();
        nearest_sources(
            g,
            Metric::Length,
            &[Seed {
                node: NodeIdx(0),
                cost: 0,
                source: 0,
            }],
            &mut ws,
        );
        let b = t.elapsed();
        let seeds: Vec<Seed> = (0..4000)
            .map(|j| Seed {
                node: NodeIdx((j * 7919 % g.node_count()) as u32),
                cost: 0,
                source: j as u32,
            })
            .collect();
        let t = std::time::Instant::now();
        nearest_sources(g, Metric::Length, &seeds, &mut ws);
        let c = t.elapsed();
        let seeds: Vec<Seed> = (0..40)
            .map(|j| Seed {
                node: NodeIdx((j * 7919 * 97 % g.node_count()) as u32),
                cost: 0,
                source: j as u32,
            })
            .collect();
        let t = std::time::Instant::now();
        nearest_sources(g, Metric::Length, &seeds, &mut ws);
        let d = t.elapsed();
        println!("sweep {a:?} multi1 {b:?} multi4000 {c:?} multi40 {d:?}");
    }
}
