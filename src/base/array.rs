//! Arrays that are either owned or read in place from a file mapped into memory.
//!
//! The big arrays of a region (the graph's nodes, edges, geometry and adjacency, the snapping
//! index, the core graph) are [`Array`]s: built in memory when an extract is read, or, when a
//! graph cache is loaded, slices of the cache file mapped into memory ([`Mapping`]), used
//! where they lie without being copied or decoded. Either way an `Array<T>` derefs to `&[T]`
//! and is never changed.
//!
//! This is the crate's only module with `unsafe` code: mapping a file, and seeing a checked
//! part of the mapping as a slice of `T`. What makes it sound:
//! - the mapping is read-only and private, and lives as long as any array into it (each
//!   holds an [`Arc`] of it);
//! - a part becomes an `Array<T>` only through [`Array::in_mapping`], which checks with
//!   [`bytemuck`] that its bytes are aligned for `T`, a whole number of `T` and a valid `T`
//!   each (`T: CheckedBitPattern`: any bit pattern for plain integers, 0 or 1 for a `bool`).
//!
//! As for any mapped file, the file must not be cut short by another program while it is in
//! use (the pages beyond its new end would fault). `servicegap build` never does this to a
//! cache in use: it writes a new file and renames it over the old one, so a run that mapped
//! the old one keeps reading it.
#![allow(unsafe_code)]

use bytemuck::{CheckedBitPattern, NoUninit};
use std::fmt;
use std::fs::File;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// The bytes of a whole file, mapped read-only into memory (or, for files given as bytes,
/// copied into memory aligned as a mapping is).
pub struct Mapping {
    backing: Backing,
}

enum Backing {
    File(memmap2::Mmap),
    /// `len` bytes at the start of 8-byte words, so aligned for every array.
    Memory(Vec<u64>, usize),
}

impl Mapping {
    /// Maps `file` whole.
    ///
    /// # Errors
    /// Any error of the operating system's `mmap`.
    pub fn of(file: &File) -> std::io::Result<Arc<Mapping>> {
        // SAFETY: the map is read-only and private; the file is not truncated while it is
        // used (see the module docs).
        let map = unsafe { memmap2::MmapOptions::new().map(file)? };
        Ok(Arc::new(Mapping {
            backing: Backing::File(map),
        }))
    }

    /// A copy of `bytes`, aligned like a mapped file.
    pub fn copy_of(bytes: &[u8]) -> Arc<Mapping> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        Arc::new(Mapping {
            backing: Backing::Memory(words, bytes.len()),
        })
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.backing {
            Backing::File(map) => map,
            Backing::Memory(words, len) => &bytemuck::cast_slice(words)[..*len],
        }
    }

    /// Tells the system that `range` of the file will not be needed soon: its pages leave the
    /// process's resident set (they stay in the file cache and come back, unchanged, when
    /// touched again). Used after the checksum pass, so that checking the whole file does not
    /// hold all of it in the resident set. Does nothing for a copy in memory, or where the
    /// system has no such advice.
    pub fn release(&self, range: Range<usize>) {
        #[cfg(unix)]
        if let Backing::File(map) = &self.backing {
            let start = range.start.min(map.len());
            let len = range.end.min(map.len()).saturating_sub(start);
            if len > 0 {
                // SAFETY: the map is private and read-only: dropped pages (the system takes
                // whole pages, so maybe a little outside the range) are read again from the
                // file, the same bytes, when touched, so no reference into it changes.
                let _ = unsafe {
                    map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, len)
                };
            }
        }
        #[cfg(not(unix))]
        let _ = range;
    }
}

impl fmt::Debug for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mapping({} bytes)", self.bytes().len())
    }
}

/// Why a part of a mapping is not an array of `T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayProblem {
    /// The part lies (partly) beyond the end of the file.
    OutOfFile,
    /// The part does not start at a multiple of `T`'s alignment.
    Misaligned,
    /// The part's length is not a whole number of `T`.
    Length,
    /// Some item's bytes are not a valid `T` (a `bool` that is neither 0 nor 1).
    Invalid,
}

/// An immutable array, owned or in a [`Mapping`]; derefs to `&[T]`. See the module docs.
pub struct Array<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    Owned(Vec<T>),
    Mapped {
        /// Keeps the mapping, and so `start`, alive.
        _mapping: Arc<Mapping>,
        start: *const T,
        len: usize,
    },
}

// SAFETY: a mapped array is a shared, never written slice of `T` (like `Arc<[T]>`), so it may
// be sent and shared whenever `&[T]` may.
unsafe impl<T: Sync> Send for Array<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Sync for Array<T> {}

impl<T: CheckedBitPattern + NoUninit> Array<T> {
    /// The bytes `range` of `mapping` as an array of `T`, in place, after checking that they
    /// are one.
    ///
    /// # Errors
    /// What is wrong with the part ([`ArrayProblem`]).
    pub fn in_mapping(mapping: &Arc<Mapping>, range: Range<usize>) -> Result<Self, ArrayProblem> {
        let bytes = mapping.bytes().get(range).ok_or(ArrayProblem::OutOfFile)?;
        let slice: &[T] = bytemuck::checked::try_cast_slice(bytes).map_err(|e| match e {
            bytemuck::checked::CheckedCastError::PodCastError(
                bytemuck::PodCastError::TargetAlignmentGreaterAndInputNotAligned,
            ) => ArrayProblem::Misaligned,
            bytemuck::checked::CheckedCastError::InvalidBitPattern => ArrayProblem::Invalid,
            _ => ArrayProblem::Length,
        })?;
        Ok(Array {
            inner: Inner::Mapped {
                _mapping: Arc::clone(mapping),
                start: slice.as_ptr(),
                len: slice.len(),
            },
        })
    }

    /// The items' bytes, as they lie in memory (for writing them to a file).
    pub fn bytes(&self) -> &[u8] {
        bytemuck::cast_slice(self)
    }
}

impl<T> Array<T> {
    /// Whether the items lie in a mapped file rather than in owned memory.
    pub fn is_mapped(&self) -> bool {
        matches!(self.inner, Inner::Mapped { .. })
    }
}

impl<T> Deref for Array<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.inner {
            Inner::Owned(v) => v,
            // SAFETY: `start..start + len` was checked to be a valid, aligned `[T]` inside the
            // mapping, which `_mapping` keeps alive and nothing writes.
            Inner::Mapped { start, len, .. } => unsafe { std::slice::from_raw_parts(*start, *len) },
        }
    }
}

impl<'a, T> IntoIterator for &'a Array<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> From<Vec<T>> for Array<T> {
    fn from(v: Vec<T>) -> Self {
        Array {
            inner: Inner::Owned(v),
        }
    }
}

impl<T> Default for Array<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T: Clone> Clone for Array<T> {
    fn clone(&self) -> Self {
        match &self.inner {
            Inner::Owned(v) => v.clone().into(),
            Inner::Mapped {
                _mapping,
                start,
                len,
            } => Array {
                inner: Inner::Mapped {
                    _mapping: Arc::clone(_mapping),
                    start: *start,
                    len: *len,
                },
            },
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq> PartialEq for Array<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for Array<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn mapped(bytes: &[u8]) -> Arc<Mapping> {
        let mut file = tempfile_in_target();
        file.1.write_all(bytes).expect("written");
        file.1.flush().expect("flushed");
        let f = File::open(&file.0).expect("opened");
        let m = Mapping::of(&f).expect("mapped");
        std::fs::remove_file(&file.0).expect("removed");
        m
    }

    fn tempfile_in_target() -> (std::path::PathBuf, File) {
        let path = std::env::temp_dir().join(format!(
            "servicegap-array-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let f = File::create(&path).expect("created");
        (path, f)
    }

    #[test]
    fn a_mapped_part_reads_as_the_owned_array() {
        let values: Vec<u32> = (0..5000).map(|i| i * 7 + 3).collect();
        let owned: Array<u32> = values.clone().into();
        let m = mapped(owned.bytes());
        let a = Array::<u32>::in_mapping(&m, 0..20000).expect("an array");
        assert!(a.is_mapped() && !owned.is_mapped());
        assert_eq!(a, owned);
        m.release(0..4096);
        assert_eq!(a, owned, "released pages come back unchanged");
        let copy = Mapping::copy_of(owned.bytes());
        assert_eq!(
            Array::<u32>::in_mapping(&copy, 0..20000).expect("an array"),
            owned
        );
        assert_eq!(a.clone()[4999], values[4999]);
        let tail = Array::<u32>::in_mapping(&m, 19996..20000).expect("an array");
        assert_eq!(&tail[..], &[values[4999]]);
    }

    #[test]
    fn bad_parts_are_refused() {
        let m = mapped(&[0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 7, 0]);
        assert_eq!(
            Array::<u32>::in_mapping(&m, 0..16).expect_err("refused"),
            ArrayProblem::OutOfFile
        );
        assert_eq!(
            Array::<u32>::in_mapping(&m, 0..6).expect_err("refused"),
            ArrayProblem::Length
        );
        assert_eq!(
            Array::<u32>::in_mapping(&m, 1..5).expect_err("refused"),
            ArrayProblem::Misaligned
        );
        assert_eq!(
            &Array::<bool>::in_mapping(&m, 0..4).expect("an array")[..],
            &[false, true, false, false]
        );
        assert_eq!(
            Array::<bool>::in_mapping(&m, 0..5).expect_err("refused"),
            ArrayProblem::Invalid
        );
        assert!(Array::<u8>::in_mapping(&m, 12..12)
            .expect("an array")
            .is_empty());
    }
}
