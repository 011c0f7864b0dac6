//! `servicegap.toml`: analysis settings a planner keeps with a project, so a run can be repeated
//! exactly. `servicegap config` prints [`DEFAULT_CONFIG`], every setting with its default and
//! why. Every value is checked when the file is parsed, and an error names the section, the key
//! and its line; unknown keys are errors too.

use super::error::{ConfigError, ConfigProblem, Setting, SettingsError, ValueError};
use super::{Metres, NearestCount};
use crate::analysis::{AnalysisOptions, Threshold, ThresholdSetting};
use crate::input::toml::{line_in_section, parse_toml};
use crate::read::profile::{Profile, ProfileError};
use crate::{Kinds, ServiceKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The full default configuration, commented.
pub const DEFAULT_CONFIG: &str = r#"# servicegap configuration. Every key is optional; the values below are the defaults.

[thresholds]
# Distance or time beyond which a settlement is "in gap" for a kind: "<number>km" or "<number>min".
grocery = "10km"   # Swedish rural store aid: more than 10 km by car to the next store
fuel = "20km"      # editorial default
post = "10km"      # editorial default
pharmacy = "20km"  # editorial default
payment = "25km"   # Swedish law: at most 0.30 % of people more than 25 km from cash withdrawal

[support]
# The support screening: points of a kind farther than this from the next point of the kind
# (by road, "<number>km", or by car, "<number>min") are listed in summary.json and the report.
# "off" screens no point of the kind; a kind left out here is not screened.
grocery = "10km"   # särskilt driftstöd: a store more than 10 km from the next full-range store
fuel = "15km"      # the fuel-station aid: more than 15 km to the next station

[speeds]
# Speed in km/h on roads without a usable maxspeed tag, per highway class (roughly the Swedish
# default limits: 70 outside built-up areas, 50 inside, lower in housing areas).
motorway = 110
motorway_link = 60
trunk = 90
trunk_link = 60
primary = 80
primary_link = 60
secondary = 70
secondary_link = 50
tertiary = 60
tertiary_link = 50
unclassified = 50
residential = 30
living_street = 10
service = 20
road = 40
track = 20            # only tracks open to cars are roads at all
# Factor on tagged maxspeed limits: 1.0 is free flow at the posted limit; OSRM's car profile
# uses 0.8 to turn limits into typical speeds.
maxspeed_factor = 1.0

[services]
# The tags that make an OSM node or area a service point of each kind, as "key=value".
# A kind listed here replaces its default list; a feature may match several kinds.
grocery = ["shop=supermarket", "shop=convenience", "shop=general", "shop=grocery"]
fuel = ["amenity=fuel"]
post = ["amenity=post_office", "post_office=post_partner", "post_office=bureau",
        "post_office=post_annex", "amenity=parcel_locker", "vending=parcel_pickup"]
pharmacy = ["amenity=pharmacy", "healthcare=pharmacy"]
payment = ["amenity=atm", "amenity=bank", "amenity=payment_centre", "cash_withdrawal=yes",
           "atm=yes"]

# A project's own kinds, after the five: each [kinds.NAME] gives the OSM tags that make a
# point of it (required), its gap threshold (required), and optionally its label on the report
# and tables and its support screening limit. NAME is its column prefix (NAME_km, NAME_min,
# ...): lower-case letters, digits and _. Planners' files and scenarios may name it. None by
# default; for example:
# [kinds.ev_charging]
# tags = ["amenity=charging_station"]
# threshold = "30km"
# label = "EV charging"
# support = "off"

[settlements]
# OSM place values that are settlements (with --settlements FILE, the file's points are used
# instead). Also known: suburb, quarter, neighbourhood, farm, locality.
places = ["city", "town", "village", "hamlet", "isolated_dwelling"]
# Population groups: extra population columns of the --settlements file (e.g. people aged 70+),
# each given every gap figure of its own; none by default. Example: groups = ["pop_70plus"]
groups = []
# The groups' Pipos indicator: people of the group living this many road km or more from the
# nearest point of a kind, and their total one-way km (Pipos: 70+ and 5 km to a full-range store).
group_far_km = 5.0

[snapping]
max_snap_m = 5000.0          # settlements farther than this from a road get status no_road
max_service_snap_m = 1000.0  # service points farther than this from a road are dropped
min_component_nodes = 50     # smaller road fragments take no snaps
access_kmh = 20.0            # speed on the straight leg from a point to its road

[nearest]
# Beyond the nearest point: the columns K_min_meanN give the mean car minutes to the N nearest
# points of each kind (Eurostat's GISCO service grids publish the mean over the 3 nearest),
# beside the km and minutes to the second-nearest. A whole number from 1 to 10.
k = 3

[e2sfca]
# Capacity-aware access (enhanced two-step floating catchment area, Luo & Qi 2009), per
# settlement and kind. Off unless switched on here or by --e2sfca: one bounded search per
# service point, so it costs time on a large extract.
enabled = false
# The step weights of car time, as "MINUTES:WEIGHT" steps with increasing limits. A time up
# to a limit (inclusive) that no earlier step takes has the step's weight; beyond the last
# limit a point is outside the catchment.
steps = "10:1, 20:0.68, 30:0.22"
"#;

/// The contents of a configuration file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Threshold per kind name.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// The support screening's limit per kind name (`"off"`: not screened).
    #[serde(default)]
    pub support: Thresholds,
    /// Snapping limits.
    #[serde(default)]
    pub snapping: Snapping,
    /// Speeds per road class.
    #[serde(default)]
    pub speeds: Speeds,
    /// Tag rules per kind.
    #[serde(default)]
    pub services: Services,
    /// Settlement places.
    #[serde(default)]
    pub settlements: Settlements,
    /// The nearest points counted beyond the first.
    #[serde(default)]
    pub nearest: Nearest,
    /// Capacity-aware access.
    #[serde(default)]
    pub e2sfca: E2sfca,
    /// A project's own kinds, by name (added after the five built-in ones in name order).
    #[serde(default)]
    pub kinds: BTreeMap<String, KindSpec>,
}

/// `[kinds.NAME]`: a project's own kind.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSpec {
    /// The `"key=value"` tags that make an OSM feature a point of the kind (required).
    pub tags: Option<Vec<String>>,
    /// Its gap threshold, `"<number>km"` or `"<number>min"` (required).
    pub threshold: Option<String>,
    /// Its label on the report and in tables (default: the name, `_` as spaces).
    pub label: Option<String>,
    /// Its support screening limit, or `"off"` (the default).
    pub support: Option<String>,
}

/// `[nearest]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nearest {
    /// See [`AnalysisOptions::k_nearest`].
    pub k: Option<i64>,
}

/// `[e2sfca]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct E2sfca {
    /// Whether capacity-aware access is computed (default no).
    pub enabled: Option<bool>,
    /// See [`AnalysisOptions::e2sfca`], as `MINUTES:WEIGHT` steps separated by commas.
    pub steps: Option<String>,
}

/// `[speeds]`: km/h per `highway` class, and `maxspeed_factor`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Speeds {
    /// Factor on tagged limits, see [`Profile::set_maxspeed_factor`].
    pub maxspeed_factor: Option<f64>,
    /// Speed per class name; unknown names and values that are no number are errors when
    /// applied, naming the key.
    #[serde(flatten)]
    pub classes: BTreeMap<String, toml::Value>,
}

/// `[services]`: per built-in kind name, the `"key=value"` tags that make a service point (a
/// project's own kinds give theirs in `[kinds.NAME]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Services(pub BTreeMap<String, Vec<String>>);

/// `[settlements]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settlements {
    /// OSM `place` values that are settlements.
    pub places: Option<Vec<String>>,
    /// Population group columns of the settlements file.
    pub groups: Option<Vec<String>>,
    /// See [`AnalysisOptions::group_far_km`].
    pub group_far_km: Option<f64>,
}

/// `[thresholds]` and `[support]`: per kind name, e.g. `grocery = "10min"`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct Thresholds(pub BTreeMap<String, String>);

impl Thresholds {
    /// The kinds of `kinds` given a value, with it, in output order.
    ///
    /// # Errors
    /// [`ConfigProblem::UnknownKind`] for a key that names none of `kinds`; `setting` names
    /// the section.
    fn named<'a>(
        &'a self,
        kinds: &Kinds,
        setting: fn(String) -> Setting,
    ) -> Result<Vec<(ServiceKind, &'a String)>, ConfigProblem> {
        let mut named = self
            .0
            .iter()
            .map(|(key, value)| Ok((kind_of_key(kinds, key, setting)?, value)))
            .collect::<Result<Vec<_>, ConfigProblem>>()?;
        named.sort_by_key(|(kind, _)| *kind);
        Ok(named)
    }
}

/// The kind of `kinds` a key names (exactly: keys are lower case).
///
/// # Errors
/// [`ConfigProblem::UnknownKind`] with the closest kind or the list of kinds.
fn kind_of_key(
    kinds: &Kinds,
    key: &str,
    setting: fn(String) -> Setting,
) -> Result<ServiceKind, ConfigProblem> {
    kinds.named(key).ok_or_else(|| ConfigProblem::UnknownKind {
        setting: setting(key.to_owned()),
        closest: kinds.find(key).err().flatten(),
        known: kinds.names(),
    })
}

/// `[snapping]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapping {
    /// See [`AnalysisOptions::max_snap_m`].
    pub max_snap_m: Option<f64>,
    /// See [`AnalysisOptions::max_service_snap_m`].
    pub max_service_snap_m: Option<f64>,
    /// See [`crate::network::snap::SnapOptions::min_component_nodes`].
    pub min_component_nodes: Option<u32>,
    /// See [`AnalysisOptions::access_kmh`].
    pub access_kmh: Option<f64>,
}

/// The parser's ``unknown field `grocey`, expected one of `grocery`, ...`` with the
/// closest expected name offered: `did you mean `grocery`?`.
fn with_closest_field(message: String) -> String {
    let quoted = |s: &str| s.trim().trim_matches('`').to_owned();
    let Some(rest) = message.strip_prefix("unknown field ") else {
        return message;
    };
    let Some((field, expected)) = rest.split_once(", expected one of ") else {
        return message;
    };
    let names: Vec<String> = expected.split(',').map(quoted).collect();
    match crate::analysis::closest_name(&quoted(field), names.iter().map(String::as_str)) {
        Some(name) => format!("unknown key {}: did you mean `{name}`?", field.trim()),
        None => message,
    }
}

impl Config {
    /// Reads and checks a settings file.
    ///
    /// # Errors
    /// [`SettingsError::Read`] if it cannot be read; [`SettingsError::File`] naming the line
    /// and key of an unknown key, a wrong type or a bad value.
    pub fn read(path: &Path) -> Result<Config, SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|error| SettingsError::File {
            path: path.to_path_buf(),
            error: Box::new(error),
        })
    }

    /// Parses and checks settings-file text.
    ///
    /// # Errors
    /// [`ConfigError`] with the 1-based line where known: the line of the bad key for a bad
    /// value, the TOML parser's line otherwise.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = parse_toml(text).map_err(|e| ConfigError {
            line: e.line,
            problem: ConfigProblem::Toml(with_closest_field(e.message)),
        })?;
        let at_key = |problem: ConfigProblem| {
            let line = match &problem {
                ConfigProblem::Value { setting, .. }
                | ConfigProblem::UnknownKind { setting, .. }
                | ConfigProblem::Missing { setting, .. } => {
                    let header = format!("[{}]", setting.section());
                    // A key left out is missing from its section, and a problem of the section
                    // itself is at its header.
                    if matches!(problem, ConfigProblem::Missing { .. }) || setting.key().is_empty()
                    {
                        text.lines()
                            .position(|l| l.trim() == header)
                            .map(|i| i as u64 + 1)
                    } else {
                        line_in_section(text, &setting.section(), setting.key())
                    }
                }
                ConfigProblem::Toml(_) => None,
            };
            ConfigError { line, problem }
        };
        config
            .apply(&mut AnalysisOptions::default())
            .map_err(at_key)?;
        config.profile().map_err(at_key)?;
        Ok(config)
    }

    /// The `[thresholds]` settings, in output order.
    fn threshold_settings(
        &self,
        kinds: &Kinds,
    ) -> Result<Vec<(ServiceKind, Threshold)>, ConfigProblem> {
        self.thresholds
            .named(kinds, Setting::Threshold)?
            .into_iter()
            .map(|(kind, v)| {
                let setting = || Setting::Threshold(kind.name().to_owned());
                Ok((kind, threshold_of(kind, v, setting)?))
            })
            .collect()
    }

    /// The `[support]` settings, in output order: `None` for `"off"`.
    fn support_settings(
        &self,
        kinds: &Kinds,
    ) -> Result<Vec<(ServiceKind, Option<Threshold>)>, ConfigProblem> {
        self.support
            .named(kinds, Setting::Support)?
            .into_iter()
            .map(|(kind, v)| {
                let setting = || Setting::Support(kind.name().to_owned());
                Ok((kind, support_of(kind, v, setting)?))
            })
            .collect()
    }

    /// The thresholds and support limits of the project's own kinds (`[kinds.NAME]`).
    fn own_kind_settings(
        &self,
        kinds: &Kinds,
    ) -> Result<Vec<(ServiceKind, Threshold, Option<Threshold>)>, ConfigProblem> {
        let mut out = Vec::with_capacity(self.kinds.len());
        for (name, spec) in &self.kinds {
            let setting = |key| Setting::Kind {
                name: name.clone(),
                key,
            };
            let Some(kind) = kinds.named(name) else {
                continue;
            };
            let Some(threshold) = &spec.threshold else {
                return Err(ConfigProblem::Missing {
                    setting: setting("threshold"),
                    example: "threshold = \"30km\"",
                });
            };
            let threshold = threshold_of(kind, threshold, || setting("threshold"))?;
            let support = match &spec.support {
                Some(v) => support_of(kind, v, || setting("support"))?,
                None => None,
            };
            out.push((kind, threshold, support));
        }
        Ok(out)
    }

    /// The reading rules: the default [`Profile`] changed by `[speeds]`, `[services]` and
    /// `[settlements]`.
    ///
    /// # Errors
    /// [`ConfigProblem::Value`] naming the setting of an unknown class or place or a bad value.
    pub fn profile(&self) -> Result<Profile, ConfigProblem> {
        let mut profile = Profile::default();
        // A bad tag rule is named by its kind's setting already, so only the rule is said.
        let rule = |setting: Setting, e: ProfileError| match e {
            ProfileError::Tag { error, .. } => refused(setting, ValueError::NotTag(error)),
            other => refused(setting, ValueError::Rule(other)),
        };
        for (class, value) in &self.speeds.classes {
            let setting = || Setting::Speed(class.clone());
            let kmh = match value {
                toml::Value::Float(v) => *v,
                toml::Value::Integer(v) => *v as f64,
                other => {
                    let found = other.to_string();
                    return Err(refused(setting(), ValueError::NotKmh { found }));
                }
            };
            profile
                .set_class_kmh(class, kmh)
                .map_err(|e| rule(setting(), e))?;
        }
        if let Some(f) = self.speeds.maxspeed_factor {
            profile
                .set_maxspeed_factor(f)
                .map_err(|e| rule(Setting::MaxspeedFactor, e))?;
        }
        let built_in = Kinds::default();
        let mut services = self
            .services
            .0
            .iter()
            .map(|(key, tags)| Ok((kind_of_key(&built_in, key, Setting::ServiceTags)?, tags)))
            .collect::<Result<Vec<_>, ConfigProblem>>()?;
        // In kind order, as the built-in rules are: the same rules make the same profile.
        services.sort_by_key(|(kind, _)| *kind);
        for (kind, tags) in services {
            profile
                .set_kind_tags(kind, tags)
                .map_err(|e| rule(Setting::ServiceTags(kind.name().to_owned()), e))?;
        }
        for (name, spec) in &self.kinds {
            let setting = |key| Setting::Kind {
                name: name.clone(),
                key,
            };
            let Some(tags) = &spec.tags else {
                return Err(ConfigProblem::Missing {
                    setting: setting("tags"),
                    example: "tags = [\"amenity=charging_station\"]",
                });
            };
            profile
                .add_kind(name, spec.label.as_deref(), tags)
                .map_err(|e| match e {
                    ProfileError::Kind(_) => rule(setting(""), e),
                    other => rule(setting("tags"), other),
                })?;
        }
        if let Some(places) = &self.settlements.places {
            profile
                .set_places(places)
                .map_err(|e| rule(Setting::Places, e))?;
        }
        Ok(profile)
    }

    /// Applies the file's thresholds, snapping settings and the groups' far distance to
    /// `options`, and checks its population group names.
    ///
    /// # Errors
    /// [`ConfigProblem::Value`] naming the setting of a value out of range.
    pub fn apply(&self, options: &mut AnalysisOptions) -> Result<(), ConfigProblem> {
        let profile = self.profile()?;
        let kinds = profile.kinds();
        for (kind, threshold, support) in self.own_kind_settings(kinds)? {
            options.set_threshold(kind, threshold);
            options.set_support(kind, support);
        }
        for (kind, threshold) in self.threshold_settings(kinds)? {
            options.set_threshold(kind, threshold);
        }
        for (kind, limit) in self.support_settings(kinds)? {
            options.set_support(kind, limit);
        }
        let s = &self.snapping;
        let metres = |setting: Setting, v: Option<f64>| {
            v.map(Metres::new)
                .transpose()
                .map_err(|e| refused(setting, e))
        };
        if let Some(m) = metres(Setting::MaxSnapM, s.max_snap_m)? {
            options.max_snap_m = m.get();
        }
        if let Some(m) = metres(Setting::MaxServiceSnapM, s.max_service_snap_m)? {
            options.max_service_snap_m = m.get();
        }
        if let Some(kmh) = s.access_kmh {
            if !(kmh.is_finite() && kmh > 0.0) {
                return Err(refused(Setting::AccessKmh, ValueError::NotSpeed));
            }
            options.access_kmh = kmh;
        }
        if let Some(n) = s.min_component_nodes {
            options.snap.min_component_nodes = n;
        }
        if let Some(km) = self.settlements.group_far_km {
            let km = super::Km::new(km).map_err(|e| refused(Setting::GroupFarKm, e))?;
            options.group_far_km = km.get();
        }
        if let Some(groups) = &self.settlements.groups {
            super::check_groups(groups).map_err(|e| refused(Setting::Groups, e))?;
        }
        if let Some(k) = self.nearest.k {
            let n = NearestCount::new(k).map_err(|e| refused(Setting::KNearest, e))?;
            options.k_nearest = n.get();
        }
        // Checked even when not switched on, so a bad value is never a surprise later.
        let steps = self.e2sfca_steps()?;
        options.e2sfca = self.e2sfca.enabled.unwrap_or(false).then_some(steps);
        Ok(())
    }

    /// The file's step weights of capacity-aware access, the default steps where none are
    /// given.
    ///
    /// # Errors
    /// [`ConfigProblem::Value`] for `[e2sfca] steps` that cannot be read.
    pub fn e2sfca_steps(&self) -> Result<crate::analysis::e2sfca::Steps, ConfigProblem> {
        match &self.e2sfca.steps {
            Some(steps) => steps
                .parse()
                .map_err(|e: crate::analysis::e2sfca::StepsError| {
                    refused(Setting::E2sfcaSteps, e.into())
                }),
            None => Ok(crate::analysis::e2sfca::Steps::default()),
        }
    }
}

/// The threshold `value` of `kind` (e.g. `10km`).
fn threshold_of(
    kind: ServiceKind,
    value: &str,
    setting: impl Fn() -> Setting,
) -> Result<Threshold, ConfigProblem> {
    format!("{kind}={value}")
        .parse::<ThresholdSetting>()
        .map(|s| s.threshold)
        .map_err(|e| refused(setting(), e.into()))
}

/// The support screening limit `value` of `kind`: `None` for `"off"`.
fn support_of(
    kind: ServiceKind,
    value: &str,
    setting: impl Fn() -> Setting,
) -> Result<Option<Threshold>, ConfigProblem> {
    if value.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    threshold_of(kind, value, setting).map(Some)
}

fn refused(setting: Setting, error: ValueError) -> ConfigProblem {
    ConfigProblem::Value { setting, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> ConfigError {
        match Config::parse(text) {
            Ok(_) => panic!("{text:?} was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_printed_default_is_the_default() {
        let config = parse(DEFAULT_CONFIG);
        let mut options = AnalysisOptions::default();
        config.apply(&mut options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(options, AnalysisOptions::default());
    }

    #[test]
    fn settings_and_errors() {
        let config = parse("[thresholds]\ngrocery = \"10min\"\n[snapping]\nmax_snap_m = 800\n");
        let mut options = AnalysisOptions::default();
        config.apply(&mut options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(options.thresholds[0].to_string(), "10min");
        assert_eq!(options.max_snap_m, 800.0);

        let config = parse("[support]\ngrocery = \"off\"\npost = \"12min\"\n");
        let mut options = AnalysisOptions::default();
        config.apply(&mut options).unwrap_or_else(|e| panic!("{e}"));
        let limits: Vec<Option<String>> = options
            .support
            .iter()
            .map(|l| l.map(|l| l.to_string()))
            .collect();
        let fuel = Some("15km".to_owned());
        assert_eq!(limits, [None, fuel, Some("12min".into()), None, None]);

        let err = error("[snapping]\nmax_snap = 3\n");
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("max_snap"), "{err}");
        let err = error("[thresholds]\ngrocery = \"10\"\n").to_string();
        assert!(err.contains("grocery") && err.contains("unit"), "{err}");
        let err = error("[colours]\n").to_string();
        assert!(err.contains("colours"), "{err}");
    }

    /// Every checked value: the setting it names, its key's line, and the message.
    #[test]
    fn bad_values_name_setting_and_line() {
        let cases = [
            (
                "[services]\ngrocery = [\"shop=x\"]\n[thresholds]\ngrocery = \"5\"\n",
                Setting::Threshold("grocery".into()),
                4,
                "[thresholds] grocery: `grocery=5`: the value needs a unit, km or min (e.g. 10km)",
            ),
            (
                "[support]\nfuel = \"15 miles\"\n",
                Setting::Support("fuel".into()),
                2,
                "[support] fuel: `fuel=15 miles`: `miles` is not a unit of thresholds: use km or min (e.g. 10km)",
            ),
            (
                "[snapping]\n\nmax_snap_m = -1\n",
                Setting::MaxSnapM,
                3,
                "[snapping] max_snap_m: must be a positive number of metres",
            ),
            (
                "[snapping]\nmax_service_snap_m = nan\n",
                Setting::MaxServiceSnapM,
                2,
                "[snapping] max_service_snap_m: must be a positive number of metres",
            ),
            (
                "[snapping]\naccess_kmh = 0\n",
                Setting::AccessKmh,
                2,
                "[snapping] access_kmh: must be a positive speed",
            ),
            (
                "[nearest]\nk = 0\n",
                Setting::KNearest,
                2,
                "[nearest] k: must be a whole number of points from 1 to 10",
            ),
            (
                "[nearest]\n\nk = 11\n",
                Setting::KNearest,
                3,
                "[nearest] k: must be a whole number of points from 1 to 10",
            ),
            (
                "[speeds]\nresidential = \"fast\"\n",
                Setting::Speed("residential".into()),
                2,
                "[speeds] residential: a speed is a number of km/h, not \"fast\"",
            ),
            (
                "[e2sfca]\n\nsteps = \"20:1, 10:0.5\"\n",
                Setting::E2sfcaSteps,
                3,
                "[e2sfca] steps: step limit `10` must be a positive number of minutes above the step before",
            ),
        ];
        for (text, setting, line, message) in cases {
            let err = error(text);
            assert_eq!(err.line, Some(line), "{text:?}");
            assert_eq!(err.to_string(), message, "{text:?}");
            match err.problem {
                ConfigProblem::Value { setting: got, .. } => assert_eq!(got, setting),
                other => panic!("{text:?}: {other}"),
            }
        }
    }
}
