//! A region ready for analysis, as plain data: the road graph, its service points and its
//! settlements, read from one extract or loaded from a graph cache (see [`crate::open`]), and
//! the area the extract covers.

use crate::base::coord::{distance_m_f64, Coord};
use crate::base::feature::{Kinds, ServicePoint, Settlement};
use crate::base::warning::Warning;
use crate::network::core_tables::CoreTables;
use crate::network::graph::Graph;
use crate::network::snap::SnapTree;
use crate::read::osm::ReadStats;
use std::time::Duration;

/// The road graph, service points and settlements of one extract.
#[derive(Clone, Debug)]
pub struct Region {
    /// The car network.
    pub graph: Graph,
    /// The area the extract covers (`None` when it is unknown: no header box and no road).
    pub extent: Option<Extent>,
    /// The kinds of service, built-in ones first: every per-kind list of an analysis follows
    /// this order.
    pub kinds: Kinds,
    /// Service points of all kinds.
    pub services: Vec<ServicePoint>,
    /// Settlements.
    pub settlements: Vec<Settlement>,
    /// The population groups (e.g. `pop_70plus`): the names of the settlements file's
    /// columns that [`Settlement::groups`] holds, in that order; empty when none is named.
    pub groups: Vec<String>,
    /// What the reader saw.
    pub read_stats: ReadStats,
    /// Time per phase, reading passes first, then graph building.
    pub timings: Vec<(&'static str, Duration)>,
    /// What the run carries on past but the planner must hear about, in the order noticed.
    pub warnings: Vec<Warning>,
    /// What searches on the graph start from, when it is at hand (a graph cache holds it);
    /// else it is built by each analysis.
    pub prepared: Prepared,
}

/// What every analysis of a graph builds before its searches, kept with the region when a
/// graph cache holds it (see [`crate::route::prepare`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prepared {
    /// The snapping index, with the options it was built for.
    pub snap: Option<SnapTree>,
    /// The tables of the core graph ([`crate::route::Core`]).
    pub core: Option<CoreTables>,
}

/// Where an [`Extent`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtentSource {
    /// The bounding box in the PBF file's header, as the extract tool wrote it.
    HeaderBox,
    /// The convex hull of the road nodes (for a file whose header has no box).
    RoadHull,
}

/// The area an extract covers: a convex polygon (a header box or the hull of the road nodes),
/// counter-clockwise, without the closing vertex. A point far outside it cannot be analysed
/// with this extract, whatever its roads: it lies where the extract has no data.
///
/// Longitudes are taken as they are: an area that crosses the antimeridian is not supported
/// (a header box that does is ignored in favour of the road hull).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extent {
    /// Where the polygon comes from.
    pub source: ExtentSource,
    /// The vertices, counter-clockwise; one or two when the roads are a point or a line.
    pub ring: Vec<Coord>,
}

impl Extent {
    /// The box `[min_lon, min_lat, max_lon, max_lat]` in degrees from a file header, or `None`
    /// for a box that is empty, inverted (across the antimeridian) or not in degrees.
    pub fn from_header_box(bbox: [f64; 4]) -> Option<Extent> {
        let [w, s, e, n] = bbox;
        let lon_ok = |x: f64| x.is_finite() && (-180.0..=180.0).contains(&x);
        let lat_ok = |y: f64| y.is_finite() && (-90.0..=90.0).contains(&y);
        if !(lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n)) || w > e || s > n {
            return None;
        }
        let (sw, ne) = (Coord::from_degrees(w, s), Coord::from_degrees(e, n));
        let ring = vec![
            sw,
            Coord {
                lon_e7: ne.lon_e7,
                lat_e7: sw.lat_e7,
            },
            ne,
            Coord {
                lon_e7: sw.lon_e7,
                lat_e7: ne.lat_e7,
            },
        ];
        Some(Extent {
            source: ExtentSource::HeaderBox,
            ring,
        })
    }

    /// The convex hull of the nodes and edge geometry of `graph`; `None` without roads.
    pub fn road_hull(graph: &Graph) -> Option<Extent> {
        let mut points: Vec<Coord> = graph
            .coords
            .iter()
            .chain(graph.geometry.iter())
            .copied()
            .collect();
        let ring = convex_hull(&mut points);
        (!ring.is_empty()).then_some(Extent {
            source: ExtentSource::RoadHull,
            ring,
        })
    }

    /// The header box when there is a usable one, else the hull of the roads.
    pub fn of_extract(header_box: Option<[f64; 4]>, graph: &Graph) -> Option<Extent> {
        header_box
            .and_then(Extent::from_header_box)
            .or_else(|| Extent::road_hull(graph))
    }

    /// Whether `point` lies inside the polygon or at most `margin_m` metres from it (on the
    /// ellipsoid, to the nearest point of its boundary).
    pub fn covers(&self, point: Coord, margin_m: f64) -> bool {
        if self.contains(point) {
            return true;
        }
        self.distance_m(point) <= margin_m
    }

    /// Whether `point` lies inside the polygon or on its boundary (exact, on the integer
    /// coordinates); a ring of fewer than three vertices contains nothing.
    fn contains(&self, point: Coord) -> bool {
        let n = self.ring.len();
        n >= 3 && (0..n).all(|i| cross(self.ring[i], self.ring[(i + 1) % n], point) >= 0)
    }

    /// The distance in metres from `point` to the nearest point of the polygon's boundary:
    /// the foot point on each side is found in a plane around `point` (x = lon·cos φ, y = lat),
    /// where the sides of a header box (a meridian, a parallel) keep their foot points, and
    /// measured on the ellipsoid.
    fn distance_m(&self, point: Coord) -> f64 {
        let (px, py) = (point.lon(), point.lat());
        let k = py.to_radians().cos();
        let n = self.ring.len();
        if n == 0 {
            return f64::INFINITY;
        }
        let sides = if n <= 2 { 1 } else { n };
        let mut best = f64::INFINITY;
        for i in 0..sides {
            let a = self.ring[i];
            let b = self.ring[(i + 1) % n];
            let (ax, ay) = ((a.lon() - px) * k, a.lat() - py);
            let (bx, by) = ((b.lon() - px) * k, b.lat() - py);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let foot = (
                a.lon() + t * (b.lon() - a.lon()),
                a.lat() + t * (b.lat() - a.lat()),
            );
            best = best.min(distance_m_f64((px, py), foot));
        }
        best
    }
}

/// `(b - a) × (p - a)`: positive when `p` lies left of the line from `a` to `b`.
fn cross(a: Coord, b: Coord, p: Coord) -> i128 {
    let (ax, ay) = (i128::from(a.lon_e7), i128::from(a.lat_e7));
    let (bx, by) = (i128::from(b.lon_e7), i128::from(b.lat_e7));
    let (px, py) = (i128::from(p.lon_e7), i128::from(p.lat_e7));
    (bx - ax) * (py - ay) - (by - ay) * (px - ax)
}

/// Andrew's monotone chain on exact integer coordinates: the hull counter-clockwise, without
/// collinear vertices; one or two vertices for a point or a line, none for no points.
fn convex_hull(points: &mut Vec<Coord>) -> Vec<Coord> {
    points.sort_unstable();
    points.dedup();
    if points.len() <= 2 {
        return points.clone();
    }
    let mut hull: Vec<Coord> = Vec::with_capacity(points.len() + 1);
    for pass in 0..2 {
        let start = hull.len();
        let ordered: Box<dyn Iterator<Item = &Coord>> = if pass == 0 {
            Box::new(points.iter())
        } else {
            Box::new(points.iter().rev())
        };
        for &p in ordered {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0
            {
                hull.pop();
            }
            hull.push(p);
        }
        // The last point of each chain starts the other one.
        hull.pop();
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(lon: f64, lat: f64) -> Coord {
        Coord::from_degrees(lon, lat)
    }

    #[test]
    fn hull_of_a_square_with_inner_and_edge_points() {
        let mut points = vec![
            c(0.0, 0.0),
            c(1.0, 0.0),
            c(1.0, 1.0),
            c(0.0, 1.0),
            c(0.5, 0.5),
            c(0.5, 0.0),
            c(0.0, 0.0),
        ];
        let hull = convex_hull(&mut points);
        assert_eq!(
            hull,
            vec![c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(0.0, 1.0)]
        );
        assert_eq!(
            convex_hull(&mut vec![c(1.0, 1.0), c(1.0, 1.0)]),
            vec![c(1.0, 1.0)]
        );
        assert!(convex_hull(&mut Vec::new()).is_empty());
    }

    #[test]
    fn box_covers_inside_and_within_the_margin() {
        let Some(extent) = Extent::from_header_box([18.0, 59.0, 18.1, 59.1]) else {
            panic!("a valid box was refused");
        };
        assert!(extent.covers(c(18.05, 59.05), 0.0));
        assert!(extent.covers(c(18.0, 59.1), 0.0), "a corner is inside");
        // 0.01° of latitude is about 1 113 m.
        assert!(extent.covers(c(18.05, 59.11), 1200.0));
        assert!(!extent.covers(c(18.05, 59.11), 1000.0));
        let d = extent.distance_m(c(18.2, 59.05));
        let expected = distance_m_f64((18.2, 59.05), (18.1, 59.05));
        assert!((d - expected).abs() < 1e-6, "{d} vs {expected}");
        assert!(Extent::from_header_box([179.0, 0.0, -179.0, 1.0]).is_none());
        assert!(Extent::from_header_box([0.0, 0.0, 1.0, 95.0]).is_none());
    }

    #[test]
    fn line_hull_covers_only_within_the_margin() {
        let extent = Extent {
            source: ExtentSource::RoadHull,
            ring: vec![c(0.0, 0.0), c(0.0, 0.01)],
        };
        assert!(extent.covers(c(0.0, 0.005), 0.0));
        assert!(extent.covers(c(0.001, 0.005), 120.0));
        assert!(!extent.covers(c(0.001, 0.005), 100.0));
    }
}
