//! `servicegap.toml`: analysis settings a planner keeps with a project, so a run can be repeated
//! exactly. `servicegap config` prints [`DEFAULT_CONFIG`], every setting with its default and
//! why; command-line flags override the file. Unknown keys are errors that name the key.

use crate::analysis::{AnalysisOptions, ThresholdSetting};
use crate::base::error::{Error, Result};
use crate::input::toml::{line_of_key, parse_toml};
use crate::read::profile::Profile;
use crate::ServiceKind;
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

[settlements]
# OSM place values that are settlements (with --settlements FILE, the file's points are used
# instead). Also known: suburb, quarter, neighbourhood, farm, locality.
places = ["city", "town", "village", "hamlet", "isolated_dwelling"]

[snapping]
max_snap_m = 5000.0          # settlements farther than this from a road get status no_road
max_service_snap_m = 1000.0  # service points farther than this from a road are dropped
min_component_nodes = 50     # smaller road fragments take no snaps
access_kmh = 20.0            # speed on the straight leg from a point to its road
"#;

/// The contents of a configuration file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Threshold per kind name.
    #[serde(default)]
    pub thresholds: Thresholds,
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

/// `[services]`: per kind, the `"key=value"` tags that make a service point.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Services {
    /// Grocery.
    pub grocery: Option<Vec<String>>,
    /// Fuel.
    pub fuel: Option<Vec<String>>,
    /// Post.
    pub post: Option<Vec<String>>,
    /// Pharmacy.
    pub pharmacy: Option<Vec<String>>,
    /// Payment.
    pub payment: Option<Vec<String>>,
}

/// `[settlements]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settlements {
    /// OSM `place` values that are settlements.
    pub places: Option<Vec<String>>,
}

/// `[thresholds]`: per kind, e.g. `grocery = "10min"`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Grocery.
    pub grocery: Option<String>,
    /// Fuel.
    pub fuel: Option<String>,
    /// Post.
    pub post: Option<String>,
    /// Pharmacy.
    pub pharmacy: Option<String>,
    /// Payment.
    pub payment: Option<String>,
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

impl Config {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// [`Error::Input`] naming the file (and line) of an unknown key, a wrong type or a bad
    /// value.
    pub fn read(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text).map_err(|(line, message)| Error::input(path, line, message))
    }

    /// Parses configuration text; errors carry the 1-based line where known.
    pub fn parse(text: &str) -> std::result::Result<Config, (Option<u64>, String)> {
        let config: Config = parse_toml(text)?;
        config.settings().map_err(|e| (None, e))?;
        config
            .keyed_profile()
            .map_err(|(key, message)| (line_of_key(text, &key), message))?;
        Ok(config)
    }

    fn settings(&self) -> std::result::Result<Vec<ThresholdSetting>, String> {
        let t = &self.thresholds;
        let named = [
            (ServiceKind::Grocery, &t.grocery),
            (ServiceKind::Fuel, &t.fuel),
            (ServiceKind::Post, &t.post),
            (ServiceKind::Pharmacy, &t.pharmacy),
            (ServiceKind::Payment, &t.payment),
        ];
        named
            .iter()
            .filter_map(|(kind, value)| value.as_ref().map(|v| (kind, v)))
            .map(|(kind, v)| {
                format!("{kind}={v}")
                    .parse::<ThresholdSetting>()
                    .map_err(|e| format!("[thresholds] {kind}: {}", e.replace("--threshold ", "")))
            })
            .collect()
    }

    /// The reading rules: the default [`Profile`] changed by `[speeds]`, `[services]` and
    /// `[settlements]`.
    ///
    /// # Errors
    /// A message naming the section and key of an unknown class or place or a bad value.
    pub fn profile(&self) -> std::result::Result<Profile, String> {
        self.keyed_profile().map_err(|(_, message)| message)
    }

    /// [`Config::profile`], with errors as (key, message).
    fn keyed_profile(&self) -> std::result::Result<Profile, (String, String)> {
        let mut profile = Profile::default();
        let keyed = |section: &str, key: &str, e: String| {
            let message = if e.starts_with(&format!("{key}:")) {
                format!("[{section}] {e}")
            } else {
                format!("[{section}] {key}: {e}")
            };
            (key.to_owned(), message)
        };
        for (class, value) in &self.speeds.classes {
            let kmh = match value {
                toml::Value::Float(v) => *v,
                toml::Value::Integer(v) => *v as f64,
                other => {
                    return Err(keyed(
                        "speeds",
                        class,
                        format!("a speed is a number of km/h, not {other}"),
                    ))
                }
            };
            profile
                .set_class_kmh(class, kmh)
                .map_err(|e| keyed("speeds", class, e))?;
        }
        if let Some(f) = self.speeds.maxspeed_factor {
            profile
                .set_maxspeed_factor(f)
                .map_err(|e| keyed("speeds", "maxspeed_factor", e))?;
        }
        let s = &self.services;
        for (kind, tags) in [
            (ServiceKind::Grocery, &s.grocery),
            (ServiceKind::Fuel, &s.fuel),
            (ServiceKind::Post, &s.post),
            (ServiceKind::Pharmacy, &s.pharmacy),
            (ServiceKind::Payment, &s.payment),
        ] {
            if let Some(tags) = tags {
                profile
                    .set_kind_tags(kind, tags)
                    .map_err(|e| keyed("services", kind.name(), e))?;
            }
        }
        if let Some(places) = &self.settlements.places {
            profile
                .set_places(places)
                .map_err(|e| keyed("settlements", "places", e))?;
        }
        Ok(profile)
    }

    /// Applies the file's settings to `options`.
    ///
    /// # Errors
    /// A message naming the key of a value out of range.
    pub fn apply(&self, options: &mut AnalysisOptions) -> std::result::Result<(), String> {
        options.set_thresholds(&self.settings()?);
        let s = &self.snapping;
        let metres = |key: &str, v: Option<f64>, into: &mut f64| {
            if let Some(v) = v {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(format!("[snapping] {key} must be a non-negative number"));
                }
                *into = v;
            }
            Ok(())
        };
        metres("max_snap_m", s.max_snap_m, &mut options.max_snap_m)?;
        metres(
            "max_service_snap_m",
            s.max_service_snap_m,
            &mut options.max_service_snap_m,
        )?;
        if let Some(kmh) = s.access_kmh {
            if !(kmh.is_finite() && kmh > 0.0) {
                return Err("[snapping] access_kmh must be a positive speed".into());
            }
            options.access_kmh = kmh;
        }
        if let Some(n) = s.min_component_nodes {
            options.snap.min_component_nodes = n;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_default_is_the_default() {
        let config = Config::parse(DEFAULT_CONFIG).unwrap_or_else(|e| panic!("{e:?}"));
        let mut options = AnalysisOptions::default();
        config.apply(&mut options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(options, AnalysisOptions::default());
    }

    #[test]
    fn settings_and_errors() {
        let config =
            Config::parse("[thresholds]\ngrocery = \"10min\"\n[snapping]\nmax_snap_m = 800\n")
                .unwrap_or_else(|e| panic!("{e:?}"));
        let mut options = AnalysisOptions::default();
        config.apply(&mut options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(options.thresholds[0].to_string(), "10min");
        assert_eq!(options.max_snap_m, 800.0);

        let err = Config::parse("[snapping]\nmax_snap = 3\n")
            .map(|_| ())
            .err();
        let (line, message) = err.unwrap_or_default();
        assert_eq!(line, Some(2));
        assert!(message.contains("max_snap"), "{message}");
        let err = Config::parse("[thresholds]\ngrocery = \"10\"\n")
            .err()
            .unwrap_or_default();
        assert!(
            err.1.contains("grocery") && err.1.contains("unit"),
            "{}",
            err.1
        );
        let err = Config::parse("[colours]\n").err().unwrap_or_default();
        assert!(err.1.contains("colours"), "{}", err.1);
    }
}
