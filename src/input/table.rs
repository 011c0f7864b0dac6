//! Tabular planners' files (CSV, xlsx) read into one shape: a header row and records of text
//! cells, each with the line (CSV) or row (xlsx) number it came from, so every later error can
//! name its place in the file.

use crate::error::{Error, Result};
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
    /// The index of the first column whose name equals one of `names` (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
    }
}

/// Reads a CSV file (comma or semicolon separated, detected from the header line; UTF-8).
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
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
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
    let headers = rows
        .next()
        .map(|(_, h)| h)
        .ok_or_else(|| Error::input(path, None, "the first worksheet is empty"))?;
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}
