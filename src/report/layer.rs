//! A layer: every table-shaped output (settlements, services, catchments, network, regions, a
//! scenario's diff, vulnerable and suggest results) described once, as a name, a geometry type,
//! typed columns and a stream of rows, and written by format-specific writers (GeoJSON, CSV,
//! GeoPackage, FlatGeobuf) that never see the analysis.
//!
//! Column types are declared, not guessed from the values, so a km column that is `null` in
//! every row is still REAL in a GeoPackage or FlatGeobuf. Rows are produced one at a time
//! ([`Layer::rows`] calls back once per row, in output order), so no writer holds a whole
//! layer; any range of rows can be produced on its own, so a writer may format ranges on
//! several threads and write them in order (the bytes do not depend on the thread count).

use std::io;

/// The type of a column, as a GIS declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// A floating-point number (km, minutes, metres, shares).
    Real,
    /// A whole number (counts, population, ranks, ids of graph nodes).
    Integer,
    /// Text.
    Text,
    /// `true` or `false`.
    Boolean,
    /// A list of short texts (`gaps`, `kinds`): a JSON array in GeoJSON, joined with `;` in CSV
    /// and in formats without lists.
    TextList,
}

/// One column of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's name, as in every format.
    pub name: String,
    /// Its declared type; every non-null value of the column is of this type.
    pub ty: ColumnType,
}

impl Column {
    /// A column named `name` of type `ty`.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
        }
    }
}

/// One value of a row. A non-null value's variant matches its column's [`ColumnType`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// No value: `null` in GeoJSON, an empty CSV field, SQL NULL.
    Null,
    /// A [`ColumnType::Real`] value.
    Real(f64),
    /// A [`ColumnType::Integer`] value.
    Integer(i64),
    /// A [`ColumnType::Text`] value.
    Text(std::borrow::Cow<'a, str>),
    /// A [`ColumnType::Boolean`] value.
    Boolean(bool),
    /// A [`ColumnType::TextList`] value.
    TextList(Vec<&'a str>),
}

/// Writes `list` into `out` (cleared first) with its entries joined by `;`: a
/// [`ColumnType::TextList`] value in the formats without lists (CSV, GeoPackage, FlatGeobuf).
/// Entries are short names (`grocery`, `post`) that hold no `;`.
pub fn join_list(out: &mut String, list: &[&str]) {
    out.clear();
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(item);
    }
}

/// The geometry type every row of a layer has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GeometryType {
    /// Points.
    Point,
    /// Line strings.
    LineString,
    /// Multi-polygons.
    MultiPolygon,
}

/// The geometry of one row, in WGS 84 (EPSG:4326), coordinates as (lon, lat).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Geometry<'a> {
    /// A point.
    Point([f64; 2]),
    /// A line string.
    LineString(&'a [[f64; 2]]),
    /// A multi-polygon.
    MultiPolygon(&'a geo::MultiPolygon<f64>),
}

impl Geometry<'_> {
    /// The type of this geometry.
    pub fn geometry_type(&self) -> GeometryType {
        match self {
            Geometry::Point(_) => GeometryType::Point,
            Geometry::LineString(_) => GeometryType::LineString,
            Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
        }
    }

    /// The bounding box (min lon, min lat, max lon, max lat); `None` for an empty geometry.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut add = |x: f64, y: f64| {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        match self {
            Geometry::Point([x, y]) => add(*x, *y),
            Geometry::LineString(cs) => cs.iter().for_each(|[x, y]| add(*x, *y)),
            Geometry::MultiPolygon(mp) => {
                use geo::CoordsIter;
                mp.coords_iter().for_each(|c| add(c.x, c.y));
            }
        }
        (b[0] <= b[2]).then_some(b)
    }
}

/// One row of a layer: its geometry and one value per column, in column order.
#[derive(Clone, Copy, Debug)]
pub struct Row<'r, 'a> {
    /// The row's geometry, of the layer's [`GeometryType`].
    pub geometry: Geometry<'r>,
    /// One value per [`Layer::columns`] entry.
    pub values: &'r [Value<'a>],
}

/// A table-shaped output: a name, a geometry type, typed columns and rows.
pub trait Layer: Sync {
    /// The layer's name, as a GeoPackage table and the stem of its file in `--out-dir`
    /// (`settlements`, `services`, `catchments`, `network`, `regions`, `diff`, `vulnerable`,
    /// `suggest`).
    fn name(&self) -> &str;

    /// The geometry type of every row.
    fn geometry_type(&self) -> GeometryType;

    /// The columns, in output order.
    fn columns(&self) -> &[Column];

    /// The number of rows [`Layer::rows`] produces.
    fn len(&self) -> usize;

    /// Whether the layer has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `row` once per row of `range` (row indices, `0..self.len()` for all), in output
    /// order, stopping at the first error.
    ///
    /// # Errors
    /// The first error `row` returns.
    fn rows(
        &self,
        range: std::ops::Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()>;
}

/// Rows one thread formats at a time in [`write_chunks`]: large enough that a chunk's
/// bookkeeping is lost in its formatting, small enough that a batch of chunks stays a few MB.
const CHUNK_ROWS: usize = 1024;

/// Writes rows `0..len` to `w`, formatted by `format` (a range of rows into an empty buffer)
/// in chunks on rayon's threads, the chunks written in row order. While one batch of chunks is
/// written on the calling thread, the next is formatted, and the two sets of buffers are
/// reused from batch to batch, so memory stays bounded however long the layer. The bytes are
/// those of formatting every row in turn on one thread, whatever the number of threads.
///
/// # Errors
/// The first error of `format` (in row order) or of `w`.
pub fn write_chunks<W, F>(w: &mut W, len: usize, format: F) -> io::Result<()>
where
    W: io::Write + ?Sized,
    F: Fn(std::ops::Range<usize>, &mut Vec<u8>) -> io::Result<()> + Sync,
{
    use rayon::prelude::*;
    let per_batch = rayon::current_num_threads().max(1) * 4;
    let batch_rows = per_batch * CHUNK_ROWS;
    let batches = len.div_ceil(batch_rows);
    // Formats batch `b` into `buffers`; one result per chunk of the batch.
    let fill = |buffers: &mut Vec<Vec<u8>>, b: usize| -> Vec<io::Result<()>> {
        let start = b * batch_rows;
        let ranges: Vec<std::ops::Range<usize>> = (0..per_batch)
            .map(|c| {
                let a = (start + c * CHUNK_ROWS).min(len);
                a..(a + CHUNK_ROWS).min(len)
            })
            .filter(|r| !r.is_empty())
            .collect();
        buffers[..ranges.len()]
            .par_iter_mut()
            .zip(ranges)
            .map(|(buffer, range)| {
                buffer.clear();
                format(range, buffer)
            })
            .collect()
    };
    if batches == 0 {
        return Ok(());
    }
    let mut current = vec![Vec::new(); per_batch];
    let mut next = vec![Vec::new(); per_batch];
    let mut results = fill(&mut current, 0);
    for b in 0..batches {
        let (written, formatted) = std::thread::scope(|scope| {
            let following = (b + 1 < batches).then(|| scope.spawn(|| fill(&mut next, b + 1)));
            let written = results
                .drain(..)
                .zip(&current)
                .try_for_each(|(result, buffer)| result.and_then(|()| w.write_all(buffer)));
            (written, following.map(|h| h.join()))
        });
        written?;
        match formatted {
            Some(Ok(r)) => results = r,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => {}
        }
        std::mem::swap(&mut current, &mut next);
    }
    Ok(())
}
