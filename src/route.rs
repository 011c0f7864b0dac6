//! The routing kernel: one multi-source Dijkstra over the reverse graph gives, for every node,
//! the cost to the nearest of many service points and which one it is.
//!
//! Labels are `(cost, source)` pairs compared lexicographically, so among equally near sources
//! the lowest source index wins, at every node. Adding an arc's weight keeps that order, so the
//! label a node ends with is exactly `min over sources j of (cost(node → j), j)`: the result
//! does not depend on heap order or thread count.
//!
//! The kernel allocates nothing per call once its [`Workspace`] has grown to the graph's size;
//! use one workspace per thread.

use crate::graph::{Graph, NodeIdx};

/// Which edge weight a search minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Length in decimetres.
    Length,
    /// Car time in deciseconds.
    Time,
}

/// A starting point of a search: reaching `node` costs `cost` more to get to source `source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed {
    /// The node where the search starts.
    pub node: NodeIdx,
    /// Cost already paid from `node` to the source (the partial edge and the snap leg).
    pub cost: u32,
    /// The source's index (lower wins ties).
    pub source: u32,
}

/// Marks an unreached node in [`Workspace::cost`] and [`Workspace::source`].
pub const UNREACHED: u32 = u32::MAX;

/// Reusable arrays for [`nearest_sources`].
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    cost: Vec<u32>,
    source: Vec<u32>,
    heap: RadixHeap,
}

/// A monotone priority queue for integer keys (a radix heap): entries live in buckets by the
/// highest bit in which their key differs from the last key popped. Dijkstra only ever pushes
/// keys at least as large as the last popped one, which is all a radix heap needs; pushing and
/// popping are cheap appends and scans of short vectors, far friendlier to the cache than a
/// binary heap when many search fronts are open at once.
///
/// Entries with equal keys pop in no particular order. The searches stay exact because a node
/// whose label improves after it was popped (same cost, lower source, over a zero-length arc)
/// is pushed and popped again.
#[derive(Clone, Debug)]
struct RadixHeap {
    last: u32,
    len: usize,
    buckets: [Vec<(u32, u32, u32)>; 33],
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            last: 0,
            len: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl RadixHeap {
    fn clear(&mut self) {
        self.last = 0;
        self.len = 0;
        for b in &mut self.buckets {
            b.clear();
        }
    }

    fn bucket(&self, key: u32) -> usize {
        (32 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Pushes an entry; `key` must not be below the last popped key.
    fn push(&mut self, key: u32, source: u32, node: u32) {
        debug_assert!(key >= self.last);
        let b = self.bucket(key);
        self.buckets[b].push((key, source, node));
        self.len += 1;
    }

    fn pop(&mut self) -> Option<(u32, u32, u32)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let i = self.buckets.iter().position(|b| !b.is_empty())?;
            let moved = std::mem::take(&mut self.buckets[i]);
            self.last = moved.iter().map(|e| e.0).min()?;
            for e in &moved {
                let b = self.bucket(e.0);
                self.buckets[b].push(*e);
            }
            // Keep the emptied vector's allocation for later rounds.
            let mut moved = moved;
            moved.clear();
            if self.buckets[i].is_empty() {
                self.buckets[i] = moved;
            }
        }
        self.len -= 1;
        self.buckets[0].pop()
    }
}

impl Workspace {
    /// An empty workspace; it grows to the graph on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cost from each node to its nearest source ([`UNREACHED`] if none).
    pub fn cost(&self) -> &[u32] {
        &self.cost
    }

    /// The nearest source of each node ([`UNREACHED`] if none).
    pub fn source(&self) -> &[u32] {
        &self.source
    }

    /// The `(cost, source)` label of a node, `None` if no source can be reached from it.
    pub fn label(&self, node: NodeIdx) -> Option<(u32, u32)> {
        let i = node.index();
        (self.source[i] != UNREACHED).then(|| (self.cost[i], self.source[i]))
    }
}

/// For every node, the cost of the cheapest directed path from it to any seed's source, by
/// `metric`, with ties to the lowest source index. Results are left in `ws`.
pub fn nearest_sources(graph: &Graph, metric: Metric, seeds: &[Seed], ws: &mut Workspace) {
    let n = graph.node_count();
    ws.cost.clear();
    ws.cost.resize(n, UNREACHED);
    ws.source.clear();
    ws.source.resize(n, UNREACHED);
    ws.heap.clear();
    for s in seeds {
        let i = s.node.index();
        if (s.cost, s.source) < (ws.cost[i], ws.source[i]) {
            ws.cost[i] = s.cost;
            ws.source[i] = s.source;
            ws.heap.push(s.cost, s.source, s.node.0);
        }
    }
    let reverse = graph.reverse();
    while let Some((cost, source, node)) = ws.heap.pop() {
        let u = node as usize;
        if (cost, source) != (ws.cost[u], ws.source[u]) {
            continue; // stale entry
        }
        for arc in reverse.arcs(NodeIdx(node)) {
            let w = match metric {
                Metric::Length => arc.length_dm,
                Metric::Time => arc.time_ds,
            };
            let next = cost.saturating_add(w);
            let v = arc.node.index();
            if (next, source) < (ws.cost[v], ws.source[v]) {
                ws.cost[v] = next;
                ws.source[v] = source;
                ws.heap.push(next, source, arc.node.0);
            }
        }
    }
}

/// One plain single-source Dijkstra sweep over the forward graph (costs only, textbook binary
/// heap): the yardstick the analysis is benchmarked against. Costs are left in `ws.cost()`.
pub fn single_source(graph: &Graph, metric: Metric, source: NodeIdx, ws: &mut Workspace) {
    use std::cmp::Reverse;
    let n = graph.node_count();
    ws.cost.clear();
    ws.cost.resize(n, UNREACHED);
    ws.source.clear();
    ws.source.resize(n, UNREACHED);
    let mut heap = std::collections::BinaryHeap::new();
    ws.cost[source.index()] = 0;
    heap.push(Reverse((0u32, source.0)));
    let forward = graph.forward();
    while let Some(Reverse((cost, node))) = heap.pop() {
        if cost != ws.cost[node as usize] {
            continue;
        }
        for arc in forward.arcs(NodeIdx(node)) {
            let w = match metric {
                Metric::Length => arc.length_dm,
                Metric::Time => arc.time_ds,
            };
            let next = cost.saturating_add(w);
            if next < ws.cost[arc.node.index()] {
                ws.cost[arc.node.index()] = next;
                heap.push(Reverse((next, arc.node.0)));
            }
        }
    }
}
