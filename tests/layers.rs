//! The layers every table-shaped output is written from: their columns against the GeoJSON
//! written from them, each value's JSON type against its column's declared type, rows by range
//! against the whole, and the same bytes with one thread or several.

use crate::util::{assert_success, bayreuth, bin, data, extract, read_extract, run, tempdir};
use geo::{polygon, MultiPolygon};
use serde_json::Value;
use servicegap::analysis::{analyze, Analysis, AnalysisOptions};
use servicegap::input::regions::Regions;
use servicegap::network::region::Region;
use servicegap::report::layer::{ColumnType, GeometryType, Layer};
use servicegap::report::{
    geojson, CatchmentsLayer, DiffLayer, NetworkLayer, RegionGroups, RegionsLayer, ServicesLayer,
    SettlementsLayer, SuggestLayer, VulnerableLayer,
};
use servicegap::whatif::scenario::{evaluate, Network, Outcome, State};
use servicegap::whatif::suggest::{suggest, Candidates, Suggestion};
use servicegap::whatif::vulnerability::{vulnerability, Vulnerability};
use servicegap::ServiceKind;

/// Two regions over the demo region's settlements, split at the middle longitude; the west
/// one with a hole, so that interior rings are written too.
fn halves(region: &Region) -> Regions {
    let lons = region.settlements.iter().map(|s| s.coord.lon());
    let lats = region.settlements.iter().map(|s| s.coord.lat());
    let (x0, x1) = lons.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let (y0, y1) = lats.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let (x0, x1, y0, y1) = (x0 - 0.01, x1 + 0.01, y0 - 0.01, y1 + 0.01);
    let xm = (x0 + x1) / 2.0;
    let (hx, hy) = ((x0 + xm) / 2.0, (y0 + y1) / 2.0);
    let west = polygon!(
        exterior: [(x: x0, y: y0), (x: xm, y: y0), (x: xm, y: y1), (x: x0, y: y1)],
        interiors: [[(x: hx - 0.01, y: hy - 0.01), (x: hx + 0.01, y: hy - 0.01),
                     (x: hx + 0.01, y: hy + 0.01), (x: hx - 0.01, y: hy + 0.01)]],
    );
    let east = polygon![(x: xm, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: xm, y: y1)];
    Regions::from_parts(
        vec!["west".into(), "east".into()],
        vec![MultiPolygon(vec![west]), MultiPolygon(vec![east])],
        "name",
    )
    .unwrap()
}

/// Everything the demo region's layers are made from.
struct Demo {
    region: Region,
    options: AnalysisOptions,
    analysis: Analysis,
    regions: Regions,
    base_services: Vec<servicegap::base::feature::ServicePoint>,
    base: Analysis,
    outcomes: Vec<Outcome>,
    vulnerable: Vulnerability,
    suggestion: Suggestion,
    candidates: Candidates,
}

fn demo() -> Demo {
    let region = read_extract("de-north-bayreuth-rural");
    let options = AnalysisOptions::default();
    let analysis = analyze(&region, &options);
    let regions = halves(&region);
    let scenarios =
        servicegap::input::scenarios::read_scenarios(&data("data/scenarios/bayreuth-plan.toml"))
            .unwrap();
    let net = Network::new(&region, &options);
    let baseline = State::new(&net, &region.services);
    let outcomes = evaluate(&net, &baseline, &scenarios).unwrap();
    let base = baseline.analysis(&net);
    let base_services = baseline.services().to_vec();
    let vulnerable = vulnerability(&region, &options, ServiceKind::GROCERY, Some(&regions));
    let candidates = Candidates::MainNetworkNodes;
    let suggestion = suggest(&region, &options, ServiceKind::GROCERY, 3, &candidates);
    Demo {
        region,
        options,
        analysis,
        regions,
        base_services,
        base,
        outcomes,
        vulnerable,
        suggestion,
        candidates,
    }
}

/// Calls `check` with every layer of the demo region, by name.
fn each_layer(d: &Demo, check: &mut dyn FnMut(&dyn Layer)) {
    let groups = RegionGroups::new(&d.regions, &d.region, &d.analysis, &d.options);
    check(&SettlementsLayer::new(&d.region, &d.analysis, None));
    check(&SettlementsLayer::new(
        &d.region,
        &d.analysis,
        Some(&groups),
    ));
    check(&ServicesLayer::new(&d.region, &d.analysis));
    check(&CatchmentsLayer::new(&d.region, &d.analysis));
    check(&NetworkLayer::new(&d.region));
    check(&RegionsLayer::new(&groups));
    check(&DiffLayer::new(
        &d.region.kinds,
        &d.region.settlements,
        &d.base_services,
        &d.base,
        &d.outcomes,
    ));
    check(&VulnerableLayer::new(&d.vulnerable, &d.region, None));
    check(&VulnerableLayer::new(
        &d.vulnerable,
        &d.region,
        Some(&d.regions),
    ));
    check(&SuggestLayer::new(&d.suggestion, &d.region, &d.candidates));
}

/// The features of `layer` written as GeoJSON and read back.
fn features(layer: &dyn Layer) -> Vec<Value> {
    let mut out = Vec::new();
    geojson::write_layer(&mut out, layer).unwrap();
    let mut v: Value = serde_json::from_slice(&out).unwrap();
    match v["features"].take() {
        Value::Array(f) => f,
        other => panic!("{}: features {other}", layer.name()),
    }
}

/// Whether `v`, not null, is of type `ty` once read back from JSON.
fn of_type(v: &Value, ty: ColumnType) -> bool {
    match ty {
        ColumnType::Real => v.is_f64(),
        ColumnType::Integer => v.is_i64() || v.is_u64(),
        ColumnType::Text => v.is_string(),
        ColumnType::Boolean => v.is_boolean(),
        ColumnType::TextList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
    }
}

/// Every layer's columns are the GeoJSON properties' keys, in order, in every feature, and
/// every non-null value read back has the JSON type of its declared column type; the
/// geometries are of the layer's type.
#[test]
fn columns_are_the_properties_and_values_their_declared_types() {
    let d = demo();
    let mut names = Vec::new();
    each_layer(&d, &mut |layer| {
        names.push(layer.name().to_owned());
        let features = features(layer);
        assert!(!layer.is_empty(), "{}: no rows to check", layer.name());
        assert_eq!(features.len(), layer.len(), "{}", layer.name());
        let columns: Vec<&str> = layer.columns().iter().map(|c| c.name.as_str()).collect();
        let geometry = match layer.geometry_type() {
            GeometryType::Point => "Point",
            GeometryType::LineString => "LineString",
            GeometryType::MultiPolygon => "MultiPolygon",
        };
        for (n, f) in features.iter().enumerate() {
            let p = f["properties"].as_object().unwrap();
            let keys: Vec<&str> = p.keys().map(String::as_str).collect();
            assert_eq!(keys, columns, "{} feature {n}", layer.name());
            for c in layer.columns() {
                let v = &p[&c.name];
                assert!(
                    v.is_null() || of_type(v, c.ty),
                    "{} feature {n}: {} = {v} is not {:?}",
                    layer.name(),
                    c.name,
                    c.ty
                );
            }
            assert_eq!(f["geometry"]["type"], geometry, "{}", layer.name());
        }
    });
    assert_eq!(
        names,
        [
            "settlements",
            "settlements",
            "services",
            "catchments",
            "network",
            "regions",
            "diff",
            "vulnerable",
            "vulnerable",
            "suggest"
        ]
    );
}

/// The columns are the ones the files have always had: the first settlement columns, with
/// the region column, one kind's six, `gaps` last; the vulnerable columns of a km threshold.
#[test]
fn columns_are_the_documented_ones() {
    let d = demo();
    let names = |layer: &dyn Layer| -> Vec<String> {
        layer.columns().iter().map(|c| c.name.clone()).collect()
    };
    let groups = RegionGroups::new(&d.regions, &d.region, &d.analysis, &d.options);
    let s = names(&SettlementsLayer::new(
        &d.region,
        &d.analysis,
        Some(&groups),
    ));
    assert_eq!(
        s[..14],
        [
            "id",
            "name",
            "place",
            "population",
            "status",
            "snap_m",
            "island",
            "region",
            "grocery_km",
            "grocery_min",
            "grocery_nearest",
            "grocery_gap",
            "grocery_line_km",
            "grocery_detour"
        ]
    );
    assert_eq!(s.last().map(String::as_str), Some("gaps"));
    let v = names(&VulnerableLayer::new(&d.vulnerable, &d.region, None));
    assert_eq!(v[0], "rank");
    assert_eq!(v[v.len() - 2..], ["next_km_mean", "next_km_max"]);
}

/// A km column that is null in every row is still declared Real: `payment_km` on the demo
/// region (no payment point is reached), and every kind's km, minutes, straight-line and detour
/// columns on the demo region without any service point.
#[test]
fn all_null_km_columns_are_real() {
    let mut region = read_extract("de-north-bayreuth-rural");
    {
        let analysis = analyze(&region, &AnalysisOptions::default());
        let layer = SettlementsLayer::new(&region, &analysis, None);
        let all_null = features(&layer)
            .iter()
            .all(|f| f["properties"]["payment_km"].is_null());
        assert!(all_null, "the demo region reaches a payment point now");
        let ty = layer.columns().iter().find(|c| c.name == "payment_km");
        assert_eq!(ty.map(|c| c.ty), Some(ColumnType::Real));
    }
    region.services.clear();
    let analysis = analyze(&region, &AnalysisOptions::default());
    let layer = SettlementsLayer::new(&region, &analysis, None);
    let features = features(&layer);
    assert!(!features.is_empty());
    let mut checked = 0;
    for c in layer.columns() {
        if c.name.ends_with("_km") || c.name.ends_with("_min") || c.name.ends_with("_detour") {
            assert!(
                features.iter().all(|f| f["properties"][&c.name].is_null()),
                "{}",
                c.name
            );
            assert_eq!(c.ty, ColumnType::Real, "{}", c.name);
            checked += 1;
        }
    }
    // Five kinds: km, min, line_km, detour.
    assert_eq!(checked, 20);
}

/// The rows of every layer produced range by range, in pieces of many sizes, are the rows of
/// the whole range, in order.
#[test]
fn rows_by_range_concatenate_to_the_whole() {
    let d = demo();
    each_layer(&d, &mut |layer| {
        let rows = |range: std::ops::Range<usize>| {
            let mut out = Vec::new();
            layer
                .rows(range, &mut |row| {
                    out.push(format!("{row:?}"));
                    Ok(())
                })
                .unwrap();
            out
        };
        let n = layer.len();
        let whole = rows(0..n);
        assert_eq!(whole.len(), n, "{}", layer.name());
        for piece in [1, 2, 3, 7, 64, 1000] {
            let mut joined = Vec::new();
            let mut start = 0;
            while start < n {
                let end = (start + piece).min(n);
                joined.extend(rows(start..end));
                start = end;
            }
            assert_eq!(joined, whole, "{} in pieces of {piece}", layer.name());
        }
        assert!(rows(n..n).is_empty());
    });
}

/// The same bytes in a pool of one thread and of four, in process, for every layer, as
/// GeoJSON and as CSV, and for a network of several chunks of rows.
#[test]
fn same_bytes_on_one_thread_or_four_in_process() {
    let d = demo();
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let (one, four) = (pool(1), pool(4));
    each_layer(&d, &mut |layer| {
        let write = |pool: &rayon::ThreadPool| {
            pool.install(|| {
                let mut g = Vec::new();
                geojson::write_layer(&mut g, layer).unwrap();
                let mut c = Vec::new();
                servicegap::report::csv::write_layer(&mut c, layer).unwrap();
                (g, c)
            })
        };
        assert!(write(&one) == write(&four), "{}", layer.name());
    });
    // A layer of many chunks of rows: Liechtenstein's network.
    let li = read_extract("li-liechtenstein-2021");
    let network = NetworkLayer::new(&li);
    assert!(network.len() > 4 * 1024, "{}", network.len());
    let write = |pool: &rayon::ThreadPool| {
        let mut g = Vec::new();
        pool.install(|| geojson::write_layer(&mut g, &network))
            .unwrap();
        g
    };
    assert!(write(&one) == write(&four));
}

/// The binary writes the same bytes with RAYON_NUM_THREADS=1 and =4: analyze's files (on
/// Liechtenstein, whose network is several chunks of rows),
/// vulnerable's GeoJSON and CSV, suggest's GeoJSON, scenario's diff.
#[test]
fn same_bytes_with_one_thread_or_four() {
    let dirs = [tempdir(), tempdir()];
    let plan = data("data/scenarios/bayreuth-plan.toml");
    for (dir, threads) in dirs.iter().zip(["1", "4"]) {
        let p = |name: &str| dir.path().join(name);
        let commands: Vec<Vec<std::ffi::OsString>> = vec![
            vec![
                "analyze".into(),
                extract("li-liechtenstein-2021").into(),
                "--out-dir".into(),
                p("a").into(),
            ],
            vec![
                "vulnerable".into(),
                bayreuth().into(),
                "--kind".into(),
                "grocery".into(),
                "--output".into(),
                p("v.geojson").into(),
                "--csv".into(),
                p("v.csv").into(),
            ],
            vec![
                "suggest".into(),
                bayreuth().into(),
                "--kind".into(),
                "grocery".into(),
                "-k".into(),
                "3".into(),
                "--output".into(),
                p("s.geojson").into(),
            ],
            vec![
                "scenario".into(),
                bayreuth().into(),
                "--scenarios".into(),
                plan.clone().into(),
                "--diff-out".into(),
                p("d.geojson").into(),
            ],
        ];
        for args in commands {
            let out = run(bin().args(&args).env("RAYON_NUM_THREADS", threads));
            assert_success(&out, &format!("{args:?} on {threads} threads"));
        }
    }
    let files = |dir: &std::path::Path| {
        let mut all = Vec::new();
        for sub in [dir.to_path_buf(), dir.join("a")] {
            let mut names: Vec<_> = std::fs::read_dir(&sub)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .collect();
            names.sort();
            for path in names {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                all.push((name, std::fs::read(&path).unwrap()));
            }
        }
        all
    };
    let (a, b) = (files(dirs[0].path()), files(dirs[1].path()));
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 11, "{names:?}");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between 1 and 4 threads");
    }
    assert_eq!(a.len(), b.len());
}
