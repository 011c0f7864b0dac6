//! Integration tests on the hand-made OSM fixtures in `tests/fixtures/` (see its README.md).
//!
//! Every fixture is read from its `.osm.pbf` through the public API ([`Region::from_pbf`]).
//! Expected lengths are computed from the node coordinates in the fixture's `.osm` source (the
//! source of truth the `.pbf` was made from) with [`distance_m`], summed over the segments of
//! each edge, and compared exactly after the rounding the graph uses: `length_dm =
//! round(metres * 10)`, `time_ds = round(seconds * 10)` with `seconds = metres / (kmh / 3.6)` for
//! roads and `(duration_s or metres / (10 km/h)) + 600 s boarding` for car ferries.
//!
//! The library's documented rules (`src/profile.rs` module docs, the `ReadStats` docs in
//! `src/osm.rs`) are the contract: where the README leaves something open (its "Ambiguities"),
//! the expectation follows those docs.

use servicegap::base::coord::{distance_m, Coord};
use servicegap::base::feature::{ElementType, OsmId, Place};
use servicegap::network::graph::{Csr, Graph, NodeIdx};
use servicegap::network::region::Region;
use servicegap::read::profile::class_name;
use servicegap::{ServiceKind, ServiceKinds};
use std::collections::{BTreeMap, BTreeSet};

use crate::util::{fixture, node, rel, tenths, way};

// =============================================================================================
// Helpers
// =============================================================================================

/// One fixture: the region read from its `.osm.pbf` and the node coordinates of its `.osm`.
struct Fixture {
    name: &'static str,
    region: Region,
    coords: BTreeMap<i64, Coord>,
}

impl Fixture {
    /// Reads `tests/fixtures/<name>.osm.pbf` and the coordinates of `<name>.osm`.
    fn load(name: &'static str) -> Self {
        let pbf = fixture(&format!("{name}.osm.pbf"));
        let region =
            servicegap::open::read_pbf(&pbf, &servicegap::read::profile::Profile::default())
                .unwrap_or_else(|e| panic!("{name}: cannot read {}: {e}", pbf.display()));
        let xml_path = fixture(&format!("{name}.osm"));
        let xml = std::fs::read_to_string(&xml_path)
            .unwrap_or_else(|e| panic!("{name}: cannot read {}: {e}", xml_path.display()));
        Fixture {
            name,
            region,
            coords: osm_node_coords(&xml),
        }
    }

    fn graph(&self) -> &Graph {
        &self.region.graph
    }

    /// Coordinate of an OSM node as written in the `.osm` source.
    fn coord(&self, id: i64) -> Coord {
        *self
            .coords
            .get(&id)
            .unwrap_or_else(|| panic!("{}: node {id} is not in the .osm file", self.name))
    }

    /// Length in metres of a polyline through OSM nodes, summed segment by segment in order.
    fn length_m(&self, nodes: &[i64]) -> f64 {
        nodes.windows(2).fold(0.0, |acc, w| {
            acc + distance_m(self.coord(w[0]), self.coord(w[1]))
        })
    }
}

/// The value of attribute `key` in one XML start tag.
fn xml_attr<'a>(element: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!(" {key}=\"");
    let start = element.find(&pattern)? + pattern.len();
    let len = element[start..].find('"')?;
    Some(&element[start..start + len])
}

/// `id -> (lon, lat)` of every `<node>` in an OSM XML file (the fixtures are simple enough for
/// a plain text scan).
fn osm_node_coords(xml: &str) -> BTreeMap<i64, Coord> {
    let mut out = BTreeMap::new();
    for (pos, _) in xml.match_indices("<node ") {
        let rest = &xml[pos..];
        let element = &rest[..rest.find('>').unwrap_or(rest.len())];
        let number =
            |key: &str| xml_attr(element, key).unwrap_or_else(|| panic!("no {key} in {element}"));
        let id: i64 = number("id")
            .parse()
            .unwrap_or_else(|e| panic!("bad id in {element}: {e}"));
        let degrees = |key: &str| -> f64 {
            number(key)
                .parse()
                .unwrap_or_else(|e| panic!("bad {key} in {element}: {e}"))
        };
        out.insert(id, Coord::from_degrees(degrees("lon"), degrees("lat")));
    }
    out
}

/// `30 mph` in km/h, computed as the maxspeed rule does.
const MPH_30: f64 = 30.0 * 1.609_344;

/// Speed of a car ferry without a usable `duration` (rules: 10 km/h).
const FERRY_FALLBACK_KMH: f64 = 10.0;
/// Waiting and boarding time added to every car ferry way (rules: 600 s).
const FERRY_BOARDING_S: f64 = 600.0;

/// Allowed direction of a way relative to its node order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Both,
    Fwd,
    Bwd,
}

/// How an edge's car time is computed.
#[derive(Clone, Copy, Debug)]
enum Cost {
    /// A road at this speed (km/h).
    Road(f64),
    /// A car ferry with this parsed `duration` (seconds), or none (10 km/h fallback).
    Ferry(Option<u32>),
}

/// One expected edge.
#[derive(Clone, Debug)]
struct ExpEdge {
    way: i64,
    /// Geometry in stored direction: `nodes[0]` is `from`, the last node is `to`.
    nodes: Vec<i64>,
    oneway: bool,
    /// `highway` value, or `"ferry"`.
    class: &'static str,
    cost: Cost,
}

/// An edge of road way `way` whose nodes are given in the way's own order; a backward oneway is
/// expected to be stored reversed (from the way's last node to its first).
fn road(way: i64, nodes: &[i64], class: &'static str, kmh: f64, dir: Dir) -> ExpEdge {
    let mut nodes = nodes.to_vec();
    if dir == Dir::Bwd {
        nodes.reverse();
    }
    ExpEdge {
        way,
        nodes,
        oneway: dir != Dir::Both,
        class,
        cost: Cost::Road(kmh),
    }
}

/// A car ferry edge, nodes in the way's order.
fn ferry(way: i64, nodes: &[i64], dir: Dir, duration_s: Option<u32>) -> ExpEdge {
    let mut nodes = nodes.to_vec();
    if dir == Dir::Bwd {
        nodes.reverse();
    }
    ExpEdge {
        way,
        nodes,
        oneway: dir != Dir::Both,
        class: "ferry",
        cost: Cost::Ferry(duration_s),
    }
}

/// Expected `(length_dm, time_ds)` of an edge, from the fixture's coordinates.
fn expected_cost(fx: &Fixture, e: &ExpEdge) -> (u32, u32) {
    let metres = fx.length_m(&e.nodes);
    let seconds = match e.cost {
        Cost::Road(kmh) => metres / (kmh / 3.6),
        Cost::Ferry(duration) => {
            duration.map_or(metres / (FERRY_FALLBACK_KMH / 3.6), f64::from) + FERRY_BOARDING_S
        }
    };
    (tenths(metres), tenths(seconds))
}

/// OSM ids of all graph nodes.
fn graph_node_ids(graph: &Graph) -> BTreeSet<i64> {
    (0..graph.node_count())
        .map(|i| graph.osm_id(NodeIdx(i as u32)))
        .collect()
}

/// The graph node with this OSM id.
fn node_idx(graph: &Graph, osm_id: i64) -> NodeIdx {
    (0..graph.node_count())
        .map(|i| NodeIdx(i as u32))
        .find(|&n| graph.osm_id(n) == osm_id)
        .unwrap_or_else(|| panic!("node {osm_id} is not a graph node"))
}

/// Ids of the OSM ways present as edges.
fn edge_way_ids(graph: &Graph) -> BTreeSet<i64> {
    graph.edges().iter().map(|e| e.way_id).collect()
}

/// Indices of the edges built from one OSM way.
fn edges_of_way(graph: &Graph, way_id: i64) -> Vec<usize> {
    (0..graph.edges().len())
        .filter(|&i| graph.edges()[i].way_id == way_id)
        .collect()
}

/// Whether `csr` holds, at `at`, an arc of edge `edge` to `other`.
fn has_arc(csr: &Csr, at: NodeIdx, other: NodeIdx, edge: usize) -> bool {
    csr.arcs(at)
        .any(|a| a.edge as usize == edge && a.node == other)
}

/// Number of forward arcs per edge index.
fn arcs_per_edge(graph: &Graph) -> Vec<usize> {
    let mut count = vec![0usize; graph.edges().len()];
    for n in 0..graph.node_count() {
        for arc in graph.forward().arcs(NodeIdx(n as u32)) {
            count[arc.edge as usize] += 1;
        }
    }
    count
}

/// Checks the whole graph of a fixture: exactly these graph nodes (by OSM id, at their
/// coordinates), exactly these edges (way, from, to, geometry, oneway, class, length, time) and
/// the arcs each edge yields (2 for a two-way edge, 1 from `from` to `to` for a oneway).
fn check_graph(fx: &Fixture, nodes: &[i64], edges: &[ExpEdge]) {
    let name = fx.name;
    let graph = fx.graph();

    // Graph nodes.
    let expected_nodes: BTreeSet<i64> = nodes.iter().copied().collect();
    assert_eq!(
        expected_nodes.len(),
        nodes.len(),
        "{name}: duplicate expected node"
    );
    assert_eq!(graph_node_ids(graph), expected_nodes, "{name}: graph nodes");
    assert_eq!(graph.node_count(), nodes.len(), "{name}: node count");
    for i in 0..graph.node_count() {
        let n = NodeIdx(i as u32);
        let id = graph.osm_id(n);
        assert_eq!(
            graph.coord(n),
            fx.coord(id),
            "{name}: coordinate of node {id}"
        );
    }

    // Ways present as edges.
    let expected_ways: BTreeSet<i64> = edges.iter().map(|e| e.way).collect();
    assert_eq!(
        edge_way_ids(graph),
        expected_ways,
        "{name}: ways in the graph"
    );
    for &w in &expected_ways {
        let want = edges.iter().filter(|e| e.way == w).count();
        assert_eq!(
            edges_of_way(graph, w).len(),
            want,
            "{name}: number of edges of way {w}"
        );
    }

    // Edges.
    assert_eq!(graph.edges().len(), edges.len(), "{name}: edge count");
    let arc_counts = arcs_per_edge(graph);
    let mut used = vec![false; graph.edges().len()];
    for exp in edges {
        let label = format!("{name}: way {} edge {:?}", exp.way, exp.nodes);
        let geometry: Vec<Coord> = exp.nodes.iter().map(|&id| fx.coord(id)).collect();
        let first = exp.nodes[0];
        let last = exp.nodes[exp.nodes.len() - 1];
        let found = edges_of_way(graph, exp.way).into_iter().find(|&i| {
            let e = &graph.edges()[i];
            !used[i]
                && graph.osm_id(e.from) == first
                && graph.osm_id(e.to) == last
                && graph.edge_geometry(i) == geometry.as_slice()
        });
        let Some(i) = found else {
            let actual: Vec<(i64, i64, usize)> = edges_of_way(graph, exp.way)
                .into_iter()
                .map(|i| {
                    let e = &graph.edges()[i];
                    (
                        graph.osm_id(e.from),
                        graph.osm_id(e.to),
                        graph.edge_geometry(i).len(),
                    )
                })
                .collect();
            panic!("{label}: no such edge (from, to, geometry length) in graph: {actual:?}");
        };
        used[i] = true;
        let e = &graph.edges()[i];
        let (length_dm, time_ds) = expected_cost(fx, exp);
        assert_eq!(e.oneway, exp.oneway, "{label}: oneway");
        assert_eq!(class_name(e.class), exp.class, "{label}: class");
        assert_eq!(e.is_ferry(), exp.class == "ferry", "{label}: is_ferry");
        assert_eq!(e.length_dm, length_dm, "{label}: length_dm");
        assert_eq!(e.time_ds, time_ds, "{label}: time_ds ({:?})", exp.cost);

        // Arcs: from -> to always; to -> from only on two-way edges; the reverse CSR mirrors it.
        let expected_arcs = if exp.oneway { 1 } else { 2 };
        assert_eq!(arc_counts[i], expected_arcs, "{label}: arcs");
        assert!(
            has_arc(graph.forward(), e.from, e.to, i),
            "{label}: forward arc from -> to"
        );
        assert!(
            has_arc(graph.reverse(), e.to, e.from, i),
            "{label}: reverse arc to <- from"
        );
        assert_eq!(
            has_arc(graph.forward(), e.to, e.from, i),
            !exp.oneway,
            "{label}: forward arc to -> from"
        );
        assert_eq!(
            has_arc(graph.reverse(), e.from, e.to, i),
            !exp.oneway,
            "{label}: reverse arc from <- to"
        );
        for n in [e.from, e.to] {
            for arc in graph.forward().arcs(n).filter(|a| a.edge as usize == i) {
                assert_eq!(arc.length_dm, length_dm, "{label}: arc length");
                assert_eq!(arc.time_ds, time_ds, "{label}: arc time");
            }
        }
    }
    let total_arcs: usize = edges.iter().map(|e| if e.oneway { 1 } else { 2 }).sum();
    assert_eq!(graph.arc_count(), total_arcs, "{name}: arc count");
    assert_eq!(
        graph.reverse().len(),
        total_arcs,
        "{name}: reverse arc count"
    );
}

/// The README's key numbers for a fixture.
fn check_totals(fx: &Fixture, nodes: usize, edges: usize, arcs: usize) {
    let g = fx.graph();
    assert_eq!(g.node_count(), nodes, "{}: graph nodes", fx.name);
    assert_eq!(g.edges().len(), edges, "{}: edges", fx.name);
    assert_eq!(g.arc_count(), arcs, "{}: arcs", fx.name);
}

/// Counts of elements in the file (as `osmium fileinfo -e` reports) and of car-usable ways.
fn check_file_counts(fx: &Fixture, counts: (u64, u64, u64), road_ways: u64, ferry_ways: u64) {
    let s = &fx.region.read_stats;
    assert_eq!(
        (s.nodes, s.ways, s.relations),
        counts,
        "{}: nodes/ways/relations",
        fx.name
    );
    assert_eq!(s.road_ways, road_ways, "{}: road_ways", fx.name);
    assert_eq!(s.ferry_ways, ferry_ways, "{}: ferry_ways", fx.name);
}

/// A referentially complete file: nothing missing, cut or dropped.
fn check_complete(fx: &Fixture) {
    let s = &fx.region.read_stats;
    assert_eq!(s.missing_node_refs, 0, "{}: missing_node_refs", fx.name);
    assert_eq!(
        s.ways_with_missing_nodes, 0,
        "{}: ways_with_missing_nodes",
        fx.name
    );
    assert_eq!(s.road_pieces_dropped, 0, "{}: road_pieces_dropped", fx.name);
    assert_eq!(
        s.areas_without_location, 0,
        "{}: areas_without_location",
        fx.name
    );
}

/// Component sizes, largest first.
fn check_components(fx: &Fixture, sizes: &[u32]) {
    assert_eq!(
        fx.graph().component_sizes(),
        sizes,
        "{}: components",
        fx.name
    );
}

/// Asserts that a point lies inside the bounding box of some OSM nodes (an area's ring).
fn assert_inside(fx: &Fixture, label: &str, c: Coord, ring: &[i64]) {
    let pts: Vec<Coord> = ring.iter().map(|&id| fx.coord(id)).collect();
    let lon = (
        pts.iter().map(|p| p.lon_e7).min(),
        pts.iter().map(|p| p.lon_e7).max(),
    );
    let lat = (
        pts.iter().map(|p| p.lat_e7).min(),
        pts.iter().map(|p| p.lat_e7).max(),
    );
    let inside = lon.0.is_some_and(|min| c.lon_e7 >= min)
        && lon.1.is_some_and(|max| c.lon_e7 <= max)
        && lat.0.is_some_and(|min| c.lat_e7 >= min)
        && lat.1.is_some_and(|max| c.lat_e7 <= max);
    assert!(
        inside,
        "{label}: location {c:?} is not inside ring {ring:?}"
    );
}

fn kinds_of(list: &[ServiceKind]) -> ServiceKinds {
    list.iter()
        .fold(ServiceKinds::EMPTY, |acc, &k| acc | ServiceKinds::of(k))
}

// =============================================================================================
// 1. roads.osm — highway classes, access, maxspeed, topology
// =============================================================================================
//
// Part A: topology (ways W1-W10, nodes 1-19)
//
// lat        lon 15.000 15.002 15.004 15.006 15.008 15.010 15.012 15.014 15.016 15.018
// 62.002                                          [10]
//                                                  |  W5 (residential)
// 62.001               13                          9      12     16 ---- [15] ---- [17]
//                      : W7 cycleway               |      : W6   |   W8   |   W9 service
// 62.000      [1] ---- 2 ---- [3] --- [4] --- [5] --- [6] --- 7 ---- [8] --- 14
//              W1 primary       W2 sec.   W3 ter.      W4 residential    W8 = closed loop 8-14-15-16-8
// 61.999                              18 ----- 19             11
//                                     (W10 = pedestrian area=yes ring 4-5-19-18-4)
// [n] = graph node; plain n = shape node or node of a non-routable way; all edges two-way.
//
// Part B: tag ladder — isolated straight 2-node ways W(100g+r) = [a, a+1] with
// a = 1000g + 2r, west -> east, ~157 m, touching nothing:
//
//   [a] <-------> [a+1]   routable two-way way: 2 graph nodes, 1 edge, 2 arcs
//   [a] --------> [a+1]   W101 motorway: implied oneway, 1 arc
//    a    xxxxx    a+1    not routable: no edge, a and a+1 are no graph nodes

/// (way, tags, `None` = not routable or `Some((highway class, expected km/h))`).
type RoadRule = (i64, &'static str, Option<(&'static str, f64)>);

/// The Part B ladder of roads.osm. Only W101 (motorway, implied oneway) is a oneway.
const ROAD_LADDER: &[RoadRule] = &[
    // g = 1: highway classes and their default speeds.
    (101, "highway=motorway", Some(("motorway", 110.0))),
    (102, "highway=motorway_link", Some(("motorway_link", 60.0))),
    (103, "highway=trunk", Some(("trunk", 90.0))),
    (104, "highway=trunk_link", Some(("trunk_link", 60.0))),
    (105, "highway=primary", Some(("primary", 80.0))),
    (106, "highway=primary_link", Some(("primary_link", 60.0))),
    (107, "highway=secondary", Some(("secondary", 70.0))),
    (
        108,
        "highway=secondary_link",
        Some(("secondary_link", 50.0)),
    ),
    (109, "highway=tertiary", Some(("tertiary", 60.0))),
    (110, "highway=tertiary_link", Some(("tertiary_link", 50.0))),
    (111, "highway=unclassified", Some(("unclassified", 50.0))),
    (112, "highway=residential", Some(("residential", 30.0))),
    (113, "highway=living_street", Some(("living_street", 10.0))),
    (114, "highway=service", Some(("service", 20.0))),
    (115, "highway=road", Some(("road", 40.0))),
    (116, "highway=footway", None),
    (117, "highway=cycleway", None),
    (118, "highway=path", None),
    (119, "highway=pedestrian", None),
    (120, "highway=steps", None),
    (121, "highway=bridleway", None),
    (122, "highway=construction construction=residential", None),
    (123, "highway=proposed proposed=primary", None),
    (124, "highway=platform", None),
    (125, "highway=busway", None),
    (126, "highway=bus_guideway", None),
    (127, "highway=raceway", None),
    (128, "highway=service area=yes (closed square)", None),
    // g = 2: maxspeed on highway=tertiary (default 60).
    (201, "maxspeed=70", Some(("tertiary", 70.0))),
    (202, "maxspeed=50 km/h", Some(("tertiary", 50.0))),
    (203, "maxspeed=30 mph", Some(("tertiary", MPH_30))),
    (204, "maxspeed=SE:urban", Some(("tertiary", 50.0))),
    (205, "maxspeed=SE:rural", Some(("tertiary", 70.0))),
    (206, "maxspeed=SE:motorway", Some(("tertiary", 110.0))),
    (207, "maxspeed=none", Some(("tertiary", 60.0))),
    (208, "maxspeed=walk", Some(("tertiary", 6.0))),
    (209, "maxspeed=50;30", Some(("tertiary", 30.0))),
    (210, "maxspeed=fast", Some(("tertiary", 60.0))),
    (211, "maxspeed=SE:motorroad", Some(("tertiary", 60.0))),
    (212, "maxspeed=DE:urban", Some(("tertiary", 50.0))),
    (213, "maxspeed=DE:rural", Some(("tertiary", 100.0))),
    (214, "maxspeed=DE:motorway", Some(("tertiary", 60.0))),
    // g = 3: access on highway=residential (default 30).
    (301, "access=private", None),
    (302, "access=no motorcar=yes", Some(("residential", 30.0))),
    (
        303,
        "motor_vehicle=destination",
        Some(("residential", 30.0)),
    ),
    (304, "access=agricultural", None),
    (305, "vehicle=no", None),
    (306, "access=forestry", None),
    (307, "access=delivery", None),
    (308, "access=military", None),
    (309, "access=emergency", None),
    (310, "access=permit", None),
    (311, "access=no", None),
    (312, "access=yes motor_vehicle=no", None),
    (313, "motor_vehicle=yes motorcar=private", None),
    (
        314,
        "vehicle=no motor_vehicle=yes",
        Some(("residential", 30.0)),
    ),
    (315, "access=permissive", Some(("residential", 30.0))),
    (316, "access=customers", Some(("residential", 30.0))),
    (317, "access=discouraged", Some(("residential", 30.0))),
    (318, "access=unknown", Some(("residential", 30.0))),
    (319, "access=designated", Some(("residential", 30.0))),
    (320, "access=yes", Some(("residential", 30.0))),
    (321, "motorcar=no access=yes", None),
    // g = 4: highway=track (default 20, needs explicit car access).
    (401, "highway=track", None),
    (402, "track motor_vehicle=yes", Some(("track", 20.0))),
    (403, "track access=yes", Some(("track", 20.0))),
    (404, "track motorcar=destination", Some(("track", 20.0))),
    (405, "track motorcar=designated", Some(("track", 20.0))),
    (406, "track motor_vehicle=permissive", Some(("track", 20.0))),
    (407, "track motor_vehicle=customers", Some(("track", 20.0))),
    (408, "track access=discouraged", None),
    (409, "track access=unknown", None),
    (410, "track tracktype=grade1", None),
    (
        411,
        "track motor_vehicle=yes maxspeed=40",
        Some(("track", 40.0)),
    ),
    (
        412,
        "track access=no motor_vehicle=yes",
        Some(("track", 20.0)),
    ),
    (413, "track motor_vehicle=forestry", None),
    (414, "track access=private", None),
];

/// First node of ladder way `W(100g + r)`: `1000g + 2r` (the second node is the next id).
fn ladder_first_node(way: i64) -> i64 {
    1000 * (way / 100) + 2 * (way % 100)
}

/// Part A of roads.osm: the graph nodes and edges of the topology part.
fn roads_part_a() -> (Vec<i64>, Vec<ExpEdge>) {
    let nodes = vec![1, 3, 4, 5, 6, 8, 10, 15, 17];
    let edges = vec![
        // Chain of three ways end to end; 2 is a shape node of W1 (W7 cycleway ends there).
        road(1, &[1, 2, 3], "primary", 80.0, Dir::Both),
        road(2, &[3, 4], "secondary", 70.0, Dir::Both),
        road(3, &[4, 5], "tertiary", 60.0, Dir::Both),
        // W4 is split at the T junction 6 (where W5 starts); 7 (footway W6 crossing) is a shape
        // node.
        road(4, &[5, 6], "residential", 30.0, Dir::Both),
        road(4, &[6, 7, 8], "residential", 30.0, Dir::Both),
        // T branch with shape node 9, dead end 10.
        road(5, &[6, 9, 10], "residential", 30.0, Dir::Both),
        // Closed loop [8,14,15,16,8] split at 15 (where W9 attaches): two parallel edges.
        road(8, &[8, 14, 15], "residential", 30.0, Dir::Both),
        road(8, &[15, 16, 8], "residential", 30.0, Dir::Both),
        road(9, &[15, 17], "service", 20.0, Dir::Both),
    ];
    (nodes, edges)
}

#[test]
fn roads_topology_part_a() {
    let fx = Fixture::load("roads");
    let g = fx.graph();
    let (nodes, edges) = roads_part_a();
    assert_eq!((nodes.len(), edges.len()), (9, 9));
    let present = graph_node_ids(g);
    for n in &nodes {
        assert!(present.contains(n), "roads: node {n} must be a graph node");
    }
    // Shape nodes and nodes of non-routable ways are no graph nodes.
    for n in [2, 7, 9, 11, 12, 13, 14, 16, 18, 19] {
        assert!(
            !present.contains(&n),
            "roads: node {n} must not be a graph node"
        );
    }
    // Non-routable: W6 footway, W7 cycleway, W10 pedestrian area=yes.
    let ways = edge_way_ids(g);
    for w in [6, 7, 10] {
        assert!(!ways.contains(&w), "roads: W{w} must not be routable");
    }
    // The loop gives two parallel edges between 8 and 15 with equal lengths, both kept.
    let loop_edges = edges_of_way(g, 8);
    assert_eq!(loop_edges.len(), 2);
    let (n8, n15) = (node_idx(g, 8), node_idx(g, 15));
    for &i in &loop_edges {
        let e = &g.edges()[i];
        let ends = BTreeSet::from([e.from, e.to]);
        assert_eq!(ends, BTreeSet::from([n8, n15]));
    }
    assert_eq!(
        g.edges()[loop_edges[0]].length_dm,
        g.edges()[loop_edges[1]].length_dm
    );
    // Part A is one strongly connected component of 9 nodes (all edges two-way).
    let comp = g.component(n8);
    for n in &nodes {
        assert_eq!(
            g.component(node_idx(g, *n)),
            comp,
            "roads: component of {n}"
        );
    }
}

#[test]
fn roads_full_graph() {
    let fx = Fixture::load("roads");
    let (mut nodes, mut edges) = roads_part_a();
    let mut routable = 0;
    let mut not_routable = 0;
    for &(w, tags, expected) in ROAD_LADDER {
        let a = ladder_first_node(w);
        match expected {
            Some((class, kmh)) => {
                routable += 1;
                let dir = if w == 101 { Dir::Fwd } else { Dir::Both };
                nodes.extend([a, a + 1]);
                edges.push(road(w, &[a, a + 1], class, kmh, dir));
            }
            None => {
                not_routable += 1;
                assert!(
                    edges_of_way(fx.graph(), w).is_empty(),
                    "roads: W{w} ({tags}) must not be routable"
                );
            }
        }
    }
    // README: 46 routable ladder ways, 31 not routable (+ W6, W7, W10 in part A = 34).
    assert_eq!((routable, not_routable), (46, 31));
    check_graph(&fx, &nodes, &edges);
    check_totals(&fx, 101, 55, 109);
    check_file_counts(&fx, (175, 87, 0), 53, 0);
    check_complete(&fx);
    // Part A (9 nodes), 45 two-way ladder ways (2 nodes each), W101's two ends (oneway).
    let mut sizes = vec![9];
    sizes.extend([2; 45]);
    sizes.extend([1; 2]);
    check_components(&fx, &sizes);
    assert!(fx.region.services.is_empty() && fx.region.settlements.is_empty());
}

/// Each ladder way checked on its own, so a failing rule names its way and tags.
#[test]
fn roads_tag_ladder_rules() {
    let fx = Fixture::load("roads");
    let g = fx.graph();
    let present = graph_node_ids(g);
    let arc_counts = arcs_per_edge(g);
    for &(w, tags, expected) in ROAD_LADDER {
        let a = ladder_first_node(w);
        let edges = edges_of_way(g, w);
        match expected {
            None => {
                assert!(edges.is_empty(), "W{w} ({tags}): must not be routable");
                assert!(
                    !present.contains(&a) && !present.contains(&(a + 1)),
                    "W{w} ({tags}): its nodes must not be graph nodes"
                );
            }
            Some((class, kmh)) => {
                assert_eq!(edges.len(), 1, "W{w} ({tags}): one edge");
                let i = edges[0];
                let e = &g.edges()[i];
                assert_eq!(class_name(e.class), class, "W{w} ({tags}): class");
                let metres = fx.length_m(&[a, a + 1]);
                assert_eq!(
                    e.time_ds,
                    tenths(metres / (kmh / 3.6)),
                    "W{w} ({tags}): time at {kmh} km/h"
                );
                let arcs = if w == 101 { 1 } else { 2 };
                assert_eq!(arc_counts[i], arcs, "W{w} ({tags}): arcs");
                assert_eq!(
                    (g.osm_id(e.from), g.osm_id(e.to)),
                    (a, a + 1),
                    "W{w} ({tags}): direction"
                );
            }
        }
    }
}

// =============================================================================================
// 2. oneway.osm — oneway rules and a roundabout
// =============================================================================================
//
// Arrows point in the direction of the allowed arc(s). "Forward" = from the way's first node
// (west) to its last node (east).
//
// lat      lon 15.000 ........ 15.003
// 62.0090   [1036] ---^----> [1038]   W118 highway=primary junction=circular
// 62.0085    1034    xxxxx    1035    W117 highway=motorway oneway=reversible
// 62.0080   [1032] <-------> [1033]   W116 highway=residential
// 62.0075   [1030] <-------> [1031]   W115 highway=tertiary junction=roundabout oneway=no
// 62.0070   [1028] <-------> [1029]   W114 highway=motorway_link
// 62.0065   [1026] <-------> [1027]   W113 highway=residential oneway=alternating
// 62.0060    1024    xxxxx    1025    W112 highway=residential oneway=reversible
// 62.0055   [1022] <-------- [1023]   W111 highway=motorway oneway=-1
// 62.0050   [1020] --------> [1021]   W110 highway=motorway
// 62.0045   [1018] <-------> [1019]   W109 highway=motorway oneway=no
// 62.0040   [1016] <-------> [1017]   W108 highway=residential oneway=0
// 62.0035   [1014] <-------> [1015]   W107 highway=residential oneway=false
// 62.0030   [1012] <-------> [1013]   W106 highway=residential oneway=no
// 62.0025   [1010] <-------- [1011]   W105 highway=residential oneway=reverse
// 62.0020   [1008] <-------- [1009]   W104 highway=residential oneway=-1
// 62.0015   [1006] --------> [1007]   W103 highway=residential oneway=true
// 62.0010   [1004] --------> [1005]   W102 highway=residential oneway=1
// 62.0005   [1002] --------> [1003]   W101 highway=residential oneway=yes
// (W118 has a shape node 1037 in the middle, slightly north.)
//
// Roundabout (centre 15.020, 62.003):
//
//                          [213]
//                           /  W223
//                  206 -- [205]
//                 /          \
//   [211] ---- [201]          204        ring W200 = [201,202,203,204,205,206,201]
//      W221       \          /           junction=roundabout, highway=primary, no oneway tag
//                  202 -- [203]          -> implied oneway, counter-clockwise:
//                           \  W222        201 -> 202 -> 203 -> 204 -> 205 -> 206 -> 201
//                          [212]

/// (way, tags, `None` = excluded or `Some((highway class, km/h, direction))`).
type OnewayRule = (i64, &'static str, Option<(&'static str, f64, Dir)>);

/// The oneway ladder. Way `W(100 + r)` runs from node `1000 + 2r` (west) to `1001 + 2r` (east).
const ONEWAY_LADDER: &[OnewayRule] = &[
    (
        101,
        "residential oneway=yes",
        Some(("residential", 30.0, Dir::Fwd)),
    ),
    (
        102,
        "residential oneway=1",
        Some(("residential", 30.0, Dir::Fwd)),
    ),
    (
        103,
        "residential oneway=true",
        Some(("residential", 30.0, Dir::Fwd)),
    ),
    (
        104,
        "residential oneway=-1",
        Some(("residential", 30.0, Dir::Bwd)),
    ),
    (
        105,
        "residential oneway=reverse",
        Some(("residential", 30.0, Dir::Bwd)),
    ),
    (
        106,
        "residential oneway=no",
        Some(("residential", 30.0, Dir::Both)),
    ),
    (
        107,
        "residential oneway=false",
        Some(("residential", 30.0, Dir::Both)),
    ),
    (
        108,
        "residential oneway=0",
        Some(("residential", 30.0, Dir::Both)),
    ),
    (
        109,
        "motorway oneway=no",
        Some(("motorway", 110.0, Dir::Both)),
    ),
    (
        110,
        "motorway (implied oneway)",
        Some(("motorway", 110.0, Dir::Fwd)),
    ),
    (
        111,
        "motorway oneway=-1",
        Some(("motorway", 110.0, Dir::Bwd)),
    ),
    (112, "residential oneway=reversible", None),
    (
        113,
        "residential oneway=alternating",
        Some(("residential", 30.0, Dir::Both)),
    ),
    (
        114,
        "motorway_link (no implied oneway)",
        Some(("motorway_link", 60.0, Dir::Both)),
    ),
    (
        115,
        "tertiary junction=roundabout oneway=no",
        Some(("tertiary", 60.0, Dir::Both)),
    ),
    (116, "residential", Some(("residential", 30.0, Dir::Both))),
    (117, "motorway oneway=reversible", None),
    (
        118,
        "primary junction=circular (implied oneway)",
        Some(("primary", 80.0, Dir::Fwd)),
    ),
];

/// Nodes of oneway ladder way `w`, in way order.
fn oneway_ladder_nodes(w: i64) -> Vec<i64> {
    if w == 118 {
        return vec![1036, 1037, 1038];
    }
    let a = 1000 + 2 * (w - 100);
    vec![a, a + 1]
}

#[test]
fn oneway_graph() {
    let fx = Fixture::load("oneway");
    let mut nodes = vec![201, 203, 205, 211, 212, 213];
    let mut edges = vec![
        // The ring is cut at its graph nodes; every piece is a oneway in node order.
        road(200, &[201, 202, 203], "primary", 80.0, Dir::Fwd),
        road(200, &[203, 204, 205], "primary", 80.0, Dir::Fwd),
        road(200, &[205, 206, 201], "primary", 80.0, Dir::Fwd),
        road(221, &[211, 201], "residential", 30.0, Dir::Both),
        road(222, &[203, 212], "residential", 30.0, Dir::Both),
        road(223, &[205, 213], "residential", 30.0, Dir::Both),
    ];
    for &(w, _, expected) in ONEWAY_LADDER {
        if let Some((class, kmh, dir)) = expected {
            let way_nodes = oneway_ladder_nodes(w);
            nodes.extend([way_nodes[0], way_nodes[way_nodes.len() - 1]]);
            edges.push(road(w, &way_nodes, class, kmh, dir));
        }
    }
    check_graph(&fx, &nodes, &edges);
    check_totals(&fx, 38, 22, 33);
    check_file_counts(&fx, (46, 22, 0), 20, 0);
    check_complete(&fx);
    // The roundabout cluster is strongly connected (6); 8 two-way ladder ways; the 16 ends of
    // the 8 oneway ladder ways are singletons.
    let mut sizes = vec![6];
    sizes.extend([2; 8]);
    sizes.extend([1; 16]);
    check_components(&fx, &sizes);
}

/// Each oneway rule on its own: arcs and their direction, by OSM node ids.
#[test]
fn oneway_tag_rules() {
    let fx = Fixture::load("oneway");
    let g = fx.graph();
    let present = graph_node_ids(g);
    let arc_counts = arcs_per_edge(g);
    for &(w, tags, expected) in ONEWAY_LADDER {
        let way_nodes = oneway_ladder_nodes(w);
        let (a, b) = (way_nodes[0], way_nodes[way_nodes.len() - 1]);
        let edges = edges_of_way(g, w);
        let Some((_, _, dir)) = expected else {
            // oneway=reversible excludes the way; its nodes are no graph nodes.
            assert!(edges.is_empty(), "W{w} ({tags}): must be excluded");
            assert!(
                !present.contains(&a) && !present.contains(&b),
                "W{w} ({tags})"
            );
            continue;
        };
        assert_eq!(edges.len(), 1, "W{w} ({tags}): one edge");
        let i = edges[0];
        let e = &g.edges()[i];
        let (na, nb) = (node_idx(g, a), node_idx(g, b));
        let a_to_b = has_arc(g.forward(), na, nb, i);
        let b_to_a = has_arc(g.forward(), nb, na, i);
        let (want_ab, want_ba) = match dir {
            Dir::Both => (true, true),
            Dir::Fwd => (true, false),
            Dir::Bwd => (false, true),
        };
        assert_eq!((a_to_b, b_to_a), (want_ab, want_ba), "W{w} ({tags}): arcs");
        assert_eq!(arc_counts[i], usize::from(want_ab) + usize::from(want_ba));
        assert_eq!(e.oneway, dir != Dir::Both, "W{w} ({tags}): oneway flag");
        // A oneway edge is stored in its allowed direction.
        if dir == Dir::Bwd {
            assert_eq!((g.osm_id(e.from), g.osm_id(e.to)), (b, a), "W{w} ({tags})");
        } else {
            assert_eq!((g.osm_id(e.from), g.osm_id(e.to)), (a, b), "W{w} ({tags})");
        }
    }
    // Roundabout: counter-clockwise 201 -> 203 -> 205 -> 201 only.
    let ring = [201, 203, 205];
    for k in 0..3 {
        let (p, q) = (node_idx(g, ring[k]), node_idx(g, ring[(k + 1) % 3]));
        let ring_arc = |x: NodeIdx, y: NodeIdx| {
            g.forward()
                .arcs(x)
                .any(|arc| arc.node == y && g.edges()[arc.edge as usize].way_id == 200)
        };
        assert!(ring_arc(p, q), "W200: {} -> {}", ring[k], ring[(k + 1) % 3]);
        assert!(
            !ring_arc(q, p),
            "W200: no {} -> {}",
            ring[(k + 1) % 3],
            ring[k]
        );
    }
}

// =============================================================================================
// 3. ferries.osm — car ferries
// =============================================================================================
//
// row  west shore W1                          east shore W2
//  17  [117]                             [217]   (shore road end)
//  16  [116] <========================== [216]   W316: route=ferry motor_vehicle=yes duration=1:00 oneway=-1
//  15  [115] <=========================> [215]   W315: route=ferry motorcar=yes motor_vehicle=no duration=0:30
//  14  [114] <=========================> [214]   W314: route=ferry motor_vehicle=destination duration=PT1H
//  13  [113] <=========================> [213]   W313: route=ferry motor_vehicle=yes duration=about an hour
//  12  [112] <=========================> [212]   W312: route=ferry motorcar=yes duration=PT45M
//  11  [111] <=========================> [211]   W311: route=ferry motor_vehicle=permissive duration=00:45
//  10  [110] ==========================> [210]   W310: route=ferry motor_vehicle=yes duration=45 oneway=yes
//   9  [109] <=========================> [209]   W309: route=ferry motor_vehicle=designated duration=PT20M30S
//   8   108  .......(no car link).......  208    W308: route=ferry tourism=attraction motor_vehicle=yes duration=1:00
//   7   107  .......(no car link).......  207    W307: route=ferry
//   6   106  .......(no car link).......  206    W306: route=ferry motor_vehicle=yes motorcar=no
//   5   105  .......(no car link).......  205    W305: route=ferry foot=yes motorcar=no
//   4  [104] <=========================> [204]   W304: route=ferry motor_vehicle=yes
//   3  [103] <=========================> [203]   W303: route=ferry motor_vehicle=yes duration=01:05:30
//   2  [102] <=========================> [202]   W302: route=ferry motorcar=yes duration=PT1H30M
//   1  [101] <=========================> [201]   W301: route=ferry motor_vehicle=yes duration=0:20
//   0  [100]                             [200]   (shore road end)
// [n] = graph node; shore nodes of non-car ferries stay plain shape nodes of W1/W2.
// W1 and W2 are highway=secondary (70 km/h), each one way through its row nodes, south -> north.
// Ferry W(300+i) = [100+i, 200+i]; W312 = [112, 412, 212] (412 = shape node mid-way).

/// (way, tags, `None` = no car link or `Some((direction, parsed duration in s))`).
type FerryRule = (i64, &'static str, Option<(Dir, Option<u32>)>);

/// The ferry ways of ferries.osm.
const FERRIES: &[FerryRule] = &[
    (
        301,
        "motor_vehicle=yes duration=0:20",
        Some((Dir::Both, Some(1200))),
    ),
    (
        302,
        "motorcar=yes duration=PT1H30M",
        Some((Dir::Both, Some(5400))),
    ),
    (
        303,
        "motor_vehicle=yes duration=01:05:30",
        Some((Dir::Both, Some(3930))),
    ),
    (
        304,
        "motor_vehicle=yes (no duration)",
        Some((Dir::Both, None)),
    ),
    (305, "foot=yes motorcar=no", None),
    (306, "motor_vehicle=yes motorcar=no", None),
    (307, "route=ferry only", None),
    (308, "tourism=attraction motor_vehicle=yes", None),
    (
        309,
        "motor_vehicle=designated duration=PT20M30S",
        Some((Dir::Both, Some(1230))),
    ),
    (
        310,
        "motor_vehicle=yes duration=45 oneway=yes",
        Some((Dir::Fwd, Some(2700))),
    ),
    (
        311,
        "motor_vehicle=permissive duration=00:45",
        Some((Dir::Both, Some(2700))),
    ),
    (
        312,
        "motorcar=yes duration=PT45M (shape node)",
        Some((Dir::Both, Some(2700))),
    ),
    (
        313,
        "motor_vehicle=yes duration=about an hour",
        Some((Dir::Both, None)),
    ),
    (
        314,
        "motor_vehicle=destination duration=PT1H",
        Some((Dir::Both, Some(3600))),
    ),
    (
        315,
        "motorcar=yes motor_vehicle=no duration=0:30",
        Some((Dir::Both, Some(1800))),
    ),
    (
        316,
        "motor_vehicle=yes duration=1:00 oneway=-1",
        Some((Dir::Bwd, Some(3600))),
    ),
];

/// Nodes of ferry way `w`, in way order (west -> east).
fn ferry_nodes(w: i64) -> Vec<i64> {
    let row = w - 300;
    if w == 312 {
        vec![112, 412, 212]
    } else {
        vec![100 + row, 200 + row]
    }
}

#[test]
fn ferries_graph() {
    let fx = Fixture::load("ferries");
    let rows: Vec<i64> = FERRIES
        .iter()
        .filter(|f| f.2.is_some())
        .map(|f| f.0 - 300)
        .collect();
    assert_eq!(rows, [1, 2, 3, 4, 9, 10, 11, 12, 13, 14, 15, 16]);
    let mut nodes = vec![100, 117, 200, 217];
    let mut edges = Vec::new();
    // Shore roads: cut at every car-ferry landing; rows 5-8 stay shape nodes.
    for (shore_way, base) in [(1, 100), (2, 200)] {
        let mut stops = vec![0];
        stops.extend(&rows);
        stops.push(17);
        for pair in stops.windows(2) {
            let geometry: Vec<i64> = (pair[0]..=pair[1]).map(|r| base + r).collect();
            edges.push(road(shore_way, &geometry, "secondary", 70.0, Dir::Both));
        }
        nodes.extend(rows.iter().map(|r| base + r));
    }
    for &(w, _, expected) in FERRIES {
        if let Some((dir, duration)) = expected {
            edges.push(ferry(w, &ferry_nodes(w), dir, duration));
        }
    }
    check_graph(&fx, &nodes, &edges);
    check_totals(&fx, 28, 38, 74);
    check_file_counts(&fx, (37, 18, 0), 14, 12);
    check_complete(&fx);
    check_components(&fx, &[28]);
    // The shore edge over the four passenger-only rows runs 104 -> 109 via 105..108.
    let g = fx.graph();
    let long = edges_of_way(g, 1)
        .into_iter()
        .find(|&i| g.osm_id(g.edges()[i].from) == 104)
        .map(|i| g.osm_id(g.edges()[i].to));
    assert_eq!(long, Some(109));
}

/// Each ferry rule on its own: car link or not, direction, and the crossing time including
/// the 600 s boarding penalty.
#[test]
fn ferries_tag_rules() {
    let fx = Fixture::load("ferries");
    let g = fx.graph();
    let present = graph_node_ids(g);
    let arc_counts = arcs_per_edge(g);
    for &(w, tags, expected) in FERRIES {
        let way_nodes = ferry_nodes(w);
        let (west, east) = (way_nodes[0], way_nodes[way_nodes.len() - 1]);
        let edges = edges_of_way(g, w);
        let Some((dir, duration)) = expected else {
            assert!(edges.is_empty(), "W{w} ({tags}): not a car ferry");
            assert!(
                !present.contains(&west) && !present.contains(&east),
                "W{w} ({tags}): its landings must not be graph nodes"
            );
            continue;
        };
        assert_eq!(edges.len(), 1, "W{w} ({tags}): exactly one edge");
        let i = edges[0];
        let e = &g.edges()[i];
        assert!(e.is_ferry(), "W{w} ({tags}): ferry class");
        let metres = fx.length_m(&way_nodes);
        let crossing_s = match duration {
            Some(s) => f64::from(s),
            None => metres / (FERRY_FALLBACK_KMH / 3.6),
        };
        assert_eq!(
            e.time_ds,
            tenths(crossing_s + FERRY_BOARDING_S),
            "W{w} ({tags}): time (crossing {crossing_s} s + 600 s boarding)"
        );
        assert_eq!(e.length_dm, tenths(metres), "W{w} ({tags}): length");
        let (from, to) = if dir == Dir::Bwd {
            (east, west)
        } else {
            (west, east)
        };
        assert_eq!(
            (g.osm_id(e.from), g.osm_id(e.to)),
            (from, to),
            "W{w} ({tags})"
        );
        assert_eq!(e.oneway, dir != Dir::Both, "W{w} ({tags}): oneway");
        assert_eq!(arc_counts[i], if dir == Dir::Both { 2 } else { 1 });
    }
    // Spot checks of the README table (edge times in seconds, incl. boarding).
    let time_s = |w: i64| f64::from(g.edges()[edges_of_way(g, w)[0]].time_ds) / 10.0;
    for (w, seconds) in [
        (301, 1800.0),
        (302, 6000.0),
        (303, 4530.0),
        (309, 1830.0),
        (310, 3300.0),
        (311, 3300.0),
        (312, 3300.0),
        (314, 4200.0),
        (315, 2400.0),
        (316, 4200.0),
    ] {
        assert_eq!(time_s(w), seconds, "W{w}: time");
    }
    for w in [304, 313] {
        // 10 km/h over ~524 m + 600 s: about 788.6 s.
        assert!(
            (time_s(w) - 788.6).abs() < 2.0,
            "W{w}: fallback time {}",
            time_s(w)
        );
    }
}

// =============================================================================================
// 4. services.osm — service kinds
// =============================================================================================
//
// 62.001                  [8]
//                          |  W2 tertiary
// 62.000   [1] --- 2 ---- [3] ---- 4 ---- 5 ---- [6]     W1 residential
//                          |
// 61.999                  [7]
// service nodes 101-121 on lat 62.0003 (lon 15.000 + 0.0005*j), ignored nodes 130-137 on lat 61.9997,
// areas (W201, W204, R301) and node 451 around lat 62.0012-62.0023, lon 15.001-15.0076.

#[test]
fn services_road_graph() {
    let fx = Fixture::load("services");
    let nodes = [1, 3, 6, 7, 8];
    let edges = [
        road(1, &[1, 2, 3], "residential", 30.0, Dir::Both),
        road(1, &[3, 4, 5, 6], "residential", 30.0, Dir::Both),
        road(2, &[7, 3], "tertiary", 60.0, Dir::Both),
        road(2, &[3, 8], "tertiary", 60.0, Dir::Both),
    ];
    check_graph(&fx, &nodes, &edges);
    check_totals(&fx, 5, 4, 8);
    check_file_counts(&fx, (55, 8, 2), 2, 0);
    check_complete(&fx);
    check_components(&fx, &[5]);
}

#[test]
fn services_kinds() {
    let (grocery, fuel, post, pharmacy, payment) = (
        ServiceKind::GROCERY,
        ServiceKind::FUEL,
        ServiceKind::POST,
        ServiceKind::PHARMACY,
        ServiceKind::PAYMENT,
    );
    let kinds = servicegap::Kinds::default();
    let fx = Fixture::load("services");
    let services = &fx.region.services;
    // Every counted feature, in output order (nodes, then ways, then relations, each by id).
    let expected: &[(OsmId, &[ServiceKind], Option<&str>)] = &[
        (node(101), &[grocery], Some("Ica Nära")), // shop=supermarket
        (node(102), &[grocery], Some("Pressbyrån")), // shop=convenience
        (node(103), &[grocery], Some("Lanthandeln")), // shop=general
        (node(104), &[grocery], Some("Livsmedel")), // shop=grocery
        (node(105), &[fuel], Some("Mack")),        // amenity=fuel
        (node(106), &[post], Some("Posten")),      // amenity=post_office
        (node(107), &[post], None),                // post_office=post_partner on a shop
        (node(108), &[post], None),                // post_office=bureau
        (node(109), &[post], None),                // post_office=post_annex
        (node(110), &[post], None),                // amenity=parcel_locker
        (node(111), &[post], None),                // vending=parcel_pickup
        (node(112), &[pharmacy], Some("Apoteket")), // amenity=pharmacy
        (node(113), &[pharmacy], Some("Apotek utan amenity")), // healthcare=pharmacy
        (node(114), &[payment], None),             // amenity=atm
        (node(115), &[payment], Some("Sparbanken")), // amenity=bank
        (node(116), &[payment], None),             // amenity=payment_centre
        (node(117), &[payment], None),             // cash_withdrawal=yes on a shop
        (node(118), &[payment], Some("Bank med bankomat")), // bank + atm=yes: ONE kind
        // shop=convenience + post_office=post_partner + cash_withdrawal=yes + healthcare=pharmacy
        (
            node(119),
            &[grocery, post, pharmacy, payment],
            Some("Allt-i-allo"),
        ),
        // amenity=fuel + shop=convenience + atm=yes
        (node(120), &[grocery, fuel, payment], Some("Mack med butik")),
        // amenity=fuel + post_office=post_partner ("on any feature")
        (node(121), &[fuel, post], None),
        // amenity=pharmacy, member of the ignored type=site relation R302
        (node(451), &[pharmacy], Some("site member node")),
        (way(201), &[grocery], Some("Coop")), // closed way
        (way(204), &[pharmacy], None),        // closed way, also a member of R302
        (rel(301), &[grocery], Some("Stormarknad")), // multipolygon of two untagged ways
    ];
    let ids: Vec<OsmId> = services.iter().filter_map(|s| s.id.osm()).collect();
    let expected_ids: Vec<OsmId> = expected.iter().map(|e| e.0).collect();
    assert_eq!(ids, expected_ids, "services: counted features, in order");
    assert_eq!(services.len(), 25);

    let area_rings: BTreeMap<OsmId, &[i64]> = BTreeMap::from([
        (way(201), &[401, 402, 403, 404][..]),
        (way(204), &[431, 432, 433, 434][..]),
        (rel(301), &[441, 442, 443, 444][..]),
    ]);
    for (s, &(id, kinds, name)) in services.iter().zip(expected) {
        assert_eq!(s.kinds, kinds_of(kinds), "{id}: kinds");
        assert!(!s.kinds.is_empty(), "{id}: kinds never empty");
        assert_eq!(s.name.as_deref(), name, "{id}: name");
        match id.kind {
            ElementType::Node => assert_eq!(s.coord, fx.coord(id.id), "{id}: location"),
            _ => assert_inside(&fx, &id.to_string(), s.coord, area_rings[&id]),
        }
    }
    // Multi-kind features list their kinds in output order.
    let kinds_119: Vec<ServiceKind> = kinds.of(services[18].kinds).collect();
    assert_eq!(kinds_119, [grocery, post, pharmacy, payment]);

    // Per kind (a multi-kind feature counts once in each of its kinds).
    let per_kind = |k: ServiceKind| -> Vec<OsmId> {
        services
            .iter()
            .filter(|s| s.kinds.contains(k))
            .filter_map(|s| s.id.osm())
            .collect()
    };
    let nodes = |ids: &[i64]| ids.iter().map(|&i| node(i)).collect::<Vec<_>>();
    let mut grocery_ids = nodes(&[101, 102, 103, 104, 119, 120]);
    grocery_ids.extend([way(201), rel(301)]);
    assert_eq!(per_kind(grocery), grocery_ids);
    assert_eq!(per_kind(fuel), nodes(&[105, 120, 121]));
    assert_eq!(
        per_kind(post),
        nodes(&[106, 107, 108, 109, 110, 111, 119, 121])
    );
    let mut pharmacy_ids = nodes(&[112, 113, 119, 451]);
    pharmacy_ids.push(way(204));
    assert_eq!(per_kind(pharmacy), pharmacy_ids);
    assert_eq!(
        per_kind(payment),
        nodes(&[114, 115, 116, 117, 118, 119, 120])
    );
    let counts: Vec<usize> = ServiceKind::BUILT_IN
        .iter()
        .map(|&k| per_kind(k).len())
        .collect();
    assert_eq!(counts, [8, 3, 8, 5, 7]);
    let memberships: usize = services.iter().map(|s| s.kinds.len()).sum();
    assert_eq!(memberships, 31);
}

#[test]
fn services_ignored() {
    let fx = Fixture::load("services");
    let ids: BTreeSet<OsmId> = fx
        .region
        .services
        .iter()
        .filter_map(|s| s.id.osm())
        .collect();
    let ignored = [
        (node(130), "amenity=post_box is not a service"),
        (node(131), "shop=chemist is not a pharmacy"),
        (node(132), "disused:shop=supermarket"),
        (node(133), "shop=clothes"),
        (node(134), "cash_withdrawal=no"),
        (node(135), "vending=cigarettes"),
        (node(136), "shop=kiosk post_office=yes"),
        (node(137), "amenity=doctors healthcare=doctor"),
        (way(202), "unclosed way shop=supermarket"),
        (way(203), "closed way with only 3 refs"),
        (way(205), "untagged member of R301"),
        (way(206), "untagged member of R301"),
        (rel(302), "type=site relation, not a multipolygon"),
    ];
    for (id, why) in ignored {
        assert!(!ids.contains(&id), "{id} must be ignored: {why}");
    }
    // No untagged node becomes a service point.
    for id in (1..=8).chain(401..=404).chain(411..=413).chain(421..=422) {
        assert!(!ids.contains(&node(id)), "node {id} is untagged");
    }
    for id in (431..=434).chain(441..=444) {
        assert!(!ids.contains(&node(id)), "node {id} is untagged");
    }
    assert!(fx.region.settlements.is_empty());
}

// =============================================================================================
// 5. settlements.osm — settlements
// =============================================================================================
//
// 62.0047   704---703      713          724---723
//            | W601 |       |            |R801 |
// 62.004    701---702  711--712         721---722
// 62.002    501 502 503 504 505 506 507 508 509 510 511   (place nodes)
// 62.000    [1] ========================== [2]  W1
//
// W601 closed way place=hamlet; W602 unclosed way place=hamlet (ignored); R801 multipolygon
// place=village from untagged W603 + W604; R802 type=boundary place=city (ignored).

#[test]
fn settlements_road_graph() {
    let fx = Fixture::load("settlements");
    check_graph(
        &fx,
        &[1, 2],
        &[road(1, &[1, 2], "unclassified", 50.0, Dir::Both)],
    );
    check_totals(&fx, 2, 1, 2);
    check_file_counts(&fx, (24, 5, 2), 1, 0);
    check_complete(&fx);
    check_components(&fx, &[2]);
}

#[test]
fn settlements_places_and_populations() {
    let fx = Fixture::load("settlements");
    let settlements = &fx.region.settlements;
    let expected: &[(OsmId, Place, Option<&str>, Option<u64>)] = &[
        (node(501), Place::City, Some("Storstad"), Some(1234)), // "1 234"
        (node(502), Place::Town, Some("Mellanby"), Some(1234)), // "1,234" = thousands
        (node(503), Place::Village, Some("Byn"), Some(987)),    // "987"
        (node(504), Place::Hamlet, Some("Gårdarna"), None),     // absent
        (node(505), Place::IsolatedDwelling, Some("Ensamt"), None), // "approx. 50"
        (node(506), Place::Hamlet, Some("Tomma"), None),        // "" (empty)
        (node(509), Place::Village, None, Some(120)),           // no name: kept
        (way(601), Place::Hamlet, Some("Skogsbacken"), Some(45)), // closed way
        (rel(801), Place::Village, Some("Sjöbyn"), Some(2500)), // multipolygon
    ];
    let ids: Vec<OsmId> = settlements.iter().filter_map(|s| s.id.osm()).collect();
    let expected_ids: Vec<OsmId> = expected.iter().map(|e| e.0).collect();
    assert_eq!(ids, expected_ids, "settlements, in order");
    let area_rings: BTreeMap<OsmId, &[i64]> = BTreeMap::from([
        (way(601), &[701, 702, 703, 704][..]),
        (rel(801), &[721, 722, 723, 724][..]),
    ]);
    for (s, &(id, place, name, population)) in settlements.iter().zip(expected) {
        assert_eq!(s.place, Some(place), "{id}: place");
        assert_eq!(s.name.as_deref(), name, "{id}: name");
        assert_eq!(s.population, population, "{id}: population");
        match id.kind {
            ElementType::Node => assert_eq!(s.coord, fx.coord(id.id), "{id}: location"),
            _ => assert_inside(&fx, &id.to_string(), s.coord, area_rings[&id]),
        }
    }
    // Counts per place: city 1, town 1, village 3, hamlet 3, isolated_dwelling 1.
    let per_place: Vec<usize> = servicegap::read::profile::SETTLEMENT_PLACES
        .iter()
        .map(|&p| settlements.iter().filter(|s| s.place == Some(p)).count())
        .collect();
    assert_eq!(per_place, [1, 1, 3, 3, 1]);
    assert_eq!(settlements.len(), 9);
    // Population known for 6 (sum 6120), unknown (not 0) for 3.
    let known: Vec<u64> = settlements.iter().filter_map(|s| s.population).collect();
    assert_eq!(known.len(), 6);
    assert_eq!(known.iter().sum::<u64>(), 6120);
    let unknown: Vec<OsmId> = settlements
        .iter()
        .filter(|s| s.population.is_none())
        .filter_map(|s| s.id.osm())
        .collect();
    assert_eq!(unknown, [node(504), node(505), node(506)]);
    // The unnamed village is kept.
    assert!(settlements
        .iter()
        .any(|s| s.id == node(509) && s.name.is_none() && s.place == Some(Place::Village)));
    assert!(fx.region.services.is_empty());
}

#[test]
fn settlements_ignored() {
    let fx = Fixture::load("settlements");
    let ids: BTreeSet<OsmId> = fx
        .region
        .settlements
        .iter()
        .filter_map(|s| s.id.osm())
        .collect();
    let ignored = [
        (node(507), "place=suburb"),
        (node(508), "place=locality"),
        (node(510), "place=farm"),
        (node(511), "place=neighbourhood"),
        (way(602), "unclosed way place=hamlet"),
        (way(603), "untagged member of R801"),
        (way(604), "untagged member of R801"),
        (rel(802), "type=boundary relation with place=city"),
    ];
    for (id, why) in ignored {
        assert!(!ids.contains(&id), "{id} must be ignored: {why}");
    }
}

// =============================================================================================
// 6. gaps.osm — ways referencing missing nodes
// =============================================================================================
//
// 62.004   [13] ---- [14]     ...992...      15
// 62.003    8   ...996...    [9] ---------- [10]
// 62.002   [5] ----- 6 ---- [7]  ...993...   12
// 62.001                                    [11]
//                                             |  W4
// 62.000   [1] ---- [2]  ..999..  [3] ----- [4]  ..998..
// lon     15.000   15.002        15.004    15.006
//
// W1 = 1, 2, *999*, 3, 4, *998*   -> [1,2] and [3,4]
// W2 = *997*, 5, 6, 7             -> [5,6,7] (6 is a shape node)
// W3 = 8, *996*, 9, 10            -> [9,10]; [8] dropped (1 node)
// W4 = 4, 11 (complete)           -> [4,11]
// W5 = *995*, *994*               -> nothing
// W6 = 7, *993*, 12               -> nothing ([7] and [12] have 1 node each)
// W7 = 13, 14, *992*, 15          -> [13,14]; [15] dropped

#[test]
fn gaps_pieces() {
    let fx = Fixture::load("gaps");
    let nodes = [1, 2, 3, 4, 5, 7, 9, 10, 11, 13, 14];
    let edges = [
        road(1, &[1, 2], "residential", 30.0, Dir::Both),
        road(1, &[3, 4], "residential", 30.0, Dir::Both),
        road(2, &[5, 6, 7], "residential", 30.0, Dir::Both),
        road(3, &[9, 10], "residential", 30.0, Dir::Both),
        road(4, &[4, 11], "residential", 30.0, Dir::Both),
        road(7, &[13, 14], "residential", 30.0, Dir::Both),
    ];
    check_graph(&fx, &nodes, &edges);
    check_totals(&fx, 11, 6, 12);
    // W5 and W6 leave nothing; present nodes 6 (shape), 8, 12 and 15 are no graph nodes.
    let g = fx.graph();
    let present = graph_node_ids(g);
    for n in [6, 8, 12, 15] {
        assert!(
            !present.contains(&n),
            "gaps: node {n} must not be a graph node"
        );
    }
    assert!(edges_of_way(g, 5).is_empty() && edges_of_way(g, 6).is_empty());
    // Nothing is joined across a missing node: 2-3, 7-12, 8-9, 14-15.
    let joined = |a: i64, b: i64| {
        g.edges().iter().any(|e| {
            let ends = [g.osm_id(e.from), g.osm_id(e.to)];
            ends.contains(&a) && ends.contains(&b)
        })
    };
    for (a, b) in [(2, 3), (7, 12), (8, 9), (14, 15)] {
        assert!(!joined(a, b), "gaps: {a} and {b} must not be joined");
    }
}

#[test]
fn gaps_components() {
    let fx = Fixture::load("gaps");
    let g = fx.graph();
    // {3, 4, 11} (W1 piece + W4), then {1, 2}, {5, 7}, {9, 10}, {13, 14}.
    check_components(&fx, &[3, 2, 2, 2, 2]);
    let comp = |id: i64| g.component(node_idx(g, id));
    assert_eq!(comp(3), 0, "the largest component holds 3, 4, 11");
    assert_eq!(comp(4), 0);
    assert_eq!(comp(11), 0);
    let groups = [[1, 2], [5, 7], [9, 10], [13, 14]];
    let mut seen = BTreeSet::from([0]);
    for [a, b] in groups {
        assert_eq!(comp(a), comp(b), "gaps: {a} and {b} in one component");
        assert!(seen.insert(comp(a)), "gaps: {a}'s component is separate");
    }
    assert_ne!(comp(2), comp(3), "gaps: 2 and 3 are not connected");
}

#[test]
fn gaps_read_stats() {
    let fx = Fixture::load("gaps");
    let s = &fx.region.read_stats;
    check_file_counts(&fx, (15, 7, 0), 7, 0);
    // Node references of roads whose node is not in the file: 999, 998 (W1), 997 (W2),
    // 996 (W3), 995, 994 (W5), 993 (W6), 992 (W7).
    assert_eq!(s.missing_node_refs, 8, "missing_node_refs");
    // osm.rs: "Road ways with at least one node missing from the file (they are cut at the
    // gaps)": every way but the complete W4, including W5 (no node present at all) and W6
    // (whose two one-node pieces are both dropped).
    assert_eq!(
        s.ways_with_missing_nodes, 6,
        "ways_with_missing_nodes (W1, W2, W3, W5, W6, W7)"
    );
    // "Road ways or pieces dropped because fewer than two of their nodes are in the file":
    // [8] of W3, the whole W5, [7] and [12] of W6, [15] of W7.
    assert_eq!(s.road_pieces_dropped, 5, "road_pieces_dropped");
    assert_eq!(s.areas_without_location, 0);
    assert!(fx.region.services.is_empty() && fx.region.settlements.is_empty());
}
