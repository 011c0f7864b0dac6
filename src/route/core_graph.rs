//! The core graph: a road graph with its dead-end trees and chains set aside, so that many
//! nearest-source searches on one graph each run on what is left and fill in the rest by
//! linear passes (see [`Core`]).

use super::kbest::{self, KLabels, MAX_K};
use super::two::{self, TwoLabels};
use super::{
    nearest_sources, pack, settle_windows, window_shift, Label, Metric, RadixHeap, Seed, Workspace,
    UNREACHED,
};
use crate::base::array::Array;
use crate::network::core_tables::{
    Chain, ChainNode, CoreTables, Link, TreeNode, CHAIN, TAGS, TREE,
};
use crate::network::graph::{Csr, Graph, NodeIdx};
use crate::network::region::Region;
use rayon::prelude::*;
use std::borrow::Cow;

/// No arc (from [`single_arc`]).
const NO_ARC: u32 = u32::MAX;

/// The [`Link`] of the arc at `position` in `reverse` ([`NO_ARC`]: none).
fn link(reverse: &Csr, position: u32) -> Link {
    if position == NO_ARC {
        return Link::NONE;
    }
    let i = position as usize;
    Link::new([reverse.lengths_dm()[i], reverse.times_ds()[i]])
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
    /// The tables: built here, or the region's (loaded from a graph cache).
    tables: Cow<'g, CoreTables>,
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
    link.get().map(|w| w[m])
}

/// `label` carried over one arc of weight `w`, if there is an arc and a label.
fn extend(label: u64, w: Option<u32>) -> u64 {
    match w {
        Some(w) => Label::from_bits(label).plus(w).bits(),
        None => UNREACHED,
    }
}

impl<'g> Core<'g> {
    /// Sets aside the dead-end trees and chains of `graph`. A graph of 2^30 nodes or more is
    /// kept whole.
    pub fn new(graph: &'g Graph) -> Self {
        Core {
            graph,
            tables: Cow::Owned(Core::tables(graph)),
        }
    }

    /// The core graph of `region`'s graph: its prepared tables where it has them (loaded with
    /// a graph cache), else built as by [`Core::new`].
    pub fn of_region(region: &'g Region) -> Self {
        match &region.prepared.core {
            Some(tables) => Core {
                graph: &region.graph,
                tables: Cow::Borrowed(tables),
            },
            None => Core::new(&region.graph),
        }
    }

    /// The tables of the core graph of `graph` (see [`Core`]), as [`Core::new`] builds them.
    pub fn tables(graph: &Graph) -> CoreTables {
        let n = graph.node_count();
        if n >= CHAIN as usize {
            // Core indices would collide with the tags: search the whole graph instead.
            return CoreTables::default();
        }
        let reverse = graph.reverse();
        let mut neighbours: Vec<u32> = (0..n as u32)
            .into_par_iter()
            .map_init(Vec::new, |buffer, v| {
                neighbours_of(graph, v, &[], buffer);
                buffer.len() as u32
            })
            .collect();
        let (removed, tree) = peel_trees(graph, &mut neighbours);
        let links = find_links(graph, &removed, &neighbours);
        drop(neighbours);
        let (in_chain, chains, chain_nodes) = walk_chains(reverse, &links);
        drop(links);
        let (place, original) = number_core(&removed, &in_chain, &tree, &chain_nodes);
        drop(removed);
        drop(in_chain);
        let shortcuts = shortcuts(&chains, &chain_nodes, &place);
        let core = core_arcs(reverse, &place, &original, &shortcuts);
        CoreTables {
            place: place.into(),
            original: original.into(),
            reverse: core,
            chains: chains.into(),
            chain_nodes: chain_nodes.into(),
            tree: tree.into(),
        }
    }

    /// The graph it was built from.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// Number of nodes the search proper runs on.
    pub fn core_nodes(&self) -> usize {
        if self.tables.place.is_empty() {
            self.graph.node_count()
        } else {
            self.tables.original.len()
        }
    }

    /// Number of nodes set aside inside chains.
    pub fn chain_nodes(&self) -> usize {
        self.tables.chain_nodes.len()
    }

    /// Number of nodes set aside in dead-end trees.
    pub fn tree_nodes(&self) -> usize {
        self.tables.tree.len()
    }

    /// The label slot of graph node `v`: in the core's labels for a core node, else in the
    /// graph's.
    fn slot<'w>(&self, ws: &'w mut Workspace, v: u32) -> &'w mut u64 {
        let place = self.tables.place[v as usize];
        if place & TAGS == 0 {
            &mut ws.core_label[place as usize]
        } else {
            &mut ws.label[v as usize]
        }
    }

    /// The same labels as [`nearest_sources`] on the whole graph (see [`Core`]).
    pub fn nearest_sources(&self, metric: Metric, seeds: &[Seed], ws: &mut Workspace) {
        let graph = self.graph;
        if self.tables.place.is_empty() {
            return nearest_sources(graph, metric, seeds, ws);
        }
        ws.reset(graph.node_count());
        ws.core_label.clear();
        ws.core_label.resize(self.tables.original.len(), UNREACHED);
        ws.chains.clear();
        let shift = window_shift(graph, metric);
        let m = metric.index();
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
                let place = self.tables.place[v as usize];
                if place & TAGS == CHAIN {
                    ws.chains.push(place & !TAGS);
                }
                if place & TAGS != TREE {
                    break;
                }
                let t = self.tables.tree[(place & !TAGS) as usize];
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
            let c = self.tables.chains.partition_point(|c| c.first <= position) - 1;
            if last == Some(c) {
                continue;
            }
            last = Some(c);
            let chain = &self.tables.chains[c];
            let nodes = self.nodes_of(chain);
            // Into the first end: from it to the first node, then along the chain.
            let mut best = UNREACHED;
            for (i, x) in nodes.iter().enumerate().rev() {
                let to_next = nodes.get(i + 1).map_or(Link::NONE, |next| next.from_prev);
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
            Metric::Length => self.tables.reverse.lengths_dm(),
            Metric::Time => self.tables.reverse.times_ds(),
        };
        settle_windows(
            &self.tables.reverse,
            core_weights,
            shift,
            &mut ws.core_label,
            &mut ws.heap,
            &mut ws.batch,
        );
        for (&v, &label) in self.tables.original.iter().zip(&ws.core_label) {
            ws.label[v as usize] = label;
        }

        // Chains: every node leaves by the first end or by the last (or finds its source
        // inside): one pass each way.
        for chain in &self.tables.chains {
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
        for t in self.tables.tree.iter().rev() {
            let through_parent = extend(ws.label[t.parent as usize], weight(m, t.to_parent));
            let slot = &mut ws.label[t.node as usize];
            *slot = (*slot).min(through_parent);
        }
    }

    /// The same labels as [`super::two_nearest`] on the whole graph: per graph node, its two
    /// best labels with distinct sources. Trees and chains are set aside and filled in as for
    /// [`Core::nearest_sources`]: the two best labels of a node by all its ways out are the
    /// two best of the two best by each way.
    pub fn two_nearest(&self, metric: Metric, seeds: &[Seed]) -> Vec<TwoLabels> {
        let graph = self.graph;
        if self.tables.place.is_empty() {
            return two::two_nearest(graph, metric, seeds);
        }
        let m = metric.index();
        let mut labels = vec![[Label::NONE; 2]; graph.node_count()];
        // Seeds; a seed in a tree is carried up towards the core as far as it makes the best
        // two.
        let mut touched = self.carry_seeds(m, seeds, |v, label| two::insert(&mut labels[v], label));
        self.two_chain_sources(m, &mut touched, &mut labels);

        // The search proper, on the core.
        let mut core_labels = vec![[Label::NONE; 2]; self.tables.original.len()];
        let offers = self.tables.original.iter().enumerate().flat_map(|(c, &v)| {
            labels[v as usize]
                .into_iter()
                .filter(|&l| l != Label::NONE)
                .map(move |l| (c as u32, l))
        });
        let weights = match metric {
            Metric::Length => self.tables.reverse.lengths_dm(),
            Metric::Time => self.tables.reverse.times_ds(),
        };
        two::search(&self.tables.reverse, weights, &mut core_labels, offers);
        for (&v, &l) in self.tables.original.iter().zip(&core_labels) {
            labels[v as usize] = l;
        }
        drop(core_labels);

        // Chains, one pass each way; then trees, parents before children.
        for chain in &self.tables.chains {
            let nodes = self.nodes_of(chain);
            let mut best = labels[chain.ends[0] as usize];
            for x in nodes {
                let slot = &mut labels[x.node as usize];
                best = two::merge(two::extend(best, weight(m, x.to_prev)), *slot);
                *slot = best;
            }
            let mut best = labels[chain.ends[1] as usize];
            let mut to_next = chain.to_end;
            for x in nodes.iter().rev() {
                let slot = &mut labels[x.node as usize];
                best = two::merge(two::extend(best, weight(m, to_next)), *slot);
                *slot = best;
                to_next = x.from_prev;
            }
        }
        for t in self.tables.tree.iter().rev() {
            let through_parent = two::extend(labels[t.parent as usize], weight(m, t.to_parent));
            let slot = &mut labels[t.node as usize];
            *slot = two::merge(*slot, through_parent);
        }
        labels
    }

    /// Carries the labels of sources inside the chains at `touched` (positions in
    /// `chain_nodes`) to the chains' ends, as for one label.
    fn two_chain_sources(&self, m: usize, touched: &mut Vec<u32>, labels: &mut [TwoLabels]) {
        touched.sort_unstable();
        touched.dedup();
        let mut last = None;
        for &position in touched.iter() {
            let c = self.tables.chains.partition_point(|c| c.first <= position) - 1;
            if last == Some(c) {
                continue;
            }
            last = Some(c);
            let chain = &self.tables.chains[c];
            let nodes = self.nodes_of(chain);
            let mut best = [Label::NONE; 2];
            for (i, x) in nodes.iter().enumerate().rev() {
                let to_next = nodes.get(i + 1).map_or(Link::NONE, |next| next.from_prev);
                best = two::merge(
                    two::extend(best, weight(m, to_next)),
                    labels[x.node as usize],
                );
            }
            let into_first = two::extend(best, weight(m, nodes[0].from_prev));
            let slot = &mut labels[chain.ends[0] as usize];
            *slot = two::merge(*slot, into_first);
            let mut best = [Label::NONE; 2];
            for x in nodes {
                best = two::merge(
                    two::extend(best, weight(m, x.to_prev)),
                    labels[x.node as usize],
                );
            }
            let into_last = two::extend(best, weight(m, chain.from_end));
            let slot = &mut labels[chain.ends[1] as usize];
            *slot = two::merge(*slot, into_last);
        }
    }

    /// Offers every seed to its node's labels by `offer` (true when the label was kept) and,
    /// for a node in a tree, carries a kept label up towards the core; the chains reached, to
    /// fill in from their ends.
    fn carry_seeds(
        &self,
        m: usize,
        seeds: &[Seed],
        mut offer: impl FnMut(usize, Label) -> bool,
    ) -> Vec<u32> {
        let mut touched = Vec::new();
        for s in seeds {
            let mut label = Label::new(s.cost, s.source);
            let mut v = s.node.0;
            while offer(v as usize, label) {
                let place = self.tables.place[v as usize];
                if place & TAGS == CHAIN {
                    touched.push(place & !TAGS);
                }
                if place & TAGS != TREE {
                    break;
                }
                let t = self.tables.tree[(place & !TAGS) as usize];
                let Some(w) = weight(m, t.from_parent) else {
                    break;
                };
                label = label.plus(w);
                v = t.parent;
            }
        }
        touched
    }

    /// The same lists as [`super::k_nearest`] on the whole graph: per graph node, its `k` best
    /// labels with distinct sources. Trees and chains are set aside and filled in as for
    /// [`Core::two_nearest`]: the `k` best labels of a node by all its ways out are the `k`
    /// best of the `k` best by each way.
    pub fn k_nearest(&self, metric: Metric, seeds: &[Seed], k: usize) -> KLabels {
        let graph = self.graph;
        if self.tables.place.is_empty() {
            return kbest::k_nearest(graph, metric, seeds, k);
        }
        let m = metric.index();
        let mut labels = KLabels::new(graph.node_count(), k);
        let k = labels.k();
        // Seeds; a seed in a tree is carried up towards the core as far as it makes the best
        // k.
        let mut touched =
            self.carry_seeds(m, seeds, |v, label| kbest::offer(labels.at_mut(v), label));
        self.k_chain_sources(m, &mut touched, &mut labels);

        // The search proper, on the core.
        let mut core_labels = KLabels::new(self.tables.original.len(), k);
        for (c, &v) in self.tables.original.iter().enumerate() {
            core_labels.at_mut(c).copy_from_slice(labels.at(v as usize));
        }
        let shift = window_shift(graph, metric);
        let mut heap = RadixHeap::default();
        kbest::queue_all(&core_labels, shift, &mut heap);
        let weights = match metric {
            Metric::Length => self.tables.reverse.lengths_dm(),
            Metric::Time => self.tables.reverse.times_ds(),
        };
        kbest::settle_windows(
            &self.tables.reverse,
            weights,
            shift,
            &mut core_labels,
            &mut heap,
        );
        for (c, &v) in self.tables.original.iter().enumerate() {
            labels.at_mut(v as usize).copy_from_slice(core_labels.at(c));
        }
        drop(core_labels);

        // Chains, one pass each way; then trees, parents before children.
        for chain in &self.tables.chains {
            let nodes = self.nodes_of(chain);
            let mut best = labels.copy(chain.ends[0] as usize);
            for x in nodes {
                kbest::extend(&mut best[..k], weight(m, x.to_prev));
                let slot = labels.at_mut(x.node as usize);
                kbest::merge(&mut best[..k], slot);
                slot.copy_from_slice(&best[..k]);
            }
            let mut best = labels.copy(chain.ends[1] as usize);
            let mut to_next = chain.to_end;
            for x in nodes.iter().rev() {
                kbest::extend(&mut best[..k], weight(m, to_next));
                let slot = labels.at_mut(x.node as usize);
                kbest::merge(&mut best[..k], slot);
                slot.copy_from_slice(&best[..k]);
                to_next = x.from_prev;
            }
        }
        for t in self.tables.tree.iter().rev() {
            let mut best = labels.copy(t.parent as usize);
            kbest::extend(&mut best[..k], weight(m, t.to_parent));
            kbest::merge(labels.at_mut(t.node as usize), &best[..k]);
        }
        labels
    }

    /// Carries the labels of sources inside the chains at `touched` (positions in
    /// `chain_nodes`) to the chains' ends, as for one label.
    fn k_chain_sources(&self, m: usize, touched: &mut Vec<u32>, labels: &mut KLabels) {
        let k = labels.k();
        touched.sort_unstable();
        touched.dedup();
        let mut last = None;
        for &position in touched.iter() {
            let c = self.tables.chains.partition_point(|c| c.first <= position) - 1;
            if last == Some(c) {
                continue;
            }
            last = Some(c);
            let chain = &self.tables.chains[c];
            let nodes = self.nodes_of(chain);
            let mut best = [Label::NONE; MAX_K];
            for (i, x) in nodes.iter().enumerate().rev() {
                let to_next = nodes.get(i + 1).map_or(Link::NONE, |next| next.from_prev);
                kbest::extend(&mut best[..k], weight(m, to_next));
                kbest::merge(&mut best[..k], labels.at(x.node as usize));
            }
            kbest::extend(&mut best[..k], weight(m, nodes[0].from_prev));
            kbest::merge(labels.at_mut(chain.ends[0] as usize), &best[..k]);
            let mut best = [Label::NONE; MAX_K];
            for x in nodes {
                kbest::extend(&mut best[..k], weight(m, x.to_prev));
                kbest::merge(&mut best[..k], labels.at(x.node as usize));
            }
            kbest::extend(&mut best[..k], weight(m, chain.from_end));
            kbest::merge(labels.at_mut(chain.ends[1] as usize), &best[..k]);
        }
    }

    /// The nodes inside `chain`, from its first end to its last.
    fn nodes_of(&self, chain: &Chain) -> &[ChainNode] {
        &self.tables.chain_nodes[chain.first as usize..(chain.first + chain.len) as usize]
    }
}

/// The distinct neighbours of `v` other than itself and the `removed` nodes, into `buffer`.
fn neighbours_of(graph: &Graph, v: u32, removed: &[bool], buffer: &mut Vec<u32>) {
    buffer.clear();
    for csr in [graph.forward(), graph.reverse()] {
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
}

/// Peels leaves until none is left (`neighbours`: each node's neighbour count, updated):
/// which nodes went, and the tree nodes in the order they went.
fn peel_trees(graph: &Graph, neighbours: &mut [u32]) -> (Vec<bool>, Vec<TreeNode>) {
    let n = neighbours.len();
    let reverse = graph.reverse();
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
        neighbours_of(graph, x, &removed, &mut buffer);
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
    (removed, tree)
}

/// Links: nodes left with two neighbours, by single arcs each way, with those neighbours (kept
/// so that chains can be walked).
fn find_links(graph: &Graph, removed: &[bool], neighbours: &[u32]) -> Vec<Option<[u32; 2]>> {
    let reverse = graph.reverse();
    (0..neighbours.len() as u32)
        .into_par_iter()
        .map_init(Vec::new, |buffer, v| {
            if removed[v as usize] || neighbours[v as usize] != 2 {
                return None;
            }
            neighbours_of(graph, v, removed, buffer);
            let single =
                |a: u32| single_arc(reverse, a, v).is_some() && single_arc(reverse, v, a).is_some();
            (buffer.len() == 2 && single(buffer[0]) && single(buffer[1]))
                .then(|| [buffer[0], buffer[1]])
        })
        .collect()
}

/// Walks the chains: from each unvisited link towards its first neighbour until a node that is
/// not a link, then back the other way. A ring of links only stays in the core. Returns which
/// nodes are in a chain, the chains and their nodes.
fn walk_chains(
    reverse: &Csr,
    links: &[Option<[u32; 2]>],
) -> (Vec<bool>, Vec<Chain>, Vec<ChainNode>) {
    let n = links.len();
    let mut in_chain = vec![false; n];
    let mut chains: Vec<Chain> = Vec::new();
    let mut chain_nodes: Vec<ChainNode> = Vec::new();
    let mut walk: Vec<u32> = Vec::new();
    let arc =
        |into: u32, from: u32| link(reverse, single_arc(reverse, into, from).unwrap_or(NO_ARC));
    for v in 0..n as u32 {
        let Some(first) = links[v as usize] else {
            continue;
        };
        if in_chain[v as usize] {
            continue;
        }
        let Some((start, towards)) = chain_end(links, v, first[0]) else {
            continue;
        };
        // Walk from that end to the other, collecting the links.
        walk.clear();
        let (mut prev, mut at) = (start, towards);
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
                to_prev: arc(before, x),
                from_prev: arc(x, before),
            });
            before = x;
        }
        chains.push(Chain {
            ends: [start, end],
            first: first_node,
            len: walk.len() as u32,
            to_end: arc(end, before),
            from_end: arc(before, end),
        });
    }
    (in_chain, chains, chain_nodes)
}

/// The end of the chain of link `v` found by walking from `v` to `towards`, with the link next
/// to it: `None` for a ring.
fn chain_end(links: &[Option<[u32; 2]>], v: u32, towards: u32) -> Option<(u32, u32)> {
    let (mut prev, mut at) = (v, towards);
    while let Some(next) = links[at as usize] {
        if at == v {
            return None;
        }
        let step = if next[0] == prev { next[1] } else { next[0] };
        (prev, at) = (at, step);
    }
    Some((at, prev))
}

/// Numbers the core nodes in graph order: the place of every node (see [`Core::place`]) and
/// the graph node of each core index.
fn number_core(
    removed: &[bool],
    in_chain: &[bool],
    tree: &[TreeNode],
    chain_nodes: &[ChainNode],
) -> (Vec<u32>, Vec<u32>) {
    let n = removed.len();
    let mut place = vec![0u32; n];
    let mut original = Vec::with_capacity(n - tree.len() - chain_nodes.len());
    for (v, slot) in place.iter_mut().enumerate() {
        if !removed[v] && !in_chain[v] {
            *slot = original.len() as u32;
            original.push(v as u32);
        }
    }
    for (i, t) in tree.iter().enumerate() {
        place[t.node as usize] = TREE | i as u32;
    }
    for (i, c) in chain_nodes.iter().enumerate() {
        place[c.node as usize] = CHAIN | i as u32;
    }
    (place, original)
}

/// The shortcut arcs of the chains between two distinct ends: `(into, from, length, time)` in
/// core indices, sorted by `into`.
fn shortcuts(
    chains: &[Chain],
    chain_nodes: &[ChainNode],
    place: &[u32],
) -> Vec<(u32, u32, u32, u32)> {
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
    for chain in chains {
        let [a, b] = chain.ends;
        if a == b {
            continue;
        }
        let (a, b) = (place[a as usize], place[b as usize]);
        if let (Some(l), Some(t)) = (path_weight(0, chain, true), path_weight(1, chain, true)) {
            shortcuts.push((b, a, l, t));
        }
        if let (Some(l), Some(t)) = (path_weight(0, chain, false), path_weight(1, chain, false)) {
            shortcuts.push((a, b, l, t));
        }
    }
    shortcuts.sort_unstable();
    shortcuts
}

/// The core's reverse arcs: per core node, its arcs from core nodes in the graph's order, then
/// its shortcuts.
fn core_arcs(
    reverse: &Csr,
    place: &[u32],
    original: &[u32],
    shortcuts: &[(u32, u32, u32, u32)],
) -> Csr {
    let core_head = |i: usize| Some(place[reverse.heads()[i].index()]).filter(|h| h & TAGS == 0);
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
    let mut first = Vec::with_capacity(original.len() + 1);
    let mut node = Vec::with_capacity(arcs);
    let mut length_dm = Vec::with_capacity(arcs);
    let mut time_ds = Vec::with_capacity(arcs);
    first.push(0);
    let mut next_shortcut = shortcuts.iter().peekable();
    for (c, &v) in original.iter().enumerate() {
        for i in reverse.range(NodeIdx(v)) {
            if let Some(head) = core_head(i) {
                node.push(NodeIdx(head));
                length_dm.push(reverse.lengths_dm()[i]);
                time_ds.push(reverse.times_ds()[i]);
            }
        }
        while let Some(&&(into, from, l, t)) = next_shortcut.peek() {
            if into != c as u32 {
                break;
            }
            node.push(NodeIdx(from));
            length_dm.push(l);
            time_ds.push(t);
            next_shortcut.next();
        }
        first.push(node.len() as u32);
    }
    Csr {
        first: first.into(),
        node: node.into(),
        length_dm: length_dm.into(),
        time_ds: time_ds.into(),
        edge: Array::default(),
    }
}
