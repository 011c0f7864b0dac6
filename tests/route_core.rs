//! `route::Core` (dead-end trees and chains set aside) against the plain multi-source search on
//! the whole graph and a naive Dijkstra, on seeded random networks built to be full of the
//! shapes the contraction handles: driveway trees, chains of two-node ways, loops hanging off
//! one junction, parallel roads, oneways, isolated rings and pairs.
//!
//! Every node's `(cost, source)` label must be equal, ties included.

use crate::util::random::random_way;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::base::coord::Coord;
use servicegap::network::graph::{Graph, NodeIdx};
use servicegap::read::roads::RoadInput;
use servicegap::route::{nearest_sources, Core, Metric, Seed, Workspace};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A random network grown from a few junctions: each step adds a dead end (a new node hung off
/// an old one), a chain of new nodes between two old ones, a loop back to the same node, a road
/// between two old nodes (parallel roads happen), or a separate ring or pair.
pub(crate) fn random_network(seed: u64) -> RoadInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut coords: Vec<Coord> = Vec::new();
    let new_node = |rng: &mut ChaCha8Rng, coords: &mut Vec<Coord>| {
        coords.push(Coord::from_degrees(
            15.0 + rng.gen_range(0.0..0.05),
            62.0 + rng.gen_range(0.0..0.03),
        ));
        coords.len() as u32 - 1
    };
    let mut paths: Vec<Vec<u32>> = Vec::new();
    for _ in 0..rng.gen_range(1..5) {
        let a = new_node(&mut rng, &mut coords);
        let b = new_node(&mut rng, &mut coords);
        paths.push(vec![a, b]);
    }
    for _ in 0..rng.gen_range(1..120) {
        let old = |rng: &mut ChaCha8Rng, coords: &Vec<Coord>| rng.gen_range(0..coords.len() as u32);
        match rng.gen_range(0..10) {
            0..=3 => {
                let a = old(&mut rng, &coords);
                let b = new_node(&mut rng, &mut coords);
                paths.push(vec![a, b]);
            }
            4..=6 => {
                let a = old(&mut rng, &coords);
                let b = old(&mut rng, &coords);
                let mut chain = vec![a];
                for _ in 0..rng.gen_range(1..6) {
                    chain.push(new_node(&mut rng, &mut coords));
                }
                chain.push(b);
                // Each step its own way, so every new node is a graph node of degree two.
                for w in chain.windows(2) {
                    paths.push(w.to_vec());
                }
            }
            7 => {
                let a = old(&mut rng, &coords);
                let b = new_node(&mut rng, &mut coords);
                let c = new_node(&mut rng, &mut coords);
                paths.extend([vec![a, b], vec![b, c], vec![c, a]]);
            }
            8 => {
                let a = old(&mut rng, &coords);
                let b = old(&mut rng, &coords);
                if a != b {
                    paths.push(vec![a, b]);
                }
            }
            _ => {
                let ring: Vec<u32> = (0..rng.gen_range(2..5))
                    .map(|_| new_node(&mut rng, &mut coords))
                    .collect();
                for w in ring.windows(2) {
                    paths.push(w.to_vec());
                }
                if ring.len() > 2 && rng.gen_bool(0.5) {
                    paths.push(vec![ring[ring.len() - 1], ring[0]]);
                }
            }
        }
    }
    let mut refs = Vec::new();
    let mut ways = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let start = refs.len() as u32;
        refs.extend(p);
        ways.push(random_way(
            &mut rng,
            i as i64 + 1,
            start..refs.len() as u32,
            5,
        ));
    }
    RoadInput {
        osm_ids: (0..coords.len() as i64).map(|i| 1000 + i).collect(),
        coords,
        ways,
        refs,
    }
}

/// Random seeds: few or many, anywhere, with small costs and few sources so that exact ties
/// between sources happen.
pub(crate) fn random_seeds(rng: &mut ChaCha8Rng, nodes: usize) -> Vec<Seed> {
    let count = [1, 3, nodes / 4 + 1, nodes][rng.gen_range(0..4)];
    (0..count)
        .map(|_| Seed {
            node: NodeIdx(rng.gen_range(0..nodes as u32)),
            cost: rng.gen_range(0..3000),
            source: rng.gen_range(0..6),
        })
        .collect()
}

/// Textbook multi-source Dijkstra over the arcs into each node, on `(cost, source)` labels.
fn naive(graph: &Graph, metric: Metric, seeds: &[Seed]) -> Vec<Option<(u32, u32)>> {
    let mut label: Vec<Option<(u32, u32)>> = vec![None; graph.node_count()];
    let mut heap = BinaryHeap::new();
    for s in seeds {
        let l = (s.cost, s.source);
        if label[s.node.index()].is_none_or(|old| l < old) {
            label[s.node.index()] = Some(l);
            heap.push(Reverse((l, s.node.0)));
        }
    }
    let reverse = graph.reverse();
    while let Some(Reverse((l, u))) = heap.pop() {
        if label[u as usize] != Some(l) {
            continue;
        }
        for arc in reverse.arcs(NodeIdx(u)) {
            let w = match metric {
                Metric::Length => arc.length_dm,
                Metric::Time => arc.time_ds,
            };
            let next = (l.0.saturating_add(w), l.1);
            if label[arc.node.index()].is_none_or(|old| next < old) {
                label[arc.node.index()] = Some(next);
                heap.push(Reverse((next, arc.node.0)));
            }
        }
    }
    label
}

fn labels(graph: &Graph, ws: &Workspace) -> Vec<Option<(u32, u32)>> {
    (0..graph.node_count() as u32)
        .map(|n| ws.label(NodeIdx(n)))
        .collect()
}

#[test]
fn core_search_equals_plain_and_naive_search() {
    let (mut trees, mut chains, mut searches) = (0, 0, 0);
    let mut plain_ws = Workspace::new();
    let mut core_ws = Workspace::new();
    for seed in 0..400 {
        let graph = Graph::build(&random_network(seed));
        let core = Core::new(&graph);
        trees += core.tree_nodes();
        chains += core.chain_nodes();
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xc0de);
        for round in 0..4 {
            let seeds = random_seeds(&mut rng, graph.node_count());
            for metric in [Metric::Length, Metric::Time] {
                let expected = naive(&graph, metric, &seeds);
                nearest_sources(&graph, metric, &seeds, &mut plain_ws);
                assert_eq!(
                    labels(&graph, &plain_ws),
                    expected,
                    "plain, seed {seed} round {round}"
                );
                core.nearest_sources(metric, &seeds, &mut core_ws);
                assert_eq!(
                    labels(&graph, &core_ws),
                    expected,
                    "core, seed {seed} round {round} {metric:?}"
                );
                searches += 1;
            }
        }
    }
    // The networks must exercise what is being tested.
    assert!(trees > 5_000, "only {trees} tree nodes");
    assert!(chains > 5_000, "only {chains} chain nodes");
    assert_eq!(searches, 400 * 4 * 2);
}

#[test]
fn core_counts_add_up_and_workspace_is_reusable() {
    for seed in 0..50 {
        let graph = Graph::build(&random_network(seed));
        let core = Core::new(&graph);
        assert_eq!(
            core.core_nodes() + core.chain_nodes() + core.tree_nodes(),
            graph.node_count(),
            "seed {seed}"
        );
        // One workspace used on a bigger graph first, then on this one: nothing carried over.
        let mut ws = Workspace::new();
        let big = Graph::build(&random_network(seed + 1000));
        let big_core = Core::new(&big);
        let seeds = vec![Seed {
            node: NodeIdx(0),
            cost: 0,
            source: 0,
        }];
        big_core.nearest_sources(Metric::Length, &seeds, &mut ws);
        core.nearest_sources(Metric::Length, &seeds, &mut ws);
        assert_eq!(
            labels(&graph, &ws),
            naive(&graph, Metric::Length, &seeds),
            "seed {seed}"
        );
    }
}
