//! The graph cache: a whole [`Region`] (road graph with its edge geometry, service points,
//! settlements and the reader's counts), with what every analysis of it would otherwise build
//! first (the snapping index and the core graph, [`Prepared`]), saved by `servicegap build`.
//! Loading it decodes nothing big: the file is mapped into memory ([`Mapping`]) and every
//! array is used where it lies ([`Array`]); only the checksum pass, the invariant checks and
//! the small records of points read it. A loaded region is identical to the one saved.
//!
//! # Format (version 6)
//! All integers are little-endian, and the header says so: its byte-order mark is the `u32`
//! [`BYTE_ORDER_MARK`] written little-endian (bytes `04 03 02 01`), so that a file written in
//! another byte order is told apart from a damaged one and refused by name. Arrays are stored
//! as they lie in the memory of a little-endian machine; a big-endian machine neither reads
//! nor writes caches ([`CacheProblem::BigEndianMachine`]).
//!
//! | offset | bytes | field |
//! |---:|---:|---|
//! | 0 | 8 | magic `SGRAPH\0\0` ([`MAGIC`]) |
//! | 8 | 4 | format version, `u32` ([`FORMAT_VERSION`]) |
//! | 12 | 4 | CRC-32 (IEEE) of every byte from offset 16 to the end of the file |
//! | 16 | 8 | build settings fingerprint, `u64` (see [`settings_fingerprint`]) |
//! | 24 | 8 | length of the whole file in bytes, `u64` |
//! | 32 | 4 | number of sections, `u32` |
//! | 36 | 4 | byte-order mark, `u32` [`BYTE_ORDER_MARK`] |
//! | 40 | 16 per section | section table: 4-byte tag, 4 zero bytes, section length `u64` |
//!
//! The sections follow in table order, each padded with zeros to a multiple of 8 bytes, so
//! that every array starts aligned in the mapped file. Version 6 has these sections, in this
//! order:
//!
//! - `STAT`: the reader's counts ([`ReadStats`] without its timings), 11 × `u64`.
//! - Nodes: `NCRD` coordinates as (lon, lat) `i32` pairs in 1e-7 degrees, `NOSM` OSM ids
//!   `i64`, `NCMP` strongly connected component `u32`; `CSIZ` component sizes `u32`; `MEAN` the
//!   mean arc length and time, 2 × `u32`.
//! - `EDGE`: the edges, 32 bytes each ([`crate::network::graph::Edge`]): OSM way id `i64`,
//!   end nodes `u32` × 2, decimetres `u32`, deciseconds `u32`, road class `u8`, oneway `u8`
//!   (0 or 1), 6 zero bytes; `GCRD` all edge geometry as coordinate pairs, `GFST` each edge's
//!   first geometry point `u32` (one more than there are edges).
//! - The forward and the reverse CSR adjacency (`F…` and `R…`): `FST` first arc per node `u32`
//!   (one more than there are nodes), `HED` other end `u32`, `LEN` decimetres `u32`, `TIM`
//!   deciseconds `u32`, `EDG` edge `u32`.
//! - The snapping index ([`SnapTree`]): `SNAP` a `u8` 0 (none stored: the sections after are
//!   empty) or 1, then the options it was built for (`min_component_nodes`, `u32`) and the
//!   scale of its plane (`f64` bits, `u64`); `SENT` its entries (edge, first segment: `u32`
//!   × 2), `SBOX` the boxes of all its levels (`f32` × 4).
//! - The core graph ([`CoreTables`]): `CORE` a `u8` 0 (none stored) or 1; `CPLC` each node's
//!   place `u32`, `CORG` each core node's graph node `u32`, `CFST`, `CHED`, `CLEN`, `CTIM` the
//!   core's reverse adjacency as above (no edge numbers), `CCHN` the chains (40 bytes each),
//!   `CNOD` the chains' nodes (28 bytes), `CTRE` the tree nodes (32 bytes); a set-aside arc
//!   in these is a `u32` 0 or 1 and its two weights.
//! - `KIND`: the region's kinds ([`Kinds`]), a `u64` count and each name as a string: the five
//!   built-in kinds, then the project's own.
//! - `SERV` and `SETL`: a `u64` count, then one record per service point or settlement. Strings
//!   are a `u32` byte length and UTF-8; an optional value is a `u8` 0 or 1 and, if 1, the value;
//!   an id is a `u8` (0 node, 1 way, 2 relation, 3 a planner's file) and an `i64` or a string.
//!   A service point is id, name (optional string), kinds (`u32`, bit `k` for the `k`-th kind
//!   of `KIND`), lon, lat (`i32`), form (optional string), mobile (`u8` 0 or
//!   1), seasonal (`u8` 0 or 1); a settlement is id,
//!   name, place (`u8` index into [`Place::ALL`], 255 for none), population (optional `u64`),
//!   lon, lat.
//! - `OHUN` (between `SERV` and `SETL`): per kind in `KIND` order, the service
//!   points whose `opening_hours` did not parse, `u64` each (no values when there were none).
//! - `EXTN`: the area the extract covers ([`Extent`]): a `u8` (0 unknown, 1 the header's box,
//!   2 the hull of the roads), a `u64` vertex count, then the vertices as lon, lat (`i32`).
//!
//! # Version history
//! Every older version is refused with the request to rebuild ([`CacheProblem::Version`]).
//!
//! - 6: the snapping index and the core graph; edges as 32-byte records (`EDGE`) instead of
//!   one array per field (`EFRM`, `ETO_`, `ELEN`, `ETIM`, `EWAY`, `ECLS`, `EONE`).
//! - 5: the byte-order mark at offset 36.
//! - 4: zeros at offset 36, otherwise as version 5.
//! - 3: no `KIND` section, and one byte of kinds per service point.
//! - 2: no seasonal flag and no `OHUN` section.
//! - 1: no `EXTN` section.
//!
//! The big arrays are written from where they lie in memory, the sections streamed to the
//! file after the header (whose checksum is computed first, section by section in parallel),
//! so writing holds no second copy of the region.
//!
//! # Checks on load
//! In this order, each with its own [`CacheProblem`]: the magic; the byte-order mark when it
//! is this build's mark byte-swapped (a file written in the other byte order, whose version
//! and lengths would be misread too); the format version (so that an older file, with zeros
//! where the mark is, is asked to be rebuilt as such); a header shorter than 40 bytes
//! (truncated); any other byte-order mark; the length (truncated files); the checksum (any
//! damaged byte after offset 16; the pass runs in parallel pieces and each piece leaves the
//! resident set once hashed); the build settings fingerprint; then the sections (aligned,
//! whole numbers of values, flags 0 or 1), the graph's invariants and those of the snapping
//! index and the core graph (every node, edge and position in range). No input, however
//! damaged, makes the loader panic.

use super::records::{corrupt, put_coord, put_id, put_opt_str, put_str, Cursor, Le};
use crate::base::array::{Array, ArrayProblem, Mapping};
use crate::base::coord::Coord;
use crate::base::error::{CacheProblem, Error, Result};
use crate::base::feature::{Place, ServicePoint, Settlement};
use crate::base::progress;
use crate::network::core_tables::CoreTables;
use crate::network::graph::{Csr, Graph};
use crate::network::region::{Extent, ExtentSource, Prepared, Region};
use crate::network::snap::{Bbox, Entry, Plane, SnapOptions, SnapTree};
use crate::read::osm::ReadStats;
use crate::read::profile::Profile;
use crate::{Kinds, ServiceKinds};
use bytemuck::{CheckedBitPattern, NoUninit};
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The first eight bytes of every graph cache.
pub const MAGIC: [u8; 8] = *b"SGRAPH\0\0";

/// The version of the format this build writes and reads. Raise it on any change to the
/// layout or to what a section means; older and newer caches are then refused with a request
/// to rebuild.
pub const FORMAT_VERSION: u32 = 6;

/// The byte-order mark at offset 36 of the header, written little-endian like every integer
/// of the file: read back as this value the file's byte order is this build's; read back
/// byte-swapped the file was written in the other byte order.
pub const BYTE_ORDER_MARK: u32 = 0x0102_0304;

/// Where the byte-order mark lies in the header.
const BYTE_ORDER_AT: usize = 36;

/// Bytes before the section table.
const HEADER_LEN: usize = 40;
/// Bytes per entry of the section table.
const TABLE_ENTRY_LEN: usize = 16;

/// The graph's sections, in file order.
const SECTIONS: [[u8; 4]; 19] = [
    *b"STAT", *b"NCRD", *b"NOSM", *b"NCMP", *b"CSIZ", *b"MEAN", *b"EDGE", *b"GCRD", *b"GFST",
    *b"FFST", *b"FHED", *b"FLEN", *b"FTIM", *b"FEDG", *b"RFST", *b"RHED", *b"RLEN", *b"RTIM",
    *b"REDG",
];
/// The sections of what searches start from (the snapping index, the core graph), after the
/// graph's.
const PREPARED_SECTIONS: [[u8; 4]; 13] = [
    *b"SNAP", *b"SENT", *b"SBOX", *b"CORE", *b"CPLC", *b"CORG", *b"CFST", *b"CHED", *b"CLEN",
    *b"CTIM", *b"CCHN", *b"CNOD", *b"CTRE",
];
/// The sections of points, after those, and the covered area last.
const POINT_SECTIONS: [[u8; 4]; 5] = [*b"KIND", *b"SERV", *b"OHUN", *b"SETL", *b"EXTN"];

/// Every section, in file order.
fn all_sections() -> impl Iterator<Item = &'static [u8; 4]> + Clone {
    SECTIONS
        .iter()
        .chain(&PREPARED_SECTIONS)
        .chain(&POINT_SECTIONS)
}

/// Bytes per piece of the checksum pass (each piece is hashed on its own, in parallel, and the
/// checksums combined).
const CHECKSUM_PIECE: usize = 1 << 24;

/// The fingerprint of the settings that shape what `build` stores: a cache is used only by a
/// servicegap whose settings give the same fingerprint.
///
/// This is the one place that decides it: the revision of the reader's fixed rules named
/// here (change it when the profile's tables or the reader's behaviour change) and the
/// [`Profile::fingerprint`] of the run-time rules (speeds, service tags, places).
pub fn settings_fingerprint(profile: &Profile) -> u64 {
    const PROFILE_REVISION: &str = "servicegap car profile 1";
    let mut bytes = PROFILE_REVISION.as_bytes().to_vec();
    bytes.extend_from_slice(&profile.fingerprint().to_le_bytes());
    fnv1a_64(&bytes)
}

/// FNV-1a, 64 bits: a stable hash for fingerprints (std's hashers may change between Rust
/// releases, and the fingerprint is stored in files).
fn fnv1a_64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Whether `head`, the first bytes of a file, are those of a graph cache: it starts with
/// [`MAGIC`], or the whole file is a (non-empty) beginning of it, i.e. a truncated cache.
pub fn looks_like_cache(head: &[u8]) -> bool {
    !head.is_empty() && MAGIC.starts_with(&head[..head.len().min(MAGIC.len())])
}

/// Whether the file at `path` is a graph cache, by its first bytes (see [`looks_like_cache`]).
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read.
pub fn is_cache(path: &Path) -> Result<bool> {
    let mut head = Vec::with_capacity(MAGIC.len());
    std::fs::File::open(path)
        .and_then(|f| f.take(MAGIC.len() as u64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(looks_like_cache(&head))
}

/// Writes `region` as a graph cache to `path`, through a temporary file renamed into place, so
/// a failed write leaves no partial cache behind. `fingerprint` is normally
/// [`settings_fingerprint`].
///
/// # Errors
/// [`Error::Write`] naming `path`.
pub fn write(path: &Path, region: &Region, fingerprint: u64) -> Result<()> {
    if cfg!(target_endian = "big") {
        return Err(Error::Cache {
            path: path.to_path_buf(),
            problem: CacheProblem::BigEndianMachine,
        });
    }
    let mut out = crate::store::output::OutputSet::new();
    out.write(path, |w| write_to(region, fingerprint, w))?;
    out.commit()
}

/// Reads a graph cache written by [`write()`]. The region's `timings` hold one phase, `load`;
/// its `read_stats.timings` are empty (they belong to the run that read the extract).
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::Cache`] if it is not a usable cache:
/// see [`CacheProblem`], and [`CacheProblem::Settings`] when it was built with another
/// `fingerprint` than the one expected.
pub fn read(path: &Path, fingerprint: u64) -> Result<Region> {
    let clock = Instant::now();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let reading = progress::phase("reading", Some(size), progress::Unit::Bytes);
    let mapping = if size == 0 {
        // Nothing to map (and some systems refuse to map nothing).
        Mapping::copy_of(&[])
    } else {
        Mapping::of(&file).map_err(|e| Error::io(path, e))?
    };
    let mut region = from_mapping(&mapping, fingerprint).map_err(|problem| Error::Cache {
        path: path.to_path_buf(),
        problem,
    })?;
    reading.advance(size);
    region.timings.push(("load", clock.elapsed()));
    Ok(region)
}

/// The bytes of a graph cache of `region` (see the module docs for the layout).
pub fn to_bytes(region: &Region, fingerprint: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_to(region, fingerprint, &mut bytes)
        .unwrap_or_else(|e| unreachable!("writing to memory does not fail: {e}"));
    bytes
}

/// Writes a graph cache of `region` to `w` (see [`write()`] for a file), streaming the arrays
/// from where they lie.
///
/// # Errors
/// Any error of `w`; [`CacheProblem::BigEndianMachine`] (as an [`std::io::Error`]) on a
/// big-endian machine.
pub fn write_to(
    region: &Region,
    fingerprint: u64,
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    if cfg!(target_endian = "big") {
        return Err(std::io::Error::other(CacheProblem::BigEndianMachine));
    }
    encode(region).write_to(fingerprint, w)
}

/// The sections of a graph cache of `region`.
fn encode(region: &Region) -> Encoder<'_> {
    let g = &region.graph;
    let mut enc = Encoder {
        sections: Vec::new(),
    };
    let s = &region.read_stats;
    enc.small_array(
        *b"STAT",
        &[
            s.blocks as u64,
            u64::from(s.sorted),
            s.nodes,
            s.ways,
            s.relations,
            s.road_ways,
            s.ferry_ways,
            s.missing_node_refs,
            s.ways_with_missing_nodes,
            s.road_pieces_dropped,
            s.areas_without_location,
        ],
    );
    enc.array(*b"NCRD", &g.coords);
    enc.array(*b"NOSM", &g.osm_ids);
    enc.array(*b"NCMP", &g.component);
    enc.array(*b"CSIZ", &g.component_sizes);
    enc.small_array(*b"MEAN", &[g.mean_arc.0, g.mean_arc.1]);
    enc.array(*b"EDGE", &g.edges);
    enc.array(*b"GCRD", &g.geometry);
    enc.array(*b"GFST", &g.geometry_first);
    for (tags, csr) in [
        (
            [*b"FFST", *b"FHED", *b"FLEN", *b"FTIM", *b"FEDG"],
            &g.forward,
        ),
        (
            [*b"RFST", *b"RHED", *b"RLEN", *b"RTIM", *b"REDG"],
            &g.reverse,
        ),
    ] {
        enc.csr(tags, csr);
    }
    let snap = region.prepared.snap.as_ref();
    enc.section(*b"SNAP", |out| match snap {
        None => 0u8.put(out),
        Some(tree) => {
            1u8.put(out);
            tree.options.min_component_nodes.put(out);
            tree.tree_plane.scale.to_bits().put(out);
        }
    });
    enc.array(*b"SENT", snap.map_or(&[][..], |t| &t.entries));
    enc.array(*b"SBOX", snap.map_or(&[][..], |t| &t.boxes));
    let core = region.prepared.core.as_ref();
    enc.section(*b"CORE", |out| u8::from(core.is_some()).put(out));
    enc.array(*b"CPLC", core.map_or(&[][..], |t| &t.place));
    enc.array(*b"CORG", core.map_or(&[][..], |t| &t.original));
    enc.array(*b"CFST", core.map_or(&[][..], |t| &t.reverse.first));
    enc.array(*b"CHED", core.map_or(&[][..], |t| &t.reverse.node));
    enc.array(*b"CLEN", core.map_or(&[][..], |t| &t.reverse.length_dm));
    enc.array(*b"CTIM", core.map_or(&[][..], |t| &t.reverse.time_ds));
    enc.array(*b"CCHN", core.map_or(&[][..], |t| &t.chains));
    enc.array(*b"CNOD", core.map_or(&[][..], |t| &t.chain_nodes));
    enc.array(*b"CTRE", core.map_or(&[][..], |t| &t.tree));
    enc.section(*b"KIND", |out| {
        (region.kinds.len() as u64).put(out);
        for k in region.kinds.iter() {
            put_str(out, k.name());
        }
    });
    enc.section(*b"SERV", |out| {
        (region.services.len() as u64).put(out);
        for p in &region.services {
            put_id(out, &p.id);
            put_opt_str(out, p.name.as_deref());
            p.kinds.bits().put(out);
            put_coord(out, p.coord);
            put_opt_str(out, p.form.as_deref());
            u8::from(p.mobile).put(out);
            u8::from(p.seasonal).put(out);
        }
    });
    enc.array(*b"OHUN", &s.opening_hours_unparsed);
    enc.section(*b"SETL", |out| {
        (region.settlements.len() as u64).put(out);
        for s in &region.settlements {
            put_id(out, &s.id);
            put_opt_str(out, s.name.as_deref());
            s.place.map_or(u8::MAX, |p| p as u8).put(out);
            match s.population {
                Some(p) => {
                    1u8.put(out);
                    p.put(out);
                }
                None => 0u8.put(out),
            }
            put_coord(out, s.coord);
        }
    });
    enc.section(*b"EXTN", |out| {
        let (source, ring): (u8, &[Coord]) = match &region.extent {
            None => (0, &[]),
            Some(e) => (
                match e.source {
                    ExtentSource::HeaderBox => 1,
                    ExtentSource::RoadHull => 2,
                },
                &e.ring,
            ),
        };
        source.put(out);
        (ring.len() as u64).put(out);
        for &c in ring {
            put_coord(out, c);
        }
    });
    enc
}

/// Reads a region from the bytes of a graph cache, expecting `fingerprint` (normally
/// [`settings_fingerprint`]). The region's `timings` are empty.
///
/// # Errors
/// A [`CacheProblem`]; the checks are made in the order given in the module docs.
pub fn from_bytes(bytes: &[u8], fingerprint: u64) -> Result<Region, CacheProblem> {
    from_mapping(&Mapping::copy_of(bytes), fingerprint)
}

/// Reads a region from a graph cache mapped into memory (see [`from_bytes`]): its big arrays
/// are used where they lie in the mapping.
///
/// # Errors
/// A [`CacheProblem`]; the checks are made in the order given in the module docs.
pub fn from_mapping(mapping: &Arc<Mapping>, fingerprint: u64) -> Result<Region, CacheProblem> {
    let mut sections = Sections::open(mapping, fingerprint)?;
    let read_stats = read_stats(&mut sections)?;

    let graph = read_graph(&mut sections)?;
    let prepared = read_prepared(&mut sections, &graph)?;

    let kinds = read_kinds(&mut sections)?;
    let mut c = sections.records(*b"SERV")?;
    let mut services = Vec::new();
    for _ in 0..c.count()? {
        services.push(ServicePoint {
            id: c.id()?,
            name: c.opt_string()?,
            kinds: kinds_of_bits(c.u32()?, &kinds)?,
            coord: c.coord()?,
            form: c.opt_string()?,
            mobile: match c.u8()? {
                0 => false,
                1 => true,
                f => return Err(corrupt(format!("mobile flag {f}"))),
            },
            seasonal: match c.u8()? {
                0 => false,
                1 => true,
                f => return Err(corrupt(format!("seasonal flag {f}"))),
            },
            capacity: None,
        });
    }
    c.end()?;
    let unparsed: Vec<u64> = sections.array::<u64>(*b"OHUN")?.to_vec();
    if !unparsed.is_empty() && unparsed.len() != kinds.len() {
        return Err(corrupt("OHUN has the wrong length"));
    }
    let read_stats = ReadStats {
        opening_hours_unparsed: unparsed,
        ..read_stats
    };
    let mut c = sections.records(*b"SETL")?;
    let mut settlements = Vec::new();
    for _ in 0..c.count()? {
        settlements.push(Settlement {
            id: c.id()?,
            name: c.opt_string()?,
            place: match c.u8()? {
                u8::MAX => None,
                p => Some(
                    *Place::ALL
                        .get(usize::from(p))
                        .ok_or_else(|| corrupt(format!("place {p} out of range")))?,
                ),
            },
            population: match c.u8()? {
                0 => None,
                1 => Some(c.u64()?),
                f => return Err(corrupt(format!("population flag {f}"))),
            },
            coord: c.coord()?,
            groups: Vec::new(),
        });
    }
    c.end()?;
    let extent = read_extent(&mut sections)?;
    Ok(Region {
        graph,
        extent,
        kinds,
        services,
        settlements,
        groups: Vec::new(),
        read_stats,
        timings: Vec::new(),
        warnings: Vec::new(),
        prepared,
    })
}

/// The graph's sections, checked.
fn read_graph(sections: &mut Sections<'_>) -> Result<Graph, CacheProblem> {
    let coords = sections.array(*b"NCRD")?;
    let osm_ids = sections.array(*b"NOSM")?;
    let component = sections.array(*b"NCMP")?;
    let component_sizes = sections.array(*b"CSIZ")?;
    let mean: Array<u32> = sections.array(*b"MEAN")?;
    let [mean_length, mean_time] =
        <[u32; 2]>::try_from(&mean[..]).map_err(|_| corrupt("MEAN has the wrong length"))?;
    let edges = sections.array(*b"EDGE")?;
    let geometry = sections.array(*b"GCRD")?;
    let geometry_first = sections.array(*b"GFST")?;
    let forward = sections.csr()?;
    let reverse = sections.csr()?;
    let graph = Graph {
        coords,
        osm_ids,
        edges,
        geometry,
        geometry_first,
        forward,
        reverse,
        component,
        component_sizes,
        mean_arc: (mean_length, mean_time),
    };
    graph.check().map_err(corrupt)?;
    Ok(graph)
}

/// The snapping index's and the core graph's sections, checked against `graph`.
fn read_prepared(sections: &mut Sections<'_>, graph: &Graph) -> Result<Prepared, CacheProblem> {
    let mut c = sections.records(*b"SNAP")?;
    let snap_head = match c.u8()? {
        0 => None,
        1 => Some((c.u32()?, f64::from_bits(c.u64()?))),
        f => return Err(corrupt(format!("snapping index flag {f}"))),
    };
    c.end()?;
    let entries: Array<Entry> = sections.array(*b"SENT")?;
    let boxes: Array<Bbox> = sections.array(*b"SBOX")?;
    let snap = match snap_head {
        None if entries.is_empty() && boxes.is_empty() => None,
        None => return Err(corrupt("snapping index entries without the index")),
        Some((min_component_nodes, scale)) => {
            let tree = SnapTree {
                options: SnapOptions {
                    min_component_nodes,
                },
                tree_plane: Plane { scale },
                level_start: SnapTree::level_starts(entries.len()),
                entries,
                boxes,
            };
            tree.check(graph).map_err(corrupt)?;
            Some(tree)
        }
    };
    let mut c = sections.records(*b"CORE")?;
    let has_core = match c.u8()? {
        0 => false,
        1 => true,
        f => return Err(corrupt(format!("core graph flag {f}"))),
    };
    c.end()?;
    let tables = CoreTables {
        place: sections.array(*b"CPLC")?,
        original: sections.array(*b"CORG")?,
        reverse: Csr {
            first: sections.array(*b"CFST")?,
            node: sections.array(*b"CHED")?,
            length_dm: sections.array(*b"CLEN")?,
            time_ds: sections.array(*b"CTIM")?,
            edge: Array::default(),
        },
        chains: sections.array(*b"CCHN")?,
        chain_nodes: sections.array(*b"CNOD")?,
        tree: sections.array(*b"CTRE")?,
    };
    let core = if has_core {
        tables.check(graph).map_err(corrupt)?;
        Some(tables)
    } else if tables == CoreTables::default() {
        None
    } else {
        return Err(corrupt("core graph tables without the core graph"));
    };
    Ok(Prepared { snap, core })
}

/// The `STAT` section: the reader's counts (without its timings).
fn read_stats(sections: &mut Sections<'_>) -> Result<ReadStats, CacheProblem> {
    let stats: Array<u64> = sections.array(*b"STAT")?;
    let [blocks, sorted, nodes, ways, relations, road_ways, ferry_ways, missing_node_refs, ways_with_missing_nodes, road_pieces_dropped, areas_without_location] =
        <[u64; 11]>::try_from(&stats[..]).map_err(|_| corrupt("STAT has the wrong length"))?;
    Ok(ReadStats {
        blocks: usize::try_from(blocks).map_err(|_| corrupt("block count out of range"))?,
        sorted: sorted != 0,
        nodes,
        ways,
        relations,
        road_ways,
        ferry_ways,
        missing_node_refs,
        ways_with_missing_nodes,
        road_pieces_dropped,
        areas_without_location,
        // Read from its own section, after the service points'.
        opening_hours_unparsed: Vec::new(),
        timings: Vec::new(),
    })
}

/// The `EXTN` section: the area the extract covers, if it was known (its source and ring).
fn read_extent(sections: &mut Sections<'_>) -> Result<Option<Extent>, CacheProblem> {
    let mut c = sections.records(*b"EXTN")?;
    let source = match c.u8()? {
        0 => None,
        1 => Some(ExtentSource::HeaderBox),
        2 => Some(ExtentSource::RoadHull),
        f => return Err(corrupt(format!("extent source {f}"))),
    };
    let mut ring = Vec::new();
    for _ in 0..c.count()? {
        ring.push(c.coord()?);
    }
    c.end()?;
    match source {
        None if ring.is_empty() => Ok(None),
        Some(source) if !ring.is_empty() => Ok(Some(Extent { source, ring })),
        _ => Err(corrupt("extent source and vertices disagree")),
    }
}

/// The sections of a cache, each the bytes of an array where it lies (borrowed) or a record
/// section encoded here; written out after the header and table by [`Encoder::write_to`].
struct Encoder<'a> {
    sections: Vec<([u8; 4], std::borrow::Cow<'a, [u8]>)>,
}

impl<'a> Encoder<'a> {
    fn section(&mut self, tag: [u8; 4], write: impl FnOnce(&mut Vec<u8>)) {
        let mut out = Vec::new();
        write(&mut out);
        self.sections.push((tag, out.into()));
    }

    /// An array as its items lie in memory (little-endian: see [`write()`]).
    fn array<T: NoUninit>(&mut self, tag: [u8; 4], values: &'a [T]) {
        self.sections
            .push((tag, bytemuck::cast_slice(values).into()));
    }

    /// A small array made for the file.
    fn small_array<T: NoUninit>(&mut self, tag: [u8; 4], values: &[T]) {
        self.sections
            .push((tag, bytemuck::cast_slice(values).to_vec().into()));
    }

    /// The five arrays of an adjacency.
    fn csr(&mut self, tags: [[u8; 4]; 5], csr: &'a Csr) {
        self.array(tags[0], &csr.first);
        self.array(tags[1], &csr.node);
        self.array(tags[2], &csr.length_dm);
        self.array(tags[3], &csr.time_ds);
        self.array(tags[4], &csr.edge);
    }

    /// The zeros after a section of `len` bytes, to a multiple of 8.
    fn padding(len: usize) -> &'static [u8] {
        &[0u8; 8][..len.next_multiple_of(8) - len]
    }

    /// The header and section table, with the file's length and checksum.
    fn header(&self, fingerprint: u64) -> Vec<u8> {
        debug_assert!(self.sections.iter().map(|(t, _)| t).eq(all_sections()));
        let table_len = self.sections.len() * TABLE_ENTRY_LEN;
        let len = (HEADER_LEN + table_len) as u64
            + self
                .sections
                .iter()
                .map(|(_, b)| b.len().next_multiple_of(8) as u64)
                .sum::<u64>();
        let mut header = Vec::with_capacity(HEADER_LEN + table_len);
        header.extend_from_slice(&MAGIC);
        FORMAT_VERSION.put(&mut header);
        0u32.put(&mut header); // the checksum, below
        fingerprint.put(&mut header);
        len.put(&mut header);
        (self.sections.len() as u32).put(&mut header);
        debug_assert_eq!(header.len(), BYTE_ORDER_AT);
        BYTE_ORDER_MARK.put(&mut header);
        for (tag, bytes) in &self.sections {
            header.extend_from_slice(tag);
            0u32.put(&mut header);
            (bytes.len() as u64).put(&mut header);
        }
        // The checksum of the header's rest, then of every section, each hashed on its own
        // (in parallel) and combined in file order.
        let mut head = crc32fast::Hasher::new();
        head.update(&header[16..]);
        let sections = self.sections.par_iter().map(|(_, bytes)| {
            let mut h = crc32fast::Hasher::new();
            h.update(bytes);
            h.update(Encoder::padding(bytes.len()));
            h
        });
        let pieces: Vec<crc32fast::Hasher> = rayon::iter::once(head).chain(sections).collect();
        header[12..16].copy_from_slice(&combined(&pieces).to_le_bytes());
        header
    }

    /// Writes the whole file: header, table, sections.
    fn write_to(&self, fingerprint: u64, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.header(fingerprint))?;
        for (_, bytes) in &self.sections {
            w.write_all(bytes)?;
            w.write_all(Encoder::padding(bytes.len()))?;
        }
        Ok(())
    }
}

fn kinds_of_bits(bits: u32, kinds: &Kinds) -> Result<ServiceKinds, CacheProblem> {
    let set = ServiceKinds::from_bits(bits);
    if set.without(kinds.all()) != ServiceKinds::EMPTY || set.is_empty() {
        return Err(corrupt(format!("service kinds {bits:#x}")));
    }
    Ok(set)
}

/// The `KIND` section: the five built-in kinds, then the project's own (labelled by their
/// names; [`crate::open::open`] gives them the settings' labels).
fn read_kinds(sections: &mut Sections<'_>) -> Result<Kinds, CacheProblem> {
    let mut c = sections.records(*b"KIND")?;
    let count = c.count()?;
    let mut kinds = Kinds::default();
    for i in 0..count {
        let name = c.string()?;
        let fits = match kinds.get(i as usize) {
            Some(known) => known.name() == name,
            None => kinds.add(&name, None).is_ok(),
        };
        if !fits {
            return Err(corrupt(format!("kind {i} is `{name}`")));
        }
    }
    c.end()?;
    if count != kinds.len() as u64 {
        return Err(corrupt(format!("{count} kinds")));
    }
    Ok(kinds)
}

/// The CRC-32 of every byte of `mapping` from offset 16 on, in pieces hashed in parallel and
/// combined; each piece leaves the resident set once hashed ([`Mapping::release`]), so that
/// the pass holds no more of the file in memory than the run then uses.
fn checksum(mapping: &Mapping) -> u32 {
    let body = mapping.bytes().get(16..).unwrap_or_default();
    let pieces: Vec<crc32fast::Hasher> = body
        .par_chunks(CHECKSUM_PIECE)
        .enumerate()
        .map(|(i, piece)| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(piece);
            let start = 16 + i * CHECKSUM_PIECE;
            mapping.release(start..start + piece.len());
            hasher
        })
        .collect();
    combined(&pieces)
}

/// The CRC-32 of consecutive pieces, each hashed on its own, in order.
fn combined(pieces: &[crc32fast::Hasher]) -> u32 {
    let mut all = crc32fast::Hasher::new();
    for piece in pieces {
        all.combine(piece);
    }
    all.finalize()
}

/// The sections of a checked file, taken in order.
struct Sections<'a> {
    mapping: &'a Arc<Mapping>,
    bytes: &'a [u8],
    /// Tag and byte range of every section.
    table: Vec<([u8; 4], std::ops::Range<usize>)>,
    next: usize,
}

impl<'a> Sections<'a> {
    /// Checks the header (magic, version, length, checksum, fingerprint) and the table.
    fn open(mapping: &'a Arc<Mapping>, fingerprint: u64) -> Result<Self, CacheProblem> {
        let bytes = mapping.bytes();
        let len = bytes.len() as u64;
        let truncated = |expected: usize| CacheProblem::Truncated {
            len,
            expected: expected as u64,
        };
        if bytes.len() < MAGIC.len() {
            return Err(if looks_like_cache(bytes) || bytes.is_empty() {
                truncated(HEADER_LEN)
            } else {
                CacheProblem::NotCache
            });
        }
        if bytes[..MAGIC.len()] != MAGIC {
            return Err(CacheProblem::NotCache);
        }
        let mark = bytes
            .get(BYTE_ORDER_AT..BYTE_ORDER_AT + 4)
            .map(<u32 as Le>::get);
        let byte_order = |found: u32| CacheProblem::ByteOrder {
            found,
            expected: BYTE_ORDER_MARK,
        };
        // Another byte order first: its version and lengths would be misread as well.
        if mark == Some(BYTE_ORDER_MARK.swap_bytes()) {
            return Err(byte_order(BYTE_ORDER_MARK.swap_bytes()));
        }
        let mut header = Cursor::new(bytes);
        header.pos = MAGIC.len();
        let version = header.u32().map_err(|_| truncated(HEADER_LEN))?;
        if version != FORMAT_VERSION {
            return Err(CacheProblem::Version {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        match mark {
            None => return Err(truncated(HEADER_LEN)),
            Some(found) if found != BYTE_ORDER_MARK => return Err(byte_order(found)),
            Some(_) => {}
        }
        if cfg!(target_endian = "big") {
            return Err(CacheProblem::BigEndianMachine);
        }
        let crc = header.u32()?;
        let stored_fingerprint = header.u64()?;
        let stored_len = header.u64()?;
        if stored_len > len {
            return Err(CacheProblem::Truncated {
                len,
                expected: stored_len,
            });
        }
        if stored_len < len {
            return Err(corrupt(format!(
                "{} bytes after the end of the cache",
                len - stored_len
            )));
        }
        if checksum(mapping) != crc {
            return Err(corrupt("checksum mismatch"));
        }
        if stored_fingerprint != fingerprint {
            return Err(CacheProblem::Settings);
        }
        let count = header.u32()? as usize;
        let expected_tags = all_sections();
        if count != expected_tags.clone().count() {
            return Err(corrupt(format!("{count} sections")));
        }
        header.u32()?; // the byte-order mark, checked above
        let mut table = Vec::with_capacity(count);
        let mut offset = HEADER_LEN + count * TABLE_ENTRY_LEN;
        for expected in expected_tags {
            let tag = header.take(4)?;
            header.u32()?;
            let section_len = header.u64()?;
            if tag != expected {
                return Err(corrupt(format!(
                    "section {} where {} belongs",
                    String::from_utf8_lossy(tag),
                    String::from_utf8_lossy(expected)
                )));
            }
            let range = usize::try_from(section_len)
                .ok()
                .and_then(|l| Some(offset..offset.checked_add(l)?))
                .filter(|r| r.end <= bytes.len())
                .ok_or_else(|| corrupt("section beyond the end of the file"))?;
            offset = range.end.next_multiple_of(8);
            table.push((*expected, range));
        }
        if offset != bytes.len() {
            return Err(corrupt("sections do not fill the file"));
        }
        Ok(Sections {
            mapping,
            bytes,
            table,
            next: 0,
        })
    }

    /// The bytes of the next section, which must be `tag`.
    fn take(&mut self, tag: [u8; 4]) -> Result<&'a [u8], CacheProblem> {
        let (found, range) = self
            .table
            .get(self.next)
            .ok_or_else(|| corrupt("missing sections"))?;
        debug_assert_eq!(*found, tag, "sections read out of order");
        self.next += 1;
        self.bytes
            .get(range.clone())
            .ok_or_else(|| corrupt("section beyond the end of the file"))
    }

    /// The next section, which must be `tag`, as an array in place.
    fn array<T: CheckedBitPattern + NoUninit>(
        &mut self,
        tag: [u8; 4],
    ) -> Result<Array<T>, CacheProblem> {
        let (found, range) = self
            .table
            .get(self.next)
            .cloned()
            .ok_or_else(|| corrupt("missing sections"))?;
        debug_assert_eq!(found, tag, "sections read out of order");
        self.next += 1;
        let name = String::from_utf8_lossy(&tag);
        Array::in_mapping(self.mapping, range).map_err(|problem| {
            corrupt(match problem {
                ArrayProblem::OutOfFile => "section beyond the end of the file".to_owned(),
                ArrayProblem::Misaligned => format!("section {name} is misaligned"),
                ArrayProblem::Length => format!("section {name} is not a whole number of values"),
                ArrayProblem::Invalid => format!("section {name} holds a value out of range"),
            })
        })
    }

    /// The next five sections as a CSR adjacency (its invariants are checked with the graph).
    fn csr(&mut self) -> Result<Csr, CacheProblem> {
        let base = self.next;
        let tag = |i: usize| SECTIONS.get(base + i).copied().unwrap_or_default();
        Ok(Csr {
            first: self.array(tag(0))?,
            node: self.array(tag(1))?,
            length_dm: self.array(tag(2))?,
            time_ds: self.array(tag(3))?,
            edge: self.array(tag(4))?,
        })
    }

    fn records(&mut self, tag: [u8; 4]) -> Result<Cursor<'a>, CacheProblem> {
        Ok(Cursor::new(self.take(tag)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::feature::{ElementType, FeatureId, OsmId};
    use crate::read::profile::{Direction, RoadAttrs};
    use crate::read::roads::{RoadInput, RoadWay};

    /// A small region with every kind of value the format stores: two-way and oneway roads, a
    /// ferry, an island, OSM and file ids, names with non-ASCII letters, missing values.
    fn sample() -> Region {
        let c = |lon: f64, lat: f64| Coord::from_degrees(lon, lat);
        let coords = vec![
            c(15.0, 62.0),
            c(15.001, 62.0),
            c(15.002, 62.001),
            c(15.003, 62.0),
            c(15.1, 62.1),
            c(15.101, 62.1),
        ];
        let way = |osm_id, direction, class, ferry_s, start, end| RoadWay {
            osm_id,
            attrs: RoadAttrs {
                class,
                speed_kmh: 50.0,
                direction,
                ferry_s,
            },
            start,
            end,
        };
        let input = RoadInput {
            osm_ids: (100..106).collect(),
            coords,
            refs: vec![0, 1, 2, 3, 3, 0, 4, 5],
            ways: vec![
                way(1, Direction::Both, 3, None, 0, 4),
                way(2, Direction::Forward, 2, None, 4, 6),
                way(
                    3,
                    Direction::Both,
                    crate::read::profile::FERRY_CLASS,
                    Some(900),
                    6,
                    8,
                ),
            ],
        };
        let graph = Graph::build(&input);
        let mut region = Region {
            extent: Extent::road_hull(&graph),
            graph,
            kinds: Kinds::default(),
            services: vec![
                ServicePoint {
                    id: OsmId {
                        kind: ElementType::Way,
                        id: 7,
                    }
                    .into(),
                    name: Some("Konsum Älvdalen".into()),
                    kinds: ServiceKinds::GROCERY | ServiceKinds::PAYMENT,
                    coord: c(15.0015, 62.0003),
                    form: None,
                    mobile: false,
                    seasonal: true,
                    capacity: None,
                },
                ServicePoint {
                    id: FeatureId::File("apotek-12".into()),
                    name: None,
                    kinds: ServiceKinds::PHARMACY,
                    coord: c(15.1, 62.1),
                    form: Some("Apoteksombud".into()),
                    mobile: true,
                    seasonal: false,
                    capacity: None,
                },
            ],
            settlements: vec![
                Settlement {
                    id: OsmId {
                        kind: ElementType::Relation,
                        id: -3,
                    }
                    .into(),
                    name: Some("Åsen".into()),
                    place: Some(Place::IsolatedDwelling),
                    population: Some(u64::MAX),
                    coord: c(-15.0, -62.0),
                    groups: Vec::new(),
                },
                Settlement {
                    id: FeatureId::File(String::new()),
                    name: None,
                    place: None,
                    population: None,
                    coord: c(15.003, 62.0),
                    groups: Vec::new(),
                },
            ],
            groups: Vec::new(),
            read_stats: ReadStats {
                blocks: 3,
                sorted: true,
                nodes: 6,
                ways: 3,
                relations: 1,
                road_ways: 3,
                ferry_ways: 1,
                missing_node_refs: 4,
                ways_with_missing_nodes: 5,
                road_pieces_dropped: 6,
                areas_without_location: 7,
                opening_hours_unparsed: vec![8, 0, 0, 9, 8],
                timings: Vec::new(),
            },
            timings: Vec::new(),
            warnings: Vec::new(),
            prepared: Prepared::default(),
        };
        crate::route::prepare(&mut region, SnapOptions::default());
        region
    }

    fn assert_same(a: &Region, b: &Region) {
        assert_eq!(a.graph, b.graph);
        assert_eq!(a.prepared, b.prepared);
        assert_eq!(a.services, b.services);
        assert_eq!(a.settlements, b.settlements);
        assert_eq!(a.read_stats, b.read_stats);
        assert_eq!(a.extent, b.extent);
    }

    /// Rewrites the checksum, so that damage behind it reaches the section decoder.
    fn reseal(bytes: &mut [u8]) {
        if bytes.len() >= HEADER_LEN {
            let crc = crc32fast::hash(&bytes[16..]);
            bytes[12..16].copy_from_slice(&crc.to_le_bytes());
        }
    }

    #[test]
    fn round_trip_is_identical() {
        let region = sample();
        assert!(region.graph.edges().iter().any(|e| e.is_ferry()));
        assert!(region.graph.edges().iter().any(|e| e.oneway));
        let bytes = to_bytes(&region, 42);
        assert_eq!(bytes.len() % 8, 0);
        let loaded = from_bytes(&bytes, 42).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&region, &loaded);
        assert_eq!(
            to_bytes(&loaded, 42),
            bytes,
            "saving again gives the same bytes"
        );
    }

    #[test]
    fn empty_regions_round_trip() {
        // A default graph has no offsets at all, a graph built from nothing has a single 0.
        for graph in [Graph::default(), Graph::build(&RoadInput::default())] {
            let region = Region {
                graph,
                extent: None,
                kinds: Kinds::default(),
                services: Vec::new(),
                settlements: Vec::new(),
                groups: Vec::new(),
                read_stats: ReadStats::default(),
                timings: Vec::new(),
                warnings: Vec::new(),
                prepared: Prepared::default(),
            };
            let loaded = from_bytes(&to_bytes(&region, 1), 1).unwrap_or_else(|e| panic!("{e}"));
            assert_same(&region, &loaded);
        }
    }

    #[test]
    fn header_problems_come_in_order() {
        let bytes = to_bytes(&sample(), 42);
        assert_eq!(from_bytes(&bytes, 43).err(), Some(CacheProblem::Settings));
        assert_eq!(
            from_bytes(b"PBF?not at all", 42).err(),
            Some(CacheProblem::NotCache)
        );
        let mut old = bytes.clone();
        old[8..12].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            from_bytes(&old, 42).err(),
            Some(CacheProblem::Version {
                found: 0,
                supported: FORMAT_VERSION
            })
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            from_bytes(&longer, 42),
            Err(CacheProblem::Corrupt { .. })
        ));
        assert!(matches!(
            from_bytes(&bytes[..bytes.len() - 1], 42),
            Err(CacheProblem::Truncated { .. })
        ));
    }

    #[test]
    fn every_cut_and_every_flipped_byte_is_an_error() {
        let bytes = to_bytes(&sample(), 42);
        for cut in 0..bytes.len() {
            let problem = from_bytes(&bytes[..cut], 42).err();
            assert!(
                matches!(problem, Some(CacheProblem::Truncated { .. })),
                "cut at {cut}: {problem:?}"
            );
        }
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x10;
            assert!(from_bytes(&damaged, 42).is_err(), "flip at {i} went unseen");
        }
    }

    /// Damage with a valid checksum (as a bad writer would leave) reaches the section and
    /// record decoders and the graph check: each byte set to several values, never a panic, and
    /// whatever loads still satisfies the graph's invariants.
    #[test]
    fn damage_behind_a_valid_checksum_never_panics() {
        let bytes = to_bytes(&sample(), 42);
        for i in 16..bytes.len() {
            for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[i] = value;
                reseal(&mut damaged);
                if let Ok(region) = from_bytes(&damaged, 42) {
                    assert_eq!(region.graph.check(), Ok(()));
                }
            }
        }
    }

    #[test]
    fn truncated_headers_and_strangers() {
        assert!(looks_like_cache(b"SGRAPH\0\0rest"));
        assert!(looks_like_cache(b"SGR"));
        assert!(!looks_like_cache(b""));
        assert!(!looks_like_cache(b"\0\0\0\x0e\n\x09OSMHeader"));
        assert!(matches!(
            from_bytes(b"SGR", 42),
            Err(CacheProblem::Truncated { .. })
        ));
        assert_eq!(from_bytes(b"hello", 42).err(), Some(CacheProblem::NotCache));
    }

    #[test]
    fn the_format_before_seasonal_points_asks_for_a_rebuild() {
        // Version 2 stored no seasonal flag: its records would be misread, so it is refused.
        let mut bytes = to_bytes(&sample(), 42);
        bytes[8..12].copy_from_slice(&2u32.to_le_bytes());
        assert_eq!(
            from_bytes(&bytes, 42).err(),
            Some(CacheProblem::Version {
                found: 2,
                supported: FORMAT_VERSION
            })
        );
        assert!(CacheProblem::Version {
            found: 2,
            supported: FORMAT_VERSION
        }
        .to_string()
        .ends_with("rebuild with servicegap build"));
    }

    #[test]
    fn the_byte_order_mark_is_checked_after_the_magic() {
        let bytes = to_bytes(&sample(), 42);
        assert_eq!(bytes[36..40], [4, 3, 2, 1]);
        let with_mark = |mark: u32, version: u32| {
            let mut b = bytes.clone();
            b[36..40].copy_from_slice(&mark.to_le_bytes());
            b[8..12].copy_from_slice(&version.to_le_bytes());
            reseal(&mut b);
            from_bytes(&b, 42).err()
        };
        let swapped = BYTE_ORDER_MARK.swap_bytes();
        // Swapped, before the version (which the other byte order misreads too).
        for version in [FORMAT_VERSION, FORMAT_VERSION.swap_bytes(), 4] {
            assert_eq!(
                with_mark(swapped, version),
                Some(CacheProblem::ByteOrder {
                    found: swapped,
                    expected: BYTE_ORDER_MARK
                })
            );
        }
        // Version 4 had zeros there: the version speaks first.
        assert_eq!(
            with_mark(0, 4),
            Some(CacheProblem::Version {
                found: 4,
                supported: FORMAT_VERSION
            })
        );
        assert_eq!(
            with_mark(0, FORMAT_VERSION),
            Some(CacheProblem::ByteOrder {
                found: 0,
                expected: BYTE_ORDER_MARK
            })
        );
        assert_eq!(with_mark(BYTE_ORDER_MARK, FORMAT_VERSION), None);
        assert_eq!(
            CacheProblem::ByteOrder {
                found: swapped,
                expected: BYTE_ORDER_MARK
            }
            .to_string(),
            "graph cache written in big-endian byte order, this servicegap reads little-endian: rebuild with servicegap build"
        );
        assert_eq!(
            CacheProblem::ByteOrder {
                found: 0,
                expected: BYTE_ORDER_MARK
            }
            .to_string(),
            "graph cache with byte-order mark 0x00000000, this servicegap reads 0x01020304 (little-endian): rebuild with servicegap build"
        );
    }

    #[test]
    fn seasonal_flags_and_unparsed_counts_are_checked() {
        let region = sample();
        let bytes = to_bytes(&region, 42);
        let loaded = from_bytes(&bytes, 42).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.services[0].seasonal && !loaded.services[1].seasonal);
        let mut wrong = region.clone();
        wrong.read_stats.opening_hours_unparsed = vec![1, 2];
        assert_eq!(
            from_bytes(&to_bytes(&wrong, 42), 42).err(),
            Some(corrupt("OHUN has the wrong length"))
        );
        let mut none = region;
        none.read_stats.opening_hours_unparsed = Vec::new();
        let loaded = from_bytes(&to_bytes(&none, 42), 42).unwrap_or_else(|e| panic!("{e}"));
        assert!(loaded.read_stats.opening_hours_unparsed.is_empty());
    }

    #[test]
    fn messages_say_what_to_do() {
        let text = |p: CacheProblem| p.to_string();
        assert_eq!(text(CacheProblem::NotCache), "not a servicegap graph cache");
        assert_eq!(
            text(CacheProblem::Version {
                found: 7,
                supported: FORMAT_VERSION
            }),
            format!("graph cache written by format version 7, this servicegap reads {FORMAT_VERSION}: rebuild with servicegap build")
        );
        assert!(text(corrupt("checksum mismatch")).starts_with("corrupt graph cache"));
        assert!(text(CacheProblem::Settings).contains("built with other settings"));
        assert_ne!(settings_fingerprint(&Profile::default()), 0);
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
