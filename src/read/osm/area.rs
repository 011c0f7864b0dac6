//! Where an area (a closed way or a multipolygon relation) is put as a point: a point inside
//! its polygon, found by a scan line, so that a service or settlement mapped as an area snaps
//! from where it is, even when the area is L-shaped, a ring or in several parts (where its
//! centroid may lie outside it).
//!
//! # The rule
//! Coordinates are plain degrees (lon as x, lat as y). For one polygon (an outer ring and its
//! holes):
//! 1. The scan line is the horizontal line through the middle of the outer ring's latitude
//!    range. If a node of the polygon lies exactly on it, the line moves halfway towards the
//!    nearest latitude of a node off it (on a tie, the first such node in ring order: the
//!    outer ring from its first node, then the holes), so that it crosses edges, never
//!    touches a node.
//! 2. The line crosses the polygon's edges (outer ring and holes); between the first and second
//!    crossing, the third and fourth, ... it is inside the polygon (holes are outside).
//! 3. The point is the middle of the widest of those inside stretches; on an exact tie, the
//!    westernmost.
//!
//! A multipolygon with several outer rings takes the widest stretch over all its polygons (on
//! an exact tie the westernmost, then the southernmost). This is the approach of JTS's
//! `InteriorPointArea` (PostGIS `ST_PointOnSurface`): a rectangle gets its centre, and the
//! point is always inside the area, never in a hole. An area the line crosses nowhere (all its
//! nodes at one latitude, or a single node) gets the middle of its nodes' bounding box.
//!
//! A closed way is an area when it has at least four node refs and its first is its last.
//! A multipolygon's member ways with role `inner` are joined end to end into holes, all other
//! members (`outer`, no role) into outer rings; a ring that cannot be closed is closed by a
//! straight line; a hole belongs to the outer ring that contains its first node (a hole inside
//! none is left out). Nodes missing from the extract are left out of the rings; an area
//! without any node present has no point and is counted (`areas_without_location`).

use super::nodes::NodeLookup;
use crate::base::coord::Coord;

pub(super) fn ring_coords(refs: &[i64], lookup: &NodeLookup<'_>) -> Vec<geo::Coord<f64>> {
    refs.iter()
        .filter_map(|&id| lookup.coord(id))
        .map(|c| geo::coord! { x: c.lon(), y: c.lat() })
        .collect()
}

/// The point of a closed way's polygon (see the module docs).
pub(super) fn closed_way_point(refs: &[i64], lookup: &NodeLookup<'_>) -> Option<Coord> {
    let ring = ring_coords(refs, lookup);
    polygon_point(vec![geo::Polygon::new(geo::LineString::new(ring), vec![])])
}

/// The point of a set of polygons (see the module docs); `None` when they have no nodes.
pub(super) fn polygon_point(polygons: Vec<geo::Polygon<f64>>) -> Option<Coord> {
    let polygons: Vec<geo::Polygon<f64>> = polygons
        .into_iter()
        .filter(|p| !p.exterior().0.is_empty())
        .collect();
    let widest = polygons
        .iter()
        .filter_map(widest_stretch)
        .reduce(|best, s| if s.wider_than(&best) { s } else { best });
    let (x, y) = match widest {
        Some(s) => ((s.west + s.east) / 2.0, s.y),
        None => bbox_middle(&polygons)?,
    };
    Some(Coord::from_degrees(x, y))
}

/// One stretch of a scan line inside a polygon.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stretch {
    west: f64,
    east: f64,
    y: f64,
}

impl Stretch {
    fn width(&self) -> f64 {
        self.east - self.west
    }

    /// Wider, or as wide and further west, then further south: the order of the rule.
    fn wider_than(&self, other: &Stretch) -> bool {
        let key = |s: &Stretch| (-s.width(), s.west, s.y);
        key(self).partial_cmp(&key(other)) == Some(std::cmp::Ordering::Less)
    }
}

/// The latitude of a polygon's scan line: the middle of its outer ring's latitude range,
/// moved halfway towards the nearest node latitude off it when a node lies on it.
fn scan_line_y(polygon: &geo::Polygon<f64>) -> Option<f64> {
    let ys = polygon.exterior().0.iter().map(|c| c.y);
    let lo = ys.clone().fold(f64::INFINITY, f64::min);
    let hi = ys.fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    let mid = (lo + hi) / 2.0;
    let all = || {
        std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .flat_map(|r| r.0.iter().map(|c| c.y))
    };
    if !all().any(|y| y == mid) {
        return Some(mid);
    }
    let nearest = all()
        .filter(|&y| y != mid)
        .map(|y| (y, (y - mid).abs()))
        .fold(None, |best: Option<(f64, f64)>, (y, d)| match best {
            Some((_, bd)) if bd <= d => best,
            _ => Some((y, d)),
        });
    Some(nearest.map_or(mid, |(y, _)| (mid + y) / 2.0))
}

/// The widest stretch of the polygon's scan line inside it (holes excluded), the westernmost
/// on a tie; `None` when the line crosses no edge.
fn widest_stretch(polygon: &geo::Polygon<f64>) -> Option<Stretch> {
    let y = scan_line_y(polygon)?;
    let mut crossings: Vec<f64> = Vec::new();
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        // geo closes every ring of a polygon, so its lines include the closing edge.
        for line in ring.lines() {
            let (a, b) = (line.start, line.end);
            if (a.y > y) != (b.y > y) {
                crossings.push(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
            }
        }
    }
    crossings.sort_by(f64::total_cmp);
    crossings
        .chunks_exact(2)
        .map(|pair| Stretch {
            west: pair[0],
            east: pair[1],
            y,
        })
        .reduce(|best, s| if s.wider_than(&best) { s } else { best })
}

/// The middle of the bounding box of the polygons' nodes: for rings the scan line cannot
/// cross (all nodes on one line, or fewer than three).
fn bbox_middle(polygons: &[geo::Polygon<f64>]) -> Option<(f64, f64)> {
    let coords = polygons.iter().flat_map(|p| p.exterior().0.iter().copied());
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for c in coords {
        x0 = x0.min(c.x);
        y0 = y0.min(c.y);
        x1 = x1.max(c.x);
        y1 = y1.max(c.y);
    }
    (x0 <= x1 && y0 <= y1).then(|| ((x0 + x1) / 2.0, (y0 + y1) / 2.0))
}

/// The point of a multipolygon (see the module docs): outer member ways are joined end to end
/// into rings; inner rings are holes of the first outer ring that contains their first node.
pub(super) fn multipolygon_point(
    members: &[(i64, bool)],
    member_refs: &[(i64, Vec<i64>)],
    lookup: &NodeLookup<'_>,
) -> Option<Coord> {
    let refs_of = |id: i64| {
        member_refs
            .binary_search_by_key(&id, |(w, _)| *w)
            .ok()
            .map(|i| member_refs[i].1.as_slice())
    };
    let outer: Vec<&[i64]> = members
        .iter()
        .filter(|m| m.1)
        .filter_map(|m| refs_of(m.0))
        .collect();
    let inner: Vec<&[i64]> = members
        .iter()
        .filter(|m| !m.1)
        .filter_map(|m| refs_of(m.0))
        .collect();
    let outer_rings = join_rings(&outer);
    let inner_rings: Vec<geo::LineString<f64>> = join_rings(&inner)
        .into_iter()
        .map(|r| geo::LineString::new(ring_coords(&r, lookup)))
        .collect();
    let mut polygons: Vec<geo::Polygon<f64>> = outer_rings
        .iter()
        .map(|r| geo::Polygon::new(geo::LineString::new(ring_coords(r, lookup)), vec![]))
        .collect();
    for hole in inner_rings {
        use geo::Contains;
        if let Some(p) = polygons.iter_mut().find(|p| {
            hole.0
                .first()
                .is_some_and(|c| p.contains(&geo::Point::from(*c)))
        }) {
            p.interiors_push(hole);
        }
    }
    polygon_point(polygons)
}

/// Joins way segments end to end into rings (a ring that cannot be closed is closed by force).
pub(super) fn join_rings(ways: &[&[i64]]) -> Vec<Vec<i64>> {
    let mut left: Vec<Vec<i64>> = ways
        .iter()
        .filter(|w| w.len() >= 2)
        .map(|w| w.to_vec())
        .collect();
    let mut rings = Vec::new();
    while let Some(mut ring) = left.pop() {
        // Rings start with at least two nodes, so first and last exist.
        while let (Some(&first), Some(&last)) = (ring.first(), ring.last()) {
            if first == last {
                break;
            }
            let Some(i) = left
                .iter()
                .position(|w| w.first() == Some(&last) || w.last() == Some(&last))
            else {
                break;
            };
            let mut next = left.swap_remove(i);
            if next.last() == Some(&last) {
                next.reverse();
            }
            ring.extend_from_slice(&next[1..]);
        }
        rings.push(ring);
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polygon(outer: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> geo::Polygon<f64> {
        let ring = |r: &[(f64, f64)]| {
            geo::LineString::new(r.iter().map(|&(x, y)| geo::coord! { x: x, y: y }).collect())
        };
        geo::Polygon::new(ring(outer), holes.iter().map(|h| ring(h)).collect())
    }

    fn point(polygons: Vec<geo::Polygon<f64>>) -> (f64, f64) {
        let c = polygon_point(polygons).unwrap_or_default();
        (c.lon(), c.lat())
    }

    #[test]
    fn rectangle_gets_its_centre() {
        let p = polygon(&[(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0)], &[]);
        assert_eq!(point(vec![p]), (2.0, 1.0));
    }

    #[test]
    fn l_shape_and_hole_stay_inside() {
        // An L: the scan line at lat 2 crosses x 0..1 only (the arm is below it).
        let l = polygon(
            &[
                (0.0, 0.0),
                (4.0, 0.0),
                (4.0, 1.0),
                (1.0, 1.0),
                (1.0, 4.0),
                (0.0, 4.0),
            ],
            &[],
        );
        // A node at lat 1 is not on the line (it is at 2), so the line stays at 2.
        assert_eq!(point(vec![l]), (0.5, 2.0));
        // A square with a hole in the middle: the wider side stretch (west, 0..1) wins over
        // the east one (3..3.5).
        let holed = polygon(
            &[(0.0, 0.0), (3.5, 0.0), (3.5, 4.0), (0.0, 4.0)],
            &[&[(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0)]],
        );
        assert_eq!(point(vec![holed]), (0.5, 2.0));
    }

    #[test]
    fn node_on_the_line_moves_it() {
        // A diamond with its side nodes at the middle latitude 1: the line moves halfway to
        // the nearest other node latitude (0 or 2, the first found: 0), to 0.5.
        let d = polygon(&[(1.0, 0.0), (2.0, 1.0), (1.0, 2.0), (0.0, 1.0)], &[]);
        assert_eq!(point(vec![d]), (1.0, 0.5));
    }

    #[test]
    fn widest_part_of_a_multipolygon_wins() {
        let small = polygon(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], &[]);
        let wide = polygon(&[(5.0, 0.0), (8.0, 0.0), (8.0, 4.0), (5.0, 4.0)], &[]);
        assert_eq!(point(vec![small.clone(), wide.clone()]), (6.5, 2.0));
        assert_eq!(point(vec![wide, small]), (6.5, 2.0));
        // Equally wide: the westernmost, whatever the member order.
        let a = polygon(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)], &[]);
        let b = polygon(&[(3.0, 0.0), (4.0, 0.0), (4.0, 1.0), (3.0, 1.0)], &[]);
        assert_eq!(point(vec![b.clone(), a.clone()]), (0.5, 0.5));
        assert_eq!(point(vec![a, b]), (0.5, 0.5));
    }

    #[test]
    fn flat_ring_gets_its_bbox_middle() {
        let flat = polygon(&[(0.0, 1.0), (2.0, 1.0), (6.0, 1.0)], &[]);
        assert_eq!(point(vec![flat]), (3.0, 1.0));
        assert_eq!(polygon_point(vec![]), None);
    }

    #[test]
    fn rings_join_in_any_direction() {
        let a: &[i64] = &[1, 2, 3];
        let b: &[i64] = &[5, 4, 3];
        let c: &[i64] = &[5, 1];
        let rings = join_rings(&[a, b, c]);
        assert_eq!(rings.len(), 1);
        let ring = &rings[0];
        assert_eq!(ring.first(), ring.last());
        assert_eq!(ring.len(), 6);
    }
}
