//! The analysis on small hand-built networks with hand-computed answers.
//!
//! Each test builds a [`RoadInput`] and a [`Region`] directly, around lon 15.0 / lat 62.0, with
//! a sketch of the network above it. Expected values are computed in the test from the chosen
//! coordinates with [`distance_m`], following the integer rounding documented in
//! `src/analysis.rs` and `src/graph.rs`:
//!
//! - an edge's `length_dm = round(metres * 10)` and `time_ds = round(seconds * 10)`, with
//!   `seconds = metres / (kmh / 3.6)` for roads and `(duration_s or metres / (10 km/h)) + 600`
//!   for car ferries;
//! - the part of an edge before a projection is `round(whole * offset_m / edge_m)` (for length
//!   and for time), the part after is `whole - before`;
//! - a snap leg is `round(snap_m * 10)` decimetres and `round(snap_m / (20 km/h) * 10)`
//!   deciseconds;
//! - a settlement's value = its leg + the shortest directed path between the two projections +
//!   the service's leg.
//!
//! Points lie straight north (or south) of straight east-west road segments, so the projection
//! is the point with the road's latitude and the snap leg runs along a meridian.

use servicegap::analysis::{analyze, Analysis, AnalysisOptions, Status, Threshold, Unit};
use servicegap::base::coord::{distance_m, Coord};
use servicegap::base::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use servicegap::network::graph::Graph;
use servicegap::network::region::Region;
use servicegap::network::snap::SnapOptions;
use servicegap::read::osm::ReadStats;
use servicegap::read::profile::{Direction, RoadAttrs, FERRY_BOARDING_S, FERRY_CLASS};
use servicegap::read::roads::{RoadInput, RoadWay};
use servicegap::{ServiceKind, ServiceKinds};

// =============================================================================================
// Building networks and regions
// =============================================================================================

/// Index of the length metric in the `[length, time]` pairs below.
const L: usize = 0;
/// Index of the time metric.
const T: usize = 1;

/// Speed of the snap legs ([`AnalysisOptions::access_kmh`]'s default).
const ACCESS_KMH: f64 = 20.0;

fn c(lon: f64, lat: f64) -> Coord {
    Coord::from_degrees(lon, lat)
}

/// A road network under construction: nodes, then ways over them.
#[derive(Default)]
struct Net {
    input: RoadInput,
}

impl Net {
    fn node(&mut self, coord: Coord) -> u32 {
        self.input.coords.push(coord);
        self.input.osm_ids.push(self.input.coords.len() as i64);
        self.input.coords.len() as u32 - 1
    }

    fn way(&mut self, nodes: &[u32], attrs: RoadAttrs) {
        let start = self.input.refs.len() as u32;
        self.input.refs.extend_from_slice(nodes);
        self.input.ways.push(RoadWay {
            osm_id: self.input.ways.len() as i64 + 1,
            attrs,
            start,
            end: self.input.refs.len() as u32,
        });
    }

    fn graph(&self) -> Graph {
        Graph::build(&self.input)
    }
}

/// An unclassified road at `kmh`.
fn road(kmh: f64, direction: Direction) -> RoadAttrs {
    RoadAttrs {
        class: 10,
        speed_kmh: kmh,
        direction,
        ferry_s: None,
    }
}

/// A two-way car ferry with an optional crossing time.
fn ferry(ferry_s: Option<u32>) -> RoadAttrs {
    RoadAttrs {
        class: FERRY_CLASS,
        speed_kmh: 10.0,
        direction: Direction::Both,
        ferry_s,
    }
}

fn settlement(id: i64, coord: Coord, population: Option<u64>) -> Settlement {
    Settlement {
        id: OsmId {
            kind: ElementType::Node,
            id,
        }
        .into(),
        name: Some(format!("settlement {id}")),
        place: Some(Place::Hamlet),
        population,
        coord,
        groups: Vec::new(),
    }
}

fn service(id: i64, kinds: ServiceKinds, coord: Coord) -> ServicePoint {
    ServicePoint {
        id: OsmId {
            kind: ElementType::Node,
            id,
        }
        .into(),
        name: None,
        kinds,
        coord,
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    }
}

fn region(graph: Graph, services: Vec<ServicePoint>, settlements: Vec<Settlement>) -> Region {
    Region {
        graph,
        extent: None,
        kinds: servicegap::Kinds::default(),
        services,
        settlements,
        groups: Vec::new(),
        read_stats: ReadStats::default(),
        timings: Vec::new(),
        warnings: Vec::new(),
        prepared: Default::default(),
    }
}

/// Default options, except that components of two nodes already take snaps.
fn options() -> AnalysisOptions {
    AnalysisOptions {
        snap: SnapOptions {
            min_component_nodes: 2,
        },
        ..AnalysisOptions::default()
    }
}

fn kind_index(kind: ServiceKind) -> usize {
    ServiceKind::BUILT_IN
        .iter()
        .position(|&k| k == kind)
        .unwrap_or_else(|| panic!("{kind:?}"))
}

/// `(length_dm, nearest_by_length, time_ds, nearest_by_time)` of settlement `i` for `kind`.
fn result(
    a: &Analysis,
    i: usize,
    kind: ServiceKind,
) -> (Option<u32>, Option<u32>, Option<u32>, Option<u32>) {
    let r = &a.settlements[i].kinds[kind_index(kind)];
    (
        r.length_dm,
        r.nearest_by_length,
        r.time_ds,
        r.nearest_by_time,
    )
}

// =============================================================================================
// Hand computation
// =============================================================================================

/// Rounds to the nearest integer, refusing values so close to .5 that floating-point noise could
/// decide the direction (then the test's coordinates must be changed, not the expectation).
fn round_checked(x: f64) -> u32 {
    assert!(
        x >= 0.0 && (x.fract() - 0.5).abs() > 1e-4,
        "ambiguous rounding of {x}: choose other coordinates"
    );
    x.round() as u32
}

/// Sum of the segment lengths of a polyline, in metres.
fn polyline_m(points: &[Coord]) -> f64 {
    points.windows(2).map(|w| distance_m(w[0], w[1])).sum()
}

/// An edge by hand: its geometry, metres, and integer `[length_dm, time_ds]`.
struct HandEdge {
    geometry: Vec<Coord>,
    m: f64,
    whole: [u32; 2],
}

/// A road edge at `kmh`.
fn hand_road(geometry: &[Coord], kmh: f64) -> HandEdge {
    let m = polyline_m(geometry);
    HandEdge {
        geometry: geometry.to_vec(),
        m,
        whole: [
            round_checked(m * 10.0),
            round_checked(m / (kmh / 3.6) * 10.0),
        ],
    }
}

/// A one-edge ferry: `(duration or metres at 10 km/h) + 600 s`.
fn hand_ferry(geometry: &[Coord], ferry_s: Option<u32>) -> HandEdge {
    let m = polyline_m(geometry);
    let crossing_s = ferry_s.map_or(m / (10.0 / 3.6), f64::from);
    HandEdge {
        geometry: geometry.to_vec(),
        m,
        whole: [
            round_checked(m * 10.0),
            round_checked((crossing_s + f64::from(FERRY_BOARDING_S)) * 10.0),
        ],
    }
}

/// A point snapped by hand: integer costs per metric `[length, time]` of the part of its edge
/// before and after the projection, and of its snap leg.
#[derive(Clone, Copy, Debug)]
struct HandSnap {
    snap_m: f64,
    offset_m: f64,
    before: [u32; 2],
    after: [u32; 2],
    leg: [u32; 2],
}

/// `point` projected onto segment `segment` of `edge` at `foot` (chosen by hand: the point with
/// the road's latitude for a point north or south of an east-west segment).
fn hand_snap(edge: &HandEdge, segment: usize, foot: Coord, point: Coord) -> HandSnap {
    let offset_m =
        polyline_m(&edge.geometry[..=segment]) + distance_m(edge.geometry[segment], foot);
    let fraction = offset_m / edge.m;
    let before = edge.whole.map(|w| round_checked(f64::from(w) * fraction));
    let snap_m = distance_m(point, foot);
    HandSnap {
        snap_m,
        offset_m,
        before,
        after: [edge.whole[L] - before[L], edge.whole[T] - before[T]],
        leg: [
            round_checked(snap_m * 10.0),
            round_checked(snap_m / (ACCESS_KMH / 3.6) * 10.0),
        ],
    }
}

/// Asserts that the library snapped a point where the hand computation says.
fn assert_snap(
    actual: Option<servicegap::network::snap::Snap>,
    edge: u32,
    hand: &HandSnap,
    what: &str,
) {
    let s = actual.unwrap_or_else(|| panic!("{what}: not snapped"));
    assert_eq!(s.edge, edge, "{what}: edge");
    assert!(
        (s.snap_m - hand.snap_m).abs() < 1e-6,
        "{what}: snap_m {} vs {}",
        s.snap_m,
        hand.snap_m
    );
    assert!(
        (s.offset_m - hand.offset_m).abs() < 1e-6,
        "{what}: offset_m {} vs {}",
        s.offset_m,
        hand.offset_m
    );
}

/// Asserts the graph's edge `i` has the hand-computed integer length and time.
fn assert_edge(graph: &Graph, i: usize, hand: &HandEdge) {
    let e = &graph.edges()[i];
    assert_eq!([e.length_dm, e.time_ds], hand.whole, "edge {i}");
    assert_eq!(
        graph.edge_geometry(i),
        hand.geometry.as_slice(),
        "edge {i} geometry"
    );
}

/// Nearest-rank quantile of km values, rounded to 0.01 as the summary does.
fn nearest_rank(values: &[f64], q: f64) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return None;
    }
    let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    Some((v[i] * 100.0).round() / 100.0)
}

// =============================================================================================
// (a) settlement and service on the same edge
// =============================================================================================

/// ```text
///             F (fuel)          S (settlement)      G (grocery)
///             15.0041           15.0103             15.0162       lat 62.0005 (~56 m north),
///                                                                 F at 62.0003
///  A ================================================================ B   two-way, 50 km/h
///  15.000                                                           15.020   lat 62.0
/// ```
/// The grocery is ahead of S (towards B), the fuel behind it (towards A): both are reached
/// along the edge directly, by the difference of the partial edges.
#[test]
fn same_edge_two_way_ahead_and_behind() {
    let (a, b) = (c(15.0, 62.0), c(15.02, 62.0));
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    net.way(&[na, nb], road(50.0, Direction::Both));
    let graph = net.graph();
    let ab = hand_road(&[a, b], 50.0);
    assert_edge(&graph, 0, &ab);

    let s = c(15.0103, 62.0005);
    let g = c(15.0162, 62.0005);
    let f = c(15.0041, 62.0003);
    let hs = hand_snap(&ab, 0, c(15.0103, 62.0), s);
    let hg = hand_snap(&ab, 0, c(15.0162, 62.0), g);
    let hf = hand_snap(&ab, 0, c(15.0041, 62.0), f);

    let r = region(
        graph,
        vec![
            service(1, ServiceKinds::GROCERY, g),
            service(2, ServiceKinds::FUEL, f),
        ],
        vec![settlement(10, s, Some(50))],
    );
    let an = analyze(&r, &options());
    assert_snap(an.settlements[0].snap, 0, &hs, "settlement");
    assert_snap(an.service_snaps[0], 0, &hg, "grocery");
    assert_snap(an.service_snaps[1], 0, &hf, "fuel");

    let ahead = |m: usize| hs.leg[m] + (hg.before[m] - hs.before[m]) + hg.leg[m];
    let behind = |m: usize| hs.leg[m] + (hs.before[m] - hf.before[m]) + hf.leg[m];
    assert_eq!(
        result(&an, 0, ServiceKind::GROCERY),
        (Some(ahead(L)), Some(0), Some(ahead(T)), Some(0))
    );
    assert_eq!(
        result(&an, 0, ServiceKind::FUEL),
        (Some(behind(L)), Some(1), Some(behind(T)), Some(1))
    );
    // About 56 + 309 + 56 m: well under any threshold.
    assert!((4000..4400).contains(&ahead(L)), "{}", ahead(L));
    assert!(!an.settlements[0].kinds[0].gap && !an.settlements[0].kinds[1].gap);
    assert_eq!(an.settlements[0].status, Status::Ok);
    assert!(!an.settlements[0].island);
}

/// ```text
///             F (fuel)          S                   G (grocery)       all at lat 62.0005
///             15.0041           15.0103             15.0162
///  A ------------------------------>-------------------------------- B   lat 62.0, oneway
///  | 15.000                                                    15.020 |   east, 50 km/h (edge 0)
///  |                                                                  |
///  D ------------------------------<-------------------------------- C   lat 61.99; the way
///                                                                         B-C-D-A is oneway,
///                                                                         30 km/h (edge 1)
/// ```
/// The grocery ahead is reached along the edge; the fuel behind only around the loop:
/// S → B (rest of edge 0) → C → D → A (all of edge 1) → F (start of edge 0).
#[test]
fn same_edge_oneway_behind_goes_around_the_loop() {
    let (a, b, cc, d) = (
        c(15.0, 62.0),
        c(15.02, 62.0),
        c(15.02, 61.99),
        c(15.0, 61.99),
    );
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    let nc = net.node(cc);
    let nd = net.node(d);
    net.way(&[na, nb], road(50.0, Direction::Forward));
    net.way(&[nb, nc, nd, na], road(30.0, Direction::Forward));
    let graph = net.graph();
    assert_eq!(graph.node_count(), 2, "C and D are shape points");
    assert_eq!(graph.edges().len(), 2);
    assert!(graph.edges().iter().all(|e| e.oneway));
    let top = hand_road(&[a, b], 50.0);
    let ret = hand_road(&[b, cc, d, a], 30.0);
    assert_edge(&graph, 0, &top);
    assert_edge(&graph, 1, &ret);

    let s = c(15.0103, 62.0005);
    let g = c(15.0162, 62.0005);
    let f = c(15.0041, 62.0005);
    let hs = hand_snap(&top, 0, c(15.0103, 62.0), s);
    let hg = hand_snap(&top, 0, c(15.0162, 62.0), g);
    let hf = hand_snap(&top, 0, c(15.0041, 62.0), f);
    let r = region(
        graph,
        vec![
            service(1, ServiceKinds::GROCERY, g),
            service(2, ServiceKinds::FUEL, f),
        ],
        vec![settlement(10, s, None)],
    );
    let an = analyze(&r, &options());
    assert_snap(an.settlements[0].snap, 0, &hs, "settlement");
    assert_snap(an.service_snaps[1], 0, &hf, "fuel");

    let ahead = |m: usize| hs.leg[m] + (hg.before[m] - hs.before[m]) + hg.leg[m];
    let around = |m: usize| hs.leg[m] + hs.after[m] + ret.whole[m] + hf.before[m] + hf.leg[m];
    assert_eq!(
        result(&an, 0, ServiceKind::GROCERY),
        (Some(ahead(L)), Some(0), Some(ahead(T)), Some(0))
    );
    assert_eq!(
        result(&an, 0, ServiceKind::FUEL),
        (Some(around(L)), Some(1), Some(around(T)), Some(1))
    );
    // The detour is real: about 0.5 + 3.3 + 0.2 km instead of 0.3 km.
    assert!(around(L) > 38_000, "{}", around(L));
}

// =============================================================================================
// (b) oneway: there and back differ
// =============================================================================================

/// ```text
///        P (settlement 0, fuel 1)                             lat 62.0005
///  A ------------->--------------------------------------- B  oneway east, 60 km/h (edge 0)
///  |  15.000   15.005                                  15.020 |
///  D -------------------------<-------------------------- C  B-C-D-A oneway, 30 km/h (edge 1)
///                         15.012                               lat 61.99
///                           Q (settlement 1, grocery 0)       lat 61.9895
/// ```
/// P → Q: rest of edge 0, then edge 1 up to Q. Q → P: rest of edge 1, then edge 0 up to P.
#[test]
fn oneway_there_and_back_differ() {
    let (a, b, cc, d) = (
        c(15.0, 62.0),
        c(15.02, 62.0),
        c(15.02, 61.99),
        c(15.0, 61.99),
    );
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    let nc = net.node(cc);
    let nd = net.node(d);
    net.way(&[na, nb], road(60.0, Direction::Forward));
    // Drawn A-D-C-B but oneway=-1: driven B → C → D → A, stored reversed.
    net.way(&[na, nd, nc, nb], road(30.0, Direction::Backward));
    let graph = net.graph();
    let top = hand_road(&[a, b], 60.0);
    let ret = hand_road(&[b, cc, d, a], 30.0);
    assert_edge(&graph, 0, &top);
    assert_edge(&graph, 1, &ret);

    let p = c(15.005, 62.0005);
    let q = c(15.012, 61.9895);
    let hp = hand_snap(&top, 0, c(15.005, 62.0), p);
    let hq = hand_snap(&ret, 1, c(15.012, 61.99), q);
    let r = region(
        graph,
        vec![
            service(1, ServiceKinds::GROCERY, q),
            service(2, ServiceKinds::FUEL, p),
        ],
        vec![settlement(10, p, None), settlement(11, q, None)],
    );
    let an = analyze(&r, &options());
    assert_snap(an.settlements[0].snap, 0, &hp, "P");
    assert_snap(an.settlements[1].snap, 1, &hq, "Q");

    let p_to_q = |m: usize| hp.leg[m] + hp.after[m] + hq.before[m] + hq.leg[m];
    let q_to_p = |m: usize| hq.leg[m] + hq.after[m] + hp.before[m] + hp.leg[m];
    assert_eq!(
        result(&an, 0, ServiceKind::GROCERY),
        (Some(p_to_q(L)), Some(0), Some(p_to_q(T)), Some(0))
    );
    assert_eq!(
        result(&an, 1, ServiceKind::FUEL),
        (Some(q_to_p(L)), Some(1), Some(q_to_p(T)), Some(1))
    );
    assert_ne!(p_to_q(L), q_to_p(L));
    assert_ne!(p_to_q(T), q_to_p(T));
    // A service at the settlement's own spot costs the two legs only.
    assert_eq!(
        result(&an, 0, ServiceKind::FUEL),
        (Some(2 * hp.leg[L]), Some(1), Some(2 * hp.leg[T]), Some(1))
    );
    assert_eq!(
        result(&an, 1, ServiceKind::GROCERY),
        (Some(2 * hq.leg[L]), Some(0), Some(2 * hq.leg[T]), Some(0))
    );
}

// =============================================================================================
// (c) car ferry
// =============================================================================================

/// ```text
///      S                                                      G (grocery)
///    15.0053                                                  15.0537        lat 62.0005
///  A ========= B ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ C ========== D          lat 62.0
///  15.00     15.01         car ferry (two-way)          15.05       15.06
///  road 50 km/h                                          road 50 km/h
/// ```
/// The ferry's time is its `duration` (or its length at 10 km/h) plus 600 s of boarding.
#[test]
fn ferry_time_includes_duration_and_boarding() {
    for ferry_s in [Some(1200), None] {
        let (a, b, cc, d) = (
            c(15.0, 62.0),
            c(15.01, 62.0),
            c(15.05, 62.0),
            c(15.06, 62.0),
        );
        let mut net = Net::default();
        let na = net.node(a);
        let nb = net.node(b);
        let nc = net.node(cc);
        let nd = net.node(d);
        net.way(&[na, nb], road(50.0, Direction::Both));
        net.way(&[nb, nc], ferry(ferry_s));
        net.way(&[nc, nd], road(50.0, Direction::Both));
        let graph = net.graph();
        let ab = hand_road(&[a, b], 50.0);
        let bc = hand_ferry(&[b, cc], ferry_s);
        let cd = hand_road(&[cc, d], 50.0);
        assert_edge(&graph, 0, &ab);
        assert_edge(&graph, 1, &bc);
        assert_edge(&graph, 2, &cd);
        assert!(graph.edges()[1].is_ferry());
        if ferry_s.is_some() {
            assert_eq!(bc.whole[T], 18_000, "(1200 + 600) s");
        } else {
            // About 2.1 km at 10 km/h = 754 s, plus 600 s.
            assert!((13_500..13_600).contains(&bc.whole[T]), "{}", bc.whole[T]);
        }

        let s = c(15.0053, 62.0005);
        let g = c(15.0537, 62.0005);
        let hs = hand_snap(&ab, 0, c(15.0053, 62.0), s);
        let hg = hand_snap(&cd, 0, c(15.0537, 62.0), g);
        let r = region(
            graph,
            vec![service(1, ServiceKinds::GROCERY, g)],
            vec![settlement(10, s, None)],
        );
        let an = analyze(&r, &options());
        assert_snap(an.settlements[0].snap, 0, &hs, "settlement");
        assert_snap(an.service_snaps[0], 2, &hg, "grocery");
        let cost = |m: usize| hs.leg[m] + hs.after[m] + bc.whole[m] + hg.before[m] + hg.leg[m];
        assert_eq!(
            result(&an, 0, ServiceKind::GROCERY),
            (Some(cost(L)), Some(0), Some(cost(T)), Some(0)),
            "ferry_s {ferry_s:?}"
        );
        assert!(!an.settlements[0].island, "the ferry links both shores");
        // About 2.7 km is within 10 km, so not in gap; but the ferry makes it over 20 minutes.
        assert!(!an.settlements[0].kinds[0].gap);
        let mut by_time = options();
        by_time.thresholds[0] = Threshold {
            value: 20.0,
            unit: Unit::Min,
        };
        let an = analyze(&r, &by_time);
        assert!(cost(T) > 20 * 600);
        assert!(an.settlements[0].kinds[0].gap, "ferry_s {ferry_s:?}");
    }
}

/// ```text
///                        S (settlement)    ~223 m north of the ferry line,  lat 62.002
///                        15.027            ~891 m from B, ~1205 m from C
///  A ========= B ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ C ========== D          lat 62.0
///  15.00     15.01         car ferry (1200 s)           15.05       15.06
///                                                          G (grocery) 15.0537, lat 62.0005
/// ```
/// Points snap to "the nearest point on a road" (`src/analysis.rs`, Semantics); a car ferry is
/// not a road (the project counts "roads and car ferries" apart everywhere). S must not be
/// put on the ferry in mid-water, where it would board for a fraction of the crossing and of
/// the boarding time: its road is A-B, reached at B.
#[test]
fn points_snap_to_roads_not_onto_a_ferry_line() {
    let (a, b, cc, d) = (
        c(15.0, 62.0),
        c(15.01, 62.0),
        c(15.05, 62.0),
        c(15.06, 62.0),
    );
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    let nc = net.node(cc);
    let nd = net.node(d);
    net.way(&[na, nb], road(50.0, Direction::Both));
    net.way(&[nb, nc], ferry(Some(1200)));
    net.way(&[nc, nd], road(50.0, Direction::Both));
    let ab = hand_road(&[a, b], 50.0);
    let bc = hand_ferry(&[b, cc], Some(1200));
    let cd = hand_road(&[cc, d], 50.0);
    let s = c(15.027, 62.002);
    let g = c(15.0537, 62.0005);
    let hs = hand_snap(&ab, 0, b, s); // at B, the end of A-B
    let hg = hand_snap(&cd, 0, c(15.0537, 62.0), g);
    assert!(hs.snap_m < distance_m(s, cc));
    let r = region(
        net.graph(),
        vec![service(1, ServiceKinds::GROCERY, g)],
        vec![settlement(10, s, None)],
    );
    let an = analyze(&r, &options());
    assert_snap(
        an.settlements[0].snap,
        0,
        &hs,
        "settlement beside the ferry line",
    );
    let cost = |m: usize| hs.leg[m] + hs.after[m] + bc.whole[m] + hg.before[m] + hg.leg[m];
    assert_eq!(hs.after, [0, 0]);
    assert_eq!(
        result(&an, 0, ServiceKind::GROCERY),
        (Some(cost(L)), Some(0), Some(cost(T)), Some(0))
    );
}

// =============================================================================================
// (d) an island without a link
// =============================================================================================

/// ```text
///             S2 (pop 30)   F (fuel)                              lat 62.0505
///  D ==================================== E                       lat 62.05, island, two-way
///  15.00      15.0103      15.0157      15.02                     50 km/h
///
///        S1 (pop 120)                         G (grocery)         lat 62.0005
///  A ================== B ================================== C    lat 62.0, main, two-way
///  15.00   15.0053     15.02            15.0312              15.04  70 km/h
/// ```
/// The island (2 nodes) takes snaps with `min_component_nodes = 2`. S2 reaches its fuel but no
/// grocery; S1 reaches the grocery but no fuel; nobody reaches post, pharmacy or payment.
#[test]
fn island_without_a_service_is_unreachable() {
    let (a, b, cc) = (c(15.0, 62.0), c(15.02, 62.0), c(15.04, 62.0));
    let (d, e) = (c(15.0, 62.05), c(15.02, 62.05));
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    let nc = net.node(cc);
    let nd = net.node(d);
    let ne = net.node(e);
    net.way(&[na, nb], road(70.0, Direction::Both));
    net.way(&[nb, nc], road(70.0, Direction::Both));
    net.way(&[nd, ne], road(50.0, Direction::Both));
    let graph = net.graph();
    assert_eq!(graph.component_sizes(), &[3, 2]);
    let ab = hand_road(&[a, b], 70.0);
    let bc = hand_road(&[b, cc], 70.0);
    let de = hand_road(&[d, e], 50.0);
    assert_edge(&graph, 2, &de);

    let s1 = c(15.0053, 62.0005);
    let s2 = c(15.0103, 62.0505);
    let g = c(15.0312, 62.0005);
    let f = c(15.0157, 62.0505);
    let h1 = hand_snap(&ab, 0, c(15.0053, 62.0), s1);
    let h2 = hand_snap(&de, 0, c(15.0103, 62.05), s2);
    let hg = hand_snap(&bc, 0, c(15.0312, 62.0), g);
    let hf = hand_snap(&de, 0, c(15.0157, 62.05), f);
    let r = region(
        graph,
        vec![
            service(1, ServiceKinds::GROCERY, g),
            service(2, ServiceKinds::FUEL, f),
        ],
        vec![settlement(10, s1, Some(120)), settlement(11, s2, Some(30))],
    );
    let an = analyze(&r, &options());
    assert_snap(an.settlements[1].snap, 2, &h2, "S2");

    let to_g = |m: usize| h1.leg[m] + h1.after[m] + hg.before[m] + hg.leg[m];
    let to_f = |m: usize| h2.leg[m] + (hf.before[m] - h2.before[m]) + hf.leg[m];
    assert_eq!(
        result(&an, 0, ServiceKind::GROCERY),
        (Some(to_g(L)), Some(0), Some(to_g(T)), Some(0))
    );
    assert_eq!(result(&an, 0, ServiceKind::FUEL), (None, None, None, None));
    assert_eq!(
        result(&an, 1, ServiceKind::GROCERY),
        (None, None, None, None)
    );
    assert_eq!(
        result(&an, 1, ServiceKind::FUEL),
        (Some(to_f(L)), Some(1), Some(to_f(T)), Some(1))
    );

    let (r1, r2) = (&an.settlements[0], &an.settlements[1]);
    assert_eq!((r1.status, r1.island), (Status::Ok, false));
    assert_eq!((r2.status, r2.island), (Status::Ok, true));
    assert!(
        !r1.kinds[0].gap && r1.kinds[1].gap,
        "S1: grocery near, no fuel"
    );
    assert!(
        r2.kinds[0].gap && !r2.kinds[1].gap,
        "S2: no grocery, fuel near"
    );
    for k in 2..5 {
        assert!(r1.kinds[k].gap && r2.kinds[k].gap);
        assert_eq!(r1.kinds[k].length_dm, None);
        assert_eq!(r2.kinds[k].time_ds, None);
    }
    assert_eq!(an.island_settlements, 1);
    assert_eq!(an.services_dropped, 0);

    let grocery = &an.kinds[0];
    assert_eq!(grocery.kind, ServiceKind::GROCERY);
    assert_eq!(grocery.services, 1);
    assert_eq!((grocery.settlements, grocery.population), (2, 150));
    assert_eq!((grocery.gap_settlements, grocery.gap_population), (1, 30));
    assert_eq!(grocery.gap_share_population, Some(0.2));
    assert_eq!(grocery.gap_share_settlements, Some(0.5));
    assert_eq!((grocery.unreachable, grocery.no_road), (1, 0));
    let km = (f64::from(to_g(L)) / 10_000.0 * 100.0).round() / 100.0;
    let min = (f64::from(to_g(T)) / 600.0 * 100.0).round() / 100.0;
    assert_eq!(
        (grocery.km.p50, grocery.km.p90, grocery.km.max),
        (Some(km), Some(km), Some(km))
    );
    assert_eq!(
        (grocery.min.p50, grocery.min.p90, grocery.min.max),
        (Some(min), Some(min), Some(min))
    );
    let fuel = &an.kinds[1];
    assert_eq!(
        (fuel.gap_settlements, fuel.gap_population, fuel.unreachable),
        (1, 120, 1)
    );
    for k in &an.kinds[2..] {
        assert_eq!(
            (k.services, k.gap_settlements, k.unreachable, k.no_road),
            (0, 2, 2, 0)
        );
        assert_eq!(k.gap_population, 150);
        assert_eq!((k.km.p50, k.km.p90, k.km.max), (None, None, None));
        assert_eq!((k.min.p50, k.min.p90, k.min.max), (None, None, None));
    }

    // With a minimum of 3 nodes the island takes no snaps: S2 is ~5.6 km from the main road,
    // beyond max_snap_m = 5000, so it has no road; the island's fuel is ~5.6 km from a road,
    // beyond max_service_snap_m, so it is dropped.
    let mut opts = options();
    opts.snap.min_component_nodes = 3;
    let an = analyze(&r, &opts);
    assert_eq!(an.settlements[1].status, Status::NoRoad);
    assert!(!an.settlements[1].island);
    assert_eq!(an.service_snaps[1], None);
    assert_eq!((an.island_settlements, an.services_dropped), (0, 1));
}

// =============================================================================================
// (e) no road
// =============================================================================================

/// ```text
///                  S4 (pop 7)     1113 m north: beyond max_snap_m = 1000   lat 62.01
///
///   S0        S1          S2            S3                  all 62.0005 except S3 62.0008
///  15.001    15.004      15.009        15.016
///  A =========================================================== B     lat 62.0, two-way 60 km/h
///  15.000  G (grocery) 15.0005, lat 61.9996                     15.020
/// ```
/// S4 has no road: no values, in gap for every kind, counted in `no_road` and not in
/// `unreachable`, and left out of the quantiles. The thresholds are exclusive: a value equal
/// to its threshold is not a gap.
#[test]
fn no_road_and_summary_figures() {
    let (a, b) = (c(15.0, 62.0), c(15.02, 62.0));
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    net.way(&[na, nb], road(60.0, Direction::Both));
    let graph = net.graph();
    let ab = hand_road(&[a, b], 60.0);
    let g = c(15.0005, 61.9996);
    let hg = hand_snap(&ab, 0, c(15.0005, 62.0), g);
    let spots = [
        (15.001, 62.0005),
        (15.004, 62.0005),
        (15.009, 62.0005),
        (15.016, 62.0008),
    ];
    let hand: Vec<HandSnap> = spots
        .iter()
        .map(|&(lon, lat)| hand_snap(&ab, 0, c(lon, 62.0), c(lon, lat)))
        .collect();
    let mut settlements: Vec<Settlement> = spots
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat))| settlement(i as i64 + 10, c(lon, lat), Some(100 + i as u64)))
        .collect();
    settlements.push(settlement(14, c(15.008, 62.01), Some(7)));
    let r = region(
        graph,
        vec![service(1, ServiceKinds::GROCERY, g)],
        settlements,
    );
    let cost = |h: &HandSnap, m: usize| h.leg[m] + (h.before[m] - hg.before[m]) + hg.leg[m];
    let lengths: Vec<u32> = hand.iter().map(|h| cost(h, L)).collect();
    let times: Vec<u32> = hand.iter().map(|h| cost(h, T)).collect();

    let mut opts = options();
    opts.max_snap_m = 1000.0;
    // Grocery: S2's length exactly (not in gap), so S3 beyond it is in gap, S0, S1 not.
    opts.thresholds[0] = Threshold {
        value: f64::from(lengths[2]) / 10_000.0,
        unit: Unit::Km,
    };
    let an = analyze(&r, &opts);
    for (i, h) in hand.iter().enumerate() {
        assert_snap(an.settlements[i].snap, 0, h, "settlement");
        assert_eq!(
            result(&an, i, ServiceKind::GROCERY),
            (Some(lengths[i]), Some(0), Some(times[i]), Some(0)),
            "S{i}"
        );
    }
    let gaps: Vec<bool> = an.settlements.iter().map(|s| s.kinds[0].gap).collect();
    assert_eq!(gaps, [false, false, false, true, true]);

    let s4 = &an.settlements[4];
    assert_eq!(s4.status, Status::NoRoad);
    assert_eq!(s4.snap, None);
    assert!(!s4.island);
    for k in &s4.kinds {
        assert_eq!(
            (
                k.length_dm,
                k.nearest_by_length,
                k.time_ds,
                k.nearest_by_time,
                k.gap
            ),
            (None, None, None, None, true)
        );
    }

    let grocery = &an.kinds[0];
    assert_eq!(
        (grocery.settlements, grocery.population),
        (5, 100 + 101 + 102 + 103 + 7)
    );
    assert_eq!(
        (grocery.gap_settlements, grocery.gap_population),
        (2, 103 + 7)
    );
    assert_eq!((grocery.unreachable, grocery.no_road), (0, 1));
    let km: Vec<f64> = lengths.iter().map(|&dm| f64::from(dm) / 10_000.0).collect();
    let min: Vec<f64> = times.iter().map(|&ds| f64::from(ds) / 600.0).collect();
    // Four values: p50 is the 2nd, p90 the 4th (nearest rank).
    assert_eq!(grocery.km.p50, nearest_rank(&km, 0.5));
    assert_eq!(grocery.km.p50, Some((km[1] * 100.0).round() / 100.0));
    assert_eq!(grocery.km.p90, Some((km[3] * 100.0).round() / 100.0));
    assert_eq!(grocery.km.max, Some((km[3] * 100.0).round() / 100.0));
    assert_eq!(grocery.min.p50, nearest_rank(&min, 0.5));
    assert_eq!(grocery.min.p90, nearest_rank(&min, 0.9));
    assert_eq!(grocery.min.max, nearest_rank(&min, 1.0));
    for k in &an.kinds[1..] {
        assert_eq!((k.gap_settlements, k.unreachable, k.no_road), (5, 4, 1));
    }

    // By minutes: the same rule, on time. S1's time exactly is not a gap; one ds less is.
    let mut opts = options();
    opts.max_snap_m = 1000.0;
    opts.thresholds[0] = Threshold {
        value: f64::from(times[1]) / 600.0,
        unit: Unit::Min,
    };
    let an = analyze(&r, &opts);
    let gaps: Vec<bool> = an.settlements.iter().map(|s| s.kinds[0].gap).collect();
    assert_eq!(gaps, [false, false, true, true, true]);
    opts.thresholds[0].value = f64::from(times[1] - 1) / 600.0;
    let an = analyze(&r, &opts);
    assert!(an.settlements[1].kinds[0].gap);

    // With the default max_snap_m (5000 m) S4 reaches the road.
    let an = analyze(&r, &options());
    assert_eq!(an.settlements[4].status, Status::Ok);
    assert_eq!(an.kinds[0].no_road, 0);
}

// =============================================================================================
// (f) a service point too far from a road
// =============================================================================================

/// ```text
///                     G (grocery) and S1 (settlement), 15.0103    ~1336 m north, lat 62.012
///
///         S0                F (fuel)                                lat 62.0005
///  A ========================================== B                   lat 62.0, two-way
///  15.00  15.0053           15.0121            15.02
/// ```
/// G is beyond `max_service_snap_m` (1000 m) and is dropped; S1 at the same spot is within
/// `max_snap_m` (5000 m) and snaps. Nobody reaches a grocery.
#[test]
fn service_too_far_from_a_road_is_dropped() {
    let (a, b) = (c(15.0, 62.0), c(15.02, 62.0));
    let mut net = Net::default();
    let na = net.node(a);
    let nb = net.node(b);
    net.way(&[na, nb], road(50.0, Direction::Both));
    let ab = hand_road(&[a, b], 50.0);
    let far = c(15.0103, 62.012);
    let f = c(15.0121, 62.0005);
    let hfar = hand_snap(&ab, 0, c(15.0103, 62.0), far);
    assert!(hfar.snap_m > 1000.0 && hfar.snap_m < 5000.0);
    let hs0 = hand_snap(&ab, 0, c(15.0053, 62.0), c(15.0053, 62.0005));
    let hf = hand_snap(&ab, 0, c(15.0121, 62.0), f);
    let r = region(
        net.graph(),
        vec![
            service(1, ServiceKinds::GROCERY, far),
            service(2, ServiceKinds::FUEL, f),
        ],
        vec![
            settlement(10, c(15.0053, 62.0005), None),
            settlement(11, far, None),
        ],
    );
    let an = analyze(&r, &options());
    assert_eq!(an.service_snaps[0], None);
    assert_snap(an.service_snaps[1], 0, &hf, "fuel");
    assert_eq!(an.services_dropped, 1);
    assert_snap(an.settlements[1].snap, 0, &hfar, "S1");
    assert_eq!(an.settlements[1].status, Status::Ok);
    for i in 0..2 {
        assert_eq!(
            result(&an, i, ServiceKind::GROCERY),
            (None, None, None, None)
        );
        assert!(an.settlements[i].kinds[0].gap);
    }
    let to_f = |m: usize| hs0.leg[m] + (hf.before[m] - hs0.before[m]) + hf.leg[m];
    assert_eq!(
        result(&an, 0, ServiceKind::FUEL),
        (Some(to_f(L)), Some(1), Some(to_f(T)), Some(1))
    );
    let grocery = &an.kinds[0];
    assert_eq!(grocery.services, 0);
    assert_eq!(
        (
            grocery.gap_settlements,
            grocery.unreachable,
            grocery.no_road
        ),
        (2, 2, 0)
    );
    assert_eq!(an.kinds[1].services, 1);

    // A larger limit keeps it.
    let mut opts = options();
    opts.max_service_snap_m = 1500.0;
    let an = analyze(&r, &opts);
    assert_snap(an.service_snaps[0], 0, &hfar, "grocery");
    assert_eq!(an.services_dropped, 0);
    assert_eq!(an.kinds[0].services, 1);
    assert_eq!(an.kinds[0].unreachable, 0);
}

// =============================================================================================
// (g) ties go to the service listed first
// =============================================================================================

/// ```text
///               Gw                S                Ge                   lat 62.0005
///  W ======================== O ======================== E             lat 62.0, two-way
///  15.000      15.004       15.010      15.016         15.020
/// ```
/// S sits north of the junction O; Gw and Ge are mirror images: exactly as far by length and by
/// time. Whichever is listed first wins, in both orders; so does the first of two points at
/// one spot.
#[test]
fn ties_go_to_the_lower_index() {
    let (w, o, e) = (c(15.0, 62.0), c(15.01, 62.0), c(15.02, 62.0));
    let mut net = Net::default();
    let nw = net.node(w);
    let no = net.node(o);
    let ne = net.node(e);
    net.way(&[nw, no], road(50.0, Direction::Both));
    net.way(&[no, ne], road(50.0, Direction::Both));
    let wo = hand_road(&[w, o], 50.0);
    let oe = hand_road(&[o, e], 50.0);
    let gw = c(15.004, 62.0005);
    let ge = c(15.016, 62.0005);
    let s = c(15.01, 62.0005);
    let hgw = hand_snap(&wo, 0, c(15.004, 62.0), gw);
    let hge = hand_snap(&oe, 0, c(15.016, 62.0), ge);
    let hs = hand_snap(&oe, 0, o, s); // at O, on either edge: the cost is the same
    let to_w = |m: usize| hs.leg[m] + hgw.after[m] + hgw.leg[m];
    let to_e = |m: usize| hs.leg[m] + hge.before[m] + hge.leg[m];
    for m in [L, T] {
        assert_eq!(to_w(m), to_e(m), "precondition: a tie by hand (metric {m})");
    }

    for (services, label) in [
        (vec![(1, ge), (2, gw)], "east first"),
        (vec![(2, gw), (1, ge)], "west first"),
        (vec![(1, ge), (2, ge)], "same spot"),
        (vec![(2, ge), (1, ge)], "same spot, ids swapped"),
    ] {
        let r = region(
            net.graph(),
            services
                .iter()
                .map(|&(id, p)| service(id, ServiceKinds::GROCERY | ServiceKinds::POST, p))
                .collect(),
            vec![settlement(10, s, None)],
        );
        let an = analyze(&r, &options());
        for kind in [ServiceKind::GROCERY, ServiceKind::POST] {
            assert_eq!(
                result(&an, 0, kind),
                (Some(to_e(L)), Some(0), Some(to_e(T)), Some(0)),
                "{label}"
            );
        }
    }
}

// =============================================================================================
// (h) nearest by km and by minutes differ
// =============================================================================================

/// ```text
///     X (grocery 0)             S                                      Y (grocery 1)
///    15.002                   15.021                                  15.058    lat 62.0005
///  W --------------------- O ============================================== E   lat 62.0
///  15.00   10 km/h         15.02              100 km/h                      15.06
/// ```
/// X is ~1 km away on a slow lane, Y ~1.9 km on a fast road: X is nearest by length, Y by time.
#[test]
fn km_and_minutes_pick_different_services() {
    let (w, o, e) = (c(15.0, 62.0), c(15.02, 62.0), c(15.06, 62.0));
    let mut net = Net::default();
    let nw = net.node(w);
    let no = net.node(o);
    let ne = net.node(e);
    net.way(&[nw, no], road(10.0, Direction::Both));
    net.way(&[no, ne], road(100.0, Direction::Both));
    let graph = net.graph();
    let wo = hand_road(&[w, o], 10.0);
    let oe = hand_road(&[o, e], 100.0);
    assert_edge(&graph, 0, &wo);
    assert_edge(&graph, 1, &oe);
    let x = c(15.002, 62.0005);
    let y = c(15.058, 62.0005);
    let s = c(15.021, 62.0005);
    let hx = hand_snap(&wo, 0, c(15.002, 62.0), x);
    let hy = hand_snap(&oe, 0, c(15.058, 62.0), y);
    let hs = hand_snap(&oe, 0, c(15.021, 62.0), s);
    let r = region(
        graph,
        vec![
            service(1, ServiceKinds::GROCERY, x),
            service(2, ServiceKinds::GROCERY, y),
        ],
        vec![settlement(10, s, None)],
    );
    let to_x = |m: usize| hs.leg[m] + hs.before[m] + hx.after[m] + hx.leg[m];
    let to_y = |m: usize| hs.leg[m] + (hy.before[m] - hs.before[m]) + hy.leg[m];
    assert!(to_x(L) < to_y(L) && to_y(T) < to_x(T), "precondition");

    let an = analyze(&r, &options());
    assert_snap(an.settlements[0].snap, 1, &hs, "settlement");
    assert_eq!(
        result(&an, 0, ServiceKind::GROCERY),
        (Some(to_x(L)), Some(0), Some(to_y(T)), Some(1))
    );
    // The km threshold judges X's km, the minute threshold Y's minutes.
    let mut opts = options();
    opts.thresholds[0] = Threshold {
        value: 1.0,
        unit: Unit::Km,
    };
    assert!(to_x(L) > 10_000);
    assert!(analyze(&r, &opts).settlements[0].kinds[0].gap);
    opts.thresholds[0] = Threshold {
        value: 2.0,
        unit: Unit::Min,
    };
    assert!(to_y(T) < 1200);
    assert!(!analyze(&r, &opts).settlements[0].kinds[0].gap);
}

// =============================================================================================
// Straight lines, mobile points and catchments
// =============================================================================================

/// A road around a lake: the settlements S (west shore) and T (east shore) are a kilometre
/// apart as the crow flies but about five by road. The grocery van V stops on the east shore;
/// the fixed shop F is a little farther east.
///
/// ```text
///   S                 T V   F          (lat 62.0005)
/// L1--L2             R1-------R2       (lat 62.0)
///      |    lake     |
///      |             |
///     SW ----------- SE                (lat 61.98)
/// ```
#[test]
fn straight_line_detour_mobile_and_catchments_around_a_lake() {
    let geometry = [
        c(14.999, 62.0),
        c(15.001, 62.0),
        c(15.001, 61.98),
        c(15.017, 61.98),
        c(15.017, 62.0),
        c(15.03, 62.0),
    ];
    let mut net = Net::default();
    let nodes: Vec<u32> = geometry.iter().map(|&g| net.node(g)).collect();
    net.way(&nodes, road(50.0, Direction::Both));
    let graph = net.graph();
    let edge = hand_road(&geometry, 50.0);
    assert_edge(&graph, 0, &edge);

    let (s, t, v, f) = (
        c(15.0, 62.0005),
        c(15.0183, 62.0005),
        c(15.0201, 62.0005),
        c(15.0252, 62.0005),
    );
    let foot = |p: Coord| c(p.lon(), 62.0);
    let (hs, ht) = (
        hand_snap(&edge, 0, foot(s), s),
        hand_snap(&edge, 4, foot(t), t),
    );
    let (hv, hf) = (
        hand_snap(&edge, 4, foot(v), v),
        hand_snap(&edge, 4, foot(f), f),
    );
    let mut van = service(1, ServiceKinds::GROCERY, v);
    van.mobile = true;
    let shop = service(2, ServiceKinds::GROCERY | ServiceKinds::POST, f);
    let r = region(
        graph,
        vec![van, shop],
        vec![settlement(10, s, Some(40)), settlement(11, t, Some(25))],
    );
    let an = analyze(&r, &options());
    let g = kind_index(ServiceKind::GROCERY);
    let post = kind_index(ServiceKind::POST);
    let road =
        |from: &HandSnap, to: &HandSnap| from.leg[L] + (to.before[L] - from.before[L]) + to.leg[L];

    // Both settlements are nearest to the van, by road and in a straight line.
    assert_eq!(an.settlements[0].kinds[g].length_dm, Some(road(&hs, &hv)));
    assert_eq!(an.settlements[1].kinds[g].length_dm, Some(road(&ht, &hv)));
    for (i, p) in [s, t].into_iter().enumerate() {
        let line = an.settlements[i].line[g].unwrap_or_else(|| panic!("{i}: no line"));
        assert_eq!(line.nearest, 0, "{i}");
        assert_eq!(
            line.length_dm,
            round_checked(distance_m(p, v) * 10.0),
            "{i}"
        );
        // Post is offered by the shop only.
        let line = an.settlements[i].line[post].unwrap_or_else(|| panic!("{i}: no line"));
        assert_eq!(
            (line.nearest, line.length_dm),
            (1, round_checked(distance_m(p, f) * 10.0))
        );
    }
    // The lake: S's road is about five times its straight line.
    let detour_s = an.settlements[0]
        .detour(g)
        .unwrap_or_else(|| panic!("detour"));
    assert_eq!(
        detour_s,
        f64::from(road(&hs, &hv)) / f64::from(round_checked(distance_m(s, v) * 10.0))
    );
    assert!(detour_s > 4.0, "{detour_s}");
    let detour_t = an.settlements[1]
        .detour(g)
        .unwrap_or_else(|| panic!("detour"));
    assert_eq!(
        detour_t,
        f64::from(road(&ht, &hv)) / f64::from(round_checked(distance_m(t, v) * 10.0))
    );
    // T's detour is only the two 55 m snap legs on a 94 m straight line.
    assert!((2.0..2.5).contains(&detour_t), "{detour_t}");

    // Without the van, both go to the shop; only grocery has figures without mobile points.
    assert_eq!(an.mobile_kinds, ServiceKinds::GROCERY);
    for (i, h) in [hs, ht].iter().enumerate() {
        let fixed = an.settlements[i].without_mobile[g].unwrap_or_else(|| panic!("{i}"));
        assert_eq!(
            (fixed.length_dm, fixed.nearest_by_length),
            (Some(road(h, &hf)), Some(1))
        );
        assert_eq!(fixed.gap, road(h, &hf) > 100_000, "{i}");
        assert!(an.settlements[i].without_mobile[post].is_none());
    }
    let summary = &an.kinds[g];
    let fixed = summary
        .without_mobile
        .as_ref()
        .unwrap_or_else(|| panic!("summary"));
    assert_eq!((summary.services, fixed.services), (2, 1));
    assert!(an.kinds[post].without_mobile.is_none());

    // Catchments: the van serves both settlements (65 people), the shop none for grocery and
    // both for post.
    let catchments = servicegap::analysis::catchments(&r, &an);
    let both = servicegap::analysis::Catchment {
        settlements_km: 2,
        population_km: 65,
        settlements_min: 2,
        population_min: 65,
    };
    assert_eq!(catchments[0][g], Some(both));
    assert_eq!(catchments[0][post], None);
    assert_eq!(catchments[1][g], Some(Default::default()));
    assert_eq!(catchments[1][post], Some(both));
}
