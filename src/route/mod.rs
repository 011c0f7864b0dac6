//! The routing kernel: one multi-source Dijkstra over the reverse graph gives, for every node,
//! the cost to the nearest of many service points and which one it is.
//!
//! Labels are `(cost, source)` pairs compared lexicographically, so among equally near sources
//! the lowest source index wins, at every node. Adding an arc's weight keeps that order, so the
//! label a node ends with is exactly `min over sources j of (cost(node → j), j)`: the result
//! does not depend on heap order or thread count.
//!
//! [`k_nearest`] keeps the `k` best labels with distinct sources per node instead of one
//! ([`two_nearest`] the best two), with the same order and ties.
//!
//! The kernel allocates nothing per call once its [`Workspace`] has grown to the graph's size;
//! use one workspace per thread.

mod core_graph;
mod kbest;
mod label;
mod two;

pub use core_graph::Core;
pub(crate) use kbest::offer;
pub use kbest::{k_nearest, KLabels, MAX_K};
pub use label::Label;
pub use two::{two_nearest, TwoLabels};

use crate::network::graph::{Csr, Graph, NodeIdx};
use crate::network::region::{Prepared, Region};
use crate::network::snap::{SnapOptions, SnapTree};

/// Builds what every analysis of `region` starts from, the snapping index (for `snap`) and
/// the core graph's tables, into `region.prepared`: `servicegap build` stores them in the
/// graph cache, and analyses of the region then use them instead of building their own
/// ([`crate::network::snap::SnapIndex::with_stored`], [`Core::of_region`]).
pub fn prepare(region: &mut Region, snap: SnapOptions) {
    let graph = &region.graph;
    let (tree, core) = rayon::join(|| SnapTree::build(graph, snap), || Core::tables(graph));
    region.prepared = Prepared {
        snap: Some(tree),
        core: Some(core),
    };
}

/// Which edge weight a search minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Length in decimetres.
    Length,
    /// Car time in deciseconds.
    Time,
}

impl Metric {
    /// Both metrics, in field order: length, then time.
    pub const ALL: [Metric; 2] = [Metric::Length, Metric::Time];

    /// The position in [`Metric::ALL`]: 0 for length, 1 for time.
    pub fn index(self) -> usize {
        self as usize
    }
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

/// The bits of [`Label::NONE`]: the workspaces keep labels as their bits.
const UNREACHED: u64 = Label::NONE.bits();

/// The bits of [`Label::new`].
fn pack(cost: u32, source: u32) -> u64 {
    Label::new(cost, source).bits()
}

/// Reusable arrays for [`nearest_sources`].
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    label: Vec<u64>,
    core_label: Vec<u64>,
    chains: Vec<u32>,
    heap: RadixHeap,
    batch: Vec<u32>,
}

/// A monotone priority queue for integer keys (a radix heap): entries live in buckets by the
/// highest bit in which their key differs from the last key popped. Dijkstra only ever pushes
/// keys at least as large as the last popped one, which is all a radix heap needs; pushing and
/// popping are cheap appends and scans of short vectors, far friendlier to the cache than a
/// binary heap when many search fronts are open at once.
///
/// Entries are popped a whole key at a time ([`RadixHeap::pop_window`]); the search keeps the
/// labels, the heap only which nodes to visit.
#[derive(Clone, Debug)]
struct RadixHeap {
    last: u32,
    len: usize,
    buckets: [Vec<(u32, u32)>; 33],
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

    /// The key of the entries [`RadixHeap::pop_window`] took out last.
    fn last_key(&self) -> u32 {
        self.last
    }

    fn bucket(&self, key: u32) -> usize {
        (32 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Pushes a node; `key` must not be below the last popped key.
    fn push(&mut self, key: u32, node: u32) {
        debug_assert!(key >= self.last);
        let b = self.bucket(key);
        self.buckets[b].push((key, node));
        self.len += 1;
    }

    /// Moves the nodes of all entries with the smallest key into `batch` (cleared first);
    /// `false` when the heap is empty.
    fn pop_window(&mut self, batch: &mut Vec<u32>) -> bool {
        batch.clear();
        if self.pop_prepare().is_none() {
            return false;
        }
        self.len -= self.buckets[0].len();
        batch.extend(self.buckets[0].drain(..).map(|e| e.1));
        true
    }

    /// Makes bucket 0 hold exactly the entries with the smallest key.
    fn pop_prepare(&mut self) -> Option<()> {
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
        Some(())
    }
}

/// Workspaces shared by the tasks of a parallel loop: a task takes one (or a new one if all
/// are in use) and gives it back, so a loop over many searches allocates and first touches
/// only as many graph-sized arrays as there are threads.
#[derive(Debug, Default)]
pub struct WorkspacePool(std::sync::Mutex<Vec<Workspace>>);

impl WorkspacePool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `f` with a workspace of the pool.
    pub fn with<R>(&self, f: impl FnOnce(&mut Workspace) -> R) -> R {
        let taken = self.0.lock().map(|mut v| v.pop()).unwrap_or(None);
        let mut ws = taken.unwrap_or_default();
        let result = f(&mut ws);
        if let Ok(mut v) = self.0.lock() {
            v.push(ws);
        }
        result
    }
}

impl Workspace {
    /// An empty workspace; it grows to the graph on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `(cost, source)` label of a node, `None` if no source can be reached from it.
    pub fn label(&self, node: NodeIdx) -> Option<(u32, u32)> {
        Label::from_bits(self.label[node.index()]).get()
    }

    /// Sum of the costs of all reached nodes (a checksum for benchmarks and tests).
    pub fn cost_sum(&self) -> u64 {
        self.label
            .iter()
            .filter(|&&l| l != UNREACHED)
            .map(|l| l >> 32)
            .sum()
    }

    fn reset(&mut self, n: usize) {
        self.label.clear();
        self.label.resize(n, UNREACHED);
        self.heap.clear();
    }
}

/// For every node, the cost of the cheapest directed path from it to any seed's source, by
/// `metric`, with ties to the lowest source index. Results are left in `ws`.
///
/// The queue is bucketed: all entries whose cost falls in the same window of one or two mean arcs
/// are taken out together, sorted by node index and relaxed in that order. With hundreds of
/// search fronts open at once, this turns scattered memory accesses into a pass in node order
/// (nodes are numbered along a space-filling curve). A node improved again inside its window is
/// queued and relaxed again, so labels are exact, as in Dijkstra's algorithm.
///
/// [`Core::nearest_sources`] gives the same labels faster when many searches run on one graph.
pub fn nearest_sources(graph: &Graph, metric: Metric, seeds: &[Seed], ws: &mut Workspace) {
    ws.reset(graph.node_count());
    let shift = window_shift(graph, metric);
    for s in seeds {
        let label = pack(s.cost, s.source);
        let slot = &mut ws.label[s.node.index()];
        if label < *slot {
            *slot = label;
            ws.heap.push(s.cost >> shift, s.node.0);
        }
    }
    let reverse = graph.reverse();
    let weights = match metric {
        Metric::Length => reverse.lengths_dm(),
        Metric::Time => reverse.times_ds(),
    };
    settle_windows(
        reverse,
        weights,
        shift,
        &mut ws.label,
        &mut ws.heap,
        &mut ws.batch,
    );
}

/// The bucket width `2^shift` of a search by `metric`: between one and two mean arcs (measured
/// best on road grids: half as wide sorts too often, twice as wide relaxes nodes again too
/// often).
fn window_shift(graph: &Graph, metric: Metric) -> u32 {
    let (mean_length, mean_time) = graph.mean_arc();
    let mean = match metric {
        Metric::Length => mean_length,
        Metric::Time => mean_time,
    };
    (32 - mean.max(1).leading_zeros()).min(31)
}

/// The windowed search over the arcs into each node (`reverse`, weighted by `weights`) from
/// the labels already set and queued in `heap`, until the queue is empty.
fn settle_windows(
    reverse: &Csr,
    weights: &[u32],
    shift: u32,
    label: &mut [u64],
    heap: &mut RadixHeap,
    batch: &mut Vec<u32>,
) {
    let heads = reverse.heads();
    while heap.pop_window(batch) {
        batch.sort_unstable();
        batch.dedup();
        for &node in batch.iter() {
            let l = label[node as usize];
            let (cost, source) = ((l >> 32) as u32, l as u32);
            for i in reverse.range(NodeIdx(node)) {
                let v = heads[i];
                let next = cost.saturating_add(weights[i]);
                let new = pack(next, source);
                let slot = &mut label[v.index()];
                if new < *slot {
                    *slot = new;
                    heap.push(next >> shift, v.0);
                }
            }
        }
    }
}

/// One plain single-source Dijkstra sweep over the forward graph (costs only, textbook binary
/// heap): the yardstick the analysis is benchmarked against. Reached costs are summed by
/// [`Workspace::cost_sum`].
pub fn single_source(graph: &Graph, metric: Metric, source: NodeIdx, ws: &mut Workspace) {
    use std::cmp::Reverse;
    ws.reset(graph.node_count());
    let mut heap = std::collections::BinaryHeap::new();
    ws.label[source.index()] = 0;
    heap.push(Reverse((0u32, source.0)));
    let forward = graph.forward();
    let heads = forward.heads();
    let weights = match metric {
        Metric::Length => forward.lengths_dm(),
        Metric::Time => forward.times_ds(),
    };
    while let Some(Reverse((cost, node))) = heap.pop() {
        if pack(cost, 0) != ws.label[node as usize] {
            continue;
        }
        for i in forward.range(NodeIdx(node)) {
            let v = heads[i];
            let next = pack(cost.saturating_add(weights[i]), 0);
            if next < ws.label[v.index()] {
                ws.label[v.index()] = next;
                heap.push(Reverse(((next >> 32) as u32, v.0)));
            }
        }
    }
}
