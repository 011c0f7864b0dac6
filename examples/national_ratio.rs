//! The analysis of a national extract against plain Dijkstra sweeps on the same graph, and the
//! memory it needs per graph node (part of `benches/national.py`):
//!
//! ```sh
//! cargo run --release --example national_ratio -- out/sweden-synthetic.osm.pbf [--runs 3] [--sources 3]
//! ```
//!
//! Reads the extract once with [`Region::from_pbf`], then times `--runs` whole analyses
//! ([`analyze`] with default options: snapping, ten fields, summaries) and one single-source
//! Dijkstra sweep ([`single_source`], by length, one thread) from each of `--sources` nodes of the
//! main component, `--runs` times each. Prints one JSON object: medians, the ratios of the
//! analysis (whole, and its routing phase alone) to a sweep, phase timings of the read and of
//! the median analysis, and memory from `/proc/self/status`: the resident set after reading, and
//! the peaks while building the snapping index alone and during the analyses alone (the peak is
//! reset after reading through `/proc/self/clear_refs`), per graph node beyond the region.

use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::network::graph::NodeIdx;
use servicegap::network::snap::SnapIndex;
use servicegap::route::{single_source, Core, Metric, Workspace};
use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn Error>> {
    let mut path = PathBuf::from("out/sweden-synthetic.osm.pbf");
    let (mut runs, mut sources) = (3usize, 3usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().ok_or("--runs needs a number")?.parse()?,
            "--sources" => sources = args.next().ok_or("--sources needs a number")?.parse()?,
            _ => path = PathBuf::from(a),
        }
    }
    let runs = runs.max(1);
    let rss_start = status_kb("VmRSS")?;
    let clock = Instant::now();
    let region = servicegap::open::open(&path, &servicegap::read::profile::Profile::default())?;
    let read = clock.elapsed();
    let rss_region = status_kb("VmRSS")?;
    let peak_read = status_kb("VmHWM")?;
    let g = &region.graph;
    let nodes = g.node_count();

    let options = AnalysisOptions::default();
    // Peaks of the snapping index alone and of the analyses alone: the high-water mark is reset
    // to the current resident set before each.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let clock = Instant::now();
    let index = SnapIndex::new(g, options.snap);
    let index_build = clock.elapsed();
    let peak_index = status_kb("VmHWM")?;
    drop(index);
    let reset = reset && std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let mut analyses = Vec::with_capacity(runs);
    for _ in 0..runs {
        let clock = Instant::now();
        let a = analyze(&region, &options);
        analyses.push((clock.elapsed(), a.timings.clone()));
    }
    let peak_analysis = status_kb("VmHWM")?;
    analyses.sort_by_key(|(t, _)| *t);
    let (analysis, phases) = analyses[analyses.len() / 2].clone();
    let route = phases
        .iter()
        .find(|(name, _)| *name == "route")
        .map_or(Duration::ZERO, |(_, t)| *t);

    // Sources spread over the node numbering (a Hilbert order, so over the country), each the
    // first main-component node at or after its spot.
    let picks: Vec<NodeIdx> = (0..sources)
        .filter_map(|s| {
            let from = nodes * (2 * s + 1) / (2 * sources);
            (from..nodes)
                .map(|i| NodeIdx(i as u32))
                .find(|&n| g.component(n) == 0)
        })
        .collect();
    let clock = Instant::now();
    let core = Core::new(g);
    let core_build = clock.elapsed();
    let core_sizes = (core.core_nodes(), core.chain_nodes(), core.tree_nodes());
    drop(core);
    let mut ws = Workspace::new();
    let mut sweeps = Vec::new();
    let mut reached = 0u64;
    for &source in &picks {
        for _ in 0..runs {
            let clock = Instant::now();
            single_source(g, Metric::Length, source, &mut ws);
            sweeps.push(clock.elapsed());
            reached = reached.max(ws.cost_sum());
        }
    }
    sweeps.sort();
    let sweep = sweeps.get(sweeps.len() / 2).copied().unwrap_or_default();

    let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    let phase_map = |p: &[(&'static str, Duration)]| {
        p.iter()
            .map(|(name, t)| (name.to_string(), serde_json::json!(ms(*t))))
            .collect::<serde_json::Map<_, _>>()
    };
    let per_node = |kb: u64| (kb as f64 * 1024.0 / nodes.max(1) as f64).round();
    let ratio = |a: Duration| {
        if sweep.is_zero() {
            f64::NAN
        } else {
            (a.as_secs_f64() / sweep.as_secs_f64() * 100.0).round() / 100.0
        }
    };
    let report = serde_json::json!({
        "file": path.display().to_string(),
        "threads": rayon::current_num_threads(),
        "graph_nodes": nodes,
        "graph_arcs": g.arc_count(),
        "settlements": region.settlements.len(),
        "service_points": region.services.len(),
        "runs": runs,
        "read_ms": ms(read),
        "read_phases_ms": phase_map(&region.timings),
        "analysis_ms": ms(analysis),
        "analysis_phases_ms": phase_map(&phases),
        "analysis_runs_ms": analyses.iter().map(|(t, _)| ms(*t)).collect::<Vec<_>>(),
        "sweep_ms": ms(sweep),
        "search_core_nodes": core_sizes.0,
        "chain_nodes": core_sizes.1,
        "tree_nodes": core_sizes.2,
        "core_build_ms": ms(core_build),
        "sweep_sources": picks.iter().map(|n| n.0).collect::<Vec<_>>(),
        "sweep_cost_sum_dm": reached,
        "ratio_analysis_to_sweep": ratio(analysis),
        "ratio_route_to_sweep": ratio(route),
        "rss_start_mb": rss_start / 1024,
        "rss_after_read_mb": rss_region / 1024,
        "peak_during_read_mb": peak_read / 1024,
        "snap_index_alone_ms": ms(index_build),
        "snap_index_extra_bytes_per_node": if reset {
            Some(per_node(peak_index.saturating_sub(rss_region)))
        } else {
            None
        },
        "peak_during_analysis_mb": if reset { Some(peak_analysis / 1024) } else { None },
        "region_bytes_per_node": per_node(rss_region.saturating_sub(rss_start)),
        "analysis_extra_bytes_per_node": if reset {
            Some(per_node(peak_analysis.saturating_sub(rss_region)))
        } else {
            None
        },
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`).
fn status_kb(field: &str) -> Result<u64, Box<dyn Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/self/status").into())
}
