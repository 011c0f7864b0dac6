//! Snapping points to the road network: the nearest point ON a road segment (not the nearest
//! node), found with a packed R-tree over pieces of edge geometry.
//!
//! # What "nearest" means
//! Candidates are compared in the plane tangent at the query point: `x = λ·cos φ₀`, `y = φ`,
//! with `φ₀` the point's own latitude. Around the point it scales all directions alike, so the
//! nearest segment in it is the nearest on the ground (to well under a metre at snapping
//! distances). The chosen point's distance (the snap leg) and its offset along the edge are then
//! measured on the WGS 84 ellipsoid with [`crate::base::coord::distance_m`].
//!
//! The R-tree itself lives in one fixed plane, `x = λ·cos φ_max`, `y = φ`, with `φ_max` the
//! largest |latitude| in the network. Since `cos φ₀ ≥ cos φ_max` for every point inside, a
//! distance in the tree's plane is never more than the distance in the point's plane, so the
//! search can visit candidates in tree order and stop as soon as the tree distance exceeds the
//! best distance found in the point's plane (scaled down for a point beyond the network's
//! latitudes). The tree orders candidates by the distance to their bounding box, which is never
//! more than the distance to the geometry inside, so stopping there is just as safe.
//!
//! The tree is built here rather than with `rstar`: it is static, so it can be packed into flat
//! arrays of 8-byte entries and `f32` boxes (rounded outwards), which takes a fiftieth of the
//! memory `rstar`'s bulk load needed for a national network and builds in a parallel sort.
//! Exact ties (a point nearest to a junction shared by several edges) go to the lowest edge
//! index, then the lowest segment, so snapping is deterministic.
//!
//! Ferry lines never take snaps: a point beside a ferry route reaches it over a road, through
//! the terminal. Only edges whose two end nodes lie in a strongly connected component of at least
//! [`SnapOptions::min_component_nodes`] nodes take snaps, so a broken fragment or a oneway stub
//! cannot capture a settlement, while a real island with its own roads keeps them.

use crate::base::coord::{distance_m_f64, Coord};
use crate::network::graph::{counting_offsets, counting_place, Edge, Graph};
use rayon::prelude::*;

/// Segments per tree entry: long rural edges are cut into pieces so that an entry's box stays
/// tight, while the tree stays much smaller than one entry per segment.
const SEGMENTS_PER_ENTRY: usize = 8;

/// Settings for snapping.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnapOptions {
    /// Components with fewer nodes take no snaps.
    pub min_component_nodes: u32,
}

impl Default for SnapOptions {
    fn default() -> Self {
        SnapOptions {
            min_component_nodes: 50,
        }
    }
}

/// Where a point meets the network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The edge it lies on.
    pub edge: u32,
    /// Length of the straight leg from the point to the road, in metres.
    pub snap_m: f64,
    /// Distance along the edge from its `from` node to the projection, in metres.
    pub offset_m: f64,
    /// The projection point (lon, lat) in degrees.
    pub on_road: (f64, f64),
    /// The graph node the projection falls on, when it falls on the edge's first or last
    /// point: the point then starts from (or is reached at) that junction, by any of its roads,
    /// whichever of the junction's edges won the tie.
    pub node: Option<crate::network::graph::NodeIdx>,
}

/// A plane `x = λ·scale`, `y = φ` (degrees).
#[derive(Clone, Copy, Debug)]
struct Plane {
    scale: f64,
}

impl Plane {
    /// The plane tangent at `point`'s latitude.
    fn at(point: Coord) -> Self {
        Plane {
            scale: point.lat().to_radians().cos(),
        }
    }

    fn project(self, c: Coord) -> [f64; 2] {
        [c.lon() * self.scale, c.lat()]
    }
}

/// Squared distance from `p` to segment `a`–`b` in the plane, and the parameter of the foot.
fn segment_distance_2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = [a[0] + t * d[0] - p[0], a[1] + t * d[1] - p[1]];
    (q[0] * q[0] + q[1] * q[1], t)
}

/// The nearest segment of `points` to `point` in `plane`: (squared distance, index, t).
fn nearest_segment(points: &[Coord], point: Coord, plane: Plane) -> (f64, u32, f64) {
    let p = plane.project(point);
    let mut best = (f64::INFINITY, 0, 0.0);
    let mut a = plane.project(points[0]);
    for (i, c) in points[1..].iter().enumerate() {
        let b = plane.project(*c);
        let (d2, t) = segment_distance_2(p, a, b);
        if d2 < best.0 {
            best = (d2, i as u32, t);
        }
        a = b;
    }
    best
}

/// Whether an edge may take snaps: a road (not a ferry line) with both ends in a large enough
/// component.
fn eligible(graph: &Graph, e: &Edge, options: SnapOptions) -> bool {
    let sizes = graph.component_sizes();
    !e.is_ferry()
        && sizes[graph.component(e.from) as usize] >= options.min_component_nodes
        && sizes[graph.component(e.to) as usize] >= options.min_component_nodes
}

/// Children per node of the packed tree: wide enough to keep the tree shallow and its upper
/// levels small, narrow enough that a visited node adds few boxes to the queue.
const NODE_SIZE: usize = 16;

/// A run of up to [`SEGMENTS_PER_ENTRY`] consecutive segments of one edge: segments
/// `first_segment..` of `edge`, read from the graph's geometry when the entry is visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    edge: u32,
    first_segment: u32,
}

/// A box in the tree's plane, `[min x, min y, max x, max y]`, rounded outwards to `f32` so
/// that it still contains everything it bounds.
type Bbox = [f32; 4];

/// `x` rounded to an `f32` not above it.
fn f32_down(x: f64) -> f32 {
    let f = x as f32;
    if f64::from(f) <= x {
        f
    } else {
        next_toward_neg_infinity(f)
    }
}

/// `x` rounded to an `f32` not below it.
fn f32_up(x: f64) -> f32 {
    -f32_down(-x)
}

/// The largest `f32` below a finite `f`.
fn next_toward_neg_infinity(f: f32) -> f32 {
    if f == 0.0 {
        -f32::from_bits(1)
    } else if f > 0.0 {
        f32::from_bits(f.to_bits() - 1)
    } else {
        f32::from_bits(f.to_bits() + 1)
    }
}

fn union(a: Bbox, b: Bbox) -> Bbox {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Squared distance from `p` to the box (0 inside), in `f64`: never more than the distance to
/// anything inside the box.
fn box_distance_2(p: [f64; 2], b: &Bbox) -> f64 {
    let dx = (f64::from(b[0]) - p[0])
        .max(p[0] - f64::from(b[2]))
        .max(0.0);
    let dy = (f64::from(b[1]) - p[1])
        .max(p[1] - f64::from(b[3]))
        .max(0.0);
    dx * dx + dy * dy
}

/// A queue of `(squared box distance as bits, level, position)` for [`SnapIndex::snap`].
type Queue = std::collections::BinaryHeap<std::cmp::Reverse<(u64, usize, usize)>>;

thread_local! {
    /// Each thread's snapping queue, kept between queries so that they allocate nothing.
    static QUEUE: std::cell::RefCell<Queue> = const { std::cell::RefCell::new(Queue::new()) };
}

/// A static R-tree over the geometry of the edges that may take snaps.
///
/// The tree is packed once and never changed (as in flatbush): entries are sorted along a
/// Hilbert curve and grouped `NODE_SIZE` at a time, each level's boxes bound groups of the
/// level below. An entry is 8 bytes plus a 16-byte box, and a level above costs a sixteenth of
/// the one below, so the whole index takes about 26 bytes per `SEGMENTS_PER_ENTRY` segments
/// of road. A query visits entries and nodes in order of box distance (best first).
pub struct SnapIndex<'g> {
    graph: &'g Graph,
    tree_plane: Plane,
    /// The entries, in Hilbert order.
    entries: Vec<Entry>,
    /// Boxes of all levels, the entries' first, then each level of nodes above; the last is the
    /// root's.
    boxes: Vec<Bbox>,
    /// Where each level starts in `boxes`, with the end of the last level appended.
    level_start: Vec<usize>,
}

impl<'g> SnapIndex<'g> {
    /// Indexes the eligible edges of `graph`.
    pub fn new(graph: &'g Graph, options: SnapOptions) -> Self {
        // Every node is an end of an edge's geometry, so the geometry holds every coordinate.
        let max_abs_lat = graph
            .coords
            .par_iter()
            .chain(graph.geometry.par_iter())
            .map(|c| c.lat().abs())
            .reduce(|| 0.0f64, f64::max);
        let tree_plane = Plane {
            scale: max_abs_lat.min(89.9).to_radians().cos(),
        };
        // Entries in the order of their edge's lower end node: graph nodes are numbered along a
        // Hilbert curve, so neighbouring entries lie close together, without sorting anything.
        // (The order only shapes the tree; ties between edges go to the lowest edge index
        // whatever it is.)
        let edges = graph.edges();
        let eligible_edges: Vec<u32> = (0..edges.len() as u32)
            .into_par_iter()
            .filter(|&i| eligible(graph, &edges[i as usize], options))
            .collect();
        let lower = |i: u32| {
            let e = &edges[i as usize];
            e.from.index().min(e.to.index())
        };
        let first: Vec<u32> =
            counting_offsets(graph.node_count(), eligible_edges.iter().map(|&i| lower(i)));
        let mut ordered = vec![0u32; eligible_edges.len()];
        counting_place(
            &first,
            eligible_edges.iter().map(|&i| (lower(i), i)),
            |k, i| {
                ordered[k] = i;
            },
        );
        drop(first);
        drop(eligible_edges);
        let entries: Vec<Entry> = ordered
            .par_iter()
            .flat_map_iter(|&i| {
                let segments = graph.edge_geometry(i as usize).len().saturating_sub(1);
                (0..segments)
                    .step_by(SEGMENTS_PER_ENTRY)
                    .map(move |first| Entry {
                        edge: i,
                        first_segment: first as u32,
                    })
            })
            .collect();
        drop(ordered);
        let mut boxes: Vec<Bbox> = Vec::with_capacity(entries.len() * 16 / 15 + NODE_SIZE);
        entries
            .par_iter()
            .map(|entry| {
                let geom = graph.edge_geometry(entry.edge as usize);
                let first = entry.first_segment as usize;
                let points = &geom[first..=(first + SEGMENTS_PER_ENTRY).min(geom.len() - 1)];
                // The projection is increasing in each coordinate, so the box of the projected
                // points is the projection of the corners of the box in whole 1e-7 degrees.
                let mut lo = points[0];
                let mut hi = points[0];
                for c in &points[1..] {
                    lo.lon_e7 = lo.lon_e7.min(c.lon_e7);
                    lo.lat_e7 = lo.lat_e7.min(c.lat_e7);
                    hi.lon_e7 = hi.lon_e7.max(c.lon_e7);
                    hi.lat_e7 = hi.lat_e7.max(c.lat_e7);
                }
                let (lo, hi) = (tree_plane.project(lo), tree_plane.project(hi));
                [
                    f32_down(lo[0]),
                    f32_down(lo[1]),
                    f32_up(hi[0]),
                    f32_up(hi[1]),
                ]
            })
            .collect_into_vec(&mut boxes);
        let mut level_start = vec![0, boxes.len()];
        while boxes.len() - level_start[level_start.len() - 2] > 1 {
            let below = level_start[level_start.len() - 2]..boxes.len();
            for first in below.clone().step_by(NODE_SIZE) {
                let group = &boxes[first..(first + NODE_SIZE).min(below.end)];
                let bbox = group[1..].iter().fold(group[0], |a, b| union(a, *b));
                boxes.push(bbox);
            }
            level_start.push(boxes.len());
        }
        SnapIndex {
            graph,
            tree_plane,
            entries,
            boxes,
            level_start,
        }
    }

    /// Snaps a point, or `None` if no eligible edge exists or the nearest road is farther than
    /// `max_snap_m`.
    pub fn snap(&self, point: Coord, max_snap_m: f64) -> Option<Snap> {
        use std::cmp::Reverse;
        let local = Plane::at(point);
        let query = self.tree_plane.project(point);
        // Local distances are at least `ratio` times tree distances (1 for any point within the
        // network's latitudes; smaller for a point farther from the equator than every road).
        let ratio = (local.scale / self.tree_plane.scale).min(1.0);
        let levels = self.level_start.len() - 1;
        let root = *self.boxes.last()?;
        let mut best: Option<(f64, u32, u32, f64)> = None;
        // (squared box distance as bits (non-negative, so ordered as the numbers), level,
        // position in the level). Level 0 are the entries.
        let mut queue = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
        queue.clear();
        queue.push(Reverse((
            box_distance_2(query, &root).to_bits(),
            levels - 1,
            0usize,
        )));
        while let Some(Reverse((bits, level, pos))) = queue.pop() {
            let tree_d2 = f64::from_bits(bits);
            // Everything still queued is at least this far in the tree's plane. The margin keeps
            // rounding from ending the search before an exact tie is seen.
            if best.is_some_and(|b| tree_d2 * ratio * ratio > b.0 * (1.0 + 1e-9)) {
                break;
            }
            if level == 0 {
                let entry = self.entries[pos];
                let geom = self.graph.edge_geometry(entry.edge as usize);
                let first = entry.first_segment as usize;
                let last = (first + SEGMENTS_PER_ENTRY).min(geom.len() - 1);
                let (d2, segment, t) = nearest_segment(&geom[first..=last], point, local);
                let candidate = (d2, entry.edge, entry.first_segment + segment, t);
                if best.is_none_or(|b| (candidate.0, candidate.1, candidate.2) < (b.0, b.1, b.2)) {
                    best = Some(candidate);
                }
                continue;
            }
            let below = self.level_start[level - 1]..self.level_start[level];
            let children =
                below.start + pos * NODE_SIZE..(below.start + (pos + 1) * NODE_SIZE).min(below.end);
            for child in children {
                let d2 = box_distance_2(query, &self.boxes[child]);
                // A box farther than the best so far would only be popped to end the search.
                if best.is_some_and(|b| d2 * ratio * ratio > b.0 * (1.0 + 1e-9)) {
                    continue;
                }
                queue.push(Reverse((d2.to_bits(), level - 1, child - below.start)));
            }
        }
        QUEUE.with(|q| *q.borrow_mut() = queue);
        let (_, edge, segment, t) = best?;
        let snap = locate_on_edge(self.graph, point, edge, segment, t);
        (snap.snap_m <= max_snap_m).then_some(snap)
    }
}

/// The projection of `point` onto segment `segment` of `edge` at parameter `t`, measured on the
/// ellipsoid. Public for the reference implementation in the tests.
pub fn locate_on_edge(graph: &Graph, point: Coord, edge: u32, segment: u32, t: f64) -> Snap {
    let geom = graph.edge_geometry(edge as usize);
    let s = segment as usize;
    let (a, b) = (geom[s], geom[s + 1]);
    let e = &graph.edges()[edge as usize];
    // The projection clamps to exactly 0 or 1 beyond a segment's ends.
    let node = if s == 0 && t == 0.0 {
        Some(e.from)
    } else if s + 2 == geom.len() && t == 1.0 {
        Some(e.to)
    } else {
        None
    };
    let on_road = match node {
        Some(n) => (graph.coord(n).lon(), graph.coord(n).lat()),
        None => (
            a.lon() + t * (b.lon() - a.lon()),
            a.lat() + t * (b.lat() - a.lat()),
        ),
    };
    let before: f64 = geom[..=s]
        .windows(2)
        .map(|w| crate::base::coord::distance_m(w[0], w[1]))
        .sum();
    let offset_m = before + distance_m_f64((a.lon(), a.lat()), on_road);
    Snap {
        edge,
        snap_m: distance_m_f64((point.lon(), point.lat()), on_road),
        offset_m,
        on_road,
        node,
    }
}

/// Brute force over every segment of every eligible edge: the reference the index is tested
/// against. Same metric and tie rule as [`SnapIndex::snap`]. Built only with the `testing`
/// feature, which the integration tests turn on.
#[cfg(feature = "testing")]
pub fn snap_brute_force(
    graph: &Graph,
    options: SnapOptions,
    point: Coord,
    max_snap_m: f64,
) -> Option<Snap> {
    let local = Plane::at(point);
    let mut best: Option<(f64, u32, u32, f64)> = None;
    for (i, e) in graph.edges().iter().enumerate() {
        if !eligible(graph, e, options) {
            continue;
        }
        let geom = graph.edge_geometry(i);
        for s in 0..geom.len().saturating_sub(1) {
            let (d2, _, t) = nearest_segment(&geom[s..s + 2], point, local);
            if best.is_none_or(|b| (d2, i as u32, s as u32) < (b.0, b.1, b.2)) {
                best = Some((d2, i as u32, s as u32, t));
            }
        }
    }
    let (_, edge, segment, t) = best?;
    let snap = locate_on_edge(graph, point, edge, segment, t);
    (snap.snap_m <= max_snap_m).then_some(snap)
}
