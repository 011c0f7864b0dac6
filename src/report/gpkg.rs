//! GeoPackage: every layer of a run in one SQLite file, as OGC GeoPackage 1.3 defines it
//! (`application_id` `GPKG`, `user_version` 10300), one feature table per [`Layer`] with its
//! declared column types, an R-tree spatial index per table and a QGIS style per table, so
//! that QGIS opens the file with every layer indexed and coloured.
//!
//! # Why rusqlite
//! The file is written with `rusqlite` (SQLite built from source with the `bundled` feature,
//! so every machine writes the same format) and the GeoPackage tables are written here. The
//! GeoPackage crates on crates.io were weighed against it: `gpkg` (last release 2022, its
//! newest version yanked, no R-tree index) and `geopackage` (pre-alpha, an API that changes
//! between minor versions and a newer Rust than this crate's). The GeoPackage tables this
//! writer needs are a few statements of SQL from the specification; rusqlite is maintained,
//! widely used and gives prepared statements, which keep writing fast and streaming.
//!
//! # What is written
//! - `gpkg_spatial_ref_sys` with EPSG:4326 and the two undefined systems (-1 and 0),
//!   `gpkg_contents` with each layer's bounding box, `gpkg_geometry_columns` with its
//!   geometry type, `gpkg_extensions` with each layer's `gpkg_rtree_index`.
//! - Per layer a table named as the layer: `fid INTEGER PRIMARY KEY`, `geom` (GeoPackage
//!   binary: the header with the envelope, then little-endian WKB) and the layer's columns as
//!   `REAL`, `INTEGER`, `TEXT` or `BOOLEAN` (a list is `TEXT`, its entries joined with `;`).
//!   Types are declared, so a km column that is null in every row is still `REAL`.
//! - Per layer the R-tree `rtree_<layer>_geom`, bulk-loaded after the rows (module `rtree`): a
//!   tree packed from the envelopes kept while the rows were written, in the order of a Z
//!   curve, written straight into the R*Tree module's tables; then the specification's
//!   triggers, so that edits made later (in QGIS) keep it right.
//! - `layer_styles` (the table QGIS and GDAL use) with one default style per layer, written
//!   by [`style`].
//!
//! # Streaming and speed
//! Rows go from [`Layer::rows`] straight into one prepared `INSERT`, all layers in one
//! transaction; no layer is held in memory (only each row's envelope, 40 bytes, for the
//! index). While writing, the file has no journal and is not
//! synced (the file is a temporary one, renamed into place only once complete, so a crash
//! leaves nothing to recover); the caller's output set makes it durable.
//!
//! # Same bytes every time
//! Nothing in the file depends on the clock: `gpkg_contents.last_change` and
//! `layer_styles.update_time` are the constant [`TIMESTAMP`] (the layers carry no time of
//! their own), and SQLite writes the same pages for the same statements.

mod rtree;
pub mod style;

pub use self::style::{Style, Styles};

use super::layer::{join_list, ColumnType, Geometry, GeometryType, Layer, Value};
use rusqlite::{params, Connection};
use std::io;
use std::path::Path;

/// The time written wherever a GeoPackage asks for one (`last_change`, `update_time`): a
/// constant, so that the same input gives the same bytes.
pub const TIMESTAMP: &str = "2000-01-01T00:00:00.000Z";

/// Rows written by one INSERT statement, at most.
const BATCH: usize = 32;

/// Values SQLite binds to one statement, at most (`SQLITE_MAX_VARIABLE_NUMBER`).
const MAX_BOUND: usize = 32766;

/// `application_id` of a GeoPackage: "GPKG" as a big-endian 32-bit integer.
const APPLICATION_ID: i32 = 0x4750_4B47;

/// `user_version` of a GeoPackage 1.3 file.
const USER_VERSION: i32 = 10300;

/// The geometry column of every layer.
const GEOM: &str = "geom";

/// EPSG:4326 as GDAL writes it in a GeoPackage.
const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,\
298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,\
AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// The core tables, as GeoPackage 1.3 defines them.
const CORE_TABLES: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT CURRENT_TIMESTAMP);
";

/// The triggers GeoPackage 1.3 gives for an R-tree index (`T` the table, `C` the geometry
/// column, `I` the primary key), created after the bulk fill so that they fire only on later
/// edits. `ST_*` are the functions every GeoPackage reader (GDAL, QGIS) provides.
const RTREE_TRIGGERS: &str = "
CREATE TRIGGER \"rtree_T_C_insert\" AFTER INSERT ON \"T\"
  WHEN (new.\"C\" NOT NULL AND NOT ST_IsEmpty(NEW.\"C\"))
BEGIN
  INSERT OR REPLACE INTO \"rtree_T_C\" VALUES (NEW.\"I\",
    ST_MinX(NEW.\"C\"), ST_MaxX(NEW.\"C\"), ST_MinY(NEW.\"C\"), ST_MaxY(NEW.\"C\"));
END;
CREATE TRIGGER \"rtree_T_C_update1\" AFTER UPDATE OF \"C\" ON \"T\"
  WHEN OLD.\"I\" = NEW.\"I\" AND (NEW.\"C\" NOTNULL AND NOT ST_IsEmpty(NEW.\"C\"))
BEGIN
  INSERT OR REPLACE INTO \"rtree_T_C\" VALUES (NEW.\"I\",
    ST_MinX(NEW.\"C\"), ST_MaxX(NEW.\"C\"), ST_MinY(NEW.\"C\"), ST_MaxY(NEW.\"C\"));
END;
CREATE TRIGGER \"rtree_T_C_update2\" AFTER UPDATE OF \"C\" ON \"T\"
  WHEN OLD.\"I\" = NEW.\"I\" AND (NEW.\"C\" ISNULL OR ST_IsEmpty(NEW.\"C\"))
BEGIN
  DELETE FROM \"rtree_T_C\" WHERE id = OLD.\"I\";
END;
CREATE TRIGGER \"rtree_T_C_update3\" AFTER UPDATE ON \"T\"
  WHEN OLD.\"I\" != NEW.\"I\" AND (NEW.\"C\" NOTNULL AND NOT ST_IsEmpty(NEW.\"C\"))
BEGIN
  DELETE FROM \"rtree_T_C\" WHERE id = OLD.\"I\";
  INSERT OR REPLACE INTO \"rtree_T_C\" VALUES (NEW.\"I\",
    ST_MinX(NEW.\"C\"), ST_MaxX(NEW.\"C\"), ST_MinY(NEW.\"C\"), ST_MaxY(NEW.\"C\"));
END;
CREATE TRIGGER \"rtree_T_C_update4\" AFTER UPDATE ON \"T\"
  WHEN OLD.\"I\" != NEW.\"I\" AND (NEW.\"C\" ISNULL OR ST_IsEmpty(NEW.\"C\"))
BEGIN
  DELETE FROM \"rtree_T_C\" WHERE id IN (OLD.\"I\", NEW.\"I\");
END;
CREATE TRIGGER \"rtree_T_C_delete\" AFTER DELETE ON \"T\"
  WHEN old.\"C\" NOT NULL
BEGIN
  DELETE FROM \"rtree_T_C\" WHERE id = OLD.\"I\";
END;
";

/// Writes `layers` into a new GeoPackage at `path` (an empty or absent file), one table per
/// layer, each with the style `styles` gives it.
///
/// # Errors
/// A layer whose name is used twice or whose column is named `fid` or `geom`; the first
/// error of SQLite or of a layer's rows.
pub fn write_gpkg(path: &Path, layers: &[&dyn Layer], styles: &Styles) -> io::Result<()> {
    check_names(layers)?;
    let mut conn = Connection::open(path).map_err(sql)?;
    // No journal and no sync while writing: the file is new and renamed into place only when
    // complete. A larger page than the default 4096 writes fewer, fuller pages.
    conn.execute_batch(&format!(
        "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;
         PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};"
    ))
    .map_err(sql)?;
    let tx = conn.transaction().map_err(sql)?;
    tx.execute_batch(CORE_TABLES).map_err(sql)?;
    tx.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES
           ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1,
            'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
            'undefined cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
            'undefined geographic coordinate reference system')",
        [WGS84_WKT],
    )
    .map_err(sql)?;
    for layer in layers {
        write_layer(&tx, *layer)?;
        let qml = styles.qml(*layer);
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
               f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description,
               owner, ui, update_time)
             VALUES ('', '', ?1, ?2, ?1, ?3, '', 1, ?4, '', NULL, ?5)",
            params![
                layer.name(),
                GEOM,
                qml,
                styles.description(*layer),
                TIMESTAMP
            ],
        )
        .map_err(sql)?;
    }
    // QGIS registers the styles table as an attribute table, as the specification asks of
    // every table that is not a GeoPackage table.
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,
           last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', '', ?1)",
        [TIMESTAMP],
    )
    .map_err(sql)?;
    tx.commit().map_err(sql)?;
    conn.close().map_err(|(_, e)| sql(e))
}

/// Refuses a layer name used twice and a column that would clash with `fid` or `geom`.
fn check_names(layers: &[&dyn Layer]) -> io::Result<()> {
    for (i, layer) in layers.iter().enumerate() {
        if layers[..i].iter().any(|l| l.name() == layer.name()) {
            return Err(io::Error::other(format!(
                "two layers are named {}",
                layer.name()
            )));
        }
        if let Some(c) = layer
            .columns()
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case("fid") || c.name.eq_ignore_ascii_case(GEOM))
        {
            return Err(io::Error::other(format!(
                "layer {} has a column named {}, which a GeoPackage keeps for itself",
                layer.name(),
                c.name
            )));
        }
    }
    Ok(())
}

/// An SQLite error as an I/O error, for the output set.
fn sql(e: rusqlite::Error) -> io::Error {
    io::Error::other(e)
}

/// `name` as an SQL identifier, in double quotes.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The GeoPackage name of a geometry type.
fn type_name(ty: GeometryType) -> &'static str {
    match ty {
        GeometryType::Point => "POINT",
        GeometryType::LineString => "LINESTRING",
        GeometryType::MultiPolygon => "MULTIPOLYGON",
    }
}

/// The declared SQL type of a column.
fn sql_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Real => "REAL",
        ColumnType::Integer => "INTEGER",
        ColumnType::Text | ColumnType::TextList => "TEXT",
        ColumnType::Boolean => "BOOLEAN",
    }
}

/// Writes one layer: its table, its rows, its index and its entries in the GeoPackage tables.
fn write_layer(tx: &rusqlite::Transaction<'_>, layer: &dyn Layer) -> io::Result<()> {
    let table = quoted(layer.name());
    let columns = layer.columns();
    let mut create = format!(
        "CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {GEOM} {}",
        type_name(layer.geometry_type())
    );
    for c in columns {
        create.push_str(&format!(", {} {}", quoted(&c.name), sql_type(c.ty)));
    }
    create.push(')');
    tx.execute_batch(&create).map_err(sql)?;

    // The fid is bound, not left to SQLite, so the R-tree entries are known to match it.
    // Rows go in `BATCH` to a statement: each execution of an INSERT also reads and writes
    // the AUTOINCREMENT sequence and has its own start and end, which a multi-row statement
    // pays once for its rows. The rows after the last whole batch go one at a time.
    let width = 2 + columns.len();
    let batch = (MAX_BOUND / width).clamp(1, BATCH);
    let insert = |rows: usize| {
        let mut sql = format!("INSERT INTO {table} (fid, {GEOM}");
        for c in columns {
            sql.push_str(&format!(", {}", quoted(&c.name)));
        }
        sql.push_str(") VALUES ");
        for r in 0..rows {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for i in 0..width {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("?{}", r * width + i + 1));
            }
            sql.push(')');
        }
        sql
    };
    let whole = layer.len() / batch * batch;

    let mut bbox: Option<[f64; 4]> = None;
    // (fid, envelope) of every row with a geometry that is not empty.
    let mut boxes: Vec<(i64, [f64; 4])> = Vec::new();
    let mut fid = 0i64;
    {
        let mut many = if whole > 0 {
            Some(tx.prepare(&insert(batch)).map_err(sql)?)
        } else {
            None
        };
        let mut one = tx.prepare(&insert(1)).map_err(sql)?;
        let mut blob = Vec::with_capacity(256);
        let mut joined = String::new();
        layer.rows(0..layer.len(), &mut |row| {
            fid += 1;
            let envelope = row.geometry.bbox();
            if let Some(b) = envelope {
                boxes.push((fid, b));
                bbox = Some(bbox.map_or(b, |a| {
                    [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ]
                }));
            }
            blob.clear();
            gpkg_geometry(&mut blob, &row.geometry, envelope);
            // fid counts the rows from 1, so this row is number fid - 1.
            let n = usize::try_from(fid - 1).unwrap_or(usize::MAX);
            let (stmt, base) = match many.as_mut() {
                Some(stmt) if n < whole => (stmt, n % batch * width),
                _ => (&mut one, 0),
            };
            stmt.raw_bind_parameter(base + 1, fid).map_err(sql)?;
            stmt.raw_bind_parameter(base + 2, &blob[..]).map_err(sql)?;
            for (i, value) in row.values.iter().enumerate() {
                let at = base + i + 3;
                match value {
                    Value::Null => stmt.raw_bind_parameter(at, rusqlite::types::Null),
                    Value::Real(x) => stmt.raw_bind_parameter(at, x),
                    Value::Integer(n) => stmt.raw_bind_parameter(at, n),
                    Value::Text(t) => stmt.raw_bind_parameter(at, &**t),
                    Value::Boolean(b) => stmt.raw_bind_parameter(at, b),
                    Value::TextList(list) => {
                        join_list(&mut joined, list);
                        stmt.raw_bind_parameter(at, joined.as_str())
                    }
                }
                .map_err(sql)?;
            }
            if base + width == stmt.parameter_count() {
                stmt.raw_execute().map_err(sql)?;
            }
            Ok(())
        })?;
    }
    let name = layer.name();
    // A batch is written when its last row comes: a layer that gave fewer rows than it has
    // would leave one unwritten.
    if usize::try_from(fid).ok() != Some(layer.len()) {
        return Err(io::Error::other(format!(
            "layer {name} gave {fid} rows of the {} it has",
            layer.len()
        )));
    }
    register(tx, layer, bbox, boxes)
}

/// Registers a written layer in `gpkg_contents` (with its extent `bbox`) and
/// `gpkg_geometry_columns`, and gives it its R-tree, bulk-loaded from `boxes` (fid, envelope),
/// with the specification's triggers and its `gpkg_extensions` entry.
fn register(
    tx: &rusqlite::Transaction<'_>,
    layer: &dyn Layer,
    bbox: Option<[f64; 4]>,
    mut boxes: Vec<(i64, [f64; 4])>,
) -> io::Result<()> {
    let name = layer.name();
    let table = quoted(name);
    let [min_x, min_y, max_x, max_y] = bbox.map_or([None; 4], |b| b.map(Some));
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description,
           last_change, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, 4326)",
        params![name, TIMESTAMP, min_x, min_y, max_x, max_y],
    )
    .map_err(sql)?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, 4326, 0, 0)",
        params![name, GEOM, type_name(layer.geometry_type())],
    )
    .map_err(sql)?;

    let rtree = format!("rtree_{name}_{GEOM}");
    tx.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
        quoted(&rtree)
    ))
    .map_err(sql)?;
    sort_along_z(bbox, &mut boxes);
    rtree::bulk_load(tx, &rtree, boxes)?;
    let inner = |s: &str| s.replace('"', "\"\"");
    let triggers = RTREE_TRIGGERS
        .replace("\"rtree_T_C", &format!("\"rtree_{}_{GEOM}", inner(name)))
        .replace("\"T\"", &table)
        .replace("\"C\"", &quoted(GEOM))
        .replace("\"I\"", "\"fid\"");
    tx.execute_batch(&triggers).map_err(sql)?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index',
           'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![name, GEOM],
    )
    .map_err(sql)?;
    Ok(())
}

/// Sorts `boxes` (fid, [min x, min y, max x, max y]) by their centres along a Z curve over
/// `extent`, ties by fid, so that the leaves packed from consecutive boxes hold neighbours.
fn sort_along_z(extent: Option<[f64; 4]>, boxes: &mut [(i64, [f64; 4])]) {
    let Some([x0, y0, x1, y1]) = extent else {
        return;
    };
    let cell = |v: f64, lo: f64, hi: f64| {
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
        // 16 bits per axis; the cast saturates, so rounding at the edges cannot overflow.
        (t * 65535.0) as u32
    };
    let key = |b: &[f64; 4]| {
        let x = cell((b[0] + b[2]) / 2.0, x0, x1);
        let y = cell((b[1] + b[3]) / 2.0, y0, y1);
        interleave(x) | (interleave(y) << 1)
    };
    // The key costs a few divisions: computed once per box, not once per comparison.
    boxes.sort_by_cached_key(|(i, b)| (key(b), *i));
}

/// The bits of `v` (16 of them) spread to the even bits of the result, for a Z-order key.
fn interleave(v: u32) -> u64 {
    let mut x = u64::from(v & 0xFFFF);
    x = (x | (x << 8)) & 0x00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333;
    (x | (x << 1)) & 0x5555_5555
}

/// Appends `g` as GeoPackage binary: the header (magic, version 0, flags for little-endian
/// and an x/y envelope, or the empty flag without one, SRS 4326) and then little-endian WKB.
pub fn gpkg_geometry(out: &mut Vec<u8>, g: &Geometry<'_>, envelope: Option<[f64; 4]>) {
    // Flags: bit 0 little-endian, bits 1-3 envelope kind (1: min x, max x, min y, max y),
    // bit 4 empty geometry.
    let flags = match envelope {
        Some(_) => 0b0000_0011,
        None => 0b0001_0001,
    };
    out.extend_from_slice(&[b'G', b'P', 0, flags]);
    out.extend_from_slice(&4326i32.to_le_bytes());
    if let Some([min_x, min_y, max_x, max_y]) = envelope {
        for v in [min_x, max_x, min_y, max_y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    wkb(out, g);
}

/// Appends `g` as little-endian WKB (an empty point as NaN coordinates, as GeoPackage says).
fn wkb(out: &mut Vec<u8>, g: &Geometry<'_>) {
    let header = |out: &mut Vec<u8>, ty: u32| {
        out.push(1);
        out.extend_from_slice(&ty.to_le_bytes());
    };
    let xy = |out: &mut Vec<u8>, x: f64, y: f64| {
        out.extend_from_slice(&x.to_le_bytes());
        out.extend_from_slice(&y.to_le_bytes());
    };
    let count = |out: &mut Vec<u8>, n: usize| {
        // Geometries here are far below 2^32 parts.
        out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    };
    match g {
        Geometry::Point([x, y]) => {
            header(out, 1);
            xy(out, *x, *y);
        }
        Geometry::LineString(cs) => {
            header(out, 2);
            count(out, cs.len());
            cs.iter().for_each(|[x, y]| xy(out, *x, *y));
        }
        Geometry::MultiPolygon(mp) => {
            header(out, 6);
            count(out, mp.0.len());
            for p in &mp.0 {
                header(out, 3);
                count(out, 1 + p.interiors().len());
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    count(out, ring.0.len());
                    ring.0.iter().for_each(|c| xy(out, c.x, c.y));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_blob_has_the_header_and_the_wkb() {
        let mut out = Vec::new();
        let g = Geometry::Point([11.5, 49.9]);
        gpkg_geometry(&mut out, &g, g.bbox());
        assert_eq!(&out[..4], &[b'G', b'P', 0, 3]);
        assert_eq!(i32::from_le_bytes(out[4..8].try_into().expect("4")), 4326);
        let envelope: Vec<f64> = out[8..40]
            .chunks(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8")))
            .collect();
        assert_eq!(envelope, [11.5, 11.5, 49.9, 49.9]);
        // 8 header + 32 envelope + 1 + 4 + 16 WKB.
        assert_eq!(out.len(), 61);
        assert_eq!(out[40], 1);
        assert_eq!(u32::from_le_bytes(out[41..45].try_into().expect("4")), 1);
        assert_eq!(f64::from_le_bytes(out[45..53].try_into().expect("8")), 11.5);
    }

    #[test]
    fn an_empty_line_is_flagged_empty_without_an_envelope() {
        let mut out = Vec::new();
        let g = Geometry::LineString(&[]);
        gpkg_geometry(&mut out, &g, g.bbox());
        assert_eq!(out[3], 0b1_0001);
        assert_eq!(out.len(), 8 + 1 + 4 + 4);
    }
}
