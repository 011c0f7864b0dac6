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
//! their bytes (module `direct`); any other block goes through `osmpbf`.
//!
//! Ways that use nodes missing from the file (bbox-cut extracts) are split at the gaps; pieces
//! with fewer than two nodes are dropped, and both are counted in [`ReadStats`].
//! Results are ordered by block and then by id, so they never depend on thread count.
//!
//! # Layout
//! - This file: the entry points, what they return, and the passes in their order.
//! - `file`: opening the file, the block index from the blob headers, decoding one block
//!   through `osmpbf` (a panic on damaged data becomes an error).
//! - `block`: what one block yields to a pass, and how one way or node is classified; both
//!   decoders share it.
//! - `decode`: the block decoders over `osmpbf`'s structs, for any block.
//! - `direct`: the block decoders straight from the bytes, for the common kinds of block.
//! - `nodes`: the index of the needed node ids and their packed coordinates.
//! - `assemble`: road ways into graph input, tagged nodes and areas into service points and
//!   settlements.
//! - `area`: a point inside a closed way or a multipolygon.

mod area;
mod assemble;
mod block;
mod decode;
mod direct;
mod file;
mod nodes;

use crate::base::error::Result;
use crate::base::feature::{ServicePoint, Settlement};
use crate::base::progress;
use crate::read::profile::Profile;
use crate::read::roads::RoadInput;
use assemble::{assemble_features, assemble_roads};
use block::{Area, NodeBlock, RoadBlock, WayBlock};
use file::PbfFile;
use nodes::{NodeIndex, NodeLookup, MISSING};
use osmpbf::PrimitiveBlock;
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::AtomicU64;
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
    /// The bounding box the file's header declares, `[min_lon, min_lat, max_lon, max_lat]`
    /// in degrees, as written (unchecked).
    pub header_bbox: Option<[f64; 4]>,
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
    /// Per kind (by [`crate::ServiceKind::index`], one entry per kind of the profile), the
    /// service points whose `opening_hours` value does not parse: they count as year-round
    /// ([`crate::read::seasonal`]). Empty when no point had one, or for a region read
    /// otherwise.
    pub opening_hours_unparsed: Vec<u64>,
    /// Time per pass, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Reads a `.osm.pbf` file. See the module docs for the passes.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read, [`Error::NotPbf`] if it is no PBF file,
/// [`Error::CorruptBlock`] if a block is truncated or damaged, [`Error::Unsupported`] for
/// history files and other unsupported features.
///
/// [`Error::Io`]: crate::Error::Io
/// [`Error::NotPbf`]: crate::Error::NotPbf
/// [`Error::CorruptBlock`]: crate::Error::CorruptBlock
/// [`Error::Unsupported`]: crate::Error::Unsupported
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
    let bytes: u64 = pbf.blocks.iter().map(|b| b.len).sum();
    pbf.progress = progress::phase("reading", Some(bytes), progress::Unit::Bytes);
    stats.blocks = pbf.blocks.len();
    stats.sorted = pbf.sorted;
    let header_bbox = pbf.bbox;
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
        drop(pbf);
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
    if !stats.opening_hours_unparsed.is_empty() {
        stats
            .opening_hours_unparsed
            .resize(profile.kinds().len(), 0);
    }
    drop(areas);
    let road_input = assemble_roads(&roads, needed, coords, &mut stats);
    lap(&mut stats, "assemble");
    Ok(OsmData {
        roads: road_input,
        services,
        settlements,
        header_bbox,
        stats,
    })
}

impl PbfFile {
    /// Decodes a block for the way pass. A block that also holds nodes is kept decoded, so the
    /// node pass does not decode it again.
    fn way_block(&self, index: usize, keep_node_blocks: bool) -> Result<WayBlock> {
        let bytes = self.read_bytes(self.blocks[index])?;
        let block = match direct::scan_ways(&bytes, &self.profile) {
            Some(block) => block,
            None => self.decode_block(index, &bytes, |block| {
                let mut out = decode::scan_ways(&block, &self.profile);
                if out.has_nodes && keep_node_blocks {
                    out.decoded = Some(block);
                }
                out
            })?,
        };
        // A block with nodes is counted by the node pass, which reads it too.
        if !block.has_nodes {
            self.progress.advance(self.blocks[index].len);
        }
        Ok(block)
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
                self.progress.advance(self.blocks[i].len);
                let scan = |block: PrimitiveBlock| {
                    (i, decode::scan_nodes(&block, &self.profile, needed, coords))
                };
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
