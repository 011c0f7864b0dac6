//! The distance from each service point to the next point of its kind against brute force:
//! one plain single-source Dijkstra over the forward graph from the point's own projection (as
//! the analysis oracle starts from a settlement's), then the cost to every other point of the
//! kind; the cost and the chosen point must equal the reference exactly, on seeded random
//! networks and on a shipped extract.

use crate::analysis_oracle::{cost_to, costs, dijkstra_from};
use crate::util::random::{random_region, random_region_with};
use crate::util::read_extract;
use servicegap::analysis::next::next_points;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::base::coord::Coord;
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::network::graph::NodeIdx;
use servicegap::network::region::Region;
use servicegap::network::snap::Snap;
use servicegap::route::Metric;
use servicegap::{ServiceKind, ServiceKinds};

/// The nearest point of `kind` other than `j` from `j`'s own projection, by metric `m`
/// (0 length, 1 time): `(cost, service)`, ties to the lowest service.
fn brute_next(
    region: &Region,
    snaps: &[Option<Snap>],
    options: &AnalysisOptions,
    kind: ServiceKind,
    m: usize,
    j: usize,
) -> Option<(u64, u32)> {
    let g = &region.graph;
    let from = snaps[j]?;
    let c = costs(g, &from, options.access_kmh);
    let dist = dijkstra_from(g, &from, &c, m);
    let mut best: Option<(u64, u32)> = None;
    for (i, s) in region.services.iter().enumerate() {
        if i == j || !s.kinds.contains(kind) {
            continue;
        }
        let Some(to) = snaps[i] else { continue };
        let sc = costs(g, &to, options.access_kmh);
        let Some(total) = cost_to(g, &dist, (&from, &c), (&to, &sc), m) else {
            continue;
        };
        if best.is_none_or(|b| (total, i as u32) < b) {
            best = Some((total, i as u32));
        }
    }
    best
}

/// Compares [`next_points`] with the brute force for every kind and metric, on every point or
/// on every `step`-th one; the number of points with a next point.
fn compare(region: &Region, options: &AnalysisOptions, step: usize, what: &str) -> usize {
    let analysis = analyze(region, options);
    let snaps = &analysis.service_snaps;
    let mut found = 0;
    for kind in ServiceKind::BUILT_IN {
        let of_kind = region
            .services
            .iter()
            .filter(|s| s.kinds.contains(kind))
            .count();
        let snapped: Vec<u32> = (0..region.services.len() as u32)
            .filter(|&j| region.services[j as usize].kinds.contains(kind))
            .filter(|&j| snaps[j as usize].is_some())
            .collect();
        for metric in Metric::ALL {
            let got = next_points(region, options, kind, metric);
            assert_eq!((got.kind, got.metric), (kind, metric));
            // The analysis searches the same next points for the services outputs.
            let searched = analysis
                .next_of(kind, metric)
                .expect("the analysis searched it");
            assert_eq!(
                searched.points, got.points,
                "{what}, {kind}: in the analysis"
            );
            assert_eq!(
                (searched.dropped, searched.outside),
                (got.dropped, got.outside)
            );
            let listed: Vec<u32> = got.points.iter().map(|p| p.service).collect();
            assert_eq!(listed, snapped, "{what}, {kind}");
            assert_eq!(
                got.points.len() + got.dropped + got.outside,
                of_kind,
                "{what}, {kind}"
            );
            for p in got.points.iter().step_by(step) {
                let m = metric.index();
                let expected = brute_next(region, snaps, options, kind, m, p.service as usize);
                assert_eq!(
                    p.next.map(|(c, s)| (u64::from(c), s)),
                    expected,
                    "{what}: point {}, {kind}, metric {m}",
                    p.service
                );
                found += usize::from(expected.is_some());
            }
        }
    }
    found
}

#[test]
fn next_points_equal_brute_force_on_random_networks() {
    let mut found = 0;
    for seed in 0..120 {
        let (region, options) = if seed % 2 == 0 {
            random_region(seed)
        } else {
            random_region_with(seed, 30, 0.6, 0.7)
        };
        found += compare(&region, &options, 1, &format!("seed {seed}"));
    }
    assert!(found > 2000, "only {found} points with a next point");
}

#[test]
fn next_points_equal_brute_force_on_a_real_extract() {
    let region = read_extract("li-liechtenstein-2021");
    let options = AnalysisOptions::default();
    let found = compare(&region, &options, 3, "Liechtenstein");
    assert!(found > 20, "only {found} points with a next point");
}

/// Three grocery points at one spot just off a junction and one fuel station alone: each
/// grocery's next is the lowest other of the three, at both snap legs; the fuel station has
/// none.
#[test]
fn points_at_one_spot_give_each_other_and_a_lone_point_has_none() {
    let (mut region, mut options) = random_region(3);
    options.snap.min_component_nodes = 1;
    options.max_service_snap_m = 1000.0;
    let g = &region.graph;
    let v = (0..g.node_count() as u32)
        .map(NodeIdx)
        .find(|&v| g.component(v) == 0)
        .unwrap();
    let at = g.coord(v);
    let spot = Coord::from_degrees(at.lon(), at.lat() + 0.0004);
    let point = |j: usize, kinds: ServiceKinds, coord: Coord| ServicePoint {
        id: FeatureId::File(format!("point {j}")),
        name: None,
        kinds,
        coord,
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    };
    region.services = vec![
        point(0, ServiceKinds::GROCERY, spot),
        point(1, ServiceKinds::GROCERY, spot),
        point(2, ServiceKinds::GROCERY, spot),
        point(3, ServiceKinds::FUEL, at),
    ];
    let snaps = analyze(&region, &options).service_snaps;
    let snap = snaps[0].unwrap();
    assert!(snap.snap_m > 1.0, "{snap:?}");
    for metric in Metric::ALL {
        let m = metric.index();
        let leg = costs(&region.graph, &snap, options.access_kmh).leg[m] as u32;
        let grocery = next_points(&region, &options, ServiceKind::GROCERY, metric);
        let next: Vec<(u32, Option<(u32, u32)>)> =
            grocery.points.iter().map(|p| (p.service, p.next)).collect();
        assert_eq!(
            next,
            [
                (0, Some((2 * leg, 1))),
                (1, Some((2 * leg, 0))),
                (2, Some((2 * leg, 0)))
            ]
        );
        let fuel = next_points(&region, &options, ServiceKind::FUEL, metric);
        assert_eq!(fuel.points.len(), 1);
        assert_eq!(fuel.points[0].next, None);
    }
}
