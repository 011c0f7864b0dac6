//! How a command fails: the library's errors, the binary's own, and bad flag values, each
//! printed as one line with its whole cause chain; and clap's usage errors, left to clap.

use servicegap::input::crs::CrsError;
use std::error::Error as StdError;
use std::path::PathBuf;

/// Why a command did not complete.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A usage error, `--help` or `--version`: clap prints it and picks the exit code.
    #[error("{0}")]
    Clap(clap::Error),
    /// A flag's value was refused: the flag, then why.
    #[error("{flag}")]
    Flag {
        /// The flag as written, e.g. `--kind`.
        flag: String,
        /// Why its value was refused.
        source: Box<dyn StdError + Send + Sync>,
    },
    /// Standard output could not be written.
    #[error("cannot write output")]
    Stdout(#[source] std::io::Error),
    /// Two output flags are `-`: standard output can carry one output.
    #[error("{first} and {second} are both `-`: only one output can go to standard output")]
    TwoStdout {
        /// The first flag given as `-`.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// `--json` prints on standard output, where an output flag streams too.
    #[error("--json and {flag} `-` both write to standard output: write {flag} to a file, or drop --json")]
    JsonAndStdout {
        /// The output flag given as `-`.
        flag: &'static str,
    },
    /// `--regions-out` without region polygons to write.
    #[error("--regions-out needs --regions")]
    RegionsOutNeedsRegions,
    /// Population groups without a settlements file to hold their columns.
    #[error(
        "population groups ({groups}) need --settlements FILE: their columns come from a \
         settlements file (CSV, GeoJSON or SCB grid); OSM places carry no group population"
    )]
    GroupsNeedSettlements {
        /// The groups named, comma separated.
        groups: String,
    },
    /// The extract (with the planners' files) has no settlements.
    #[error("{file}: no settlements (place={places}) in this extract; nothing to analyse")]
    NoSettlements {
        /// The extract.
        file: String,
        /// The place values that make settlements.
        places: String,
    },
    /// A scenario that cannot be evaluated.
    #[error("{}: scenario {:?}: {}", path.display(), error.scenario, error.message)]
    Scenario {
        /// The scenario file.
        path: PathBuf,
        /// Which scenario and why.
        error: servicegap::whatif::scenario::ScenarioError,
    },
    /// A `--json` document could not be encoded.
    #[error("cannot encode report")]
    Json(#[source] serde_json::Error),
    /// A file's coordinates do not fit its coordinate system, or it has `x`/`y` columns and
    /// no system: the library's problem, advised with the `--crs` flag that sets the system.
    #[error("{}{}: {}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default(), crs_advice(problem))]
    Crs {
        /// The file.
        path: PathBuf,
        /// The 1-based line (or record), when known.
        line: Option<u64>,
        /// What is wrong.
        problem: CrsError,
    },
    /// An error of the library.
    #[error(transparent)]
    Library(servicegap::Error),
    /// The settings could not be resolved.
    #[error(transparent)]
    Settings(#[from] servicegap::settings::SettingsError),
}

impl From<servicegap::Error> for CliError {
    /// A coordinate-system problem becomes [`CliError::Crs`], to name the flag; every other
    /// error of the library is printed as the library says it.
    fn from(e: servicegap::Error) -> Self {
        match e {
            servicegap::Error::Crs {
                path,
                line,
                problem,
            } => CliError::Crs {
                path,
                line,
                problem,
            },
            other => CliError::Library(other),
        }
    }
}

/// The problem with the advice the library gives for the coordinate-system setting replaced
/// by the `--crs` flag; problems without such advice as the library says them.
fn crs_advice(problem: &CrsError) -> String {
    match problem {
        CrsError::LooksProjected { .. } => format!(
            "{}: give the file's coordinate system, e.g. `--crs EPSG:3006` for SWEREF 99 TM",
            problem.observation()
        ),
        CrsError::LooksGeographic { .. } => format!(
            "{}: if they are WGS 84 degrees, give `--crs EPSG:4326`",
            problem.observation()
        ),
        CrsError::NotGiven => "coordinates are in `x`/`y` columns: say which system with --crs \
                               (e.g. EPSG:3006 for SWEREF 99 TM)"
            .to_owned(),
        other => other.to_string(),
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Stdout(e)
    }
}

impl From<clap::Error> for CliError {
    /// A refused value becomes [`CliError::Flag`] (printed like every other error, on one
    /// line); everything else stays clap's.
    fn from(e: clap::Error) -> Self {
        use clap::error::{ContextKind, ContextValue, ErrorKind};
        let flag = match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(arg)) if e.kind() == ErrorKind::ValueValidation => {
                // `--kind <KIND>`: the flag without its value's name.
                arg.split(' ').next().map(str::to_owned)
            }
            _ => None,
        };
        let source = StdError::source(&e).map(|s| s.to_string());
        match (flag, source) {
            (Some(flag), Some(reason)) => CliError::Flag {
                flag,
                source: reason.into(),
            },
            _ => CliError::Clap(e),
        }
    }
}

impl CliError {
    /// Whether the reader of our output went away (`servicegap ... | head`): not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Stdout(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The error and every cause, on one line: `a: b: c`. A cause whose text the line already
    /// holds (many messages quote their cause) is not repeated.
    pub fn chain(&self) -> String {
        let mut line = self.to_string();
        let mut cause = self.source();
        while let Some(e) = cause {
            let text = e.to_string();
            if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            cause = e.source();
        }
        line
    }
}
