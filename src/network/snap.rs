//! Snapping points to the road network: the nearest point ON a road segment (not the nearest
//! node), found with a packed R-tree over pieces of edge geometry.
//!
//! # What "nearest" means
//! The nearest point is the point of a road segment (drawn straight in degrees between its
//! nodes) at the smallest [`crate::base::coord::distance_m`], the ellipsoidal distance every
//! length in the crate uses; the snap leg `snap_m` and the offset along the edge are measured
//! with it too. A plane `x = λ·cos φ₀`, `y = φ` is not good enough for this: on WGS 84 a degree
//! of latitude and a degree of longitude times `cos φ` differ by `N/M = 1 + e′² cos² φ`
//! (0.67 % at the equator), enough to choose the farther of two roads 4 m apart at 3 km and to
//! slide the foot 6 m per km of leg along the road.
//!
//! The search works in two steps:
//! 1. Candidates are found in the plane tangent at the query point and isotropic there on the
//!    ellipsoid, in metres: `x = N(φ₀)·cos φ₀·(λ − λ₀)`, `y = M(φ₀)·(φ − φ₀)`. It differs from
//!    [`distance_m`] only through the radii, which `distance_m` takes at the mean latitude of its
//!    two points. Every point within `r` metres by `distance_m` lies within `r / M_min` of the
//!    query's latitude, so for it `distance_m ≥ ρ(r) · local distance`, with `ρ(r)` the
//!    smallest ratio of either radius over that band to its value at the query (just below 1:
//!    `1 − 1e-3` at 67° and 5 km). The search keeps `U`, the smallest `distance_m` measured so
//!    far (at the foot of the best local candidate): the nearest road is no farther, so every
//!    segment that can hold it lies within `U / ρ(U)` in the local plane, and only those are
//!    kept.
//! 2. The kept segments (one or two, a few at a junction) are measured on the ellipsoid: the
//!    minimum of `distance_m` along each is found by parabolic interpolation from the local
//!    foot (see `refine`; the local foot is off by up to `tan φ · E² / 2R` through meridian
//!    convergence, 5 m at 67° with a 5 km east-west leg), and the smallest wins.
//!
//! The R-tree itself lives in one fixed plane, `x = λ·cos φ_max`, `y = φ` (degrees), with
//! `φ_max` the largest |latitude| in the network. A local distance is at least
//! `min(M(φ₀), N(φ₀)·cos φ₀ / cos φ_max)` (per degree) times the tree distance, as a
//! `hypot` of two scaled terms is at least the smaller scale times the `hypot`; so a box
//! whose tree distance times that factor exceeds `U / ρ(U)` holds nothing that could be
//! nearer than `U` by `distance_m`, and the search, visiting boxes best first, stops at the
//! first such box. The tree orders candidates by the distance to their bounding box, which is
//! never more than the distance to the geometry inside, so stopping there is just as safe. The
//! bound is exact arithmetic on the radii (no series), holds at any latitude (at the poles `ρ`
//! falls to 0 and the search visits more, never less), and every comparison keeps a relative
//! margin of 1e-9 against rounding.
//!
//! The cost over the plane alone is one `distance_m` per improvement of the best local
//! candidate and about seven per kept segment.
//!
//! The tree is built here rather than with `rstar`: it is static, so it can be packed into flat
//! arrays of 8-byte entries and `f32` boxes (rounded outwards), which takes a fiftieth of the
//! memory `rstar`'s bulk load needed for a national network and builds in a parallel sort.
//! Exact ties (a point nearest to a junction shared by several edges) go to the lowest edge
//! index, then the lowest segment, so snapping is deterministic.
//!
//! Ferry lines never take snaps: a point beside a ferry route reaches it over a road, through
//! the terminal. Only edges whose two end nodes lie in one and the same strongly connected
//! component of at least [`SnapOptions::min_component_nodes`] nodes take snaps, so a broken
//! fragment or a oneway stub cannot capture a settlement, while a real island with its own
//! roads keeps them; a oneway link from one such component into another takes none either, as
//! a point on it could only leave one way or be reached one way.

use crate::base::array::Array;
use crate::base::coord::{distance_m, distance_m_f64, radii_m, Coord};
use crate::network::graph::{counting_offsets, counting_place, Edge, Graph};
use rayon::prelude::*;
use std::borrow::Cow;

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

/// A plane `x = λ·scale`, `y = φ` (degrees): the R-tree's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plane {
    pub(crate) scale: f64,
}

impl Plane {
    fn project(self, c: Coord) -> [f64; 2] {
        [c.lon() * self.scale, c.lat()]
    }
}

/// The plane tangent at a query point, in metres and isotropic there on the ellipsoid:
/// `x = N(φ₀)·cos φ₀·(λ − λ₀)`, `y = M(φ₀)·(φ − φ₀)`, centred on the point so that the
/// coordinates of nearby roads keep their precision.
#[derive(Clone, Copy, Debug)]
struct Local {
    origin: Coord,
    /// Metres per degree of longitude and of latitude at the point.
    x_m: f64,
    y_m: f64,
}

impl Local {
    fn at(point: Coord) -> Self {
        let (m, k) = radii_m(point.lat().clamp(-89.9, 89.9));
        Local {
            origin: point,
            x_m: k.to_radians(),
            y_m: m.to_radians(),
        }
    }

    fn project(self, c: Coord) -> [f64; 2] {
        // Differences of the integer coordinates are exact (in f64, where they cannot
        // overflow).
        let dlon = (f64::from(c.lon_e7) - f64::from(self.origin.lon_e7)) / 1e7;
        let dlat = (f64::from(c.lat_e7) - f64::from(self.origin.lat_e7)) / 1e7;
        [dlon * self.x_m, dlat * self.y_m]
    }

    /// A lower bound on [`distance_m`] over the local distance, for every point whose
    /// [`distance_m`] from the origin is at most `reach_m`: such a point lies within
    /// `reach_m / M_min` of the origin's latitude, so the mean latitude [`distance_m`] takes its
    /// radii at lies within half that, and each radius there is at least its smallest value
    /// over that band (`M` grows and `N·cos φ` shrinks with |φ|).
    fn lower_ratio(self, reach_m: f64) -> f64 {
        if !reach_m.is_finite() {
            return 0.0;
        }
        let band = (reach_m / (2.0 * radii_m(0.0).0)).to_degrees();
        let lat = self.origin.lat();
        let (lo, hi) = ((lat - band).max(-90.0), (lat + band).min(90.0));
        let far = lo.abs().max(hi.abs());
        let near = if lo <= 0.0 && hi >= 0.0 {
            0.0
        } else {
            lo.abs().min(hi.abs())
        };
        let m = radii_m(near).0.to_radians() / self.y_m;
        let k = radii_m(far).1.max(0.0).to_radians() / self.x_m;
        m.min(k) * (1.0 - 1e-12)
    }
}

/// Relative margin on every pruning comparison: rounding in the projections must never end a
/// search before an exact tie is seen.
const MARGIN: f64 = 1.0 + 1e-9;
/// Absolute margin on the same comparisons (metres): a point a few millimetres from a road has
/// rounding errors in its coordinates (1e-15 degree, a tenth of a nanometre) that a relative
/// margin does not cover.
const ABS_MARGIN_M: f64 = 1e-6;

/// Distance from `p` to segment `a`–`b` in the plane, and the parameter of the foot.
fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = [a[0] + t * d[0] - p[0], a[1] + t * d[1] - p[1]];
    (q[0].hypot(q[1]), t)
}

/// The point at parameter `t` of segment `a`–`b` (linear in degrees, as the road is drawn),
/// exactly `a` or `b` at 0 and 1.
fn point_at(a: Coord, b: Coord, t: f64) -> (f64, f64) {
    if t == 0.0 {
        (a.lon(), a.lat())
    } else if t == 1.0 {
        (b.lon(), b.lat())
    } else {
        lerp(a, b, t)
    }
}

/// The point at parameter `t` of the line through `a` and `b`, for any `t`.
fn lerp(a: Coord, b: Coord, t: f64) -> (f64, f64) {
    (
        a.lon() + t * (b.lon() - a.lon()),
        a.lat() + t * (b.lat() - a.lat()),
    )
}

/// The minimum of [`distance_m`] from `p` along segment `a`–`b`, starting from the foot `t0`
/// found in the point's tangent plane: `(distance, t)`.
///
/// Along the segment the squared distance is a parabola in `t` but for the change of the
/// radii with the mean latitude, a relative change of about `tan φ · Δφ` over the segment
/// (meridians converge). Two steps of parabolic interpolation through three values of
/// [`distance_m`] each, 4 m then 0.4 m either side, take the foot from the plane's (up to a
/// few metres off at 5 km and high latitudes) to the minimum (checked against a golden-section
/// search to 0.5 m in the tests); a step is kept only if it lowers the distance, and the result
/// is clamped to the segment.
fn refine(p: Coord, a: Coord, b: Coord, t0: f64) -> (f64, f64) {
    let p = (p.lon(), p.lat());
    let seg_m = distance_m(a, b);
    let mut best = (distance_m_f64(p, point_at(a, b, t0)), t0);
    if seg_m == 0.0 {
        return best;
    }
    let mut h = 4.0 / seg_m;
    for _ in 0..2 {
        let t = best.1;
        let g = |t: f64| distance_m_f64(p, lerp(a, b, t)).powi(2);
        let (minus, mid, plus) = (g(t - h), g(t), g(t + h));
        let curvature = plus - 2.0 * mid + minus;
        if curvature > 0.0 {
            let next = (t - h * (plus - minus) / (2.0 * curvature)).clamp(0.0, 1.0);
            let d = distance_m_f64(p, point_at(a, b, next));
            if d < best.0 {
                best = (d, next);
            }
        }
        h *= 0.1;
    }
    best
}

/// Whether an edge may take snaps: a road (not a ferry line) whose two ends lie in one strongly
/// connected component of at least `min_component_nodes` nodes. (A oneway edge from one large
/// component into another is not in either: a point on it could leave it but never come back,
/// or be reached but never leave.)
fn eligible(graph: &Graph, e: &Edge, options: SnapOptions) -> bool {
    let component = graph.component(e.from);
    !e.is_ferry()
        && graph.component(e.to) == component
        && graph.component_sizes()[component as usize] >= options.min_component_nodes
}

/// Children per node of the packed tree: wide enough to keep the tree shallow and its upper
/// levels small, narrow enough that a visited node adds few boxes to the queue.
const NODE_SIZE: usize = 16;

/// A run of up to [`SEGMENTS_PER_ENTRY`] consecutive segments of one edge: segments
/// `first_segment..` of `edge`, read from the graph's geometry when the entry is visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct Entry {
    edge: u32,
    first_segment: u32,
}

/// A box in the tree's plane, `[min x, min y, max x, max y]`, rounded outwards to `f32` so
/// that it still contains everything it bounds.
pub(crate) type Bbox = [f32; 4];

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
    /// Each thread's candidate segments `(local distance, edge, segment, t)`, likewise.
    static CANDIDATES: std::cell::RefCell<Vec<(f64, u32, u32, f64)>> =
        const { std::cell::RefCell::new(Vec::new()) };
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
    /// The tree: built here, or the region's (loaded from a graph cache).
    tree: Cow<'g, SnapTree>,
}

/// The packed R-tree of a [`SnapIndex`], as plain data (so that a graph cache can hold it),
/// with the options it was built for.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapTree {
    pub(crate) options: SnapOptions,
    pub(crate) tree_plane: Plane,
    /// The entries, in Hilbert order.
    pub(crate) entries: Array<Entry>,
    /// Boxes of all levels, the entries' first, then each level of nodes above; the last is the
    /// root's.
    pub(crate) boxes: Array<Bbox>,
    /// Where each level starts in `boxes`, with the end of the last level appended (follows
    /// from the number of entries: see [`SnapTree::level_starts`]).
    pub(crate) level_start: Vec<usize>,
}

impl SnapTree {
    /// The options the tree was built for.
    pub fn options(&self) -> SnapOptions {
        self.options
    }

    /// Where each level of a tree over `entries` entries starts in its boxes, with the end of
    /// the last level appended: groups of [`NODE_SIZE`] up to a single root.
    pub(crate) fn level_starts(entries: usize) -> Vec<usize> {
        let mut level_start = vec![0, entries];
        let mut below = entries;
        while below > 1 {
            let above = below.div_ceil(NODE_SIZE);
            level_start.push(level_start[level_start.len() - 1] + above);
            below = above;
        }
        level_start
    }

    /// Checks that a tree loaded from a file fits `graph` well enough to be searched without
    /// an index out of range: entries on existing segments, one box per entry and node.
    pub(crate) fn check(&self, graph: &Graph) -> Result<(), String> {
        let edges = graph.edges();
        let on_road = |e: &Entry| {
            edges.get(e.edge as usize).is_some()
                && (e.first_segment as usize)
                    < graph.edge_geometry(e.edge as usize).len().saturating_sub(1)
        };
        if !self.entries.par_iter().all(on_road) {
            return Err("snapping index entry on a road that does not exist".into());
        }
        // The levels follow from the entries (see `level_starts`); the boxes must fill them.
        if self.level_start.last() != Some(&self.boxes.len()) {
            return Err("snapping index boxes do not match its entries".into());
        }
        if !self.tree_plane.scale.is_finite() || self.tree_plane.scale <= 0.0 {
            return Err("snapping index plane out of range".into());
        }
        Ok(())
    }
}

impl<'g> SnapIndex<'g> {
    /// The snapping index of `graph` for `options`: the `stored` tree where it was built
    /// with those options (a region's, loaded with a graph cache), else one built as by
    /// [`SnapIndex::new`].
    pub fn with_stored(
        graph: &'g Graph,
        stored: Option<&'g SnapTree>,
        options: SnapOptions,
    ) -> Self {
        match stored {
            Some(tree) if tree.options == options => SnapIndex {
                graph,
                tree: Cow::Borrowed(tree),
            },
            _ => SnapIndex::new(graph, options),
        }
    }

    /// Indexes the eligible edges of `graph`.
    pub fn new(graph: &'g Graph, options: SnapOptions) -> Self {
        SnapIndex {
            graph,
            tree: Cow::Owned(SnapTree::build(graph, options)),
        }
    }

    /// The tree (for storing it).
    pub fn tree(&self) -> &SnapTree {
        &self.tree
    }
}

impl SnapTree {
    /// Indexes the eligible edges of `graph`.
    pub fn build(graph: &Graph, options: SnapOptions) -> Self {
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
        // Each level's boxes bound groups of `NODE_SIZE` of the level below.
        let level_start = SnapTree::level_starts(entries.len());
        for below in level_start
            .windows(2)
            .take(level_start.len().saturating_sub(2))
        {
            for first in (below[0]..below[1]).step_by(NODE_SIZE) {
                let group = &boxes[first..(first + NODE_SIZE).min(below[1])];
                let bbox = group[1..].iter().fold(group[0], |a, b| union(a, *b));
                boxes.push(bbox);
            }
        }
        debug_assert_eq!(level_start.last(), Some(&boxes.len()));
        SnapTree {
            options,
            tree_plane,
            entries: entries.into(),
            boxes: boxes.into(),
            level_start,
        }
    }
}

impl<'g> SnapIndex<'g> {
    /// Snaps a point, or `None` if no eligible edge exists or the nearest road is farther than
    /// `max_snap_m`.
    pub fn snap(&self, point: Coord, max_snap_m: f64) -> Option<Snap> {
        use std::cmp::Reverse;
        let local = Local::at(point);
        let query = self.tree.tree_plane.project(point);
        // Local distances (metres) are at least `to_local` times tree distances (degrees), so
        // with the lower ratio, distance_m is at least `to_local · lower` times them.
        let to_local = local.y_m.min(local.x_m / self.tree.tree_plane.scale);
        let levels = self.tree.level_start.len() - 1;
        let root = *self.tree.boxes.last()?;
        // The smallest distance_m measured so far (at a plane foot): the nearest road is no
        // farther, and every point of a closer road lies within this reach.
        let mut upper = f64::INFINITY;
        let mut best_local = f64::INFINITY;
        // Beyond this local distance nothing can beat `upper`.
        let mut cutoff = f64::INFINITY;
        // (squared box distance as bits (non-negative, so ordered as the numbers), level,
        // position in the level). Level 0 are the entries.
        let mut queue = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
        let mut candidates = CANDIDATES.with(|c| std::mem::take(&mut *c.borrow_mut()));
        queue.clear();
        candidates.clear();
        queue.push(Reverse((
            box_distance_2(query, &root).to_bits(),
            levels - 1,
            0usize,
        )));
        while let Some(Reverse((bits, level, pos))) = queue.pop() {
            // Everything still queued is at least this far in the tree's plane.
            if f64::from_bits(bits).sqrt() * to_local > cutoff {
                break;
            }
            if level == 0 {
                let entry = self.tree.entries[pos];
                let geom = self.graph.edge_geometry(entry.edge as usize);
                let first = entry.first_segment as usize;
                let last = (first + SEGMENTS_PER_ENTRY).min(geom.len() - 1);
                let mut a = local.project(geom[first]);
                for s in first..last {
                    let b = local.project(geom[s + 1]);
                    let (d, t) = segment_distance([0.0, 0.0], a, b);
                    a = b;
                    if d > cutoff {
                        continue;
                    }
                    candidates.push((d, entry.edge, s as u32, t));
                    if d < best_local {
                        best_local = d;
                        let on_road = point_at(geom[s], geom[s + 1], t);
                        let m = distance_m_f64((point.lon(), point.lat()), on_road);
                        if m < upper {
                            upper = m;
                            cutoff = upper * MARGIN / local.lower_ratio(upper) + ABS_MARGIN_M;
                        }
                    }
                }
                continue;
            }
            let below = self.tree.level_start[level - 1]..self.tree.level_start[level];
            let children =
                below.start + pos * NODE_SIZE..(below.start + (pos + 1) * NODE_SIZE).min(below.end);
            for child in children {
                let d2 = box_distance_2(query, &self.tree.boxes[child]);
                // A box farther than the cutoff would only be popped to end the search.
                if d2.sqrt() * to_local > cutoff {
                    continue;
                }
                queue.push(Reverse((d2.to_bits(), level - 1, child - below.start)));
            }
        }
        // Every segment that may hold the nearest point is a candidate: measure them on the
        // ellipsoid. Exact ties (a junction) go to the lowest edge, then segment.
        let mut best: Option<(f64, u32, u32, f64)> = None;
        for &(d, edge, segment, t) in &candidates {
            if d > cutoff {
                continue;
            }
            let geom = self.graph.edge_geometry(edge as usize);
            let s = segment as usize;
            let (m, t) = refine(point, geom[s], geom[s + 1], t);
            if best.is_none_or(|b| (m, edge, segment) < (b.0, b.1, b.2)) {
                best = Some((m, edge, segment, t));
            }
        }
        QUEUE.with(|q| *q.borrow_mut() = queue);
        CANDIDATES.with(|c| *c.borrow_mut() = candidates);
        let (_, edge, segment, t) = best?;
        let snap = locate_on_edge(self.graph, point, edge, segment, t);
        (snap.snap_m <= max_snap_m).then_some(snap)
    }
}

/// The point at parameter `t` of segment `segment` of `edge` as a [`Snap`], measured on the
/// ellipsoid.
fn locate_on_edge(graph: &Graph, point: Coord, edge: u32, segment: u32, t: f64) -> Snap {
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
        None => point_at(a, b, t),
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

/// Brute force over every segment of every eligible edge, on the ellipsoid: the reference the
/// index is tested against. Independent of the index's planes and refinement: along each
/// segment that may hold the nearest point, [`distance_m`] is sampled densely and its minimum
/// narrowed by golden-section search ([`snap_to_edge_brute_force`]). A segment is skipped only
/// when the triangle inequality bounds its distance above the best found, with a margin far
/// above [`distance_m`]'s departure from a metric. Exact ties go to the lowest edge index.
/// Built only with the `testing` feature, which the integration tests turn on.
#[cfg(feature = "testing")]
pub fn snap_brute_force(
    graph: &Graph,
    options: SnapOptions,
    point: Coord,
    max_snap_m: f64,
) -> Option<Snap> {
    // Every eligible segment with a lower bound on its distance: (bound, edge, segment).
    let mut segments: Vec<(f64, u32, u32)> = Vec::new();
    for (i, e) in graph.edges().iter().enumerate() {
        if !eligible(graph, e, options) {
            continue;
        }
        let geom = graph.edge_geometry(i);
        let mut from_a = distance_m(point, geom[0]);
        for s in 0..geom.len().saturating_sub(1) {
            let from_b = distance_m(point, geom[s + 1]);
            // |pq| >= |pa| - |aq| and >= |pb| - |qb|, with |aq| + |qb| = |ab|.
            let bound = (from_a + from_b - distance_m(geom[s], geom[s + 1])) / 2.0;
            let slack = 1e-4 * (from_a + from_b) + 0.01;
            segments.push((bound - slack, i as u32, s as u32));
            from_a = from_b;
        }
    }
    segments.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut best: Option<(f64, u32, u32, f64)> = None;
    for &(bound, edge, s) in &segments {
        if best.is_some_and(|b| bound > b.0) {
            break;
        }
        let geom = graph.edge_geometry(edge as usize);
        let (d, t) = segment_minimum(point, geom[s as usize], geom[s as usize + 1]);
        if best.is_none_or(|b| (d, edge, s) < (b.0, b.1, b.2)) {
            best = Some((d, edge, s, t));
        }
    }
    let (_, edge, segment, t) = best?;
    let snap = locate_on_edge(graph, point, edge, segment, t);
    (snap.snap_m <= max_snap_m).then_some(snap)
}

/// The nearest point of one edge to `point` by brute force on the ellipsoid, as
/// [`snap_brute_force`] finds it: the reference for where along its road a snap lies.
#[cfg(feature = "testing")]
pub fn snap_to_edge_brute_force(graph: &Graph, point: Coord, edge: u32) -> Snap {
    let geom = graph.edge_geometry(edge as usize);
    let mut best = (f64::INFINITY, 0, 0.0);
    for s in 0..geom.len().saturating_sub(1) {
        let (d, t) = segment_minimum(point, geom[s], geom[s + 1]);
        if d < best.0 {
            best = (d, s as u32, t);
        }
    }
    locate_on_edge(graph, point, edge, best.1, best.2)
}

/// The minimum of [`distance_m`] from `p` along segment `a`–`b`: `(distance, t)`. Samples 33
/// points, then narrows the interval around the best sample by golden-section search to
/// 1e-12 of the segment; an end of the segment is kept when the search does not beat it.
#[cfg(feature = "testing")]
fn segment_minimum(p: Coord, a: Coord, b: Coord) -> (f64, f64) {
    const SAMPLES: usize = 32;
    let p = (p.lon(), p.lat());
    let f = |t: f64| distance_m_f64(p, point_at(a, b, t));
    let mut best = (f(0.0), 0.0);
    let mut at = 0;
    for i in 1..=SAMPLES {
        let t = i as f64 / SAMPLES as f64;
        let d = f(t);
        if d < best.0 {
            best = (d, t);
            at = i;
        }
    }
    let (mut lo, mut hi) = (
        at.saturating_sub(1) as f64 / SAMPLES as f64,
        (at + 1).min(SAMPLES) as f64 / SAMPLES as f64,
    );
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut x1, mut x2) = (hi - phi * (hi - lo), lo + phi * (hi - lo));
    let (mut f1, mut f2) = (f(x1), f(x2));
    while hi - lo > 1e-12 {
        if f1 <= f2 {
            hi = x2;
            (x2, f2) = (x1, f1);
            x1 = hi - phi * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            (x1, f1) = (x2, f2);
            x2 = lo + phi * (hi - lo);
            f2 = f(x2);
        }
    }
    let t = (lo + hi) / 2.0;
    let d = f(t);
    if d < best.0 {
        best = (d, t);
    }
    best
}
