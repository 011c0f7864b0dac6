//! The k-label search: for every node, its `k` best `(cost, source)` labels with distinct
//! sources, so that the i-th is exactly the i-th nearest source (ties to the lower source, as
//! everywhere in the crate).
//!
//! A node's list holds at most one label per source, best first. A label that is not among its
//! node's `k` best can never become one of the `k` best of a node it leads to: the `k` better
//! labels of other sources lead there too, each still better. So each list only ever needs its
//! `k` best, and the search propagates exactly the labels that made it into a list.
//!
//! The queue is the windowed one of [`super::nearest_sources`]: the nodes whose lists gained a
//! label in the cheapest window are taken out together, in node order, and every label of the
//! window in their lists is carried over their arcs. A node that gains another label in the
//! window is queued and carried again, so the lists end exactly as in a label-setting search
//! (every label is a real path's cost, and every true label reaches its node through its
//! predecessor's list). [`crate::route::Core::k_nearest`] gives the same lists on the core
//! graph.

use super::{window_shift, Label, Metric, RadixHeap, Seed};
use crate::network::graph::{Csr, Graph, NodeIdx};

/// The most labels per node a search keeps.
pub const MAX_K: usize = 10;

/// Per node, its `k` best labels with distinct sources, best first, padded with
/// [`Label::NONE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KLabels {
    k: usize,
    labels: Vec<Label>,
}

impl KLabels {
    /// `n` empty lists of `k` labels (`k` clamped to `1..=MAX_K`).
    pub(crate) fn new(n: usize, k: usize) -> KLabels {
        let k = k.clamp(1, MAX_K);
        KLabels {
            k,
            labels: vec![Label::NONE; n * k],
        }
    }

    /// Labels kept per node.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The labels of `node`, best first, [`Label::NONE`] after the last.
    pub fn of(&self, node: NodeIdx) -> &[Label] {
        self.at(node.index())
    }

    pub(crate) fn at(&self, v: usize) -> &[Label] {
        &self.labels[v * self.k..(v + 1) * self.k]
    }

    pub(crate) fn at_mut(&mut self, v: usize) -> &mut [Label] {
        &mut self.labels[v * self.k..(v + 1) * self.k]
    }

    /// The labels of `v` copied out (the first `k` of the array).
    pub(crate) fn copy(&self, v: usize) -> [Label; MAX_K] {
        let mut out = [Label::NONE; MAX_K];
        out[..self.k].copy_from_slice(self.at(v));
        out
    }
}

/// Offers `l` to a list sorted best first with distinct sources: true if it became one of the
/// list's labels (replacing its source's worse label, or the list's worst).
pub(crate) fn offer(list: &mut [Label], l: Label) -> bool {
    let Some(&last) = list.last() else {
        return false;
    };
    // Not better than the worst kept (or no label at all): not among the best, not even for
    // its own source.
    if l >= last {
        return false;
    }
    let mut out = list.len() - 1;
    for (i, x) in list.iter().enumerate() {
        if *x == Label::NONE {
            break;
        }
        if x.source() == l.source() {
            if l >= *x {
                return false;
            }
            out = i;
            break;
        }
    }
    let at = list[..out].partition_point(|x| *x < l);
    list[at..=out].rotate_right(1);
    list[at] = l;
    true
}

/// Merges the labels of `from` into `into`.
pub(crate) fn merge(into: &mut [Label], from: &[Label]) {
    for &l in from {
        if l == Label::NONE {
            break;
        }
        offer(into, l);
    }
}

/// A list carried over one arc of weight `w` (none without an arc), in place.
pub(crate) fn extend(list: &mut [Label], w: Option<u32>) {
    match w {
        Some(w) => {
            for l in list.iter_mut() {
                *l = l.plus(w);
            }
            // Costs saturate, and saturated costs order by source alone.
            list.sort_unstable();
        }
        None => list.fill(Label::NONE),
    }
}

/// The windowed k-label search over the arcs into each node (`reverse`, weighted by
/// `weights`, windows `2^shift` wide) from the labels already in `labels`, each queued in
/// `heap` under its window.
pub(crate) fn settle_windows(
    reverse: &Csr,
    weights: &[u32],
    shift: u32,
    labels: &mut KLabels,
    heap: &mut RadixHeap,
) {
    let k = labels.k;
    let heads = reverse.heads();
    let mut batch = Vec::new();
    while heap.pop_window(&mut batch) {
        let window = heap.last_key();
        batch.sort_unstable();
        batch.dedup();
        for &node in &batch {
            // The labels of this window: a run of the list, which is sorted by cost.
            let own = labels.at(node as usize);
            let first = own.partition_point(|l| (l.cost() >> shift) < window);
            let mut carried = [Label::NONE; MAX_K];
            let mut count = 0;
            for &l in &own[first..] {
                if l == Label::NONE || l.cost() >> shift != window {
                    break;
                }
                carried[count] = l;
                count += 1;
            }
            if count == 0 {
                continue;
            }
            for i in reverse.range(NodeIdx(node)) {
                let v = heads[i].index();
                let w = weights[i];
                let list = &mut labels.labels[v * k..(v + 1) * k];
                for &l in &carried[..count] {
                    let next = l.plus(w);
                    if offer(list, next) {
                        heap.push(next.cost() >> shift, v as u32);
                    }
                }
            }
        }
    }
}

/// Queues every label of `labels` under its window.
pub(crate) fn queue_all(labels: &KLabels, shift: u32, heap: &mut RadixHeap) {
    for (i, l) in labels.labels.iter().enumerate() {
        if *l != Label::NONE {
            heap.push(l.cost() >> shift, (i / labels.k) as u32);
        }
    }
}

/// For every node of `graph`, its `k` best labels with distinct sources by `metric` over the
/// reverse graph (`k` clamped to `1..=`[`MAX_K`]).
pub fn k_nearest(graph: &Graph, metric: Metric, seeds: &[Seed], k: usize) -> KLabels {
    let mut labels = KLabels::new(graph.node_count(), k);
    for s in seeds {
        offer(labels.at_mut(s.node.index()), Label::new(s.cost, s.source));
    }
    let shift = window_shift(graph, metric);
    let mut heap = RadixHeap::default();
    queue_all(&labels, shift, &mut heap);
    let reverse = graph.reverse();
    let weights = match metric {
        Metric::Length => reverse.lengths_dm(),
        Metric::Time => reverse.times_ds(),
    };
    settle_windows(reverse, weights, shift, &mut labels, &mut heap);
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(labels: &[(u32, u32)], k: usize) -> Vec<Label> {
        let mut v = vec![Label::NONE; k];
        for &(c, s) in labels {
            offer(&mut v, Label::new(c, s));
        }
        v
    }

    /// The k best of a bag of labels, by brute force: each source's best, sorted, the first k.
    fn brute(labels: &[(u32, u32)], k: usize) -> Vec<Label> {
        let mut best: Vec<(u32, u32)> = Vec::new();
        for &(c, s) in labels {
            match best.iter_mut().find(|b| b.1 == s) {
                Some(b) => b.0 = b.0.min(c),
                None => best.push((c, s)),
            }
        }
        best.sort_by_key(|&(c, s)| (c, s));
        let mut v: Vec<Label> = best.iter().map(|&(c, s)| Label::new(c, s)).collect();
        v.resize(k.max(v.len()), Label::NONE);
        v.truncate(k);
        v
    }

    #[test]
    fn offers_keep_the_k_best_distinct_sources() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..5000 {
            let k = rng.gen_range(1..=5);
            let bag: Vec<(u32, u32)> = (0..rng.gen_range(0..12))
                .map(|_| (rng.gen_range(0..6), rng.gen_range(0..5)))
                .collect();
            assert_eq!(list(&bag, k), brute(&bag, k), "{bag:?} k {k}");
        }
    }
}
