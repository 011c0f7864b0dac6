//! The command line as a user meets it: output on good input, a closed pipe that is no error,
//! the planners' Swedish files on the Swedish extract. Bad inputs are all in
//! [`crate::bad_inputs`].

use std::path::Path;
use std::process::Output;

use crate::util::{bin, data, run, tempdir};

fn inspect(path: &Path) -> Output {
    run(bin().arg("inspect").arg(path))
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
