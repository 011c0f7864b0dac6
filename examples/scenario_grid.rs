//! Times the scenario commands' phases on a synthetic grid and prints their figures
//! (development aid): `cargo run --release --example scenario_grid -- 1000`.
#[path = "../benches/support/grid.rs"]
mod grid;

use grid::grid_region;
use servicegap::analysis::{analyze, AnalysisOptions, ThresholdSetting};
use servicegap::whatif::suggest::{suggest, Candidates};
use servicegap::whatif::vulnerability::vulnerability;
use servicegap::ServiceKind;
use std::time::Instant;

fn main() {
    let side: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(317);
    let region = grid_region(side, 1);
    let mut options = AnalysisOptions::default();
    let grocery: ThresholdSetting = "grocery=1km".parse().unwrap_or_else(|e| panic!("{e}"));
    options
        .set_thresholds(&servicegap::Kinds::default(), &[grocery])
        .unwrap_or_else(|e| panic!("{e}"));
    println!("{} nodes", region.graph.node_count());
    for _ in 0..2 {
        let t = Instant::now();
        let a = analyze(&region, &options);
        println!(
            "analyze {:?}: grocery gap {} settlements, {} people",
            t.elapsed(),
            a.kinds[0].gap_settlements,
            a.kinds[0].gap_population
        );
        let t = Instant::now();
        let v = vulnerability(&region, &options, ServiceKind::GROCERY, None);
        let stranded: u64 = v.points.iter().map(|p| p.stranded_population).sum();
        println!(
            "vulnerability {:?} {:?}: {} points, top strands {}, {} in all",
            t.elapsed(),
            v.timings,
            v.points.len(),
            v.points[0].stranded_population,
            stranded
        );
        let t = Instant::now();
        let s = suggest(
            &region,
            &options,
            ServiceKind::GROCERY,
            3,
            &Candidates::MainNetworkNodes,
        );
        let covered: Vec<u64> = s.picks.iter().map(|p| p.covered_population).collect();
        println!(
            "suggest k=3 {:?} {:?}: {} candidates, {} gap settlements on roads, covered {covered:?}",
            t.elapsed(),
            s.timings,
            s.candidates,
            s.gap_on_road
        );
    }
}
