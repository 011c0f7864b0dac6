//! What can be wrong with settings: which setting (named as in the settings file, never as a
//! flag) and why. The command line adds the flag name where a value came from a flag.

use crate::base::error::ThresholdError;
use crate::read::profile::{NotTag, ProfileError};
use crate::ServiceKind;
use std::fmt;
use std::path::PathBuf;

/// One setting, named by its section and key in the settings file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `[thresholds] KIND`, by the kind's name.
    Threshold(String),
    /// `[support] KIND`: the support screening's limit of one kind, by its name.
    Support(String),
    /// `[snapping] max_snap_m`.
    MaxSnapM,
    /// `[snapping] max_service_snap_m`.
    MaxServiceSnapM,
    /// `[snapping] min_component_nodes`.
    MinComponentNodes,
    /// `[snapping] access_kmh`.
    AccessKmh,
    /// `[speeds] CLASS`: the speed of one road class.
    Speed(String),
    /// `[speeds] maxspeed_factor`.
    MaxspeedFactor,
    /// `[services] KIND`: the tags of one built-in kind, by its name.
    ServiceTags(String),
    /// `[kinds.NAME] KEY`: one setting of a project's own kind (`tags`, `threshold`,
    /// `label`, `support`), or the kind itself (`KEY` empty).
    Kind {
        /// The kind's name as given.
        name: String,
        /// The key; empty for the kind as a whole.
        key: &'static str,
    },
    /// `[settlements] places`.
    Places,
    /// `[settlements] groups`: the population group columns.
    Groups,
    /// `[settlements] group_far_km`: the distance of the groups' Pipos indicator.
    GroupFarKm,
    /// `[nearest] k`: the `N` of the mean time to the `N` nearest points.
    KNearest,
    /// `[e2sfca] steps`.
    E2sfcaSteps,
}

impl Setting {
    /// The section of the settings file, without brackets (`kinds.ev_charging` for a kind's).
    pub fn section(&self) -> String {
        match self {
            Setting::Kind { name, .. } => format!("kinds.{name}"),
            other => other.fixed_section().to_owned(),
        }
    }

    /// The section of a setting outside `[kinds.NAME]`.
    fn fixed_section(&self) -> &'static str {
        match self {
            Setting::Kind { .. } => "kinds",
            Setting::Threshold(_) => "thresholds",
            Setting::Support(_) => "support",
            Setting::MaxSnapM
            | Setting::MaxServiceSnapM
            | Setting::MinComponentNodes
            | Setting::AccessKmh => "snapping",
            Setting::Speed(_) | Setting::MaxspeedFactor => "speeds",
            Setting::ServiceTags(_) => "services",
            Setting::Places | Setting::Groups | Setting::GroupFarKm => "settlements",
            Setting::KNearest => "nearest",
            Setting::E2sfcaSteps => "e2sfca",
        }
    }

    /// The key within its section.
    pub fn key(&self) -> &str {
        match self {
            Setting::Threshold(kind) | Setting::Support(kind) | Setting::ServiceTags(kind) => kind,
            Setting::Kind { key, .. } => key,
            Setting::MaxSnapM => "max_snap_m",
            Setting::MaxServiceSnapM => "max_service_snap_m",
            Setting::MinComponentNodes => "min_component_nodes",
            Setting::AccessKmh => "access_kmh",
            Setting::Speed(class) => class,
            Setting::MaxspeedFactor => "maxspeed_factor",
            Setting::Places => "places",
            Setting::Groups => "groups",
            Setting::GroupFarKm => "group_far_km",
            Setting::KNearest => "k",
            Setting::E2sfcaSteps => "steps",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key() {
            "" => write!(f, "[{}]", self.section()),
            key => write!(f, "[{}] {key}", self.section()),
        }
    }
}

/// Why a value is refused, whichever way it was given.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// A distance that is zero, negative, infinite or no number.
    #[error("must be a positive number of metres")]
    NotMetres,
    /// A distance in km that is zero, negative, infinite or no number.
    #[error("must be a positive number of km")]
    NotKm,
    /// A population group name that cannot be a column of the outputs.
    #[error("population group `{name}`: {why}")]
    BadGroup {
        /// The name as given.
        name: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// A number of nearest points that is no whole number from 1 to
    /// [`crate::analysis::knearest::MAX_K_NEAREST`].
    #[error(
        "must be a whole number of points from 1 to {}",
        crate::analysis::knearest::MAX_K_NEAREST
    )]
    NotKNearest,
    /// A speed that is not above 0.
    #[error("must be a positive speed")]
    NotSpeed,
    /// A speed that is no number at all (e.g. a string).
    #[error("a speed is a number of km/h, not {found}")]
    NotKmh {
        /// The value as written in the file.
        found: String,
    },
    /// A threshold that cannot be read.
    #[error(transparent)]
    Threshold(#[from] ThresholdError),
    /// A service tag rule that is not `key=value` (the setting already names the kind).
    #[error(transparent)]
    NotTag(#[from] NotTag),
    /// A reading rule the road and tag profile refuses; the text is the profile's.
    #[error(transparent)]
    Rule(ProfileError),
    /// Step weights of capacity-aware access that cannot be read.
    #[error(transparent)]
    Steps(#[from] crate::analysis::e2sfca::StepsError),
}

/// A problem in the settings file: the TOML itself, or one setting's value.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigProblem {
    /// Not TOML, an unknown section or key, or a value of the wrong type.
    #[error("{0}")]
    Toml(String),
    /// A key of `[thresholds]`, `[support]` or `[services]` that names no kind.
    #[error("unknown key `{}`: {}", setting.key(), match closest {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!("the kinds are {known}; a project's own kind is defined in [kinds.NAME]"),
    })]
    UnknownKind {
        /// The setting, named by the key as given.
        setting: Setting,
        /// The kind closest to the key, if one is close.
        closest: Option<ServiceKind>,
        /// The run's kind names, comma-separated.
        known: String,
    },
    /// A key a project's own kind must have.
    #[error("{setting} is needed, e.g. {example}")]
    Missing {
        /// The setting missing.
        setting: Setting,
        /// What it might be.
        example: &'static str,
    },
    /// A setting with a value it cannot have.
    #[error("{setting}: {error}")]
    Value {
        /// Which setting.
        setting: Setting,
        /// Why.
        error: ValueError,
    },
}

/// A [`ConfigProblem`] with the 1-based line it is on, where known.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{problem}")]
pub struct ConfigError {
    /// The line, when known.
    pub line: Option<u64>,
    /// What is wrong.
    pub problem: ConfigProblem,
}

/// Why settings cannot be resolved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The settings file cannot be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The settings file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A command-line value that names a kind the settings do not have (the flag's kinds are
    /// known only once the settings file is read).
    #[error("invalid value for {flag}: {error}")]
    Flag {
        /// The flag, e.g. `--threshold`.
        flag: &'static str,
        /// What is wrong.
        error: ThresholdError,
    },
    /// The settings file has a bad section, key or value.
    #[error("{}{}: {}", path.display(), line_suffix(error.line), error.problem)]
    File {
        /// The settings file.
        path: PathBuf,
        /// What is wrong and where (boxed: an error should be cheap to pass up).
        error: Box<ConfigError>,
    },
}

fn line_suffix(line: Option<u64>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}
