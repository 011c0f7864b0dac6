//! The next point of the same kind in the outputs: services.geojson's `K_next_km`,
//! `K_next_min` and `K_next` equal the library's next-point search (checked against brute
//! force in `screening`), and summary.json's `next` and `support` figures equal a count made
//! here from those columns, with the default limits and with limits from a settings file.

use crate::util::{
    assert_clean_failure, assert_success, bayreuth, bin, extract, read_extract, read_json, run,
    tempdir, write,
};
use serde_json::Value as Json;
use servicegap::analysis::next::next_points;
use servicegap::analysis::AnalysisOptions;
use servicegap::route::Metric;
use servicegap::ServiceKind;
use std::path::Path;

/// Runs `analyze` on the shipped extract `name` into `dir` with extra `args`; summary.json and
/// the services' properties.
fn analyze_into(name: &str, dir: &Path, args: &[&str]) -> (Json, Vec<Json>) {
    let out = run(bin()
        .args(["analyze", extract(name).to_str().unwrap(), "--out-dir"])
        .arg(dir)
        .args(args));
    assert_success(&out, "analyze");
    let services = read_json(&dir.join("services.geojson"))["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].clone())
        .collect();
    (read_json(&dir.join("summary.json")), services)
}

/// A country's worth of points of every kind.
const LIECHTENSTEIN: &str = "li-liechtenstein-2021";

fn km(dm: u32) -> f64 {
    (f64::from(dm) / 10_000.0 * 100.0).round() / 100.0
}

fn minutes(ds: u32) -> f64 {
    (f64::from(ds) / 600.0 * 100.0).round() / 100.0
}

#[test]
fn services_carry_the_next_point_of_each_kind_they_offer() {
    let dir = tempdir();
    let (_, rows) = analyze_into(LIECHTENSTEIN, dir.path(), &[]);
    let region = read_extract(LIECHTENSTEIN);
    let options = AnalysisOptions::default();
    assert_eq!(rows.len(), region.services.len());
    let mut with_next = 0;
    for kind in ServiceKind::BUILT_IN {
        let by_length = next_points(&region, &options, kind, Metric::Length);
        let by_time = next_points(&region, &options, kind, Metric::Time);
        for (j, row) in rows.iter().enumerate() {
            let (l, t) = (by_length.of(j as u32), by_time.of(j as u32));
            // Listed exactly when the point offers the kind and snapped.
            let offers = region.services[j].kinds.contains(kind) && !row["snap_m"].is_null();
            assert_eq!(l.is_some(), offers, "service {j}, {kind}");
            let (l, t) = (l.flatten(), t.flatten());
            let id = l.map(|(_, n)| region.services[n as usize].id.to_string());
            assert_eq!(
                row[format!("{kind}_next_km")].as_f64(),
                l.map(|n| km(n.0)),
                "{j} {kind}"
            );
            assert_eq!(
                row[format!("{kind}_next_min")].as_f64(),
                t.map(|n| minutes(n.0))
            );
            assert_eq!(row[format!("{kind}_next")].as_str(), id.as_deref());
            with_next += usize::from(l.is_some());
        }
    }
    assert!(with_next > 20, "only {with_next} points with a next point");
}

/// The `support` figures of one kind counted from the services' columns: `(beyond, ids)` for a
/// limit in km (`by_km`) or minutes.
fn beyond_from(rows: &[Json], kind: &str, limit: f64, by_km: bool) -> (u64, Vec<String>) {
    let column = if by_km { "next_km" } else { "next_min" };
    let ids: Vec<String> = rows
        .iter()
        .filter(|r| {
            let kinds = r["kinds"].as_array().unwrap();
            kinds.iter().any(|k| k == kind) && !r["snap_m"].is_null()
        })
        .filter(|r| {
            r[format!("{kind}_{column}")]
                .as_f64()
                .is_none_or(|v| v > limit)
        })
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    (ids.len() as u64, ids)
}

fn support_of(summary: &Json, kind: &str) -> (u64, Vec<String>) {
    let s = &summary["kinds"][kind]["support"];
    let ids = s["ids"].as_array().unwrap();
    let ids = ids.iter().map(|i| i.as_str().unwrap().to_owned()).collect();
    (s["beyond"].as_u64().unwrap(), ids)
}

#[test]
fn summary_screens_grocery_and_fuel_by_default_and_the_settings_file_changes_the_limits() {
    let dir = tempdir();
    let (summary, rows) = analyze_into(LIECHTENSTEIN, dir.path(), &[]);
    // The limits have no km rounding at stake on this region: the columns' 2-decimal values
    // give the same count as the exact distances unless one lies within 5 m of a limit.
    for (kind, limit) in [("grocery", 10.0), ("fuel", 15.0)] {
        let s = &summary["kinds"][kind]["support"];
        assert_eq!(s["limit"]["value"].as_f64(), Some(limit));
        assert_eq!(s["limit"]["unit"], "km");
        assert_eq!(
            support_of(&summary, kind),
            beyond_from(&rows, kind, limit, true),
            "{kind}"
        );
    }
    for kind in ["post", "pharmacy", "payment"] {
        assert!(
            summary["kinds"][kind].get("support").is_none(),
            "{kind} is not screened"
        );
    }
    // `next` over every kind: points listed, those without a next point, the largest value.
    for kind in ["grocery", "fuel", "post", "pharmacy", "payment"] {
        let next = &summary["kinds"][kind]["next"];
        let listed: Vec<&Json> = rows
            .iter()
            .filter(|r| r["kinds"].as_array().unwrap().iter().any(|k| k == kind))
            .filter(|r| !r["snap_m"].is_null())
            .collect();
        assert_eq!(next["points"].as_u64(), Some(listed.len() as u64), "{kind}");
        let values: Vec<f64> = listed
            .iter()
            .filter_map(|r| r[format!("{kind}_next_km")].as_f64())
            .collect();
        assert_eq!(
            next["no_next"].as_u64(),
            Some((listed.len() - values.len()) as u64)
        );
        let max = values.iter().copied().reduce(f64::max);
        assert_eq!(next["km"]["max"].as_f64(), max, "{kind}");
    }

    let settings = write(
        dir.path(),
        "servicegap.toml",
        "[support]\ngrocery = \"off\"\nfuel = \"1km\"\npost = \"4min\"\n",
    );
    let other = tempdir();
    let (summary, rows) = analyze_into(
        LIECHTENSTEIN,
        other.path(),
        &["--config", settings.to_str().unwrap()],
    );
    assert!(summary["kinds"]["grocery"].get("support").is_none());
    assert_eq!(
        support_of(&summary, "fuel"),
        beyond_from(&rows, "fuel", 1.0, true)
    );
    assert_eq!(summary["kinds"]["post"]["support"]["limit"]["unit"], "min");
    let post = support_of(&summary, "post");
    assert_eq!(post, beyond_from(&rows, "post", 4.0, false));
    assert!(
        post.0 > 0,
        "some post point is more than 4 minutes from the next"
    );
}

#[test]
fn a_bad_support_limit_is_refused_with_its_key_and_line() {
    let dir = tempdir();
    let settings = write(dir.path(), "s.toml", "[support]\n\nfuel = \"fifteen\"\n");
    let out_dir = dir.path().join("out");
    let out = run(bin()
        .args(["analyze", bayreuth().to_str().unwrap(), "--out-dir"])
        .arg(&out_dir)
        .args(["--config", settings.to_str().unwrap()]));
    assert_clean_failure(&out, &["s.toml:3", "[support] fuel", "unit"]);
    assert!(!out_dir.exists(), "nothing written");
}

#[test]
fn the_report_carries_the_next_point_columns_of_services_geojson() {
    let dir = tempdir();
    let (_, rows) = analyze_into(LIECHTENSTEIN, dir.path(), &[]);
    let page = dir.path().join("report.html");
    let out = run(bin()
        .args(["report", extract(LIECHTENSTEIN).to_str().unwrap(), "-o"])
        .arg(&page));
    assert_success(&out, "report");
    let services = &crate::report_data::page_data(&page)["services"];
    for kind in ["grocery", "fuel", "post", "pharmacy", "payment"] {
        for (unit, column) in [("km", "next_km"), ("min", "next_min")] {
            let got = services[column][kind].as_array().unwrap();
            assert_eq!(got.len(), rows.len());
            for (j, row) in rows.iter().enumerate() {
                let want = &row[format!("{kind}_next_{unit}")];
                assert_eq!(&got[j], want, "{kind} {column} of service {j}");
            }
        }
    }
}
