//! CSV: any point [`Layer`] as a table, its columns then `lon`, `lat`; settlements.csv.
//!
//! The dialect is the `csv` crate's default writer's: comma-separated, `\n` at the end of each
//! row, a field quoted only when it holds a comma, a double quote, CR or LF, a quote inside a
//! quoted field doubled. Leading and trailing spaces are kept as they are, unquoted. A `Null`
//! value is an empty field and a list of texts (`gaps`, `kinds`) is joined with `;`, so one
//! cell never needs a second level of quoting. Numbers are written as in GeoJSON (`zmij`,
//! `itoa`); `lon` and `lat` as Rust prints an `f64` (the shortest text that reads back to the
//! same number, never an exponent). Ranges of rows are formatted on several threads and
//! written in order ([`super::layer::write_chunks`]).

use super::geojson::{shortest, Style};
use super::layer::{join_list, write_chunks, Geometry, Layer, Row, Value};
use std::io::{self, Write};

/// Writes `layer` to `w`: a header row of column names, `lon`, `lat`, then one row per
/// feature with its values and its point's location (a line or polygon row has `lon`, `lat`
/// empty). Nothing at all, not even the header, when the layer has no rows: see
/// [`write_header`] for a table that must have its header regardless.
///
/// # Errors
/// Any error of `w`.
pub fn write_layer(w: &mut (impl Write + ?Sized), layer: &dyn Layer) -> io::Result<()> {
    if layer.is_empty() {
        return Ok(());
    }
    write_header(w, layer)?;
    write_chunks(w, layer.len(), |range, out| {
        layer.rows(range, &mut |row| {
            record(out, row);
            Ok(())
        })
    })
}

/// Writes `layer`'s header row alone: its column names, then `lon`, `lat`.
///
/// # Errors
/// Any error of `w`.
pub fn write_header(w: &mut (impl Write + ?Sized), layer: &dyn Layer) -> io::Result<()> {
    let mut out = Vec::new();
    for c in layer.columns() {
        field(&mut out, c.name.as_bytes());
        out.push(b',');
    }
    out.extend_from_slice(b"lon,lat\n");
    w.write_all(&out)
}

/// One row: the values, then `lon`, `lat`.
fn record(out: &mut Vec<u8>, row: Row<'_, '_>) {
    let mut cell = String::new();
    for value in row.values {
        match value {
            Value::Null => {}
            Value::Real(x) => {
                shortest(out, *x, Style::Ryu);
            }
            Value::Integer(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
            Value::Text(s) => field(out, s.as_bytes()),
            Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::TextList(items) => {
                join_list(&mut cell, items);
                field(out, cell.as_bytes());
            }
        }
        out.push(b',');
    }
    if let Geometry::Point([lon, lat]) = row.geometry {
        shortest(out, lon, Style::Display);
        out.push(b',');
        shortest(out, lat, Style::Display);
    } else {
        out.push(b',');
    }
    out.push(b'\n');
}

/// One field, quoted when it holds a comma, a double quote, CR or LF.
fn field(out: &mut Vec<u8>, text: &[u8]) {
    if !text
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.extend_from_slice(text);
        return;
    }
    out.push(b'"');
    for &b in text {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::super::layer::{Column, ColumnType, GeometryType};
    use super::*;
    use std::borrow::Cow;

    /// A one-row point layer with two columns.
    struct One(Vec<Value<'static>>, Vec<Column>);

    impl Layer for One {
        fn name(&self) -> &str {
            "one"
        }
        fn geometry_type(&self) -> GeometryType {
            GeometryType::Point
        }
        fn columns(&self) -> &[Column] {
            &self.1
        }
        fn len(&self) -> usize {
            usize::from(!self.0.is_empty())
        }
        fn rows(
            &self,
            range: std::ops::Range<usize>,
            row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
        ) -> io::Result<()> {
            for _ in range {
                row(Row {
                    geometry: Geometry::Point([14.5, -63.25]),
                    values: &self.0,
                })?;
            }
            Ok(())
        }
    }

    /// The cells the `csv` crate's writer writes, byte for byte: quotes only around a comma,
    /// quote, CR or LF; spaces, `;`, `#` and non-ASCII text as they are.
    #[test]
    fn quoting_matches_the_csv_crate() -> io::Result<()> {
        let text = |s: &'static str| Value::Text(Cow::Borrowed(s));
        let cases = [
            (Value::Null, ""),
            (text(""), ""),
            (text("Åre"), "Åre"),
            (text(" leading and trailing "), " leading and trailing "),
            (text("a,b"), "\"a,b\""),
            (text("say \"hi\""), "\"say \"\"hi\"\"\""),
            (text("two\nlines"), "\"two\nlines\""),
            (text("cr\rhere"), "\"cr\rhere\""),
            (text("#hash;semi\ttab"), "#hash;semi\ttab"),
            (Value::TextList(vec!["shop", "school"]), "shop;school"),
            (Value::TextList(vec!["a,b", "c"]), "\"a,b;c\""),
            (Value::TextList(vec![]), ""),
            (Value::Real(12.5), "12.5"),
            (Value::Real(5.0), "5.0"),
            (Value::Real(f64::NAN), ""),
            (Value::Integer(-7), "-7"),
            (Value::Boolean(true), "true"),
        ];
        for (value, cell) in cases {
            let columns = vec![
                Column::new("x", ColumnType::Text),
                Column::new("y", ColumnType::Integer),
            ];
            let layer = One(vec![value.clone(), Value::Integer(1)], columns);
            let mut out = Vec::new();
            write_layer(&mut out, &layer)?;
            let text = String::from_utf8_lossy(&out);
            assert_eq!(
                text,
                format!("x,y,lon,lat\n{cell},1,14.5,-63.25\n"),
                "{value:?}"
            );
            // The same cell from the csv crate itself, wherever it is text.
            if let Some(plain) = match &value {
                Value::Text(s) => Some(s.to_string()),
                Value::TextList(items) => Some(items.join(";")),
                _ => None,
            } {
                let mut reference = ::csv::Writer::from_writer(Vec::new());
                reference.write_record([plain.as_str(), "1", "14.5", "-63.25"])?;
                let reference = reference.into_inner().map_err(|e| e.into_error())?;
                assert_eq!(&out[b"x,y,lon,lat\n".len()..], &reference[..], "{value:?}");
            }
        }
        Ok(())
    }

    /// A layer without rows is nothing; its header alone is one line.
    #[test]
    fn empty_tables() -> io::Result<()> {
        let layer = One(Vec::new(), vec![Column::new("id", ColumnType::Text)]);
        let mut out = Vec::new();
        write_layer(&mut out, &layer)?;
        assert!(out.is_empty());
        write_header(&mut out, &layer)?;
        assert_eq!(out, b"id,lon,lat\n");
        Ok(())
    }
}
