//! The R-tree of a GeoPackage layer, bulk-loaded: a packed tree is built in memory and its
//! nodes are written straight into the shadow tables of SQLite's R*Tree module
//! (`<rtree>_node`, `_parent`, `_rowid`), as GDAL's GeoPackage driver does since 3.7.
//! Inserting millions of rows one by one through the virtual table costs a search for the
//! leaf, node splits and reinsertions per row; the packed tree costs one sort and a blob per
//! node, and is at least as good to search (its leaves are full and made of neighbours).
//!
//! # The format, as SQLite 3.50's `rtree.c` reads it
//! - A node is a blob of exactly `iNodeSize` bytes: the page size less 64, but no more than
//!   51 cells (`RTREE_MAXCELLS`) need, `4 + 51 × 24` bytes for two dimensions.
//! - Bytes 0-1: the depth of the tree, big-endian, on the root (node 1) only (0: the root is
//!   a leaf). Bytes 2-3: the number of cells, big-endian.
//! - A cell: the rowid (leaf) or child node number, big-endian 8 bytes, then min x, max x,
//!   min y, max y as big-endian `f32`, a minimum rounded down and a maximum up, as
//!   `rtreeValueDown` and `rtreeValueUp` round what is inserted through the table; a parent
//!   cell bounds its child's cells exactly.
//! - `_rowid(rowid, nodeno)` names the leaf of each entry and `_parent(nodeno, parentnode)`
//!   the parent of each node but the root. `rtreecheck()` checks all of this, and the tests
//!   ask it to.

use super::{quoted, sql};
use rusqlite::{params, Transaction};
use std::io;

/// The most cells SQLite puts in a node (`RTREE_MAXCELLS`).
const MAX_CELLS: usize = 51;

/// Bytes of a two-dimensional cell: an 8-byte id and four 4-byte coordinates.
const CELL_BYTES: usize = 8 + 4 * 4;

/// SQLite's rounding factors for a double that does not fit a float exactly
/// (`RNDTOWARDS`, `RNDAWAY`).
const TOWARDS: f64 = 1.0 - 1.0 / 8_388_608.0;
const AWAY: f64 = 1.0 + 1.0 / 8_388_608.0;

/// `d` as a float no greater than it, as `rtreeValueDown` rounds a minimum.
fn value_down(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) > d {
        (d * if d < 0.0 { AWAY } else { TOWARDS }) as f32
    } else {
        f
    }
}

/// `d` as a float no less than it, as `rtreeValueUp` rounds a maximum.
fn value_up(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) < d {
        (d * if d < 0.0 { TOWARDS } else { AWAY }) as f32
    } else {
        f
    }
}

/// A cell: an id (rowid or child node) and its box, min x, max x, min y, max y.
#[derive(Clone, Copy)]
struct Cell {
    id: i64,
    b: [f32; 4],
}

/// Fills the empty R-tree `rtree` (the name of a virtual table just created, unquoted) with
/// `boxes` (fid, [min x, min y, max x, max y]), which are packed into leaves in their order:
/// the caller sorts them so that neighbours follow one another.
///
/// # Errors
/// A box with a minimum above its maximum (or not a number), which SQLite would refuse too;
/// an id below 1; the first error of SQLite.
pub(super) fn bulk_load(
    tx: &Transaction<'_>,
    rtree: &str,
    boxes: Vec<(i64, [f64; 4])>,
) -> io::Result<()> {
    if boxes.is_empty() {
        // The module created node 1 as an empty leaf, which is an empty tree.
        return Ok(());
    }
    let page_size: usize = tx
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .map_err(sql)?;
    let node_size = page_size.saturating_sub(64).min(4 + CELL_BYTES * MAX_CELLS);
    let max_cells = (node_size - 4) / CELL_BYTES;
    let mut cells = Vec::with_capacity(boxes.len());
    let mut max_id = 0;
    for &(id, [min_x, min_y, max_x, max_y]) in &boxes {
        // The writer counts fids from 1; the rowid table below is indexed by them.
        if id < 1 {
            return Err(io::Error::other(format!(
                "{rtree}: row id {id} is not positive"
            )));
        }
        max_id = max_id.max(id);
        let b = [
            value_down(min_x),
            value_up(max_x),
            value_down(min_y),
            value_up(max_y),
        ];
        // Written so that a NaN fails too, as in SQLite's own check.
        if !(b[0] <= b[1] && b[2] <= b[3]) {
            return Err(io::Error::other(format!(
                "{rtree}: the box of row {id} has a minimum above its maximum"
            )));
        }
        cells.push(Cell { id, b });
    }
    drop(boxes);

    let shadow = |suffix: &str| quoted(&format!("{rtree}_{suffix}"));
    let mut node_stmt = tx
        .prepare(&format!(
            "INSERT OR REPLACE INTO {} VALUES (?1, ?2)",
            shadow("node")
        ))
        .map_err(sql)?;
    let mut parent_stmt = tx
        .prepare(&format!("INSERT INTO {} VALUES (?1, ?2)", shadow("parent")))
        .map_err(sql)?;
    // The leaf of every entry by fid (0 for none: leaves are numbered from 2), written in fid
    // order once the leaves are known, so that the rowid table is filled by appending.
    let mut leaf_of = vec![0i64; usize::try_from(max_id).unwrap_or(0)];

    // Levels from the leaves up; nodes are numbered from 2 as they are made, so the node
    // table is appended to, and the one node of the top level is the root, node 1.
    let mut next = 2i64;
    let mut depth = 0u16;
    let mut blob = vec![0u8; node_size];
    loop {
        let root = cells.len() <= max_cells;
        let mut parents = Vec::with_capacity(cells.len().div_ceil(max_cells));
        for chunk in cells.chunks(max_cells) {
            let no = if root {
                1
            } else {
                next += 1;
                next - 1
            };
            blob.fill(0);
            if root {
                blob[0..2].copy_from_slice(&depth.to_be_bytes());
            }
            // At most 51 cells, so the count fits.
            let count = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
            blob[2..4].copy_from_slice(&count.to_be_bytes());
            let mut union = chunk[0].b;
            for (i, c) in chunk.iter().enumerate() {
                let at = 4 + i * CELL_BYTES;
                blob[at..at + 8].copy_from_slice(&c.id.to_be_bytes());
                for (k, v) in c.b.iter().enumerate() {
                    blob[at + 8 + 4 * k..at + 12 + 4 * k].copy_from_slice(&v.to_be_bytes());
                }
                union = [
                    union[0].min(c.b[0]),
                    union[1].max(c.b[1]),
                    union[2].min(c.b[2]),
                    union[3].max(c.b[3]),
                ];
                if depth == 0 {
                    if let Some(leaf) = usize::try_from(c.id - 1)
                        .ok()
                        .and_then(|i| leaf_of.get_mut(i))
                    {
                        *leaf = no;
                    }
                } else {
                    parent_stmt.execute(params![c.id, no]).map_err(sql)?;
                }
            }
            node_stmt.execute(params![no, &blob[..]]).map_err(sql)?;
            parents.push(Cell { id: no, b: union });
        }
        if root {
            break;
        }
        cells = parents;
        depth += 1;
    }

    let mut rowid_stmt = tx
        .prepare(&format!("INSERT INTO {} VALUES (?1, ?2)", shadow("rowid")))
        .map_err(sql)?;
    for (fid, leaf) in (1i64..).zip(leaf_of) {
        if leaf != 0 {
            rowid_stmt.execute(params![fid, leaf]).map_err(sql)?;
        }
    }
    Ok(())
}
