//! Population groups in settlements files: extra population columns such as `pop_70plus`,
//! named by the planner, read beside `population` from a points CSV, a GeoJSON file's
//! properties or an SCB grid.
//!
//! A named column is found by its header (or property) name, trimmed, case aside. A column
//! the file lacks is an error naming the file, the columns it has and the closest of them; so
//! is a group naming the file's own population (or square-code) column. A cell is the
//! group's population in that settlement: a non-negative whole number, or empty (unknown,
//! counted in no group figure); anything else is an error naming the file and line.

use crate::base::error::{Error, Result};
use crate::base::name::closest_name;
use std::path::Path;

/// A header name as compared: without a byte order mark and surrounding white space, in
/// lower case.
fn key(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The index in `headers` of each of `groups`, in the order of `groups`. `taken` are the
/// columns the file's own figures come from (`(index, what)`, e.g. the population column): a
/// group may not be one of them. `what` names the file's columns in the error ("columns",
/// "properties").
///
/// # Errors
/// [`Error::Input`] on line 1 for a group the header lacks (with the header's names and a
/// did-you-mean) or one that is a taken column.
pub fn group_columns(
    path: &Path,
    headers: &[String],
    groups: &[String],
    taken: &[(usize, &str)],
    what: &str,
) -> Result<Vec<usize>> {
    let keys: Vec<String> = headers.iter().map(|h| key(h)).collect();
    groups
        .iter()
        .map(|group| {
            let wanted = key(group);
            let Some(i) = keys.iter().position(|k| *k == wanted) else {
                return Err(missing(path, headers, &keys, group, what));
            };
            if let Some((_, role)) = taken.iter().find(|(t, _)| *t == i) {
                return Err(Error::input(
                    path,
                    Some(1),
                    format!(
                        "population group `{group}` is the file's {role} column: a group is \
                         a column of its own (e.g. `pop_70plus`) beside the population"
                    ),
                ));
            }
            Ok(i)
        })
        .collect()
}

/// A group column the file lacks: its names, and the closest one.
fn missing(path: &Path, headers: &[String], keys: &[String], group: &str, what: &str) -> Error {
    let closest = closest_name(group, keys.iter().map(String::as_str))
        .and_then(|k| keys.iter().position(|x| x == k))
        .map(|i| format!(": did you mean `{}`?", headers[i].trim()))
        .unwrap_or_default();
    let names: Vec<&str> = headers.iter().map(|h| h.trim()).collect();
    Error::input(
        path,
        Some(1),
        format!(
            "no column `{group}` for the population group (the file's {what}: {}){closest}",
            names.join(", ")
        ),
    )
}

/// A group's cell: `None` when empty (unknown), else the number of people.
///
/// # Errors
/// The message (without file and line) for a cell that is not a non-negative whole number.
pub fn group_cell(group: &str, text: &str) -> std::result::Result<Option<u64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u64>()
        .map(Some)
        .map_err(|_| format!("population group `{group}` is not a whole number of people: `{t}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|&n| n.to_owned()).collect()
    }

    #[test]
    fn columns_are_found_case_aside_and_missing_ones_named() {
        let path = Path::new("s.csv");
        let h = headers(&["id", "Population", " POP_70plus ", "lon", "lat"]);
        let groups = vec!["pop_70PLUS".to_owned()];
        assert_eq!(
            group_columns(path, &h, &groups, &[(1, "population")], "columns").ok(),
            Some(vec![2])
        );
        let e = group_columns(path, &h, &["pop_70pluss".into()], &[], "columns")
            .map_err(|e| e.to_string());
        assert_eq!(
            e,
            Err(
                "s.csv:1: no column `pop_70pluss` for the population group (the file's \
                 columns: id, Population, POP_70plus, lon, lat): did you mean `POP_70plus`?"
                    .to_owned()
            )
        );
        let e = group_columns(path, &h, &["population".into()], &[(1, "population")], "c")
            .map_err(|e| e.to_string());
        assert!(
            e.as_ref()
                .is_err_and(|e| e.contains("is the file's population column")),
            "{e:?}"
        );
        // Nothing close: no hint.
        let e =
            group_columns(path, &h, &["aged_80".into()], &[], "columns").map_err(|e| e.to_string());
        assert!(
            e.as_ref().is_err_and(|e| !e.contains("did you mean")),
            "{e:?}"
        );
    }

    #[test]
    fn cells_are_whole_numbers_or_unknown() {
        assert_eq!(group_cell("g", " 12 "), Ok(Some(12)));
        assert_eq!(group_cell("g", ""), Ok(None));
        assert_eq!(group_cell("g", "0"), Ok(Some(0)));
        for bad in ["-1", "1.5", "x", "1e3"] {
            assert_eq!(
                group_cell("g", bad),
                Err(format!(
                    "population group `g` is not a whole number of people: `{bad}`"
                ))
            );
        }
    }
}
