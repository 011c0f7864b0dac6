//! The nodes that roads and areas use: their ids indexed (a bitmap over the id range when the
//! ids are dense, else one sorted array; never a hash map of all nodes), and their coordinates
//! packed into one `u64` each so the node pass can store them from many threads at once.

use crate::base::coord::Coord;
use rayon::prelude::*;

/// Packed coordinate of a node that was not found. No valid latitude is `i32::MIN` (1e-7°).
pub(super) const MISSING: u64 = 0x8000_0000;

pub(super) fn pack(c: Coord) -> u64 {
    (u64::from(c.lon_e7 as u32) << 32) | u64::from(c.lat_e7 as u32)
}

pub(super) fn unpack(v: u64) -> Option<Coord> {
    (v != MISSING).then_some(Coord {
        lon_e7: (v >> 32) as u32 as i32,
        lat_e7: v as u32 as i32,
    })
}

/// The ids of the nodes that roads and areas use, each with its input node number: its rank
/// among them in id order.
pub(super) enum NodeIndex {
    /// Ids spread over a range not much wider than their count (as in files renumbered from 1):
    /// one bit per id of the range, and the number of set bits before each 64-bit word, so a
    /// lookup is two reads and no search.
    Dense {
        min: i64,
        bits: Vec<u64>,
        rank: Vec<u32>,
        len: usize,
    },
    /// Any other ids: sorted, looked up by binary search.
    Sparse(Vec<i64>),
}

impl NodeIndex {
    /// The index of the distinct ids in `lists`.
    pub(super) fn new(lists: &[&[i64]]) -> Self {
        let total: usize = lists.iter().map(|l| l.len()).sum();
        let (min, max) = lists
            .par_iter()
            .map(|l| {
                l.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &id| {
                    (lo.min(id), hi.max(id))
                })
            })
            .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
        // The bitmap is used when it is no larger than the ids would be as a list.
        let span = (max as i128) - (min as i128) + 1;
        if total > 0 && span <= 64 * total as i128 && span <= i128::from(u32::MAX) {
            let words = (span as usize).div_ceil(64);
            let mut bits = vec![0u64; words];
            for list in lists {
                for &id in *list {
                    let o = (id - min) as usize;
                    bits[o / 64] |= 1 << (o % 64);
                }
            }
            let mut rank = Vec::with_capacity(words);
            let mut len = 0u32;
            for w in &bits {
                rank.push(len);
                len += w.count_ones();
            }
            return NodeIndex::Dense {
                min,
                bits,
                rank,
                len: len as usize,
            };
        }
        let mut ids: Vec<i64> = Vec::with_capacity(total);
        for list in lists {
            ids.extend_from_slice(list);
        }
        ids.par_sort_unstable();
        ids.dedup();
        NodeIndex::Sparse(ids)
    }

    /// Number of distinct ids.
    pub(super) fn len(&self) -> usize {
        match self {
            NodeIndex::Dense { len, .. } => *len,
            NodeIndex::Sparse(ids) => ids.len(),
        }
    }

    /// The input node number of `id`, if it is one of the ids.
    pub(super) fn index(&self, id: i64) -> Option<usize> {
        match self {
            NodeIndex::Dense {
                min, bits, rank, ..
            } => {
                let o = usize::try_from(id.checked_sub(*min)?).ok()?;
                let word = *bits.get(o / 64)?;
                let bit = 1u64 << (o % 64);
                (word & bit != 0)
                    .then(|| rank[o / 64] as usize + (word & (bit - 1)).count_ones() as usize)
            }
            NodeIndex::Sparse(ids) => ids.binary_search(&id).ok(),
        }
    }

    /// The ids in increasing order (input node number order).
    pub(super) fn into_ids(self) -> Vec<i64> {
        match self {
            NodeIndex::Dense { min, bits, len, .. } => {
                let mut ids = Vec::with_capacity(len);
                for (w, &word) in bits.iter().enumerate() {
                    let mut word = word;
                    while word != 0 {
                        let b = word.trailing_zeros() as usize;
                        ids.push(min + (w * 64 + b) as i64);
                        word &= word - 1;
                    }
                }
                ids
            }
            NodeIndex::Sparse(ids) => ids,
        }
    }

    /// A lookup for one block's nodes, which come in increasing id order.
    pub(super) fn finder(&self) -> Finder<'_> {
        match self {
            NodeIndex::Dense { .. } => Finder::Direct(self),
            NodeIndex::Sparse(ids) => Finder::Cursor(Cursor { ids, pos: 0 }),
        }
    }
}

/// See [`NodeIndex::finder`].
pub(super) enum Finder<'a> {
    Direct(&'a NodeIndex),
    Cursor(Cursor<'a>),
}

impl Finder<'_> {
    pub(super) fn find(&mut self, id: i64) -> Option<usize> {
        match self {
            Finder::Direct(index) => index.index(id),
            Finder::Cursor(cursor) => cursor.find(id),
        }
    }
}

/// Needed node ids and their packed coordinates.
pub(super) struct NodeLookup<'a> {
    pub(super) ids: &'a NodeIndex,
    pub(super) coords: &'a [u64],
}

impl NodeLookup<'_> {
    pub(super) fn coord(&self, id: i64) -> Option<Coord> {
        self.ids.index(id).and_then(|i| unpack(self.coords[i]))
    }
}

/// A cursor into the sorted needed-id array that walks forward as a block's increasing ids go
/// by, falling back to binary search when ids jump backwards.
pub(super) struct Cursor<'a> {
    ids: &'a [i64],
    pos: usize,
}

impl Cursor<'_> {
    fn find(&mut self, id: i64) -> Option<usize> {
        if self.pos > 0 && self.ids.get(self.pos - 1).is_some_and(|&p| p >= id) {
            self.pos = self.ids.partition_point(|&x| x < id);
        } else {
            // Gallop forward from the current position.
            let mut step = 1;
            let mut hi = self.pos;
            while hi < self.ids.len() && self.ids[hi] < id {
                self.pos = hi + 1;
                hi += step;
                step *= 2;
            }
            let hi = hi.min(self.ids.len());
            self.pos += self.ids[self.pos..hi].partition_point(|&x| x < id);
        }
        (self.ids.get(self.pos) == Some(&id)).then(|| {
            self.pos += 1;
            self.pos - 1
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_finds_sorted_and_unsorted() {
        let ids = [2i64, 3, 5, 8, 13, 21, 34];
        let mut c = Cursor { ids: &ids, pos: 0 };
        let hits: Vec<Option<usize>> = [1, 2, 5, 6, 34, 3, 35, 21]
            .iter()
            .map(|&id| c.find(id))
            .collect();
        assert_eq!(
            hits,
            vec![
                None,
                Some(0),
                Some(2),
                None,
                Some(6),
                Some(1),
                None,
                Some(5)
            ]
        );
    }

    #[test]
    fn node_index_dense_and_sparse_agree() {
        let lists: [&[i64]; 3] = [&[5, 3, 9, 3, 200, -4], &[7, 5, 130], &[]];
        let mut ids: Vec<i64> = lists.concat();
        ids.sort_unstable();
        ids.dedup();
        let dense = NodeIndex::new(&lists);
        assert!(matches!(dense, NodeIndex::Dense { .. }));
        let sparse = NodeIndex::Sparse(ids.clone());
        for id in -70..270 {
            assert_eq!(dense.index(id), sparse.index(id), "id {id}");
        }
        assert_eq!(dense.len(), ids.len());
        assert_eq!(dense.into_ids(), ids);
        // Ids far apart keep the sorted array.
        let far: [&[i64]; 1] = [&[1, 1 << 40, 3]];
        let far = NodeIndex::new(&far);
        assert!(matches!(far, NodeIndex::Sparse(_)));
        assert_eq!(far.index(1 << 40), Some(2));
    }

    #[test]
    fn pack_round_trip() {
        for c in [
            Coord {
                lon_e7: -1,
                lat_e7: -1,
            },
            Coord {
                lon_e7: 1_800_000_000,
                lat_e7: -900_000_000,
            },
            Coord::default(),
        ] {
            assert_eq!(unpack(pack(c)), Some(c));
        }
        assert_eq!(unpack(MISSING), None);
    }
}
