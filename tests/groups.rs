//! Population groups (`--group COLUMN`): the figures of summary.json (whole area and per
//! region) and of the regions layer recomputed here from the written settlements layer, for a
//! seeded points CSV on the Bayreuth extract and a seeded SCB grid on Södermalm; the group
//! columns carried through unchanged; the refusals; and every output without `--group` byte
//! for byte what it is without the group columns in the file at all.

use crate::util::{
    assert_clean_failure, assert_clean_failure_on, assert_nothing_left, assert_success, bayreuth,
    bin, data, extract, read_json, run, tempdir, write,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

const KINDS: [&str; 5] = ["grocery", "fuel", "post", "pharmacy", "payment"];
const GRID: &str = "data/sweden/scb_befolkning_1km_2024_populated.csv.gz";

/// A group's figures for one kind as the summary gives them, recomputed from the layer.
#[derive(Debug, Default)]
struct Expected {
    population: u64,
    gap_population: u64,
    far_population: u64,
    /// Σ people × the layer's km (rounded to 0.01 per settlement), and the most that rounding
    /// can move it.
    far_total_km: f64,
    tolerance_km: f64,
    /// People, and their people × km, in settlements whose layer km rounds to the limit
    /// itself: the distance (whole decimetres) may lie on either side of it.
    at_limit_population: u64,
    at_limit_km: f64,
    no_distance_population: u64,
}

/// The features' properties of a GeoJSON layer.
fn properties(path: &Path) -> Vec<Map<String, Value>> {
    let doc = read_json(path);
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap().clone())
        .collect()
}

/// The figures of `group` for `kind` over the settlements `rows` that are not outside, with
/// the far distance `far_km`.
fn expected(rows: &[&Map<String, Value>], kind: &str, group: &str, far_km: f64) -> Expected {
    let mut e = Expected::default();
    for p in rows.iter().filter(|p| p["status"] != "outside") {
        let Some(people) = p[group].as_u64() else {
            continue;
        };
        e.population += people;
        if p[&format!("{kind}_gap")] == Value::Bool(true) {
            e.gap_population += people;
        }
        match p[&format!("{kind}_km")].as_f64() {
            None => e.no_distance_population += people,
            Some(km) => {
                if (km - far_km).abs() < 0.004 {
                    e.at_limit_population += people;
                    e.at_limit_km += people as f64 * km;
                    e.tolerance_km += people as f64 * 0.005;
                } else if km > far_km {
                    e.far_population += people;
                    e.far_total_km += people as f64 * km;
                    e.tolerance_km += people as f64 * 0.005;
                }
            }
        }
    }
    e
}

/// Asserts that the summary's `groups` object for one kind holds `want` for `group`.
fn assert_group(got: &Value, want: &Expected, far_km: f64, what: &str) {
    let u = |k: &str| {
        got[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{what}: {k} in {got}"))
    };
    assert_eq!(u("population"), want.population, "{what}");
    assert_eq!(u("gap_population"), want.gap_population, "{what}");
    let far = u("far_population");
    let at_limit = far - want.far_population.min(far);
    assert!(
        far >= want.far_population && at_limit <= want.at_limit_population,
        "{what}: far_population {far} vs {} + up to {} at the limit",
        want.far_population,
        want.at_limit_population
    );
    assert_eq!(
        u("no_distance_population"),
        want.no_distance_population,
        "{what}"
    );
    assert_eq!(got["far_km"].as_f64(), Some(far_km), "{what}");
    let share = (want.population > 0)
        .then(|| (want.gap_population as f64 / want.population as f64 * 1e6).round() / 1e6);
    assert_eq!(got["gap_share"].as_f64(), share, "{what}");
    let total = got["far_total_km"].as_f64().unwrap();
    // The settlements at the limit that count as far add their people × km (about the limit).
    let lowest = want.far_total_km - want.tolerance_km - 0.005;
    let highest = want.far_total_km + want.at_limit_km + want.tolerance_km + 0.005;
    assert!(
        (lowest..=highest).contains(&total),
        "{what}: far_total_km {total} not in {lowest}..={highest}"
    );
    if want.at_limit_population == 0 {
        assert_eq!(far, want.far_population, "{what}");
    }
}

/// Bayreuth settlements as a planner's CSV: random points over the OSM places' box (some
/// too far from a road with the test's snap limit), two far outside the extract, random
/// population with two groups at most the population, some group cells empty.
fn bayreuth_csv(seed: u64, with_groups: bool) -> String {
    let region = crate::util::read_extract("de-north-bayreuth-rural");
    let lons: Vec<f64> = region.settlements.iter().map(|s| s.coord.lon()).collect();
    let lats: Vec<f64> = region.settlements.iter().map(|s| s.coord.lat()).collect();
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    };
    let ((w, e), (s, n)) = (range(&lons), range(&lats));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = String::from(if with_groups {
        "id,name,population,pop_70plus,pop_0_15,lon,lat\n"
    } else {
        "id,name,population,lon,lat\n"
    });
    for i in 0..160 {
        let (lon, lat) = if i >= 158 {
            (e + 1.5, n + 1.0)
        } else {
            (rng.gen_range(w..=e), rng.gen_range(s..=n))
        };
        let population: u64 = rng.gen_range(0..900);
        let mut cell = |empty_one_in: u32| {
            let v = rng.gen_range(0..=population);
            if rng.gen_ratio(1, empty_one_in) {
                String::new()
            } else {
                v.to_string()
            }
        };
        let (old, young) = (cell(7), cell(5));
        let groups = if with_groups {
            format!("{old},{young},")
        } else {
            String::new()
        };
        text += &format!("s{i},Place {i},{population},{groups}{lon:.6},{lat:.6}\n");
    }
    text
}

/// Two regions, the west and the east half of the box `[w, s, e, n]`, with a strip between
/// them that neither holds.
fn halves(w: f64, s: f64, e: f64, n: f64) -> String {
    let mid = (w + e) / 2.0;
    let square = |a: f64, b: f64| format!("[[[{a},{s}],[{b},{s}],[{b},{n}],[{a},{n}],[{a},{s}]]]");
    let feature = |name: &str, ring: String| {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":{ring}}}}}"#
        )
    };
    format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        feature("West", square(w - 0.5, mid - 0.01)),
        feature("East", square(mid + 0.01, e + 0.5)),
    )
}

/// Runs `analyze` with `args` into `dir` (`--out-dir`), asserting success; returns stdout.
fn analyze(extract: &Path, dir: &Path, args: &[&str]) -> String {
    let out = run(bin()
        .arg("analyze")
        .arg(extract)
        .arg("--out-dir")
        .arg(dir)
        .args(args));
    assert_success(&out, &format!("analyze {args:?}"));
    String::from_utf8(out.stdout).unwrap()
}

/// The figures of summary.json (whole area and per region) and of regions.geojson, checked
/// against the settlements layer, for the groups of `args`.
fn check_figures(dir: &Path, groups: &[&str], far_km: f64, with_regions: bool) {
    let rows = properties(&dir.join("settlements.geojson"));
    let all: Vec<&Map<String, Value>> = rows.iter().collect();
    let summary = read_json(&dir.join("summary.json"));
    for kind in KINDS {
        for group in groups {
            let got = &summary["kinds"][kind]["groups"][group];
            let want = expected(&all, kind, group, far_km);
            assert_group(got, &want, far_km, &format!("{kind} {group}"));
        }
    }
    if !with_regions {
        return;
    }
    let layer = properties(&dir.join("regions.geojson"));
    let regions = summary["regions"].as_array().unwrap();
    assert_eq!(regions.len(), layer.len());
    for (r, row) in regions.iter().zip(&layer) {
        let name = row["name"].as_str().unwrap();
        assert_eq!(r["name"], name);
        let members: Vec<&Map<String, Value>> =
            rows.iter().filter(|p| p["region"] == name).collect();
        for kind in KINDS {
            for group in groups {
                let got = &r["kinds"][kind]["groups"][group];
                let want = expected(&members, kind, group, far_km);
                assert_group(got, &want, far_km, &format!("{name} {kind} {group}"));
                // The regions layer carries the same figures.
                let column = |what: &str| row[&format!("{kind}_{group}_{what}")].clone();
                assert_eq!(column("gap_population"), got["gap_population"]);
                assert_eq!(column("gap_share"), got["gap_share"]);
                assert_eq!(column("far_population"), got["far_population"]);
                assert_eq!(column("far_total_km"), got["far_total_km"]);
            }
        }
        for group in groups {
            assert_eq!(
                row[*group],
                r["kinds"]["grocery"]["groups"][group]["population"]
            );
        }
    }
}

/// Every settlement's group cells in the layer, by id, as in `csv` (empty = null).
fn assert_cells_carried(layer: &Path, csv: &str, groups: &[(&str, usize)]) {
    let rows = properties(layer);
    let mut lines = csv.lines();
    let _header = lines.next();
    let mut by_id = std::collections::HashMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        by_id.insert(cells[0].to_owned(), cells);
    }
    assert_eq!(rows.len(), by_id.len());
    for p in &rows {
        let cells = &by_id[p["id"].as_str().unwrap()];
        for &(group, at) in groups {
            let want = cells[at]
                .parse::<u64>()
                .ok()
                .map_or(Value::Null, Value::from);
            assert_eq!(p[group], want, "{} {group}", p["id"]);
        }
    }
}

#[test]
fn csv_groups_are_recomputed_from_the_settlements_layer() {
    let dir = tempdir();
    let csv = bayreuth_csv(15, true);
    let file = write(dir.path(), "settlements.csv", &csv);
    let region = crate::util::read_extract("de-north-bayreuth-rural");
    let lons: Vec<f64> = region.settlements.iter().map(|s| s.coord.lon()).collect();
    let lats: Vec<f64> = region.settlements.iter().map(|s| s.coord.lat()).collect();
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let regions = write(
        dir.path(),
        "halves.geojson",
        &halves(min(&lons), min(&lats), max(&lons), max(&lats)),
    );
    let out = dir.path().join("out");
    let printed = analyze(
        &bayreuth(),
        &out,
        &[
            "--settlements",
            file.to_str().unwrap(),
            "--group",
            "pop_70plus",
            "--group",
            "pop_0_15",
            "--max-snap-m",
            "400",
            "--regions",
            regions.to_str().unwrap(),
            "--regions-out",
            out.join("regions.geojson").to_str().unwrap(),
        ],
    );
    check_figures(&out, &["pop_70plus", "pop_0_15"], 5.0, true);
    assert_cells_carried(
        &out.join("settlements.geojson"),
        &csv,
        &[("pop_70plus", 3), ("pop_0_15", 4)],
    );

    // The inputs reach every case: no road, unreachable (no payment point in the extract),
    // outside, empty cells, and settlements on either side of 5 km.
    let summary = read_json(&out.join("summary.json"));
    assert!(summary["settlements_no_road"].as_u64().unwrap() > 0);
    assert_eq!(summary["settlements_outside"], 2);
    let grocery = &summary["kinds"]["grocery"]["groups"]["pop_70plus"];
    let people = grocery["population"].as_u64().unwrap();
    let far = grocery["far_population"].as_u64().unwrap();
    let none = grocery["no_distance_population"].as_u64().unwrap();
    assert!(far > 0 && far + none < people, "{grocery}");
    let payment = &summary["kinds"]["payment"]["groups"]["pop_70plus"];
    assert_eq!(payment["no_distance_population"], payment["population"]);
    assert_eq!(payment["far_population"], 0);

    // The layer's group columns follow `population`, in the order given; so does the CSV.
    let header = std::fs::read_to_string(out.join("settlements.csv")).unwrap();
    let header = header.lines().next().unwrap();
    assert!(
        header.starts_with("id,name,place,population,pop_70plus,pop_0_15,status,"),
        "{header}"
    );
    // The printed summary has a row per group and kind.
    for group in ["pop_70plus", "pop_0_15"] {
        for kind in KINDS {
            let row = format!("{group:<10}  {kind:<8}");
            assert!(printed.contains(&row), "{row:?} in:\n{printed}");
        }
    }
}

#[test]
fn far_distance_comes_from_the_settings_file_and_the_flag() {
    let dir = tempdir();
    let file = write(dir.path(), "s.csv", &bayreuth_csv(15, true));
    let config = write(
        dir.path(),
        "servicegap.toml",
        "[settlements]\ngroups = [\"pop_70plus\"]\ngroup_far_km = 7.5\n",
    );
    let from_file = dir.path().join("file");
    analyze(
        &bayreuth(),
        &from_file,
        &[
            "--settlements",
            file.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
    );
    check_figures(&from_file, &["pop_70plus"], 7.5, false);
    // The flags win: another group and another distance.
    let from_flags = dir.path().join("flags");
    analyze(
        &bayreuth(),
        &from_flags,
        &[
            "--settlements",
            file.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--group",
            "pop_0_15",
            "--group-far-km",
            "12",
        ],
    );
    check_figures(&from_flags, &["pop_0_15"], 12.0, false);
    let summary = read_json(&from_flags.join("summary.json"));
    assert!(summary["kinds"]["grocery"]["groups"]["pop_70plus"].is_null());
}

/// SCB squares whose centre lies in Södermalm's box widened by about a kilometre, with a
/// seeded `pop_70plus` column (some cells empty).
fn sodermalm_grid(seed: u64) -> String {
    let squares = servicegap::input::grid::read_grid(&data(GRID), None).unwrap();
    let sweref = servicegap::input::crs::Crs::sweref99tm();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut text = String::from("Ruta;Beftotalt;Pop_70plus\n");
    let mut count = 0;
    for s in &squares {
        let (x, y) = s.centre();
        let (lon, lat) = sweref.to_lon_lat(x, y).unwrap();
        if (17.99..=18.14).contains(&lon) && (59.29..=59.33).contains(&lat) {
            let old = rng.gen_range(0..=s.population);
            let cell = if rng.gen_ratio(1, 6) {
                String::new()
            } else {
                old.to_string()
            };
            text += &format!("{};{};{cell}\n", s.code, s.population);
            count += 1;
        }
    }
    assert!(count >= 6, "only {count} squares near Södermalm");
    text
}

#[test]
fn grid_groups_are_recomputed_from_the_settlements_layer() {
    let dir = tempdir();
    let grid = sodermalm_grid(70);
    let file = write(dir.path(), "grid.csv", &grid);
    let out = dir.path().join("out");
    analyze(
        &extract("se-stockholm-sodermalm"),
        &out,
        &[
            "--settlements",
            file.to_str().unwrap(),
            "--group",
            "pop_70plus",
            "--min-component-nodes",
            "2",
            "--group-far-km",
            "1",
        ],
    );
    check_figures(&out, &["pop_70plus"], 1.0, false);
    // The square code is the id; the group as the flag names it.
    let csv = grid.replace(';', ",");
    assert_cells_carried(&out.join("settlements.geojson"), &csv, &[("pop_70plus", 2)]);
    let summary = read_json(&out.join("summary.json"));
    let g = &summary["kinds"]["grocery"]["groups"]["pop_70plus"];
    assert!(g["population"].as_u64().unwrap() > 0, "{g}");
}

/// The group's figures in a scenario's compare.json are those of the same kinds in
/// summary.json for the baseline.
#[test]
fn scenario_baseline_carries_the_groups() {
    let dir = tempdir();
    let file = write(dir.path(), "s.csv", &bayreuth_csv(15, true));
    let out = dir.path().join("out");
    let common = [
        "--settlements",
        file.to_str().unwrap(),
        "--group",
        "pop_70plus",
    ];
    analyze(&bayreuth(), &out, &common);
    let compare = dir.path().join("compare.json");
    let ran = run(bin()
        .arg("scenario")
        .arg(bayreuth())
        .arg("--scenarios")
        .arg(data("data/scenarios/bayreuth-plan.toml"))
        .args(common)
        .arg("--compare-out")
        .arg(&compare));
    assert_success(&ran, "scenario");
    let summary = read_json(&out.join("summary.json"));
    let compare = read_json(&compare);
    for kind in KINDS {
        assert_eq!(
            compare["baseline"]["kinds"][kind]["groups"], summary["kinds"][kind]["groups"],
            "{kind}"
        );
        for s in compare["scenarios"].as_array().unwrap() {
            assert!(s["kinds"][kind]["groups"]["pop_70plus"].is_object());
        }
    }
}

/// The same run without `--group`: every output and the printed summary are the bytes of a
/// run on the same file without its group columns; and with `--group`, summary.json and the
/// settlements layer are those of the run without, plus the groups' keys and columns.
#[test]
fn outputs_without_groups_are_unchanged() {
    let dir = tempdir();
    let with = write(dir.path(), "with.csv", &bayreuth_csv(15, true));
    let without = write(dir.path(), "without.csv", &bayreuth_csv(15, false));
    let run_on = |file: &PathBuf, name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let report = out.join("report.html");
        let mut args = vec![
            "--settlements",
            file.to_str().unwrap(),
            "--max-snap-m",
            "400",
        ];
        args.extend_from_slice(extra);
        std::fs::create_dir_all(&out).unwrap();
        let report = report.to_str().unwrap().to_owned();
        let mut all = args.clone();
        all.extend(["--report", &report]);
        let printed = analyze(&bayreuth(), &out, &all);
        (out, printed)
    };
    let (plain, plain_text) = run_on(&without, "plain", &[]);
    let (ignored, ignored_text) = run_on(&with, "ignored", &[]);
    // The ids differ nowhere: a planner's id column; the file name appears only in the
    // printed first line and summary.json's `file`, which name the extract.
    assert_eq!(plain_text, ignored_text);
    let names = crate::util::entries(&plain);
    assert_eq!(names, crate::util::entries(&ignored));
    assert!(names.len() >= 8, "{names:?}");
    for name in &names {
        let (a, b) = (
            std::fs::read(plain.join(name)).unwrap(),
            std::fs::read(ignored.join(name)).unwrap(),
        );
        assert!(
            a == b,
            "{name} differs with group columns in the file but no --group"
        );
    }

    let (grouped, _) = run_on(&with, "grouped", &["--group", "pop_70plus"]);
    let mut summary = read_json(&grouped.join("summary.json"));
    for kind in KINDS {
        let row = summary["kinds"][kind].as_object_mut().unwrap();
        assert!(row.remove("groups").is_some(), "{kind}");
    }
    assert_eq!(summary, read_json(&plain.join("summary.json")));
    let mut layer = read_json(&grouped.join("settlements.geojson"));
    for f in layer["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        assert!(p.shift_remove("pop_70plus").is_some());
    }
    assert_eq!(layer, read_json(&plain.join("settlements.geojson")));
}

#[test]
fn a_group_column_the_file_lacks_is_refused_with_its_columns() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let csv = write(dir.path(), "s.csv", &bayreuth_csv(15, true));
    let ran = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .arg("--settlements")
        .arg(&csv)
        .args(["--group", "pop_70pluss", "--out-dir"])
        .arg(&out));
    assert_clean_failure(
        &ran,
        &[
            &format!("{}:1: no column `pop_70pluss`", csv.display()),
            "id, name, population, pop_70plus, pop_0_15, lon, lat",
            "did you mean `pop_70plus`?",
        ],
    );
    assert_nothing_left(&out, "missing column");

    let grid = write(dir.path(), "grid.csv", &sodermalm_grid(70));
    let ran = run(bin()
        .arg("analyze")
        .arg(extract("se-stockholm-sodermalm"))
        .arg("--settlements")
        .arg(&grid)
        .args(["--group", "pop70"]));
    assert_clean_failure(
        &ran,
        &[
            &format!("{}:1: no column `pop70`", grid.display()),
            "Ruta, Beftotalt, Pop_70plus",
            "did you mean `Pop_70plus`?",
        ],
    );

    let geojson = write(
        dir.path(),
        "s.geojson",
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"a","population":5,"pop_70plus":2},"geometry":{"type":"Point","coordinates":[11.6,49.95]}},
        {"type":"Feature","properties":{"id":"b","population":5,"aged":1},"geometry":{"type":"Point","coordinates":[11.62,49.96]}}]}"#,
    );
    let ran = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .arg("--settlements")
        .arg(&geojson)
        .args(["--group", "pop_70"]));
    assert_clean_failure(
        &ran,
        &[
            "no column `pop_70`",
            "properties: id, population, pop_70plus, aged",
            "did you mean `pop_70plus`?",
        ],
    );
    // A property some features lack is unknown there, not missing.
    let out = dir.path().join("geojson");
    analyze(
        &bayreuth(),
        &out,
        &[
            "--settlements",
            geojson.to_str().unwrap(),
            "--group",
            "pop_70plus",
        ],
    );
    let rows = properties(&out.join("settlements.geojson"));
    assert_eq!(rows[0]["pop_70plus"], 2);
    assert_eq!(rows[1]["pop_70plus"], Value::Null);
}

#[test]
fn a_bad_group_cell_is_refused_with_file_and_line() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let mut csv = bayreuth_csv(15, true);
    // Line 4 (the third record): its `pop_70plus` cell.
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    for bad in ["-3", "2.5", "many"] {
        cells[3] = bad.to_owned();
        lines[3] = cells.join(",");
        csv = lines.join("\n") + "\n";
        let file = write(dir.path(), "s.csv", &csv);
        let ran = run(bin()
            .arg("analyze")
            .arg(bayreuth())
            .arg("--settlements")
            .arg(&file)
            .args(["--group", "pop_70plus", "--out-dir"])
            .arg(&out));
        assert_clean_failure_on(
            &ran,
            &file,
            &format!(
                "s.csv:4: population group `pop_70plus` is not a whole number of people: `{bad}`"
            ),
        );
        assert_nothing_left(&out, bad);
    }

    let grid = sodermalm_grid(70);
    let mut lines: Vec<&str> = grid.lines().collect();
    let broken = format!("{};x", lines[2].rsplit_once(';').unwrap().0);
    lines[2] = &broken;
    let file = write(dir.path(), "grid.csv", &(lines.join("\n") + "\n"));
    let ran = run(bin()
        .arg("analyze")
        .arg(extract("se-stockholm-sodermalm"))
        .arg("--settlements")
        .arg(&file)
        .args(["--group", "pop_70plus"]));
    assert_clean_failure_on(
        &ran,
        &file,
        "grid.csv:3: population group `pop_70plus` is not a whole number of people: `x`",
    );

    let geojson = write(
        dir.path(),
        "s.geojson",
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"id":"a","population":5,"pop_70plus":2},"geometry":{"type":"Point","coordinates":[11.6,49.95]}},
        {"type":"Feature","properties":{"id":"b","population":5,"pop_70plus":-1},"geometry":{"type":"Point","coordinates":[11.62,49.96]}}]}"#,
    );
    let ran = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .arg("--settlements")
        .arg(&geojson)
        .args(["--group", "pop_70plus"]));
    assert_clean_failure_on(
        &ran,
        &geojson,
        "s.geojson:2: feature 2: population group `pop_70plus` is not a whole number of people: -1",
    );
}

#[test]
fn groups_without_a_settlements_file_are_refused_with_the_fix() {
    let dir = tempdir();
    let out = dir.path().join("out");
    let fix = [
        "population groups (pop_70plus) need --settlements FILE",
        "OSM places carry no group population",
    ];
    for command in [
        vec!["analyze", "--out-dir", out.to_str().unwrap()],
        vec!["report", "-o", out.to_str().unwrap()],
        vec!["vulnerable", "--kind", "grocery"],
    ] {
        let ran = run(bin()
            .arg(command[0])
            .arg(bayreuth())
            .args(&command[1..])
            .args(["--group", "pop_70plus"]));
        assert_clean_failure(&ran, &fix);
    }
    let config = write(
        dir.path(),
        "servicegap.toml",
        "[settlements]\ngroups = [\"pop_70plus\"]\n",
    );
    let ran = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .arg("--config")
        .arg(&config));
    assert_clean_failure(&ran, &fix);
    assert_nothing_left(&out, "groups without settlements");
}

#[test]
fn bad_group_names_and_distances_are_refused() {
    let dir = tempdir();
    let csv = write(dir.path(), "s.csv", &bayreuth_csv(15, true));
    let cases: [(&[&str], &str); 4] = [
        (
            &["--group", "population"],
            "--group: population group `population`: this is a column servicegap writes itself",
        ),
        (
            &["--group", "pop_70plus", "--group", "POP_70PLUS"],
            "--group: population group `POP_70PLUS`: named twice",
        ),
        (
            &["--group", "pop_70plus", "--group-far-km", "0"],
            "--group-far-km: must be a positive number of km",
        ),
        (
            &["--group", "pop_70plus", "--group-far-km", "x"],
            "--group-far-km: must be a positive number of km",
        ),
    ];
    for (args, message) in cases {
        let ran = run(bin()
            .arg("analyze")
            .arg(bayreuth())
            .arg("--settlements")
            .arg(&csv)
            .args(args));
        assert_clean_failure(&ran, &[message]);
    }
    for (text, message) in [
        (
            "[settlements]\ngroups = [\"pop_70plus\", \"Pop_70plus\"]\n",
            ":2: [settlements] groups: population group `Pop_70plus`: named twice",
        ),
        (
            "[settlements]\n\ngroup_far_km = -5\n",
            ":3: [settlements] group_far_km: must be a positive number of km",
        ),
    ] {
        let config = write(dir.path(), "servicegap.toml", text);
        let ran = run(bin()
            .arg("analyze")
            .arg(bayreuth())
            .arg("--settlements")
            .arg(&csv)
            .arg("--config")
            .arg(&config));
        assert_clean_failure(&ran, &[&format!("{}{message}", config.display())]);
    }
}
