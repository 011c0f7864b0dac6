//! Tabular planners' files (CSV, xlsx) read into one shape: a header row and records of text
//! cells, each with the line (CSV) or row (xlsx) number it came from, so every later error can
//! name its place in the file.

use crate::base::error::{Error, Result};
use std::path::Path;

/// A table: column names and records.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column names, trimmed.
    pub headers: Vec<String>,
    /// Records: (1-based line or row number, cells as text).
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// Refuses a table with a header and no records.
    ///
    /// # Errors
    /// [`Error::Input`] on line 1 saying there are no rows.
    pub fn require_rows(&self, path: &Path) -> Result<()> {
        if self.rows.is_empty() {
            Err(Error::input(
                path,
                Some(1),
                "no rows: the file has a header line and nothing under it",
            ))
        } else {
            Ok(())
        }
    }

    /// The index of the first column whose name equals one of `names` (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }
}

/// The separator of a CSV file: whichever of comma, semicolon and tab the header line holds
/// most often (comma when it holds none, a one-column file).
fn sniff_delimiter(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    // Ties go to the earlier one: a comma, then a semicolon.
    [(',', b','), (';', b';'), ('\t', b'\t')]
        .into_iter()
        .fold((0, b','), |best, (c, byte)| {
            if count(c) > best.0 {
                (count(c), byte)
            } else {
                best
            }
        })
        .1
}

/// Reads a CSV file (comma, semicolon or tab separated, detected from the header line; UTF-8).
/// A header line without rows is a table without rows: the readers say "no rows".
///
/// # Errors
/// [`Error::Io`] if unreadable, [`Error::Input`] naming the line of a malformed record.
pub fn read_csv(path: &Path) -> Result<Table> {
    let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(text).map_err(|e| {
        Error::input(
            path,
            None,
            format!("not UTF-8 text ({e}); save the file as UTF-8"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim().is_empty() {
        return Err(Error::input(
            path,
            None,
            "the file is empty: no header line and no rows",
        ));
    }
    let delimiter = sniff_delimiter(text.lines().next().unwrap_or_default());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input(path, Some(1), e.to_string()))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            Error::input(path, line, format!("malformed record: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        rows.push((line, record.iter().map(|c| c.trim().to_owned()).collect()));
    }
    Ok(Table { headers, rows })
}

/// Reads the first worksheet of an xlsx file; the first non-empty row is the header.
///
/// # Errors
/// [`Error::Input`] if the workbook cannot be read or has no sheet.
pub fn read_xlsx(path: &Path) -> Result<Table> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut workbook = open_workbook_auto(path)
        .map_err(|e| Error::input(path, None, format!("cannot read the workbook: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Error::input(path, None, "the workbook has no worksheet"))?
        .map_err(|e| Error::input(path, None, format!("cannot read the first worksheet: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let cell = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    };
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            (
                first_row + i as u64 + 1,
                r.iter().map(cell).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let headers = rows.next().map(|(_, h)| h).ok_or_else(|| {
        Error::input(
            path,
            None,
            "the first worksheet is empty: no header row and no rows",
        )
    })?;
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}

/// Where a table keeps its coordinates and in which system.
#[derive(Clone, Debug)]
pub struct PointColumns {
    x: usize,
    y: usize,
    names: (&'static str, &'static str),
    crs: crate::input::crs::Crs,
}

impl PointColumns {
    /// Columns `x`, `y` (named `names` in errors) in `crs`.
    pub fn new(
        x: usize,
        y: usize,
        names: (&'static str, &'static str),
        crs: crate::input::crs::Crs,
    ) -> Self {
        PointColumns { x, y, names, crs }
    }

    /// The record's point: both cells parsed (a decimal comma is accepted), checked against the
    /// system and converted to (lon, lat).
    ///
    /// # Errors
    /// [`Error::Input`] naming the file and line for a cell that is no number,
    /// [`Error::Crs`] for a point that does not fit the system.
    pub fn coord(
        &self,
        path: &Path,
        line: u64,
        row: &[String],
    ) -> Result<crate::base::coord::Coord> {
        let number = |i: usize, name: &str| {
            let text = row.get(i).map(String::as_str).unwrap_or_default();
            text.replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    Error::input(
                        path,
                        Some(line),
                        format!("`{name}` is not a number: `{text}`"),
                    )
                })
        };
        let (x, y) = (number(self.x, self.names.0)?, number(self.y, self.names.1)?);
        let at = |problem| Error::Crs {
            path: path.to_path_buf(),
            line: Some(line),
            problem,
        };
        self.crs.check_plausible(x, y).map_err(at)?;
        let (lon, lat) = self.crs.to_lon_lat(x, y).map_err(at)?;
        Ok(crate::base::coord::Coord::from_degrees(lon, lat))
    }
}

impl Table {
    /// The coordinate columns: `lon`/`lat` (WGS 84), or `x`/`y` in `crs`.
    ///
    /// # Errors
    /// [`Error::Input`] if there are none, [`Error::Crs`] for `x`/`y` without a `crs`.
    pub fn point_columns(
        &self,
        path: &Path,
        crs: Option<&crate::input::crs::Crs>,
    ) -> Result<PointColumns> {
        let lonlat = self
            .column(&["lon", "longitude", "lng"])
            .zip(self.column(&["lat", "latitude"]));
        let xy = self
            .column(&["x", "easting"])
            .zip(self.column(&["y", "northing"]));
        match (lonlat, xy, crs) {
            (Some((x, y)), _, _) => Ok(PointColumns::new(
                x,
                y,
                ("lon", "lat"),
                crate::input::crs::Crs::wgs84(),
            )),
            (None, Some((x, y)), Some(crs)) => Ok(PointColumns::new(x, y, ("x", "y"), crs.clone())),
            (None, Some(_), None) => Err(Error::Crs {
                path: path.to_path_buf(),
                line: Some(1),
                problem: crate::input::crs::CrsError::NotGiven,
            }),
            (None, None, _) => Err(Error::input(
                path,
                Some(1),
                "no `lon`/`lat` (or `x`/`y`) column",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_is_the_most_frequent_in_the_header() {
        assert_eq!(sniff_delimiter("id,name,kinds,lon,lat"), b',');
        assert_eq!(sniff_delimiter("id;name;kinds;lon;lat"), b';');
        assert_eq!(sniff_delimiter("id\tname\tkinds\tlon\tlat"), b'\t');
        // A name with a comma in a semicolon file.
        assert_eq!(sniff_delimiter("id;\"Namn, ort\";lon;lat"), b';');
        assert_eq!(sniff_delimiter("population"), b',');
    }
}
