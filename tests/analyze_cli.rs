//! `servicegap analyze` end to end on the shipped real extracts: every output file is complete,
//! well formed and consistent with the others and with `inspect --json`; the demo figures are
//! pinned; the outputs do not depend on the thread count; bad input fails cleanly (exit code 2,
//! one line, no panic) and leaves no output file behind.

use serde_json::{Map, Value};
use servicegap::base::coord::distance_m_f64;
use servicegap::read::profile::HIGHWAY_CLASSES;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::{
    assert_clean_failure, assert_success, bin, data, entries, read_json, run as run_cmd, stderr,
    tempdir,
};

const KINDS: [&str; 5] = ["grocery", "fuel", "post", "pharmacy", "payment"];
/// Default thresholds in km, in [`KINDS`] order.
const DEFAULT_KM: [f64; 5] = [10.0, 20.0, 10.0, 20.0, 25.0];
const PLACES: [&str; 5] = ["city", "town", "village", "hamlet", "isolated_dwelling"];
const BAYREUTH: &str = "data/osm/de-north-bayreuth-rural.osm.pbf";
const LIECHTENSTEIN: &str = "data/osm/li-liechtenstein-2021.osm.pbf";
const ANDORRA: &str = "data/osm/ad-andorra-2021.osm.pbf";
const KOTKA: &str = "data/osm/fi-kotka-karhula.osm.pbf";

// =============================================================================================
// Running the binary
// =============================================================================================

/// Runs servicegap with `args`; `threads` sets `RAYON_NUM_THREADS`.
fn run<I, S>(args: I, threads: Option<usize>) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = bin();
    cmd.args(args);
    match threads {
        Some(n) => cmd.env("RAYON_NUM_THREADS", n.to_string()),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    run_cmd(&mut cmd)
}

/// The six output files of one run, in `dir`.
struct Files {
    settlements: PathBuf,
    csv: PathBuf,
    summary: PathBuf,
    network: PathBuf,
    services: PathBuf,
    catchments: PathBuf,
}

impl Files {
    fn in_dir(dir: &Path) -> Self {
        Files {
            settlements: dir.join("s.geojson"),
            csv: dir.join("s.csv"),
            summary: dir.join("summary.json"),
            network: dir.join("n.geojson"),
            services: dir.join("svc.geojson"),
            catchments: dir.join("c.geojson"),
        }
    }

    fn all(&self) -> [&PathBuf; 6] {
        [
            &self.settlements,
            &self.csv,
            &self.summary,
            &self.network,
            &self.services,
            &self.catchments,
        ]
    }

    /// `analyze FILE -o .. --csv .. --summary .. --network-out .. --services-out ..
    /// --catchments-out ..` + `extra`.
    fn args(&self, file: &Path, extra: &[&str]) -> Vec<PathBuf> {
        let mut args: Vec<PathBuf> = vec!["analyze".into(), file.into()];
        for (flag, path) in [
            ("-o", &self.settlements),
            ("--csv", &self.csv),
            ("--summary", &self.summary),
            ("--network-out", &self.network),
            ("--services-out", &self.services),
            ("--catchments-out", &self.catchments),
        ] {
            args.push(flag.into());
            args.push(path.clone());
        }
        args.extend(extra.iter().map(|s| PathBuf::from(*s)));
        args
    }
}

/// Runs `analyze` on `region` writing all six files into `dir`.
fn analyze_into(region: &str, dir: &Path, extra: &[&str], threads: Option<usize>) -> Files {
    let files = Files::in_dir(dir);
    let out = run(files.args(&data(region), extra), threads);
    assert_success(&out, region);
    assert!(
        stderr(&out).is_empty(),
        "{region}: stderr: {}",
        stderr(&out)
    );
    files
}

fn inspect_json(region: &str) -> Value {
    let out = run(
        ["inspect", "--json"]
            .map(PathBuf::from)
            .into_iter()
            .chain([data(region)]),
        None,
    );
    assert_success(&out, "inspect");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("inspect --json: {e}"))
}

// =============================================================================================
// Reading the outputs
// =============================================================================================

fn obj<'a>(v: &'a Value, what: &str) -> &'a Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {v}"))
}

fn num(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number: {v}"))
}

/// Checks a FeatureCollection and returns its features.
fn features<'a>(v: &'a Value, what: &str) -> &'a [Value] {
    let top = obj(v, what);
    assert_eq!(
        top.keys().collect::<Vec<_>>(),
        ["type", "features"],
        "{what}: top-level keys"
    );
    assert_eq!(top["type"], "FeatureCollection", "{what}");
    let features = top["features"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: features is not an array"));
    for f in features {
        let f = obj(f, what);
        assert_eq!(
            f.keys().collect::<Vec<_>>(),
            ["type", "geometry", "properties"],
            "{what}: feature keys"
        );
        assert_eq!(f["type"], "Feature", "{what}");
    }
    features
}

/// A region's plausible extent: (lon range, lat range).
type Extent = ((f64, f64), (f64, f64));

/// Checks a (lon, lat) position: valid WGS 84 and inside the region's extent (which catches a
/// swapped order: no region here has lon and lat in each other's range).
fn position(v: &Value, extent: Extent, what: &str) -> (f64, f64) {
    let a = v
        .as_array()
        .unwrap_or_else(|| panic!("{what}: position is not an array: {v}"));
    assert_eq!(a.len(), 2, "{what}: {v}");
    let (lon, lat) = (num(&a[0], what), num(&a[1], what));
    assert!((-180.0..=180.0).contains(&lon), "{what}: lon {lon}");
    assert!((-90.0..=90.0).contains(&lat), "{what}: lat {lat}");
    let ((lon0, lon1), (lat0, lat1)) = extent;
    assert!(
        (lon0..=lon1).contains(&lon) && (lat0..=lat1).contains(&lat),
        "{what}: ({lon}, {lat}) is not in the region (lon {lon0}..{lon1}, lat {lat0}..{lat1})"
    );
    (lon, lat)
}

fn point(feature: &Value, extent: Extent, what: &str) -> (f64, f64) {
    let g = obj(&feature["geometry"], what);
    assert_eq!(
        g.keys().collect::<Vec<_>>(),
        ["type", "coordinates"],
        "{what}"
    );
    assert_eq!(g["type"], "Point", "{what}");
    position(&g["coordinates"], extent, what)
}

/// Whether a JSON number is written with at most two decimals (and no exponent).
fn at_most_2_decimals(v: &Value) -> bool {
    let text = v.to_string();
    !text.contains(['e', 'E']) && text.split_once('.').is_none_or(|(_, d)| d.len() <= 2)
}

/// The settlement property names, in order.
fn settlement_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "id",
        "name",
        "place",
        "population",
        "status",
        "snap_m",
        "island",
    ]
    .map(String::from)
    .to_vec();
    for k in KINDS {
        for suffix in ["km", "min", "nearest", "gap", "line_km", "detour"] {
            keys.push(format!("{k}_{suffix}"));
        }
    }
    keys.push("gaps".into());
    keys
}

/// The property names of services.geojson, in order.
const SERVICE_KEYS: [&str; 6] = ["id", "name", "kinds", "form", "mobile", "snap_m"];

/// The property names of catchments.geojson, in order.
fn catchment_keys() -> Vec<String> {
    let mut keys: Vec<String> = SERVICE_KEYS.map(String::from).to_vec();
    keys.push("status".into());
    for k in KINDS {
        for suffix in [
            "settlements_km",
            "population_km",
            "settlements_min",
            "population_min",
        ] {
            keys.push(format!("{k}_{suffix}"));
        }
    }
    keys
}

/// Rounds to 0.01 as the outputs do.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn is_osm_id(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(t, n)| ["node", "way", "relation"].contains(&t) && n.parse::<i64>().is_ok())
}

/// A minimal RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and newlines.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(ch),
            }
        } else {
            match ch {
                '"' if field.is_empty() => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                _ => field.push(ch),
            }
        }
    }
    assert!(!quoted, "unterminated quoted CSV field");
    assert!(
        field.is_empty() && row.is_empty(),
        "CSV does not end with a newline"
    );
    rows
}

/// Nearest-rank quantile of values already rounded to 0.01.
fn nearest_rank(values: &[f64], q: f64) -> Value {
    if values.is_empty() {
        return Value::Null;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    serde_json::json!(v[i])
}

/// A service point from services.geojson.
struct ServiceInfo {
    kinds: Vec<String>,
    snapped: bool,
    lon: f64,
    lat: f64,
}

// =============================================================================================
// The whole output of one region
// =============================================================================================

/// Runs `analyze` on a region and checks every output file against the documented formats,
/// against each other and against `inspect --json`.
fn check_region(region: &str, extent: Extent) {
    let dir = tempdir();
    let files = analyze_into(region, dir.path(), &[], None);
    assert_eq!(
        entries(dir.path()),
        [
            "c.geojson",
            "n.geojson",
            "s.csv",
            "s.geojson",
            "summary.json",
            "svc.geojson"
        ],
        "exactly the requested files, no temporary files"
    );
    let inspect = inspect_json(region);
    let total = inspect["settlements"]["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("inspect: settlements.total"));
    assert!(total > 0);

    // --- services.geojson ---------------------------------------------------------------------
    let svc_json = read_json(&files.services);
    let svc = features(&svc_json, "services.geojson");
    assert_eq!(Some(svc.len() as u64), inspect["service_points"].as_u64());
    let mut services: BTreeMap<String, ServiceInfo> = BTreeMap::new();
    let mut service_order: Vec<String> = Vec::new();
    let mut per_kind = [0u64; 5];
    for f in svc {
        let (lon, lat) = point(f, extent, "services.geojson");
        let p = obj(&f["properties"], "services.geojson properties");
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            SERVICE_KEYS,
            "services.geojson property names"
        );
        let id = p["id"]
            .as_str()
            .unwrap_or_else(|| panic!("service id: {}", p["id"]));
        assert!(is_osm_id(id), "{id}");
        // OSM gives neither a form of service nor mobile points.
        assert_eq!(
            (&p["form"], &p["mobile"]),
            (&Value::Null, &Value::Bool(false))
        );
        service_order.push(id.to_owned());
        assert!(p["name"].is_string() || p["name"].is_null(), "{id}");
        let kinds: Vec<String> = p["kinds"]
            .as_array()
            .unwrap_or_else(|| panic!("{id}: kinds"))
            .iter()
            .map(|k| {
                k.as_str()
                    .unwrap_or_else(|| panic!("{id}: kind {k}"))
                    .to_owned()
            })
            .collect();
        assert!(!kinds.is_empty(), "{id}: no kinds");
        let positions: Vec<usize> = kinds
            .iter()
            .map(|k| {
                KINDS
                    .iter()
                    .position(|x| x == k)
                    .unwrap_or_else(|| panic!("{id}: unknown kind {k}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{id}: kinds not distinct and in order: {kinds:?}"
        );
        for &k in &positions {
            per_kind[k] += 1;
        }
        let snapped = match &p["snap_m"] {
            Value::Null => false,
            v => {
                let m = num(v, id);
                assert!(
                    (0.0..=1000.0).contains(&m),
                    "{id}: snap_m {m} beyond 1000 m"
                );
                assert!(at_most_2_decimals(v), "{id}: snap_m {v}");
                true
            }
        };
        let old = services.insert(
            id.to_owned(),
            ServiceInfo {
                kinds,
                snapped,
                lon,
                lat,
            },
        );
        assert!(old.is_none(), "service {id} listed twice");
    }
    for (k, kind) in KINDS.iter().enumerate() {
        assert_eq!(
            Some(per_kind[k]),
            inspect["services"][kind].as_u64(),
            "services of kind {kind}"
        );
    }

    // --- settlements.geojson ------------------------------------------------------------------
    let s_json = read_json(&files.settlements);
    let feats = features(&s_json, "settlements.geojson");
    assert_eq!(feats.len() as u64, total, "one feature per settlement");
    let keys = settlement_keys();
    let mut ids = BTreeSet::new();
    let mut coords = Vec::new();
    for f in feats {
        let (lon, lat) = point(f, extent, "settlements.geojson");
        coords.push((lon, lat));
        let p = obj(&f["properties"], "settlements.geojson properties");
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            keys.iter().collect::<Vec<_>>(),
            "settlement property names and order"
        );
        let id = p["id"]
            .as_str()
            .unwrap_or_else(|| panic!("id: {}", p["id"]));
        assert!(is_osm_id(id), "{id}");
        assert!(ids.insert(id.to_owned()), "settlement {id} listed twice");
        assert!(p["name"].is_string() || p["name"].is_null(), "{id}: name");
        assert!(
            p["place"].as_str().is_some_and(|pl| PLACES.contains(&pl)),
            "{id}: place {}",
            p["place"]
        );
        assert!(
            p["population"].is_u64() || p["population"].is_null(),
            "{id}: population {}",
            p["population"]
        );
        for (name, v) in p {
            if v.is_number() && name != "population" {
                assert!(at_most_2_decimals(v), "{id}: {name} = {v}");
            }
        }
        let no_road = match p["status"].as_str() {
            Some("ok") => false,
            Some("no_road") => true,
            _ => panic!("{id}: status {}", p["status"]),
        };
        if no_road {
            assert!(p["snap_m"].is_null(), "{id}: no_road with snap_m");
            assert_eq!(p["island"], false, "{id}");
        } else {
            let m = num(&p["snap_m"], id);
            assert!((0.0..=5000.0).contains(&m), "{id}: snap_m {m}");
            assert!(p["island"].is_boolean(), "{id}");
        }
        for kind in KINDS {
            check_straight_line(p, kind, (lon, lat), &services);
        }
        let mut gaps = Vec::new();
        for (k, kind) in KINDS.iter().enumerate() {
            let km = &p[&format!("{kind}_km")];
            let min = &p[&format!("{kind}_min")];
            let nearest = &p[&format!("{kind}_nearest")];
            let gap = p[&format!("{kind}_gap")]
                .as_bool()
                .unwrap_or_else(|| panic!("{id}: {kind}_gap"));
            if gap {
                gaps.push(Value::from(*kind));
            }
            if no_road || km.is_null() {
                assert!(
                    km.is_null() && min.is_null() && nearest.is_null(),
                    "{id}: {kind}: km {km}, min {min}, nearest {nearest}: all or none"
                );
                assert!(gap, "{id}: {kind}: no value but not in gap");
                continue;
            }
            let (km, min) = (num(km, id), num(min, id));
            assert!(km >= 0.0 && min >= 0.0, "{id}: {kind}");
            // The default thresholds are km and exclusive; the file's km is rounded to 0.01.
            let t = DEFAULT_KM[k];
            if km != t {
                assert_eq!(gap, km > t, "{id}: {kind}: {km} km vs threshold {t}");
            }
            // The nearest point by length is a snapped point of this kind, and the road is at
            // least as long as the straight line (5 m for the rounding to 0.01 km).
            let nid = nearest
                .as_str()
                .unwrap_or_else(|| panic!("{id}: {kind}_nearest {nearest}"));
            let s = services
                .get(nid)
                .unwrap_or_else(|| panic!("{id}: {kind}_nearest {nid} is not in services.geojson"));
            assert!(s.snapped, "{id}: nearest {nid} was dropped");
            assert!(
                s.kinds.iter().any(|x| x == kind),
                "{id}: {nid} is no {kind}"
            );
            let straight_m = distance_m_f64((lon, lat), (s.lon, s.lat));
            assert!(
                km * 1000.0 + 5.0 >= straight_m * 0.999,
                "{id}: {kind}: {km} km by road to {nid}, {straight_m} m straight"
            );
        }
        assert_eq!(p["gaps"], Value::Array(gaps), "{id}: gaps");
    }

    // --- settlements.csv ----------------------------------------------------------------------
    let text = std::fs::read_to_string(&files.csv).unwrap();
    let rows = parse_csv(&text);
    let mut header = keys.clone();
    header.extend(["lon".to_owned(), "lat".to_owned()]);
    assert_eq!(rows.first(), Some(&header), "CSV header");
    assert_eq!(rows.len() - 1, feats.len(), "one CSV row per settlement");
    for ((row, f), &(lon, lat)) in rows[1..].iter().zip(feats).zip(&coords) {
        assert_eq!(row.len(), header.len(), "CSV row {row:?}");
        let p = obj(&f["properties"], "properties");
        for ((name, v), field) in p.iter().zip(row) {
            let ok = match v {
                Value::Null => field.is_empty(),
                Value::String(s) => field == s,
                Value::Bool(b) => field == &b.to_string(),
                Value::Number(n) => {
                    field.parse::<f64>().ok() == n.as_f64()
                        && field.split_once('.').is_none_or(|(_, d)| d.len() <= 2)
                }
                Value::Array(a) => {
                    let joined: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                    field == &joined.join(";")
                }
                Value::Object(_) => false,
            };
            assert!(ok, "{}: CSV {name} = {field:?}, GeoJSON {v}", p["id"]);
        }
        let n = header.len();
        assert_eq!(
            row[n - 2].parse::<f64>().ok(),
            Some(lon),
            "lon of {}",
            p["id"]
        );
        assert_eq!(
            row[n - 1].parse::<f64>().ok(),
            Some(lat),
            "lat of {}",
            p["id"]
        );
    }

    // --- summary.json -------------------------------------------------------------------------
    let summary = read_json(&files.summary);
    assert_eq!(summary["file"], data(region).display().to_string());
    assert_eq!(summary["settlements"].as_u64(), Some(total));
    assert_eq!(summary["service_points"].as_u64(), Some(svc.len() as u64));
    let props: Vec<&Map<String, Value>> = feats
        .iter()
        .map(|f| obj(&f["properties"], "properties"))
        .collect();
    let count = |pred: &dyn Fn(&Map<String, Value>) -> bool| {
        props.iter().filter(|p| pred(p)).count() as u64
    };
    let no_road = count(&|p| p["status"] == "no_road");
    assert_eq!(summary["settlements_no_road"].as_u64(), Some(no_road));
    assert_eq!(
        summary["settlements_island"].as_u64(),
        Some(count(&|p| p["island"] == true))
    );
    assert_eq!(
        summary["service_points_dropped"].as_u64(),
        Some(services.values().filter(|s| !s.snapped).count() as u64)
    );
    let population: u64 = props.iter().filter_map(|p| p["population"].as_u64()).sum();
    for (k, kind) in KINDS.iter().enumerate() {
        let s = &summary["kinds"][kind];
        let what = format!("summary {kind}");
        assert_eq!(
            s["threshold"],
            serde_json::json!({"value": DEFAULT_KM[k], "unit": "km"})
        );
        assert_eq!(
            s["services"].as_u64(),
            Some(
                services
                    .values()
                    .filter(|x| x.snapped && x.kinds.iter().any(|y| y == kind))
                    .count() as u64
            ),
            "{what}: services"
        );
        assert_eq!(s["settlements"].as_u64(), Some(total), "{what}");
        assert_eq!(s["population"].as_u64(), Some(population), "{what}");
        let gap_key = format!("{kind}_gap");
        let km_key = format!("{kind}_km");
        let min_key = format!("{kind}_min");
        assert_eq!(
            s["gap_settlements"].as_u64(),
            Some(count(&|p| p[&gap_key] == true)),
            "{what}: gap_settlements"
        );
        let gap_population: u64 = props
            .iter()
            .filter(|p| p[&gap_key] == true)
            .filter_map(|p| p["population"].as_u64())
            .sum();
        assert_eq!(s["gap_population"].as_u64(), Some(gap_population), "{what}");
        assert_eq!(
            s["unreachable"].as_u64(),
            Some(count(&|p| p["status"] == "ok" && p[&km_key].is_null())),
            "{what}: unreachable"
        );
        assert_eq!(s["no_road"].as_u64(), Some(no_road), "{what}: no_road");
        let line_key = format!("{kind}_line_km");
        for (key, unit) in [(&km_key, "km"), (&min_key, "min"), (&line_key, "line_km")] {
            let values: Vec<f64> = props.iter().filter_map(|p| p[key].as_f64()).collect();
            assert_eq!(
                s[unit],
                serde_json::json!({
                    "p50": nearest_rank(&values, 0.5),
                    "p90": nearest_rank(&values, 0.9),
                    "max": nearest_rank(&values, 1.0),
                }),
                "{what}: {unit} quantiles"
            );
        }
        assert!(
            s.get("without_mobile").is_none(),
            "{what}: no mobile point, no without_mobile"
        );
    }

    // --- catchments.geojson -------------------------------------------------------------------
    check_catchments(&files.catchments, &service_order, &services, &props, extent);

    // --- network.geojson ----------------------------------------------------------------------
    let n_json = read_json(&files.network);
    let edges = features(&n_json, "network.geojson");
    let nodes = inspect["graph"]["nodes"]
        .as_u64()
        .unwrap_or_else(|| panic!("inspect: graph.nodes"));
    let mut classes: Vec<&str> = HIGHWAY_CLASSES.iter().map(|c| c.tag).collect();
    classes.push("ferry");
    let mut arcs = 0u64;
    let (mut road_m, mut ferry_m) = (0.0, 0.0);
    for f in edges {
        let g = obj(&f["geometry"], "network geometry");
        assert_eq!(g.keys().collect::<Vec<_>>(), ["type", "coordinates"]);
        assert_eq!(g["type"], "LineString");
        let line = g["coordinates"]
            .as_array()
            .unwrap_or_else(|| panic!("LineString coordinates"));
        assert!(line.len() >= 2, "a LineString of {} points", line.len());
        for c in line {
            position(c, extent, "network.geojson");
        }
        let p = obj(&f["properties"], "network properties");
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            [
                "from",
                "to",
                "length_m",
                "time_s",
                "oneway",
                "component",
                "ferry",
                "class",
                "way_id"
            ],
            "network.geojson property names"
        );
        for end in ["from", "to"] {
            assert!(
                p[end].as_u64().is_some_and(|n| n < nodes),
                "{end}: {}",
                p[end]
            );
        }
        let length = num(&p["length_m"], "length_m");
        assert!(
            length >= 0.0 && at_most_2_decimals(&p["length_m"]),
            "{}",
            p["length_m"]
        );
        assert!(num(&p["time_s"], "time_s") >= 0.0 && at_most_2_decimals(&p["time_s"]));
        let oneway = p["oneway"].as_bool().unwrap_or_else(|| panic!("oneway"));
        arcs += if oneway { 1 } else { 2 };
        assert!(p["component"].is_u64(), "component {}", p["component"]);
        assert!(p["way_id"].is_i64(), "way_id {}", p["way_id"]);
        let class = p["class"].as_str().unwrap_or_else(|| panic!("class"));
        assert!(classes.contains(&class), "class {class}");
        let ferry = p["ferry"].as_bool().unwrap_or_else(|| panic!("ferry"));
        assert_eq!(ferry, class == "ferry");
        if ferry {
            ferry_m += length;
        } else {
            road_m += length;
        }
    }
    assert_eq!(
        Some(arcs),
        inspect["graph"]["edges"].as_u64(),
        "directed arcs"
    );
    for (m, key) in [(road_m, "road_km"), (ferry_m, "ferry_km")] {
        let km = num(&inspect["graph"][key], key);
        assert!(
            (m / 1000.0 - km).abs() < 0.002,
            "{key}: {} vs {km}",
            m / 1000.0
        );
    }
}

#[test]
fn bayreuth_outputs_are_complete_and_consistent() {
    check_region(BAYREUTH, ((11.3, 11.8), (49.8, 50.2)));
}

#[test]
fn liechtenstein_outputs_are_complete_and_consistent() {
    check_region(LIECHTENSTEIN, ((9.3, 9.8), (46.9, 47.4)));
}

#[test]
fn andorra_outputs_are_complete_and_consistent() {
    check_region(ANDORRA, ((1.2, 2.0), (42.2, 42.9)));
}

#[test]
fn kotka_outputs_are_complete_and_consistent() {
    check_region(KOTKA, ((26.7, 27.2), (60.3, 60.7)));
}

/// `K_line_km` is the straight line to the nearest snapped point of the kind (brute force over
/// services.geojson), `K_detour` the road km over it.
fn check_straight_line(
    p: &Map<String, Value>,
    kind: &str,
    at: (f64, f64),
    services: &BTreeMap<String, ServiceInfo>,
) {
    let id = &p["id"];
    let line = &p[&format!("{kind}_line_km")];
    let detour = &p[&format!("{kind}_detour")];
    let nearest_m = services
        .values()
        .filter(|s| s.snapped && s.kinds.iter().any(|k| k == kind))
        .map(|s| distance_m_f64(at, (s.lon, s.lat)))
        .min_by(f64::total_cmp);
    let Some(m) = nearest_m else {
        assert!(line.is_null() && detour.is_null(), "{id}: {kind}: no point");
        return;
    };
    let expected = round2((m * 10.0).round() / 10_000.0);
    assert_eq!(line.as_f64(), Some(expected), "{id}: {kind}_line_km");
    match p[&format!("{kind}_km")].as_f64() {
        None => assert!(detour.is_null(), "{id}: {kind}: detour without a road"),
        Some(_) if (m * 10.0).round() == 0.0 => assert!(detour.is_null(), "{id}: {kind}"),
        Some(km) => {
            let d = num(detour, &format!("{id}: {kind}_detour"));
            assert!(at_most_2_decimals(detour), "{id}: {kind}_detour {detour}");
            // Both km figures are rounded to 0.01 in the file.
            if expected >= 1.0 {
                let ratio = km / expected;
                assert!(
                    (d - ratio).abs() <= 0.02 * ratio.max(1.0),
                    "{id}: {kind}: detour {d}, {km} km / {expected} km"
                );
                assert!(d >= 0.99, "{id}: {kind}: detour {d} below 1");
            }
        }
    }
}

/// catchments.geojson: one feature per service point in the order of services.geojson; per
/// kind the point offers, the settlements naming it nearest (by km) and their population; the
/// catchments of a kind add up to the settlements that reach it (by km and by minutes).
fn check_catchments(
    path: &Path,
    order: &[String],
    services: &BTreeMap<String, ServiceInfo>,
    settlements: &[&Map<String, Value>],
    extent: Extent,
) {
    let json = read_json(path);
    let feats = features(&json, "catchments.geojson");
    assert_eq!(feats.len(), order.len(), "one catchment per service point");
    let keys = catchment_keys();
    let mut sums = [[0u64; 4]; 5];
    for (f, id) in feats.iter().zip(order) {
        let (lon, lat) = point(f, extent, "catchments.geojson");
        let p = obj(&f["properties"], "catchments.geojson properties");
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            keys.iter().collect::<Vec<_>>()
        );
        assert_eq!(p["id"].as_str(), Some(id.as_str()), "catchment order");
        let s = &services[id];
        assert_eq!((lon, lat), (s.lon, s.lat), "{id}: at the point");
        let status = if s.snapped { "ok" } else { "dropped" };
        assert_eq!(p["status"], status, "{id}");
        for (k, kind) in KINDS.iter().enumerate() {
            let values: Vec<&Value> = [
                "settlements_km",
                "population_km",
                "settlements_min",
                "population_min",
            ]
            .iter()
            .map(|suffix| &p[&format!("{kind}_{suffix}")])
            .collect();
            if !(s.snapped && s.kinds.iter().any(|x| x == kind)) {
                assert!(
                    values.iter().all(|v| v.is_null()),
                    "{id}: {kind}: {values:?}"
                );
                continue;
            }
            let served: Vec<&&Map<String, Value>> = settlements
                .iter()
                .filter(|x| x[&format!("{kind}_nearest")] == id.as_str())
                .collect();
            let population: u64 = served.iter().filter_map(|x| x["population"].as_u64()).sum();
            assert_eq!(
                values[0].as_u64(),
                Some(served.len() as u64),
                "{id}: {kind}"
            );
            assert_eq!(values[1].as_u64(), Some(population), "{id}: {kind}");
            for (sum, v) in sums[k].iter_mut().zip(&values) {
                *sum += v.as_u64().unwrap_or_else(|| panic!("{id}: {kind}: {v}"));
            }
        }
    }
    for (k, kind) in KINDS.iter().enumerate() {
        for (i, unit) in [(0, "km"), (2, "min")] {
            let reached: Vec<&&Map<String, Value>> = settlements
                .iter()
                .filter(|x| !x[&format!("{kind}_{unit}")].is_null())
                .collect();
            let population: u64 = reached
                .iter()
                .filter_map(|x| x["population"].as_u64())
                .sum();
            assert_eq!(
                (sums[k][i], sums[k][i + 1]),
                (reached.len() as u64, population),
                "{kind}: catchments by {unit} add up to the reached settlements"
            );
        }
    }
}

// =============================================================================================
// Pinned figures
// =============================================================================================

/// Per kind: services, gap_settlements, unreachable, km p50, p90, max.
type Pinned = [(&'static str, u64, u64, u64, [f64; 3]); 5];

fn assert_pinned(region: &str, settlements: u64, pinned: &Pinned) {
    let dir = tempdir();
    let path = dir.path().join("summary.json");
    let out = run(
        [
            PathBuf::from("analyze"),
            data(region),
            "--summary".into(),
            path.clone(),
        ],
        None,
    );
    assert_success(&out, region);
    let s = read_json(&path);
    assert_eq!(s["settlements"].as_u64(), Some(settlements), "{region}");
    assert_eq!(s["settlements_no_road"], 0, "{region}");
    assert_eq!(s["settlements_island"], 0, "{region}");
    assert_eq!(s["service_points_dropped"], 0, "{region}");
    for &(kind, services, gap, unreachable, [p50, p90, max]) in pinned {
        let k = &s["kinds"][kind];
        let got = (
            k["services"].as_u64(),
            k["gap_settlements"].as_u64(),
            k["unreachable"].as_u64(),
            k["no_road"].as_u64(),
        );
        assert_eq!(
            got,
            (Some(services), Some(gap), Some(unreachable), Some(0)),
            "{region} {kind}: (services, gap_settlements, unreachable, no_road)"
        );
        let km = if services == 0 {
            serde_json::json!({"p50": null, "p90": null, "max": null})
        } else {
            serde_json::json!({"p50": p50, "p90": p90, "max": max})
        };
        assert_eq!(k["km"], km, "{region} {kind}: km quantiles");
    }
}

/// The rural demo region: 71 settlements, two grocery stores, one fuel station, post office
/// and pharmacy, and no cash point at all, so every settlement is in the payment gap. Half the
/// settlements are more than ~6.7 km by road from a grocery store.
#[test]
fn bayreuth_summary_is_pinned() {
    assert_pinned(
        BAYREUTH,
        71,
        &[
            ("grocery", 2, 9, 0, [6.69, 10.28, 19.08]),
            ("fuel", 1, 1, 0, [8.47, 12.22, 21.01]),
            ("post", 1, 8, 0, [6.44, 10.03, 18.82]),
            ("pharmacy", 1, 0, 0, [6.52, 10.11, 18.91]),
            ("payment", 0, 71, 71, [0.0; 3]),
        ],
    );
}

/// Liechtenstein is small and well served: nobody is beyond any default threshold.
#[test]
fn liechtenstein_summary_is_pinned() {
    assert_pinned(
        LIECHTENSTEIN,
        39,
        &[
            ("grocery", 20, 0, 0, [2.42, 5.58, 7.79]),
            ("fuel", 12, 0, 0, [5.45, 9.74, 12.29]),
            ("post", 12, 0, 0, [2.9, 5.62, 7.95]),
            ("pharmacy", 5, 0, 0, [4.88, 10.72, 13.27]),
            ("payment", 23, 0, 0, [2.49, 5.48, 6.52]),
        ],
    );
}

/// A kind without any service point is allowed: exit 0, every value null, everyone in gap.
#[test]
fn a_kind_without_services_is_all_null() {
    let dir = tempdir();
    let files = analyze_into(BAYREUTH, dir.path(), &[], None);
    let s = read_json(&files.settlements);
    let feats = features(&s, "settlements.geojson");
    assert_eq!(feats.len(), 71);
    for f in feats {
        let p = &f["properties"];
        for key in ["payment_km", "payment_min", "payment_nearest"] {
            assert!(p[key].is_null(), "{}: {key} = {}", p["id"], p[key]);
        }
        assert_eq!(p["payment_gap"], true);
        assert!(p["gaps"]
            .as_array()
            .is_some_and(|g| g.contains(&Value::from("payment"))));
        assert!(p["grocery_km"].is_number(), "{}", p["id"]);
    }
    let summary = read_json(&files.summary);
    let pay = &summary["kinds"]["payment"];
    assert_eq!(pay["services"], 0);
    assert_eq!(pay["gap_settlements"], 71);
    assert_eq!(pay["unreachable"], 71);
    assert_eq!(pay["gap_population"], pay["population"]);
}

// =============================================================================================
// Thresholds in minutes
// =============================================================================================

/// `--threshold grocery=10min` judges grocery by car minutes; the other kinds keep their km
/// defaults.
#[test]
fn minute_threshold_uses_minutes() {
    for region in [BAYREUTH, ANDORRA] {
        let dir = tempdir();
        let files = analyze_into(region, dir.path(), &["--threshold", "grocery=10min"], None);
        let summary = read_json(&files.summary);
        assert_eq!(
            summary["kinds"]["grocery"]["threshold"],
            serde_json::json!({"value": 10.0, "unit": "min"})
        );
        assert_eq!(
            summary["kinds"]["fuel"]["threshold"],
            serde_json::json!({"value": 20.0, "unit": "km"})
        );
        let s = read_json(&files.settlements);
        let (mut in_gap, mut beyond_10_km) = (0, 0);
        for f in features(&s, "settlements.geojson") {
            let p = &f["properties"];
            let gap = p["grocery_gap"].as_bool().unwrap_or_else(|| panic!("gap"));
            in_gap += u64::from(gap);
            match p["grocery_min"].as_f64() {
                None => assert!(gap, "{}", p["id"]),
                Some(min) => {
                    // The file's minutes are rounded to 0.01: only 10.0 itself is ambiguous.
                    if gap {
                        assert!(min >= 10.0, "{}: {min} min in gap", p["id"]);
                    } else {
                        assert!(min <= 10.0, "{}: {min} min not in gap", p["id"]);
                    }
                    if min != 10.0 {
                        assert_eq!(gap, min > 10.0, "{}: {min} min", p["id"]);
                    }
                    let km = p["grocery_km"].as_f64().unwrap_or_else(|| panic!("km"));
                    beyond_10_km += u64::from(km > 10.0);
                }
            }
        }
        assert_eq!(summary["kinds"]["grocery"]["gap_settlements"], in_gap);
        if region == BAYREUTH {
            // Not the km rule in disguise: 9 settlements are beyond 10 km, more beyond 10 min.
            assert_eq!(beyond_10_km, 9);
            assert_ne!(in_gap, beyond_10_km);
        }
    }
}

// =============================================================================================
// Determinism
// =============================================================================================

#[test]
fn outputs_do_not_depend_on_the_thread_count() {
    for region in [BAYREUTH, ANDORRA] {
        let runs: Vec<(tempfile::TempDir, Files, Vec<u8>)> = [1, 2, 8]
            .into_iter()
            .map(|threads| {
                let dir = tempdir();
                let files = Files::in_dir(dir.path());
                let out = run(files.args(&data(region), &[]), Some(threads));
                assert_success(&out, region);
                (dir, files, out.stdout)
            })
            .collect();
        let (_, first, stdout) = &runs[0];
        for (_, other, other_stdout) in &runs[1..] {
            assert_eq!(stdout, other_stdout, "{region}: stdout");
            for (a, b) in first.all().into_iter().zip(other.all()) {
                let (x, y) = (std::fs::read(a), std::fs::read(b));
                let (x, y) = (x.unwrap(), y.unwrap());
                assert!(
                    x == y,
                    "{region}: {} differs between thread counts",
                    a.display()
                );
            }
        }
    }
}

// =============================================================================================
// Bad input
// =============================================================================================

/// `-o` naming an existing folder: the temporary file is written beside it but cannot be
/// renamed onto it; it must be removed.
#[test]
fn output_onto_a_directory_leaves_no_temporary_file() {
    let dir = tempdir();
    let target = dir.path().join("s.geojson");
    std::fs::create_dir(&target).unwrap();
    let out = run(
        [
            PathBuf::from("analyze"),
            data(BAYREUTH),
            "-o".into(),
            target.clone(),
        ],
        None,
    );
    assert_clean_failure(&out, &[&target.display().to_string(), "cannot write"]);
    assert_eq!(
        entries(dir.path()),
        ["s.geojson"],
        "temporary file left behind"
    );
    assert_eq!(entries(&target), Vec::<String>::new());
}

/// A later output that cannot be written: the run fails, and the outputs written before it
/// must not be left behind either (a failed run leaves no output file).
#[test]
fn a_failing_later_output_leaves_no_earlier_output() {
    for flag in ["--summary", "--services-out"] {
        let dir = tempdir();
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, b"").unwrap();
        let bad = blocker.join("x.json");
        let out_dir = dir.path().join("out");
        let files = Files::in_dir(&out_dir);
        let mut args = files.args(&data(BAYREUTH), &[]);
        let i = args
            .iter()
            .position(|a| a.as_os_str() == flag)
            .unwrap_or_else(|| panic!("{flag}"));
        args[i + 1] = bad.clone();
        let out = run(&args, None);
        assert_clean_failure(&out, &[&bad.display().to_string(), "cannot write"]);
        assert_eq!(
            entries(&out_dir),
            Vec::<String>::new(),
            "{flag} unwritable: files left behind"
        );
    }
}

// =============================================================================================
// Mobile service points
// =============================================================================================

/// A grocery list for Bayreuth: a shop in the south-east (A) and, with `van`, a shop van's stop
/// in the north-west (B) on the road by the fuel station.
fn grocery_list(dir: &Path, van: Option<&str>) -> PathBuf {
    let mut text = String::from("id,name,kinds,lon,lat,mobile\nA,Laden,grocery,11.58,49.98,no\n");
    if let Some(mobile) = van {
        text.push_str(&format!(
            "B,Verkaufswagen,grocery,11.4905793,50.0372422,{mobile}\n"
        ));
    }
    let path = dir.join(if van.is_some() {
        "with_van.csv"
    } else {
        "without_van.csv"
    });
    std::fs::write(&path, text).unwrap();
    path
}

/// With a mobile grocery point, summary.json, the printed table and every settlement also carry
/// the grocery figures without it, and those equal a second run on a list without the van.
/// The van matters here: without it many more settlements are in the grocery gap.
#[test]
fn mobile_points_give_gap_figures_without_them() {
    let dir = tempdir();
    let with_van = grocery_list(dir.path(), Some("yes"));
    let without_van = grocery_list(dir.path(), None);
    let run_with = |list: &Path, name: &str| {
        let out_dir = dir.path().join(name);
        let files = Files::in_dir(&out_dir);
        let list = list.display().to_string();
        let out = run(files.args(&data(BAYREUTH), &["--services", &list]), None);
        assert_success(&out, name);
        (files, String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (mobile, table) = run_with(&with_van, "mobile");
    let (fixed, _) = run_with(&without_van, "fixed");

    // summary.json: grocery has `without_mobile`, equal to the run without the van.
    let (s_mobile, s_fixed) = (read_json(&mobile.summary), read_json(&fixed.summary));
    let g = &s_mobile["kinds"]["grocery"];
    let reference = &s_fixed["kinds"]["grocery"];
    let w = obj(&g["without_mobile"], "without_mobile");
    assert_eq!(
        w.keys().collect::<Vec<_>>(),
        [
            "services",
            "gap_settlements",
            "gap_population",
            "gap_share",
            "unreachable",
            "km",
            "min"
        ]
    );
    for key in w.keys() {
        assert_eq!(w[key], reference[key], "without_mobile.{key}");
    }
    assert_eq!(
        (g["services"].as_u64(), w["services"].as_u64()),
        (Some(2), Some(1))
    );
    let gap = |v: &Value| {
        v["gap_settlements"]
            .as_u64()
            .unwrap_or_else(|| panic!("{v}"))
    };
    assert!(
        gap(g) < gap(&g["without_mobile"]),
        "the van closes gaps: {} vs {}",
        gap(g),
        gap(&g["without_mobile"])
    );
    for kind in &KINDS[1..] {
        assert!(
            s_mobile["kinds"][kind].get("without_mobile").is_none(),
            "{kind}"
        );
        assert!(
            s_fixed["kinds"][kind].get("without_mobile").is_none(),
            "{kind}"
        );
    }
    assert!(s_fixed["kinds"]["grocery"].get("without_mobile").is_none());

    // The printed table: a `fixed` row under grocery with the same figures.
    let lines: Vec<&str> = table.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("grocery "))
        .unwrap_or_else(|| panic!("{table}"));
    let fixed_row = lines[at + 1];
    assert!(fixed_row.starts_with(" fixed "), "{table}");
    assert!(
        fixed_row.contains(&format!(" {}/71 ", gap(&g["without_mobile"]))),
        "{fixed_row}"
    );
    assert_eq!(table.matches(" fixed ").count(), 1, "{table}");

    // Settlements: grocery_*_fixed after grocery_detour, equal to the run without the van.
    let mut keys = settlement_keys();
    let after = keys
        .iter()
        .position(|k| k == "grocery_detour")
        .unwrap_or_else(|| panic!("grocery_detour"));
    for (i, key) in ["grocery_km_fixed", "grocery_min_fixed", "grocery_gap_fixed"]
        .into_iter()
        .enumerate()
    {
        keys.insert(after + 1 + i, key.into());
    }
    let (a, b) = (
        read_json(&mobile.settlements),
        read_json(&fixed.settlements),
    );
    let (a, b) = (features(&a, "mobile"), features(&b, "fixed"));
    assert_eq!(a.len(), b.len());
    let mut changed = 0;
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (&x["properties"], &y["properties"]);
        assert_eq!(
            obj(x, "properties").keys().collect::<Vec<_>>(),
            keys.iter().collect::<Vec<_>>()
        );
        for unit in ["km", "min", "gap"] {
            assert_eq!(
                x[&format!("grocery_{unit}_fixed")],
                y[&format!("grocery_{unit}")],
                "{}: grocery_{unit}_fixed",
                x["id"]
            );
        }
        changed += usize::from(x["grocery_km"] != y["grocery_km"]);
    }
    assert!(changed > 0);

    // services.geojson and catchments.geojson carry the flag.
    for path in [&mobile.services, &mobile.catchments] {
        let json = read_json(path);
        let flags: Vec<(&Value, &Value)> = features(&json, "services")
            .iter()
            .map(|f| (&f["properties"]["id"], &f["properties"]["mobile"]))
            .filter(|(id, _)| *id == "A" || *id == "B")
            .collect();
        assert_eq!(
            flags,
            [
                (&Value::from("A"), &Value::Bool(false)),
                (&Value::from("B"), &Value::Bool(true))
            ]
        );
    }

    // The same list with the van marked `no`: the same figures with all points, and none
    // without mobile points.
    let no_dir = dir.path().join("no");
    std::fs::create_dir(&no_dir).unwrap();
    let (not_mobile, _) = run_with(&grocery_list(&no_dir, Some("no")), "not_mobile");
    let s = read_json(&not_mobile.summary);
    let mut g_all = g.clone();
    if let Some(o) = g_all.as_object_mut() {
        o.remove("without_mobile");
    }
    assert_eq!(s["kinds"]["grocery"], g_all);
}
