//! Coordinate reference systems of planners' files.
//!
//! Service point lists and population grids from Swedish authorities (Pipos, SCB) come in
//! SWEREF 99 TM (EPSG:3006, easting and northing in metres); GeoJSON and most web exports in
//! WGS 84 longitude and latitude (EPSG:4326). A [`Crs`] converts a file's coordinates to and from
//! WGS 84 (lon, lat) in degrees, the crate's coordinates (see [`crate::base::coord`]), with
//! [proj4rs](https://docs.rs/proj4rs), a Rust port of PROJ.4.
//!
//! - **Axis order.** `x` is the first coordinate of the file as the CRS defines it: longitude
//!   or easting; `y` is latitude or northing. EPSG:4326 is read as (lon, lat), as GeoJSON and
//!   QGIS do, not in the lat-first order of the EPSG register. A PROJ string with `+axis=neu`
//!   declares a (lat, lon) or (northing, easting) file.
//! - **No guessing.** The CRS of a file is always given, never inferred. [`Crs::check_plausible`]
//!   only refuses coordinates that cannot be in the declared CRS (metres declared as degrees,
//!   degrees declared as metres), so the user can correct the setting.
//! - **Errors** are [`CrsError`]s without a file name: the reader that calls these functions
//!   adds the file and line (see [`crate::Error::Crs`]). They speak of the coordinate-system
//!   setting, never of a flag: the command line adds its flag where it reports them.
//!
//! ```
//! use servicegap::input::crs::Crs;
//! let sweref = Crs::parse("EPSG:3006")?;
//! let (lon, lat) = sweref.to_lon_lat(682_175.0, 6_547_195.0)?;
//! assert!((lon - 18.173_980_4).abs() < 1e-7 && (lat - 59.025_279_9).abs() < 1e-7);
//! # Ok::<(), servicegap::input::crs::CrsError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use proj4rs::proj::{Proj, ProjType};
use proj4rs::transform::transform;

/// PROJ string of WGS 84 longitude/latitude (EPSG:4326).
const WGS84_PROJ: &str = "+proj=longlat +datum=WGS84 +no_defs";
/// PROJ string of SWEREF 99 TM (EPSG:3006): UTM zone 33 on GRS 80, no shift to WGS 84.
const SWEREF99TM_PROJ: &str =
    "+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";
/// PROJ string of WGS 84 / Pseudo-Mercator (EPSG:3857), the web map projection.
const WEB_MERCATOR_PROJ: &str = "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 \
                                 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs";

/// What [`Crs::parse`] accepts, for error messages.
const ACCEPTED: &str = "EPSG:4326 (also WGS84 or 4326; longitude/latitude in degrees), \
                        EPSG:3006 (also SWEREF99TM or 3006; metres), \
                        EPSG:3857 (also WebMercator or 3857; metres), \
                        or a PROJ string starting with +proj= (for other systems, such as RT90, \
                        copy the PROJ.4 definition from epsg.io)";

/// Why a coordinate system or a point in it is refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The name is none of the known systems and no PROJ string.
    #[error("unknown coordinate reference system {spec:?}: use {ACCEPTED}")]
    Unknown {
        /// The system as given.
        spec: String,
    },
    /// proj4rs refuses the PROJ string.
    #[error("invalid PROJ string {definition:?}: {reason}")]
    InvalidProj {
        /// The PROJ string.
        definition: String,
        /// proj4rs's reason.
        reason: String,
    },
    /// A geocentric (3-D) system, which has no map coordinates.
    #[error(
        "{definition:?} is a geocentric (3-D) system; give a map coordinate system: {ACCEPTED}"
    )]
    Geocentric {
        /// The PROJ string.
        definition: String,
    },
    /// proj4rs has no forward or no inverse for the projection.
    #[error("{definition:?}: proj4rs cannot convert {projection} in both directions")]
    OneWay {
        /// The PROJ string.
        definition: String,
        /// The projection's name.
        projection: String,
    },
    /// A coordinate is NaN or infinite.
    #[error("coordinate ({x}, {y}) is not a number")]
    NotANumber {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
    },
    /// proj4rs could not convert the point to longitude/latitude.
    #[error("({x}, {y}) cannot be converted from {crs} to longitude/latitude: {reason}")]
    NoInverse {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The system's name.
        crs: String,
        /// proj4rs's reason.
        reason: String,
    },
    /// The point converts to a longitude or latitude out of range.
    #[error("({x}, {y}) is not a valid point of {crs}: it gives longitude {lon}, latitude {lat}")]
    InvalidPoint {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The system's name.
        crs: String,
        /// The longitude it gives.
        lon: f64,
        /// The latitude it gives.
        lat: f64,
    },
    /// The point does not convert back to itself: outside the projection's domain.
    #[error("({x}, {y}) is outside the area where {crs} can be converted to longitude/latitude")]
    OutsideDomain {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The system's name.
        crs: String,
    },
    /// Longitude or latitude out of range (or not a number).
    #[error("longitude {lon}, latitude {lat} is not a valid WGS 84 point")]
    InvalidLonLat {
        /// Longitude in degrees.
        lon: f64,
        /// Latitude in degrees.
        lat: f64,
    },
    /// proj4rs could not convert longitude/latitude to the system (`reason` when it said why).
    #[error("longitude {lon}, latitude {lat} cannot be converted to {crs}{}", reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default())]
    NoForward {
        /// Longitude in degrees.
        lon: f64,
        /// Latitude in degrees.
        lat: f64,
        /// The system's name.
        crs: String,
        /// proj4rs's reason, if it gave one.
        reason: Option<String>,
    },
    /// The system is geographic but the coordinates look projected (metres).
    #[error("{}: set the file's coordinate system, e.g. EPSG:3006 for SWEREF 99 TM", self.observation())]
    LooksProjected {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The system's name.
        crs: String,
    },
    /// The system is projected but the coordinates look like degrees.
    #[error("{}: if they are WGS 84 degrees, set the coordinate system to EPSG:4326", self.observation())]
    LooksGeographic {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The system's name.
        crs: String,
        /// The system's unit.
        units: String,
    },
    /// The system is geographic and the coordinates are of the size of degrees, but out of
    /// range: a latitude beyond ±90° or a longitude beyond ±180°.
    #[error("{}", not_lon_lat_message(*lon, *lat))]
    NotLonLat {
        /// Longitude (first coordinate) in degrees.
        lon: f64,
        /// Latitude (second coordinate) in degrees.
        lat: f64,
    },
    /// SWEREF 99 TM coordinates with easting and northing exchanged: the first coordinate lies
    /// in the range of Swedish northings, the second in that of eastings.
    #[error("({x}, {y}) is not a point of {crs}: the easting comes first and lies between \
             {e_min} and {e_max} m, the northing between {n_min} and {n_max} m; did you swap \
             the easting and the northing?", e_min = SWEREF99TM_EASTING_M.0,
             e_max = SWEREF99TM_EASTING_M.1, n_min = SWEREF99TM_NORTHING_M.0,
             n_max = SWEREF99TM_NORTHING_M.1)]
    SwappedAxes {
        /// First coordinate (a northing, by its size).
        x: f64,
        /// Second coordinate (an easting, by its size).
        y: f64,
        /// The system's name.
        crs: String,
    },
    /// A table has `x`/`y` columns but no coordinate system was given.
    #[error("coordinates are in `x`/`y` columns: set their coordinate system (e.g. EPSG:3006 for SWEREF 99 TM)")]
    NotGiven,
}

/// The text of [`CrsError::NotLonLat`]: which value is out of range, and the swap hint when
/// the two values fit the other way round.
fn not_lon_lat_message(lon: f64, lat: f64) -> String {
    let what = if lat.abs() > 90.0 {
        format!("latitude {lat} is not a latitude (it lies between -90 and 90)")
    } else {
        format!("longitude {lon} is not a longitude (it lies between -180 and 180)")
    };
    if lon.abs() <= 90.0 && lat.abs() <= 180.0 {
        format!("{what}: did you swap lon and lat?")
    } else {
        what
    }
}

/// Eastings of SWEREF 99 TM over its area of use (Sweden), metres, rounded outwards: EPSG's
/// projected bounds of EPSG:3006 are 181 896 to 1 086 313 m.
pub const SWEREF99TM_EASTING_M: (u32, u32) = (180_000, 1_090_000);
/// Northings of SWEREF 99 TM over its area of use (Sweden), metres, rounded outwards: EPSG's
/// projected bounds of EPSG:3006 are 6 101 648 to 7 689 478 m.
pub const SWEREF99TM_NORTHING_M: (u32, u32) = (6_100_000, 7_700_000);

/// Coordinates larger than this (in absolute value) in a geographic file are taken for
/// projected metres: no degree is larger than 360, and no projected point of the countries
/// this tool is used for lies within 360 m of its system's origin.
const DEGREE_LIMIT: f64 = 360.0;

impl CrsError {
    /// For [`CrsError::LooksProjected`] and [`CrsError::LooksGeographic`]: what was seen,
    /// without the advice, so a caller that sets the system another way (a flag) can give
    /// its own. Empty for the other variants.
    pub fn observation(&self) -> String {
        match self {
            CrsError::LooksProjected { x, y, crs } => format!(
                "coordinates ({x}, {y}) are not longitude/latitude in degrees, but the \
                 coordinate system is {crs}; they look projected (metres)"
            ),
            CrsError::LooksGeographic { x, y, crs, units } => format!(
                "coordinates ({x}, {y}) look like longitude/latitude in degrees, but the \
                 coordinate system is {crs}, projected in {units}"
            ),
            _ => String::new(),
        }
    }
}

/// A coordinate system known by name: display name, PROJ string, accepted spellings (upper
/// case, without spaces, `_` or `-`).
struct Known {
    name: &'static str,
    proj: &'static str,
    aliases: &'static [&'static str],
}

const KNOWN_WGS84: Known = Known {
    name: "EPSG:4326 (WGS 84)",
    proj: WGS84_PROJ,
    aliases: &["EPSG:4326", "4326", "WGS84"],
};
const KNOWN_SWEREF99TM: Known = Known {
    name: "EPSG:3006 (SWEREF 99 TM)",
    proj: SWEREF99TM_PROJ,
    aliases: &["EPSG:3006", "3006", "SWEREF99TM"],
};
const KNOWN_WEB_MERCATOR: Known = Known {
    name: "EPSG:3857 (WGS 84 / Pseudo-Mercator)",
    proj: WEB_MERCATOR_PROJ,
    aliases: &["EPSG:3857", "3857", "WEBMERCATOR", "PSEUDOMERCATOR"],
};

/// The built-in PROJ strings, parsed once. They are constants checked by the tests, so parsing
/// them cannot fail at run time.
static WGS84: LazyLock<Proj> = LazyLock::new(|| builtin(WGS84_PROJ));
static SWEREF99TM: LazyLock<Proj> = LazyLock::new(|| builtin(SWEREF99TM_PROJ));

fn builtin(proj: &str) -> Proj {
    Proj::from_proj_string(proj).expect("built-in PROJ string is valid")
}

/// Round-trip tolerance of [`Crs::to_lon_lat`] in metres: a projected point that does not come
/// back within this distance is outside the projection's domain. Generous, because PROJ.4's
/// 7-parameter datum shift is only inverse to first order (about 4 mm for RT90).
const ROUND_TRIP_TOLERANCE_M: f64 = 1.0;

/// A coordinate reference system: a parsed proj4rs projection and a name to show the user.
///
/// Build one with [`Crs::parse`] (also through [`FromStr`], e.g. as a command-line value),
/// [`Crs::wgs84`] or [`Crs::sweref99tm`]. Cheap to clone; `Send` and `Sync`, so one `Crs` can
/// convert in parallel.
#[derive(Clone)]
pub struct Crs {
    proj: Proj,
    name: String,
    definition: String,
    /// WGS 84 itself: coordinates pass through unchanged (no degree-radian round trip).
    identity: bool,
}

impl Crs {
    /// Parses a coordinate system given by a user.
    ///
    /// Accepts, case-insensitively and ignoring spaces, `_` and `-`: `EPSG:4326`, `WGS84` or
    /// `4326` (WGS 84 longitude/latitude in degrees); `EPSG:3006`, `SWEREF99TM` or `3006`
    /// (SWEREF 99 TM, metres); `EPSG:3857`, `WebMercator` or `3857` (metres); and any PROJ
    /// string starting with `+proj=` (used as given). Anything else is an error that lists what
    /// is accepted. Geocentric (3-D) systems are refused.
    pub fn parse(spec: &str) -> Result<Crs, CrsError> {
        let spec = spec.trim();
        if spec
            .get(..6)
            .is_some_and(|start| start.eq_ignore_ascii_case("+proj="))
        {
            return Crs::from_proj_string(spec, spec);
        }
        let key: String = spec
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        [KNOWN_WGS84, KNOWN_SWEREF99TM, KNOWN_WEB_MERCATOR]
            .into_iter()
            .find(|known| known.aliases.contains(&key.as_str()))
            .map(|known| Crs::from_proj_string(known.proj, known.name))
            .unwrap_or_else(|| {
                Err(CrsError::Unknown {
                    spec: spec.to_string(),
                })
            })
    }

    /// WGS 84 longitude/latitude in degrees (EPSG:4326), the crate's own coordinates.
    pub fn wgs84() -> Crs {
        Crs {
            proj: WGS84.clone(),
            name: KNOWN_WGS84.name.to_string(),
            definition: WGS84_PROJ.to_string(),
            identity: true,
        }
    }

    /// SWEREF 99 TM (EPSG:3006), easting and northing in metres: the national grid of Sweden,
    /// used by Lantmäteriet, SCB and Pipos.
    pub fn sweref99tm() -> Crs {
        Crs {
            proj: SWEREF99TM.clone(),
            name: KNOWN_SWEREF99TM.name.to_string(),
            definition: SWEREF99TM_PROJ.to_string(),
            identity: false,
        }
    }

    fn from_proj_string(definition: &str, name: &str) -> Result<Crs, CrsError> {
        // PROJ parameters are ASCII, and proj4rs 0.3 panics (slicing inside a character) on a
        // degree-minute-second value followed by a non-ASCII character; refuse it first.
        if let Some(c) = definition.chars().find(|c| !c.is_ascii()) {
            return Err(CrsError::InvalidProj {
                definition: definition.to_string(),
                reason: format!("`{c}` is not allowed: a PROJ string is plain ASCII"),
            });
        }
        let proj = Proj::from_proj_string(definition).map_err(|e| CrsError::InvalidProj {
            definition: definition.to_string(),
            reason: e.to_string(),
        })?;
        if proj.projection_type() == ProjType::Geocentric {
            return Err(CrsError::Geocentric {
                definition: definition.to_string(),
            });
        }
        if !proj.has_inverse() || !proj.has_forward() {
            return Err(CrsError::OneWay {
                definition: definition.to_string(),
                projection: proj.projname().to_string(),
            });
        }
        Ok(Crs {
            proj,
            name: name.to_string(),
            definition: definition.to_string(),
            identity: definition == WGS84_PROJ,
        })
    }

    /// The name to show the user: `EPSG:3006 (SWEREF 99 TM)` for a named system, the PROJ
    /// string for any other.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The PROJ string of the system.
    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// Whether coordinates are longitude/latitude in degrees (true) rather than projected
    /// (metres, or the unit of the PROJ string).
    pub fn is_geographic(&self) -> bool {
        self.proj.projection_type() == ProjType::Latlong
    }

    /// Converts a point of this system (`x` easting or longitude, `y` northing or latitude) to
    /// WGS 84 (lon, lat) in degrees.
    ///
    /// WGS 84 coordinates pass through unchanged. Errors on non-finite input, on
    /// longitude/latitude out of range, and on projected points outside the projection's
    /// domain (detected by converting back: a point that does not return within a metre is
    /// refused rather than returned wrong).
    pub fn to_lon_lat(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NotANumber { x, y });
        }
        if self.identity {
            return check_lon_lat(x, y).map(|()| (x, y));
        }
        let native = self.to_proj_units(x, y);
        let (lam, phi) =
            project(&self.proj, &WGS84, native).map_err(|reason| CrsError::NoInverse {
                x,
                y,
                crs: self.name.clone(),
                reason,
            })?;
        let (lon, lat) = (lam.to_degrees(), phi.to_degrees());
        if !(lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return Err(CrsError::InvalidPoint {
                x,
                y,
                crs: self.name.clone(),
                lon,
                lat,
            });
        }
        if !self.is_geographic() {
            let back = project(&WGS84, &self.proj, (lam, phi));
            let tolerance = ROUND_TRIP_TOLERANCE_M / self.proj.to_meter();
            let returns = back.is_ok_and(|(bx, by)| {
                (bx - native.0).abs() <= tolerance && (by - native.1).abs() <= tolerance
            });
            if !returns {
                return Err(CrsError::OutsideDomain {
                    x,
                    y,
                    crs: self.name.clone(),
                });
            }
        }
        Ok((lon, lat))
    }

    /// Converts WGS 84 (lon, lat) in degrees to this system's (x, y): easting and northing, or
    /// longitude and latitude in degrees.
    ///
    /// Errors on non-finite or out-of-range input and on points the projection cannot show.
    pub fn from_lon_lat(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        check_lon_lat(lon, lat)?;
        if self.identity {
            return Ok((lon, lat));
        }
        let native = project(&WGS84, &self.proj, (lon.to_radians(), lat.to_radians())).map_err(
            |reason| CrsError::NoForward {
                lon,
                lat,
                crs: self.name.clone(),
                reason: Some(reason),
            },
        )?;
        let (x, y) = self.to_user_units(native);
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NoForward {
                lon,
                lat,
                crs: self.name.clone(),
                reason: None,
            });
        }
        Ok((x, y))
    }

    /// Refuses coordinates that cannot be in this system, so a wrong or missing coordinate
    /// system is caught on the first point instead of putting every point in the sea.
    ///
    /// - The system is geographic but `|x| > 180` or `|y| > 90`: if both are at most 360 they
    ///   are degrees out of range ([`CrsError::NotLonLat`], which asks whether lon and lat
    ///   were swapped when they fit the other way round); otherwise the file is projected
    ///   (metres) and [`CrsError::LooksProjected`] suggests e.g. EPSG:3006.
    /// - The system is SWEREF 99 TM and the point fits Sweden only with easting and northing
    ///   exchanged ([`SWEREF99TM_EASTING_M`], [`SWEREF99TM_NORTHING_M`]):
    ///   [`CrsError::SwappedAxes`].
    /// - The system is projected but `|x| <= 180` and `|y| <= 90`: the file holds degrees;
    ///   [`CrsError::LooksGeographic`] suggests EPSG:4326. (A real projected point within 180 m of the
    ///   origin is refused too; no Swedish system has its origin near Sweden.)
    ///
    /// For a system with a northing-first axis (`+axis=neu`) the two limits swap. This is a
    /// check, never a guess: it does not pick another system.
    pub fn check_plausible(&self, x: f64, y: f64) -> Result<(), CrsError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NotANumber { x, y });
        }
        let (x_limit, y_limit) = match self.proj.axis()[0] {
            b'n' | b's' => (90.0, 180.0),
            _ => (180.0, 90.0),
        };
        let degree_like = x.abs() <= x_limit && y.abs() <= y_limit;
        let degree_sized = x.abs() <= DEGREE_LIMIT && y.abs() <= DEGREE_LIMIT;
        if self.is_geographic() && !degree_like && degree_sized {
            // Of the size of degrees but out of range: a typo or swapped columns, not metres.
            let (lon, lat) = if x_limit < y_limit { (y, x) } else { (x, y) };
            Err(CrsError::NotLonLat { lon, lat })
        } else if self.is_geographic() && !degree_like {
            Err(CrsError::LooksProjected {
                x,
                y,
                crs: self.name.clone(),
            })
        } else if self.definition == SWEREF99TM_PROJ && swapped_sweref(x, y) {
            Err(CrsError::SwappedAxes {
                x,
                y,
                crs: self.name.clone(),
            })
        } else if !self.is_geographic() && degree_like {
            Err(CrsError::LooksGeographic {
                x,
                y,
                crs: self.name.clone(),
                units: self.proj.units().to_string(),
            })
        } else {
            Ok(())
        }
    }

    /// proj4rs works in radians for geographic systems.
    fn to_proj_units(&self, x: f64, y: f64) -> (f64, f64) {
        if self.is_geographic() {
            (x.to_radians(), y.to_radians())
        } else {
            (x, y)
        }
    }

    fn to_user_units(&self, (x, y): (f64, f64)) -> (f64, f64) {
        if self.is_geographic() {
            (x.to_degrees(), y.to_degrees())
        } else {
            (x, y)
        }
    }
}

/// Whether (x, y) fits SWEREF 99 TM over Sweden only the other way round: `x` a Swedish
/// northing and `y` a Swedish easting.
fn swapped_sweref(x: f64, y: f64) -> bool {
    let within = |v: f64, (lo, hi): (u32, u32)| v >= f64::from(lo) && v <= f64::from(hi);
    within(x, SWEREF99TM_NORTHING_M) && within(y, SWEREF99TM_EASTING_M)
}

/// Longitude and latitude in range (and so finite).
fn check_lon_lat(lon: f64, lat: f64) -> Result<(), CrsError> {
    if lon.abs() <= 180.0 && lat.abs() <= 90.0 {
        Ok(())
    } else {
        Err(CrsError::InvalidLonLat { lon, lat })
    }
}

/// One point from `src` to `dst` in proj4rs units (radians for geographic systems); non-finite
/// results are errors. The reason is text for the [`CrsError`] that wraps it.
fn project(src: &Proj, dst: &Proj, point: (f64, f64)) -> Result<(f64, f64), String> {
    let mut p = point;
    transform(src, dst, &mut p).map_err(|e| e.to_string())?;
    if p.0.is_finite() && p.1.is_finite() {
        Ok(p)
    } else {
        Err("the result is not a number".to_string())
    }
}

impl fmt::Debug for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crs")
            .field("name", &self.name)
            .field("definition", &self.definition)
            .finish()
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl FromStr for Crs {
    type Err = CrsError;

    fn from_str(s: &str) -> Result<Crs, CrsError> {
        Crs::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn parse(spec: &str) -> Crs {
        Crs::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    /// RT90 2.5 gon V (EPSG:3021) from epsg.io: a 7-parameter datum shift on Bessel.
    const RT90: &str = "+proj=tmerc +lat_0=0 +lon_0=15.80827777777778 +k=1 +x_0=1500000 +y_0=0 \
                        +ellps=bessel +towgs84=414.1,41.3,603.1,-0.855,2.141,-7.023,0 +units=m \
                        +no_defs";

    #[test]
    fn crs_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Crs>();
    }

    #[test]
    fn parses_names_case_and_space_insensitively() {
        for spec in [
            "EPSG:4326",
            "epsg:4326",
            "4326",
            "WGS84",
            "wgs 84",
            " WGS-84 ",
        ] {
            let crs = parse(spec);
            assert!(crs.is_geographic(), "{spec}");
            assert_eq!(crs.definition(), WGS84_PROJ, "{spec}");
            assert_eq!(crs.name(), "EPSG:4326 (WGS 84)");
        }
        for spec in [
            "EPSG:3006",
            "epsg:3006",
            "3006",
            "SWEREF99TM",
            "sweref 99 tm",
            "Sweref99_TM",
        ] {
            let crs = parse(spec);
            assert!(!crs.is_geographic(), "{spec}");
            assert_eq!(crs.definition(), SWEREF99TM_PROJ, "{spec}");
            assert_eq!(crs.to_string(), "EPSG:3006 (SWEREF 99 TM)");
        }
        for spec in ["EPSG:3857", "3857", "WebMercator"] {
            assert_eq!(parse(spec).definition(), WEB_MERCATOR_PROJ, "{spec}");
        }
        let custom = parse(&format!("  {RT90}  "));
        assert_eq!(custom.name(), RT90);
        assert!(!custom.is_geographic());
        // PROJ keys are case-sensitive, as in PROJ: the string is passed on unchanged.
        let upper = Crs::parse("+PROJ=longlat +ellps=GRS80");
        assert!(upper.is_err_and(|e| e.to_string().starts_with("invalid PROJ string")));
        let from_str: Crs = "sweref99tm"
            .parse()
            .unwrap_or_else(|e: CrsError| panic!("{e}"));
        assert_eq!(from_str.definition(), Crs::sweref99tm().definition());
        assert_eq!(Crs::wgs84().definition(), WGS84_PROJ);
    }

    #[test]
    fn unknown_specs_list_what_is_accepted() {
        for spec in ["", "EPSG:3021", "RT90", "EPSG:43260", "lat/lon", "proj=utm"] {
            let Err(e) = Crs::parse(spec).map_err(|e| e.to_string()) else {
                panic!("{spec:?} was accepted")
            };
            assert!(e.contains("unknown coordinate reference system"), "{e}");
            for accepted in ["EPSG:4326", "EPSG:3006", "EPSG:3857", "+proj="] {
                assert!(e.contains(accepted), "{spec:?}: {e}");
            }
        }
        for bad in [
            "+proj=nonsense",
            "+proj=",
            "+proj=utm +zone=99 +ellps=GRS80",
            "+proj=utm +zone=33 +towgs84=1,2",
        ] {
            let Err(e) = Crs::parse(bad).map_err(|e| e.to_string()) else {
                panic!("{bad:?} was accepted")
            };
            assert!(e.starts_with("invalid PROJ string"), "{e}");
        }
        let Err(e) = Crs::parse("+proj=geocent +datum=WGS84").map_err(|e| e.to_string()) else {
            panic!("geocent was accepted")
        };
        assert!(e.contains("geocentric"), "{e}");
    }

    #[test]
    fn known_points() -> Result<(), CrsError> {
        // Pipos row ATD-127621 (Muskö), reprojected by pyproj to 7 decimals.
        let (lon, lat) = Crs::sweref99tm().to_lon_lat(682_175.0, 6_547_195.0)?;
        assert!((lon - 18.173_980_4).abs() < 1e-7, "{lon}");
        assert!((lat - 59.025_279_9).abs() < 1e-7, "{lat}");
        // The central meridian of SWEREF 99 TM is 15°E, false easting 500 000 m.
        let (x, _) = Crs::sweref99tm().from_lon_lat(15.0, 62.0)?;
        assert!((x - 500_000.0).abs() < 1e-6, "{x}");
        // Web Mercator on the sphere of radius 6 378 137 m.
        let r = 6_378_137.0_f64;
        let (x, y) = parse("EPSG:3857").from_lon_lat(18.0, 59.0)?;
        let y_ref = r
            * (std::f64::consts::FRAC_PI_4 + 59.0_f64.to_radians() / 2.0)
                .tan()
                .ln();
        assert!((x - r * 18.0_f64.to_radians()).abs() < 1e-6, "{x}");
        assert!((y - y_ref).abs() < 1e-6, "{y} vs {y_ref}");
        // WGS 84 to itself is the identity.
        assert_eq!(Crs::wgs84().to_lon_lat(18.5, 59.25)?, (18.5, 59.25));
        assert_eq!(Crs::wgs84().from_lon_lat(-179.5, -89.0)?, (-179.5, -89.0));
        // A lat-first geographic file.
        let neu = parse("+proj=longlat +datum=WGS84 +axis=neu");
        let (lon, lat) = neu.to_lon_lat(59.25, 18.5)?;
        assert!((lon - 18.5).abs() < 1e-12 && (lat - 59.25).abs() < 1e-12);
        Ok(())
    }

    #[test]
    fn round_trips_over_sweden() -> Result<(), CrsError> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3006);
        let systems = [
            (Crs::sweref99tm(), 1e-9),
            (parse("EPSG:3857"), 1e-9),
            (Crs::wgs84(), 1e-12),
            // PROJ.4's 7-parameter shift is inverse only to first order: about 1e-7 degree.
            (parse(RT90), 2e-7),
        ];
        for (crs, tolerance) in systems {
            for _ in 0..2000 {
                let lon = rng.gen_range(10.0..25.0);
                let lat = rng.gen_range(55.0..69.5);
                let (x, y) = crs.from_lon_lat(lon, lat)?;
                crs.check_plausible(x, y)?;
                let (lon2, lat2) = crs.to_lon_lat(x, y)?;
                assert!(
                    (lon2 - lon).abs() < tolerance && (lat2 - lat).abs() < tolerance,
                    "{}: ({lon}, {lat}) -> ({x}, {y}) -> ({lon2}, {lat2})",
                    crs.name()
                );
            }
        }
        Ok(())
    }

    #[test]
    fn refuses_points_it_cannot_convert() {
        let wgs84 = Crs::wgs84();
        let sweref = Crs::sweref99tm();
        for (x, y) in [
            (200.0, 59.0),
            (18.0, 95.0),
            (f64::NAN, 59.0),
            (18.0, f64::INFINITY),
        ] {
            assert!(wgs84.to_lon_lat(x, y).is_err(), "({x}, {y})");
            assert!(wgs84.from_lon_lat(x, y).is_err(), "({x}, {y})");
            assert!(sweref.from_lon_lat(x, y).is_err(), "({x}, {y})");
        }
        // proj4rs returns a point for these without complaint; the round trip catches them.
        for (x, y) in [(682_175.0, 1e9), (682_175.0, -1e8), (1e9, 6_547_195.0)] {
            let result = sweref.to_lon_lat(x, y);
            assert!(result.is_err(), "({x}, {y}) gave {result:?}");
        }
        assert!(sweref.to_lon_lat(f64::NAN, 6_547_195.0).is_err());
    }

    #[test]
    fn plausibility_messages_name_the_fix() {
        let wgs84 = Crs::wgs84();
        let sweref = Crs::sweref99tm();
        // SWEREF metres declared as degrees.
        for (x, y) in [
            (682_175.0, 6_547_195.0),
            (18.0, 6_547_195.0),
            (682_175.0, 59.0),
        ] {
            let Err(e) = wgs84.check_plausible(x, y) else {
                panic!("({x}, {y}) accepted as degrees")
            };
            assert!(matches!(e, CrsError::LooksProjected { .. }), "{e}");
            let e = e.to_string();
            assert!(e.contains("EPSG:3006 for SWEREF 99 TM"), "{e}");
            assert!(e.contains("EPSG:4326 (WGS 84)"), "{e}");
            assert!(sweref.check_plausible(x, y).is_ok(), "({x}, {y})");
        }
        // Degrees declared as SWEREF metres.
        for (x, y) in [(18.173_980_4, 59.025_279_9), (-180.0, -90.0), (0.0, 0.0)] {
            let Err(e) = sweref.check_plausible(x, y) else {
                panic!("({x}, {y}) accepted as metres")
            };
            assert!(matches!(e, CrsError::LooksGeographic { .. }), "{e}");
            let e = e.to_string();
            assert!(e.contains("coordinate system to EPSG:4326"), "{e}");
            assert!(e.contains("EPSG:3006 (SWEREF 99 TM)"), "{e}");
            assert!(wgs84.check_plausible(x, y).is_ok(), "({x}, {y})");
        }
        assert!(wgs84.check_plausible(f64::NAN, 59.0).is_err());
        assert!(sweref.check_plausible(682_175.0, f64::NAN).is_err());
        // Degrees out of range are not "projected": they say which value and, when the two
        // fit the other way round, ask about a swap.
        let Err(e) = wgs84.check_plausible(18.0, 95.0) else {
            panic!("latitude 95 accepted")
        };
        assert_eq!(
            e.to_string(),
            "latitude 95 is not a latitude (it lies between -90 and 90): did you swap lon and lat?"
        );
        let Err(e) = wgs84.check_plausible(200.0, 59.0) else {
            panic!("longitude 200 accepted")
        };
        assert_eq!(
            e.to_string(),
            "longitude 200 is not a longitude (it lies between -180 and 180)"
        );
        let Err(e) = wgs84.check_plausible(120.0, 100.0) else {
            panic!("latitude 100 accepted")
        };
        assert!(!e.to_string().contains("swap"), "{e}");
        // SWEREF 99 TM with easting and northing exchanged.
        let Err(e) = sweref.check_plausible(6_547_195.0, 682_175.0) else {
            panic!("swapped SWEREF accepted")
        };
        assert!(matches!(e, CrsError::SwappedAxes { .. }), "{e}");
        assert!(
            e.to_string()
                .ends_with("did you swap the easting and the northing?"),
            "{e}"
        );
        // Other projected systems have no known area: only SWEREF 99 TM is checked.
        assert!(parse(RT90).check_plausible(6_547_195.0, 682_175.0).is_ok());
        // A lat-first geographic system swaps the limits.
        let neu = parse("+proj=longlat +datum=WGS84 +axis=neu");
        assert!(neu.check_plausible(59.0, 170.0).is_ok());
        assert!(neu.check_plausible(170.0, 59.0).is_err());
    }
}
