//! The second and k nearest points against brute force: per node, the k-label search on the
//! core and on the whole graph against a textbook label-setting search that settles each node
//! once per source; per settlement, the k nearest points of each kind against one forward
//! Dijkstra from the settlement and the cost to every point, sorted by (cost, point index), on
//! seeded random networks with points duplicated on one spot and points on the settlement's
//! own edge; and the analysis's `K_km_2nd`, `K_min_2nd`, `K_min_meanN` against the same
//! reference, also on a real extract, and through the binary.

use crate::analysis_oracle::{cost_to, costs, dijkstra_from, Costs};
use crate::route_core::{random_network, random_seeds};
use crate::util::random::{random_point, random_region};
use crate::util::{assert_success, bin, extract, read_extract, run, stderr, tempdir};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::fields::Snapped;
use servicegap::analysis::knearest::nearest_points;
use servicegap::analysis::{analyze, AnalysisOptions, Status};
use servicegap::base::feature::{ElementType, OsmId, ServicePoint};
use servicegap::network::graph::{Graph, NodeIdx};
use servicegap::network::region::Region;
use servicegap::route::{
    k_nearest, nearest_sources, two_nearest, Core, KLabels, Label, Metric, Seed, Workspace,
};
use servicegap::{ServiceKind, ServiceKinds};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Textbook k-label search over the arcs into each node: labels popped in `(cost, source)`
/// order, a node settled once per source and at most `k` times.
fn naive_k(graph: &Graph, metric: Metric, seeds: &[Seed], k: usize) -> Vec<Vec<(u32, u32)>> {
    let mut settled: Vec<Vec<(u32, u32)>> = vec![Vec::new(); graph.node_count()];
    let mut heap = BinaryHeap::new();
    for s in seeds {
        heap.push(Reverse(((s.cost, s.source), s.node.0)));
    }
    let reverse = graph.reverse();
    while let Some(Reverse((l, u))) = heap.pop() {
        let list = &mut settled[u as usize];
        if list.len() == k || list.iter().any(|x| x.1 == l.1) {
            continue;
        }
        list.push(l);
        for arc in reverse.arcs(NodeIdx(u)) {
            let w = match metric {
                Metric::Length => arc.length_dm,
                Metric::Time => arc.time_ds,
            };
            heap.push(Reverse(((l.0.saturating_add(w), l.1), arc.node.0)));
        }
    }
    settled
}

fn lists(graph: &Graph, labels: &KLabels) -> Vec<Vec<(u32, u32)>> {
    (0..graph.node_count() as u32)
        .map(|n| {
            labels
                .of(NodeIdx(n))
                .iter()
                .filter_map(|l| l.get())
                .collect()
        })
        .collect()
}

#[test]
fn k_labels_equal_naive_search_on_core_and_whole_graph() {
    let mut ws = Workspace::new();
    let mut second_labels = 0;
    for seed in 0..250 {
        let graph = Graph::build(&random_network(seed));
        let core = Core::new(&graph);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x4b);
        for metric in Metric::ALL {
            let seeds = random_seeds(&mut rng, graph.node_count());
            for k in 1..=4 {
                let reference = naive_k(&graph, metric, &seeds, k);
                let whole = k_nearest(&graph, metric, &seeds, k);
                let on_core = core.k_nearest(metric, &seeds, k);
                assert_eq!(lists(&graph, &whole), reference, "seed {seed} k {k} whole");
                assert_eq!(lists(&graph, &on_core), reference, "seed {seed} k {k} core");
                second_labels += reference.iter().filter(|l| l.len() > 1).count();
            }
            // One label: the plain search's; two: the two-label search's.
            nearest_sources(&graph, metric, &seeds, &mut ws);
            let one = core.k_nearest(metric, &seeds, 1);
            let two = core.two_nearest(metric, &seeds);
            let kept = core.k_nearest(metric, &seeds, 2);
            for n in 0..graph.node_count() as u32 {
                let node = NodeIdx(n);
                assert_eq!(one.of(node)[0].get(), ws.label(node), "seed {seed}");
                assert_eq!(kept.of(node), &two[n as usize], "seed {seed}");
            }
            assert_eq!(two_nearest(&graph, metric, &seeds), two, "seed {seed}");
        }
    }
    assert!(
        second_labels > 10_000,
        "{second_labels} nodes with a second label"
    );
}

/// A random region with extra points: copies of points on the same spot (same or other
/// kinds, lower and higher indices), and points right at settlements (on their own edge, on
/// either side of them).
fn crowded_region(seed: u64) -> (Region, AnalysisOptions) {
    let (mut region, options) = random_region(seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xc0ffee);
    let point = |coord, kinds, j: usize| ServicePoint {
        id: OsmId {
            kind: ElementType::Node,
            id: 10_000 + j as i64,
        }
        .into(),
        name: None,
        kinds,
        coord,
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    };
    let random_kinds = |rng: &mut ChaCha8Rng| {
        let mut kinds = ServiceKinds::EMPTY;
        while kinds.is_empty() {
            for k in ServiceKind::BUILT_IN {
                if rng.gen_bool(0.5) {
                    kinds |= ServiceKinds::of(k);
                }
            }
        }
        kinds
    };
    for _ in 0..rng.gen_range(0..8) {
        let j = rng.gen_range(0..region.services.len());
        let copy = region.services[j].clone();
        let kinds = if rng.gen_bool(0.5) {
            copy.kinds
        } else {
            random_kinds(&mut rng)
        };
        let n = region.services.len();
        let at = rng.gen_range(0..=n);
        region.services.insert(at, point(copy.coord, kinds, n));
    }
    for _ in 0..rng.gen_range(0..8) {
        let i = rng.gen_range(0..region.settlements.len());
        let c = region.settlements[i].coord;
        let (dx, dy) = (
            rng.gen_range(-0.0003..0.0003),
            rng.gen_range(-0.0003..0.0003),
        );
        let near = servicegap::base::coord::Coord::from_degrees(c.lon() + dx, c.lat() + dy);
        let kinds = random_kinds(&mut rng);
        let n = region.services.len();
        region.services.push(point(near, kinds, n));
    }
    if rng.gen_bool(0.3) {
        let n = region.services.len();
        region
            .services
            .push(point(random_point(&mut rng), random_kinds(&mut rng), n));
    }
    (region, options)
}

/// Per settlement: per metric (length, time), per kind, every reachable point of the kind as
/// `(cost, index)`, sorted; `None` for a settlement without a snap or left out.
type Reference = Vec<Option<[Vec<Vec<(u64, u32)>>; 2]>>;

/// Per settlement, kind and metric, every reachable point of the kind as `(cost, index)`,
/// sorted: one forward Dijkstra from each settlement. `None` without a snap.
fn brute_force(region: &Region, options: &AnalysisOptions) -> Reference {
    brute_force_of(region, options, |_| true)
}

fn brute_force_of(
    region: &Region,
    options: &AnalysisOptions,
    wanted: impl Fn(usize) -> bool,
) -> Reference {
    let g = &region.graph;
    let result = analyze(region, options);
    let service_costs: Vec<Option<Costs>> = result
        .service_snaps
        .iter()
        .map(|s| s.as_ref().map(|s| costs(g, s, options.access_kmh)))
        .collect();
    result
        .settlements
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let snap = r.snap.filter(|_| wanted(i))?;
            let c = costs(g, &snap, options.access_kmh);
            Some([0, 1].map(|m| {
                let dist = dijkstra_from(g, &snap, &c, m);
                ServiceKind::BUILT_IN
                    .iter()
                    .map(|&kind| {
                        let mut all: Vec<(u64, u32)> = region
                            .services
                            .iter()
                            .enumerate()
                            .filter(|(_, s)| s.kinds.contains(kind))
                            .filter_map(|(j, _)| {
                                let to = result.service_snaps[j].as_ref()?;
                                let sc = service_costs[j].as_ref()?;
                                let total = cost_to(g, &dist, (&snap, &c), (to, sc), m)?;
                                Some((total, j as u32))
                            })
                            .collect();
                        all.sort_unstable();
                        all
                    })
                    .collect()
            }))
        })
        .collect()
}

fn widen(v: &[(u32, u32)]) -> Vec<(u64, u32)> {
    v.iter().map(|&(c, j)| (u64::from(c), j)).collect()
}

/// Compares `nearest_points` for k = 1..=4 and the analysis's figures with brute force.
fn compare(region: &Region, options: &AnalysisOptions, reference: &Reference, what: &str) -> usize {
    let snapped = Snapped::new(region, options);
    let result = analyze(region, options);
    let beyond = result.k_nearest.as_ref().unwrap();
    let n = options.k_nearest;
    assert_eq!(beyond.n, n);
    let mut seconds = 0;
    for (k_index, kind) in ServiceKind::BUILT_IN.iter().enumerate() {
        for metric in Metric::ALL {
            let m = metric.index();
            for k in 1..=4 {
                let ours = nearest_points(&snapped, region, *kind, metric, k);
                for (i, want) in reference.iter().enumerate() {
                    let Some(want) = want else {
                        continue;
                    };
                    let all = &want[m][k_index];
                    let expected = &all[..all.len().min(k)];
                    assert_eq!(
                        widen(&ours[i]),
                        expected,
                        "{what}: settlement {i}, {kind}, {metric:?}, k {k}"
                    );
                }
                if k == 1 {
                    // The first of the k nearest is the analysis's nearest, exactly.
                    for (i, r) in result.settlements.iter().enumerate() {
                        let kr = &r.kinds[k_index];
                        let field = match metric {
                            Metric::Length => kr.length_dm.zip(kr.nearest_by_length),
                            Metric::Time => kr.time_ds.zip(kr.nearest_by_time),
                        };
                        assert_eq!(ours[i].first().copied(), field, "{what}: settlement {i}");
                    }
                }
            }
        }
        for (i, r) in result.settlements.iter().enumerate() {
            let got = beyond.of(k_index, i);
            let Some(want) = &reference[i] else {
                if r.status == Status::Ok {
                    continue; // a settlement left out of the sample
                }
                assert_eq!(
                    got,
                    Default::default(),
                    "{what}: settlement {i} has no road"
                );
                continue;
            };
            let (length, time) = (&want[0][k_index], &want[1][k_index]);
            let second = |v: &[(u64, u32)]| v.get(1).map(|&(c, _)| c as u32);
            assert_eq!(
                got.length_2nd_dm,
                second(length),
                "{what}: {i} {kind} km_2nd"
            );
            assert_eq!(got.time_2nd_ds, second(time), "{what}: {i} {kind} min_2nd");
            let mean = (time.len() >= n)
                .then(|| time[..n].iter().map(|&(c, _)| c).sum::<u64>() as f64 / n as f64);
            assert_eq!(got.time_mean_ds, mean, "{what}: {i} {kind} min_mean{n}");
            seconds += usize::from(got.length_2nd_dm.is_some());
        }
    }
    seconds
}

#[test]
fn k_nearest_points_equal_brute_force_on_random_networks() {
    let mut seconds = 0;
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    for seed in 0..80 {
        let (region, mut options) = crowded_region(seed);
        options.k_nearest = rng.gen_range(1..=5);
        let reference = brute_force(&region, &options);
        seconds += compare(&region, &options, &reference, &format!("seed {seed}"));
    }
    assert!(seconds > 500, "{seconds} second-nearest values");
}

/// The same on real extracts, for a sample of their settlements (every other one).
#[test]
fn k_nearest_points_equal_brute_force_on_real_extracts() {
    let (mut sampled, mut seconds) = (0, 0);
    for name in ["li-liechtenstein-2021", "de-north-bayreuth-rural"] {
        let region = read_extract(name);
        let options = AnalysisOptions::default();
        let reference = brute_force_of(&region, &options, |i| i % 2 == 0);
        sampled += reference.iter().filter(|r| r.is_some()).count();
        seconds += compare(&region, &options, &reference, name);
    }
    assert!(sampled > 40, "{sampled} settlements sampled");
    assert!(seconds > 100, "{seconds} second-nearest values");
}

/// `--k-nearest` names the mean's column, in every settlements output and summary.json; the
/// settings file's `[nearest] k` does the same; bad values are refused.
#[test]
fn k_nearest_flag_names_the_column_and_refuses_bad_values() {
    let dir = tempdir();
    let csv = dir.path().join("s.csv");
    let summary = dir.path().join("summary.json");
    let file = extract("li-liechtenstein-2021");
    let out = run(bin()
        .arg("analyze")
        .arg(&file)
        .args(["--k-nearest", "5", "--csv"])
        .arg(&csv)
        .arg("--summary")
        .arg(&summary));
    assert_success(&out, "analyze --k-nearest 5");
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    for kind in ServiceKind::BUILT_IN {
        for column in ["km_2nd", "min_2nd", "min_mean5"] {
            assert!(
                header.contains(&format!("{kind}_{column}").as_str()),
                "{header:?}"
            );
        }
        assert!(!header.contains(&format!("{kind}_min_mean3").as_str()));
    }
    let json = crate::util::read_json(&summary);
    for kind in ServiceKind::BUILT_IN {
        let row = &json["kinds"][kind.name()];
        assert!(row["min_mean5"]["p50"].is_number(), "{kind}: {row}");
        assert!(row["km_2nd"]["max"].is_number(), "{kind}: {row}");
        assert!(row.get("min_mean3").is_none());
    }
    // Row by row: the second-nearest is no nearer than the nearest, and the mean of the 5
    // nearest no less than the nearest.
    let column = |name: String| header.iter().position(|h| *h == name).unwrap();
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        for kind in ServiceKind::BUILT_IN {
            let value = |suffix: &str| cells[column(format!("{kind}_{suffix}"))].parse::<f64>();
            let (first, second, mean) = (value("min"), value("min_2nd"), value("min_mean5"));
            if let (Ok(f), Ok(s), Ok(m)) = (first, second, mean) {
                assert!(s >= f && m + 0.01 >= f, "{kind}: {line}");
                rows += 1;
            }
            if let (Ok(f), Ok(s)) = (value("km"), value("km_2nd")) {
                assert!(s >= f, "{kind}: {line}");
            }
        }
    }
    assert!(rows > 10, "{rows} rows with both values");

    let config = crate::util::write(dir.path(), "servicegap.toml", "[nearest]\nk = 4\n");
    let out = run(bin()
        .arg("analyze")
        .arg(&file)
        .arg("--config")
        .arg(&config)
        .arg("--csv")
        .arg(&csv));
    assert_success(&out, "analyze with [nearest] k = 4");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.lines().next().unwrap().contains(",grocery_min_mean4,"));

    for bad in ["0", "11", "-1", "2.5", "three", ""] {
        let out = run(bin()
            .arg("analyze")
            .arg(&file)
            .arg(format!("--k-nearest={bad}")));
        assert_eq!(out.status.code(), Some(2), "--k-nearest {bad:?}");
        let err = stderr(&out);
        assert!(
            err.contains("--k-nearest") && err.contains("from 1 to 10"),
            "--k-nearest {bad:?}: {err}"
        );
    }
    let config = crate::util::write(dir.path(), "bad.toml", "[nearest]\nk = 0\n");
    let out = run(bin().arg("analyze").arg(&file).arg("--config").arg(&config));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.toml:2") && err.contains("[nearest] k"),
        "{err}"
    );
}

/// Labels of one seed: nothing but the seed's own source.
#[test]
fn one_source_has_no_second() {
    let graph = Graph::build(&random_network(3));
    let seeds = [Seed {
        node: NodeIdx(0),
        cost: 0,
        source: 7,
    }];
    let labels = k_nearest(&graph, Metric::Length, &seeds, 3);
    for n in 0..graph.node_count() as u32 {
        assert!(labels.of(NodeIdx(n))[1..].iter().all(|&l| l == Label::NONE));
    }
}
