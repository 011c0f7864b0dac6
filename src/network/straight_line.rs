//! The nearest point as the crow flies: for drone delivery, and to show where the road network,
//! not the distance itself, keeps people from a service (the detour factor road / straight).
//!
//! # What "nearest" means
//! The straight-line distance is [`crate::base::coord::distance_m`] on the WGS 84 ellipsoid, the same
//! measure the road lengths are built from. Candidates live in an R-tree over their
//! earth-centred 3-D coordinates ([`crate::base::coord::ecef_m`]); it hands them out by increasing
//! chord length, and the chord is never longer than [`crate::base::coord::distance_m`] (with a margin
//! of 0.1 % for rounding), so the search stops once the chord exceeds the best
//! distance found and the answer is exact. Ties go to the point with the lower index, as in the
//! road analysis.
//!
//! Points may belong to up to 32 classes (the service kinds): one walk through the tree then
//! answers for every class at once, going on until each class that has points is settled.

use crate::base::coord::{distance_m, ecef_m, Coord};
use rstar::primitives::GeomWithData;
use rstar::RTree;

/// The chord is taken to be at most `distance_m / CHORD_MARGIN`; measured, it is at most
/// `distance_m` itself (see `coord::tests::chord_is_never_longer_than_distance`).
const CHORD_MARGIN: f64 = 0.999;

/// An index of points for nearest straight-line queries.
pub struct StraightLineIndex {
    tree: RTree<GeomWithData<[f64; 3], u32>>,
    coords: Vec<(u32, Coord)>,
    /// The classes of each point, one bit each.
    classes: Vec<u32>,
    /// The classes that have at least one point.
    present: u32,
}

impl StraightLineIndex {
    /// An index over `points`, each given with the id the queries return (e.g. its index among
    /// the region's service points).
    pub fn new(points: impl IntoIterator<Item = (u32, Coord)>) -> Self {
        Self::with_classes(points.into_iter().map(|(id, c)| (id, c, 1)))
    }

    /// An index over `points`, each with its id and its classes (bit `k` set: the point is of
    /// class `k`), for [`StraightLineIndex::nearest_by_class`].
    pub fn with_classes(points: impl IntoIterator<Item = (u32, Coord, u32)>) -> Self {
        let (coords, classes): (Vec<(u32, Coord)>, Vec<u32>) = points
            .into_iter()
            .map(|(id, c, classes)| ((id, c), classes))
            .unzip();
        // The payload is the position in `coords`, so the exact coordinate is at hand.
        let entries = coords
            .iter()
            .enumerate()
            .map(|(i, &(_, c))| GeomWithData::new(ecef_m(c), i as u32))
            .collect();
        StraightLineIndex {
            tree: RTree::bulk_load(entries),
            present: classes.iter().fold(0, |a, b| a | b),
            coords,
            classes,
        }
    }

    /// Whether the index holds no point.
    pub fn is_empty(&self) -> bool {
        self.coords.is_empty()
    }

    /// The nearest point to `at`: `(distance in metres, id)`, `None` if the index is empty.
    /// Among points at the same distance, the lowest id wins.
    pub fn nearest(&self, at: Coord) -> Option<(f64, u32)> {
        // Points of `new` are all of class 0; `with_classes` points answer for any class.
        self.nearest_by_class(at, 1)[0]
    }

    /// For each of the first `count` classes (at most 32), the nearest point of that class to
    /// `at`, as from [`StraightLineIndex::nearest`] on an index of that class's points alone;
    /// `None` for a class without points.
    pub fn nearest_by_class(&self, at: Coord, count: usize) -> Vec<Option<(f64, u32)>> {
        let count = count.min(32);
        let mut best: Vec<Option<(f64, u32)>> = vec![None; count];
        let wanted = (0..count).fold(0u32, |a, k| a | (1 << k)) & self.present;
        if wanted == 0 {
            return best;
        }
        for (entry, chord2) in self.tree.nearest_neighbor_iter_with_distance_2(&ecef_m(at)) {
            // A class is settled once no point farther along can be nearer than its best.
            let chord = chord2.sqrt() * CHORD_MARGIN;
            let settled = (0..count).all(|k| {
                wanted & (1 << k) == 0 || best[k].is_some_and(|(best_m, _)| chord > best_m)
            });
            if settled {
                break;
            }
            let position = entry.data as usize;
            let classes = self.classes[position] & wanted;
            if classes == 0 {
                continue;
            }
            let (id, c) = self.coords[position];
            let d = distance_m(at, c);
            for (k, slot) in best.iter_mut().enumerate() {
                if classes & (1 << k) == 0 {
                    continue;
                }
                let better = match *slot {
                    None => true,
                    Some((best_m, best_id)) => d < best_m || (d == best_m && id < best_id),
                };
                if better {
                    *slot = Some((d, id));
                }
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

    /// From a village's few shops to a county's worth, spread over a few km up to several
    /// degrees (`spread`); about one in ten repeats an earlier point exactly, to make ties.
    fn random_coords(rng: &mut rand_chacha::ChaCha8Rng, spread: f64) -> Vec<Coord> {
        let mut coords: Vec<Coord> = Vec::new();
        for i in 0..rng.gen_range(0..300) {
            let c = if i > 0 && rng.gen_bool(0.1) {
                coords[rng.gen_range(0..coords.len())]
            } else {
                Coord::from_degrees(
                    15.0 + rng.gen_range(0.0..spread),
                    62.0 + rng.gen_range(0.0..spread / 2.0),
                )
            };
            coords.push(c);
        }
        coords
    }

    /// A query point over a somewhat larger box than [`random_coords`]'s.
    fn random_query(rng: &mut rand_chacha::ChaCha8Rng, spread: f64) -> Coord {
        Coord::from_degrees(
            14.5 + rng.gen_range(0.0..spread + 1.0),
            61.8 + rng.gen_range(0.0..spread / 2.0 + 0.4),
        )
    }

    #[test]
    fn equals_brute_force_on_random_points() {
        for seed in 0..40u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let spread: f64 = [0.02, 0.5, 8.0][seed as usize % 3];
            let points: Vec<(u32, Coord)> = random_coords(&mut rng, spread)
                .into_iter()
                .enumerate()
                .map(|(i, c)| (i as u32, c))
                .collect();
            let index = StraightLineIndex::new(points.iter().copied());
            assert_eq!(index.is_empty(), points.is_empty());
            for _ in 0..200 {
                let at = if !points.is_empty() && rng.gen_bool(0.05) {
                    points[rng.gen_range(0..points.len())].1
                } else {
                    random_query(&mut rng, spread)
                };
                assert_eq!(index.nearest(at), brute_force(&points, at), "seed {seed}");
            }
        }
    }

    #[test]
    fn by_class_equals_one_index_per_class() {
        for seed in 0..40u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xc1a55);
            let spread: f64 = [0.02, 0.5, 8.0][seed as usize % 3];
            // Classes, some rare, some empty; points repeated to make ties.
            // Seven classes (two beyond the built-in kinds), the last the 32nd bit.
            let mut points: Vec<(u32, Coord, u32)> = Vec::new();
            for (i, c) in random_coords(&mut rng, spread).into_iter().enumerate() {
                let classes = (0..7).fold(0u32, |a, k| {
                    let p = [0.5, 0.2, 0.02, 0.0, 0.3, 0.1, 0.05][k];
                    let bit = if k == 6 { 31 } else { k };
                    a | (u32::from(rng.gen_bool(p)) << bit)
                });
                points.push((i as u32 * 3, c, classes));
            }
            let all = StraightLineIndex::with_classes(points.iter().copied());
            let single: Vec<StraightLineIndex> = (0..32)
                .map(|k| {
                    StraightLineIndex::new(
                        points
                            .iter()
                            .filter(|p| p.2 & (1 << k) != 0)
                            .map(|&(id, c, _)| (id, c)),
                    )
                })
                .collect();
            for _ in 0..200 {
                let at = random_query(&mut rng, spread);
                let got = all.nearest_by_class(at, 32);
                for k in 0..32 {
                    assert_eq!(got[k], single[k].nearest(at), "seed {seed} class {k}");
                }
            }
        }
    }
}
