//! The library's error type. Every error names the file it is about and, where it can, the
//! place in the file (byte offset of a PBF block), so the command line can print one clear line.

use std::path::{Path, PathBuf};

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong reading a planner's input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is not an OpenStreetMap PBF file at all (empty, text, another format).
    #[error("{}: not an OpenStreetMap PBF file: {reason}", path.display())]
    NotPbf {
        /// The file.
        path: PathBuf,
        /// Why we think so.
        reason: String,
    },
    /// A PBF block could not be read: the file is truncated or damaged.
    #[error("{}: damaged PBF block at byte {offset}: {reason}", path.display())]
    CorruptBlock {
        /// The file.
        path: PathBuf,
        /// Byte offset of the block's header in the file.
        offset: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The file needs a PBF feature this reader does not implement.
    #[error("{}: unsupported PBF feature `{feature}` (only OsmSchema-V0.6 with DenseNodes is read; history files are not)", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The required feature named in the file's header.
        feature: String,
    },
    /// An output file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A graph cache written by `servicegap build` cannot be used (damaged, truncated, another
    /// format version, other build settings).
    #[error("{}: {problem}", path.display())]
    Cache {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: CacheProblem,
    },
    /// A planner's table or point file has coordinates that do not fit its coordinate system,
    /// or `x`/`y` columns and no system. Apart from [`Error::Input`] so that the command line
    /// can name the flag that sets the system.
    #[error("{}{}: {problem}", path.display(), line_suffix(*line))]
    Crs {
        /// The file.
        path: PathBuf,
        /// The 1-based line (or record) number, when known.
        line: Option<u64>,
        /// What is wrong.
        problem: crate::input::crs::CrsError,
    },
    /// A planner's input file (services, settlements, grid, regions, config) has a bad record.
    #[error("{}{}: {message}", path.display(), line_suffix(*line))]
    Input {
        /// The file.
        path: PathBuf,
        /// The 1-based line (or record) number, when known.
        line: Option<u64>,
        /// What is wrong.
        message: String,
    },
    /// Analysis options that do not fit the region (e.g. no threshold for one of its kinds):
    /// a library caller's mistake, never a planner's file.
    #[error("analysis options: {0}")]
    Options(String),
}

fn line_suffix(line: Option<u64>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

impl Error {
    /// An [`Error::Input`] for `path` at `line`. The message is any text or a reader's typed
    /// problem (e.g. [`crate::input::regions::RegionError`]), kept as its text.
    pub fn input(path: &Path, line: Option<u64>, message: impl std::fmt::Display) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            line,
            message: message.to_string(),
        }
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Why a graph cache cannot be used. Every message ends by saying what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CacheProblem {
    /// The file does not start with the cache's magic bytes.
    #[error("not a servicegap graph cache")]
    NotCache,
    /// Another format version wrote the file.
    #[error("graph cache written by format version {found}, this servicegap reads {supported}: rebuild with servicegap build")]
    Version {
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The header's byte-order mark is not this build's: the file was written in the other
    /// byte order (the mark byte-swapped), or the mark is damaged.
    #[error("{}: rebuild with servicegap build", byte_order_text(*found, *expected))]
    ByteOrder {
        /// The mark in the file, read in this build's byte order.
        found: u32,
        /// The mark this build writes and reads.
        expected: u32,
    },
    /// The file is shorter than its header says (or than a header).
    #[error("truncated graph cache ({len} of {expected} bytes): rebuild with servicegap build")]
    Truncated {
        /// Bytes in the file.
        len: u64,
        /// Bytes the header announces (or the least a header needs).
        expected: u64,
    },
    /// The checksum does not match or the contents do not make sense.
    #[error("corrupt graph cache ({reason}): rebuild with servicegap build")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
    /// This machine is big-endian; graph caches are little-endian and used in place, so they
    /// can be neither read nor written here.
    #[error("graph caches are little-endian and this machine is big-endian: analyse the .osm.pbf instead")]
    BigEndianMachine,
    /// The cache was built with other build settings (see [`crate::store::cache::settings_fingerprint`]).
    #[error("graph cache built with other settings, rebuild with servicegap build")]
    Settings,
}

/// What [`CacheProblem::ByteOrder`] says before its hint: the other byte order by name when
/// the mark is byte-swapped, else the mark found and the one expected.
fn byte_order_text(found: u32, expected: u32) -> String {
    if found == expected.swap_bytes() {
        "graph cache written in big-endian byte order, this servicegap reads little-endian"
            .to_owned()
    } else {
        format!(
            "graph cache with byte-order mark {found:#010x}, this servicegap reads {expected:#010x} (little-endian)"
        )
    }
}

/// Why a `KIND=VALUE{km|min}` threshold setting (e.g. `grocery=10min`) is refused. The text
/// quotes the setting as given and names no flag: the command line and the settings file
/// each say where it came from.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    /// No `=` between kind and value.
    #[error("`{text}` is not KIND=VALUE (e.g. grocery=10km)")]
    NotKindValue {
        /// The setting as given.
        text: String,
    },
    /// The kind is none of the run's kinds.
    #[error("`{text}`: {error}")]
    UnknownKind {
        /// The setting as given.
        text: String,
        /// The kind as given, with the closest kind.
        error: Box<crate::base::kind::UnknownKind>,
    },
    /// The value has no unit.
    #[error("`{text}`: the value needs a unit, km or min (e.g. 10km)")]
    NoUnit {
        /// The setting as given.
        text: String,
    },
    /// The value's unit is neither `km` nor `min` (in any case).
    #[error("`{text}`: `{unit}` is not a unit of thresholds: {}", match closest {
        Some(closest) => format!("did you mean `{}{closest}`?", number_before(text, unit)),
        None => "use km or min (e.g. 10km)".to_owned(),
    })]
    UnknownUnit {
        /// The setting as given.
        text: String,
        /// The unit as given, at the end of the setting.
        unit: String,
        /// The unit closest to it, `km` or `min`, if one is close (`km` for `kms`).
        closest: Option<&'static str>,
    },
    /// The value is in metres, which thresholds are not given in.
    #[error("`{text}`: metres are not a threshold unit: use km or min (e.g. 10km)")]
    Metres {
        /// The setting as given.
        text: String,
    },
    /// The number before the unit is no finite number at least 0.
    #[error("`{text}`: `{number}` is not a non-negative number")]
    NotNonNegative {
        /// The setting as given.
        text: String,
        /// The number as given.
        number: String,
    },
}

/// The number of a `KIND=NUMBER UNIT` setting: what stands between `=` and `unit`.
fn number_before<'a>(text: &'a str, unit: &str) -> &'a str {
    let value = text.split_once('=').map_or(text, |(_, v)| v).trim();
    value
        .get(..value.len().saturating_sub(unit.len()))
        .unwrap_or(value)
        .trim()
}
