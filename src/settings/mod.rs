//! Settings, resolved once: the settings file (`servicegap.toml`, see [`file`]) read and
//! checked, then the values given on the command line ([`Flags`]) applied over it, into the
//! one [`Settings`] every command uses. The rule "a flag wins over the file" lives only in
//! [`resolve`].
//!
//! [`Flags`] mirrors the command line but knows nothing of how it is parsed: its values are
//! already typed ([`ThresholdSetting`], [`Metres`], [`Crs`]), so resolving can only fail on the
//! file, and its errors name the file, line and key ([`error::Setting`]), never a flag.

pub mod error;
pub mod file;

pub use error::{ConfigError, ConfigProblem, Setting, SettingsError, ValueError};
pub use file::{Config, DEFAULT_CONFIG};

use crate::analysis::{AnalysisOptions, ThresholdSetting};
use crate::input::crs::Crs;
use crate::read::profile::Profile;
use std::path::PathBuf;
use std::str::FromStr;

/// A distance in metres that is finite and above 0 (a snap limit). Zero is refused: with a
/// snap limit of 0 m nothing but a point exactly on a road would snap, and every settlement
/// (or service point) would silently be out of reach.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Metres(f64);

impl Metres {
    /// `metres`, if it is finite and above 0.
    ///
    /// # Errors
    /// [`ValueError::NotMetres`] otherwise.
    pub fn new(metres: f64) -> Result<Metres, ValueError> {
        if metres.is_finite() && metres > 0.0 {
            Ok(Metres(metres))
        } else {
            Err(ValueError::NotMetres)
        }
    }

    /// The distance in metres.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl FromStr for Metres {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Metres, ValueError> {
        let metres: f64 = s.trim().parse().map_err(|_| ValueError::NotMetres)?;
        Metres::new(metres)
    }
}

/// A distance in km that is finite and above 0 (the groups' far distance).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Km(f64);

impl Km {
    /// `km`, if it is finite and above 0.
    ///
    /// # Errors
    /// [`ValueError::NotKm`] otherwise.
    pub fn new(km: f64) -> Result<Km, ValueError> {
        if km.is_finite() && km > 0.0 {
            Ok(Km(km))
        } else {
            Err(ValueError::NotKm)
        }
    }

    /// The distance in km.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// The `N` of the mean time to the `N` nearest points: a whole number from 1 to
/// [`crate::analysis::knearest::MAX_K_NEAREST`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NearestCount(usize);

impl NearestCount {
    /// `n`, if it is from 1 to [`crate::analysis::knearest::MAX_K_NEAREST`].
    ///
    /// # Errors
    /// [`ValueError::NotKNearest`] otherwise.
    pub fn new(n: i64) -> Result<NearestCount, ValueError> {
        usize::try_from(n)
            .ok()
            .filter(|n| (1..=crate::analysis::knearest::MAX_K_NEAREST).contains(n))
            .map(NearestCount)
            .ok_or(ValueError::NotKNearest)
    }

    /// The count.
    pub fn get(self) -> usize {
        self.0
    }
}

impl FromStr for Km {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Km, ValueError> {
        let km: f64 = s.trim().parse().map_err(|_| ValueError::NotKm)?;
        Km::new(km)
    }
}

/// The settlements layer's own columns: a population group may not be named like one, as
/// its column follows `population` in that layer.
pub const RESERVED_GROUP_NAMES: [&str; 9] = [
    "id",
    "name",
    "place",
    "population",
    "status",
    "snap_m",
    "island",
    "region",
    "gaps",
];

/// Checks one population group name: not empty, and none of [`RESERVED_GROUP_NAMES`].
///
/// # Errors
/// [`ValueError::BadGroup`] saying why.
pub fn check_group(name: &str) -> Result<(), ValueError> {
    let why = if name.trim().is_empty() {
        "a group is named by its column in the settlements file, and this name is empty"
    } else if RESERVED_GROUP_NAMES.contains(&name.trim().to_lowercase().as_str()) {
        "this is a column servicegap writes itself; a group is an extra population column \
         of the settlements file (e.g. `pop_70plus`)"
    } else {
        return Ok(());
    };
    Err(ValueError::BadGroup {
        name: name.to_owned(),
        why,
    })
}

/// Checks a list of population group names: each by [`check_group`], and none twice (case
/// aside: a file's columns are found case aside).
///
/// # Errors
/// [`ValueError::BadGroup`] for the first bad or repeated name.
pub fn check_groups(names: &[String]) -> Result<(), ValueError> {
    for (i, name) in names.iter().enumerate() {
        check_group(name)?;
        if names[..i]
            .iter()
            .any(|n| n.trim().eq_ignore_ascii_case(name.trim()))
        {
            return Err(ValueError::BadGroup {
                name: name.clone(),
                why: "named twice",
            });
        }
    }
    Ok(())
}

impl FromStr for NearestCount {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<NearestCount, ValueError> {
        let n: i64 = s.trim().parse().map_err(|_| ValueError::NotKNearest)?;
        NearestCount::new(n)
    }
}

/// What the command line says about settings, each value typed; `None` and empty lists leave
/// the settings file's value (or the default).
#[derive(Clone)]
pub struct Flags {
    /// The settings file, if any.
    pub config: Option<PathBuf>,
    /// Thresholds per kind (later ones win).
    pub thresholds: Vec<ThresholdSetting>,
    /// See [`AnalysisOptions::max_snap_m`].
    pub max_snap_m: Option<Metres>,
    /// See [`AnalysisOptions::max_service_snap_m`].
    pub max_service_snap_m: Option<Metres>,
    /// See [`crate::network::snap::SnapOptions::min_component_nodes`].
    pub min_component_nodes: Option<u32>,
    /// The coordinate system of x/y columns in planners' files.
    pub crs: Option<Crs>,
    /// Planners' service point files.
    pub services: Vec<PathBuf>,
    /// Whether kinds not in any service file still come from OSM.
    pub osm_services: bool,
    /// A planner's settlements file, instead of OSM places.
    pub settlements: Option<PathBuf>,
    /// Region polygons.
    pub regions: Option<PathBuf>,
    /// The property holding a region's name.
    pub region_field: Option<String>,
    /// Population group columns of the settlements file (replacing the file's list when not
    /// empty).
    pub groups: Vec<String>,
    /// See [`AnalysisOptions::group_far_km`].
    pub group_far_km: Option<Km>,
    /// See [`AnalysisOptions::k_nearest`].
    pub k_nearest: Option<NearestCount>,
    /// Whether to compute capacity-aware access (E2SFCA, [`AnalysisOptions::e2sfca`]) even
    /// when the settings file does not switch it on; `false` leaves the file's choice.
    pub e2sfca: bool,
}

impl Default for Flags {
    /// No flags: the settings file's values or the defaults, service points from OSM.
    fn default() -> Self {
        Flags {
            config: None,
            thresholds: Vec::new(),
            max_snap_m: None,
            max_service_snap_m: None,
            min_component_nodes: None,
            crs: None,
            services: Vec::new(),
            osm_services: true,
            settlements: None,
            regions: None,
            region_field: None,
            groups: Vec::new(),
            group_far_km: None,
            k_nearest: None,
            e2sfca: false,
        }
    }
}

/// The settings a command runs with: the settings file with the flags applied over it.
#[derive(Clone)]
pub struct Settings {
    /// The reading rules (speeds, service tags, places).
    pub profile: Profile,
    /// The analysis options (thresholds, snapping).
    pub options: AnalysisOptions,
    /// The coordinate system of x/y columns in planners' files.
    pub crs: Option<Crs>,
    /// Planners' service point files.
    pub services: Vec<PathBuf>,
    /// Whether kinds not in any service file still come from OSM.
    pub osm_services: bool,
    /// A planner's settlements file, instead of OSM places.
    pub settlements: Option<PathBuf>,
    /// Region polygons.
    pub regions: Option<PathBuf>,
    /// The property holding a region's name.
    pub region_field: Option<String>,
    /// Population group columns of the settlements file, in order (see
    /// [`crate::network::region::Region::groups`]).
    pub groups: Vec<String>,
}

/// Reads the settings file named in `flags` (if any), applies the flags over it and returns
/// the settings.
///
/// # Errors
/// [`SettingsError`] naming the settings file, and the line and key of a bad setting.
pub fn resolve(flags: Flags) -> Result<Settings, SettingsError> {
    let config = match &flags.config {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    apply_flags(&config, flags)
}

/// The settings of a checked `config` with `flags` over it. A problem of the file here (which
/// [`Config::parse`] has already ruled out) comes with the settings file's path; a flag naming
/// a kind the settings do not have is [`SettingsError::Flag`].
fn apply_flags(config: &Config, flags: Flags) -> Result<Settings, SettingsError> {
    let in_file = |problem| SettingsError::File {
        path: flags.config.clone().unwrap_or_default(),
        error: Box::new(ConfigError {
            line: None,
            problem,
        }),
    };
    let profile = config.profile().map_err(in_file)?;
    let mut options = AnalysisOptions::default();
    config.apply(&mut options).map_err(in_file)?;

    options
        .set_thresholds(profile.kinds(), &flags.thresholds)
        .map_err(|error| SettingsError::Flag {
            flag: "--threshold",
            error,
        })?;
    if let Some(m) = flags.max_snap_m {
        options.max_snap_m = m.get();
    }
    if let Some(m) = flags.max_service_snap_m {
        options.max_service_snap_m = m.get();
    }
    if let Some(n) = flags.min_component_nodes {
        options.snap.min_component_nodes = n;
    }
    if let Some(n) = flags.k_nearest {
        options.k_nearest = n.get();
    }
    if let Some(km) = flags.group_far_km {
        options.group_far_km = km.get();
    }
    let groups = if flags.groups.is_empty() {
        config.settlements.groups.clone().unwrap_or_default()
    } else {
        flags.groups
    };
    if flags.e2sfca && options.e2sfca.is_none() {
        options.e2sfca = Some(config.e2sfca_steps().map_err(in_file)?);
    }
    Ok(Settings {
        profile,
        options,
        crs: flags.crs,
        services: flags.services,
        osm_services: flags.osm_services,
        settlements: flags.settlements,
        regions: flags.regions,
        region_field: flags.region_field,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Threshold;
    use crate::ServiceKind;

    const FILE: &str = "[thresholds]\ngrocery = \"7km\"\npost = \"12min\"\n\
                        [snapping]\nmax_snap_m = 800\nmax_service_snap_m = 300\n\
                        min_component_nodes = 9\naccess_kmh = 12\n";

    fn settings(text: &str, flags: Flags) -> Settings {
        let config = Config::parse(text).unwrap_or_else(|e| panic!("{e}"));
        apply_flags(&config, flags).unwrap_or_else(|e| panic!("{e}"))
    }

    fn threshold(text: &str) -> ThresholdSetting {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn metres(m: f64) -> Option<Metres> {
        Some(Metres::new(m).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn the_file_applies_without_flags() {
        let s = settings(FILE, Flags::default());
        let o = &s.options;
        assert_eq!(
            o.thresholds[ServiceKind::GROCERY.index()].to_string(),
            "7km"
        );
        assert_eq!(o.thresholds[ServiceKind::POST.index()].to_string(), "12min");
        assert_eq!(o.max_snap_m, 800.0);
        assert_eq!(o.max_service_snap_m, 300.0);
        assert_eq!(o.snap.min_component_nodes, 9);
        assert_eq!(o.access_kmh, 12.0);
        assert!(s.osm_services);
    }

    #[test]
    fn no_file_and_no_flags_is_the_default() {
        let s = settings("", Flags::default());
        assert_eq!(s.options, AnalysisOptions::default());
        assert_eq!(s.profile, Profile::default());
    }

    #[test]
    fn flags_win_over_the_file() {
        let flags = Flags {
            thresholds: vec![threshold("grocery=3min"), threshold("grocery=4km")],
            max_snap_m: metres(100.0),
            max_service_snap_m: metres(50.0),
            min_component_nodes: Some(2),
            ..Flags::default()
        };
        let s = settings(FILE, flags);
        let o = &s.options;
        // The last of several flags for one kind wins; a kind without a flag keeps the file's.
        let grocery = Threshold {
            value: 4.0,
            unit: crate::analysis::Unit::Km,
        };
        assert_eq!(o.thresholds[ServiceKind::GROCERY.index()], grocery);
        assert_eq!(o.thresholds[ServiceKind::POST.index()].to_string(), "12min");
        assert_eq!(o.max_snap_m, 100.0);
        assert_eq!(o.max_service_snap_m, 50.0);
        assert_eq!(o.snap.min_component_nodes, 2);
        // No flag for it: the file's.
        assert_eq!(o.access_kmh, 12.0);
    }

    #[test]
    fn each_flag_wins_alone() {
        let base = settings(FILE, Flags::default()).options;
        let one = |flags: Flags| settings(FILE, flags).options;
        let o = one(Flags {
            max_snap_m: metres(0.5),
            ..Flags::default()
        });
        assert_eq!((o.max_snap_m, o.max_service_snap_m), (0.5, 300.0));
        let o = one(Flags {
            max_service_snap_m: metres(1.5),
            ..Flags::default()
        });
        assert_eq!((o.max_snap_m, o.max_service_snap_m), (800.0, 1.5));
        let o = one(Flags {
            min_component_nodes: Some(0),
            ..Flags::default()
        });
        assert_eq!(o.snap.min_component_nodes, 0);
        assert_eq!(o.max_snap_m, base.max_snap_m);
        let o = one(Flags {
            thresholds: vec![threshold("post=1km")],
            ..Flags::default()
        });
        assert_eq!(o.thresholds[ServiceKind::POST.index()].to_string(), "1km");
        assert_eq!(
            o.thresholds[ServiceKind::GROCERY.index()],
            base.thresholds[ServiceKind::GROCERY.index()]
        );
    }

    #[test]
    fn files_and_crs_pass_through() {
        let flags = Flags {
            crs: Crs::parse("EPSG:3006").ok(),
            services: vec!["a.csv".into(), "b.csv".into()],
            osm_services: false,
            settlements: Some("grid.csv".into()),
            regions: Some("kommuner.geojson".into()),
            region_field: Some("kom_namn".into()),
            ..Flags::default()
        };
        let s = settings("", flags);
        assert!(s.crs.is_some());
        assert_eq!(s.services, [PathBuf::from("a.csv"), PathBuf::from("b.csv")]);
        assert!(!s.osm_services);
        assert_eq!(s.settlements, Some("grid.csv".into()));
        assert_eq!(s.regions, Some("kommuner.geojson".into()));
        assert_eq!(s.region_field.as_deref(), Some("kom_namn"));
    }

    #[test]
    fn metres_are_finite_and_positive() {
        for ok in ["0.1", "1000", " 2.5 ", "1e3"] {
            assert!(ok.parse::<Metres>().is_ok(), "{ok}");
        }
        for bad in [
            "0", "-0", "0.0", "-1", "-0.5", "NaN", "inf", "-inf", "", "abc", "5m",
        ] {
            assert_eq!(bad.parse::<Metres>(), Err(ValueError::NotMetres), "{bad}");
        }
        assert_eq!(Metres::new(f64::NAN), Err(ValueError::NotMetres));
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("servicegap.toml");
        let flags = || Flags {
            config: Some(path.clone()),
            ..Flags::default()
        };
        let message = |text: &str| {
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
            match resolve(flags()) {
                Ok(_) => panic!("{text:?} was accepted"),
                Err(e) => e.to_string(),
            }
        };
        let file = path.display().to_string();
        assert_eq!(
            message("[snapping]\nmax_snap_m = -3\n"),
            format!("{file}:2: [snapping] max_snap_m: must be a positive number of metres")
        );
        // Zero snaps nothing: refused in the file as on the command line.
        assert_eq!(
            message("[snapping]\nmax_service_snap_m = 0\n"),
            format!("{file}:2: [snapping] max_service_snap_m: must be a positive number of metres")
        );
        assert_eq!(
            message("\n[thresholds]\nfuel = \"x\"\n"),
            format!(
                "{file}:3: [thresholds] fuel: `fuel=x`: the value needs a unit, km or min (e.g. 10km)"
            )
        );
        assert!(message("[speeds]\nhighway = 50\n")
            .starts_with(&format!("{file}:2: [speeds] highway: ")));
        assert!(message("[colours]\n").starts_with(&format!("{file}:1: ")));
        let missing = dir.path().join("missing.toml");
        let e = resolve(Flags {
            config: Some(missing.clone()),
            ..Flags::default()
        });
        assert!(matches!(e, Err(SettingsError::Read { path, .. }) if path == missing));
    }
}
