//! The chain-merged CSR graph against a naive build on seeded random OSM-like inputs.
//!
//! The naive graph makes every OSM node a vertex and every pair of consecutive way nodes an arc
//! (two arcs for two-way roads), with lengths in floating point. The real graph must:
//! - cover exactly the same directed arcs with its edges' geometries,
//! - have edge lengths equal to the rounded sum of their segments,
//! - keep no junction or way end inside an edge,
//! - give the same strongly connected components on its nodes, and
//! - give the same shortest distances between its nodes (within the rounding of each edge).

use crate::util::random::random_input;
use servicegap::base::coord::{distance_m, Coord};
use servicegap::network::graph::{Graph, NodeIdx};
use servicegap::read::profile::Direction;
use servicegap::read::roads::RoadInput;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Directed arcs of the naive graph as (tail, head) input node numbers, with their lengths.
fn naive_arcs(input: &RoadInput) -> Vec<(u32, u32, f64)> {
    let mut arcs = Vec::new();
    for way in &input.ways {
        let mut r: Vec<u32> = input.refs[way.start as usize..way.end as usize].to_vec();
        r.dedup();
        for p in r.windows(2) {
            let len = distance_m(input.coords[p[0] as usize], input.coords[p[1] as usize]);
            match way.attrs.direction {
                Direction::Forward => arcs.push((p[0], p[1], len)),
                Direction::Backward => arcs.push((p[1], p[0], len)),
                Direction::Both => {
                    arcs.push((p[0], p[1], len));
                    arcs.push((p[1], p[0], len));
                }
            }
        }
    }
    arcs
}

/// Input node number of each coordinate (the random inputs have distinct coordinates).
fn node_by_coord(input: &RoadInput) -> BTreeMap<Coord, u32> {
    input
        .coords
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, i as u32))
        .collect()
}

fn dijkstra_f64(n: usize, adj: &[Vec<(u32, f64)>], source: u32) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; n];
    let mut heap = BinaryHeap::new();
    dist[source as usize] = 0.0;
    heap.push(Reverse((OrdF64(0.0), source)));
    while let Some(Reverse((OrdF64(d), u))) = heap.pop() {
        if d > dist[u as usize] {
            continue;
        }
        for &(v, w) in &adj[u as usize] {
            let nd = d + w;
            if nd < dist[v as usize] {
                dist[v as usize] = nd;
                heap.push(Reverse((OrdF64(nd), v)));
            }
        }
    }
    dist
}

/// An f64 with a total order, for the reference heap.
#[derive(Clone, Copy)]
struct OrdF64(f64);
impl PartialEq for OrdF64 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Shortest distances in decimetres and hop counts on the merged graph.
fn dijkstra_graph(g: &Graph, source: NodeIdx) -> Vec<(u64, u32)> {
    let mut dist = vec![(u64::MAX, 0u32); g.node_count()];
    let mut heap = BinaryHeap::new();
    dist[source.index()] = (0, 0);
    heap.push(Reverse((0u64, 0u32, source.0)));
    while let Some(Reverse((d, hops, u))) = heap.pop() {
        if d > dist[u as usize].0 {
            continue;
        }
        for arc in g.forward().arcs(NodeIdx(u)) {
            let nd = d + u64::from(arc.length_dm);
            if nd < dist[arc.node.index()].0 {
                dist[arc.node.index()] = (nd, hops + 1);
                heap.push(Reverse((nd, hops + 1, arc.node.0)));
            }
        }
    }
    dist
}

fn check(seed: u64) {
    let input = random_input(seed);
    let g = Graph::build(&input);
    let by_coord = node_by_coord(&input);
    let input_of = |c: Coord| by_coord[&c];

    // Which input nodes must be graph nodes: way ends and nodes used twice.
    let mut uses = vec![0u32; input.coords.len()];
    let mut ends = vec![false; input.coords.len()];
    for way in &input.ways {
        let mut r: Vec<u32> = input.refs[way.start as usize..way.end as usize].to_vec();
        r.dedup();
        for &x in &r {
            uses[x as usize] += 1;
        }
        ends[r[0] as usize] = true;
        ends[*r.last().unwrap_or(&r[0]) as usize] = true;
    }
    let is_junction = |i: u32| uses[i as usize] >= 2 || ends[i as usize];
    let expected_nodes = (0..input.coords.len() as u32)
        .filter(|&i| is_junction(i))
        .count();
    assert_eq!(g.node_count(), expected_nodes, "seed {seed}: node count");

    // Coverage: the edges' geometries give exactly the naive arcs.
    let mut naive: Vec<(u32, u32)> = naive_arcs(&input).iter().map(|a| (a.0, a.1)).collect();
    let mut covered = Vec::new();
    for (i, e) in g.edges().iter().enumerate() {
        let geom = g.edge_geometry(i);
        assert_eq!(
            geom.first().copied(),
            Some(g.coord(e.from)),
            "seed {seed}: edge start"
        );
        assert_eq!(
            geom.last().copied(),
            Some(g.coord(e.to)),
            "seed {seed}: edge end"
        );
        let mut length = 0.0;
        for (k, p) in geom.windows(2).enumerate() {
            let (a, b) = (input_of(p[0]), input_of(p[1]));
            length += distance_m(p[0], p[1]);
            covered.push((a, b));
            if !e.oneway {
                covered.push((b, a));
            }
            if k > 0 {
                assert!(!is_junction(a), "seed {seed}: junction {a} inside edge {i}");
            }
        }
        assert_eq!(
            e.length_dm,
            (length * 10.0).round() as u32,
            "seed {seed}: edge {i} length"
        );
    }
    naive.sort_unstable();
    covered.sort_unstable();
    assert_eq!(covered, naive, "seed {seed}: arcs covered by edge geometry");
    assert_eq!(
        g.arc_count(),
        g.edges()
            .iter()
            .map(|e| if e.oneway { 1 } else { 2 })
            .sum::<usize>()
    );

    // Distances between graph nodes agree; each edge's rounding is at most 0.05 m.
    let n = input.coords.len();
    let mut adj = vec![Vec::new(); n];
    for (a, b, len) in naive_arcs(&input) {
        adj[a as usize].push((b, len));
    }
    let graph_node_of: BTreeMap<u32, NodeIdx> = (0..g.node_count() as u32)
        .map(|i| (input_of(g.coord(NodeIdx(i))), NodeIdx(i)))
        .collect();
    for (&source_in, &source) in graph_node_of.iter().take(8) {
        let reference = dijkstra_f64(n, &adj, source_in);
        let ours = dijkstra_graph(&g, source);
        for (&target_in, &target) in &graph_node_of {
            let (dm, hops) = ours[target.index()];
            let r = reference[target_in as usize];
            if r.is_infinite() {
                assert_eq!(
                    dm,
                    u64::MAX,
                    "seed {seed}: {source_in}->{target_in} reachable only in ours"
                );
            } else {
                assert!(
                    dm != u64::MAX,
                    "seed {seed}: {source_in}->{target_in} unreachable in ours"
                );
                let tolerance = 0.05 * f64::from(hops.max(1)) + 1e-6;
                assert!(
                    (dm as f64 / 10.0 - r).abs() <= tolerance,
                    "seed {seed}: {source_in}->{target_in}: {} vs {r}",
                    dm as f64 / 10.0
                );
            }
        }
    }

    // Components: two graph nodes share a component iff each reaches the other in the naive graph.
    let nodes: Vec<(u32, NodeIdx)> = graph_node_of.iter().map(|(a, b)| (*a, *b)).collect();
    let reach: Vec<Vec<f64>> = nodes
        .iter()
        .map(|(i, _)| dijkstra_f64(n, &adj, *i))
        .collect();
    for (x, (xi, xn)) in nodes.iter().enumerate() {
        for (y, (yi, yn)) in nodes.iter().enumerate() {
            let mutual = reach[x][*yi as usize].is_finite() && reach[y][*xi as usize].is_finite();
            assert_eq!(
                g.component(*xn) == g.component(*yn),
                mutual,
                "seed {seed}: component of {xi} and {yi}"
            );
        }
    }
    let sizes = g.component_sizes();
    assert_eq!(
        sizes.iter().map(|&s| s as usize).sum::<usize>(),
        g.node_count()
    );
    assert!(
        sizes.windows(2).all(|w| w[0] >= w[1]),
        "seed {seed}: components ordered by size"
    );
}

#[test]
fn merged_graph_equals_naive_graph_on_random_inputs() {
    for seed in 0..150 {
        check(seed);
    }
}

#[test]
fn build_is_deterministic() {
    let input = random_input(99);
    let a = Graph::build(&input);
    let b = Graph::build(&input);
    assert_eq!(a.edges(), b.edges());
    for i in 0..a.node_count() as u32 {
        let arcs = |csr: &servicegap::network::graph::Csr| csr.arcs(NodeIdx(i)).collect::<Vec<_>>();
        assert_eq!(arcs(a.forward()), arcs(b.forward()));
        assert_eq!(arcs(a.reverse()), arcs(b.reverse()));
    }
}
