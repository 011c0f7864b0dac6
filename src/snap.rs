//! Snapping points to the road network: the nearest point ON a road segment (not the nearest
//! node), found with an R-tree over pieces of edge geometry.
//!
//! # What "nearest" means
//! Candidates are compared in the Mercator plane (`x = λ`, `y = asinh(tan φ)`), which is
//! conformal: around any point it scales all directions alike, so the nearest segment there is
//! the nearest on the ground. The chosen point's distance (the snap leg) and its offset along
//! the edge are then measured on the WGS 84 ellipsoid with [`crate::coord::distance_m`].
//! Exact ties (a point nearest to a junction shared by several edges) go to the lowest edge
//! index, then the lowest segment, so snapping is deterministic.
//!
//! Only edges whose two end nodes lie in a strongly connected component of at least
//! [`SnapOptions::min_component_nodes`] nodes take snaps, so a broken fragment or a oneway stub
//! cannot capture a settlement, while a real island with its own roads keeps them.

use crate::coord::{distance_m_f64, Coord};
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
}

/// Mercator coordinates in radians.
fn mercator(lon: f64, lat: f64) -> [f64; 2] {
    [lon.to_radians(), lat.to_radians().tan().asinh()]
}

/// A run of up to [`SEGMENTS_PER_ENTRY`] consecutive segments of one edge.
#[derive(Clone, Debug)]
struct Piece {
    edge: u32,
    first_segment: u32,
    points: Vec<[f64; 2]>,
    envelope: AABB<[f64; 2]>,
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

impl Piece {
    /// The nearest segment of this piece: (squared distance, segment index in the edge, t).
    fn nearest(&self, p: [f64; 2]) -> (f64, u32, f64) {
        let mut best = (f64::INFINITY, 0, 0.0);
        for (i, w) in self.points.windows(2).enumerate() {
            let (d2, t) = segment_distance_2(p, w[0], w[1]);
            if d2 < best.0 {
                best = (d2, self.first_segment + i as u32, t);
            }
        }
        best
    }
}

impl RTreeObject for Piece {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl PointDistance for Piece {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        self.nearest(*point).0
    }
}

/// An R-tree over the geometry of the edges that may take snaps.
pub struct SnapIndex<'g> {
    graph: &'g Graph,
    tree: RTree<Piece>,
}

impl<'g> SnapIndex<'g> {
    /// Indexes the eligible edges of `graph`.
    pub fn new(graph: &'g Graph, options: SnapOptions) -> Self {
        let sizes = graph.component_sizes();
        let eligible = |n| sizes[graph.component(n) as usize] >= options.min_component_nodes;
        let mut pieces = Vec::new();
        for (i, e) in graph.edges().iter().enumerate() {
            if !(eligible(e.from) && eligible(e.to)) {
                continue;
            }
            let pts: Vec<[f64; 2]> = graph
                .edge_geometry(i)
                .iter()
                .map(|c| mercator(c.lon(), c.lat()))
                .collect();
            for (k, chunk) in pts
                .windows(2)
                .collect::<Vec<_>>()
                .chunks(SEGMENTS_PER_ENTRY)
                .enumerate()
            {
                let mut points: Vec<[f64; 2]> = chunk.iter().map(|w| w[0]).collect();
                if let Some(last) = chunk.last() {
                    points.push(last[1]);
                }
                pieces.push(Piece {
                    edge: i as u32,
                    first_segment: (k * SEGMENTS_PER_ENTRY) as u32,
                    envelope: AABB::from_points(points.iter()),
                    points,
                });
            }
        }
        SnapIndex {
            graph,
            tree: RTree::bulk_load(pieces),
        }
    }

    /// Snaps a point, or `None` if no eligible edge exists or the nearest road is farther than
    /// `max_snap_m`.
    pub fn snap(&self, point: Coord, max_snap_m: f64) -> Option<Snap> {
        let p = mercator(point.lon(), point.lat());
        let mut best: Option<(f64, u32, u32, f64)> = None;
        for piece in self.tree.nearest_neighbor_iter(&p) {
            let (d2, segment, t) = piece.nearest(p);
            if let Some((bd2, ..)) = best {
                if d2 > bd2 {
                    break;
                }
            }
            let candidate = (d2, piece.edge, segment, t);
            if best.is_none_or(|b| (candidate.0, candidate.1, candidate.2) < (b.0, b.1, b.2)) {
                best = Some(candidate);
            }
        }
        let (_, edge, segment, t) = best?;
        let snap = self.locate(point, edge, segment, t);
        (snap.snap_m <= max_snap_m).then_some(snap)
    }

    /// Measures the snap leg and the offset along the edge on the ellipsoid.
    fn locate(&self, point: Coord, edge: u32, segment: u32, t: f64) -> Snap {
        locate_on_edge(self.graph, point, edge, segment, t)
    }
}

/// The projection of `point` onto segment `segment` of `edge` at parameter `t`, measured on the
/// ellipsoid. Public for the reference implementation in the tests.
pub fn locate_on_edge(graph: &Graph, point: Coord, edge: u32, segment: u32, t: f64) -> Snap {
    let geom = graph.edge_geometry(edge as usize);
    let s = segment as usize;
    let (a, b) = (geom[s], geom[s + 1]);
    let on_road = (
        a.lon() + t * (b.lon() - a.lon()),
        a.lat() + t * (b.lat() - a.lat()),
    );
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
    }
}

/// Brute force over every segment of every eligible edge: the reference the index is tested
/// against. Same tie rule as [`SnapIndex::snap`].
pub fn snap_brute_force(
    graph: &Graph,
    options: SnapOptions,
    point: Coord,
    max_snap_m: f64,
) -> Option<Snap> {
    let sizes = graph.component_sizes();
    let eligible = |n| sizes[graph.component(n) as usize] >= options.min_component_nodes;
    let p = mercator(point.lon(), point.lat());
    let mut best: Option<(f64, u32, u32, f64)> = None;
    for (i, e) in graph.edges().iter().enumerate() {
        if !(eligible(e.from) && eligible(e.to)) {
            continue;
        }
        let geom = graph.edge_geometry(i);
        for (s, w) in geom.windows(2).enumerate() {
            let a = mercator(w[0].lon(), w[0].lat());
            let b = mercator(w[1].lon(), w[1].lat());
            let (d2, t) = segment_distance_2(p, a, b);
            if best.is_none_or(|b| (d2, i as u32, s as u32) < (b.0, b.1, b.2)) {
                best = Some((d2, i as u32, s as u32, t));
            }
        }
    }
    let (_, edge, segment, t) = best?;
    let snap = locate_on_edge(graph, point, edge, segment, t);
    (snap.snap_m <= max_snap_m).then_some(snap)
}
