//! The car road network as a compact, immutable graph in CSR form.
//!
//! Graph nodes exist only where the topology needs them: at way ends, dead ends and nodes shared
//! by two or more road ways (or met twice by one way). The OSM nodes in between become the
//! geometry of the edge, which keeps its full shape for snapping and export. Each edge stores its
//! length in decimetres and its car time in deciseconds as integers, so shortest paths have a
//! total order and never depend on floating-point summation order.
//!
//! Adjacency is stored twice, forward (out-arcs) and reverse (in-arcs), as CSR arrays indexed by
//! [`NodeIdx`]. Strongly connected components are computed once; component 0 is the largest (the
//! main network), the rest are islands and fragments.
//!
//! # Architecture invariant
//! A [`Graph`] is built once by [`Graph::build`] and never mutated. Node indices are `u32`, and
//! arcs of one node are ordered by edge index, so every traversal is deterministic.

use crate::base::array::Array;
use crate::base::coord::{distance_m, Coord};
use crate::read::profile::{Direction, RoadAttrs};
use crate::read::roads::{RoadInput, RoadWay};
use rayon::prelude::*;

/// Index of a graph node (not an OSM id).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    bytemuck::Pod,
    bytemuck::Zeroable,
)]
#[repr(transparent)]
pub struct NodeIdx(pub u32);

impl NodeIdx {
    /// As a `usize` for indexing.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One directed arc in a CSR adjacency array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// The node at the other end (head for out-arcs, tail for in-arcs).
    pub node: NodeIdx,
    /// Length in decimetres.
    pub length_dm: u32,
    /// Car time in deciseconds.
    pub time_ds: u32,
    /// The [`Edge`] this arc runs along.
    pub edge: u32,
}

/// A road between two graph nodes, with its geometry. A two-way edge yields two arcs, a oneway
/// edge one arc from `from` to `to` (oneways against the way's direction are stored reversed).
///
/// Laid out as it is stored in the graph cache (32 bytes, no implicit padding), so that a
/// cache's edges are used in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, bytemuck::NoUninit, bytemuck::CheckedBitPattern)]
#[repr(C)]
pub struct Edge {
    /// The OSM way it comes from.
    pub way_id: i64,
    /// First node of the geometry.
    pub from: NodeIdx,
    /// Last node of the geometry.
    pub to: NodeIdx,
    /// Length in decimetres.
    pub length_dm: u32,
    /// Car time in deciseconds.
    pub time_ds: u32,
    /// Road class index (see [`crate::read::profile::HIGHWAY_CLASSES`]) or the ferry class.
    pub class: u8,
    /// Whether only `from → to` may be driven.
    pub oneway: bool,
    /// Zeros, to a multiple of eight bytes.
    pad: [u8; 6],
}

impl Edge {
    /// An edge without its time, which the graph builder fills in afterwards.
    pub(crate) fn new(
        from: NodeIdx,
        to: NodeIdx,
        length_dm: u32,
        oneway: bool,
        class: u8,
        way_id: i64,
    ) -> Self {
        Edge {
            way_id,
            from,
            to,
            length_dm,
            time_ds: 0,
            class,
            oneway,
            pad: [0; 6],
        }
    }

    /// Whether this edge is a car ferry.
    pub fn is_ferry(&self) -> bool {
        self.class == crate::read::profile::FERRY_CLASS
    }
}

/// Adjacency in compressed sparse row form, one array per field (structure of arrays): the
/// arcs of node `n` are at positions `first[n]..first[n + 1]`. A search touches only the heads
/// and the one weight it minimises, 8 bytes per arc.
///
/// The fields are visible in the crate only so that [`crate::store::cache`] can store and load them
/// without recomputing anything; nothing else may build or change them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    pub(crate) first: Array<u32>,
    pub(crate) node: Array<NodeIdx>,
    pub(crate) length_dm: Array<u32>,
    pub(crate) time_ds: Array<u32>,
    pub(crate) edge: Array<u32>,
}

/// An offset type of a counting sort: `u32` for graph-sized arrays, `usize` for larger ones.
pub(crate) trait Offset: Copy + Default + std::ops::AddAssign {
    /// One item.
    const ONE: Self;
    /// As an index.
    fn index(self) -> usize;
}

impl Offset for u32 {
    const ONE: u32 = 1;
    fn index(self) -> usize {
        self as usize
    }
}

impl Offset for usize {
    const ONE: usize = 1;
    fn index(self) -> usize {
        self
    }
}

/// The first half of a stable counting sort by key, the way every CSR array of the crate is
/// built: `first[k]..first[k + 1]` is where the items of key `k` (below `key_count`) go, for
/// the items with these `keys`.
pub(crate) fn counting_offsets<O: Offset>(
    key_count: usize,
    keys: impl IntoIterator<Item = usize>,
) -> Vec<O> {
    let mut first = vec![O::default(); key_count + 1];
    for k in keys {
        first[k + 1] += O::ONE;
    }
    for i in 0..key_count {
        let before = first[i];
        first[i + 1] += before;
    }
    first
}

/// The second half of the counting sort of [`counting_offsets`]: `put(position, item)` for
/// every `(key, item)`, given in the same order as the keys were; the items of one key keep
/// that order.
pub(crate) fn counting_place<O: Offset, T>(
    first: &[O],
    items: impl IntoIterator<Item = (usize, T)>,
    mut put: impl FnMut(usize, T),
) {
    let mut next: Vec<O> = first[..first.len().saturating_sub(1)].to_vec();
    for (k, item) in items {
        let slot = &mut next[k];
        put(slot.index(), item);
        *slot += O::ONE;
    }
}

impl Csr {
    /// The arcs of `edges` out of each node (`reversed`: into each node): `from → to`, and
    /// `to → from` for a two-way edge. A counting sort by node, filled in edge order, so the
    /// arcs of one node are ordered by edge index and traversal is deterministic.
    fn from_edges(node_count: usize, edges: &[Edge], reversed: bool) -> Self {
        let ends = |e: &Edge| {
            if reversed {
                (e.to.index(), e.from)
            } else {
                (e.from.index(), e.to)
            }
        };
        // Every arc as (tail, (head, edge index)), in edge order.
        let arcs = || {
            edges.iter().enumerate().flat_map(move |(i, e)| {
                let (tail, head) = ends(e);
                let tail = NodeIdx(tail as u32);
                [(tail, head), (head, tail)]
                    .into_iter()
                    .take(if e.oneway { 1 } else { 2 })
                    .map(move |(from, to)| (from.index(), (to, i)))
            })
        };
        let first: Vec<u32> = counting_offsets(node_count, arcs().map(|a| a.0));
        let count = first[node_count] as usize;
        let mut node = vec![NodeIdx(0); count];
        let mut length_dm = vec![0; count];
        let mut time_ds = vec![0; count];
        let mut edge = vec![0; count];
        counting_place(&first, arcs(), |k, (to, i)| {
            let e = &edges[i];
            node[k] = to;
            length_dm[k] = e.length_dm;
            time_ds[k] = e.time_ds;
            edge[k] = i as u32;
        });
        Csr {
            first: first.into(),
            node: node.into(),
            length_dm: length_dm.into(),
            time_ds: time_ds.into(),
            edge: edge.into(),
        }
    }

    /// Checks the invariants of an adjacency of `nodes` nodes loaded from a file (see
    /// [`Graph::check`]): offsets, equal array lengths, heads in range, and edge numbers below
    /// `edges` (`None`: no edge numbers at all).
    pub(crate) fn check(
        &self,
        name: &str,
        nodes: usize,
        edges: Option<usize>,
    ) -> Result<(), String> {
        let arcs = self.node.len();
        check_offsets(name, &self.first, nodes, arcs)?;
        let edge_len = if edges.is_some() { arcs } else { 0 };
        if [self.length_dm.len(), self.time_ds.len(), self.edge.len()] != [arcs, arcs, edge_len] {
            return Err(format!("{name} arc arrays differ in length"));
        }
        if !self.node.par_iter().all(|v| v.index() < nodes) {
            return Err(format!("{name} arc to a node that does not exist"));
        }
        if let Some(edges) = edges {
            if !self.edge.par_iter().all(|&e| (e as usize) < edges) {
                return Err(format!("{name} arc along an edge that does not exist"));
            }
        }
        Ok(())
    }

    /// Positions of a node's arcs in [`Csr::heads`] and the weight arrays.
    pub fn range(&self, node: NodeIdx) -> std::ops::Range<usize> {
        let i = node.index();
        self.first[i] as usize..self.first[i + 1] as usize
    }

    /// The other end of every arc.
    pub fn heads(&self) -> &[NodeIdx] {
        &self.node
    }

    /// The length of every arc, in decimetres.
    pub fn lengths_dm(&self) -> &[u32] {
        &self.length_dm
    }

    /// The car time of every arc, in deciseconds.
    pub fn times_ds(&self) -> &[u32] {
        &self.time_ds
    }

    /// The arcs of a node.
    pub fn arcs(&self, node: NodeIdx) -> impl ExactSizeIterator<Item = Arc> + '_ {
        self.range(node).map(|i| Arc {
            node: self.node[i],
            length_dm: self.length_dm[i],
            time_ds: self.time_ds[i],
            edge: self.edge[i],
        })
    }

    /// Number of arcs.
    pub fn len(&self) -> usize {
        self.node.len()
    }

    /// Whether there are no arcs.
    pub fn is_empty(&self) -> bool {
        self.node.is_empty()
    }
}

/// The routable car network. See the module docs.
///
/// The fields are visible in the crate only for [`crate::store::cache`], which stores them as they are
/// and checks a loaded graph with `Graph::check`; everything else goes through the methods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub(crate) coords: Array<Coord>,
    pub(crate) osm_ids: Array<i64>,
    pub(crate) edges: Array<Edge>,
    pub(crate) geometry: Array<Coord>,
    pub(crate) geometry_first: Array<u32>,
    pub(crate) forward: Csr,
    pub(crate) reverse: Csr,
    pub(crate) component: Array<u32>,
    pub(crate) component_sizes: Array<u32>,
    pub(crate) mean_arc: (u32, u32),
}

impl Graph {
    /// Builds the graph from road ways: finds the graph nodes, merges the chains between them
    /// into edges, computes lengths and times, the CSR arrays and the components.
    pub fn build(input: &RoadInput) -> Graph {
        let n_in = input.coords.len();
        // How often each input node is used, saturating at 2; way ends count twice.
        let mut uses = vec![0u8; n_in];
        for way in &input.ways {
            let refs = way_refs(input, way);
            let Some((&first, &last)) = refs.first().zip(refs.last()) else {
                continue;
            };
            let mut prev = u32::MAX;
            for &r in refs {
                if r != prev {
                    uses[r as usize] = uses[r as usize].saturating_add(1);
                }
                prev = r;
            }
            uses[first as usize] = 2;
            uses[last as usize] = 2;
        }
        // Graph nodes are numbered along a Hilbert curve over their coordinates, so nodes that
        // are close on the ground are close in memory and every search front stays in cache.
        let mut order: Vec<u32> = (0..n_in as u32)
            .filter(|&i| uses[i as usize] >= 2)
            .collect();
        let bbox = BoundingBox::of(order.iter().map(|&i| input.coords[i as usize]));
        let mut keyed: Vec<(u64, u32)> = order
            .par_iter()
            .map(|&i| (bbox.hilbert_key(input.coords[i as usize]), i))
            .collect();
        keyed.par_sort_unstable();
        order = keyed.into_iter().map(|(_, i)| i).collect();
        let mut node_of = vec![u32::MAX; n_in];
        let mut coords = Vec::with_capacity(order.len());
        let mut osm_ids = Vec::with_capacity(order.len());
        for (n, &i) in order.iter().enumerate() {
            node_of[i as usize] = n as u32;
            coords.push(input.coords[i as usize]);
            osm_ids.push(input.osm_ids.get(i as usize).copied().unwrap_or_default());
        }

        let (edges, geometry, geometry_first) = cut_ways(input, &uses, &node_of);
        drop(node_of);
        drop(uses);

        let n = coords.len();
        // The reverse arcs do not depend on the forward ones or the components: build them
        // alongside.
        let ((forward, (component, component_sizes)), reverse) = rayon::join(
            || {
                let forward = Csr::from_edges(n, &edges, false);
                let components = strongly_connected(n, &forward);
                (forward, components)
            },
            || Csr::from_edges(n, &edges, true),
        );
        let mean = |w: &[u32]| {
            (w.iter().map(|&x| u64::from(x)).sum::<u64>() / w.len().max(1) as u64) as u32
        };
        let mean_arc = (mean(forward.lengths_dm()), mean(forward.times_ds()));
        Graph {
            coords: coords.into(),
            osm_ids: osm_ids.into(),
            edges: edges.into(),
            geometry: geometry.into(),
            geometry_first: geometry_first.into(),
            forward,
            reverse,
            component: component.into(),
            component_sizes: component_sizes.into(),
            mean_arc,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.coords.len()
    }

    /// Number of directed arcs.
    pub fn arc_count(&self) -> usize {
        self.forward.len()
    }

    /// The edges (undirected pieces of road with geometry).
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The geometry of an edge, from `from` to `to`, including both end nodes.
    pub fn edge_geometry(&self, edge: usize) -> &[Coord] {
        &self.geometry[self.geometry_first[edge] as usize..self.geometry_first[edge + 1] as usize]
    }

    /// A node's coordinate.
    pub fn coord(&self, node: NodeIdx) -> Coord {
        self.coords[node.index()]
    }

    /// A node's OSM id.
    pub fn osm_id(&self, node: NodeIdx) -> i64 {
        self.osm_ids[node.index()]
    }

    /// Out-arcs (forward graph).
    pub fn forward(&self) -> &Csr {
        &self.forward
    }

    /// In-arcs (reverse graph): for node `n`, arcs whose `node` is the tail of an arc into `n`.
    pub fn reverse(&self) -> &Csr {
        &self.reverse
    }

    /// The strongly connected component of a node; 0 is the largest (the main network).
    pub fn component(&self, node: NodeIdx) -> u32 {
        self.component[node.index()]
    }

    /// Node count of each component, largest first.
    pub fn component_sizes(&self) -> &[u32] {
        &self.component_sizes
    }

    /// Whether the graph's arrays lie in a graph cache mapped into memory (loaded, not built).
    pub fn is_mapped(&self) -> bool {
        self.edges.is_mapped()
    }

    /// Mean arc length (dm) and mean arc time (ds): the scale of a search's buckets.
    pub fn mean_arc(&self) -> (u32, u32) {
        self.mean_arc
    }

    /// Total length of all edges in metres, roads and ferries separately: `(road_m, ferry_m)`.
    pub fn length_m(&self) -> (f64, f64) {
        self.edges.iter().fold((0.0, 0.0), |(road, ferry), e| {
            let m = f64::from(e.length_dm) / 10.0;
            if e.is_ferry() {
                (road, ferry + m)
            } else {
                (road + m, ferry)
            }
        })
    }
}

impl Graph {
    /// Checks what the accessors and searches index by, for a graph put together from stored
    /// arrays: matching array lengths, CSR and geometry offsets that start at 0, never decrease
    /// and end at their array's length, node, edge and component numbers in range. Recomputes
    /// nothing, so a loaded graph stays exactly the one that was saved.
    pub(crate) fn check(&self) -> Result<(), String> {
        let n = self.coords.len();
        if u32::try_from(n).is_err() {
            return Err(format!("{n} nodes do not fit node indices"));
        }
        for (what, len) in [
            ("node OSM ids", self.osm_ids.len()),
            ("node components", self.component.len()),
        ] {
            if len != n {
                return Err(format!("{len} {what} for {n} nodes"));
            }
        }
        check_offsets(
            "edge geometry",
            &self.geometry_first,
            self.edges.len(),
            self.geometry.len(),
        )?;
        let in_range = |v: NodeIdx| v.index() < n;
        if let Some(i) = self
            .edges
            .par_iter()
            .position_first(|e| !in_range(e.from) || !in_range(e.to))
        {
            return Err(format!("edge {i} ends at a node that does not exist"));
        }
        for (name, csr) in [("forward", &self.forward), ("reverse", &self.reverse)] {
            csr.check(name, n, Some(self.edges.len()))?;
        }
        let components = self.component_sizes.len();
        if !self
            .component
            .par_iter()
            .all(|&c| (c as usize) < components)
        {
            return Err("node in a component that does not exist".into());
        }
        let members: u64 = self.component_sizes.iter().map(|&s| u64::from(s)).sum();
        if members != n as u64 {
            return Err(format!("components hold {members} nodes, the graph {n}"));
        }
        Ok(())
    }
}

/// Checks offsets into an array of `len` items for `count` ranges (see [`Graph::check`]). A
/// default (empty) graph has no offsets at all.
fn check_offsets(what: &str, first: &[u32], count: usize, len: usize) -> Result<(), String> {
    let ok = (first.is_empty() && count == 0 && len == 0)
        || first.len() == count + 1
            && first.first() == Some(&0)
            && first.last().is_some_and(|&l| l as usize == len)
            && first.par_windows(2).all(|w| w[0] <= w[1]);
    if ok {
        Ok(())
    } else {
        Err(format!("{what} offsets do not match its {len} entries"))
    }
}

/// The extent of a set of coordinates, for numbering nodes (and ordering the snapping index)
/// along a Hilbert curve.
pub(crate) struct BoundingBox {
    min: (i64, i64),
    span: i64,
}

impl BoundingBox {
    pub(crate) fn of(coords: impl Iterator<Item = Coord>) -> Self {
        let (mut lo, mut hi) = ((i64::MAX, i64::MAX), (i64::MIN, i64::MIN));
        for c in coords {
            let (x, y) = (i64::from(c.lon_e7), i64::from(c.lat_e7));
            lo = (lo.0.min(x), lo.1.min(y));
            hi = (hi.0.max(x), hi.1.max(y));
        }
        if lo.0 > hi.0 {
            // No coordinates: any box will do.
            return BoundingBox {
                min: (0, 0),
                span: 1,
            };
        }
        BoundingBox {
            min: lo,
            span: (hi.0 - lo.0).max(hi.1 - lo.1).max(1),
        }
    }

    /// Position along a Hilbert curve of order 20 over the box (about 1 m cells for a region,
    /// tens of metres for a country).
    pub(crate) fn hilbert_key(&self, c: Coord) -> u64 {
        const ORDER: u32 = 20;
        let side = 1i64 << ORDER;
        let scale =
            |v: i64, min: i64| (((v - min) * (side - 1)) / self.span).clamp(0, side - 1) as u64;
        let (mut x, mut y) = (
            scale(i64::from(c.lon_e7), self.min.0),
            scale(i64::from(c.lat_e7), self.min.1),
        );
        let n = side as u64;
        let mut d = 0u64;
        let mut s = n / 2;
        while s > 0 {
            let rx = u64::from(x & s > 0);
            let ry = u64::from(y & s > 0);
            d += s * s * ((3 * rx) ^ ry);
            if ry == 0 {
                if rx == 1 {
                    x = n - 1 - x;
                    y = n - 1 - y;
                }
                std::mem::swap(&mut x, &mut y);
            }
            s /= 2;
        }
        d
    }
}

fn way_refs<'a>(input: &'a RoadInput, way: &RoadWay) -> &'a [u32] {
    &input.refs[way.start as usize..way.end as usize]
}

/// Ways per parallel work unit when cutting ways into edges.
const WAYS_PER_CHUNK: usize = 2048;

/// Cuts every way at its graph nodes into edges, written straight into the final arrays: a
/// first pass counts each chunk's edges and geometry points from `uses` alone, so every chunk
/// knows where its output goes before any is built. Returns the edges, their geometry and the
/// geometry offsets, in way order.
fn cut_ways(input: &RoadInput, uses: &[u8], node_of: &[u32]) -> (Vec<Edge>, Vec<Coord>, Vec<u32>) {
    let chunks: Vec<&[RoadWay]> = input.ways.chunks(WAYS_PER_CHUNK).collect();
    let sizes: Vec<(usize, usize)> = chunks
        .par_iter()
        .map(|ways| {
            ways.iter().fold((0, 0), |(e, g), way| {
                let (we, wg) = count_way(way_refs(input, way), uses);
                (e + we, g + wg)
            })
        })
        .collect();
    let edge_total: usize = sizes.iter().map(|s| s.0).sum();
    let geometry_total: usize = sizes.iter().map(|s| s.1).sum();
    let placeholder = Edge::new(NodeIdx(0), NodeIdx(0), 0, false, 0, 0);
    let mut edges = vec![placeholder; edge_total];
    let mut geometry = vec![Coord::default(); geometry_total];
    let mut geometry_first = vec![0u32; edge_total + 1];
    // Hand every chunk its own part of the three arrays.
    let mut jobs = Vec::with_capacity(chunks.len());
    let (mut edges_left, mut geometry_left) = (edges.as_mut_slice(), geometry.as_mut_slice());
    let mut first_left = &mut geometry_first[1..];
    let mut geometry_start = 0usize;
    for (ways, &(e, g)) in chunks.iter().zip(&sizes) {
        let (edge_part, rest) = std::mem::take(&mut edges_left).split_at_mut(e);
        edges_left = rest;
        let (first_part, rest) = std::mem::take(&mut first_left).split_at_mut(e);
        first_left = rest;
        let (geometry_part, rest) = std::mem::take(&mut geometry_left).split_at_mut(g);
        geometry_left = rest;
        jobs.push((*ways, edge_part, first_part, geometry_part, geometry_start));
        geometry_start += g;
    }
    jobs.into_par_iter().for_each(
        |(ways, edge_part, first_part, geometry_part, geometry_start)| {
            let mut out = EdgeWriter {
                edges: edge_part,
                geometry_first: first_part,
                geometry: geometry_part,
                geometry_start,
                edge_count: 0,
                geometry_len: 0,
                lengths_m: Vec::new(),
            };
            for way in ways {
                let refs = way_refs(input, way);
                if way.attrs.direction == Direction::Backward {
                    out.cut_way(input, way, refs.iter().rev().copied(), uses, node_of);
                } else {
                    out.cut_way(input, way, refs.iter().copied(), uses, node_of);
                }
            }
        },
    );
    (edges, geometry, geometry_first)
}

/// Edges and geometry points of one way: `(edges, points)`. Consecutive repeats are ignored;
/// a way cut into `e` edges at `m` distinct nodes has `m + e - 1` geometry points, as every
/// inner cut point is stored twice (last of one edge, first of the next).
fn count_way(refs: &[u32], uses: &[u8]) -> (usize, usize) {
    let (mut nodes, mut edges) = (0usize, 0usize);
    let mut prev = u32::MAX;
    for &r in refs {
        if r != prev {
            nodes += 1;
            if nodes > 1 && uses[r as usize] >= 2 {
                edges += 1;
            }
        }
        prev = r;
    }
    if nodes < 2 {
        (0, 0)
    } else {
        (edges, nodes + edges - 1)
    }
}

/// One chunk's part of the edge, geometry-offset and geometry arrays, filled way by way.
struct EdgeWriter<'a> {
    edges: &'a mut [Edge],
    geometry_first: &'a mut [u32],
    geometry: &'a mut [Coord],
    /// Position of `geometry[0]` in the whole geometry array.
    geometry_start: usize,
    edge_count: usize,
    geometry_len: usize,
    /// Scratch: the unrounded lengths of the current way's edges.
    lengths_m: Vec<f64>,
}

impl EdgeWriter<'_> {
    /// Cuts one way at its graph nodes. `refs` walks the way in its allowed direction (oneways
    /// against the node order backwards), so every stored edge runs that way.
    fn cut_way(
        &mut self,
        input: &RoadInput,
        way: &RoadWay,
        mut refs: impl Iterator<Item = u32>,
        uses: &[u8],
        node_of: &[u32],
    ) {
        let Some(mut start) = refs.next() else {
            return;
        };
        let first_edge = self.edge_count;
        let first_point = self.geometry_len;
        let mut prev = start;
        let mut ca = input.coords[start as usize];
        let mut length_m = 0.0;
        self.lengths_m.clear();
        self.push_point(ca);
        for b in refs {
            if b == prev {
                continue;
            }
            prev = b;
            let cb = input.coords[b as usize];
            length_m += distance_m(ca, cb);
            ca = cb;
            self.push_point(cb);
            if uses[b as usize] >= 2 {
                self.edges[self.edge_count] = Edge::new(
                    NodeIdx(node_of[start as usize]),
                    NodeIdx(node_of[b as usize]),
                    to_tenths(length_m),
                    way.attrs.direction != Direction::Both,
                    way.attrs.class,
                    way.osm_id,
                );
                self.lengths_m.push(length_m);
                self.edge_count += 1;
                self.geometry_first[self.edge_count - 1] =
                    (self.geometry_start + self.geometry_len) as u32;
                start = b;
                length_m = 0.0;
                self.push_point(cb);
            }
        }
        if self.edge_count == first_edge {
            // A single distinct node: no edge, no geometry.
            self.geometry_len = first_point;
            return;
        }
        // The last node is always a graph node, so the final push left one dangling start point.
        self.geometry_len -= 1;
        let way_length_m: f64 = self.lengths_m.iter().sum();
        for (edge, &length_m) in self.edges[first_edge..self.edge_count]
            .iter_mut()
            .zip(&self.lengths_m)
        {
            edge.time_ds = time_ds(&way.attrs, length_m, way_length_m);
        }
    }

    fn push_point(&mut self, c: Coord) {
        // The last point of a way is written here and then dropped, so it may fall one past the
        // chunk's share.
        if let Some(slot) = self.geometry.get_mut(self.geometry_len) {
            *slot = c;
        }
        self.geometry_len += 1;
    }
}

/// Rounds a non-negative quantity in units to tenths (decimetres, deciseconds).
fn to_tenths(x: f64) -> u32 {
    (x * 10.0).round().min(f64::from(u32::MAX)) as u32
}

/// Car time of an edge of `length_m` on a way of total length `way_length_m`, in deciseconds.
/// A ferry way's time ([`RoadAttrs::ferry_way_s`]) is shared among its edges by length.
fn time_ds(attrs: &RoadAttrs, length_m: f64, way_length_m: f64) -> u32 {
    let seconds = if attrs.is_ferry() {
        let share = if way_length_m > 0.0 {
            length_m / way_length_m
        } else {
            1.0
        };
        attrs.ferry_way_s(way_length_m) * share
    } else {
        length_m / (attrs.speed_kmh / 3.6)
    };
    to_tenths(seconds)
}

/// Strongly connected components, numbered by size (largest first, ties by lowest node index).
/// Tarjan's algorithm on the CSR arrays, with an explicit stack instead of recursion (a path
/// through a national network is millions of nodes deep).
fn strongly_connected(n: usize, forward: &Csr) -> (Vec<u32>, Vec<u32>) {
    const UNSEEN: u32 = u32::MAX;
    // Discovery order, lowest discovery order reachable, and component in order of completion.
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut found = vec![UNSEEN; n];
    // Per found component: (size, lowest node index).
    let mut components: Vec<(u32, u32)> = Vec::new();
    let mut open: Vec<u32> = Vec::new();
    // The walk: a node and the position of its next arc to follow.
    let mut walk: Vec<(u32, u32)> = Vec::new();
    let mut seen = 0u32;
    macro_rules! visit {
        ($v:expr) => {{
            let v: u32 = $v;
            order[v as usize] = seen;
            low[v as usize] = seen;
            seen += 1;
            open.push(v);
            walk.push((v, forward.first[v as usize]));
        }};
    }
    for root in 0..n as u32 {
        if order[root as usize] != UNSEEN {
            continue;
        }
        visit!(root);
        while let Some(&mut (v, ref mut next)) = walk.last_mut() {
            if *next < forward.first[v as usize + 1] {
                let w = forward.node[*next as usize].0;
                *next += 1;
                if order[w as usize] == UNSEEN {
                    visit!(w);
                } else if found[w as usize] == UNSEEN {
                    low[v as usize] = low[v as usize].min(order[w as usize]);
                }
                continue;
            }
            walk.pop();
            if let Some(&(u, _)) = walk.last() {
                low[u as usize] = low[u as usize].min(low[v as usize]);
            }
            if low[v as usize] == order[v as usize] {
                let id = components.len() as u32;
                let (mut size, mut lowest) = (0u32, u32::MAX);
                while let Some(w) = open.pop() {
                    found[w as usize] = id;
                    size += 1;
                    lowest = lowest.min(w);
                    if w == v {
                        break;
                    }
                }
                components.push((size, lowest));
            }
        }
    }
    drop((order, low));
    let mut by_size: Vec<u32> = (0..components.len() as u32).collect();
    by_size.sort_unstable_by_key(|&c| {
        let (size, lowest) = components[c as usize];
        (std::cmp::Reverse(size), lowest)
    });
    let mut rank = vec![0u32; components.len()];
    for (r, &c) in by_size.iter().enumerate() {
        rank[c as usize] = r as u32;
    }
    for c in &mut found {
        *c = rank[*c as usize];
    }
    let sizes = by_size.iter().map(|&c| components[c as usize].0).collect();
    (found, sizes)
}
