//! The tables of a road graph's core (see [`crate::route::Core`], which builds and searches
//! them): which nodes lie in dead-end trees and in chains, and the arcs between the nodes left.
//! Plain data, so that a region can carry them and the graph cache can store them.

use crate::base::array::Array;
use crate::network::graph::{Csr, Graph};

/// Tags of [`CoreTables::place`]: the rest of the value is a position in
/// [`CoreTables::chain_nodes`] or [`CoreTables::tree`]; an untagged value is a core index.
pub(crate) const CHAIN: u32 = 1 << 30;
/// See [`CHAIN`].
pub(crate) const TREE: u32 = 2 << 30;
/// Both tag bits.
pub(crate) const TAGS: u32 = 3 << 30;

/// An arc set aside with a tree or chain node, by its weights `[length dm, time ds]`, kept
/// beside the node so that filling in labels reads no other array; or no arc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct Link {
    /// 1 for an arc, 0 for none.
    present: u32,
    weights: [u32; 2],
}

impl Link {
    /// No arc.
    pub(crate) const NONE: Link = Link {
        present: 0,
        weights: [0; 2],
    };

    /// An arc of these weights.
    pub(crate) fn new(weights: [u32; 2]) -> Link {
        Link {
            present: 1,
            weights,
        }
    }

    /// The weights, if there is an arc.
    pub(crate) fn get(self) -> Option<[u32; 2]> {
        (self.present != 0).then_some(self.weights)
    }
}

/// A node set aside from the core in a dead-end tree: it hangs off `parent` and is linked to
/// nothing else but its own subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct TreeNode {
    pub(crate) node: u32,
    pub(crate) parent: u32,
    /// The arc `node → parent`, if any.
    pub(crate) to_parent: Link,
    /// The arc `parent → node`, if any.
    pub(crate) from_parent: Link,
}

/// A node inside a chain: linked only to the node before it and the node after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct ChainNode {
    pub(crate) node: u32,
    /// The arc to the node before, if any.
    pub(crate) to_prev: Link,
    /// The arc from the node before, if any.
    pub(crate) from_prev: Link,
}

/// A chain of nodes of two neighbours each between two core nodes `ends` (the same node for a
/// loop): `chain_nodes[first..first + len]`, in order from `ends[0]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct Chain {
    pub(crate) ends: [u32; 2],
    pub(crate) first: u32,
    pub(crate) len: u32,
    /// The arc from the last node to `ends[1]`, if any.
    pub(crate) to_end: Link,
    /// The arc from `ends[1]` to the last node, if any.
    pub(crate) from_end: Link,
}

/// A graph's dead-end trees and chains set aside, and its core: see [`crate::route::Core`].
/// Empty `place` means the graph is searched whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoreTables {
    /// For each graph node: its core index, or [`CHAIN`] | its position in `chain_nodes`, or
    /// [`TREE`] | its position in `tree`.
    pub(crate) place: Array<u32>,
    /// The graph node of each core index, increasing.
    pub(crate) original: Array<u32>,
    /// The arcs between core nodes and the chains' shortcuts, as in [`Graph::reverse`], in
    /// core indices (no edge numbers).
    pub(crate) reverse: Csr,
    pub(crate) chains: Array<Chain>,
    pub(crate) chain_nodes: Array<ChainNode>,
    /// The tree nodes in the order they were removed: every node before its parent.
    pub(crate) tree: Array<TreeNode>,
}

impl CoreTables {
    /// Checks that tables loaded from a file fit `graph` well enough to be searched without
    /// an index out of range: every node, position and arc in range, the chains covering
    /// their nodes in order. (Whether they are the tables [`crate::route::Core::new`] builds
    /// is the cache's checksum's business.)
    pub(crate) fn check(&self, graph: &Graph) -> Result<(), String> {
        let n = graph.node_count();
        let node_ok = |v: u32| (v as usize) < n;
        if self.place.is_empty() {
            let whole = self.original.is_empty()
                && self.reverse.is_empty()
                && self.chains.is_empty()
                && self.chain_nodes.is_empty()
                && self.tree.is_empty();
            return if whole {
                Ok(())
            } else {
                Err("core tables without node places".into())
            };
        }
        if self.place.len() != n {
            return Err(format!("{} core places for {n} nodes", self.place.len()));
        }
        let core = self.original.len();
        let place_ok = |p: u32| {
            let i = (p & !TAGS) as usize;
            match p & TAGS {
                0 => i < core,
                CHAIN => i < self.chain_nodes.len(),
                TREE => i < self.tree.len(),
                _ => false,
            }
        };
        if !self.place.iter().all(|&p| place_ok(p)) {
            return Err("core place out of range".into());
        }
        if !self.original.iter().all(|&v| node_ok(v)) {
            return Err("core node out of range".into());
        }
        self.reverse.check("core", core, None)?;
        let mut next = 0u64;
        for c in self.chains.iter() {
            if u64::from(c.first) != next || c.len == 0 || !c.ends.iter().all(|&v| node_ok(v)) {
                return Err("chains out of order or range".into());
            }
            next += u64::from(c.len);
        }
        if next != self.chain_nodes.len() as u64 {
            return Err("chains do not cover their nodes".into());
        }
        if !self.chain_nodes.iter().all(|x| node_ok(x.node))
            || !self
                .tree
                .iter()
                .all(|t| node_ok(t.node) && node_ok(t.parent))
        {
            return Err("chain or tree node out of range".into());
        }
        Ok(())
    }
}
