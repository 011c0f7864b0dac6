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

use crate::network::graph::{Csr, Graph, NodeIdx};
use rayon::prelude::*;

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

/// Label of an unreached node.
const UNREACHED: u64 = u64::MAX;

/// A `(cost, source)` label packed as `cost << 32 | source`, so that comparing labels is one
/// integer comparison and reading or writing one is one memory access.
fn pack(cost: u32, source: u32) -> u64 {
    (u64::from(cost) << 32) | u64::from(source)
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
        let l = self.label[node.index()];
        (l != UNREACHED).then_some(((l >> 32) as u32, l as u32))
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

/// No arc (from [`single_arc`]).
const NO_ARC: u32 = u32::MAX;

/// An arc set aside with a tree or chain node, by its weights `[length dm, time ds]`, kept
/// beside the node so that filling in labels reads no other array.
type Link = Option<[u32; 2]>;

/// The [`Link`] of the arc at `position` in `reverse` ([`NO_ARC`]: none).
fn link(reverse: &Csr, position: u32) -> Link {
    (position != NO_ARC).then(|| {
        let i = position as usize;
        [reverse.lengths_dm()[i], reverse.times_ds()[i]]
    })
}

/// Tags of [`Core::place`]: the rest of the value is a position in [`Core::chain_nodes`] or
/// [`Core::tree`]; an untagged value is a core index.
const CHAIN: u32 = 1 << 30;
const TREE: u32 = 2 << 30;
const TAGS: u32 = 3 << 30;

/// A node set aside from the core in a dead-end tree: it hangs off `parent` and is linked to
/// nothing else but its own subtree.
#[derive(Clone, Copy, Debug)]
struct TreeNode {
    node: u32,
    parent: u32,
    /// The arc `node → parent`, if any.
    to_parent: Link,
    /// The arc `parent → node`, if any.
    from_parent: Link,
}

/// A node inside a chain: linked only to the node before it and the node after it.
#[derive(Clone, Copy, Debug)]
struct ChainNode {
    node: u32,
    /// The arc to the node before, if any.
    to_prev: Link,
    /// The arc from the node before, if any.
    from_prev: Link,
}

/// A chain of nodes of two neighbours each between two core nodes `ends` (the same node for a
/// loop): `chain_nodes[first..first + len]`, in order from `ends[0]`.
#[derive(Clone, Copy, Debug)]
struct Chain {
    ends: [u32; 2],
    first: u32,
    len: u32,
    /// The arc from the last node to `ends[1]`, if any.
    to_end: Link,
    /// The arc from `ends[1]` to the last node, if any.
    from_end: Link,
}

/// The graph with its dead-end trees and its chains set aside, for running many nearest-source
/// searches on one graph: each search runs on what is left (the core, with one shortcut arc
/// per chain and direction), and the rest is filled in afterwards by linear passes.
///
/// A third of a national road graph's nodes lie on dead ends (driveways, farm tracks,
/// cul-de-sacs), and a third of the rest only link two roads (a bend, a bridge, a way split
/// where its tags change). A node whose only neighbour is one other node is a leaf; leaves are
/// removed until none is left, each remembering the neighbour it hung off. A path from a tree
/// node to a source outside its subtree passes through its parent, so its label is its
/// parent's plus one arc, or the best within its own subtree; a source inside a tree reaches
/// the rest only through the tree's root. Likewise a path from a chain node leaves the chain
/// at one of its two ends, and a source inside a chain reaches the rest only through them.
/// The labels are therefore exactly those of [`nearest_sources`] on the whole graph, ties
/// included. Nodes linked to a neighbour by more than one arc in one direction (parallel
/// roads) are kept in the core, so every set-aside link is a single arc each way.
#[derive(Clone, Debug)]
pub struct Core<'g> {
    graph: &'g Graph,
    /// For each graph node: its core index, or [`CHAIN`] | its position in `chain_nodes`, or
    /// [`TREE`] | its position in `tree`.
    place: Vec<u32>,
    /// The graph node of each core index, increasing.
    original: Vec<u32>,
    /// The arcs between core nodes and the chains' shortcuts, as in [`Graph::reverse`], in
    /// core indices.
    reverse: Csr,
    chains: Vec<Chain>,
    chain_nodes: Vec<ChainNode>,
    /// The tree nodes in the order they were removed: every node before its parent.
    tree: Vec<TreeNode>,
}

/// The one arc of `reverse` into `into` from `from`: `Some(NO_ARC)` if there is none, `None` if
/// there are several.
fn single_arc(reverse: &Csr, into: u32, from: u32) -> Option<u32> {
    let mut found = reverse
        .range(NodeIdx(into))
        .filter(|&i| reverse.heads()[i].0 == from);
    match (found.next(), found.next()) {
        (None, _) => Some(NO_ARC),
        (Some(i), None) => Some(i as u32),
        _ => None,
    }
}

/// The weight by metric `m` (0 length, 1 time) of a set-aside arc.
fn weight(m: usize, link: Link) -> Option<u32> {
    link.map(|w| w[m])
}

/// `label` carried over one arc of weight `w`, if there is an arc and a label.
fn extend(label: u64, w: Option<u32>) -> u64 {
    match w {
        Some(w) if label != UNREACHED => {
            pack(((label >> 32) as u32).saturating_add(w), label as u32)
        }
        _ => UNREACHED,
    }
}

impl<'g> Core<'g> {
    /// Sets aside the dead-end trees and chains of `graph`. A graph of 2^30 nodes or more is
    /// kept whole.
    pub fn new(graph: &'g Graph) -> Self {
        let n = graph.node_count();
        let (forward, reverse) = (graph.forward(), graph.reverse());
        if n >= CHAIN as usize {
            // Core indices would collide with the tags: search the whole graph instead.
            return Core {
                graph,
                place: Vec::new(),
                original: Vec::new(),
                reverse: Csr::default(),
                chains: Vec::new(),
                chain_nodes: Vec::new(),
                tree: Vec::new(),
            };
        }
        // The distinct neighbours of `v` other than itself and the `removed` nodes.
        let neighbours_of = |v: u32, removed: &[bool], buffer: &mut Vec<u32>| {
            buffer.clear();
            for csr in [forward, reverse] {
                for h in &csr.heads()[csr.range(NodeIdx(v))] {
                    // Few neighbours each: a scan beats sorting.
                    if h.0 != v
                        && !removed.get(h.index()).copied().unwrap_or(false)
                        && !buffer.contains(&h.0)
                    {
                        buffer.push(h.0);
                    }
                }
            }
        };
        let mut neighbours: Vec<u32> = (0..n as u32)
            .into_par_iter()
            .map_init(Vec::new, |buffer, v| {
                neighbours_of(v, &[], buffer);
                buffer.len() as u32
            })
            .collect();

        // Peel leaves.
        let mut removed = vec![false; n];
        let mut tree: Vec<TreeNode> = Vec::new();
        let mut stack: Vec<u32> = (0..n as u32)
            .rev()
            .filter(|&v| neighbours[v as usize] == 1)
            .collect();
        let mut buffer = Vec::new();
        while let Some(x) = stack.pop() {
            if removed[x as usize] || neighbours[x as usize] != 1 {
                continue;
            }
            neighbours_of(x, &removed, &mut buffer);
            let parent = buffer[0];
            let (Some(to_parent), Some(from_parent)) = (
                single_arc(reverse, parent, x),
                single_arc(reverse, x, parent),
            ) else {
                continue;
            };
            removed[x as usize] = true;
            tree.push(TreeNode {
                node: x,
                parent,
                to_parent: link(reverse, to_parent),
                from_parent: link(reverse, from_parent),
            });
            neighbours[parent as usize] -= 1;
            if neighbours[parent as usize] == 1 {
                stack.push(parent);
            }
        }

        // Links: nodes left with two neighbours, by single arcs each way. The neighbours are
        // kept, so that chains can be walked.
        let links: Vec<Option<[u32; 2]>> = (0..n as u32)
            .into_par_iter()
            .map_init(Vec::new, |buffer, v| {
                if removed[v as usize] || neighbours[v as usize] != 2 {
                    return None;
                }
                neighbours_of(v, &removed, buffer);
                let single = |a: u32| {
                    single_arc(reverse, a, v).is_some() && single_arc(reverse, v, a).is_some()
                };
                (buffer.len() == 2 && single(buffer[0]) && single(buffer[1]))
                    .then(|| [buffer[0], buffer[1]])
            })
            .collect();
        drop(neighbours);

        // Walk the chains: from each unvisited link towards its first neighbour until a node
        // that is not a link, then back the other way. A ring of links only stays in the core.
        let mut in_chain = vec![false; n];
        let mut chains: Vec<Chain> = Vec::new();
        let mut chain_nodes: Vec<ChainNode> = Vec::new();
        let mut walk: Vec<u32> = Vec::new();
        for v in 0..n as u32 {
            let Some(first) = links[v as usize] else {
                continue;
            };
            if in_chain[v as usize] {
                continue;
            }
            // Find one end.
            let (mut prev, mut at) = (v, first[0]);
            let mut ring = false;
            while let Some(next) = links[at as usize] {
                if at == v {
                    ring = true;
                    break;
                }
                let step = if next[0] == prev { next[1] } else { next[0] };
                (prev, at) = (at, step);
            }
            if ring {
                continue;
            }
            // Walk from that end to the other, collecting the links.
            let start = at;
            walk.clear();
            let (mut prev, mut at) = (start, prev);
            while let Some(next) = links[at as usize] {
                walk.push(at);
                let step = if next[0] == prev { next[1] } else { next[0] };
                (prev, at) = (at, step);
            }
            let end = at;
            let first_node = chain_nodes.len() as u32;
            let mut before = start;
            for &x in &walk {
                in_chain[x as usize] = true;
                chain_nodes.push(ChainNode {
                    node: x,
                    to_prev: link(reverse, single_arc(reverse, before, x).unwrap_or(NO_ARC)),
                    from_prev: link(reverse, single_arc(reverse, x, before).unwrap_or(NO_ARC)),
                });
                before = x;
            }
            chains.push(Chain {
                ends: [start, end],
                first: first_node,
                len: walk.len() as u32,
                to_end: link(reverse, single_arc(reverse, end, before).unwrap_or(NO_ARC)),
                from_end: link(reverse, single_arc(reverse, before, end).unwrap_or(NO_ARC)),
            });
        }
        drop(links);

        let mut place = vec![0u32; n];
        let mut original = Vec::with_capacity(n - tree.len() - chain_nodes.len());
        for (v, slot) in place.iter_mut().enumerate() {
            if !removed[v] && !in_chain[v] {
                *slot = original.len() as u32;
                original.push(v as u32);
            }
        }
        drop(removed);
        drop(in_chain);
        for (i, t) in tree.iter().enumerate() {
            place[t.node as usize] = TREE | i as u32;
        }
        for (i, c) in chain_nodes.iter().enumerate() {
            place[c.node as usize] = CHAIN | i as u32;
        }

        // Shortcuts: (into, from, length, time) in core indices, sorted by `into`.
        let path_weight = |m: usize, chain: &Chain, forward: bool| -> Option<u32> {
            let nodes = &chain_nodes[chain.first as usize..(chain.first + chain.len) as usize];
            let mut total = 0u32;
            for c in nodes {
                let arc = if forward { c.from_prev } else { c.to_prev };
                total = total.saturating_add(weight(m, arc)?);
            }
            let last = if forward {
                chain.to_end
            } else {
                chain.from_end
            };
            Some(total.saturating_add(weight(m, last)?))
        };
        let mut shortcuts: Vec<(u32, u32, u32, u32)> = Vec::new();
        for chain in &chains {
            let [a, b] = chain.ends;
            if a == b {
                continue;
            }
            let (a, b) = (place[a as usize], place[b as usize]);
            if let (Some(l), Some(t)) = (path_weight(0, chain, true), path_weight(1, chain, true)) {
                shortcuts.push((b, a, l, t));
            }
            if let (Some(l), Some(t)) = (path_weight(0, chain, false), path_weight(1, chain, false))
            {
                shortcuts.push((a, b, l, t));
            }
        }
        shortcuts.sort_unstable();

        let core_head =
            |i: usize| Some(place[reverse.heads()[i].index()]).filter(|h| h & TAGS == 0);
        let arcs = original
            .par_iter()
            .map(|&v| {
                reverse
                    .range(NodeIdx(v))
                    .filter(|&i| core_head(i).is_some())
                    .count()
            })
            .sum::<usize>()
            + shortcuts.len();
        let mut core = Csr {
            first: Vec::with_capacity(original.len() + 1),
            node: Vec::with_capacity(arcs),
            length_dm: Vec::with_capacity(arcs),
            time_ds: Vec::with_capacity(arcs),
            edge: Vec::new(),
        };
        core.first.push(0);
        let mut next_shortcut = shortcuts.iter().peekable();
        for (c, &v) in original.iter().enumerate() {
            for i in reverse.range(NodeIdx(v)) {
                if let Some(head) = core_head(i) {
                    core.node.push(NodeIdx(head));
                    core.length_dm.push(reverse.lengths_dm()[i]);
                    core.time_ds.push(reverse.times_ds()[i]);
                }
            }
            while let Some(&&(into, from, l, t)) = next_shortcut.peek() {
                if into != c as u32 {
                    break;
                }
                core.node.push(NodeIdx(from));
                core.length_dm.push(l);
                core.time_ds.push(t);
                next_shortcut.next();
            }
            core.first.push(core.node.len() as u32);
        }
        Core {
            graph,
            place,
            original,
            reverse: core,
            chains,
            chain_nodes,
            tree,
        }
    }

    /// Number of nodes the search proper runs on.
    pub fn core_nodes(&self) -> usize {
        if self.place.is_empty() {
            self.graph.node_count()
        } else {
            self.original.len()
        }
    }

    /// Number of nodes set aside inside chains.
    pub fn chain_nodes(&self) -> usize {
        self.chain_nodes.len()
    }

    /// Number of nodes set aside in dead-end trees.
    pub fn tree_nodes(&self) -> usize {
        self.tree.len()
    }

    /// The label slot of graph node `v`: in the core's labels for a core node, else in the
    /// graph's.
    fn slot<'w>(&self, ws: &'w mut Workspace, v: u32) -> &'w mut u64 {
        let place = self.place[v as usize];
        if place & TAGS == 0 {
            &mut ws.core_label[place as usize]
        } else {
            &mut ws.label[v as usize]
        }
    }

    /// The same labels as [`nearest_sources`] on the whole graph (see [`Core`]).
    pub fn nearest_sources(&self, metric: Metric, seeds: &[Seed], ws: &mut Workspace) {
        let graph = self.graph;
        if self.place.is_empty() {
            return nearest_sources(graph, metric, seeds, ws);
        }
        ws.reset(graph.node_count());
        ws.core_label.clear();
        ws.core_label.resize(self.original.len(), UNREACHED);
        ws.chains.clear();
        let shift = window_shift(graph, metric);
        let m = match metric {
            Metric::Length => 0,
            Metric::Time => 1,
        };
        // Seeds; a seed in a tree is carried up towards the core as far as it improves labels.
        for s in seeds {
            let mut label = pack(s.cost, s.source);
            let mut v = s.node.0;
            loop {
                let slot = self.slot(ws, v);
                if label >= *slot {
                    break;
                }
                *slot = label;
                let place = self.place[v as usize];
                if place & TAGS == CHAIN {
                    ws.chains.push(place & !TAGS);
                }
                if place & TAGS != TREE {
                    break;
                }
                let t = self.tree[(place & !TAGS) as usize];
                label = extend(label, weight(m, t.from_parent));
                v = t.parent;
            }
        }
        // A source inside a chain reaches the core through the chain's ends.
        let mut touched = std::mem::take(&mut ws.chains);
        touched.sort_unstable();
        touched.dedup();
        let mut last = None;
        for &position in &touched {
            let c = self.chains.partition_point(|c| c.first <= position) - 1;
            if last == Some(c) {
                continue;
            }
            last = Some(c);
            let chain = &self.chains[c];
            let nodes = self.nodes_of(chain);
            // Into the first end: from it to the first node, then along the chain.
            let mut best = UNREACHED;
            for (i, x) in nodes.iter().enumerate().rev() {
                let to_next = nodes.get(i + 1).and_then(|next| next.from_prev);
                best = extend(best, weight(m, to_next)).min(ws.label[x.node as usize]);
            }
            let into_first = extend(best, weight(m, nodes[0].from_prev));
            let slot = self.slot(ws, chain.ends[0]);
            *slot = (*slot).min(into_first);
            // Into the last end: from it to the last node, then back along the chain.
            let mut best = UNREACHED;
            for x in nodes {
                best = extend(best, weight(m, x.to_prev)).min(ws.label[x.node as usize]);
            }
            let into_last = extend(best, weight(m, chain.from_end));
            let slot = self.slot(ws, chain.ends[1]);
            *slot = (*slot).min(into_last);
        }
        ws.chains = touched;

        // The search proper, on the core.
        for (c, &label) in ws.core_label.iter().enumerate() {
            if label != UNREACHED {
                ws.heap.push(((label >> 32) as u32) >> shift, c as u32);
            }
        }
        let core_weights = match metric {
            Metric::Length => self.reverse.lengths_dm(),
            Metric::Time => self.reverse.times_ds(),
        };
        settle_windows(
            &self.reverse,
            core_weights,
            shift,
            &mut ws.core_label,
            &mut ws.heap,
            &mut ws.batch,
        );
        for (&v, &label) in self.original.iter().zip(&ws.core_label) {
            ws.label[v as usize] = label;
        }

        // Chains: every node leaves by the first end or by the last (or finds its source
        // inside): one pass each way.
        for chain in &self.chains {
            let nodes = self.nodes_of(chain);
            let mut best = ws.label[chain.ends[0] as usize];
            for x in nodes {
                let slot = &mut ws.label[x.node as usize];
                best = extend(best, weight(m, x.to_prev)).min(*slot);
                *slot = best;
            }
            let mut best = ws.label[chain.ends[1] as usize];
            let mut to_next = chain.to_end;
            for x in nodes.iter().rev() {
                let slot = &mut ws.label[x.node as usize];
                best = extend(best, weight(m, to_next)).min(*slot);
                *slot = best;
                to_next = x.from_prev;
            }
        }
        // Trees, parents before children: every tree node may leave through its parent.
        for t in self.tree.iter().rev() {
            let through_parent = extend(ws.label[t.parent as usize], weight(m, t.to_parent));
            let slot = &mut ws.label[t.node as usize];
            *slot = (*slot).min(through_parent);
        }
    }

    /// The nodes inside `chain`, from its first end to its last.
    fn nodes_of(&self, chain: &Chain) -> &[ChainNode] {
        &self.chain_nodes[chain.first as usize..(chain.first + chain.len) as usize]
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
