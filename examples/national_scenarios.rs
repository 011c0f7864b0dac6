//! Scenarios on a national extract (part of `benches/national.py`): P4, one service point added
//! or closed incrementally against a whole analysis, and the vulnerability and site-suggestion
//! searches, on the same graph:
//!
//! ```sh
//! cargo run --release --example national_scenarios -- out/sweden-synthetic.osm.pbf [--runs 3]
//! ```
//!
//! Reads the extract (or a graph cache) once, then times `--runs` times each: `analyze`; adding
//! one new point of all five kinds at the settlement farthest from a grocery by road to the
//! baseline state; closing the grocery point nearest to the most settlements; `vulnerability` and `suggest` (k = 3) for grocery. Prints one JSON object
//! of medians and of the ratios to the analysis.

use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::whatif::scenario::{Network, State};
use servicegap::whatif::suggest::{suggest, Candidates};
use servicegap::whatif::vulnerability::vulnerability;
use servicegap::{ServiceKind, ServiceKinds};
use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn Error>> {
    let mut path = PathBuf::from("out/sweden-synthetic.osm.pbf");
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().ok_or("--runs needs a number")?.parse()?,
            _ => path = PathBuf::from(a),
        }
    }
    let runs = runs.max(1);
    let region = servicegap::open::open(&path, &servicegap::read::profile::Profile::default())?;
    let options = AnalysisOptions::default();
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let time = |f: &mut dyn FnMut()| {
        median(
            (0..runs)
                .map(|_| {
                    let clock = Instant::now();
                    f();
                    clock.elapsed()
                })
                .collect(),
        )
    };

    let mut analysis = None;
    let full = time(&mut || analysis = Some(analyze(&region, &options)));
    let analysis = analysis.ok_or("no analysis")?;

    let clock = Instant::now();
    let net = Network::new(&region, &options);
    let baseline = State::new(&net, &region.services);
    let baseline_ms = clock.elapsed();

    // Where it is most needed: at the settlement farthest from a grocery by road.
    let services = &region.services;
    let farthest = (0..analysis.settlements.len())
        .max_by_key(|&i| analysis.settlements[i].kinds[0].length_dm.unwrap_or(0))
        .ok_or("no settlements")?;
    let at = region.settlements[farthest].coord;
    let point = ServicePoint {
        id: FeatureId::File("new".into()),
        name: None,
        kinds: ServiceKinds::GROCERY
            | ServiceKinds::FUEL
            | ServiceKinds::POST
            | ServiceKinds::PHARMACY
            | ServiceKinds::PAYMENT,
        coord: at,
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    };
    let mut added = Ok(0);
    let add = time(&mut || {
        let mut state = baseline.clone();
        added = state.add(&net, point.clone());
    });
    let clone = time(&mut || {
        let state = baseline.clone();
        std::hint::black_box(&state);
    });
    // The grocery point nearest (by length) to the most settlements.
    let mut served = vec![0usize; services.len()];
    for s in &analysis.settlements {
        if let Some(j) = s.kinds[0].nearest_by_length {
            served[j as usize] += 1;
        }
    }
    let busiest = (0..services.len())
        .max_by_key(|&j| served[j])
        .ok_or("no service points")?;
    let close = time(&mut || {
        let mut state = baseline.clone();
        state.remove(&net, busiest);
    });

    let mut stranded = 0u64;
    let vulnerable = time(&mut || {
        let v = vulnerability(&region, &options, ServiceKind::GROCERY, None);
        stranded = v.points.iter().map(|p| p.stranded_population).sum();
    });
    let mut picks = Vec::new();
    let suggested = time(&mut || {
        let s = suggest(
            &region,
            &options,
            ServiceKind::GROCERY,
            3,
            &Candidates::MainNetworkNodes,
        );
        picks = s.picks.iter().map(|p| p.covered_population).collect();
    });

    let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    let ratio = |d: Duration| (d.as_secs_f64() / full.as_secs_f64() * 1e5).round() / 1e5;
    let report = serde_json::json!({
        "file": path.display().to_string(),
        "threads": rayon::current_num_threads(),
        "graph_nodes": region.graph.node_count(),
        "service_points": services.len(),
        "settlements": region.settlements.len(),
        "runs": runs,
        "analyze_ms": ms(full),
        "baseline_state_ms": ms(baseline_ms),
        "clone_state_ms": ms(clone),
        "add_point_ms_including_clone": ms(add),
        "add_point_snapped": added.is_ok(),
        "close_point_ms_including_clone": ms(close),
        "closed_point_serves_settlements": served[busiest],
        "add_to_analysis": ratio(add.saturating_sub(clone)),
        "close_to_analysis": ratio(close.saturating_sub(clone)),
        "vulnerability_grocery_ms": ms(vulnerable),
        "vulnerability_to_analysis": ratio(vulnerable),
        "stranded_population_sum": stranded,
        "suggest_grocery_k3_ms": ms(suggested),
        "suggest_to_analysis": ratio(suggested),
        "suggest_covered_population": picks,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
