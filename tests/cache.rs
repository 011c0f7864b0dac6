//! The graph cache end to end: `servicegap build` writes it, `analyze` and `inspect` take it in
//! place of the extract and give the very same results; damaged, truncated, foreign, old and
//! differently built caches are refused with one clear line, never a panic.

use servicegap::base::error::CacheProblem;
use servicegap::store::cache;
use servicegap::Error;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::{assert_clean_failure_on, assert_success, bin, data, extract, run, tempdir};

/// `servicegap build FILE -o OUT`, checked.
fn build(file: &Path, out: &Path) -> Output {
    let output = run(bin().arg("build").arg(file).arg("-o").arg(out));
    assert_success(&output, "build");
    output
}

/// Runs `analyze region --out-dir out` + `extra` in `dir`. The region is named by the same
/// relative path in every run, so the file name in the summary is the same too.
fn analyze_in(dir: &Path, extra: &[PathBuf]) -> Output {
    let out = run(bin()
        .current_dir(dir)
        .args(["analyze", "region", "--out-dir", "out"])
        .args(extra));
    assert_success(&out, "analyze");
    out
}

/// Every file of `a/out` equals the one of the same name in `b/out`, byte for byte.
fn assert_same_outputs(a: &Path, b: &Path) -> usize {
    let mut names: Vec<_> = std::fs::read_dir(a.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in &names {
        let read = |dir: &Path| {
            std::fs::read(dir.join("out").join(name))
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        };
        let (x, y) = (read(a), read(b));
        assert!(x == y, "{name:?} differs between the extract and the cache");
    }
    names.len()
}

/// Analyze on the extract and on its cache, `extra` flags on both; same stdout, same files.
fn assert_cache_analyzes_like_the_extract(name: &str, extra: &[PathBuf]) {
    let tmp = tempdir();
    let (from_pbf, from_cache) = (tmp.path().join("pbf"), tmp.path().join("cache"));
    for dir in [&from_pbf, &from_cache] {
        std::fs::create_dir(dir).unwrap();
    }
    std::fs::copy(extract(name), from_pbf.join("region")).unwrap();
    build(&extract(name), &from_cache.join("region"));
    let a = analyze_in(&from_pbf, extra);
    let b = analyze_in(&from_cache, extra);
    assert_eq!(
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout),
        "{name}: summary tables differ"
    );
    let files = assert_same_outputs(&from_pbf, &from_cache);
    assert_eq!(files, 7, "{name}: all seven outputs");
}

#[test]
fn analyze_on_the_cache_gives_the_same_bytes() {
    for name in [
        "de-north-bayreuth-rural",
        "ad-andorra-2021",
        "li-liechtenstein-2021",
    ] {
        assert_cache_analyzes_like_the_extract(name, &[]);
    }
}

/// Planners' files replace the cached services and settlements as they replace the extract's.
#[test]
fn planner_files_replace_what_the_cache_holds() {
    let extra: Vec<PathBuf> = [
        "--settlements".into(),
        data("data/sweden/scb_befolkning_1km_2024_populated.csv.gz"),
        "--services".into(),
        data("data/sweden/pipos_apoteksvaror_2025-11-12.xlsx"),
    ]
    .into_iter()
    .chain(["--min-component-nodes", "5", "--max-snap-m", "2000"].map(PathBuf::from))
    .collect();
    assert_cache_analyzes_like_the_extract("se-stockholm-sodermalm", &extra);
}

/// Loaded regions equal freshly read ones on every shipped extract and fixture.
#[test]
fn regions_round_trip_exactly() {
    let tmp = tempdir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(data("data/osm"))
        .unwrap()
        .chain(std::fs::read_dir(data("tests/fixtures")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".osm.pbf"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 12, "{paths:?}");
    for path in paths {
        let fresh =
            servicegap::open::read_pbf(&path, &servicegap::read::profile::Profile::default())
                .unwrap();
        let cached = tmp.path().join("region.sgraph");
        cache::write(
            &cached,
            &fresh,
            cache::settings_fingerprint(&servicegap::read::profile::Profile::default()),
        )
        .unwrap();
        let loaded =
            servicegap::open::open(&cached, &servicegap::read::profile::Profile::default())
                .unwrap();
        let name = path.display();
        assert_eq!(loaded.graph, fresh.graph, "{name}: graph");
        assert_eq!(loaded.services, fresh.services, "{name}: services");
        assert_eq!(loaded.settlements, fresh.settlements, "{name}: settlements");
        let mut stats = fresh.read_stats.clone();
        stats.timings.clear();
        assert_eq!(loaded.read_stats, stats, "{name}: read stats");
        let phases: Vec<&str> = loaded.timings.iter().map(|(p, _)| *p).collect();
        assert_eq!(phases, ["load"]);
    }
}

/// `inspect` reports the same figures on the cache as on the extract, except the timings.
#[test]
fn inspect_takes_the_cache() {
    let tmp = tempdir();
    let pbf = extract("de-north-bayreuth-rural");
    let cached = tmp.path().join("bayreuth.sgraph");
    let out = build(&pbf, &cached);
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with(&format!(
            "{}: 1161 nodes, 2476 arcs, 5 service points, 71 settlements in ",
            cached.display()
        )),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
    let report = |path: &Path| -> serde_json::Value {
        let out = run(bin().args(["inspect", "--json"]).arg(path));
        assert_success(&out, "inspect");
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let timings = v["timings_ms"].take();
        v["file"].take();
        assert!(timings["total"].is_number(), "{timings}");
        v
    };
    assert_eq!(report(&cached), report(&pbf));
    let out = run(bin().arg("inspect").arg(&cached));
    assert_success(&out, "inspect");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Settlements (71)"));
}

fn cache_bytes(name: &str) -> Vec<u8> {
    let region = servicegap::open::read_pbf(
        &extract(name),
        &servicegap::read::profile::Profile::default(),
    )
    .unwrap();
    cache::to_bytes(
        &region,
        cache::settings_fingerprint(&servicegap::read::profile::Profile::default()),
    )
}

fn problem(bytes: &[u8]) -> CacheProblem {
    match cache::from_bytes(
        bytes,
        cache::settings_fingerprint(&servicegap::read::profile::Profile::default()),
    ) {
        Ok(_) => panic!("damaged cache loaded"),
        Err(p) => p,
    }
}

#[test]
fn a_flipped_byte_is_corrupt() {
    let bytes = cache_bytes("fi-kotka-karhula");
    // Bytes 16.. are under the checksum; step through them, several bit positions.
    let step = (bytes.len() / 500).max(1);
    for (n, i) in (16..bytes.len()).step_by(step).enumerate() {
        let mut damaged = bytes.clone();
        damaged[i] ^= 1 << (n % 8);
        match problem(&damaged) {
            CacheProblem::Corrupt { .. } => {}
            // The length field itself: now longer or shorter than the file.
            CacheProblem::Truncated { .. } if (24..32).contains(&i) => {}
            // The byte-order mark, checked before the checksum.
            CacheProblem::ByteOrder { .. } if (36..40).contains(&i) => {}
            p => panic!("flip at {i}: {p:?}"),
        }
    }

    let tmp = tempdir();
    let path = tmp.path().join("damaged.sgraph");
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    std::fs::write(&path, &damaged).unwrap();
    let err = servicegap::open::open(&path, &servicegap::read::profile::Profile::default())
        .err()
        .unwrap_or_else(|| panic!("loaded"));
    assert!(matches!(err, Error::Cache { .. }), "{err:?}");
    let out = run(bin().arg("inspect").arg(&path));
    assert_clean_failure_on(&out, &path, "corrupt graph cache (checksum mismatch)");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rebuild with servicegap build"));
}

#[test]
fn a_truncated_cache_is_reported_at_every_cut() {
    let bytes = cache_bytes("fi-kotka-karhula");
    let step = (bytes.len() / 1000).max(1);
    for cut in (0..64).chain((64..bytes.len()).step_by(step)) {
        let p = problem(&bytes[..cut]);
        assert!(
            matches!(p, CacheProblem::Truncated { .. }),
            "cut at {cut}: {p:?}"
        );
    }
    let tmp = tempdir();
    let path = tmp.path().join("cut.sgraph");
    std::fs::write(&path, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let out = run(bin()
        .args(["analyze", "--out-dir"])
        .arg(tmp.path().join("out"))
        .arg(&path));
    assert_clean_failure_on(&out, &path, "truncated graph cache");
    assert!(
        !tmp.path().join("out").exists(),
        "no output after a failure"
    );
}

#[test]
fn another_format_version_asks_for_a_rebuild() {
    let mut bytes = cache_bytes("fi-kotka-karhula");
    for version in [0, cache::FORMAT_VERSION + 1] {
        bytes[8..12].copy_from_slice(&version.to_le_bytes());
        assert_eq!(
            problem(&bytes),
            CacheProblem::Version {
                found: version,
                supported: cache::FORMAT_VERSION
            }
        );
    }
    let tmp = tempdir();
    let path = tmp.path().join("old.sgraph");
    bytes[8..12].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let out = run(bin().arg("inspect").arg(&path));
    assert_clean_failure_on(
        &out,
        &path,
        &format!(
            "graph cache written by format version 0, this servicegap reads {}: rebuild with servicegap build",
            cache::FORMAT_VERSION
        ),
    );
}

#[test]
fn other_build_settings_are_refused() {
    let region = servicegap::open::read_pbf(
        &extract("fi-kotka-karhula"),
        &servicegap::read::profile::Profile::default(),
    )
    .unwrap();
    let tmp = tempdir();
    let path = tmp.path().join("other.sgraph");
    let other = cache::settings_fingerprint(&servicegap::read::profile::Profile::default()) ^ 1;
    cache::write(&path, &region, other).unwrap();
    assert!(cache::read(&path, other).is_ok());
    let err = cache::read(
        &path,
        cache::settings_fingerprint(&servicegap::read::profile::Profile::default()),
    )
    .err()
    .unwrap_or_else(|| panic!("loaded"));
    assert!(
        matches!(
            &err,
            Error::Cache {
                problem: CacheProblem::Settings,
                ..
            }
        ),
        "{err:?}"
    );
    let out = run(bin().arg("inspect").arg(&path));
    assert_clean_failure_on(
        &out,
        &path,
        "built with other settings, rebuild with servicegap build",
    );
}

/// The file's first bytes decide, not its name: a PBF named .sgraph is read as a PBF, text is
/// reported as not a PBF, a file with the magic but nothing sensible after it as a bad cache;
/// the cache reader itself refuses a PBF as not a cache.
#[test]
fn files_are_told_apart_by_their_first_bytes() {
    let tmp = tempdir();
    let pbf = extract("fi-kotka-karhula");
    let disguised = tmp.path().join("kotka.sgraph");
    std::fs::copy(&pbf, &disguised).unwrap();
    assert!(!cache::is_cache(&disguised).unwrap());
    let region =
        servicegap::open::open(&disguised, &servicegap::read::profile::Profile::default()).unwrap();
    assert_eq!(
        region.graph,
        servicegap::open::read_pbf(&pbf, &servicegap::read::profile::Profile::default())
            .unwrap()
            .graph
    );
    let err = cache::read(
        &disguised,
        cache::settings_fingerprint(&servicegap::read::profile::Profile::default()),
    )
    .err()
    .unwrap_or_else(|| panic!("a PBF loaded as a cache"));
    assert!(
        err.to_string().ends_with("not a servicegap graph cache"),
        "{err}"
    );

    let text = tmp.path().join("notes.sgraph");
    std::fs::write(&text, "servicegap cache? no, just text\n").unwrap();
    let out = run(bin().arg("inspect").arg(&text));
    assert_clean_failure_on(&out, &text, "not an OpenStreetMap PBF file");

    let magic_only = tmp.path().join("magic.osm.pbf");
    let mut bytes = cache::MAGIC.to_vec();
    bytes.extend_from_slice(&cache::FORMAT_VERSION.to_le_bytes());
    bytes.extend(std::iter::repeat_n(0xa5, 200));
    std::fs::write(&magic_only, &bytes).unwrap();
    let out = run(bin().arg("inspect").arg(&magic_only));
    assert_clean_failure_on(&out, &magic_only, "graph cache");

    let missing = tmp.path().join("missing.sgraph");
    let out = run(bin().arg("inspect").arg(&missing));
    assert_clean_failure_on(&out, &missing, "cannot read");
}

/// A failed write leaves nothing behind, and rebuilding over an existing cache replaces it.
#[test]
fn build_writes_through_a_temporary_file() {
    let tmp = tempdir();
    let out = run(bin()
        .arg("build")
        .arg(extract("fi-kotka-karhula"))
        .arg("-o")
        .arg(tmp.path()));
    assert_clean_failure_on(&out, tmp.path(), "cannot write");
    let cached = tmp.path().join("kotka.sgraph");
    build(&extract("fi-kotka-karhula"), &cached);
    build(&cached, &cached);
    assert!(
        servicegap::open::open(&cached, &servicegap::read::profile::Profile::default()).is_ok()
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["kotka.sgraph"], "no temporary files left");
}
