//! The bodies of the fuzz targets: one function per reader, taking the raw bytes of an input
//! file. The fuzz targets in `fuzz_targets/` call these functions and nothing else, and the
//! corpus replay test (`tests/fuzz_corpus.rs`) includes this file and calls the same
//! functions, so every committed corpus file is checked in `cargo test` exactly as the fuzzer
//! ran it. An `Err` is a correct answer to a bad input; only a panic, a hang or an
//! out-of-memory is a finding.
//!
//! Readers that take a path (the PBF reader, the service, settlement, grid and region
//! readers) get the bytes through a scratch file in `/dev/shm` (memory, so it costs a few
//! microseconds) with the extension that selects the format; this exercises the public entry
//! exactly as the command line calls it, extension dispatch and gzip sniffing included.

use servicegap::analysis::AnalysisOptions;
use servicegap::input::crs::Crs;
use servicegap::input::grid::read_grid;
use servicegap::input::regions::Regions;
use servicegap::input::scenarios::parse_scenarios;
use servicegap::input::services::read_services;
use servicegap::input::settlements::read_settlements;
use servicegap::read::profile::Profile;
use servicegap::settings::file::Config;
use servicegap::store::cache;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A target's body: the raw bytes of one input file.
pub type Target = fn(&[u8]);

/// Every target by name, in the order of FUZZING.md; the name is also the folder of its
/// corpus under `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("pbf", pbf),
    ("cache", cache),
    ("services_csv", services_csv),
    ("services_xlsx", services_xlsx),
    ("services_geojson", services_geojson),
    ("settlements_csv", settlements_csv),
    ("settlements_geojson", settlements_geojson),
    ("grid", grid),
    ("regions", regions),
    ("scenarios", scenarios),
    ("settings", settings),
    ("crs", crs),
];

/// Writes `data` to a fresh scratch file ending in `.{ext}`, runs `f` on its path and removes
/// the file. Each call gets its own name, so parallel tests do not share a file.
fn with_file(ext: &str, data: &[u8], f: impl FnOnce(&Path)) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path: PathBuf = dir.join(format!("servicegap-fuzz-{}-{n}.{ext}", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        f(&path);
    }
    // A file left behind by a crash is overwritten by nothing and harmless; on success it goes.
    let _ = std::fs::remove_file(&path);
}

/// The PBF reader and the graph build: the whole of `open::read_pbf` on the bytes as a
/// `.osm.pbf` file.
pub fn pbf(data: &[u8]) {
    with_file("osm.pbf", data, |path| {
        let _ = servicegap::open::read_pbf(path, &Profile::default());
    });
}

/// The graph cache loader, twice: on the bytes as they are (header checks), and on a copy
/// whose version, byte-order mark, length field, checksum and fingerprint are made to agree
/// with this build and the bytes, so that mutations (and inputs kept from older formats with
/// the same sections) reach the sections and the graph checks behind the checksum.
pub fn cache(data: &[u8]) {
    let _ = cache::from_bytes(data, cache::settings_fingerprint(&Profile::default()));
    if data.len() < 40 || data[..8] != cache::MAGIC {
        return;
    }
    let mut fixed = data.to_vec();
    fixed[8..12].copy_from_slice(&cache::FORMAT_VERSION.to_le_bytes());
    fixed[36..40].copy_from_slice(&cache::BYTE_ORDER_MARK.to_le_bytes());
    let len = fixed.len() as u64;
    fixed[24..32].copy_from_slice(&len.to_le_bytes());
    let crc = crc32fast::hash(&fixed[16..]);
    fixed[12..16].copy_from_slice(&crc.to_le_bytes());
    let mut fingerprint = [0u8; 8];
    fingerprint.copy_from_slice(&fixed[16..24]);
    let _ = cache::from_bytes(&fixed, u64::from_le_bytes(fingerprint));
}

/// A service file read as CSV.
pub fn services_csv(data: &[u8]) {
    with_file("csv", data, |path| {
        let _ = read_services(path, None);
    });
}

/// A service file read as an xlsx workbook.
pub fn services_xlsx(data: &[u8]) {
    with_file("xlsx", data, |path| {
        let _ = read_services(path, None);
    });
}

/// A service file read as GeoJSON.
pub fn services_geojson(data: &[u8]) {
    with_file("geojson", data, |path| {
        let _ = read_services(path, None);
    });
}

/// A settlement file read as CSV (a point table, or an SCB grid if its header names a square
/// code column).
pub fn settlements_csv(data: &[u8]) {
    with_file("csv", data, |path| {
        let _ = read_settlements(path, None);
    });
}

/// A settlement file read as GeoJSON.
pub fn settlements_geojson(data: &[u8]) {
    with_file("geojson", data, |path| {
        let _ = read_settlements(path, None);
    });
}

/// An SCB grid file (CSV, gzip-compressed or not: the reader sniffs the magic bytes).
pub fn grid(data: &[u8]) {
    with_file("csv", data, |path| {
        let _ = read_grid(path, None);
    });
}

/// A regions GeoJSON file; if it reads, a point is located in it (the polygon index).
pub fn regions(data: &[u8]) {
    with_file("geojson", data, |path| {
        if let Ok(regions) = Regions::read(path, None) {
            let _ = regions.locate(15.0, 60.0);
        }
    });
}

/// A scenario TOML file (the bytes must be UTF-8, as `read_scenarios` requires).
pub fn scenarios(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_scenarios(text);
    }
}

/// A settings file (`servicegap.toml`): parsed, then turned into a profile and applied over
/// the default analysis options, as every command does.
pub fn settings(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(config) = Config::parse(text) {
            let _ = config.profile();
            let _ = config.apply(&mut AnalysisOptions::default());
        }
    }
}

/// A coordinate system string (`--crs`); if it parses, a point is projected both ways and
/// checked for plausibility.
pub fn crs(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(crs) = Crs::parse(text) {
            let _ = crs.to_lon_lat(500_000.0, 6_500_000.0);
            let _ = crs.from_lon_lat(15.0, 60.0);
            let _ = crs.check_plausible(15.0, 60.0);
        }
    }
}
