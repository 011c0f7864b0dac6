//! The command line as a user meets it: output on good input, one clear error line and exit
//! code 2 on bad input, never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_servicegap"))
}

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn inspect(path: &Path) -> Output {
    bin()
        .arg("inspect")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run servicegap: {e}"))
}

/// Asserts the run failed cleanly: exit code 2, nothing on stdout, exactly one stderr line that
/// names the file and says `what`.
fn assert_clean_failure(out: &Output, path: &Path, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("servicegap: error: "), "{stderr}");
    assert!(
        lines[0].contains(&path.display().to_string()),
        "file not named: {stderr}"
    );
    assert!(lines[0].contains(what), "expected `{what}` in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn bayreuth() -> Vec<u8> {
    std::fs::read(data("data/osm/de-north-bayreuth-rural.osm.pbf"))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn inspect_prints_a_table_and_json() {
    let path = data("data/osm/de-north-bayreuth-rural.osm.pbf");
    let out = inspect(&path);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("Road graph") && table.contains("Settlements (71)"),
        "{table}"
    );

    let out = bin()
        .arg("inspect")
        .arg("--json")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["graph"]["nodes"], 1161);
    assert_eq!(v["graph"]["edges"], 2476);
    assert_eq!(v["services"]["grocery"], 2);
    assert_eq!(v["service_points"], 5);
    assert_eq!(v["settlements"]["total"], 71);
    assert_eq!(v["settlements"]["by_place"]["hamlet"], 48);
    assert!(v["graph"]["road_km"].as_f64().is_some_and(|km| km > 100.0));
    assert!(v["graph"]["main_component_nodes"]
        .as_u64()
        .is_some_and(|n| n > 1000));
    for phase in ["index", "ways", "nodes", "graph", "total"] {
        assert!(v["timings_ms"][phase].is_number(), "timing {phase}");
    }
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("empty.osm.pbf");
    std::fs::write(&path, b"").unwrap_or_else(|e| panic!("{e}"));
    assert_clean_failure(&inspect(&path), &path, "the file is empty");
}

#[test]
fn text_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("region.osm.pbf");
    std::fs::write(
        &path,
        "<?xml version='1.0'?>\n<osm version='0.6'>\n</osm>\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_clean_failure(&inspect(&path), &path, "not an OpenStreetMap PBF file");
}

#[test]
fn truncated_pbf() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bytes = bayreuth();
    for cut in [10, 200, bytes.len() / 2, bytes.len() - 1] {
        let path = dir.path().join(format!("cut{cut}.osm.pbf"));
        std::fs::write(&path, &bytes[..cut]).unwrap_or_else(|e| panic!("{e}"));
        let out = inspect(&path);
        let what = if cut == 10 { "" } else { "truncated" };
        assert_clean_failure(&out, &path, what);
    }
}

#[test]
fn corrupt_block() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut bytes = bayreuth();
    // Scramble the middle of the file: inside a compressed data block.
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let path = dir.path().join("corrupt.osm.pbf");
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_clean_failure(&inspect(&path), &path, "damaged PBF block at byte");
}

#[test]
fn missing_path_and_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("no-such-region.osm.pbf");
    assert_clean_failure(&inspect(&path), &path, "No such file");
    assert_clean_failure(&inspect(dir.path()), dir.path(), "directory");
}

#[test]
fn broken_pipe_is_not_an_error() {
    use std::process::Stdio;
    let mut child = bin()
        .arg("inspect")
        .arg(data("data/osm/li-liechtenstein-2021.osm.pbf"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Planners' files on the one Swedish extract: the SCB grid as settlements, the Pipos pharmacy
/// export as the pharmacy list, kommun polygons for per-region rows.
#[test]
fn analyze_with_grid_pipos_and_kommuner() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let summary = dir.path().join("summary.json");
    let regions_out = dir.path().join("regions.geojson");
    let out = bin()
        .arg("analyze")
        .arg(data("data/osm/se-stockholm-sodermalm.osm.pbf"))
        .arg("--settlements")
        .arg(data("data/sweden/scb_befolkning_1km_2024_populated.csv.gz"))
        .arg("--services")
        .arg(data("data/sweden/pipos_apoteksvaror_2025-11-12.xlsx"))
        .arg("--regions")
        .arg(data("data/sweden/swedish_municipalities.geojson"))
        .args(["--min-component-nodes", "5", "--max-snap-m", "2000"])
        .arg("--summary")
        .arg(&summary)
        .arg("--regions-out")
        .arg(&regions_out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let s = read(&summary);
    assert_eq!(s["settlements"], 103_464);
    assert_eq!(s["kinds"]["pharmacy"]["population"], 10_560_818u64);
    let regions = s["regions"].as_array().cloned().unwrap_or_default();
    assert_eq!(regions.len(), 290);
    let stockholm = regions
        .iter()
        .find(|r| r["name"] == "Stockholm")
        .cloned()
        .unwrap_or_default();
    // Only squares within 2 km of the Södermalm cut reach a road; the rest of Stockholm has none.
    let reached = stockholm["kinds"]["pharmacy"]["settlements"]
        .as_u64()
        .unwrap_or(0)
        - stockholm["kinds"]["pharmacy"]["no_road"]
            .as_u64()
            .unwrap_or(0);
    assert!(reached > 5, "{stockholm}");
    let polygons = read(&regions_out);
    assert_eq!(polygons["features"].as_array().map(Vec::len), Some(290));
}

#[test]
fn planner_file_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("shops.csv");
    std::fs::write(&bad, "id,kinds,lon,lat\nA,bakery,15,62\n").unwrap_or_else(|e| panic!("{e}"));
    let region = data("data/osm/de-north-bayreuth-rural.osm.pbf");
    let run = |args: &[&std::ffi::OsStr]| {
        bin()
            .arg("analyze")
            .arg(&region)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let out = run(&["--services".as_ref(), bad.as_os_str()]);
    assert_clean_failure(&out, &bad, ":2: unknown kind `bakery`");
    let out = run(&["--crs".as_ref(), "EPSG:9999".as_ref()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--crs"));
    let out = run(&["--regions-out".as_ref(), bad.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--regions-out needs --regions"));
}
