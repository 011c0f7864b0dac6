//! The graph cache's small sections as records: fixed-width little-endian values, strings,
//! optional values and ids, written by `put_*` and read back by a [`Cursor`] (see the format
//! in [`crate::store::cache`]).

use crate::base::coord::Coord;
use crate::base::error::CacheProblem;
use crate::base::feature::{ElementType, FeatureId, OsmId};

/// A damaged cache, for `reason`.
pub(crate) fn corrupt(reason: impl Into<String>) -> CacheProblem {
    CacheProblem::Corrupt {
        reason: reason.into(),
    }
}

/// A fixed-width little-endian value.
pub(crate) trait Le: Copy {
    /// Bytes per value.
    const SIZE: usize;
    /// Appends the value's bytes.
    fn put(self, out: &mut Vec<u8>);
    /// The value from exactly `SIZE` bytes.
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! impl_le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    )*};
}
impl_le!(u8, u32, i32, u64, i64);
pub(crate) fn put_coord(out: &mut Vec<u8>, c: Coord) {
    c.lon_e7.put(out);
    c.lat_e7.put(out);
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    // Names and forms are far below 4 GiB; a longer one would be cut to keep the file readable.
    let len = s.len().min(u32::MAX as usize);
    (len as u32).put(out);
    out.extend_from_slice(&s.as_bytes()[..len]);
}

pub(crate) fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            1u8.put(out);
            put_str(out, s);
        }
        None => 0u8.put(out),
    }
}

pub(crate) fn put_id(out: &mut Vec<u8>, id: &FeatureId) {
    match id {
        FeatureId::Osm(OsmId { kind, id }) => {
            let tag = match kind {
                ElementType::Node => 0u8,
                ElementType::Way => 1,
                ElementType::Relation => 2,
            };
            tag.put(out);
            id.put(out);
        }
        FeatureId::File(s) => {
            3u8.put(out);
            put_str(out, s);
        }
    }
}

/// Reads values one after another from a section of records.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], CacheProblem> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| corrupt("a record runs past the end of its section"))?;
        let taken = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(taken)
    }

    pub(crate) fn value<T: Le>(&mut self) -> Result<T, CacheProblem> {
        Ok(T::get(self.take(T::SIZE)?))
    }

    pub(crate) fn u8(&mut self) -> Result<u8, CacheProblem> {
        self.value()
    }

    pub(crate) fn u32(&mut self) -> Result<u32, CacheProblem> {
        self.value()
    }

    pub(crate) fn u64(&mut self) -> Result<u64, CacheProblem> {
        self.value()
    }

    /// A record count; no more records than bytes left can follow.
    pub(crate) fn count(&mut self) -> Result<u64, CacheProblem> {
        let n = self.u64()?;
        if n > (self.bytes.len() - self.pos) as u64 {
            return Err(corrupt(format!(
                "{n} records in a section too short for them"
            )));
        }
        Ok(n)
    }

    pub(crate) fn coord(&mut self) -> Result<Coord, CacheProblem> {
        Ok(Coord {
            lon_e7: self.value()?,
            lat_e7: self.value()?,
        })
    }

    pub(crate) fn string(&mut self) -> Result<String, CacheProblem> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt("a name is not UTF-8"))
    }

    pub(crate) fn opt_string(&mut self) -> Result<Option<String>, CacheProblem> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            f => Err(corrupt(format!("string flag {f}"))),
        }
    }

    pub(crate) fn id(&mut self) -> Result<FeatureId, CacheProblem> {
        let kind = match self.u8()? {
            0 => ElementType::Node,
            1 => ElementType::Way,
            2 => ElementType::Relation,
            3 => return self.string().map(FeatureId::File),
            t => return Err(corrupt(format!("id type {t}"))),
        };
        Ok(FeatureId::Osm(OsmId {
            kind,
            id: self.value()?,
        }))
    }

    /// Checks that the section held nothing more.
    pub(crate) fn end(&self) -> Result<(), CacheProblem> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(corrupt("unread bytes after the records"))
        }
    }
}
