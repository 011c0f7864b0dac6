//! FlatGeobuf: one layer as one file with a packed Hilbert R-tree, which QGIS and GDAL read
//! natively and query through the index, for national runs where GeoJSON gets large and slow.
//!
//! # Why the `flatgeobuf` crate
//! The crate is the format's reference implementation in Rust, kept in the format's own
//! repository by its authors; it writes the header, the Hilbert-sorted packed R-tree and the
//! features exactly as the specification says, which a writer of our own on `flatbuffers`
//! would have to repeat. Its writer streams each feature to an anonymous temporary file and
//! keeps only one bounding box per feature in memory (the index needs them all), then copies
//! the features out in index order. The sort is stable, so the same layer gives the same
//! bytes.
//!
//! Columns keep their declared types: `Real` is a double, `Integer` a 64-bit integer, `Text` a
//! string, `Boolean` a boolean and `TextList` a string with its entries joined by `;`. A null
//! value is left out of its feature, as FlatGeobuf writes nulls.

use super::layer::{join_list, ColumnType, Geometry, GeometryType, Layer, Value};
use flatgeobuf::{ColumnType as FgbType, FgbCrs, FgbWriter, FgbWriterOptions};
use geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use std::io::{self, Write};

/// Writes `layer` as FlatGeobuf with a spatial index into `w`.
///
/// # Errors
/// The first error of the layer's rows, of the writer or of `w`.
pub fn write_fgb(w: &mut impl Write, layer: &dyn Layer) -> io::Result<()> {
    let geometry_type = match layer.geometry_type() {
        GeometryType::Point => flatgeobuf::GeometryType::Point,
        GeometryType::LineString => flatgeobuf::GeometryType::LineString,
        GeometryType::MultiPolygon => flatgeobuf::GeometryType::MultiPolygon,
    };
    let options = FgbWriterOptions {
        write_index: true,
        detect_type: false,
        promote_to_multi: false,
        crs: FgbCrs {
            org: Some("EPSG"),
            code: 4326,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut fgb =
        FgbWriter::create_with_options(layer.name(), geometry_type, options).map_err(fgb_error)?;
    for c in layer.columns() {
        let ty = match c.ty {
            ColumnType::Real => FgbType::Double,
            ColumnType::Integer => FgbType::Long,
            ColumnType::Text | ColumnType::TextList => FgbType::String,
            ColumnType::Boolean => FgbType::Bool,
        };
        fgb.add_column(&c.name, ty, |_, col| col.nullable = true);
    }
    let columns = layer.columns();
    let mut joined = String::new();
    layer.rows(0..layer.len(), &mut |row| {
        let mut failed = None;
        fgb.add_feature_geom(Shape(row.geometry), |feature| {
            for (i, (value, column)) in row.values.iter().zip(columns).enumerate() {
                let value = match value {
                    Value::Null => continue,
                    Value::Real(x) => ColumnValue::Double(*x),
                    Value::Integer(n) => ColumnValue::Long(*n),
                    Value::Text(t) => ColumnValue::String(t),
                    Value::Boolean(b) => ColumnValue::Bool(*b),
                    Value::TextList(list) => {
                        join_list(&mut joined, list);
                        ColumnValue::String(&joined)
                    }
                };
                if let Err(e) = feature.property(i, &column.name, &value) {
                    failed.get_or_insert(e);
                }
            }
        })
        .map_err(geozero_error)?;
        failed.map_or(Ok(()), |e| Err(geozero_error(e)))
    })?;
    fgb.write(w).map_err(fgb_error)
}

/// A FlatGeobuf error as an I/O error.
fn fgb_error(e: flatgeobuf::Error) -> io::Error {
    io::Error::other(e)
}

/// A geozero error as an I/O error.
fn geozero_error(e: geozero::error::GeozeroError) -> io::Error {
    io::Error::other(e)
}

/// A layer's geometry, fed to the FlatGeobuf writer.
struct Shape<'a>(Geometry<'a>);

impl GeozeroGeometry for Shape<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> geozero::error::Result<()> {
        match self.0 {
            Geometry::Point([x, y]) => {
                p.point_begin(0)?;
                p.xy(x, y, 0)?;
                p.point_end(0)
            }
            Geometry::LineString(cs) => {
                p.linestring_begin(true, cs.len(), 0)?;
                for (i, [x, y]) in cs.iter().enumerate() {
                    p.xy(*x, *y, i)?;
                }
                p.linestring_end(true, 0)
            }
            Geometry::MultiPolygon(mp) => {
                p.multipolygon_begin(mp.0.len(), 0)?;
                for (i, polygon) in mp.0.iter().enumerate() {
                    p.polygon_begin(false, 1 + polygon.interiors().len(), i)?;
                    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
                    for (j, ring) in rings.enumerate() {
                        p.linestring_begin(false, ring.0.len(), j)?;
                        for (k, c) in ring.0.iter().enumerate() {
                            p.xy(c.x, c.y, k)?;
                        }
                        p.linestring_end(false, j)?;
                    }
                    p.polygon_end(false, i)?;
                }
                p.multipolygon_end(0)
            }
        }
    }
}
