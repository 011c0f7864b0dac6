//! The nearest point as the crow flies: for drone delivery, and to show where the road network,
//! not the distance itself, keeps people from a service (the detour factor road / straight).
//!
//! # What "nearest" means
//! The straight-line distance is [`crate::coord::distance_m`] on the WGS 84 ellipsoid, the same
//! measure the road lengths are built from. Candidates live in an R-tree over their
//! earth-centred 3-D coordinates ([`crate::coord::ecef_m`]); it hands them out by increasing
//! chord length, and the chord is never longer than [`crate::coord::distance_m`] (with a margin
//! of 0.1 % for rounding), so the search stops once the chord exceeds the best
//! distance found and the answer is exact. Ties go to the point with the lower index, as in the
//! road analysis.

use crate::coord::{distance_m, ecef_m, Coord};
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// The chord is taken to be at most `distance_m / CHORD_MARGIN`; measured, it is at most
/// `distance_m` itself (see `coord::tests::chord_is_never_longer_than_distance`).
const CHORD_MARGIN: f64 = 0.999;

/// An index of points for nearest straight-line queries.
pub struct StraightLineIndex {
    tree: RTree<GeomWithData<[f64; 3], u32>>,
    coords: Vec<(u32, Coord)>,
}

impl StraightLineIndex {
    /// An index over `points`, each given with the id the queries return (e.g. its index among
    /// the region's service points).
    pub fn new(points: impl IntoIterator<Item = (u32, Coord)>) -> Self {
        let coords: Vec<(u32, Coord)> = points.into_iter().collect();
        // The payload is the position in `coords`, so the exact coordinate is at hand.
        let entries = coords
            .iter()
            .enumerate()
            .map(|(i, &(_, c))| GeomWithData::new(ecef_m(c), i as u32))
            .collect();
        StraightLineIndex {
            tree: RTree::bulk_load(entries),
            coords,
        }
    }

    /// Whether the index holds no point.
    pub fn is_empty(&self) -> bool {
        self.coords.is_empty()
    }

    /// The nearest point to `at`: `(distance in metres, id)`, `None` if the index is empty.
    /// Among points at the same distance, the lowest id wins.
    pub fn nearest(&self, at: Coord) -> Option<(f64, u32)> {
        let mut best: Option<(f64, u32)> = None;
        for (entry, chord2) in self.tree.nearest_neighbor_iter_with_distance_2(&ecef_m(at)) {
            if let Some((best_m, _)) = best {
                if chord2.sqrt() * CHORD_MARGIN > best_m {
                    break;
                }
            }
            let (id, c) = self.coords[entry.data as usize];
            let d = distance_m(at, c);
            let better = match best {
                None => true,
                Some((best_m, best_id)) => d < best_m || (d == best_m && id < best_id),
            };
            if better {
                best = Some((d, id));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn brute_force(points: &[(u32, Coord)], at: Coord) -> Option<(f64, u32)> {
        points
            .iter()
            .map(|&(id, c)| (distance_m(at, c), id))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
    }

    #[test]
    fn equals_brute_force_on_random_points() {
        for seed in 0..40u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            // From a village's few shops to a county's worth, spread over a few km up to
            // several degrees; some points repeated exactly, to exercise ties.
            let n = rng.gen_range(0..300);
            let spread: f64 = [0.02, 0.5, 8.0][seed as usize % 3];
            let mut points: Vec<(u32, Coord)> = Vec::new();
            for i in 0..n {
                let c = if i > 0 && rng.gen_bool(0.1) {
                    points[rng.gen_range(0..points.len())].1
                } else {
                    Coord::from_degrees(
                        15.0 + rng.gen_range(0.0..spread),
                        62.0 + rng.gen_range(0.0..spread / 2.0),
                    )
                };
                points.push((i as u32, c));
            }
            let index = StraightLineIndex::new(points.iter().copied());
            assert_eq!(index.is_empty(), points.is_empty());
            for _ in 0..200 {
                let at = if !points.is_empty() && rng.gen_bool(0.05) {
                    points[rng.gen_range(0..points.len())].1
                } else {
                    Coord::from_degrees(
                        14.5 + rng.gen_range(0.0..spread + 1.0),
                        61.8 + rng.gen_range(0.0..spread / 2.0 + 0.4),
                    )
                };
                assert_eq!(index.nearest(at), brute_force(&points, at), "seed {seed}");
            }
        }
    }
}
