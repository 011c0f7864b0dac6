//! Where an area (a closed way or a multipolygon relation) is put as a point: inside its
//! polygon, with the rings of a multipolygon joined from its member ways and inner rings as
//! holes.

use super::nodes::NodeLookup;
use crate::base::coord::Coord;

pub(super) fn ring_coords(refs: &[i64], lookup: &NodeLookup<'_>) -> Vec<geo::Coord<f64>> {
    refs.iter()
        .filter_map(|&id| lookup.coord(id))
        .map(|c| geo::coord! { x: c.lon(), y: c.lat() })
        .collect()
}

/// A point inside a closed way's polygon (its centroid when the polygon is degenerate).
pub(super) fn closed_way_point(refs: &[i64], lookup: &NodeLookup<'_>) -> Option<Coord> {
    let ring = ring_coords(refs, lookup);
    polygon_point(vec![geo::Polygon::new(geo::LineString::new(ring), vec![])])
}

pub(super) fn polygon_point(polygons: Vec<geo::Polygon<f64>>) -> Option<Coord> {
    use geo::{Centroid, InteriorPoint};
    let polygons: Vec<geo::Polygon<f64>> = polygons
        .into_iter()
        .filter(|p| !p.exterior().0.is_empty())
        .collect();
    if polygons.is_empty() {
        return None;
    }
    let mp = geo::MultiPolygon::new(polygons);
    let p = mp.interior_point().or_else(|| mp.centroid()).or_else(|| {
        // Degenerate rings (all points on a line): the mean of their points.
        let pts: Vec<_> = mp
            .iter()
            .flat_map(|p| p.exterior().0.iter().copied())
            .collect();
        let n = pts.len() as f64;
        (n > 0.0).then(|| {
            geo::Point::new(
                pts.iter().map(|c| c.x).sum::<f64>() / n,
                pts.iter().map(|c| c.y).sum::<f64>() / n,
            )
        })
    })?;
    Some(Coord::from_degrees(p.x(), p.y()))
}

/// A point inside a multipolygon: outer member ways are joined end to end into rings; inner
/// rings are holes of the outer ring that contains them.
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
