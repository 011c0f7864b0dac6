//! Capacity-aware access (E2SFCA) against a brute-force oracle on seeded random networks: one
//! plain forward Dijkstra per settlement from its projection (the analysis oracle's), the car
//! time to every point of the kind, then Luo and Qi's two steps written out plainly in the same
//! fixed order, so every value must be equal to the last bit. Also the `capacity` column of
//! planners' service files, the `[e2sfca] steps` setting and `analyze` end to end.

use crate::analysis_oracle::{cost_to, costs, dijkstra_from};
use crate::util::random::random_region_with;
use crate::util::{
    assert_clean_failure_on, assert_success, bin, read_extract, run, tempdir, write,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::e2sfca::{Step, Steps};
use servicegap::analysis::{analyze, AnalysisOptions, Status};
use servicegap::input::services::read_services;
use servicegap::network::region::Region;
use servicegap::report::e2sfca_per_1000;
use servicegap::ServiceKind;
use std::path::Path;

/// The weight of `ds` deciseconds: the first step whose limit the time in minutes does not
/// exceed, 0 beyond the last.
fn weight(steps: &[Step], ds: u64) -> f64 {
    let minutes = ds as f64 / 600.0;
    for s in steps {
        if minutes <= s.max_min {
            return s.weight;
        }
    }
    0.0
}

/// Every settlement's E2SFCA value of `kind`, by brute force: `None` without a snap.
fn brute(region: &Region, options: &AnalysisOptions, kind: ServiceKind) -> Vec<Option<f64>> {
    let analysis = analyze(region, options);
    let g = &region.graph;
    let steps = options
        .e2sfca
        .as_ref()
        .expect("capacity-aware access switched on")
        .steps();
    let snaps = &analysis.service_snaps;
    let points: Vec<usize> = (0..region.services.len())
        .filter(|&j| region.services[j].kinds.contains(kind) && snaps[j].is_some())
        .collect();
    // w[i][p]: the weight of settlement i's time to points[p] (0 outside the catchment).
    let w: Vec<Vec<f64>> = analysis
        .settlements
        .iter()
        .map(|r| {
            let Some(from) = r.snap else {
                return vec![0.0; points.len()];
            };
            let c = costs(g, &from, options.access_kmh);
            let dist = dijkstra_from(g, &from, &c, 1);
            points
                .iter()
                .map(|&j| {
                    let Some(to) = snaps[j] else { return 0.0 };
                    let sc = costs(g, &to, options.access_kmh);
                    cost_to(g, &dist, (&from, &c), (&to, &sc), 1).map_or(0.0, |t| weight(steps, t))
                })
                .collect()
        })
        .collect();
    // Step 1, in settlement order.
    let ratio: Vec<f64> = (0..points.len())
        .map(|p| {
            let mut demand = 0.0;
            for (i, s) in region.settlements.iter().enumerate() {
                if w[i][p] > 0.0 {
                    demand += s.population.unwrap_or(0) as f64 * w[i][p];
                }
            }
            let capacity = region.services[points[p]].capacity.unwrap_or(1.0);
            if demand > 0.0 {
                capacity / demand
            } else {
                0.0
            }
        })
        .collect();
    // Step 2, in point order.
    (0..region.settlements.len())
        .map(|i| {
            analysis.settlements[i].snap?;
            let mut a = 0.0;
            for p in 0..points.len() {
                if w[i][p] > 0.0 {
                    a += ratio[p] * w[i][p];
                }
            }
            Some(a)
        })
        .collect()
}

/// Random steps: one to three, limits between a quarter minute and eight minutes (the random
/// networks are a few km across).
fn random_steps(rng: &mut ChaCha8Rng) -> Steps {
    let mut limit = 0.0;
    let steps = (0..rng.gen_range(1..=3))
        .map(|_| {
            limit += rng.gen_range(0.25..4.0);
            Step {
                max_min: limit,
                weight: rng.gen_range(0.05..1.0),
            }
        })
        .collect();
    Steps::new(steps).unwrap_or_else(|e| panic!("{e}"))
}

/// Compares every settlement's value of every kind; the number of positive values.
fn compare(region: &Region, options: &AnalysisOptions, what: &str) -> usize {
    let analysis = analyze(region, options);
    let mut positive = 0;
    for kind in ServiceKind::BUILT_IN {
        let want = brute(region, options, kind);
        for (i, (r, w)) in analysis.settlements.iter().zip(&want).enumerate() {
            let got = r.e2sfca[kind.index()];
            assert_eq!(got, *w, "{what}: {kind}, settlement {i}");
            assert_eq!(got.is_none(), r.status != Status::Ok, "{what}: {kind} {i}");
            positive += usize::from(got.is_some_and(|v| v > 0.0));
        }
    }
    positive
}

#[test]
fn matches_brute_force_on_random_networks() {
    let mut positive = 0;
    for seed in 0..60u64 {
        let (mut region, mut options) = random_region_with(seed, 24, 0.4, 0.8);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xe25f);
        for s in &mut region.services {
            s.capacity = rng.gen_bool(0.6).then(|| rng.gen_range(0.1..20.0));
        }
        options.e2sfca = Some(random_steps(&mut rng));
        positive += compare(&region, &options, &format!("seed {seed}"));
    }
    assert!(
        positive > 100,
        "too few positive values to test: {positive}"
    );
}

/// A step limit exactly at a measured time keeps that pair in the catchment, a decisecond
/// below drops it: compared with the oracle at both limits.
#[test]
fn step_limit_is_inclusive() {
    let mut checked = 0;
    for seed in 100..130u64 {
        let (region, mut options) = random_region_with(seed, 12, 0.5, 1.0);
        let analysis = analyze(&region, &options);
        let kind = ServiceKind::GROCERY;
        let Some(t) = analysis
            .settlements
            .iter()
            .filter_map(|r| r.kinds[kind.index()].time_ds)
            .find(|&t| t > 1)
        else {
            continue;
        };
        for limit in [t, t - 1] {
            options.e2sfca = Some(
                Steps::new(vec![Step {
                    max_min: f64::from(limit) / 600.0,
                    weight: 1.0,
                }])
                .unwrap_or_else(|e| panic!("{e}")),
            );
            compare(&region, &options, &format!("seed {seed}, limit {limit} ds"));
        }
        checked += 1;
    }
    assert!(checked > 10, "{checked}");
}

/// On a real extract (Bayreuth's villages and OSM points, Luo and Qi's steps): the oracle for
/// every settlement of one kind, and twice the capacity gives twice the value.
#[test]
fn matches_brute_force_on_bayreuth_and_scales_with_capacity() {
    let mut region = read_extract("de-north-bayreuth-rural");
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for s in &mut region.settlements {
        s.population = Some(s.population.unwrap_or_else(|| rng.gen_range(10..3000)));
    }
    let options = AnalysisOptions {
        e2sfca: Some(Steps::default()),
        ..AnalysisOptions::default()
    };
    let kind = ServiceKind::PHARMACY;
    let want = brute(&region, &options, kind);
    let analysis = analyze(&region, &options);
    let got: Vec<Option<f64>> = analysis
        .settlements
        .iter()
        .map(|r| r.e2sfca[kind.index()])
        .collect();
    assert_eq!(got, want);
    assert!(got.iter().flatten().any(|&v| v > 0.0));
    for s in &mut region.services {
        s.capacity = Some(2.0);
    }
    let doubled = analyze(&region, &options);
    for (a, b) in analysis.settlements.iter().zip(&doubled.settlements) {
        let (a, b) = (a.e2sfca[kind.index()], b.e2sfca[kind.index()]);
        assert_eq!(a.map(|v| v * 2.0), b);
    }
}

#[test]
fn capacity_column_in_every_format() {
    let dir = tempdir();
    let csv = write(
        dir.path(),
        "s.csv",
        "id,kinds,lon,lat,capacity\na,grocery,11.5,49.9,2.5\nb,grocery,11.6,49.9,\nc,fuel,11.7,49.9,\"0,5\"\n",
    );
    let f = read_services(&csv, None).unwrap_or_else(|e| panic!("{e}"));
    let caps: Vec<Option<f64>> = f.points.iter().map(|p| p.capacity).collect();
    assert_eq!(caps, [Some(2.5), None, Some(0.5)]);
    let geojson = write(
        dir.path(),
        "s.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a","kinds":["grocery"],"capacity":3},"geometry":{"type":"Point","coordinates":[11.5,49.9]}},
{"type":"Feature","properties":{"id":"b","kinds":["grocery"],"capacity":"1.5"},"geometry":{"type":"Point","coordinates":[11.6,49.9]}},
{"type":"Feature","properties":{"id":"c","kinds":["grocery"]},"geometry":{"type":"Point","coordinates":[11.7,49.9]}}]}"#,
    );
    let f = read_services(&geojson, None).unwrap_or_else(|e| panic!("{e}"));
    let caps: Vec<Option<f64>> = f.points.iter().map(|p| p.capacity).collect();
    assert_eq!(caps, [Some(3.0), Some(1.5), None]);
    // Without the column, no point has a capacity.
    let plain = write(
        dir.path(),
        "p.csv",
        "id,kinds,lon,lat\na,grocery,11.5,49.9\n",
    );
    let f = read_services(&plain, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.points[0].capacity, None);
}

#[test]
fn bad_capacities_name_file_line_and_fix() {
    let dir = tempdir();
    for (i, bad) in ["0", "-2", "many", "inf", "NaN"].iter().enumerate() {
        let path = write(
            dir.path(),
            &format!("bad{i}.csv"),
            &format!(
                "id,kinds,lon,lat,capacity\na,grocery,11.5,49.9,1\nb,grocery,11.6,49.9,{bad}\n"
            ),
        );
        let e = read_services(&path, None).err().map(|e| e.to_string());
        let e = e.unwrap_or_else(|| panic!("{bad} accepted"));
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert!(e.contains('3'), "line 3: {e}");
        assert!(e.contains(&format!("`capacity` is `{bad}`")), "{e}");
        assert!(e.contains("use a positive number"), "{e}");
    }
    let geojson = write(
        dir.path(),
        "bad.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a","kinds":"grocery","capacity":[1]},"geometry":{"type":"Point","coordinates":[11.5,49.9]}}]}"#,
    );
    let e = read_services(&geojson, None).err().map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("`capacity` is `[1]`")));
    // Rows merged under one id must agree on the capacity.
    let merged = write(
        dir.path(),
        "m.csv",
        "id,kinds,lon,lat,capacity\na,grocery,11.5,49.9,1\na,post,11.5,49.9,2\n",
    );
    let e = read_services(&merged, None).err().map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("another `capacity` value")));
}

/// `analyze --e2sfca` with a planner's pharmacies with capacities (steps from the settings
/// file): the settlements outputs carry `pharmacy_e2sfca` equal to the library's value per
/// 1 000 inhabitants, summary.json its quantiles; a bad capacity and bad steps (even not
/// switched on) fail cleanly.
#[test]
fn analyze_writes_e2sfca_columns_and_summary() {
    let dir = tempdir();
    let region = read_extract("de-north-bayreuth-rural");
    let mut rows = String::from("id,kinds,lon,lat,capacity\n");
    for (n, s) in region.settlements.iter().step_by(7).enumerate() {
        let cap = if n % 3 == 0 {
            String::new()
        } else {
            format!("{}", n % 4 + 1)
        };
        rows.push_str(&format!(
            "p{n},pharmacy,{},{},{cap}\n",
            s.coord.lon(),
            s.coord.lat()
        ));
    }
    let services = write(dir.path(), "pharmacies.csv", &rows);
    let config = write(dir.path(), "sg.toml", "[e2sfca]\nsteps = \"5:1, 15:0.5\"\n");
    let extract = crate::util::extract("de-north-bayreuth-rural");
    let (geojson, csv, summary) = (
        dir.path().join("s.geojson"),
        dir.path().join("s.csv"),
        dir.path().join("summary.json"),
    );
    let out = run(bin()
        .arg("analyze")
        .arg(&extract)
        .arg("--services")
        .arg(&services)
        .arg("--config")
        .arg(&config)
        .arg("--e2sfca")
        .arg("-o")
        .arg(&geojson)
        .arg("--csv")
        .arg(&csv)
        .arg("--summary")
        .arg(&summary));
    assert_success(&out, "analyze");

    // The library on the same inputs.
    let mut region = region;
    let file = read_services(&services, None).unwrap_or_else(|e| panic!("{e}"));
    servicegap::open::use_service_files(&mut region, &[file], true);
    let options = AnalysisOptions {
        e2sfca: Some("5:1,15:0.5".parse().unwrap_or_else(|e| panic!("{e}"))),
        ..AnalysisOptions::default()
    };
    let analysis = analyze(&region, &options);
    let k = ServiceKind::PHARMACY.index();
    let want: Vec<Option<f64>> = analysis
        .settlements
        .iter()
        .map(|r| r.e2sfca[k].map(e2sfca_per_1000))
        .collect();
    assert!(want.iter().flatten().any(|&v| v > 0.0));

    let g = crate::util::read_json(&geojson);
    let features = g["features"].as_array().cloned().unwrap_or_default();
    assert_eq!(features.len(), want.len());
    for (f, w) in features.iter().zip(&want) {
        assert_eq!(f["properties"]["pharmacy_e2sfca"].as_f64(), *w);
    }
    // The CSV: the kind's last column, right after its mean time to the 3 nearest.
    let text = std::fs::read_to_string(&csv).unwrap_or_default();
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let col = header.iter().position(|&h| h == "pharmacy_e2sfca");
    let mean = header.iter().position(|&h| h == "pharmacy_min_mean3");
    assert_eq!(col, mean.map(|d| d + 1), "{header:?}");
    let s = crate::util::read_json(&summary);
    let e = &s["kinds"]["pharmacy"]["e2sfca"];
    for key in [
        "p50",
        "p90",
        "max",
        "mean_population",
        "zero_settlements",
        "zero_population",
    ] {
        assert!(!e[key].is_null(), "{key}: {e}");
    }
    let max = want.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    assert_eq!(e["max"].as_f64(), Some(max));

    // Bad input: nothing written, one line naming the file.
    let bad = write(
        dir.path(),
        "bad.csv",
        "id,kinds,lon,lat,capacity\na,grocery,11.5,49.9,-1\n",
    );
    let o = dir.path().join("none.geojson");
    let out = run(bin()
        .arg("analyze")
        .arg(&extract)
        .arg("--services")
        .arg(&bad)
        .arg("-o")
        .arg(&o));
    assert_clean_failure_on(&out, &bad, "`capacity` is `-1`");
    assert!(!o.exists());
    let bad = write(dir.path(), "bad.toml", "[e2sfca]\nsteps = \"10:1,5:1\"\n");
    let out = run(bin()
        .arg("analyze")
        .arg(&extract)
        .arg("--config")
        .arg(&bad)
        .arg("-o")
        .arg(&o));
    assert_clean_failure_on(&out, &bad, "[e2sfca] steps");
    assert!(!o.exists());
}

/// The columns of a settlements CSV.
fn csv_header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let first = text.lines().next().unwrap_or_default();
    first.split(',').map(str::to_owned).collect()
}

/// Capacity-aware access is opt-in: without `--e2sfca` or `[e2sfca] enabled = true` no
/// output carries it (no column, no summary key, nothing in the report's data); switched on
/// in the file, the outputs are the same bytes as with the flag, and the other columns the
/// same as without it.
#[test]
fn off_unless_switched_on() {
    let dir = tempdir();
    let extract = crate::util::extract("de-north-bayreuth-rural");
    let steps = write(
        dir.path(),
        "steps.toml",
        "[e2sfca]\nsteps = \"5:1, 15:0.5\"\n",
    );
    let on = write(
        dir.path(),
        "on.toml",
        "[e2sfca]\nenabled = true\nsteps = \"5:1, 15:0.5\"\n",
    );
    let runs: [(&str, &Path, bool); 3] = [
        ("off", &steps, false),
        ("flag", &steps, true),
        ("file", &on, false),
    ];
    for (name, config, flag) in runs {
        let out_dir = dir.path().join(name);
        let mut analyze = bin();
        analyze
            .arg("analyze")
            .arg(&extract)
            .arg("--config")
            .arg(config)
            .arg("--csv")
            .arg(out_dir.join("s.csv"))
            .arg("--summary")
            .arg(out_dir.join("summary.json"))
            .arg("--report")
            .arg(out_dir.join("report.html"));
        if flag {
            analyze.arg("--e2sfca");
        }
        std::fs::create_dir_all(&out_dir).unwrap_or_else(|e| panic!("{e}"));
        assert_success(&run(&mut analyze), name);
    }
    let path = |run: &str, file: &str| dir.path().join(run).join(file);
    let off = csv_header(&path("off", "s.csv"));
    let on = csv_header(&path("flag", "s.csv"));
    assert!(!off.iter().any(|c| c.ends_with("_e2sfca")), "{off:?}");
    let without: Vec<&String> = on.iter().filter(|c| !c.ends_with("_e2sfca")).collect();
    assert_eq!(without, off.iter().collect::<Vec<_>>());
    assert_eq!(on.len(), off.len() + 5, "{on:?}");
    let summary = crate::util::read_json(&path("off", "summary.json"));
    let flagged = crate::util::read_json(&path("flag", "summary.json"));
    for kind in ServiceKind::BUILT_IN {
        let k = kind.name();
        assert!(summary["kinds"][k].get("e2sfca").is_none(), "{k}");
        assert!(flagged["kinds"][k]["e2sfca"].is_object(), "{k}");
    }
    let page = crate::report_data::page_data(&path("off", "report.html"));
    assert!(page["settlements"].get("e2sfca").is_none());
    let page = crate::report_data::page_data(&path("flag", "report.html"));
    assert!(page["settlements"]["e2sfca"]["pharmacy"].is_array());
    for file in ["s.csv", "summary.json"] {
        let bytes = |run: &str| std::fs::read(path(run, file)).unwrap_or_default();
        assert_eq!(bytes("flag"), bytes("file"), "{file}");
    }
}
