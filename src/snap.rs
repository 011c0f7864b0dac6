//! Snapping points to the road network: the nearest point ON a road segment (not the nearest
//! node), found with an R-tree over pieces of edge geometry.
//!
//! # What "nearest" means
//! Candidates are compared in the plane tangent at the query point: `x = λ·cos φ₀`, `y = φ`,
//! with `φ₀` the point's own latitude. Around the point it scales all directions alike, so the
//! nearest segment in it is the nearest on the ground (to well under a metre at snapping
//! distances). The chosen point's distance (the snap leg) and its offset along the edge are then
//! measured on the WGS 84 ellipsoid with [`crate::coord::distance_m`].
//!
//! The R-tree itself lives in one fixed plane, `x = λ·cos φ_max`, `y = φ`, with `φ_max` the
//! largest |latitude| in the network. Since `cos φ₀ ≥ cos φ_max` for every point inside, a
//! distance in the tree's plane is never more than the distance in the point's plane, so the
//! search can visit candidates in tree order and stop as soon as the tree distance exceeds the
//! best distance found in the point's plane (scaled down for a point beyond the network's
//! latitudes).
//! Exact ties (a point nearest to a junction shared by several edges) go to the lowest edge
//! index, then the lowest segment, so snapping is deterministic.
//!
//! Ferry lines never take snaps: a point beside a ferry route reaches it over a road, through
//! the terminal. Only edges whose two end nodes lie in a strongly connected component of at least
//! [`SnapOptions::min_component_nodes`] nodes take snaps, so a broken fragment or a oneway stub
//! cannot capture a settlement, while a real island with its own roads keeps them.

use crate::coord::{distance_m_f64, Coord};
use crate::graph::Edge;
use crate::graph::Graph;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

/// Segments per R-tree entry: long rural edges are cut into pieces so that an entry's box stays
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
    pub node: Option<crate::graph::NodeIdx>,
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

/// A run of up to [`SEGMENTS_PER_ENTRY`] consecutive segments of one edge, borrowed from the
/// graph's geometry (no allocation per entry).
#[derive(Clone, Debug)]
struct Piece<'g> {
    edge: u32,
    first_segment: u32,
    points: &'g [Coord],
    envelope: AABB<[f64; 2]>,
    tree_plane: Plane,
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

impl RTreeObject for Piece<'_> {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Piece<'_> {
    /// Distance in the tree's plane; `point` is already in that plane.
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        let mut best = f64::INFINITY;
        let mut a = self.tree_plane.project(self.points[0]);
        for c in &self.points[1..] {
            let b = self.tree_plane.project(*c);
            best = best.min(segment_distance_2(*point, a, b).0);
            a = b;
        }
        best
    }
}

/// Whether an edge may take snaps: a road (not a ferry line) with both ends in a large enough
/// component.
fn eligible(graph: &Graph, e: &Edge, options: SnapOptions) -> bool {
    let sizes = graph.component_sizes();
    !e.is_ferry()
        && sizes[graph.component(e.from) as usize] >= options.min_component_nodes
        && sizes[graph.component(e.to) as usize] >= options.min_component_nodes
}

/// An R-tree over the geometry of the edges that may take snaps.
pub struct SnapIndex<'g> {
    graph: &'g Graph,
    tree: RTree<Piece<'g>>,
    tree_plane: Plane,
}

impl<'g> SnapIndex<'g> {
    /// Indexes the eligible edges of `graph`.
    pub fn new(graph: &'g Graph, options: SnapOptions) -> Self {
        let max_abs_lat = (0..graph.node_count() as u32)
            .map(|n| graph.coord(crate::graph::NodeIdx(n)).lat().abs())
            .chain(
                graph
                    .edges()
                    .iter()
                    .enumerate()
                    .flat_map(|(i, _)| graph.edge_geometry(i).iter().map(|c| c.lat().abs())),
            )
            .fold(0.0f64, f64::max);
        let tree_plane = Plane {
            scale: max_abs_lat.min(89.9).to_radians().cos(),
        };
        let mut pieces = Vec::new();
        for (i, e) in graph.edges().iter().enumerate() {
            if !eligible(graph, e, options) {
                continue;
            }
            let geom = graph.edge_geometry(i);
            let segments = geom.len().saturating_sub(1);
            for first in (0..segments).step_by(SEGMENTS_PER_ENTRY) {
                let points = &geom[first..=(first + SEGMENTS_PER_ENTRY).min(segments)];
                let projected: Vec<[f64; 2]> =
                    points.iter().map(|c| tree_plane.project(*c)).collect();
                pieces.push(Piece {
                    edge: i as u32,
                    first_segment: first as u32,
                    points,
                    envelope: AABB::from_points(projected.iter()),
                    tree_plane,
                });
            }
        }
        SnapIndex {
            graph,
            tree: RTree::bulk_load(pieces),
            tree_plane,
        }
    }

    /// Snaps a point, or `None` if no eligible edge exists or the nearest road is farther than
    /// `max_snap_m`.
    pub fn snap(&self, point: Coord, max_snap_m: f64) -> Option<Snap> {
        let local = Plane::at(point);
        let query = self.tree_plane.project(point);
        // Local distances are at least `ratio` times tree distances (1 for any point within the
        // network's latitudes; smaller for a point farther from the equator than every road).
        let ratio = (local.scale / self.tree_plane.scale).min(1.0);
        let mut best: Option<(f64, u32, u32, f64)> = None;
        for (piece, tree_d2) in self.tree.nearest_neighbor_iter_with_distance_2(&query) {
            // The margin keeps rounding from ending the search before an exact tie is seen.
            if best.is_some_and(|b| tree_d2 * ratio * ratio > b.0 * (1.0 + 1e-9)) {
                break;
            }
            let (d2, segment, t) = nearest_segment(piece.points, point, local);
            let candidate = (d2, piece.edge, piece.first_segment + segment, t);
            if best.is_none_or(|b| (candidate.0, candidate.1, candidate.2) < (b.0, b.1, b.2)) {
                best = Some(candidate);
            }
        }
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
        .map(|w| crate::coord::distance_m(w[0], w[1]))
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
/// against. Same metric and tie rule as [`SnapIndex::snap`].
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
