//! The command line as a user meets it: output on good input, one clear error line and exit
//! code 2 on bad input, never a panic.

use std::path::Path;
use std::process::Output;

use crate::util::{assert_clean_failure_on, bin, data, run, tempdir};

fn inspect(path: &Path) -> Output {
    run(bin().arg("inspect").arg(path))
}

fn bayreuth() -> Vec<u8> {
    std::fs::read(data("data/osm/de-north-bayreuth-rural.osm.pbf")).unwrap()
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
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
    let dir = tempdir();
    let path = dir.path().join("empty.osm.pbf");
    std::fs::write(&path, b"").unwrap();
    assert_clean_failure_on(&inspect(&path), &path, "the file is empty");
}

#[test]
fn text_file() {
    let dir = tempdir();
    let path = dir.path().join("region.osm.pbf");
    std::fs::write(
        &path,
        "<?xml version='1.0'?>\n<osm version='0.6'>\n</osm>\n",
    )
    .unwrap();
    assert_clean_failure_on(&inspect(&path), &path, "not an OpenStreetMap PBF file");
}

#[test]
fn truncated_pbf() {
    let dir = tempdir();
    let bytes = bayreuth();
    for cut in [10, 200, bytes.len() / 2, bytes.len() - 1] {
        let path = dir.path().join(format!("cut{cut}.osm.pbf"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let out = inspect(&path);
        let what = if cut == 10 { "" } else { "truncated" };
        assert_clean_failure_on(&out, &path, what);
    }
}

#[test]
fn corrupt_block() {
    let dir = tempdir();
    let mut bytes = bayreuth();
    // Scramble the middle of the file: inside a compressed data block.
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let path = dir.path().join("corrupt.osm.pbf");
    std::fs::write(&path, &bytes).unwrap();
    assert_clean_failure_on(&inspect(&path), &path, "damaged PBF block at byte");
}

#[test]
fn missing_path_and_directory() {
    let dir = tempdir();
    let path = dir.path().join("no-such-region.osm.pbf");
    assert_clean_failure_on(&inspect(&path), &path, "No such file");
    assert_clean_failure_on(&inspect(dir.path()), dir.path(), "directory");
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
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
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
    let dir = tempdir();
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
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let s = read(&summary);
    assert_eq!(s["settlements"], 103_464);
    // Only the squares near the extract are analysed; the others count as outside, and their
    // people in no figure (the whole grid holds 10 560 818).
    let pharmacy = &s["kinds"]["pharmacy"];
    let count = |key: &str| pharmacy[key].as_u64().unwrap_or(0);
    assert_eq!(count("settlements") + count("outside"), 103_464);
    assert!(count("outside") > 100_000 && count("population") < 10_560_818);
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
    let dir = tempdir();
    let bad = dir.path().join("shops.csv");
    std::fs::write(&bad, "id,kinds,lon,lat\nA,bakery,15,62\n").unwrap();
    let region = data("data/osm/de-north-bayreuth-rural.osm.pbf");
    let run = |args: &[&std::ffi::OsStr]| {
        bin()
            .arg("analyze")
            .arg(&region)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--services".as_ref(), bad.as_os_str()]);
    assert_clean_failure_on(&out, &bad, ":2: unknown kind `bakery`");
    let out = run(&["--crs".as_ref(), "EPSG:9999".as_ref()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--crs"));
    let out = run(&["--regions-out".as_ref(), bad.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--regions-out needs --regions"));
}
