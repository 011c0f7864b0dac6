//! Snapping measured on the WGS 84 ellipsoid: the index against the brute-force reference
//! (`snap_brute_force`, a numerical minimum of `distance_m` along every eligible segment) on
//! seeded random networks at 0°, 30° and 67° latitude, with legs up to the default
//! `max_snap_m`; and the hand-made fixtures `snap-foot`, `snap-choice` and `snap-oneway` (see
//! tests/fixtures/README.md).

use crate::util::fixture;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::{analyze, Analysis, AnalysisOptions, Status};
use servicegap::base::coord::{distance_m, distance_m_f64, Coord};
use servicegap::network::graph::Graph;
use servicegap::network::region::Region;
use servicegap::network::snap::{
    snap_brute_force, snap_to_edge_brute_force, Snap, SnapIndex, SnapOptions,
};
use servicegap::read::profile::{Direction, RoadAttrs};
use servicegap::read::roads::{RoadInput, RoadWay};
use servicegap::ServiceKind;

/// The chosen road is the nearest within this (metres).
const ROAD_TOLERANCE_M: f64 = 0.01;
/// The foot point lies within this of the true minimum along its road (metres).
const FOOT_TOLERANCE_M: f64 = 0.5;

/// Asserts that `got` (the index's snap of `point`) agrees with `reference` (the brute force's)
/// as the documentation of `network::snap` promises: the same outcome (a road within
/// `max_snap_m` or none, unless the nearest lies within the tolerance of the limit), a road no
/// farther than the nearest by more than 1 cm, and on it a foot within 0.5 m of the true
/// minimum along that road.
pub fn assert_snap_agrees(
    graph: &Graph,
    point: Coord,
    got: Option<&Snap>,
    reference: Option<&Snap>,
    max_snap_m: f64,
    what: &str,
) {
    let (got, reference) = match (got, reference) {
        (Some(g), Some(r)) => (g, r),
        (None, None) => return,
        (Some(s), None) | (None, Some(s)) => {
            assert!(
                (s.snap_m - max_snap_m).abs() <= ROAD_TOLERANCE_M,
                "{what}: one side snapped at {} m, the other found nothing within {max_snap_m} m",
                s.snap_m
            );
            return;
        }
    };
    assert!(
        got.snap_m <= reference.snap_m + ROAD_TOLERANCE_M,
        "{what}: edge {} at {} m, but edge {} lies at {} m",
        got.edge,
        got.snap_m,
        reference.edge,
        reference.snap_m
    );
    let on_edge = snap_to_edge_brute_force(graph, point, got.edge);
    assert!(
        got.snap_m >= on_edge.snap_m - 1e-3,
        "{what}: snap_m {} below the minimum {} on its edge",
        got.snap_m,
        on_edge.snap_m
    );
    assert!(
        (got.offset_m - on_edge.offset_m).abs() <= FOOT_TOLERANCE_M,
        "{what}: foot at {} m along edge {}, the minimum at {} m (leg {} m)",
        got.offset_m,
        got.edge,
        on_edge.offset_m,
        on_edge.snap_m
    );
}

/// A random network around (`lon0`, `lat0`) spanning about 9 km each way: nodes joined by
/// random walks, so segments run from metres to several kilometres in every direction; a
/// fifth of the ways oneway.
fn random_network(seed: u64, lon0: f64, lat0: f64) -> Graph {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let span_lat = 0.08;
    let span_lon = span_lat / lat0.to_radians().cos();
    let n = rng.gen_range(10..80);
    let coords: Vec<Coord> = (0..n)
        .map(|_| {
            Coord::from_degrees(
                lon0 + rng.gen_range(0.0..span_lon),
                lat0 + rng.gen_range(0.0..span_lat),
            )
        })
        .collect();
    let mut refs = Vec::new();
    let mut ways = Vec::new();
    for w in 0..rng.gen_range(3..2 * n) {
        let start = refs.len() as u32;
        let mut node = rng.gen_range(0..n) as u32;
        for _ in 0..rng.gen_range(2..6) {
            refs.push(node);
            node = if rng.gen_bool(0.3) {
                rng.gen_range(0..n) as u32
            } else {
                (node + 1) % n as u32
            };
        }
        let direction = if rng.gen_bool(0.2) {
            Direction::Forward
        } else {
            Direction::Both
        };
        ways.push(RoadWay {
            osm_id: w as i64 + 1,
            attrs: RoadAttrs {
                class: 11,
                speed_kmh: 50.0,
                direction,
                ferry_s: None,
            },
            start,
            end: refs.len() as u32,
        });
    }
    ways.retain(|w| {
        let mut r: Vec<u32> = refs[w.start as usize..w.end as usize].to_vec();
        r.dedup();
        r.len() >= 2
    });
    Graph::build(&RoadInput {
        osm_ids: (0..n as i64).map(|i| 1000 + i).collect(),
        coords,
        ways,
        refs,
    })
}

#[test]
fn index_finds_the_ellipsoidal_nearest_point() {
    let max_snap_m = AnalysisOptions::default().max_snap_m;
    let options = SnapOptions {
        min_component_nodes: 2,
    };
    let mut snapped = 0;
    let mut long_legs = 0;
    for lat0 in [0.0, 30.0, 67.0] {
        for seed in 0..8u64 {
            let lon0 = 10.0 + seed as f64;
            let graph = random_network(seed * 100 + lat0 as u64, lon0, lat0);
            let index = SnapIndex::new(&graph, options);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let (span_lat, span_lon) = (0.08, 0.08 / f64::to_radians(lat0).cos());
            // Up to 5 km beyond the network on every side.
            let margin = 0.045;
            for i in 0..150 {
                let point = Coord::from_degrees(
                    lon0 + rng.gen_range(-margin..span_lon + margin / lat0.to_radians().cos()),
                    lat0 + rng.gen_range(-margin..span_lat + margin),
                );
                let reference = snap_brute_force(&graph, options, point, max_snap_m);
                let got = index.snap(point, max_snap_m);
                let what = format!("lat {lat0}, seed {seed}, point {i} {point:?}");
                assert_snap_agrees(
                    &graph,
                    point,
                    got.as_ref(),
                    reference.as_ref(),
                    max_snap_m,
                    &what,
                );
                if let Some(s) = got {
                    snapped += 1;
                    long_legs += usize::from(s.snap_m > 2000.0);
                }
            }
        }
    }
    // The test is only as strong as its cases: most points snap, many far from the road.
    assert!(snapped > 2500, "{snapped} snapped");
    assert!(long_legs > 500, "{long_legs} legs over 2 km");
}

/// The analysis of a fixture with `min_component_nodes` 2.
fn analyze_fixture(name: &str) -> (Region, Analysis) {
    let region = servicegap::open::read_pbf(&fixture(name), &Default::default()).unwrap();
    let options = AnalysisOptions {
        snap: SnapOptions {
            min_component_nodes: 2,
        },
        ..AnalysisOptions::default()
    };
    let result = analyze(&region, &options);
    (region, result)
}

/// The settlement named `name`: its snap and its fuel (km, min) as the reports round them.
fn fuel_of(region: &Region, result: &Analysis, name: &str) -> (Snap, f64, f64) {
    let i = region
        .settlements
        .iter()
        .position(|s| s.name.as_deref() == Some(name))
        .unwrap();
    let r = &result.settlements[i];
    assert_eq!(r.status, Status::Ok, "{name}");
    let fuel = &r.kinds[ServiceKind::FUEL.index()];
    let km = f64::from(fuel.length_dm.unwrap()) / 10_000.0;
    let min = f64::from(fuel.time_ds.unwrap()) / 600.0;
    (r.snap.unwrap(), km, min)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The foot point of a 4 km leg at the equator: the plane x = lon, y = lat put it 27 m along
/// the road from the ellipsoidal minimum, which moved the fuel distance by 30 m.
#[test]
fn fixture_foot_point_on_the_ellipsoid() {
    let (region, result) = analyze_fixture("snap-foot.osm.pbf");
    let (snap, km, min) = fuel_of(&region, &result, "Far hamlet");
    assert_eq!(region.graph.edges()[snap.edge as usize].way_id, 100);
    assert_eq!(round2(snap.snap_m), 4000.00);
    assert_eq!((round2(km), round2(min)), (5.57, 13.88));
    // And independently of the index: the brute-force minimum along the road.
    let hamlet = region.settlements[0].coord;
    let reference = snap_to_edge_brute_force(&region.graph, hamlet, snap.edge);
    assert!((snap.offset_m - reference.offset_m).abs() < 0.05);
}

/// A near tie at the equator: way 100 lies 100.00 m south, way 101 100.40 m east; the plane
/// x = lon, y = lat saw them the other way round.
#[test]
fn fixture_road_choice_on_the_ellipsoid() {
    let (region, result) = analyze_fixture("snap-choice.osm.pbf");
    let (snap, km, min) = fuel_of(&region, &result, "Hamlet between two roads");
    assert_eq!(region.graph.edges()[snap.edge as usize].way_id, 100);
    assert_eq!(round2(snap.snap_m), 100.00);
    assert_eq!((round2(km), round2(min)), (1.31, 1.75));
}

/// Two points on one oneway street 0.2 m apart (tests/fixtures/snap-oneway.osm): a service
/// just behind the settlement is reached around the block, one just ahead directly; and a
/// oneway link between two components takes no snaps.
#[test]
fn fixture_oneway_order_and_links() {
    let (region, result) = analyze_fixture("snap-oneway.osm.pbf");
    let g = &region.graph;
    let coord = |name: &str| {
        region
            .settlements
            .iter()
            .map(|s| (s.name.as_deref(), s.coord))
            .chain(region.services.iter().map(|s| (s.name.as_deref(), s.coord)))
            .find(|(n, _)| *n == Some(name))
            .unwrap()
            .1
    };
    let block_m = |lon: f64| {
        let c = |dlon: f64, lat: f64| Coord::from_degrees(lon + dlon, lat);
        2.0 * distance_m(c(0.0, 62.0), c(0.002, 62.0))
            + 2.0 * distance_m(c(0.0, 62.0), c(0.0, 62.001))
    };
    // Legs straight south and north onto the east-west street; the feet 0.2 m apart.
    let leg = |name: &str| {
        let c = coord(name);
        distance_m(c, Coord::from_degrees(c.lon(), 62.0))
    };
    let apart = |a: &str, b: &str| {
        let (a, b) = (coord(a), coord(b));
        distance_m_f64((a.lon(), 62.0), (b.lon(), 62.0))
    };
    let legs = |s: &str, f: &str| leg(s) + leg(f);
    let min_of = |m: f64, on_road: f64| (on_road / (30.0 / 3.6) + m / (20.0 / 3.6)) / 60.0;

    let (_, km, min) = fuel_of(&region, &result, "Behind");
    let along = block_m(15.0) - apart("Behind", "Fuel behind");
    let expected_km = (along + legs("Behind", "Fuel behind")) / 1000.0;
    assert!((km - expected_km).abs() < 1e-3, "{km} vs {expected_km}");
    let expected_min = min_of(legs("Behind", "Fuel behind"), along);
    assert!((min - expected_min).abs() < 0.01, "{min} vs {expected_min}");

    let (_, km, min) = fuel_of(&region, &result, "Ahead");
    let along = apart("Ahead", "Fuel ahead");
    let expected_km = (along + legs("Ahead", "Fuel ahead")) / 1000.0;
    assert!((km - expected_km).abs() < 1e-3, "{km} vs {expected_km}");
    let expected_min = min_of(legs("Ahead", "Fuel ahead"), along);
    assert!((min - expected_min).abs() < 0.01, "{min} vs {expected_min}");

    // The link W9 runs from one strongly connected component into another: 2 m from it, the
    // hamlet snaps to W2, the nearest road inside a component.
    let (snap, _, _) = fuel_of(&region, &result, "Beside the link");
    let link = g.edges().iter().find(|e| e.way_id == 9).unwrap();
    assert_ne!(g.component(link.from), g.component(link.to));
    assert_eq!(g.edges()[snap.edge as usize].way_id, 2);
    let c = coord("Beside the link");
    let expected = distance_m(c, Coord::from_degrees(15.002, c.lat()));
    assert!((snap.snap_m - expected).abs() < 0.01, "{}", snap.snap_m);
}
