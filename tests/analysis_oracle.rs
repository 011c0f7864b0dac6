//! The analysis against a naive reference on seeded random networks (with oneways, loops and
//! disconnected parts): snapping checked against brute force on the ellipsoid, then one plain
//! single-source Dijkstra over the FORWARD graph from each settlement's projection, then the
//! cost to every service point of each kind. Every settlement's km and min, and the nearest point, must equal
//! the reference exactly, in integer units.

use crate::snap_ellipsoid::assert_snap_agrees;
use crate::util::random::random_region;
use crate::util::read_extract;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::{analyze, AnalysisOptions, Status};
use servicegap::base::coord::{distance_m, Coord};
use servicegap::base::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use servicegap::network::graph::{Graph, NodeIdx};
use servicegap::network::region::Region;
use servicegap::network::snap::{snap_brute_force, Snap};
use servicegap::{ServiceKind, ServiceKinds};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Integer costs of a snapped point, per metric [length dm, time ds], as the documentation of
/// `analysis` defines them: before/after the projection on its edge, and the snap leg.
pub(crate) struct Costs {
    pub(crate) before: [u64; 2],
    pub(crate) after: [u64; 2],
    pub(crate) leg: [u64; 2],
}

pub(crate) fn costs(g: &Graph, snap: &Snap, access_kmh: f64) -> Costs {
    let e = &g.edges()[snap.edge as usize];
    let geom = g.edge_geometry(snap.edge as usize);
    let len_m: f64 = geom.windows(2).map(|w| distance_m(w[0], w[1])).sum();
    let fraction = if len_m > 0.0 {
        (snap.offset_m / len_m).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let whole = [u64::from(e.length_dm), u64::from(e.time_ds)];
    let before = whole.map(|w| ((w as f64 * fraction).round() as u64).min(w));
    Costs {
        before,
        after: [whole[0] - before[0], whole[1] - before[1]],
        leg: [
            (snap.snap_m * 10.0).round() as u64,
            (snap.snap_m / (access_kmh / 3.6) * 10.0).round() as u64,
        ],
    }
}

/// Plain Dijkstra by metric `m` from a point snapped at `from` (with its costs `c`): it
/// leaves its edge forward, backward on a two-way edge, or by any road from a junction.
pub(crate) fn dijkstra_from(g: &Graph, from: &Snap, c: &Costs, m: usize) -> Vec<u64> {
    let e = &g.edges()[from.edge as usize];
    let mut seeds = vec![(e.to, c.after[m])];
    if !e.oneway {
        seeds.push((e.from, c.before[m]));
    }
    if let Some(n) = from.node {
        seeds.push((n, 0));
    }
    forward_dijkstra(g, m, &seeds)
}

/// The cost by metric `m` from a point at `from` to a point at `to` (each with its costs), both
/// snap legs included, given `dist` from [`dijkstra_from`] at `from`: entering `to`'s edge at
/// either end (one-way edges only at their start) or its junction, or along the same edge;
/// `None` when unreachable.
pub(crate) fn cost_to(
    g: &Graph,
    dist: &[u64],
    (from, c): (&Snap, &Costs),
    (to, sc): (&Snap, &Costs),
    m: usize,
) -> Option<u64> {
    let f = &g.edges()[to.edge as usize];
    let mut cost = dist[f.from.index()].saturating_add(sc.before[m]);
    if !f.oneway {
        cost = cost.min(dist[f.to.index()].saturating_add(sc.after[m]));
    }
    if let Some(n) = to.node {
        cost = cost.min(dist[n.index()]);
    }
    if to.edge == from.edge {
        // Which comes first on the edge is decided on the exact offsets.
        if to.offset_m >= from.offset_m {
            cost = cost.min(sc.before[m] - c.before[m]);
        } else if !g.edges()[from.edge as usize].oneway {
            cost = cost.min(c.before[m] - sc.before[m]);
        }
    }
    (cost != u64::MAX).then(|| cost + sc.leg[m] + c.leg[m])
}

pub(crate) fn forward_dijkstra(g: &Graph, metric: usize, seeds: &[(NodeIdx, u64)]) -> Vec<u64> {
    let mut dist = vec![u64::MAX; g.node_count()];
    let mut heap = BinaryHeap::new();
    for &(n, c) in seeds {
        if c < dist[n.index()] {
            dist[n.index()] = c;
            heap.push(Reverse((c, n.0)));
        }
    }
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u as usize] {
            continue;
        }
        for arc in g.forward().arcs(NodeIdx(u)) {
            let w = if metric == 0 {
                arc.length_dm
            } else {
                arc.time_ds
            };
            let nd = d + u64::from(w);
            if nd < dist[arc.node.index()] {
                dist[arc.node.index()] = nd;
                heap.push(Reverse((nd, arc.node.0)));
            }
        }
    }
    dist
}

fn check(seed: u64) {
    let (region, options) = random_region(seed);
    compare(&region, &options, &format!("seed {seed}"));
}

/// Asserts the analysis of `region` equals the reference for every settlement.
fn compare(region: &Region, options: &AnalysisOptions, seed: &str) {
    let g = &region.graph;
    let result = analyze(region, options);
    // Snapping is checked against the ellipsoidal brute force to its tolerances; the routing
    // below then starts from the analysis's own snaps, to be compared exactly.
    for (j, s) in region.services.iter().enumerate() {
        let reference = snap_brute_force(g, options.snap, s.coord, options.max_service_snap_m);
        assert_snap_agrees(
            g,
            s.coord,
            result.service_snaps[j].as_ref(),
            reference.as_ref(),
            options.max_service_snap_m,
            &format!("seed {seed}: service {j}"),
        );
    }
    let service_snaps = &result.service_snaps;
    let service_costs: Vec<Option<Costs>> = service_snaps
        .iter()
        .map(|s| s.as_ref().map(|s| costs(g, s, options.access_kmh)))
        .collect();

    for (i, settlement) in region.settlements.iter().enumerate() {
        let got = &result.settlements[i];
        let reference = snap_brute_force(g, options.snap, settlement.coord, options.max_snap_m);
        assert_snap_agrees(
            g,
            settlement.coord,
            got.snap.as_ref(),
            reference.as_ref(),
            options.max_snap_m,
            &format!("seed {seed}: settlement {i}"),
        );
        let snap = got.snap;
        let Some(snap) = snap else {
            assert_eq!(got.status, Status::NoRoad);
            assert!(got
                .kinds
                .iter()
                .all(|k| k.gap && k.length_dm.is_none() && k.time_ds.is_none()));
            continue;
        };
        assert_eq!(got.status, Status::Ok);
        let c = costs(g, &snap, options.access_kmh);
        for m in 0..2 {
            let dist = dijkstra_from(g, &snap, &c, m);
            for (k, kind) in ServiceKind::BUILT_IN.iter().enumerate() {
                let mut best: Option<(u64, u32)> = None;
                for (j, s) in region.services.iter().enumerate() {
                    let Some(sc) = service_costs[j]
                        .as_ref()
                        .filter(|_| s.kinds.contains(*kind))
                    else {
                        continue;
                    };
                    let Some(to) = service_snaps[j].as_ref() else {
                        continue;
                    };
                    let Some(total) = cost_to(g, &dist, (&snap, &c), (to, sc), m) else {
                        continue;
                    };
                    if best.is_none_or(|b| (total, j as u32) < b) {
                        best = Some((total, j as u32));
                    }
                }
                let ours = if m == 0 {
                    got.kinds[k].length_dm.zip(got.kinds[k].nearest_by_length)
                } else {
                    got.kinds[k].time_ds.zip(got.kinds[k].nearest_by_time)
                };
                assert_eq!(
                    ours.map(|(c, j)| (u64::from(c), j)),
                    best,
                    "seed {seed}: settlement {i}, {kind}, metric {m}"
                );
            }
        }
    }
}

#[test]
fn analysis_equals_naive_reference_on_random_networks() {
    for seed in 0..120 {
        check(seed);
    }
}

/// The same comparison on real extracts: a rural region, a country, and a bbox cut.
#[test]
fn analysis_equals_naive_reference_on_real_extracts() {
    for name in [
        "de-north-bayreuth-rural",
        "li-liechtenstein-2021",
        "fi-kotka-karhula",
    ] {
        let region = read_extract(name);
        assert!(!region.settlements.is_empty(), "{name}");
        compare(&region, &AnalysisOptions::default(), name);
    }
}

#[test]
fn same_result_on_one_and_many_threads() {
    let (region, options) = random_region(7);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| analyze(&region, &options));
    let four = pool(4).install(|| analyze(&region, &options));
    assert_eq!(one.settlements, four.settlements);
    assert_eq!(one.kinds, four.kinds);
}

/// A point whose projection falls on a junction leaves (or is reached) by any road of the
/// junction, whichever edge won the snap, so the result does not depend on way order.
///
/// ```text
///   B ------------ A        w0: J -> A oneway (north-east), w1: A - B, w2: J - B (north)
///   |  S(grocery)
///   |  near B
///   J                       settlement x south-west of J: nearest to J itself
///  x
/// ```
#[test]
fn junction_snaps_use_every_road_of_the_junction() {
    use servicegap::read::profile::{Direction, RoadAttrs};
    use servicegap::read::roads::{RoadInput, RoadWay};
    let coords = vec![
        Coord::from_degrees(15.0, 62.0),   // 0 J
        Coord::from_degrees(15.02, 62.01), // 1 A
        Coord::from_degrees(15.0, 62.01),  // 2 B
    ];
    let way = |id: i64, start: u32, direction| RoadWay {
        osm_id: id,
        attrs: RoadAttrs {
            class: 11,
            speed_kmh: 50.0,
            direction,
            ferry_s: None,
        },
        start,
        end: start + 2,
    };
    let build = |order: &[usize]| {
        let all = [
            (0u32, 1u32, Direction::Forward),
            (1, 2, Direction::Both),
            (0, 2, Direction::Both),
        ];
        let mut refs = Vec::new();
        let mut ways = Vec::new();
        for &i in order {
            let (a, b, d) = all[i];
            ways.push(way(i as i64, refs.len() as u32, d));
            refs.extend([a, b]);
        }
        let graph = Graph::build(&RoadInput {
            coords: coords.clone(),
            osm_ids: vec![10, 11, 12],
            ways,
            refs,
        });
        let settle = |id: i64, lon: f64, lat: f64| Settlement {
            id: OsmId {
                kind: ElementType::Node,
                id,
            }
            .into(),
            name: None,
            place: Some(Place::Hamlet),
            population: None,
            coord: Coord::from_degrees(lon, lat),
            groups: Vec::new(),
        };
        let region = Region {
            graph,
            extent: None,
            kinds: servicegap::Kinds::default(),
            services: vec![ServicePoint {
                id: OsmId {
                    kind: ElementType::Node,
                    id: 1,
                }
                .into(),
                name: None,
                kinds: ServiceKinds::GROCERY,
                coord: Coord::from_degrees(15.0001, 62.009),
                form: None,
                mobile: false,
                seasonal: false,
                capacity: None,
            }],
            settlements: vec![settle(2, 14.9995, 61.9997), settle(3, 15.0, 62.0)],
            groups: Vec::new(),
            read_stats: Default::default(),
            timings: Vec::new(),
            warnings: Vec::new(),
            prepared: Default::default(),
        };
        let mut options = AnalysisOptions::default();
        options.snap.min_component_nodes = 1;
        let result = analyze(&region, &options);
        compare(&region, &options, "junction");
        result
    };
    let grocery = ServiceKind::GROCERY.index();
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2]] {
        let r = build(&order);
        let (off, at) = (&r.settlements[0], &r.settlements[1]);
        let leg_dm = off
            .snap
            .map(|s| (s.snap_m * 10.0).round() as u32)
            .unwrap_or_default();
        assert!(
            off.snap.is_some_and(|s| s.node.is_some()),
            "{order:?}: projects onto J"
        );
        assert_eq!(
            off.kinds[grocery].length_dm,
            at.kinds[grocery].length_dm.map(|d| d + leg_dm),
            "{order:?}"
        );
        // Straight north from J to the grocery, about 1 km: not round via A.
        assert!(
            at.kinds[grocery].length_dm.is_some_and(|d| d < 10_200),
            "{order:?}"
        );
    }
}

// =============================================================================================
// Straight lines, mobile points and catchments
// =============================================================================================

/// The straight-line nearest point of each kind equals a brute-force search over the snapped
/// points of the kind (ellipsoidal distance, ties to the lower index), for every settlement,
/// also those without a road.
#[test]
fn straight_line_equals_brute_force_on_random_regions() {
    for seed in 0..120 {
        let (region, options) = random_region(seed);
        let result = analyze(&region, &options);
        for (i, settlement) in region.settlements.iter().enumerate() {
            for (k, kind) in ServiceKind::BUILT_IN.iter().enumerate() {
                let best = region
                    .services
                    .iter()
                    .enumerate()
                    .filter(|(j, s)| result.service_snaps[*j].is_some() && s.kinds.contains(*kind))
                    .map(|(j, s)| (distance_m(settlement.coord, s.coord), j as u32))
                    .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let got = result.settlements[i].line[k];
                assert_eq!(
                    got.map(|l| (l.length_dm, l.nearest)),
                    best.map(|(m, j)| ((m * 10.0).round() as u32, j)),
                    "seed {seed}: settlement {i}, {kind}"
                );
                // The road is never shorter than the straight line, up to the rounding of
                // each edge and partial edge to whole decimetres.
                if let (Some(road), Some(line)) = (result.settlements[i].kinds[k].length_dm, got) {
                    assert!(
                        f64::from(road) + 20.0 >= f64::from(line.length_dm),
                        "seed {seed}: {i} {kind}: road {road} dm, line {} dm",
                        line.length_dm
                    );
                }
            }
        }
    }
}

/// With some points marked mobile, the results without mobile points equal an analysis of the
/// same region with the mobile points removed: per settlement (the nearest point mapped back
/// to the full list) and in the summary.
#[test]
fn without_mobile_equals_an_analysis_without_the_mobile_points() {
    let mut kinds_seen = 0;
    for seed in 0..120 {
        let (mut region, options) = random_region(seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0b11e);
        for s in &mut region.services {
            s.mobile = rng.gen_bool(0.3);
        }
        let mobile_kinds = region
            .services
            .iter()
            .filter(|s| s.mobile)
            .fold(ServiceKinds::EMPTY, |acc, s| acc | s.kinds);
        let result = analyze(&region, &options);
        assert_eq!(result.mobile_kinds, mobile_kinds, "seed {seed}");

        let kept: Vec<u32> = (0..region.services.len() as u32)
            .filter(|&j| !region.services[j as usize].mobile)
            .collect();
        let mut fixed_region = region.clone();
        fixed_region.services.retain(|s| !s.mobile);
        let fixed = analyze(&fixed_region, &options);
        let back = |j: Option<u32>| j.map(|j| kept[j as usize]);

        for (k, kind) in ServiceKind::BUILT_IN.iter().enumerate() {
            let has_mobile = mobile_kinds.contains(*kind);
            kinds_seen += usize::from(has_mobile);
            for (i, r) in result.settlements.iter().enumerate() {
                let Some(ours) = r.without_mobile[k] else {
                    assert!(!has_mobile, "seed {seed}: {i} {kind}: missing");
                    continue;
                };
                assert!(has_mobile, "seed {seed}: {i} {kind}: not expected");
                let mut reference = fixed.settlements[i].kinds[k];
                reference.nearest_by_length = back(reference.nearest_by_length);
                reference.nearest_by_time = back(reference.nearest_by_time);
                assert_eq!(ours, reference, "seed {seed}: settlement {i}, {kind}");
            }
            let (ours, reference) = (&result.kinds[k], &fixed.kinds[k]);
            match &ours.without_mobile {
                None => assert!(!has_mobile, "seed {seed}: {kind}: no summary"),
                Some(f) => {
                    assert!(has_mobile, "seed {seed}: {kind}");
                    assert_eq!(
                        (
                            f.services,
                            f.gap_settlements,
                            f.gap_population,
                            f.gap_share_population,
                            f.gap_share_settlements,
                            f.unreachable,
                            f.km,
                            f.min
                        ),
                        (
                            reference.services,
                            reference.gap_settlements,
                            reference.gap_population,
                            reference.gap_share_population,
                            reference.gap_share_settlements,
                            reference.unreachable,
                            reference.km,
                            reference.min
                        ),
                        "seed {seed}: {kind} summary"
                    );
                }
            }
        }
    }
    assert!(
        kinds_seen > 100,
        "too few kinds with mobile points: {kinds_seen}"
    );
}

/// Per kind, the catchments split the settlements that reach a point of the kind, and their
/// population, exactly; each point's catchment is the set of settlements naming it nearest.
#[test]
fn catchments_split_the_reached_settlements() {
    for seed in 0..120 {
        let (region, options) = random_region(seed);
        let result = analyze(&region, &options);
        let catchments = servicegap::analysis::catchments(&region, &result);
        assert_eq!(catchments.len(), region.services.len());
        for (k, kind) in ServiceKind::BUILT_IN.iter().enumerate() {
            for (j, (s, c)) in region.services.iter().zip(&catchments).enumerate() {
                let offered = s.kinds.contains(*kind) && result.service_snaps[j].is_some();
                assert_eq!(c[k].is_some(), offered, "seed {seed}: point {j} {kind}");
                let Some(c) = c[k] else { continue };
                let served = |by_time: bool| {
                    let members: Vec<usize> = result
                        .settlements
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| {
                            let n = if by_time {
                                r.kinds[k].nearest_by_time
                            } else {
                                r.kinds[k].nearest_by_length
                            };
                            n == Some(j as u32)
                        })
                        .map(|(i, _)| i)
                        .collect();
                    let population: u64 = members
                        .iter()
                        .filter_map(|&i| region.settlements[i].population)
                        .sum();
                    (members.len(), population)
                };
                assert_eq!(
                    (c.settlements_km, c.population_km),
                    served(false),
                    "seed {seed}: {j} {kind}"
                );
                assert_eq!(
                    (c.settlements_min, c.population_min),
                    served(true),
                    "seed {seed}: {j} {kind}"
                );
            }
            let reached: Vec<usize> = (0..region.settlements.len())
                .filter(|&i| result.settlements[i].kinds[k].length_dm.is_some())
                .collect();
            let reached_population: u64 = reached
                .iter()
                .filter_map(|&i| region.settlements[i].population)
                .sum();
            let sum = |f: fn(&servicegap::analysis::Catchment) -> u64| -> u64 {
                catchments.iter().filter_map(|c| c[k].as_ref()).map(f).sum()
            };
            assert_eq!(sum(|c| c.settlements_km as u64), reached.len() as u64);
            assert_eq!(sum(|c| c.settlements_min as u64), reached.len() as u64);
            assert_eq!(sum(|c| c.population_km), reached_population);
            assert_eq!(sum(|c| c.population_min), reached_population);
        }
    }
}
