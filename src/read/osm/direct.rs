//! Readers for the two common kinds of block: dense nodes only (node pass) and ways only (way
//! pass), zlib or raw. They decode ids, coordinates, tags and refs straight from the bytes,
//! without building `osmpbf`'s message structs or the string table as owned strings, and skip
//! the metadata (`Info`, `DenseInfo`). Anything else (plain nodes, a mix of kinds, relations,
//! unknown compression, a field in an unexpected encoding, a bad string) returns `None`, and
//! the block is read by `osmpbf` as before, which also reports any damage.

use super::block::{FeatureTags, NodeBlock, WayBlock};
use super::nodes::NodeIndex;
use crate::base::coord::Coord;
use crate::read::profile::Profile;
use std::sync::atomic::AtomicU64;

/// Largest inflated block the format allows (as `osmpbf`).
const MAX_BLOCK: usize = 32 * 1024 * 1024;

/// The value of a protobuf field.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *self.buf.get(self.pos)?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    /// The next field; `None` at the end or for a field that is neither a varint nor
    /// length-delimited (no field the node pass reads is anything else).
    fn field(&mut self) -> Option<(u64, Value<'a>)> {
        let key = self.varint()?;
        let (number, wire) = (key >> 3, key & 7);
        let value = match wire {
            0 => Value::Varint(self.varint()?),
            2 => {
                let len = usize::try_from(self.varint()?).ok()?;
                let end = self.pos.checked_add(len)?;
                let bytes = self.buf.get(self.pos..end)?;
                self.pos = end;
                Value::Bytes(bytes)
            }
            _ => return None,
        };
        Some((number, value))
    }
}

fn zigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Inflates the block in `file_bytes` (4-byte header length, `BlobHeader`, `Blob`).
fn inflate(file_bytes: &[u8]) -> Option<Vec<u8>> {
    let header_len = u32::from_be_bytes(file_bytes.get(..4)?.try_into().ok()?) as usize;
    let blob = file_bytes.get(4usize.checked_add(header_len)?..)?;
    let (mut raw, mut raw_size, mut zlib) = (None, None, None);
    let mut r = Reader::new(blob);
    while !r.at_end() {
        match r.field()? {
            (1, Value::Bytes(b)) => raw = Some(b),
            (2, Value::Varint(v)) => raw_size = Some(usize::try_from(v).ok()?),
            (3, Value::Bytes(b)) => zlib = Some(b),
            _ => return None,
        }
    }
    match (raw, zlib) {
        (Some(raw), None) if raw.len() < MAX_BLOCK => Some(raw.to_vec()),
        (None, Some(zlib)) => {
            let size = raw_size.filter(|&s| s < MAX_BLOCK)?;
            let mut out = Vec::with_capacity(size);
            let mut z = flate2::Decompress::new(true);
            let status = z
                .decompress_vec(zlib, &mut out, flate2::FlushDecompress::Finish)
                .ok()?;
            (status == flate2::Status::StreamEnd && out.len() == size).then_some(out)
        }
        _ => None,
    }
}

/// The fields of an inflated `PrimitiveBlock` that the readers use.
struct Parts<'a> {
    strings: Vec<&'a [u8]>,
    groups: Vec<&'a [u8]>,
    granularity: i64,
    lat_offset: i64,
    lon_offset: i64,
}

fn parts(block: &[u8]) -> Option<Parts<'_>> {
    let mut p = Parts {
        strings: Vec::new(),
        groups: Vec::new(),
        granularity: 100,
        lat_offset: 0,
        lon_offset: 0,
    };
    let mut r = Reader::new(block);
    while !r.at_end() {
        match r.field()? {
            (1, Value::Bytes(table)) => {
                let mut t = Reader::new(table);
                while !t.at_end() {
                    match t.field()? {
                        (1, Value::Bytes(s)) => p.strings.push(s),
                        _ => return None,
                    }
                }
            }
            (2, Value::Bytes(g)) => p.groups.push(g),
            (17, Value::Varint(v)) => p.granularity = i64::from(v as i32),
            (18, Value::Varint(_)) => {}
            (19, Value::Varint(v)) => p.lat_offset = v as i64,
            (20, Value::Varint(v)) => p.lon_offset = v as i64,
            _ => return None,
        }
    }
    Some(p)
}

/// Reads a block of dense nodes for the node pass; see the module docs.
pub(super) fn scan_nodes(
    file_bytes: &[u8],
    profile: &Profile,
    needed: &NodeIndex,
    coords: &[AtomicU64],
) -> Option<NodeBlock> {
    let block = inflate(file_bytes)?;
    let Parts {
        strings,
        groups,
        granularity,
        lat_offset,
        lon_offset,
    } = parts(&block)?;
    let mut out = NodeBlock::default();
    let mut finder = needed.finder();
    for group in groups {
        let mut dense = None;
        let mut g = Reader::new(group);
        while !g.at_end() {
            match g.field()? {
                (2, Value::Bytes(d)) if dense.is_none() => dense = Some(d),
                _ => return None,
            }
        }
        let Some(dense) = dense else { continue };
        let (mut ids, mut lats, mut lons, mut keys_vals) = (None, None, None, None);
        let mut d = Reader::new(dense);
        while !d.at_end() {
            match d.field()? {
                (1, Value::Bytes(b)) if ids.is_none() => ids = Some(b),
                (5, Value::Bytes(_)) => {}
                (8, Value::Bytes(b)) if lats.is_none() => lats = Some(b),
                (9, Value::Bytes(b)) if lons.is_none() => lons = Some(b),
                (10, Value::Bytes(b)) if keys_vals.is_none() => keys_vals = Some(b),
                _ => return None,
            }
        }
        let (mut ids, mut lats, mut lons) = (
            Reader::new(ids.unwrap_or_default()),
            Reader::new(lats.unwrap_or_default()),
            Reader::new(lons.unwrap_or_default()),
        );
        let mut keys_vals = keys_vals.map(Reader::new);
        let (mut id, mut lat, mut lon) = (0i64, 0i64, 0i64);
        let mut tags: Vec<(&str, &str)> = Vec::new();
        loop {
            let (did, dlat, dlon) = match (ids.at_end(), lats.at_end(), lons.at_end()) {
                (true, true, true) => break,
                (false, false, false) => (ids.varint()?, lats.varint()?, lons.varint()?),
                // Arrays of different lengths: leave the block to osmpbf.
                _ => return None,
            };
            id = id.wrapping_add(zigzag(did));
            lat = lat.wrapping_add(zigzag(dlat));
            lon = lon.wrapping_add(zigzag(dlon));
            tags.clear();
            if let Some(kv) = keys_vals.as_mut() {
                loop {
                    let key = kv.varint()? as i32;
                    if key == 0 {
                        break;
                    }
                    let value = kv.varint()? as i32;
                    let text = |i: i32| {
                        let s = strings.get(usize::try_from(i).ok()?)?;
                        std::str::from_utf8(s).ok()
                    };
                    tags.push((text(key)?, text(value)?));
                }
            }
            let coord = Coord {
                lon_e7: (lon_offset.wrapping_add(granularity.wrapping_mul(lon)) / 100) as i32,
                lat_e7: (lat_offset.wrapping_add(granularity.wrapping_mul(lat)) / 100) as i32,
            };
            // Most nodes have no tags: the feature rules are not even looked at.
            let feature = if tags.is_empty() {
                None
            } else {
                FeatureTags::read(profile, tags.iter().copied())
            };
            out.classify_node(&mut finder, coords, id, coord, feature);
        }
        if keys_vals.is_some_and(|kv| !kv.at_end()) {
            return None;
        }
    }
    Some(out)
}

/// Reads a block of ways for the way pass; see the module docs.
pub(super) fn scan_ways(file_bytes: &[u8], profile: &Profile) -> Option<WayBlock> {
    let block = inflate(file_bytes)?;
    let p = parts(&block)?;
    // Each string is checked once per block, not once per use.
    let strings: Vec<Option<&str>> = p
        .strings
        .iter()
        .map(|s| std::str::from_utf8(s).ok())
        .collect();
    let text = |i: u64| -> Option<&str> { *strings.get(usize::try_from(i).ok()?)? };
    let mut out = WayBlock::default();
    let mut tags: Vec<(&str, &str)> = Vec::new();
    for group in &p.groups {
        let mut g = Reader::new(group);
        while !g.at_end() {
            let (3, Value::Bytes(way)) = g.field()? else {
                return None;
            };
            let (mut id, mut keys, mut vals, mut refs) = (None, None, None, None);
            let mut w = Reader::new(way);
            while !w.at_end() {
                match w.field()? {
                    (1, Value::Varint(v)) if id.is_none() => id = Some(v as i64),
                    (2, Value::Bytes(b)) if keys.is_none() => keys = Some(b),
                    (3, Value::Bytes(b)) if vals.is_none() => vals = Some(b),
                    (4, Value::Bytes(_)) => {}
                    (8, Value::Bytes(b)) if refs.is_none() => refs = Some(b),
                    _ => return None,
                }
            }
            let id = id?;
            tags.clear();
            let (mut keys, mut vals) = (
                Reader::new(keys.unwrap_or_default()),
                Reader::new(vals.unwrap_or_default()),
            );
            loop {
                match (keys.at_end(), vals.at_end()) {
                    (true, true) => break,
                    (false, false) => {
                        let k = keys.varint()? as u32;
                        let v = vals.varint()? as u32;
                        tags.push((text(u64::from(k))?, text(u64::from(v))?));
                    }
                    _ => return None,
                }
            }
            let start = out.roads.refs.len();
            let mut r = Reader::new(refs.unwrap_or_default());
            let mut node = 0i64;
            while !r.at_end() {
                node = node.wrapping_add(zigzag(r.varint()?));
                out.roads.refs.push(node);
            }
            out.classify_way(profile, id, tags.iter().copied(), start);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::block::WayBlock;
    use super::super::decode;
    use super::super::file::PbfFile;
    use super::super::nodes::{NodeIndex, MISSING};
    use super::*;
    use osmpbf::Element;
    use std::path::Path;
    use std::sync::atomic::Ordering;

    /// A shipped extract, opened, and the bytes of each of its data blocks.
    fn extract_blocks(name: &str) -> (PbfFile, Vec<Vec<u8>>) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/osm/{name}.osm.pbf"));
        let pbf = PbfFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let blocks = (pbf.blocks.iter())
            .map(|&extent| pbf.read_bytes(extent).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        (pbf, blocks)
    }

    /// The direct reader of dense-node blocks gives what `osmpbf` gives, block by block, on a
    /// real extract (with metadata, several string tables, tagged nodes).
    #[test]
    fn dense_reader_matches_osmpbf() {
        let (pbf, blocks) = extract_blocks("li-liechtenstein-2021");
        let profile = Profile::default();
        let mut fast_blocks = 0;
        for (i, bytes) in blocks.iter().enumerate() {
            let mut ids: Vec<i64> = pbf
                .decode_block(i, bytes, |b| {
                    b.elements()
                        .filter_map(|e| match e {
                            Element::DenseNode(n) => Some(n.id()),
                            Element::Node(n) => Some(n.id()),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_else(|e| panic!("{e}"));
            // Every other node is needed.
            ids.sort_unstable();
            let index = NodeIndex::Sparse(ids.iter().copied().step_by(2).collect());
            let empty = || -> Vec<AtomicU64> {
                (0..index.len()).map(|_| AtomicU64::new(MISSING)).collect()
            };
            let (fast_coords, slow_coords) = (empty(), empty());
            let slow = pbf
                .decode_block(i, bytes, |b| {
                    decode::scan_nodes(&b, &profile, &index, &slow_coords)
                })
                .unwrap_or_else(|e| panic!("{e}"));
            let Some(fast) = scan_nodes(bytes, &profile, &index, &fast_coords) else {
                assert!(slow.has_ways_or_relations, "block {i} holds only nodes");
                continue;
            };
            fast_blocks += 1;
            assert_eq!(fast.nodes, slow.nodes, "block {i}");
            assert_eq!(
                format!("{:?}", fast.features),
                format!("{:?}", slow.features),
                "block {i}"
            );
            let values = |c: &[AtomicU64]| -> Vec<u64> {
                c.iter().map(|v| v.load(Ordering::Relaxed)).collect()
            };
            assert_eq!(values(&fast_coords), values(&slow_coords), "block {i}");
        }
        assert!(fast_blocks > 30, "{fast_blocks} blocks read directly");
    }

    /// The direct reader of way blocks gives what `osmpbf` gives, block by block, on the real
    /// extracts (metadata, roads, areas, several string tables).
    #[test]
    fn way_reader_matches_osmpbf() {
        for name in ["li-liechtenstein-2021", "ad-andorra-2021"] {
            let (pbf, blocks) = extract_blocks(name);
            let profile = Profile::default();
            let mut direct_blocks = 0;
            for (i, bytes) in blocks.iter().enumerate() {
                let slow = pbf
                    .decode_block(i, bytes, |b| decode::scan_ways(&b, &profile))
                    .unwrap_or_else(|e| panic!("{e}"));
                let Some(fast) = scan_ways(bytes, &profile) else {
                    assert!(slow.has_nodes || slow.relations > 0, "{name} block {i}");
                    continue;
                };
                direct_blocks += 1;
                let roads = |b: &WayBlock| -> Vec<(String, Vec<i64>)> {
                    b.roads
                        .roads
                        .iter()
                        .map(|r| (format!("{} {:?}", r.id, r.attrs), b.roads.refs(r).to_vec()))
                        .collect()
                };
                assert_eq!(
                    (fast.ways, fast.relations, fast.way_ids),
                    (slow.ways, slow.relations, slow.way_ids),
                    "{name} block {i}"
                );
                assert_eq!(roads(&fast), roads(&slow), "{name} block {i}");
                assert_eq!(
                    format!("{:?}", fast.areas),
                    format!("{:?}", slow.areas),
                    "{name} block {i}"
                );
            }
            assert!(direct_blocks > 0, "{name}: no block read directly");
        }
    }
}
