//! Service point lists from planners: Tillväxtverket's Pipos exports (xlsx or CSV) and their
//! own inventories (CSV or GeoJSON).
//!
//! # Formats
//! - **Pipos** exports are recognised by their columns `Servicetyp`, `Serviceform`,
//!   `Serviceplatsid`, `Namn`, `X`, `Y`. `Servicetyp` gives the kind (see [`PIPOS_KINDS`]),
//!   `X`/`Y` are SWEREF 99 TM (EPSG:3006), `Serviceplatsid` is the id and `Serviceform` (e.g.
//!   `Apotek`, `Apoteksombud`) is kept.
//! - **Generic CSV or xlsx**: columns `id`, `name`, `kinds` (kind names separated by `;`, `,`
//!   or spaces, e.g. `grocery;post`) and coordinates as `lon`/`lat` (WGS 84) or `x`/`y` in the
//!   CRS given with `--crs`. A missing `id` becomes `FILE:LINE`.
//! - **GeoJSON**: Point features (WGS 84, as RFC 7946 requires) with `id`, `name`, `kinds`
//!   properties (`kinds` a list or a `;`-separated string).
//! - **Mobile points** (a shop van's or library bus's stop): an optional `mobile` column (in
//!   any of the table formats) or property, `yes`/`no`, `true`/`false`, `1`/`0` or empty (=
//!   no), case-insensitive; a GeoJSON property may also be a JSON boolean. Anything else is an
//!   error naming the file, line and value. OSM has no reliable tag for this, so OSM points
//!   are never mobile.
//! - **Seasonal points** (open in summer only, see [`crate::read::seasonal`]): an optional
//!   `seasonal` column or property, with the same values and errors as `mobile`. A planner's
//!   point is seasonal only when the file says so (no `opening_hours` is read from files).
//! - **Capacity** (how much service a point offers, in the planner's unit: staff, counters,
//!   opening hours): an optional `capacity` column or property, a positive finite number
//!   (`.` or `,` as the decimal mark) or empty (= not given, counted as 1 in capacity-aware
//!   access); a GeoJSON property may also be a JSON number. Anything else is an error naming
//!   the file, line and value. OSM points never have one.
//!
//! Coordinates that are obviously in another system than the one assumed are an error that
//! says what to set, never a guess.
//!
//! # Repeated ids and repeated points
//! An id names one service point. Rows (or features) that share an id are **one point** if
//! they agree on the place (coordinates), the name, `mobile`, `seasonal` and `capacity`: they are merged into the
//! first, with the union of their kinds and their distinct service forms joined by `; `.
//! (Pipos lists some places twice under one `Serviceplatsid`, once per owner or form, e.g.
//! `TVV_0345` as `Apoteksombud` and as `Apotek`.) Rows that share an id but disagree on any
//! of these are an error naming both lines. Two points with *different* ids at exactly the
//! same place offering the same kind are kept, with a warning in [`ServiceFile::warnings`]:
//! each would stand in for the other when one closes, so neither shows as the only point of
//! its kind. A file without rows or features is an error.

use crate::base::coord::Coord;
use crate::base::error::{Error, Result};
use crate::base::feature::{FeatureId, Kinds as KindCatalogue, ServiceKind, ServicePoint};
use crate::base::warning::Warning;
use crate::input::crs::Crs;
use crate::input::points::read_point_features;
use crate::input::table::{read_csv, read_xlsx, PointColumns, Table};
use crate::ServiceKinds;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Pipos `Servicetyp` values and the kinds they give (compared case-insensitively).
pub const PIPOS_KINDS: &[(&str, ServiceKind)] = &[
    ("Dagligvaror", ServiceKind::GROCERY),
    ("Drivmedel", ServiceKind::FUEL),
    ("Post/paket", ServiceKind::POST),
    ("Post och paket", ServiceKind::POST),
    ("Paketombud", ServiceKind::POST),
    ("Apoteksvaror", ServiceKind::PHARMACY),
    ("Kontantuttag", ServiceKind::PAYMENT),
    ("Betalningsförmedling", ServiceKind::PAYMENT),
    ("Dagskasseinsättning", ServiceKind::PAYMENT),
];

/// The service points of one file.
#[derive(Clone, Debug)]
pub struct ServiceFile {
    /// The points, in file order.
    pub points: Vec<ServicePoint>,
    /// Which format was recognised: `pipos`, `csv`, `xlsx` or `geojson`.
    pub format: &'static str,
    /// The file it was read from.
    pub path: PathBuf,
    /// What was read but should be looked at (points repeating another's place and kind).
    pub warnings: Vec<Warning>,
}

impl ServiceFile {
    /// The kinds present in the file.
    pub fn kinds(&self) -> ServiceKinds {
        self.points
            .iter()
            .fold(ServiceKinds::EMPTY, |acc, p| acc | p.kinds)
    }
}

/// Reads a service file of the five built-in kinds; `crs` is the coordinate system of generic
/// `x`/`y` columns.
///
/// # Errors
/// [`Error::Input`] naming the file and line of the first bad record, or a missing column.
pub fn read_services(path: &Path, crs: Option<&Crs>) -> Result<ServiceFile> {
    read_services_with(path, crs, &KindCatalogue::default())
}

/// Reads a service file whose `kinds` name kinds of `kinds` (a project's own kinds too);
/// `crs` is the coordinate system of generic `x`/`y` columns.
///
/// # Errors
/// [`Error::Input`] naming the file and line of the first bad record, or a missing column.
pub fn read_services_with(
    path: &Path,
    crs: Option<&Crs>,
    kinds: &KindCatalogue,
) -> Result<ServiceFile> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "geojson" | "json" => read_geojson(path, kinds),
        "xlsx" | "xlsm" | "xls" | "ods" => from_table(path, &read_xlsx(path)?, crs, "xlsx", kinds),
        "csv" | "txt" => from_table(path, &read_csv(path)?, crs, "csv", kinds),
        _ => Err(Error::input(
            path,
            None,
            "unknown service file type: use .csv, .xlsx or .geojson",
        )),
    }
}

/// Why a cell or property of a service point file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceFieldError {
    /// A name that is none of the run's kinds.
    #[error(transparent)]
    UnknownKind(Box<crate::base::kind::UnknownKind>),
    /// An empty list of kinds.
    #[error("no kind given")]
    NoKind,
    /// A GeoJSON feature without a `kinds` (or `kind`) text or list.
    #[error("no `kinds` property")]
    NoKindsProperty,
    /// A yes/no cell (`mobile`, `seasonal`) that is no yes/no value.
    #[error("`{column}` is `{text}`: use yes/no, true/false, 1/0 or leave it empty")]
    Flag {
        /// The column: `mobile` or `seasonal`.
        column: &'static str,
        /// The cell as given.
        text: String,
    },
    /// A GeoJSON yes/no property (`mobile`, `seasonal`) that is neither a boolean nor text.
    #[error("`{column}` is `{value}`: use true/false, yes/no, 1/0 or leave it out")]
    FlagProperty {
        /// The property: `mobile` or `seasonal`.
        column: &'static str,
        /// The property as JSON.
        value: String,
    },
    /// A `capacity` cell or property that is no positive finite number.
    #[error("`capacity` is `{text}`: use a positive number (e.g. 1, 2.5) or leave it empty")]
    Capacity {
        /// The value as given.
        text: String,
    },
}

/// Parses a `capacity` value: a positive finite number, `.` or `,` as the decimal mark, or
/// empty (= not given).
pub fn parse_capacity(text: &str) -> std::result::Result<Option<f64>, ServiceFieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || ServiceFieldError::Capacity {
        text: text.to_owned(),
    };
    // Only plain decimal numbers: `inf`, `nan` and hex are no capacities.
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | 'e' | 'E' | '+' | '-'))
    {
        return Err(bad());
    }
    let value: f64 = t.replacen(',', ".", 1).parse().map_err(|_| bad())?;
    if value.is_finite() && value > 0.0 {
        Ok(Some(value))
    } else {
        Err(bad())
    }
}

/// Parses a yes/no value of `column` (`mobile`, `seasonal`): `yes`/`no`, `true`/`false`,
/// `1`/`0` (case-insensitive) or empty (= no).
pub fn parse_flag(
    column: &'static str,
    text: &str,
) -> std::result::Result<bool, ServiceFieldError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" | "" => Ok(false),
        _ => Err(ServiceFieldError::Flag {
            column,
            text: text.to_owned(),
        }),
    }
}

/// Parses a GeoJSON yes/no property of `column`: absent, `null`, a boolean or a text that
/// [`parse_flag`] reads.
fn flag_property(
    column: &'static str,
    value: Option<&serde_json::Value>,
) -> std::result::Result<bool, ServiceFieldError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(false),
        Some(serde_json::Value::Bool(b)) => Ok(*b),
        Some(serde_json::Value::String(s)) => parse_flag(column, s),
        Some(other) => Err(ServiceFieldError::FlagProperty {
            column,
            value: other.to_string(),
        }),
    }
}

/// Parses names of the built-in kinds (`grocery;post`, `grocery post`, `grocery,post`).
///
/// # Errors
/// [`ServiceFieldError::UnknownKind`] or [`ServiceFieldError::NoKind`].
pub fn parse_kinds(text: &str) -> std::result::Result<ServiceKinds, ServiceFieldError> {
    parse_kinds_in(text, &KindCatalogue::default())
}

/// Parses names of kinds of `catalogue` (`grocery;post`, `grocery ev_charging`), case aside.
///
/// # Errors
/// [`ServiceFieldError::UnknownKind`] with the closest kind or the list of kinds, or
/// [`ServiceFieldError::NoKind`].
pub fn parse_kinds_in(
    text: &str,
    catalogue: &KindCatalogue,
) -> std::result::Result<ServiceKinds, ServiceFieldError> {
    let mut kinds = ServiceKinds::EMPTY;
    for name in text.split([';', ',', ' ', '|']).filter(|n| !n.is_empty()) {
        let kind = catalogue
            .resolve(name)
            .map_err(ServiceFieldError::UnknownKind)?;
        kinds |= ServiceKinds::of(kind);
    }
    if kinds.is_empty() {
        return Err(ServiceFieldError::NoKind);
    }
    Ok(kinds)
}

fn from_table(
    path: &Path,
    table: &Table,
    crs: Option<&Crs>,
    format: &'static str,
    kinds: &KindCatalogue,
) -> Result<ServiceFile> {
    let missing = |what: &str| Error::input(path, Some(1), format!("no `{what}` column"));
    let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    table.require_rows(path)?;
    let pipos = [
        "Servicetyp",
        "Serviceform",
        "Serviceplatsid",
        "Namn",
        "X",
        "Y",
    ]
    .iter()
    .all(|c| table.column(&[c]).is_some());
    let mut points = Vec::with_capacity(table.rows.len());
    let flag = |column: &'static str| {
        let col = table.column(&[column]);
        move |line: u64, row: &[String]| {
            col.map_or(Ok(false), |c| {
                parse_flag(column, &cell(row, c)).map_err(|e| Error::input(path, Some(line), e))
            })
        }
    };
    let (mobile, seasonal) = (flag("mobile"), flag("seasonal"));
    let capacity_col = table.column(&["capacity"]);
    let capacity = |line: u64, row: &[String]| {
        capacity_col.map_or(Ok(None), |c| {
            parse_capacity(&cell(row, c)).map_err(|e| Error::input(path, Some(line), e))
        })
    };
    if pipos {
        let col = |c: &str| table.column(&[c]).ok_or_else(|| missing(c));
        let (typ, form, id, name, x, y) = (
            col("Servicetyp")?,
            col("Serviceform")?,
            col("Serviceplatsid")?,
            col("Namn")?,
            col("X")?,
            col("Y")?,
        );
        let points_at = PointColumns::new(
            x,
            y,
            ("X", "Y"),
            crs.cloned().unwrap_or_else(Crs::sweref99tm),
        );
        for (line, row) in &table.rows {
            let t = cell(row, typ);
            let kind = PIPOS_KINDS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(t.trim()))
                .map(|(_, k)| *k)
                .ok_or_else(|| {
                    let known: Vec<&str> = PIPOS_KINDS.iter().map(|(n, _)| *n).collect();
                    Error::input(
                        path,
                        Some(*line),
                        format!("unknown Servicetyp `{t}` (known: {})", known.join(", ")),
                    )
                })?;
            let id = Some(cell(row, id)).filter(|i| !i.is_empty());
            points.push(Record {
                place: *line,
                explicit_id: id.is_some(),
                point: ServicePoint {
                    id: FeatureId::File(id.unwrap_or_else(|| format!("{}:{line}", path.display()))),
                    name: Some(cell(row, name)).filter(|n| !n.is_empty()),
                    kinds: ServiceKinds::of(kind),
                    coord: points_at.coord(path, *line, row)?,
                    form: Some(cell(row, form)).filter(|f| !f.is_empty()),
                    mobile: mobile(*line, row)?,
                    seasonal: seasonal(*line, row)?,
                    capacity: capacity(*line, row)?,
                },
            });
        }
        return finish(path, points, "pipos", Unit::Line, kinds);
    }
    let kinds_col = table
        .column(&["kinds", "kind"])
        .ok_or_else(|| missing("kinds"))?;
    let id_col = table.column(&["id"]);
    let name_col = table.column(&["name", "namn"]);
    let form_col = table.column(&["form", "serviceform"]);
    let points_at = table.point_columns(path, crs)?;
    for (line, row) in &table.rows {
        let kinds = parse_kinds_in(&cell(row, kinds_col), kinds)
            .map_err(|e| Error::input(path, Some(*line), e))?;
        let id = id_col.map(|c| cell(row, c)).filter(|i| !i.is_empty());
        points.push(Record {
            place: *line,
            explicit_id: id.is_some(),
            point: ServicePoint {
                id: FeatureId::File(id.unwrap_or_else(|| format!("{}:{line}", path.display()))),
                name: name_col.map(|c| cell(row, c)).filter(|n| !n.is_empty()),
                kinds,
                coord: points_at.coord(path, *line, row)?,
                form: form_col.map(|c| cell(row, c)).filter(|f| !f.is_empty()),
                mobile: mobile(*line, row)?,
                seasonal: seasonal(*line, row)?,
                capacity: capacity(*line, row)?,
            },
        });
    }
    finish(path, points, format, Unit::Line, kinds)
}

fn read_geojson(path: &Path, catalogue: &KindCatalogue) -> Result<ServiceFile> {
    let points = read_point_features(path)?
        .into_iter()
        .map(|f| {
            let prop = |name: &str| f.feature.property(name);
            let kinds = match prop("kinds").or_else(|| prop("kind")) {
                Some(serde_json::Value::Array(items)) => {
                    let names: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
                    parse_kinds_in(&names.join(";"), catalogue)
                }
                Some(serde_json::Value::String(s)) => parse_kinds_in(s, catalogue),
                _ => Err(ServiceFieldError::NoKindsProperty),
            }
            .map_err(|e| f.error(path, e))?;
            let feature_id = f.feature.id.as_ref().map(|id| match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            });
            let id = f.text("id").or(feature_id);
            let explicit_id = id.is_some();
            let id = id.unwrap_or_else(|| format!("{}:{}", path.display(), f.record));
            let mobile = flag_property("mobile", prop("mobile")).map_err(|e| f.error(path, e))?;
            let seasonal =
                flag_property("seasonal", prop("seasonal")).map_err(|e| f.error(path, e))?;
            let capacity = match prop("capacity") {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::Number(n)) => parse_capacity(&n.to_string()),
                Some(serde_json::Value::String(s)) => parse_capacity(s),
                Some(other) => Err(ServiceFieldError::Capacity {
                    text: other.to_string(),
                }),
            }
            .map_err(|e| f.error(path, e))?;
            Ok(Record {
                place: f.record,
                explicit_id,
                point: ServicePoint {
                    id: FeatureId::File(id),
                    name: f.text("name"),
                    kinds,
                    coord: f.coord,
                    form: f.text("form"),
                    mobile,
                    seasonal,
                    capacity,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if points.is_empty() {
        return Err(Error::input(
            path,
            None,
            "no features: the FeatureCollection is empty",
        ));
    }
    finish(path, points, "geojson", Unit::Feature, catalogue)
}

/// One point as read, with its place in the file.
struct Record {
    /// The 1-based line (tables) or feature number (GeoJSON).
    place: u64,
    /// Whether the file gave the id (rather than `FILE:LINE` standing in for it).
    explicit_id: bool,
    point: ServicePoint,
}

/// How a file counts its records, for messages.
#[derive(Clone, Copy)]
enum Unit {
    Line,
    Feature,
}

impl Unit {
    fn at(self, place: u64) -> String {
        match self {
            Unit::Line => format!("line {place}"),
            Unit::Feature => format!("feature {place}"),
        }
    }
}

/// Merges records sharing an id (see the module documentation), refuses those that disagree,
/// and warns of points repeating another's place and kind.
fn finish(
    path: &Path,
    records: Vec<Record>,
    format: &'static str,
    unit: Unit,
    kinds: &KindCatalogue,
) -> Result<ServiceFile> {
    // Id -> index in `kept` of the point it names, and that point's place in the file.
    let mut by_id: HashMap<String, (usize, u64)> = HashMap::new();
    let mut kept: Vec<(u64, ServicePoint)> = Vec::with_capacity(records.len());
    for Record {
        place,
        explicit_id,
        point,
    } in records
    {
        let key = point.id.to_string();
        let first = explicit_id.then(|| by_id.get(&key).copied()).flatten();
        let Some((i, first_place)) = first else {
            if explicit_id {
                by_id.insert(key, (kept.len(), place));
            }
            kept.push((place, point));
            continue;
        };
        let earlier = &mut kept[i].1;
        let differs = if earlier.coord != point.coord {
            Some(format!(
                "other coordinates ({}, {} there, {}, {} here)",
                earlier.coord.lon(),
                earlier.coord.lat(),
                point.coord.lon(),
                point.coord.lat()
            ))
        } else if earlier.name != point.name {
            Some("another name".to_owned())
        } else if earlier.mobile != point.mobile {
            Some("another `mobile` value".to_owned())
        } else if earlier.seasonal != point.seasonal {
            Some("another `seasonal` value".to_owned())
        } else if earlier.capacity != point.capacity {
            Some("another `capacity` value".to_owned())
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(Error::input(
                path,
                Some(place),
                format!(
                    "id `{key}` is also on {} with {what}: an id names one service point; give \
                     one of them another id, or make both agree to merge them",
                    unit.at(first_place)
                ),
            ));
        }
        earlier.kinds |= point.kinds;
        if let Some(form) = point.form {
            match &mut earlier.form {
                Some(forms) => {
                    if !forms.split("; ").any(|f| f == form) {
                        forms.push_str("; ");
                        forms.push_str(&form);
                    }
                }
                None => earlier.form = Some(form),
            }
        }
    }
    let warnings = repeated_points(path, &kept, unit, kinds)
        .into_iter()
        .collect();
    Ok(ServiceFile {
        points: kept.into_iter().map(|(_, p)| p).collect(),
        format,
        path: path.to_path_buf(),
        warnings,
    })
}

/// The warning for points at exactly the place of an earlier point with a kind in common,
/// naming the first such pair; `None` if there are none.
fn repeated_points(
    path: &Path,
    points: &[(u64, ServicePoint)],
    unit: Unit,
    kinds: &KindCatalogue,
) -> Option<Warning> {
    let mut at: HashMap<Coord, Vec<usize>> = HashMap::new();
    let mut repeats = 0usize;
    let mut first: Option<(usize, usize, ServiceKind)> = None;
    for (i, (_, p)) in points.iter().enumerate() {
        let earlier = at.entry(p.coord).or_default();
        let shared = earlier.iter().find_map(|&j| {
            let kind = kinds.of(p.kinds).find(|&k| points[j].1.kinds.contains(k))?;
            Some((j, kind))
        });
        if let Some((j, kind)) = shared {
            repeats += 1;
            first.get_or_insert((j, i, kind));
        }
        earlier.push(i);
    }
    let (j, i, kind) = first?;
    let (a, b) = (&points[j], &points[i]);
    Some(Warning::in_file(
        path,
        format!(
            "{repeats} point(s) at exactly the place of an earlier point of the same kind, \
             first {} (`{}`) repeating {} (`{}`), both {kind}: each stands in for the other, so \
             neither counts as the only {kind} in `vulnerable`; remove the copy or give both \
             rows one id to merge them",
            unit.at(b.0),
            b.1.id,
            unit.at(a.0),
            a.1.id,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_lists() {
        assert_eq!(
            parse_kinds("grocery;post"),
            Ok(ServiceKinds::GROCERY | ServiceKinds::POST)
        );
        assert_eq!(
            parse_kinds("Payment, fuel"),
            Ok(ServiceKinds::PAYMENT | ServiceKinds::FUEL)
        );
        assert!(
            parse_kinds("bakery").is_err_and(|e| e.to_string().contains("unknown kind `bakery`"))
        );
        assert!(parse_kinds(" ").is_err());
    }

    #[test]
    fn capacity_values() {
        for (text, value) in [("1", 1.0), (" 2.5 ", 2.5), ("0,5", 0.5), ("3e2", 300.0)] {
            assert_eq!(parse_capacity(text), Ok(Some(value)), "{text}");
        }
        assert_eq!(parse_capacity(""), Ok(None));
        assert_eq!(parse_capacity("  "), Ok(None));
        for bad in [
            "0", "-1", "x", "inf", "NaN", "1e400", "1.5.2", "0x10", "two",
        ] {
            assert!(
                parse_capacity(bad).is_err_and(|e| e.to_string().contains(&format!("`{bad}`"))),
                "{bad}"
            );
        }
    }

    #[test]
    fn flag_values() {
        for column in ["mobile", "seasonal"] {
            for yes in ["yes", "YES", "true", "True", "1", " yes "] {
                assert_eq!(parse_flag(column, yes), Ok(true), "{yes}");
            }
            for no in ["no", "No", "false", "FALSE", "0", ""] {
                assert_eq!(parse_flag(column, no), Ok(false), "{no}");
            }
            for bad in ["ja", "y", "2", "summer", "1.0"] {
                let message = parse_flag(column, bad).map_err(|e| e.to_string());
                assert_eq!(
                    message,
                    Err(format!(
                        "`{column}` is `{bad}`: use yes/no, true/false, 1/0 or leave it empty"
                    ))
                );
            }
        }
        let json = serde_json::json!(3);
        assert_eq!(
            flag_property("seasonal", Some(&json)).map_err(|e| e.to_string()),
            Err("`seasonal` is `3`: use true/false, yes/no, 1/0 or leave it out".to_owned())
        );
        assert_eq!(
            flag_property("seasonal", Some(&serde_json::json!("Yes"))),
            Ok(true)
        );
    }
}
