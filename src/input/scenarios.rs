//! Scenario files (TOML): named scenarios, each adding and closing service points.
//!
//! ```toml
//! crs = "EPSG:3006"            # optional: the default for x/y below
//!
//! [[scenario]]
//! name = "Konsum closes"
//! remove = ["node/2301", "Konsum Storgatan"]   # service ids or names
//!
//! [[scenario]]
//! name = "Shop van in Lillby"
//! [[scenario.add]]
//! name = "Van stop Lillby"
//! lon = 14.51
//! lat = 62.10                  # or x = ..., y = ... (with crs)
//! kinds = ["grocery", "post"]  # or "grocery;post"
//! mobile = true                # optional
//! seasonal = true              # optional: open in summer only
//! ```
//!
//! Names must be present and unique; an added point needs its kinds and one pair of
//! coordinates. Ids of added points default to `<scenario>/<n>`.

use crate::base::error::{Error, Result};
use crate::base::feature::{FeatureId, ServicePoint};
use crate::input::crs::{Crs, CrsError};
use crate::input::services::{parse_kinds_in, ServiceFieldError};
use crate::ServiceKinds;
use serde::Deserialize;
use std::path::Path;

/// Why a scenario file is refused, with the 1-based line where known.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{problem}")]
pub struct ScenarioFileError {
    /// The line, when known.
    pub line: Option<u64>,
    /// What is wrong.
    pub problem: ScenarioProblem,
}

/// What is wrong with a scenario file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ScenarioProblem {
    /// Not TOML, or an unknown key: the TOML parser's message.
    #[error("{0}")]
    Toml(String),
    /// No `[[scenario]]` at all.
    #[error("no scenarios: add one with [[scenario]] and a name")]
    Empty,
    /// The file's default `crs` is refused.
    #[error("crs: {0}")]
    Crs(CrsError),
    /// A scenario without a name.
    #[error("scenario {number} has no name")]
    NoName {
        /// The scenario's 1-based position in the file.
        number: usize,
    },
    /// Two scenarios with one name.
    #[error("two scenarios are named {name:?}; names must be unique")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// An added point is refused.
    #[error("scenario {scenario:?}, added point {point}: {error}")]
    Added {
        /// The scenario's name.
        scenario: String,
        /// The point's 1-based position in the scenario.
        point: usize,
        /// Why.
        error: AddedPointError,
    },
}

/// Why a scenario's added point is refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AddedPointError {
    /// No kinds, or an empty list.
    #[error("no kinds (e.g. kinds = [\"grocery\", \"post\"])")]
    NoKinds,
    /// A kind name that is unknown.
    #[error(transparent)]
    Kinds(#[from] ServiceFieldError),
    /// Its `crs`, or coordinates that do not fit the system.
    #[error(transparent)]
    Crs(#[from] CrsError),
    /// `x`/`y` and no `crs` here or for the file.
    #[error("x/y need a crs (crs = \"EPSG:3006\" here or at the top of the file)")]
    NoCrs,
    /// Neither lon/lat nor x/y.
    #[error("give its location as lon and lat, or as x and y with a crs")]
    NoLocation,
    /// The location converts to no number.
    #[error("its location is not a number")]
    NotANumber,
}

/// One scenario as given.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Its name, unique in the file.
    pub name: String,
    /// Ids or names of the service points it closes.
    pub remove: Vec<String>,
    /// The points it opens, in WGS 84.
    pub add: Vec<ServicePoint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    crs: Option<String>,
    #[serde(default)]
    scenario: Vec<Spec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    add: Vec<AddSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddSpec {
    id: Option<String>,
    name: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    x: Option<f64>,
    y: Option<f64>,
    crs: Option<String>,
    kinds: Option<Kinds>,
    #[serde(default)]
    mobile: bool,
    #[serde(default)]
    seasonal: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Kinds {
    List(Vec<String>),
    Text(String),
}

/// Reads a scenario file.
///
/// # Errors
/// [`Error::Input`] naming the file (and line where known): TOML errors and unknown keys, a
/// scenario without a name, duplicate names, an added point without kinds or coordinates, an
/// unknown kind, coordinates out of range for their CRS, an empty file.
pub fn read_scenarios(path: &Path) -> Result<Vec<Scenario>> {
    read_scenarios_with(path, &crate::Kinds::default())
}

/// Reads a scenario file whose added points name kinds of `kinds` (a project's own too).
///
/// # Errors
/// As [`read_scenarios`].
pub fn read_scenarios_with(path: &Path, kinds: &crate::Kinds) -> Result<Vec<Scenario>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_scenarios_with(&text, kinds).map_err(|e| Error::input(path, e.line, e.problem))
}

/// Parses scenario file text with the five built-in kinds.
///
/// # Errors
/// [`ScenarioFileError`] with the 1-based line where known.
pub fn parse_scenarios(text: &str) -> std::result::Result<Vec<Scenario>, ScenarioFileError> {
    parse_scenarios_with(text, &crate::Kinds::default())
}

/// Parses scenario file text whose added points name kinds of `kinds`.
///
/// # Errors
/// [`ScenarioFileError`] with the 1-based line where known.
pub fn parse_scenarios_with(
    text: &str,
    kinds: &crate::Kinds,
) -> std::result::Result<Vec<Scenario>, ScenarioFileError> {
    let at = |line: Option<u64>, problem: ScenarioProblem| ScenarioFileError { line, problem };
    let file: File = crate::input::toml::parse_toml(text)
        .map_err(|e| at(e.line, ScenarioProblem::Toml(e.message)))?;
    if file.scenario.is_empty() {
        return Err(at(None, ScenarioProblem::Empty));
    }
    let default_crs = file
        .crs
        .as_deref()
        .map(Crs::parse)
        .transpose()
        .map_err(|e| at(line_of(text, "crs", 0), ScenarioProblem::Crs(e)))?;
    let mut scenarios: Vec<Scenario> = Vec::new();
    // Scenario n starts at the n-th `[[scenario]]` header.
    let headers: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[scenario]]"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let add_headers: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[scenario.add]]"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let mut adds_seen = 0;
    for (n, spec) in file.scenario.into_iter().enumerate() {
        let header = headers.get(n).copied();
        let Some(name) = spec
            .name
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
        else {
            return Err(at(header, ScenarioProblem::NoName { number: n + 1 }));
        };
        if scenarios.iter().any(|s| s.name == name) {
            return Err(at(header, ScenarioProblem::DuplicateName { name }));
        }
        let mut add = Vec::new();
        for (i, a) in spec.add.into_iter().enumerate() {
            let line = add_headers.get(adds_seen).copied();
            adds_seen += 1;
            let point = added_point(a, default_crs.as_ref(), kinds, &name, i).map_err(|error| {
                let problem = ScenarioProblem::Added {
                    scenario: name.clone(),
                    point: i + 1,
                    error,
                };
                at(line, problem)
            })?;
            add.push(point);
        }
        scenarios.push(Scenario {
            name,
            remove: spec.remove,
            add,
        });
    }
    Ok(scenarios)
}

fn added_point(
    a: AddSpec,
    default_crs: Option<&Crs>,
    catalogue: &crate::Kinds,
    scenario: &str,
    i: usize,
) -> std::result::Result<ServicePoint, AddedPointError> {
    let kinds = match a.kinds {
        None => return Err(AddedPointError::NoKinds),
        Some(Kinds::Text(t)) => parse_kinds_in(&t, catalogue)?,
        Some(Kinds::List(list)) => list.iter().try_fold(ServiceKinds::EMPTY, |acc, k| {
            parse_kinds_in(k, catalogue).map(|kinds| acc | kinds)
        })?,
    };
    if kinds.is_empty() {
        return Err(AddedPointError::NoKinds);
    }
    let (lon, lat) = match (a.lon, a.lat, a.x, a.y) {
        (Some(lon), Some(lat), None, None) => {
            let wgs84 = Crs::wgs84();
            wgs84.check_plausible(lon, lat)?;
            (lon, lat)
        }
        (None, None, Some(x), Some(y)) => {
            let crs = match (&a.crs, default_crs) {
                (Some(spec), _) => Crs::parse(spec)?,
                (None, Some(crs)) => crs.clone(),
                (None, None) => return Err(AddedPointError::NoCrs),
            };
            crs.check_plausible(x, y)?;
            crs.to_lon_lat(x, y)?
        }
        _ => return Err(AddedPointError::NoLocation),
    };
    if !(lon.is_finite() && lat.is_finite()) {
        return Err(AddedPointError::NotANumber);
    }
    Ok(ServicePoint {
        id: FeatureId::File(a.id.unwrap_or_else(|| format!("{scenario}/{}", i + 1))),
        name: a.name,
        kinds,
        coord: crate::base::coord::Coord::from_degrees(lon, lat),
        form: None,
        mobile: a.mobile,
        seasonal: a.seasonal,
        capacity: None,
    })
}

/// The line of the first `key =` at or after line `from` (0-based).
fn line_of(text: &str, key: &str, from: usize) -> Option<u64> {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|(i, _)| i as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file() {
        let text = r#"
crs = "EPSG:3006"

[[scenario]]
name = "Konsum closes"
remove = ["node/1", "Konsum"]

[[scenario]]
name = "Van"
[[scenario.add]]
name = "Van stop"
lon = 14.5
lat = 62.1
kinds = ["grocery", "post"]
mobile = true
[[scenario.add]]
x = 500000
y = 6900000
kinds = "pharmacy"
seasonal = true
"#;
        let s = parse_scenarios(text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].remove, ["node/1", "Konsum"]);
        assert_eq!(s[1].add.len(), 2);
        let van = &s[1].add[0];
        assert!(van.mobile && van.kinds == ServiceKinds::GROCERY | ServiceKinds::POST);
        assert!(!van.seasonal && s[1].add[1].seasonal && !s[1].add[1].mobile);
        assert_eq!(van.id.to_string(), "Van/1");
        let (lon, lat) = (s[1].add[1].coord.lon(), s[1].add[1].coord.lat());
        // SWEREF 99 TM's central meridian is 15° E; y 6 900 000 m is about 62.2° N.
        assert!(
            (lon - 15.0).abs() < 1e-6 && (lat - 62.2).abs() < 0.1,
            "{lon} {lat}"
        );
    }

    #[test]
    fn errors_name_what_and_where() {
        let cases = [
            ("[[scenario]]\nremove = []\n", "no name", Some(1)),
            (
                "[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"a\"\n",
                "unique",
                Some(3),
            ),
            (
                "[[scenario]]\nname = \"a\"\n[[scenario.add]]\nlon = 1\nlat = 2\n",
                "no kinds",
                Some(3),
            ),
            (
                "[[scenario]]\nname = \"a\"\n[[scenario.add]]\nlon = 1\nlat = 2\nkinds = \"bakery\"\n",
                "bakery",
                Some(3),
            ),
            (
                "[[scenario]]\nname = \"a\"\n[[scenario.add]]\nlon = 500000\nlat = 6900000\nkinds = \"fuel\"\n",
                "EPSG",
                Some(3),
            ),
            (
                "[[scenario]]\nname = \"a\"\n[[scenario.add]]\nx = 1\ny = 2\nkinds = \"fuel\"\n",
                "crs",
                Some(3),
            ),
            ("[[scenario]]\nname = \"a\"\ncolour = 3\n", "colour", Some(3)),
            ("", "no scenarios", None),
        ];
        for (text, needle, line) in cases {
            let (got, message) = parse_scenarios(text)
                .err()
                .map(|e| (e.line, e.to_string()))
                .unwrap_or_default();
            assert!(message.contains(needle), "{text:?}: {message}");
            assert_eq!(got, line, "{text:?}: {message}");
        }
    }
}
