//! settlements.csv, and the CSV dialect every point table the crate writes shares: the
//! properties of a GeoJSON feature as columns, then `lon`, `lat`.
//!
//! The dialect is the `csv` crate's default writer: comma-separated, `\n` at the end of each
//! row, a field quoted only when it holds a comma, a double quote, CR or LF, a quote inside a
//! quoted field doubled. Leading and trailing spaces are kept as they are, unquoted. A `null`
//! property is an empty field and a list of strings (`gaps`) is joined with `;`, so one cell
//! never needs a second level of quoting.

use super::{settlement_properties, RegionGroups};
use crate::analysis::Analysis;
use crate::network::region::Region;
use serde_json::{Map, Value};
use std::io::{self, Write};

/// A CSV table of points: a header row of property names, then per point its properties and
/// its location.
///
/// Every row must have the header's columns; a row with more or fewer is an error, as it would
/// shift every column after it.
pub(crate) struct PointCsv<W: Write> {
    out: ::csv::Writer<W>,
}

impl<W: Write> PointCsv<W> {
    /// A table written to `w`.
    pub(crate) fn new(w: W) -> Self {
        PointCsv {
            out: ::csv::WriterBuilder::new().from_writer(w),
        }
    }

    /// Writes the header: `names`, then `lon`, `lat`.
    ///
    /// # Errors
    /// Any error of the underlying writer.
    pub(crate) fn header<'a>(
        &mut self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> io::Result<()> {
        self.out
            .write_record(names.into_iter().chain(["lon", "lat"]))?;
        Ok(())
    }

    /// Writes one point: its property values in order, then `lon`, `lat` as Rust prints an
    /// `f64` (the shortest text that reads back to the same number).
    ///
    /// # Errors
    /// Any error of the underlying writer, or a row whose length differs from the header's.
    pub(crate) fn row(
        &mut self,
        properties: &Map<String, Value>,
        lon: f64,
        lat: f64,
    ) -> io::Result<()> {
        let fields = properties.values().map(field_text);
        self.out
            .write_record(fields.chain([lon.to_string(), lat.to_string()]))?;
        Ok(())
    }

    /// Writes out what the table still buffers.
    ///
    /// # Errors
    /// Any error of the underlying writer.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The text of one property in a cell, before any quoting.
fn field_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    }
}

/// Writes settlements.csv: the same columns as the GeoJSON properties plus `lon`, `lat`.
/// Nothing at all, not even the header, when there are no settlements: the columns are those
/// of the first settlement's properties.
///
/// # Errors
/// Any error of `w`.
pub fn settlements_csv(
    w: &mut impl Write,
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
) -> io::Result<()> {
    let mut table = PointCsv::new(w);
    for (i, (s, r)) in region
        .settlements
        .iter()
        .zip(&analysis.settlements)
        .enumerate()
    {
        let props = settlement_properties(region, s, r, groups.map(|g| g.name_of(i)));
        if i == 0 {
            table.header(props.keys().map(String::as_str))?;
        }
        table.row(&props, s.coord.lon(), s.coord.lat())?;
    }
    table.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The cells the old hand-written writer produced, byte for byte: quotes only around a
    /// comma, quote, CR or LF; spaces, `;`, `#` and non-ASCII text as they are.
    #[test]
    fn quoting_matches_the_hand_written_writer() -> io::Result<()> {
        let cases = [
            (json!(null), ""),
            (json!(""), ""),
            (json!("Åre"), "Åre"),
            (json!(" leading and trailing "), " leading and trailing "),
            (json!("a,b"), "\"a,b\""),
            (json!("say \"hi\""), "\"say \"\"hi\"\"\""),
            (json!("two\nlines"), "\"two\nlines\""),
            (json!("cr\rhere"), "\"cr\rhere\""),
            (json!("#hash;semi\ttab"), "#hash;semi\ttab"),
            (json!(["shop", "school"]), "shop;school"),
            (json!(["a,b", "c"]), "\"a,b;c\""),
            (json!([]), ""),
            (json!(12.5), "12.5"),
            (json!(true), "true"),
        ];
        for (value, cell) in cases {
            let mut props = Map::new();
            props.insert("x".into(), value.clone());
            props.insert("y".into(), json!(1));
            let mut out = Vec::new();
            let mut table = PointCsv::new(&mut out);
            table.header(["x", "y"])?;
            table.row(&props, 14.5, -63.25)?;
            table.finish()?;
            let text = String::from_utf8_lossy(&out);
            assert_eq!(
                text,
                format!("x,y,lon,lat\n{cell},1,14.5,-63.25\n"),
                "{value}"
            );
        }
        Ok(())
    }

    /// A table with no rows but a header is the header line alone; with neither, nothing.
    #[test]
    fn empty_tables() -> io::Result<()> {
        let mut out = Vec::new();
        let mut table = PointCsv::new(&mut out);
        table.header(["id"])?;
        table.finish()?;
        assert_eq!(out, b"id,lon,lat\n");
        let mut out = Vec::new();
        PointCsv::new(&mut out).finish()?;
        assert!(out.is_empty());
        Ok(())
    }
}
