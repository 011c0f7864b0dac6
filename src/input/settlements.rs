//! Settlements from planners' files: SCB population grid squares (each square's centre is a
//! settlement carrying the square's population), or points with population as CSV or GeoJSON.
//!
//! A CSV (optionally gzip-compressed) with a square-code column (see
//! [`crate::input::grid::CODE_COLUMNS`]) is read as a grid; any other CSV needs `id` (optional),
//! `name` (optional), `population` and `lon`/`lat` or `x`/`y` with `--crs`. GeoJSON: Point
//! features with `id`, `name`, `population` properties.
//!
//! Population groups ([`read_settlements_with`]): every format may carry extra population
//! columns (CSV and grid) or properties (GeoJSON), such as `pop_70plus`, read as
//! [`crate::input::groups`] says into [`Settlement::groups`]. A GeoJSON property counts as
//! present when at least one feature has it; a feature without it has an unknown value.
//!
//! Ids must be unique: a settlement is counted once, so a second record with an id seen before
//! is an error naming both lines (features). A file without records is an error too.

use crate::base::coord::Coord;
use crate::base::error::{Error, Result};
use crate::base::feature::{FeatureId, Settlement};
use crate::input::crs::Crs;
use crate::input::grid::{read_grid_with, GridOptions, CODE_COLUMNS};
use crate::input::groups::{group_cell, group_columns};
use crate::input::points::read_point_features;
use crate::input::table::read_csv;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Reads settlements from `path`; `crs` is the system of generic `x`/`y` columns.
///
/// # Errors
/// [`Error::Input`] naming the file and line of the first bad record.
pub fn read_settlements(path: &Path, crs: Option<&Crs>) -> Result<Vec<Settlement>> {
    read_settlements_with(path, crs, &[])
}

/// Reads settlements from `path` with the population of each of `groups` (column or property
/// names) in [`Settlement::groups`], in that order; `crs` is the system of generic `x`/`y`
/// columns.
///
/// # Errors
/// [`Error::Input`] naming the file and line of the first bad record, and on line 1 a group
/// column the file lacks.
pub fn read_settlements_with(
    path: &Path,
    crs: Option<&Crs>,
    groups: &[String],
) -> Result<Vec<Settlement>> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".geojson") || name.ends_with(".json") {
        return read_geojson(path, groups);
    }
    if is_grid(path)? {
        let sweref = Crs::sweref99tm();
        let options = GridOptions {
            groups: groups.to_vec(),
            ..GridOptions::default()
        };
        return read_grid_with(path, &options)?
            .into_iter()
            .map(|square| {
                let (x, y) = square.centre();
                let (lon, lat) = sweref.to_lon_lat(x, y).map_err(|e| {
                    Error::input(path, None, format!("square {}: {e}", square.code))
                })?;
                Ok(Settlement {
                    id: FeatureId::File(square.code),
                    name: None,
                    place: None,
                    population: Some(square.population),
                    coord: Coord::from_degrees(lon, lat),
                    groups: square.groups,
                })
            })
            .collect();
    }
    read_points_csv(path, crs, groups)
}

/// Whether the file's header names a grid square code column.
fn is_grid(path: &Path) -> Result<bool> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = Vec::new();
    let mut raw = std::io::BufReader::new(file);
    let mut magic = [0u8; 2];
    let n = raw.read(&mut magic).map_err(|e| Error::io(path, e))?;
    let chained = std::io::Cursor::new(magic[..n].to_vec()).chain(raw);
    let mut reader: Box<dyn Read> = if magic[..n] == [0x1f, 0x8b] {
        Box::new(flate2::read::GzDecoder::new(chained))
    } else {
        Box::new(chained)
    };
    let mut buf = [0u8; 4096];
    while !head.contains(&b'\n') && head.len() < 1 << 16 {
        let n = reader.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let header = line.lines().next().unwrap_or_default().to_ascii_lowercase();
    Ok(header
        .split([',', ';', '\t'])
        .map(|h| h.trim().trim_matches('"'))
        .any(|h| CODE_COLUMNS.contains(&h)))
}

fn read_points_csv(path: &Path, crs: Option<&Crs>, groups: &[String]) -> Result<Vec<Settlement>> {
    let table = read_csv(path)?;
    table.require_rows(path)?;
    let missing = |what: &str| Error::input(path, Some(1), format!("no `{what}` column"));
    let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    let pop_col = table
        .column(&["population", "pop", "befolkning"])
        .ok_or_else(|| missing("population"))?;
    let id_col = table.column(&["id"]);
    let name_col = table.column(&["name", "namn"]);
    let group_cols = group_columns(
        path,
        &table.headers,
        groups,
        &[(pop_col, "population")],
        "columns",
    )?;
    let points_at = table.point_columns(path, crs)?;
    let mut out = Vec::with_capacity(table.rows.len());
    let mut ids = UniqueIds::default();
    for (line, row) in &table.rows {
        let at = |m: String| Error::input(path, Some(*line), m);
        let coord = points_at.coord(path, *line, row)?;
        let pop_text = cell(row, pop_col);
        let population = if pop_text.is_empty() {
            None
        } else {
            Some(pop_text.parse::<u64>().map_err(|_| {
                at(format!(
                    "`population` is not a whole number of people: `{pop_text}`"
                ))
            })?)
        };
        let group_values = groups
            .iter()
            .zip(&group_cols)
            .map(|(g, &c)| group_cell(g, &cell(row, c)).map_err(at))
            .collect::<Result<Vec<_>>>()?;
        let id = id_col.map(|c| cell(row, c)).filter(|i| !i.is_empty());
        if let Some(id) = &id {
            ids.check(path, id, *line, "line")?;
        }
        out.push(Settlement {
            id: FeatureId::File(id.unwrap_or_else(|| format!("{}:{line}", path.display()))),
            name: name_col.map(|c| cell(row, c)).filter(|n| !n.is_empty()),
            place: None,
            population,
            coord,
            groups: group_values,
        });
    }
    Ok(out)
}

/// The ids seen so far and the line (or feature) of each.
#[derive(Default)]
struct UniqueIds(HashMap<String, u64>);

impl UniqueIds {
    /// Refuses `id` at `place` if an earlier record had it.
    fn check(&mut self, path: &Path, id: &str, place: u64, unit: &str) -> Result<()> {
        match self.0.insert(id.to_owned(), place) {
            Some(first) => Err(Error::input(
                path,
                Some(place),
                format!(
                    "id `{id}` is also on {unit} {first}: each settlement needs its own id \
                     (a settlement is counted once)"
                ),
            )),
            None => Ok(()),
        }
    }
}

fn read_geojson(path: &Path, groups: &[String]) -> Result<Vec<Settlement>> {
    let features = read_point_features(path)?;
    if features.is_empty() {
        return Err(Error::input(
            path,
            None,
            "no features: the FeatureCollection is empty",
        ));
    }
    // The properties any feature has, in the order first seen: the file's "columns".
    let mut properties: Vec<String> = Vec::new();
    for f in &features {
        for name in f.feature.properties.iter().flat_map(|p| p.keys()) {
            if !properties.contains(name) {
                properties.push(name.clone());
            }
        }
    }
    let taken: Vec<(usize, &str)> = properties
        .iter()
        .position(|p| p == "population")
        .map(|i| (i, "population"))
        .into_iter()
        .collect();
    let group_props: Vec<&str> = group_columns(path, &properties, groups, &taken, "properties")?
        .into_iter()
        .map(|i| properties[i].as_str())
        .collect();
    let mut ids = UniqueIds::default();
    features
        .into_iter()
        .map(|f| {
            let population = match f.feature.property("population") {
                None | Some(serde_json::Value::Null) => None,
                Some(v) => Some(v.as_u64().ok_or_else(|| {
                    f.error(
                        path,
                        format!("`population` is not a whole number of people: {v}"),
                    )
                })?),
            };
            let group_values = groups
                .iter()
                .zip(&group_props)
                .map(|(g, &p)| match f.feature.property(p) {
                    None | Some(serde_json::Value::Null) => Ok(None),
                    Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                        f.error(
                            path,
                            format!("population group `{g}` is not a whole number of people: {v}"),
                        )
                    }),
                })
                .collect::<Result<Vec<_>>>()?;
            let id = f.text("id");
            if let Some(id) = &id {
                ids.check(path, id, f.record, "feature")?;
            }
            Ok(Settlement {
                id: FeatureId::File(
                    id.unwrap_or_else(|| format!("{}:{}", path.display(), f.record)),
                ),
                name: f.text("name"),
                place: None,
                population,
                coord: f.coord,
                groups: group_values,
            })
        })
        .collect()
}
