//! The two-label search: for every node, its two best `(cost, source)` labels with distinct
//! sources, so that the second is exactly the nearest source other than the first.
//!
//! A label-setting search in which a node is settled at most twice: first by its best label,
//! then by the best label of another source. Each settled label is relaxed once, so the work is
//! about twice that of a one-label search. [`crate::route::Core::two_nearest`] gives the same
//! labels on the core graph.

use super::{Label, Metric, Seed};
use crate::network::graph::{Csr, Graph, NodeIdx};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A node's two best labels with distinct sources, best first ([`Label::NONE`]: none).
pub type TwoLabels = [Label; 2];

/// Offers `l` to a node's labels `slot` of which `settled` (0, 1 or 2) are final; true if it
/// became one of the node's two labels.
fn offer(slot: &mut TwoLabels, settled: u8, l: Label) -> bool {
    match settled {
        2 => return false,
        1 if slot[0].source() == l.source() => return false,
        _ => {}
    }
    if slot[0] != Label::NONE && slot[0].source() == l.source() {
        if l < slot[0] {
            slot[0] = l;
            return true;
        }
        return false;
    }
    if slot[1] != Label::NONE && slot[1].source() == l.source() {
        if l < slot[1] {
            slot[1] = l;
            if slot[1] < slot[0] && settled == 0 {
                slot.swap(0, 1);
            }
            return true;
        }
        return false;
    }
    if l < slot[0] && settled == 0 {
        slot[1] = slot[0];
        slot[0] = l;
        true
    } else if l < slot[1] {
        slot[1] = l;
        true
    } else {
        false
    }
}

/// Merges `l` into the labels `slot` of a node not being searched; true if it became one of
/// them.
pub(crate) fn insert(slot: &mut TwoLabels, l: Label) -> bool {
    l != Label::NONE && offer(slot, 0, l)
}

/// Both labels carried over one arc of weight `w`; none without an arc.
pub(crate) fn extend(labels: TwoLabels, w: Option<u32>) -> TwoLabels {
    match w {
        Some(w) => labels.map(|l| l.plus(w)),
        None => [Label::NONE; 2],
    }
}

/// The best two of `a` and `b` together.
pub(crate) fn merge(mut a: TwoLabels, b: TwoLabels) -> TwoLabels {
    for l in b {
        insert(&mut a, l);
    }
    a
}

/// The two-label search over the arcs into each node (`reverse`, weighted by `weights`) from
/// the `offers` `(node, label)`, into `labels` (all [`Label::NONE`] before).
pub(crate) fn search(
    reverse: &Csr,
    weights: &[u32],
    labels: &mut [TwoLabels],
    offers: impl IntoIterator<Item = (u32, Label)>,
) {
    let mut settled = vec![0u8; labels.len()];
    let mut heap = BinaryHeap::new();
    for (v, l) in offers {
        if offer(&mut labels[v as usize], 0, l) {
            heap.push(Reverse((l, v)));
        }
    }
    let heads = reverse.heads();
    while let Some(Reverse((l, node))) = heap.pop() {
        let v = node as usize;
        let k = settled[v] as usize;
        if k == 2 || labels[v][k] != l {
            continue;
        }
        settled[v] += 1;
        for i in reverse.range(NodeIdx(node)) {
            let u = heads[i].index();
            let next = l.plus(weights[i]);
            if offer(&mut labels[u], settled[u], next) {
                heap.push(Reverse((next, u as u32)));
            }
        }
    }
}

/// For every node of `graph`, its two best labels with distinct sources by `metric` over the
/// reverse graph.
pub fn two_nearest(graph: &Graph, metric: Metric, seeds: &[Seed]) -> Vec<TwoLabels> {
    let mut labels = vec![[Label::NONE; 2]; graph.node_count()];
    let reverse = graph.reverse();
    let weights = match metric {
        Metric::Length => reverse.lengths_dm(),
        Metric::Time => reverse.times_ds(),
    };
    let offers = seeds
        .iter()
        .map(|s| (s.node.0, Label::new(s.cost, s.source)));
    search(reverse, weights, &mut labels, offers);
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::coord::Coord;
    use crate::read::profile::{Direction, RoadAttrs};
    use crate::read::roads::{RoadInput, RoadWay};
    use crate::route::Core;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A random network full of what the core sets aside: dead ends, chains, loops hanging off
    /// one node, parallel roads, oneways, separate rings.
    fn random_network(rng: &mut ChaCha8Rng) -> Graph {
        let mut coords: Vec<Coord> = Vec::new();
        let mut new_node = |rng: &mut ChaCha8Rng| {
            coords.push(Coord::from_degrees(
                15.0 + rng.gen_range(0.0..0.05),
                62.0 + rng.gen_range(0.0..0.03),
            ));
            coords.len() as u32 - 1
        };
        let mut paths: Vec<Vec<u32>> = vec![vec![new_node(rng), new_node(rng)]];
        let mut count = 2u32;
        for _ in 0..rng.gen_range(1..100) {
            let a = rng.gen_range(0..count);
            let b = rng.gen_range(0..count);
            let mut path = vec![a];
            match rng.gen_range(0..5) {
                0 | 1 => path.push(new_node(rng)),
                2 => {
                    for _ in 0..rng.gen_range(1..5) {
                        path.push(new_node(rng));
                    }
                    path.push(b);
                }
                3 if a != b => path.push(b),
                _ => {
                    let (x, y) = (new_node(rng), new_node(rng));
                    path.extend([x, y, a]);
                }
            }
            count = path.iter().fold(count, |c, &v| c.max(v + 1));
            // Each step its own way, so that new nodes are graph nodes.
            paths.extend(path.windows(2).map(<[u32]>::to_vec));
        }
        let mut refs = Vec::new();
        let mut ways = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let start = refs.len() as u32;
            refs.extend(p);
            let direction = match rng.gen_range(0..5) {
                0 => Direction::Forward,
                1 => Direction::Backward,
                _ => Direction::Both,
            };
            ways.push(RoadWay {
                osm_id: i as i64 + 1,
                attrs: RoadAttrs {
                    class: rng.gen_range(0..15),
                    speed_kmh: [30.0, 50.0, 90.0][rng.gen_range(0..3)],
                    direction,
                    ferry_s: None,
                },
                start,
                end: refs.len() as u32,
            });
        }
        Graph::build(&RoadInput {
            osm_ids: (0..count as i64).map(|i| 1000 + i).collect(),
            coords: std::mem::take(&mut coords),
            ways,
            refs,
        })
    }

    #[test]
    fn core_gives_the_two_labels_of_the_whole_graph() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut set_aside = 0;
        for _ in 0..300 {
            let graph = random_network(&mut rng);
            let core = Core::new(&graph);
            set_aside += core.tree_nodes() + core.chain_nodes();
            let n = graph.node_count() as u32;
            for metric in Metric::ALL {
                let seeds: Vec<Seed> = (0..[1, 3, n / 3 + 1, n][rng.gen_range(0..4)])
                    .map(|_| Seed {
                        node: NodeIdx(rng.gen_range(0..n)),
                        cost: rng.gen_range(0..3000),
                        source: rng.gen_range(0..5),
                    })
                    .collect();
                assert_eq!(
                    core.two_nearest(metric, &seeds),
                    two_nearest(&graph, metric, &seeds)
                );
            }
        }
        assert!(set_aside > 1000, "the networks set aside {set_aside} nodes");
    }
}
