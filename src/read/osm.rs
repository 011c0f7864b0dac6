//! Reads an OpenStreetMap `.osm.pbf` extract into road ways, service points and settlements.
//! The only module that knows about `osmpbf`.
//!
//! # How the file is read
//! 1. **Index**: the blob headers are read one after another (cheap: the blob bodies are skipped)
//!    to learn where each block starts and ends; a file that ends inside a block is reported as
//!    truncated before any work is done.
//! 2. **Ways and relations**, in parallel over blocks. Extract tools write nodes, then ways, then
//!    relations (whether or not the header declares `Sort.Type_then_ID`), so the blocks are
//!    decoded from the end backwards and the pass stops at the first batch that holds nodes:
//!    node blocks are not decoded twice. Should a block left to the node pass turn out to hold
//!    ways, the file is read again with every block in this pass.
//! 3. **Member ways** of multipolygon relations (shops or places mapped as relations) that the
//!    previous pass did not keep: one more pass over the way blocks, only when such relations
//!    exist.
//! 4. **Nodes**, in parallel over the node blocks: the coordinates of the nodes that roads and
//!    areas use (looked up in a bitmap over the id range when the ids are dense, as in renumbered
//!    files, else in one sorted id array; never a hash map of all nodes), and the tagged nodes
//!    that are service points or settlements.
//!
//! Blocks of dense nodes alone (node pass) and of ways alone (way pass) are decoded directly from
//! their bytes (the `direct` module below); any other block goes through `osmpbf`.
//!
//! Ways that use nodes missing from the file (bbox-cut extracts) are split at the gaps; pieces
//! with fewer than two nodes are dropped, and both are counted in [`ReadStats`].
//! Results are ordered by block and then by id, so they never depend on thread count.

use crate::base::coord::Coord;
use crate::base::error::{Error, Result};
use crate::base::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use crate::read::profile::{self, Profile, RoadAttrs, WayTags};
use crate::read::roads::{RoadInput, RoadWay};
use crate::ServiceKinds;
use osmpbf::{BlobReader, BlobType, Element, PrimitiveBlock, RelMemberType};
use rayon::prelude::*;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Everything read from one extract.
#[derive(Clone, Debug, Default)]
pub struct OsmData {
    /// Car-usable ways with the coordinates of their nodes.
    pub roads: RoadInput,
    /// Service points, ordered nodes first, then ways, then relations, each by id.
    pub services: Vec<ServicePoint>,
    /// Settlements, in the same order.
    pub settlements: Vec<Settlement>,
    /// What was seen and what was skipped.
    pub stats: ReadStats,
}

/// Counts of what the reader saw, and how long each pass took.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadStats {
    /// Data blocks in the file.
    pub blocks: usize,
    /// Whether the header declares `Sort.Type_then_ID`.
    pub sorted: bool,
    /// Nodes in the file.
    pub nodes: u64,
    /// Ways in the file.
    pub ways: u64,
    /// Relations in the file.
    pub relations: u64,
    /// Car-usable ways (roads and car ferries) before splitting at gaps.
    pub road_ways: u64,
    /// Car ferry ways among them.
    pub ferry_ways: u64,
    /// References (occurrences) in road ways to nodes that are not in the file.
    pub missing_node_refs: u64,
    /// Road ways with at least one node missing from the file (they are cut at the gaps).
    pub ways_with_missing_nodes: u64,
    /// Road ways or pieces dropped because fewer than two of their nodes are in the file.
    pub road_pieces_dropped: u64,
    /// Areas (closed ways, multipolygons) that are services or settlements but have no usable
    /// node in the file, and so no location.
    pub areas_without_location: u64,
    /// Time per pass, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Tags of a feature that may be a service point or a settlement.
#[derive(Clone, Debug, Default)]
struct FeatureTags {
    kinds: ServiceKinds,
    place: Option<Place>,
    name: Option<String>,
    population: Option<u64>,
}

impl FeatureTags {
    /// Reads the feature tags; `None` if the element is neither a service nor a settlement.
    fn read<'a>(profile: &Profile, tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let mut kinds = ServiceKinds::EMPTY;
        let mut place = None;
        let mut name = None;
        let mut population = None;
        for (k, v) in tags {
            match k {
                "place" => place = profile.settlement_place(v),
                "name" => name = Some(v),
                "population" => population = Some(v),
                _ => kinds |= profile.service_kinds_of_tag(k, v),
            }
        }
        if kinds.is_empty() && place.is_none() {
            return None;
        }
        Some(FeatureTags {
            kinds,
            place,
            name: name.map(str::to_owned),
            population: population.and_then(profile::parse_population),
        })
    }
}

/// A closed way or multipolygon that is a service or settlement, located later.
#[derive(Clone, Debug)]
struct Area {
    id: OsmId,
    tags: FeatureTags,
    /// For a closed way: its node refs. For a relation: empty, see `members`.
    refs: Vec<i64>,
    /// For a relation: member ways with `true` for outer (or empty) role.
    members: Vec<(i64, bool)>,
}

/// A road way as read: its id, what the profile said, where its refs are in its block's
/// [`RoadBlock::refs`].
#[derive(Clone, Debug)]
struct RawRoad {
    id: i64,
    attrs: RoadAttrs,
    start: u32,
    end: u32,
}

/// The road ways of one block, their refs in one array (no allocation per way).
#[derive(Default)]
struct RoadBlock {
    roads: Vec<RawRoad>,
    refs: Vec<i64>,
}

impl RoadBlock {
    fn refs(&self, road: &RawRoad) -> &[i64] {
        &self.refs[road.start as usize..road.end as usize]
    }
}

/// What one block contributed to the way/relation pass.
#[derive(Default)]
struct WayBlock {
    has_nodes: bool,
    /// Lowest and highest way id in the block, if it holds ways.
    way_ids: Option<(i64, i64)>,
    /// The decoded block, kept when it also holds nodes.
    decoded: Option<PrimitiveBlock>,
    ways: u64,
    relations: u64,
    roads: RoadBlock,
    areas: Vec<Area>,
}

/// What one block contributed to the node pass.
#[derive(Default)]
struct NodeBlock {
    nodes: u64,
    has_ways_or_relations: bool,
    features: Vec<(OsmId, Coord, FeatureTags)>,
}

/// Where a data block lies in the file.
#[derive(Clone, Copy, Debug)]
struct BlockExtent {
    offset: u64,
    len: u64,
}

/// An open PBF file with its block index.
struct PbfFile {
    path: PathBuf,
    file: File,
    blocks: Vec<BlockExtent>,
    sorted: bool,
    profile: Profile,
}

/// Reads a `.osm.pbf` file. See the module docs for the passes.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::NotPbf`] if it is no PBF file,
/// [`Error::CorruptBlock`] if a block is truncated or damaged, [`Error::Unsupported`] for
/// history files and other unsupported features.
pub fn read_pbf(path: &Path) -> Result<OsmData> {
    read_pbf_with(path, &Profile::default())
}

/// Reads a `.osm.pbf` file with the rules of `profile` (speeds, service tags, places).
///
/// # Errors
/// As [`read_pbf`].
pub fn read_pbf_with(path: &Path, profile: &Profile) -> Result<OsmData> {
    read(path, profile, false)
}

fn read(path: &Path, profile: &Profile, ignore_sort_order: bool) -> Result<OsmData> {
    let mut stats = ReadStats::default();
    let mut clock = Instant::now();
    let mut lap = |stats: &mut ReadStats, name: &'static str| {
        stats.timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };

    let mut pbf = PbfFile::open(path)?;
    pbf.profile = profile.clone();
    stats.blocks = pbf.blocks.len();
    stats.sorted = pbf.sorted;
    // Extract tools write nodes, then ways, then relations, whether or not the header says so;
    // the node pass checks the assumption and a file that breaks it is read again block by block.
    let use_sort_order = !ignore_sort_order;
    lap(&mut stats, "index");

    let way_blocks = if use_sort_order {
        pbf.way_pass_sorted()?
    } else {
        pbf.way_pass_all()?
    };
    // Blocks before the first one the way pass decoded hold only nodes (checked below).
    let first_way_pass_block = way_blocks.first().map_or(0, |b| b.0);
    let mut roads: Vec<RoadBlock> = Vec::new();
    let mut areas = Vec::new();
    let mut way_id_ranges = Vec::new();
    let mut node_blocks: Vec<(usize, Option<PrimitiveBlock>)> = if use_sort_order {
        (0..first_way_pass_block).map(|i| (i, None)).collect()
    } else {
        Vec::new()
    };
    for (index, block) in way_blocks {
        stats.ways += block.ways;
        stats.relations += block.relations;
        if let Some(range) = block.way_ids {
            way_id_ranges.push((index, range));
        }
        if block.has_nodes {
            node_blocks.push((index, block.decoded));
        }
        if !block.roads.roads.is_empty() {
            roads.push(block.roads);
        }
        areas.extend(block.areas);
    }
    lap(&mut stats, "ways");

    let member_refs = pbf.member_ways(&areas, &way_id_ranges)?;
    lap(&mut stats, "members");

    let ref_lists: Vec<&[i64]> = roads
        .iter()
        .map(|b| b.refs.as_slice())
        .chain(areas.iter().map(|a| a.refs.as_slice()))
        .chain(member_refs.iter().map(|(_, refs)| refs.as_slice()))
        .collect();
    let needed = NodeIndex::new(&ref_lists);
    drop(ref_lists);
    let coords: Vec<AtomicU64> = (0..needed.len()).map(|_| AtomicU64::new(MISSING)).collect();
    let node_results = pbf.node_pass(node_blocks, &needed, &coords)?;
    let unread_ways = node_results
        .iter()
        .any(|(i, b)| *i < first_way_pass_block && b.has_ways_or_relations);
    if use_sort_order && unread_ways {
        // Ways sit among the nodes after all: decode every block in the way pass.
        return read(path, profile, true);
    }
    let coords: Vec<u64> = coords.into_iter().map(AtomicU64::into_inner).collect();
    let mut node_features = Vec::new();
    for (_, block) in node_results {
        stats.nodes += block.nodes;
        node_features.extend(block.features);
    }
    lap(&mut stats, "nodes");

    let lookup = NodeLookup {
        ids: &needed,
        coords: &coords,
    };
    let (services, settlements) =
        assemble_features(node_features, &areas, &member_refs, &lookup, &mut stats);
    drop(areas);
    let road_input = assemble_roads(&roads, needed, coords, &mut stats);
    lap(&mut stats, "assemble");
    Ok(OsmData {
        roads: road_input,
        services,
        settlements,
        stats,
    })
}

/// Packed coordinate of a node that was not found. No valid latitude is `i32::MIN` (1e-7°).
const MISSING: u64 = 0x8000_0000;

fn pack(c: Coord) -> u64 {
    (u64::from(c.lon_e7 as u32) << 32) | u64::from(c.lat_e7 as u32)
}

fn unpack(v: u64) -> Option<Coord> {
    (v != MISSING).then_some(Coord {
        lon_e7: (v >> 32) as u32 as i32,
        lat_e7: v as u32 as i32,
    })
}

/// The ids of the nodes that roads and areas use, each with its input node number: its rank
/// among them in id order.
enum NodeIndex {
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
    fn new(lists: &[&[i64]]) -> Self {
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
    fn len(&self) -> usize {
        match self {
            NodeIndex::Dense { len, .. } => *len,
            NodeIndex::Sparse(ids) => ids.len(),
        }
    }

    /// The input node number of `id`, if it is one of the ids.
    fn index(&self, id: i64) -> Option<usize> {
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
    fn into_ids(self) -> Vec<i64> {
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
    fn finder(&self) -> Finder<'_> {
        match self {
            NodeIndex::Dense { .. } => Finder::Direct(self),
            NodeIndex::Sparse(ids) => Finder::Cursor(Cursor { ids, pos: 0 }),
        }
    }
}

/// See [`NodeIndex::finder`].
enum Finder<'a> {
    Direct(&'a NodeIndex),
    Cursor(Cursor<'a>),
}

impl Finder<'_> {
    fn find(&mut self, id: i64) -> Option<usize> {
        match self {
            Finder::Direct(index) => index.index(id),
            Finder::Cursor(cursor) => cursor.find(id),
        }
    }
}

/// Needed node ids and their packed coordinates.
struct NodeLookup<'a> {
    ids: &'a NodeIndex,
    coords: &'a [u64],
}

impl NodeLookup<'_> {
    fn coord(&self, id: i64) -> Option<Coord> {
        self.ids.index(id).and_then(|i| unpack(self.coords[i]))
    }
}

impl PbfFile {
    fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::io(path, std::io::Error::other("it is a directory")));
        }
        let file_len = meta.len();
        let not_pbf = |reason: &str| Error::NotPbf {
            path: path.to_path_buf(),
            reason: reason.to_owned(),
        };
        if file_len == 0 {
            return Err(not_pbf("the file is empty"));
        }
        let mut reader =
            BlobReader::seekable_from_path(path).map_err(|e| Error::io(path, osm_io(e)))?;
        let mut offsets = Vec::new();
        let mut header_seen = false;
        let mut header_offset = 0;
        let mut index = 0usize;
        while let Some(next) = reader.next_header_skip_blob() {
            let (header, offset) = next.map_err(|e| {
                let offset = offsets.last().map_or(0, |o: &(u64, bool)| o.0);
                if index == 0 {
                    not_pbf(&describe(&e))
                } else {
                    Error::CorruptBlock {
                        path: path.to_path_buf(),
                        offset,
                        reason: describe(&e),
                    }
                }
            })?;
            let offset = offset.map_or(0, |o| o.0);
            match header.blob_type() {
                BlobType::OsmHeader if index == 0 => {
                    header_seen = true;
                    header_offset = offset;
                }
                BlobType::OsmHeader => {}
                BlobType::OsmData => offsets.push((offset, true)),
                BlobType::Unknown(_) => offsets.push((offset, false)),
            }
            index += 1;
        }
        if !header_seen {
            return Err(not_pbf("it does not start with an OSMHeader block"));
        }
        let end = reader
            .seek_raw(std::io::SeekFrom::Current(0))
            .map_err(|e| Error::io(path, osm_io(e)))?;
        let last_start = offsets.last().map_or(header_offset, |o| o.0);
        if end > file_len {
            return Err(Error::CorruptBlock {
                path: path.to_path_buf(),
                offset: last_start,
                reason: format!("the file is truncated: the block needs {end} bytes but the file has {file_len}"),
            });
        }
        let mut blocks = Vec::with_capacity(offsets.len());
        for (i, &(offset, is_data)) in offsets.iter().enumerate() {
            let next = offsets.get(i + 1).map_or(end, |o| o.0);
            if is_data {
                blocks.push(BlockExtent {
                    offset,
                    len: next - offset,
                });
            }
        }
        let mut pbf = PbfFile {
            path: path.to_path_buf(),
            file,
            blocks,
            sorted: false,
            profile: Profile::default(),
        };
        let header = pbf.read_header(BlockExtent {
            offset: header_offset,
            len: offsets.first().map_or(end, |o| o.0) - header_offset,
        })?;
        for feature in header.required_features() {
            if feature != "OsmSchema-V0.6" && feature != "DenseNodes" {
                return Err(Error::Unsupported {
                    path: path.to_path_buf(),
                    feature: feature.clone(),
                });
            }
        }
        pbf.sorted = header
            .optional_features()
            .iter()
            .any(|f| f == "Sort.Type_then_ID");
        Ok(pbf)
    }

    fn corrupt(&self, extent: BlockExtent, reason: String) -> Error {
        Error::CorruptBlock {
            path: self.path.clone(),
            offset: extent.offset,
            reason,
        }
    }

    fn read_bytes(&self, extent: BlockExtent) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; extent.len as usize];
        self.file
            .read_exact_at(&mut buf, extent.offset)
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(buf)
    }

    fn read_header(&self, extent: BlockExtent) -> Result<osmpbf::HeaderBlock> {
        let bytes = self.read_bytes(extent)?;
        let blob = BlobReader::new(bytes.as_slice())
            .next()
            .ok_or_else(|| self.corrupt(extent, "empty header block".into()))?
            .map_err(|e| self.corrupt(extent, describe(&e)))?;
        blob.to_headerblock()
            .map_err(|e| self.corrupt(extent, describe(&e)))
    }

    /// Decodes data block `index` and hands it to `f`. A panic inside the decoder (which only
    /// damaged data can cause) becomes a [`Error::CorruptBlock`].
    fn with_block<T>(&self, index: usize, f: impl FnOnce(PrimitiveBlock) -> T) -> Result<T> {
        let bytes = self.read_bytes(self.blocks[index])?;
        self.decode_block(index, &bytes, f)
    }

    /// [`PbfFile::with_block`] for a block already read into `bytes`.
    fn decode_block<T>(
        &self,
        index: usize,
        bytes: &[u8],
        f: impl FnOnce(PrimitiveBlock) -> T,
    ) -> Result<T> {
        let extent = self.blocks[index];
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let blob = BlobReader::new(bytes)
                .next()
                .ok_or_else(|| "no block at this offset".to_owned())?
                .map_err(|e| describe(&e))?;
            let block = blob.to_primitiveblock().map_err(|e| describe(&e))?;
            Ok::<T, String>(f(block))
        }));
        match outcome {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(reason)) => Err(self.corrupt(extent, reason)),
            Err(_) => Err(self.corrupt(extent, "the block's contents are inconsistent".into())),
        }
    }

    /// Decodes a block for the way pass. A block that also holds nodes is kept decoded, so the
    /// node pass does not decode it again.
    fn way_block(&self, index: usize, keep_node_blocks: bool) -> Result<WayBlock> {
        let bytes = self.read_bytes(self.blocks[index])?;
        if let Some(block) = direct::scan_ways(&bytes, &self.profile) {
            return Ok(block);
        }
        self.decode_block(index, &bytes, |block| {
            let mut out = scan_ways(&block, &self.profile);
            if out.has_nodes && keep_node_blocks {
                out.decoded = Some(block);
            }
            out
        })
    }

    /// Way pass in type order: blocks from the end backwards, in batches, until a batch
    /// holds a block with nodes. Returns the decoded blocks in file order.
    fn way_pass_sorted(&self) -> Result<Vec<(usize, WayBlock)>> {
        let batch = (rayon::current_num_threads() * 2).max(2);
        let mut done: Vec<(usize, WayBlock)> = Vec::new();
        let mut end = self.blocks.len();
        while end > 0 {
            let start = end.saturating_sub(batch);
            let decoded: Vec<(usize, WayBlock)> = (start..end)
                .into_par_iter()
                .map(|i| self.way_block(i, true).map(|b| (i, b)))
                .collect::<Result<_>>()?;
            let met_nodes = decoded.iter().any(|(_, b)| b.has_nodes);
            done.splice(0..0, decoded);
            end = start;
            if met_nodes {
                break;
            }
        }
        Ok(done)
    }

    /// Way pass for a file not in type order: every block.
    fn way_pass_all(&self) -> Result<Vec<(usize, WayBlock)>> {
        (0..self.blocks.len())
            .into_par_iter()
            .map(|i| self.way_block(i, false).map(|b| (i, b)))
            .collect()
    }

    /// Refs of the member ways of multipolygon areas, read from the way blocks.
    fn member_ways(
        &self,
        areas: &[Area],
        way_blocks: &[(usize, (i64, i64))],
    ) -> Result<Vec<(i64, Vec<i64>)>> {
        let mut wanted: Vec<i64> = areas
            .iter()
            .flat_map(|a| a.members.iter().map(|m| m.0))
            .collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        wanted.sort_unstable();
        wanted.dedup();
        // Only blocks whose way id range holds a wanted id are decoded.
        let found: Vec<Vec<(i64, Vec<i64>)>> = way_blocks
            .par_iter()
            .filter(|(_, (lo, hi))| {
                let first = wanted.partition_point(|&w| w < *lo);
                wanted.get(first).is_some_and(|w| w <= hi)
            })
            .map(|&(i, _)| {
                self.with_block(i, |block| {
                    let mut out = Vec::new();
                    for group in block.groups() {
                        for way in group.ways() {
                            if wanted.binary_search(&way.id()).is_ok() {
                                out.push((way.id(), way.refs().collect()));
                            }
                        }
                    }
                    out
                })
            })
            .collect::<Result<_>>()?;
        let mut all: Vec<(i64, Vec<i64>)> = found.into_iter().flatten().collect();
        all.sort_by_key(|(id, _)| *id);
        all.dedup_by_key(|(id, _)| *id);
        Ok(all)
    }

    /// Node pass over `blocks`; blocks the way pass kept decoded are not read again.
    fn node_pass(
        &self,
        blocks: Vec<(usize, Option<PrimitiveBlock>)>,
        needed: &NodeIndex,
        coords: &[AtomicU64],
    ) -> Result<Vec<(usize, NodeBlock)>> {
        blocks
            .into_par_iter()
            .map(|(i, decoded)| {
                let scan =
                    |block: PrimitiveBlock| (i, scan_nodes(&block, &self.profile, needed, coords));
                match decoded {
                    Some(block) => Ok(scan(block)),
                    None => {
                        let bytes = self.read_bytes(self.blocks[i])?;
                        match direct::scan_nodes(&bytes, &self.profile, needed, coords) {
                            Some(block) => Ok((i, block)),
                            None => self.decode_block(i, &bytes, scan),
                        }
                    }
                }
            })
            .collect()
    }
}

fn osm_io(e: osmpbf::Error) -> std::io::Error {
    match e.into_kind() {
        osmpbf::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// A short human description of an osmpbf error.
fn describe(e: &osmpbf::Error) -> String {
    use osmpbf::{BlobError, ErrorKind};
    match e.kind() {
        ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends inside this block (truncated)".into()
        }
        ErrorKind::Io(io) => io.to_string(),
        ErrorKind::Protobuf { location, .. } => format!("cannot decode the {location}"),
        ErrorKind::StringtableUtf8 { index, .. } => {
            format!("string table entry {index} is not UTF-8")
        }
        ErrorKind::StringtableIndexOutOfBounds { index } => {
            format!("string table index {index} is out of range")
        }
        ErrorKind::Blob(BlobError::InvalidHeaderSize) => "invalid block header size".into(),
        ErrorKind::Blob(BlobError::HeaderTooBig { size }) => {
            format!("block header size {size} is implausible")
        }
        ErrorKind::Blob(BlobError::MessageTooBig { size }) => {
            format!("block size {size} is implausible")
        }
        ErrorKind::Blob(BlobError::Empty) => "the block is empty".into(),
        ErrorKind::Blob(other) => format!("{other:?}"),
        other => format!("{other:?}"),
    }
}

fn scan_ways(block: &PrimitiveBlock, profile: &Profile) -> WayBlock {
    let mut out = WayBlock::default();
    for group in block.groups() {
        if group.nodes().next().is_some() || group.dense_nodes().next().is_some() {
            out.has_nodes = true;
        }
        for way in group.ways() {
            out.ways += 1;
            let id = way.id();
            out.way_ids = Some(
                out.way_ids
                    .map_or((id, id), |(lo, hi)| (lo.min(id), hi.max(id))),
            );
            let road_tags = WayTags::from_pairs(way.tags());
            if let Some(attrs) = profile.road_attrs(&road_tags) {
                let start = out.roads.refs.len() as u32;
                out.roads.refs.extend(way.refs());
                out.roads.roads.push(RawRoad {
                    id: way.id(),
                    attrs,
                    start,
                    end: out.roads.refs.len() as u32,
                });
            }
            if let Some(tags) = FeatureTags::read(profile, way.tags()) {
                let refs = way.raw_refs();
                let closed = refs.len() >= 4 && way.refs().next() == way.refs().last();
                if closed {
                    out.areas.push(Area {
                        id: OsmId {
                            kind: ElementType::Way,
                            id: way.id(),
                        },
                        tags,
                        refs: way.refs().collect(),
                        members: Vec::new(),
                    });
                }
            }
        }
        for rel in group.relations() {
            out.relations += 1;
            if !rel.tags().any(|(k, v)| k == "type" && v == "multipolygon") {
                continue;
            }
            let Some(tags) = FeatureTags::read(profile, rel.tags()) else {
                continue;
            };
            let members = rel
                .members()
                .filter(|m| m.member_type == RelMemberType::Way)
                .map(|m| {
                    let role = m.role().unwrap_or("");
                    (m.member_id, role != "inner")
                })
                .collect();
            out.areas.push(Area {
                id: OsmId {
                    kind: ElementType::Relation,
                    id: rel.id(),
                },
                tags,
                refs: Vec::new(),
                members,
            });
        }
    }
    out
}

/// A cursor into the sorted needed-id array that walks forward as a block's increasing ids go
/// by, falling back to binary search when ids jump backwards.
struct Cursor<'a> {
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

fn scan_nodes(
    block: &PrimitiveBlock,
    profile: &Profile,
    needed: &NodeIndex,
    coords: &[AtomicU64],
) -> NodeBlock {
    let mut out = NodeBlock::default();
    let mut cursor = needed.finder();
    for element in block.elements() {
        let (id, coord, tags) = match element {
            Element::DenseNode(n) => (
                n.id(),
                Coord {
                    lon_e7: n.decimicro_lon(),
                    lat_e7: n.decimicro_lat(),
                },
                FeatureTags::read(profile, n.tags()),
            ),
            Element::Node(n) => (
                n.id(),
                Coord {
                    lon_e7: n.decimicro_lon(),
                    lat_e7: n.decimicro_lat(),
                },
                FeatureTags::read(profile, n.tags()),
            ),
            Element::Way(_) | Element::Relation(_) => {
                out.has_ways_or_relations = true;
                continue;
            }
        };
        out.nodes += 1;
        if let Some(i) = cursor.find(id) {
            coords[i].store(pack(coord), Ordering::Relaxed);
        }
        if let Some(tags) = tags {
            out.features.push((
                OsmId {
                    kind: ElementType::Node,
                    id,
                },
                coord,
                tags,
            ));
        }
    }
    out
}

/// Road ways of one block turned into graph input, with what happened to them.
#[derive(Default)]
struct RoadPart {
    refs: Vec<u32>,
    ways: Vec<RoadWay>,
    road_ways: u64,
    ferry_ways: u64,
    missing_node_refs: u64,
    ways_with_missing_nodes: u64,
    road_pieces_dropped: u64,
}

/// Turns road ways into graph input: node ids become input node numbers, ways are split where
/// nodes are missing. Blocks are done in parallel and joined in order.
fn assemble_roads(
    blocks: &[RoadBlock],
    needed: NodeIndex,
    coords: Vec<u64>,
    stats: &mut ReadStats,
) -> RoadInput {
    let parts: Vec<RoadPart> = blocks
        .par_iter()
        .map(|block| assemble_block(block, &needed, &coords))
        .collect();
    let mut input = RoadInput {
        coords: Vec::new(),
        osm_ids: Vec::new(),
        ways: Vec::with_capacity(parts.iter().map(|p| p.ways.len()).sum()),
        refs: Vec::with_capacity(parts.iter().map(|p| p.refs.len()).sum()),
    };
    for part in parts {
        stats.road_ways += part.road_ways;
        stats.ferry_ways += part.ferry_ways;
        stats.missing_node_refs += part.missing_node_refs;
        stats.ways_with_missing_nodes += part.ways_with_missing_nodes;
        stats.road_pieces_dropped += part.road_pieces_dropped;
        let offset = input.refs.len() as u32;
        input.refs.extend_from_slice(&part.refs);
        input.ways.extend(part.ways.into_iter().map(|w| RoadWay {
            start: w.start + offset,
            end: w.end + offset,
            ..w
        }));
    }
    // Input node numbers are positions among the needed ids; missing nodes keep a dummy
    // coordinate but no way piece ever refers to them.
    input.coords = coords
        .into_iter()
        .map(|v| unpack(v).unwrap_or_default())
        .collect();
    input.osm_ids = needed.into_ids();
    input
}

/// One block's part of [`assemble_roads`].
fn assemble_block(block: &RoadBlock, needed: &NodeIndex, coords: &[u64]) -> RoadPart {
    let mut out = RoadPart {
        refs: Vec::with_capacity(block.refs.len()),
        ways: Vec::with_capacity(block.roads.len()),
        ..RoadPart::default()
    };
    for road in &block.roads {
        out.road_ways += 1;
        if road.attrs.is_ferry() {
            out.ferry_ways += 1;
        }
        let (mut missing, mut pieces) = (0u64, 0u64);
        // The current piece: where it starts in `out.refs`, and whether it has two distinct
        // nodes yet.
        let mut start = out.refs.len();
        let mut distinct = false;
        let mut close = |out: &mut RoadPart, start: usize, distinct: bool| {
            if out.refs.len() == start {
                return;
            }
            pieces += 1;
            if distinct {
                out.ways.push(RoadWay {
                    osm_id: road.id,
                    attrs: road.attrs,
                    start: start as u32,
                    end: out.refs.len() as u32,
                });
            } else {
                out.refs.truncate(start);
                out.road_pieces_dropped += 1;
            }
        };
        for &id in block.refs(road) {
            let found = needed
                .index(id)
                .filter(|&i| coords[i] != MISSING)
                .map(|i| i as u32);
            match found {
                Some(i) => {
                    if out.refs.len() > start && out.refs[start] != i {
                        distinct = true;
                    }
                    out.refs.push(i);
                }
                None => {
                    missing += 1;
                    close(&mut out, start, distinct);
                    start = out.refs.len();
                    distinct = false;
                }
            }
        }
        close(&mut out, start, distinct);
        out.missing_node_refs += missing;
        if missing > 0 {
            out.ways_with_missing_nodes += 1;
        }
        if pieces == 0 {
            out.road_pieces_dropped += 1;
        }
    }
    out
}

/// Builds service points and settlements from tagged nodes and located areas.
fn assemble_features(
    node_features: Vec<(OsmId, Coord, FeatureTags)>,
    areas: &[Area],
    member_refs: &[(i64, Vec<i64>)],
    lookup: &NodeLookup<'_>,
    stats: &mut ReadStats,
) -> (Vec<ServicePoint>, Vec<Settlement>) {
    let mut all: Vec<(OsmId, Coord, FeatureTags)> = node_features;
    for area in areas {
        let location = if area.id.kind == ElementType::Way {
            closed_way_point(&area.refs, lookup)
        } else {
            multipolygon_point(&area.members, member_refs, lookup)
        };
        match location {
            Some(c) => all.push((area.id, c, area.tags.clone())),
            None => stats.areas_without_location += 1,
        }
    }
    all.sort_by_key(|(id, _, _)| *id);
    all.dedup_by_key(|(id, _, _)| *id);
    let mut services = Vec::new();
    let mut settlements = Vec::new();
    for (id, coord, tags) in all {
        if !tags.kinds.is_empty() {
            services.push(ServicePoint {
                id: id.into(),
                name: tags.name.clone(),
                kinds: tags.kinds,
                coord,
                form: None,
                mobile: false,
            });
        }
        if let Some(place) = tags.place {
            settlements.push(Settlement {
                id: id.into(),
                name: tags.name,
                place: Some(place),
                population: tags.population,
                coord,
            });
        }
    }
    (services, settlements)
}

fn ring_coords(refs: &[i64], lookup: &NodeLookup<'_>) -> Vec<geo::Coord<f64>> {
    refs.iter()
        .filter_map(|&id| lookup.coord(id))
        .map(|c| geo::coord! { x: c.lon(), y: c.lat() })
        .collect()
}

/// A point inside a closed way's polygon (its centroid when the polygon is degenerate).
fn closed_way_point(refs: &[i64], lookup: &NodeLookup<'_>) -> Option<Coord> {
    let ring = ring_coords(refs, lookup);
    polygon_point(vec![geo::Polygon::new(geo::LineString::new(ring), vec![])])
}

fn polygon_point(polygons: Vec<geo::Polygon<f64>>) -> Option<Coord> {
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
fn multipolygon_point(
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
fn join_rings(ways: &[&[i64]]) -> Vec<Vec<i64>> {
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

/// Readers for the two common kinds of block: dense nodes only (node pass) and ways only (way
/// pass), zlib or raw. They decode ids, coordinates, tags and refs straight from the bytes,
/// without building `osmpbf`'s message structs or the string table as owned strings, and skip
/// the metadata (`Info`, `DenseInfo`). Anything else (plain nodes, a mix of kinds, relations,
/// unknown compression, a field in an unexpected encoding, a bad string) returns `None`, and
/// the block is read by `osmpbf` as before, which also reports any damage.
mod direct {
    use super::{FeatureTags, NodeBlock, NodeIndex, RawRoad, WayBlock};
    use crate::base::coord::Coord;
    use crate::base::feature::{ElementType, OsmId};
    use crate::read::profile::{Profile, WayTags};
    use std::sync::atomic::{AtomicU64, Ordering};

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
                out.nodes += 1;
                if let Some(i) = finder.find(id) {
                    coords[i].store(super::pack(coord), Ordering::Relaxed);
                }
                if !tags.is_empty() {
                    if let Some(t) = FeatureTags::read(profile, tags.iter().copied()) {
                        out.features.push((
                            OsmId {
                                kind: ElementType::Node,
                                id,
                            },
                            coord,
                            t,
                        ));
                    }
                }
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
                out.ways += 1;
                out.way_ids = Some(
                    out.way_ids
                        .map_or((id, id), |(lo, hi)| (lo.min(id), hi.max(id))),
                );
                let start = out.roads.refs.len();
                let mut r = Reader::new(refs.unwrap_or_default());
                let mut node = 0i64;
                while !r.at_end() {
                    node = node.wrapping_add(zigzag(r.varint()?));
                    out.roads.refs.push(node);
                }
                let way_refs = &out.roads.refs[start..];
                let is_road = profile
                    .road_attrs(&WayTags::from_pairs(tags.iter().copied()))
                    .map(|attrs| RawRoad {
                        id,
                        attrs,
                        start: start as u32,
                        end: out.roads.refs.len() as u32,
                    });
                if let Some(feature) = FeatureTags::read(profile, tags.iter().copied()) {
                    if way_refs.len() >= 4 && way_refs.first() == way_refs.last() {
                        out.areas.push(super::Area {
                            id: OsmId {
                                kind: ElementType::Way,
                                id,
                            },
                            tags: feature,
                            refs: way_refs.to_vec(),
                            members: Vec::new(),
                        });
                    }
                }
                match is_road {
                    Some(road) => out.roads.roads.push(road),
                    None => out.roads.refs.truncate(start),
                }
            }
        }
        Some(out)
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

    /// The direct reader of dense-node blocks gives what `osmpbf` gives, block by block, on a
    /// real extract (with metadata, several string tables, tagged nodes).
    #[test]
    fn dense_reader_matches_osmpbf() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("data/osm/li-liechtenstein-2021.osm.pbf");
        let pbf = PbfFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let profile = Profile::default();
        let mut fast_blocks = 0;
        for i in 0..pbf.blocks.len() {
            let bytes = pbf
                .read_bytes(pbf.blocks[i])
                .unwrap_or_else(|e| panic!("{e}"));
            let mut ids: Vec<i64> = pbf
                .decode_block(i, &bytes, |b| {
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
                .decode_block(i, &bytes, |b| {
                    scan_nodes(&b, &profile, &index, &slow_coords)
                })
                .unwrap_or_else(|e| panic!("{e}"));
            let Some(fast) = direct::scan_nodes(&bytes, &profile, &index, &fast_coords) else {
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
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/osm/{name}.osm.pbf"));
            let pbf = PbfFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
            let profile = Profile::default();
            let mut direct_blocks = 0;
            for i in 0..pbf.blocks.len() {
                let bytes = pbf
                    .read_bytes(pbf.blocks[i])
                    .unwrap_or_else(|e| panic!("{e}"));
                let slow = pbf
                    .decode_block(i, &bytes, |b| scan_ways(&b, &profile))
                    .unwrap_or_else(|e| panic!("{e}"));
                let Some(fast) = direct::scan_ways(&bytes, &profile) else {
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
