//! SCB population grid squares ("Statistik på rutor").
//!
//! Statistics Sweden publishes population on a grid of squares in SWEREF 99 TM (EPSG:3006),
//! 1 km or 250 m on a side. Each square is named by a 13-digit code: the easting of its
//! lower-left corner in metres (6 digits) followed by the northing of that corner (7 digits),
//! so `2690006534000` is the square with corner (269 000, 6 534 000).
//!
//! [`read_grid`] reads such a table from a CSV file, plain or gzip-compressed (recognised by a
//! `.gz` extension or by the gzip magic bytes `1f 8b`, whichever applies). The delimiter is the
//! first of `,`, `;` or tab found in the header line (`,` if none). Other columns are ignored.
//!
//! ## Columns
//! Header names are compared after trimming white space (and a UTF-8 byte order mark),
//! ignoring ASCII and Swedish letter case.
//! - **Square code**: the first of `rutid_scb`, `rutid`, `ruta` that the header has.
//! - **Population**: the first of `pop`, `pop_2024`, `befolkning`, `beftotalt`, `population`
//!   that the header has; if none, the one column (not a population group) whose name
//!   *starts with* `pop` or `bef`. Two or more such columns without an exact name among them
//!   are an error (name the column with [`GridOptions::population_column`]).
//! - **Population groups** ([`GridOptions::groups`]): further population columns named by the
//!   planner (e.g. `pop_70plus`), read as [`crate::input::groups`] says: an empty cell is an
//!   unknown value, anything but a non-negative whole number an error naming the line.
//!
//! ## Square size
//! Unless given ([`GridOptions::size_m`]), the size is inferred from the whole file: 1 000 m if
//! every corner coordinate is a multiple of 1 000, else 250 m if every one is a multiple of
//! 250, else an error naming the first square that fits neither. A given size must divide
//! every corner coordinate. A square's settlement point is its centre, corner + size / 2
//! ([`GridSquare::centre`]); turning that into (lon, lat) needs a projection, which the caller
//! passes to [`GridSquare::centre_lonlat`].
//!
//! ## Errors
//! Every bad row is an [`Error::Input`] naming the file and the 1-based line: a code that is
//! not exactly 13 digits, a corner outside SWEREF 99 TM's area of use (easting 180 000 to
//! 1 090 000 m, northing 6 100 000 to 7 700 000 m; the message asks whether easting and northing
//! were swapped when the code fits that way round), a population that is empty, negative, fractional or not a number, a
//! code seen before (the message names the earlier line), a row with too few fields. A missing
//! column is an error on line 1, and so is a header without squares ("no rows"). Squares come
//! back in file order.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::base::error::Error;
use crate::input::crs::{SWEREF99TM_EASTING_M, SWEREF99TM_NORTHING_M};

/// Square-code column names, in order of preference (compared case-insensitively).
pub const CODE_COLUMNS: [&str; 3] = ["rutid_scb", "rutid", "ruta"];

/// Population column names, in order of preference (compared case-insensitively). Without any
/// of these, a single column starting with one of [`POPULATION_PREFIXES`] is taken.
pub const POPULATION_COLUMNS: [&str; 5] =
    ["pop", "pop_2024", "befolkning", "beftotalt", "population"];

/// Prefixes that mark a population column when none of [`POPULATION_COLUMNS`] is present.
pub const POPULATION_PREFIXES: [&str; 2] = ["pop", "bef"];

/// One populated grid square.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GridSquare {
    /// The 13-digit SCB square code, as in the file (trimmed).
    pub code: String,
    /// SWEREF 99 TM easting of the lower-left corner, metres.
    pub corner_x: u32,
    /// SWEREF 99 TM northing of the lower-left corner, metres.
    pub corner_y: u32,
    /// Side of the square, metres (1 000 or 250 when inferred).
    pub size_m: u32,
    /// People living in the square.
    pub population: u64,
    /// The population of each of [`GridOptions::groups`], in that order (`None` for an empty
    /// cell); empty without groups.
    pub groups: Vec<Option<u64>>,
}

impl GridSquare {
    /// The centre of the square in SWEREF 99 TM metres, (easting, northing): the square's
    /// settlement point.
    pub fn centre(&self) -> (f64, f64) {
        let half = f64::from(self.size_m) / 2.0;
        (
            f64::from(self.corner_x) + half,
            f64::from(self.corner_y) + half,
        )
    }

    /// The centre as (lon, lat), through `sweref_to_lonlat`, a projection from SWEREF 99 TM
    /// (easting, northing) to WGS 84 (lon, lat) degrees supplied by the caller.
    pub fn centre_lonlat<F>(&self, sweref_to_lonlat: F) -> (f64, f64)
    where
        F: FnOnce(f64, f64) -> (f64, f64),
    {
        let (x, y) = self.centre();
        sweref_to_lonlat(x, y)
    }
}

/// How to read a grid file; the default infers everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridOptions {
    /// Square side in metres; `None` infers 1 000 or 250 from the corners.
    pub size_m: Option<u32>,
    /// Population column name (case-insensitive); `None` applies the rule in the module
    /// documentation.
    pub population_column: Option<String>,
    /// Population group columns (case-insensitive) read into [`GridSquare::groups`].
    pub groups: Vec<String>,
}

/// Reads the SCB grid squares in `path` (CSV, optionally gzip-compressed). `size` overrides
/// the inferred square side in metres. See the [module documentation](self) for the columns,
/// the size rule and the errors.
pub fn read_grid(path: &Path, size: Option<u32>) -> Result<Vec<GridSquare>, Error> {
    read_grid_with(
        path,
        &GridOptions {
            size_m: size,
            ..GridOptions::default()
        },
    )
}

/// Reads the SCB grid squares in `path` with explicit [`GridOptions`].
pub fn read_grid_with(path: &Path, options: &GridOptions) -> Result<Vec<GridSquare>, Error> {
    let bytes = read_maybe_gzip(path)?;
    parse_grid(path, &bytes, options)
}

/// The whole file, decompressed if it is gzip (by extension or magic bytes).
fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>, Error> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let gz_ext = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let gz_magic = raw.starts_with(&[0x1f, 0x8b]);
    if !(gz_ext || gz_magic) {
        return Ok(raw);
    }
    if !gz_magic {
        return Err(Error::input(
            path,
            None,
            "named .gz but not gzip-compressed (no gzip magic bytes)",
        ));
    }
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4));
    MultiGzDecoder::new(raw.as_slice())
        .read_to_end(&mut out)
        .map_err(|e| Error::input(path, None, format!("damaged gzip data: {e}")))?;
    Ok(out)
}

/// Lower-cases a header name for comparison (ASCII and Å, Ä, Ö via Unicode lowercase), after
/// trimming white space and a byte order mark.
fn header_key(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The delimiter: the first of `,`, `;`, tab in the first line, else `,`.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    first_line
        .iter()
        .copied()
        .find(|b| matches!(b, b',' | b';' | b'\t'))
        .unwrap_or(b',')
}

/// Column indices of the square code and the population.
fn find_columns(
    path: &Path,
    headers: &[String],
    options: &GridOptions,
) -> Result<(usize, usize), Error> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let position = |name: &str| keys.iter().position(|k| k == name);
    let listed = || headers.join(", ");

    let code = CODE_COLUMNS
        .iter()
        .find_map(|c| position(c))
        .ok_or_else(|| {
            Error::input(
                path,
                Some(1),
                format!(
                    "no square-code column (one of {}) in the header: {}",
                    CODE_COLUMNS.join(", "),
                    listed()
                ),
            )
        })?;

    let pop = if let Some(wanted) = &options.population_column {
        position(&header_key(wanted)).ok_or_else(|| {
            Error::input(
                path,
                Some(1),
                format!(
                    "no population column `{wanted}` in the header: {}",
                    listed()
                ),
            )
        })?
    } else if let Some(i) = POPULATION_COLUMNS.iter().find_map(|c| position(c)) {
        i
    } else {
        let by_prefix: Vec<usize> = keys
            .iter()
            .enumerate()
            // A population group (`pop_70plus`) is not the population.
            .filter(|(_, k)| !options.groups.iter().any(|g| header_key(g) == **k))
            .filter(|(i, k)| *i != code && POPULATION_PREFIXES.iter().any(|p| k.starts_with(p)))
            .map(|(i, _)| i)
            .collect();
        match by_prefix.as_slice() {
            [i] => *i,
            [] => {
                return Err(Error::input(
                    path,
                    Some(1),
                    format!(
                    "no population column (one of {} or a name starting with {}) in the header: {}",
                    POPULATION_COLUMNS.join(", "),
                    POPULATION_PREFIXES.join(" or "),
                    listed()
                ),
                ))
            }
            many => {
                let names: Vec<&str> = many.iter().map(|&i| headers[i].as_str()).collect();
                return Err(Error::input(
                    path,
                    Some(1),
                    format!(
                        "several possible population columns ({}); name one explicitly",
                        names.join(", ")
                    ),
                ));
            }
        }
    };
    Ok((code, pop))
}

/// Why a grid record's square code or population is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
enum SquareError {
    #[error("square code `{code}` is not 13 digits (6 of easting, 7 of northing)")]
    CodeDigits { code: String },
    #[error("square code `{code}`: {reason}")]
    CodeNumber {
        code: String,
        reason: std::num::ParseIntError,
    },
    #[error(
        "square code `{code}` gives the corner ({x}, {y}), outside SWEREF 99 TM over Sweden \
         (easting {e_min}-{e_max} m, northing {n_min}-{n_max} m){hint}",
        e_min = SWEREF99TM_EASTING_M.0, e_max = SWEREF99TM_EASTING_M.1,
        n_min = SWEREF99TM_NORTHING_M.0, n_max = SWEREF99TM_NORTHING_M.1
    )]
    OutsideSweden {
        code: String,
        x: u32,
        y: u32,
        hint: &'static str,
    },
    #[error("empty population")]
    EmptyPopulation,
    #[error("negative population `{text}`")]
    NegativePopulation { text: String },
    #[error("population `{text}` is not a whole number")]
    PopulationNotWhole { text: String },
}

/// Splits a 13-digit code into its corner (easting, northing).
fn parse_code(code: &str) -> Result<(u32, u32), SquareError> {
    if code.len() != 13 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SquareError::CodeDigits {
            code: code.to_owned(),
        });
    }
    let number = |digits: &str| {
        digits
            .parse::<u32>()
            .map_err(|reason| SquareError::CodeNumber {
                code: code.to_owned(),
                reason,
            })
    };
    Ok((number(&code[..6])?, number(&code[6..])?))
}

/// Refuses a corner outside SWEREF 99 TM's area of use: such a code is no SCB square, most
/// likely northing and easting written the other way round.
fn in_sweden(code: &str, (x, y): (u32, u32)) -> Result<(u32, u32), SquareError> {
    let within = |v: u32, (lo, hi): (u32, u32)| (lo..=hi).contains(&v);
    if within(x, SWEREF99TM_EASTING_M) && within(y, SWEREF99TM_NORTHING_M) {
        return Ok((x, y));
    }
    // Northing (7 digits) first, then easting (6): the swapped order.
    let swapped = code
        .get(..7)
        .zip(code.get(7..))
        .and_then(|(n, e)| Some((n.parse::<u32>().ok()?, e.parse::<u32>().ok()?)))
        .is_some_and(|(n, e)| within(n, SWEREF99TM_NORTHING_M) && within(e, SWEREF99TM_EASTING_M));
    Err(SquareError::OutsideSweden {
        code: code.to_owned(),
        x,
        y,
        hint: if swapped {
            ": did you swap easting and northing? An SCB code is 6 digits of easting, then 7 of northing"
        } else {
            ""
        },
    })
}

/// A population count: a non-negative whole number.
fn parse_population(text: &str) -> Result<u64, SquareError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(SquareError::EmptyPopulation);
    }
    if t.starts_with('-') {
        return Err(SquareError::NegativePopulation { text: t.to_owned() });
    }
    t.parse::<u64>()
        .map_err(|_| SquareError::PopulationNotWhole { text: t.to_owned() })
}

fn parse_grid(path: &Path, bytes: &[u8], options: &GridOptions) -> Result<Vec<GridSquare>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(bytes))
        .flexible(true)
        .from_reader(bytes);
    let csv_error = |e: csv::Error| {
        let line = e.position().map(|p| p.line());
        Error::input(path, line, format!("unreadable CSV: {e}"))
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_owned)
        .collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(Error::input(path, Some(1), "empty file: no header line"));
    }
    let (code_col, pop_col) = find_columns(path, &headers, options)?;
    let group_cols = crate::input::groups::group_columns(
        path,
        &headers,
        &options.groups,
        &[(pop_col, "population"), (code_col, "square-code")],
        "columns",
    )?;

    // Square code → line where it was first seen.
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut squares = Vec::new();
    // Line of each square, kept for the size check.
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // a blank line
        }
        let field = |i: usize, what: &str| {
            record.get(i).ok_or_else(|| {
                Error::input(
                    path,
                    Some(line),
                    format!("row has {} fields, no {what} column", record.len()),
                )
            })
        };
        let code = field(code_col, "square-code")?.trim();
        let (corner_x, corner_y) = parse_code(code)
            .and_then(|corner| in_sweden(code, corner))
            .map_err(|m| Error::input(path, Some(line), m))?;
        let population = parse_population(field(pop_col, "population")?)
            .map_err(|m| Error::input(path, Some(line), m))?;
        let mut groups = Vec::with_capacity(group_cols.len());
        for (group, &c) in options.groups.iter().zip(&group_cols) {
            let value = crate::input::groups::group_cell(group, field(c, group)?)
                .map_err(|m| Error::input(path, Some(line), m))?;
            groups.push(value);
        }
        if let Some(first) = seen.insert(code.to_owned(), line) {
            return Err(Error::input(
                path,
                Some(line),
                format!("square `{code}` appears twice (first on line {first})"),
            ));
        }
        squares.push(GridSquare {
            code: code.to_owned(),
            corner_x,
            corner_y,
            size_m: 0,
            population,
            groups,
        });
        lines.push(line);
    }

    if squares.is_empty() {
        return Err(Error::input(
            path,
            Some(1),
            "no rows: the file has a header line and no squares",
        ));
    }
    let size = square_size(path, &squares, &lines, options.size_m)?;
    for s in &mut squares {
        s.size_m = size;
    }
    Ok(squares)
}

/// The given size, checked, or the inferred one.
fn square_size(
    path: &Path,
    squares: &[GridSquare],
    lines: &[u64],
    given: Option<u32>,
) -> Result<u32, Error> {
    let misfit = |size: u32| {
        squares
            .iter()
            .position(|s| s.corner_x % size != 0 || s.corner_y % size != 0)
    };
    match given {
        Some(0) => Err(Error::input(path, None, "square size must be positive")),
        Some(size) => match misfit(size) {
            None => Ok(size),
            Some(i) => Err(Error::input(
                path,
                Some(lines[i]),
                format!(
                    "square `{}` does not lie on a {size} m grid",
                    squares[i].code
                ),
            )),
        },
        None => {
            if misfit(1000).is_none() {
                Ok(1000)
            } else {
                match misfit(250) {
                    None => Ok(250),
                    Some(i) => Err(Error::input(
                        path,
                        Some(lines[i]),
                        format!(
                            "square `{}` lies on neither the 1 km nor the 250 m grid",
                            squares[i].code
                        ),
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, options: &GridOptions) -> Result<Vec<GridSquare>, Error> {
        parse_grid(Path::new("t.csv"), text.as_bytes(), options)
    }

    #[test]
    fn corners_outside_sweden_are_refused() {
        assert_eq!(
            in_sweden("2690006534000", (269_000, 6_534_000)),
            Ok((269_000, 6_534_000))
        );
        let swapped = in_sweden("6534000269000", (653_400, 269_000)).expect_err("should fail");
        assert!(
            swapped
                .to_string()
                .contains("did you swap easting and northing?"),
            "{swapped}"
        );
        let far = in_sweden("0000000000000", (0, 0)).expect_err("should fail");
        assert!(far.to_string().contains("outside SWEREF 99 TM"), "{far}");
        assert!(!far.to_string().contains("swap"), "{far}");
    }

    #[test]
    fn code_splits_into_corner() {
        assert_eq!(parse_code("2690006534000"), Ok((269_000, 6_534_000)));
        assert!(parse_code("269000653400").is_err());
        assert!(parse_code("26900065340000").is_err());
        assert!(parse_code("26900a6534000").is_err());
        assert!(parse_code("+690006534000").is_err());
    }

    #[test]
    fn population_is_a_whole_non_negative_number() {
        assert_eq!(parse_population(" 12 "), Ok(12));
        assert_eq!(parse_population("0"), Ok(0));
        assert!(parse_population("-1")
            .expect_err("should fail")
            .to_string()
            .contains("negative"));
        assert!(parse_population("1.5").is_err());
        assert!(parse_population("").is_err());
        assert!(parse_population("x").is_err());
    }

    #[test]
    fn centre_is_corner_plus_half_size() {
        let s = GridSquare {
            code: "2690006534000".into(),
            corner_x: 269_000,
            corner_y: 6_534_000,
            size_m: 250,
            population: 1,
            groups: Vec::new(),
        };
        assert_eq!(s.centre(), (269_125.0, 6_534_125.0));
        assert_eq!(s.centre_lonlat(|x, y| (y, x)), (6_534_125.0, 269_125.0));
    }

    #[test]
    fn header_rules() {
        let o = GridOptions::default();
        let g = parse("Ruta;Beftotalt\n2690006534000;5\n", &o).expect("should succeed");
        assert_eq!(g[0].population, 5);
        // Prefix rule, code column not mistaken for population.
        let g = parse("RUTID,x,POP_2019\n2690006534000,1,7\n", &o).expect("should succeed");
        assert_eq!(g[0].population, 7);
        // Exact name wins over prefixes.
        let g = parse("rutid,bef_män,pop\n2690006534000,1,9\n", &o).expect("should succeed");
        assert_eq!(g[0].population, 9);
        // Two prefix matches: ambiguous, unless named.
        let e = parse("rutid,pop_2023,pop_2025\n2690006534000,1,9\n", &o).expect_err("should fail");
        assert!(e.to_string().contains("several"), "{e}");
        let named = GridOptions {
            size_m: None,
            population_column: Some("POP_2025".into()),
            groups: Vec::new(),
        };
        let g =
            parse("rutid,pop_2023,pop_2025\n2690006534000,1,9\n", &named).expect("should succeed");
        assert_eq!(g[0].population, 9);
        // Byte order mark and tabs.
        let g = parse("\u{feff}rutid\tpop\n2690006534000\t3\n", &o).expect("should succeed");
        assert_eq!(g[0].population, 3);
        let e = parse("id,pop\n2690006534000,3\n", &o).expect_err("should fail");
        assert!(e.to_string().starts_with("t.csv:1: no square-code"), "{e}");
    }

    #[test]
    fn size_rules() {
        let o = GridOptions::default();
        let g = parse("rutid,pop\n2690006534000,1\n2692506534000,1\n", &o).expect("should succeed");
        assert!(g.iter().all(|s| s.size_m == 250));
        let g = parse("rutid,pop\n2690006534000,1\n", &o).expect("should succeed");
        assert_eq!(g[0].size_m, 1000);
        let e =
            parse("rutid,pop\n2690006534000,1\n2691006534000,1\n", &o).expect_err("should fail");
        assert!(e.to_string().starts_with("t.csv:3: "), "{e}");
        let given = GridOptions {
            size_m: Some(250),
            population_column: None,
            groups: Vec::new(),
        };
        let g = parse("rutid,pop\n2690006534000,1\n", &given).expect("should succeed");
        assert_eq!(g[0].size_m, 250);
        assert_eq!(g[0].centre(), (269_125.0, 6_534_125.0));
        let given = GridOptions {
            size_m: Some(1000),
            population_column: None,
            groups: Vec::new(),
        };
        let e = parse("rutid,pop\n2690006534000,1\n2692506534000,1\n", &given)
            .expect_err("should fail");
        assert!(e.to_string().starts_with("t.csv:3: "), "{e}");
    }

    #[test]
    fn group_columns_beside_the_population() {
        let groups = GridOptions {
            groups: vec!["POP_70plus".into()],
            ..GridOptions::default()
        };
        // A group is not a candidate population column by its prefix.
        let g = parse(
            "rutid,pop_2023,pop_70plus\n2690006534000,9,4\n2700006534000,3,\n",
            &groups,
        )
        .expect("should succeed");
        assert_eq!((g[0].population, g[0].groups.clone()), (9, vec![Some(4)]));
        assert_eq!(g[1].groups, vec![None]);
        let e = parse("rutid,pop,pop_70plus\n2690006534000,9,-4\n", &groups).expect_err("bad");
        assert_eq!(
            e.to_string(),
            "t.csv:2: population group `POP_70plus` is not a whole number of people: `-4`"
        );
        let e = parse("rutid,pop\n2690006534000,9\n", &groups).expect_err("missing");
        assert!(
            e.to_string().starts_with("t.csv:1: no column `POP_70plus`"),
            "{e}"
        );
        let e = parse("rutid,pop,pop_70plus\n2690006534000,9\n", &groups).expect_err("short");
        assert!(
            e.to_string().starts_with("t.csv:2: row has 2 fields"),
            "{e}"
        );
    }

    #[test]
    fn empty_input() {
        let o = GridOptions::default();
        assert!(parse("", &o).is_err());
        let e = parse("rutid,pop\n", &o).expect_err("should fail");
        assert!(e.to_string().starts_with("t.csv:1: no rows"), "{e}");
        // Blank lines are skipped, short rows are errors.
        assert_eq!(
            parse("rutid,pop\n\n2690006534000,1\n", &o)
                .expect("should succeed")
                .len(),
            1
        );
        let e = parse("x,rutid,pop\n1,2690006534000\n", &o).expect_err("should fail");
        assert!(
            e.to_string().starts_with("t.csv:2: row has 2 fields"),
            "{e}"
        );
    }
}
