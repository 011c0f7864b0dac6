//! Seasonal service points on `tests/fixtures/seasonal.osm` (see tests/fixtures/README.md,
//! section 10): which points the rule of `servicegap::read::seasonal` marks, what `inspect`
//! counts, that a graph cache keeps both, and the outputs without seasonal points, checked
//! against an analysis of the same region with the seasonal points taken out. Planners' files
//! (a `seasonal` column, `seasonal = true` in a scenario) mark points the same way.

use serde_json::Value;
use servicegap::analysis::{analyze, AnalysisOptions, Without};
use servicegap::base::feature::ServicePoint;
use servicegap::network::region::Region;
use servicegap::read::profile::Profile;
use servicegap::ServiceKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::util::{
    assert_clean_failure, assert_success, bin, fixture, read_json, run, tempdir, write,
};

/// The fixture's service points: OSM node id, whether the rule makes it seasonal, and why.
const POINTS: [(i64, bool, &str); 8] = [
    (101, true, "May-Sep Mo-Sa 09:00-18:00"),
    (102, true, "Jun-Aug; Sep-May off"),
    (103, true, "seasonal=summer"),
    (104, false, "seasonal=no"),
    (105, false, "24/7"),
    (106, false, "Oct-Apr 10:00-16:00 (winter only)"),
    (107, false, "ring the bell (does not parse)"),
    (108, false, "Mo-Fr 9-17 Uhr (does not parse)"),
];

fn region() -> Region {
    servicegap::open::read_pbf(&fixture("seasonal.osm.pbf"), &Profile::default())
        .unwrap_or_else(|e| panic!("seasonal.osm.pbf: {e}"))
}

fn options() -> AnalysisOptions {
    let mut options = AnalysisOptions::default();
    options.snap.min_component_nodes = 2;
    options
}

fn node_id(p: &ServicePoint) -> i64 {
    p.id.to_string()
        .strip_prefix("node/")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", p.id))
}

#[test]
fn the_rule_marks_summer_only_points() {
    let region = region();
    let seasonal: BTreeMap<i64, bool> = region
        .services
        .iter()
        .map(|p| (node_id(p), p.seasonal))
        .collect();
    let expected: BTreeMap<i64, bool> = POINTS.iter().map(|&(id, s, _)| (id, s)).collect();
    for (id, s, why) in POINTS {
        assert_eq!(seasonal.get(&id), Some(&s), "node {id}: {why}");
    }
    assert_eq!(seasonal, expected, "the fixture's service points");
    // Unparsed values, per kind: 107 (post) and 108 (grocery and post).
    let mut unparsed = vec![0u64; ServiceKind::BUILT_IN.len()];
    unparsed[ServiceKind::GROCERY.index()] = 1;
    unparsed[ServiceKind::POST.index()] = 2;
    assert_eq!(region.read_stats.opening_hours_unparsed, unparsed);
}

/// `inspect --json` of `file`, without its timings and file name.
fn inspect(file: &Path) -> Value {
    let out = run(bin().arg("inspect").arg(file).arg("--json"));
    assert_success(&out, "inspect --json");
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("timings_ms");
    o.remove("file");
    v
}

#[test]
fn inspect_counts_seasonal_points_and_unparsed_values_also_from_a_cache() {
    let pbf = fixture("seasonal.osm.pbf");
    let v = inspect(&pbf);
    let counts = |key: &str| -> Vec<u64> {
        ServiceKind::BUILT_IN
            .iter()
            .map(|k| {
                v[key][k.name()]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{key}.{k}"))
            })
            .collect()
    };
    // grocery 101, 102; fuel 103. Unparsed: grocery 108; post 107, 108.
    assert_eq!(counts("seasonal"), [2, 1, 0, 0, 0]);
    assert_eq!(counts("opening_hours_unparsed"), [1, 0, 2, 0, 0]);
    let region = region();
    for k in ServiceKind::BUILT_IN {
        let n = region
            .services
            .iter()
            .filter(|p| p.seasonal && p.kinds.contains(k))
            .count();
        assert_eq!(v["seasonal"][k.name()].as_u64(), Some(n as u64), "{k}");
    }

    let out = run(bin().arg("inspect").arg(&pbf));
    assert_success(&out, "inspect");
    let text = String::from_utf8_lossy(&out.stdout);
    let block = |title: &str| -> Vec<String> {
        let at = text
            .find(title)
            .unwrap_or_else(|| panic!("{title}: {text}"));
        text[at..]
            .lines()
            .skip(1)
            .take(5)
            .map(str::to_owned)
            .collect()
    };
    let seasonal = block("Seasonal service points");
    assert!(seasonal[0].starts_with("  grocery") && seasonal[0].ends_with(" 2"));
    assert!(seasonal[1].starts_with("  fuel") && seasonal[1].ends_with(" 1"));
    let unparsed = block("Unparsed opening_hours");
    assert!(unparsed[2].starts_with("  post") && unparsed[2].ends_with(" 2"));

    // A graph cache keeps the flags and the counts.
    let dir = tempdir();
    let cache = dir.path().join("seasonal.sgraph");
    let out = run(bin().arg("build").arg(&pbf).arg("-o").arg(&cache));
    assert_success(&out, "build");
    let mut from_cache = inspect(&cache);
    let mut from_pbf = v.clone();
    // A cache has no OSM element counts.
    from_cache.as_object_mut().unwrap().remove("osm");
    from_pbf.as_object_mut().unwrap().remove("osm");
    assert_eq!(from_cache, from_pbf);
    let loaded = servicegap::store::cache::read(
        &cache,
        servicegap::store::cache::settings_fingerprint(&Profile::default()),
    )
    .unwrap();
    assert_eq!(loaded.services, region.services);
}

/// The outputs of `analyze` on the fixture with `extra` flags, in `dir`.
struct Run {
    settlements: Value,
    summary: Value,
    services: Value,
    csv: String,
    table: String,
}

fn analyze_cli(dir: &Path, input: &Path, extra: &[&str]) -> Run {
    let path = |name: &str| dir.join(name);
    let out = run(bin()
        .arg("analyze")
        .arg(input)
        .args(["--min-component-nodes", "2", "-o"])
        .arg(path("s.geojson"))
        .arg("--csv")
        .arg(path("s.csv"))
        .arg("--summary")
        .arg(path("summary.json"))
        .arg("--services-out")
        .arg(path("svc.geojson"))
        .args(extra));
    assert_success(&out, "analyze");
    Run {
        settlements: read_json(&path("s.geojson")),
        summary: read_json(&path("summary.json")),
        services: read_json(&path("svc.geojson")),
        csv: std::fs::read_to_string(path("s.csv")).unwrap(),
        table: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

fn properties(geojson: &Value) -> Vec<&serde_json::Map<String, Value>> {
    geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap())
        .collect()
}

fn km(dm: Option<u32>) -> Value {
    dm.map_or(Value::Null, |d| {
        serde_json::json!(servicegap::analysis::round2(f64::from(d) / 10_000.0))
    })
}

fn minutes(ds: Option<u32>) -> Value {
    ds.map_or(Value::Null, |d| {
        serde_json::json!(servicegap::analysis::round2(f64::from(d) / 600.0))
    })
}

#[test]
fn analyze_gives_the_gaps_without_seasonal_points() {
    let region = region();
    let full = analyze(&region, &options());
    // The reference: the same region with the seasonal points taken out.
    let mut year_round = region.clone();
    year_round.services.retain(|p| !p.seasonal);
    let reference = analyze(&year_round, &options());
    let seasonal_kinds = servicegap::ServiceKinds::GROCERY | servicegap::ServiceKinds::FUEL;
    assert_eq!(full.seasonal_kinds, seasonal_kinds);
    assert!(full.mobile_kinds.is_empty() && reference.seasonal_kinds.is_empty());

    let dir = tempdir();
    let out = analyze_cli(dir.path(), &fixture("seasonal.osm.pbf"), &[]);
    let rows = properties(&out.settlements);
    assert_eq!(rows.len(), 2);
    for (i, row) in rows.iter().enumerate() {
        let keys: Vec<&str> = row.keys().map(String::as_str).collect();
        for kind in ServiceKind::BUILT_IN {
            let k = kind.index();
            let name = kind.name();
            let col = |s: &str| format!("{name}_{s}");
            let has = keys.contains(&col("km_yearround").as_str());
            assert_eq!(has, seasonal_kinds.contains(kind), "{name}");
            if !has {
                continue;
            }
            // In the slot after the mobile columns (none here): right after K_detour.
            let at = keys.iter().position(|c| *c == col("detour")).unwrap();
            assert_eq!(
                keys[at + 1..at + 4],
                [
                    col("km_yearround"),
                    col("min_yearround"),
                    col("gap_yearround")
                ]
            );
            let r = &reference.settlements[i].kinds[k];
            assert_eq!(row[&col("km_yearround")], km(r.length_dm), "{name} {i}");
            assert_eq!(row[&col("min_yearround")], minutes(r.time_ds), "{name} {i}");
            assert_eq!(row[&col("gap_yearround")], Value::Bool(r.gap), "{name} {i}");
            // The columns with all points are those of the full analysis.
            assert_eq!(row[&col("km")], km(full.settlements[i].kinds[k].length_dm));
        }
    }
    // Sommarby: its seasonal grocery is 0.6 km away, the nearest year-round one 13 km.
    let sommarby = rows
        .iter()
        .find(|r| r["name"] == "Sommarby")
        .unwrap_or_else(|| panic!("Sommarby"));
    assert_eq!(sommarby["grocery_gap"], Value::Bool(false));
    assert_eq!(sommarby["grocery_gap_yearround"], Value::Bool(true));

    // The CSV has the same columns, then lon and lat.
    let header = out.csv.lines().next().unwrap();
    let mut geojson_keys: Vec<&str> = rows[0].keys().map(String::as_str).collect();
    geojson_keys.extend(["lon", "lat"]);
    assert_eq!(header.split(',').collect::<Vec<_>>(), geojson_keys);

    // summary.json: `without_seasonal` after the existing keys, for grocery and fuel only,
    // equal to the reference's figures.
    for kind in ServiceKind::BUILT_IN {
        let k = &out.summary["kinds"][kind.name()];
        let Some(w) = k.get("without_seasonal") else {
            assert!(!seasonal_kinds.contains(kind), "{kind}");
            continue;
        };
        assert!(seasonal_kinds.contains(kind), "{kind}");
        // Right after the figures without mobile points, or the straight-line ones.
        let keys: Vec<&String> = k.as_object().unwrap().keys().collect();
        let at = keys.iter().position(|k| *k == "without_seasonal").unwrap();
        assert!(
            ["line_km", "without_mobile"].contains(&keys[at - 1].as_str()),
            "{keys:?}"
        );
        let r = &reference.kinds[kind.index()];
        assert_eq!(w["services"], serde_json::json!(r.services), "{kind}");
        assert_eq!(
            w["gap_settlements"],
            serde_json::json!(r.gap_settlements),
            "{kind}"
        );
        assert_eq!(
            w["gap_population"],
            serde_json::json!(r.gap_population),
            "{kind}"
        );
        assert_eq!(w["km"]["max"], serde_json::json!(r.km.max), "{kind}");
        let ours = full.kinds[kind.index()].without(Without::Seasonal).unwrap();
        assert_eq!(ours.gap_settlements, r.gap_settlements);
    }
    assert_eq!(
        out.summary["kinds"]["grocery"]["without_seasonal"]["gap_population"],
        120
    );

    // The printed table: a year-round row under grocery and fuel.
    assert_eq!(
        out.table.matches("\n year-round ").count(),
        2,
        "{}",
        out.table
    );
    assert!(out
        .table
        .contains("year-round: the same without seasonal points"));

    // services: `seasonal` after `mobile`, as the rule marks the points.
    for p in properties(&out.services) {
        let keys: Vec<&str> = p.keys().map(String::as_str).collect();
        let at = keys.iter().position(|k| *k == "mobile").unwrap();
        assert_eq!(keys[at + 1], "seasonal");
        let id: i64 = p["id"].as_str().unwrap()["node/".len()..].parse().unwrap();
        let expected = POINTS.iter().find(|x| x.0 == id).unwrap().1;
        assert_eq!(p["seasonal"], Value::Bool(expected), "node {id}");
    }
}

#[test]
fn planners_files_mark_seasonal_points() {
    let dir = tempdir();
    // One grocery far east, marked seasonal, one far west, not: the west is in gap in winter.
    let csv = write(
        dir.path(),
        "shops.csv",
        "id,name,kinds,lon,lat,seasonal\nS,Sommarbutik,grocery,15.0,61.9995,yes\n\
         V,Vinterbutik,grocery,15.3,61.9995,\n",
    );
    let csv_s = csv.display().to_string();
    let out = analyze_cli(
        dir.path(),
        &fixture("seasonal.osm.pbf"),
        &["--services", &csv_s],
    );
    let g = &out.summary["kinds"]["grocery"];
    assert_eq!(g["services"], 2);
    assert_eq!(g["without_seasonal"]["services"], 1);
    let services = properties(&out.services);
    let flag = |id: &str| {
        services
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["seasonal"].clone())
    };
    assert_eq!(flag("S"), Some(Value::Bool(true)));
    assert_eq!(flag("V"), Some(Value::Bool(false)));

    // GeoJSON: a boolean or a yes/no text.
    let geojson = write(
        dir.path(),
        "shops.geojson",
        r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.0, 61.9995]},
           "properties": {"id": "S", "kinds": ["grocery"], "seasonal": true}},
          {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.3, 61.9995]},
           "properties": {"id": "V", "kinds": "grocery", "seasonal": "no"}}]}"#,
    );
    let file = servicegap::input::services::read_services(&geojson, None).unwrap();
    let flags: Vec<bool> = file.points.iter().map(|p| p.seasonal).collect();
    assert_eq!(flags, [true, false]);

    // Bad values: one line naming the file, the line and the value.
    for (name, text, what) in [
        (
            "bad.csv",
            "id,kinds,lon,lat,seasonal\nS,grocery,15.0,61.9995,summer\n",
            "bad.csv:2: `seasonal` is `summer`: use yes/no, true/false, 1/0 or leave it empty",
        ),
        (
            "twice.csv",
            "id,kinds,lon,lat,seasonal\nS,grocery,15.0,61.9995,yes\nS,post,15.0,61.9995,no\n",
            "with another `seasonal` value",
        ),
        (
            "bad.geojson",
            r#"{"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.0, 62.0]},
               "properties": {"kinds": "grocery", "seasonal": 2}}]}"#,
            "`seasonal` is `2`: use true/false, yes/no, 1/0 or leave it out",
        ),
    ] {
        let path = write(dir.path(), name, text);
        let out_dir = dir.path().join(format!("out-{name}"));
        let out = run(bin()
            .arg("analyze")
            .arg(fixture("seasonal.osm.pbf"))
            .args(["--min-component-nodes", "2", "--services"])
            .arg(&path)
            .arg("-o")
            .arg(out_dir.join("s.geojson")));
        assert_clean_failure(&out, &[&path.display().to_string(), what]);
    }
}

#[test]
fn a_scenario_may_add_a_seasonal_point() {
    let dir = tempdir();
    let plan = write(
        dir.path(),
        "plan.toml",
        r#"
[[scenario]]
name = "Summer kiosk"
[[scenario.add]]
name = "Kiosk"
lon = 15.25
lat = 61.9995
kinds = ["pharmacy"]
seasonal = true
"#,
    );
    let compare: PathBuf = dir.path().join("compare.json");
    let out = run(bin()
        .arg("scenario")
        .arg(fixture("seasonal.osm.pbf"))
        .args(["--min-component-nodes", "2", "--scenarios"])
        .arg(&plan)
        .arg("--compare-out")
        .arg(&compare));
    assert_success(&out, "scenario");
    let v = read_json(&compare);
    let scenario = &v["scenarios"][0];
    assert_eq!(scenario["added"][0]["seasonal"], true);
    let pharmacy = &scenario["kinds"]["pharmacy"];
    // Without the kiosk the pharmacy figures are the baseline's.
    let base = &v["baseline"]["kinds"]["pharmacy"];
    assert!(base.get("without_seasonal").is_none());
    assert_eq!(pharmacy["without_seasonal"]["services"], base["services"]);
    assert_eq!(
        pharmacy["without_seasonal"]["gap_settlements"],
        base["gap_settlements"]
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("year-round points"), "{table}");
}
