//! A project's own kinds (`[kinds.NAME]` in the settings file). The reference is the same
//! rule given to a built-in kind: a run with `grocery_full` (supermarkets only, its own
//! threshold and support limit) must give `grocery_full` exactly the figures that a run with
//! grocery's tags, threshold and support limit set to the same values gives `grocery`, in
//! every output: settlements, services, summary, vulnerable, suggest, scenarios, the cache.
//! Planners' files and scenarios may name an own kind; bad definitions are refused with the
//! file, line and key.

use crate::util::{
    assert_clean_failure, assert_success, bin, extract, read_json, run, stderr, tempdir, write,
};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// Has supermarkets beside other grocery shops, and three charging stations.
const LIECHTENSTEIN: &str = "li-liechtenstein-2021";

/// `grocery_full` as a project's own kind, and EV charging.
const OWN: &str = "[kinds.grocery_full]\n\
                   tags = [\"shop=supermarket\"]\n\
                   threshold = \"3km\"\n\
                   label = \"Full-range grocery\"\n\
                   support = \"2km\"\n\
                   \n\
                   [kinds.ev_charging]\n\
                   tags = [\"amenity=charging_station\"]\n\
                   threshold = \"8min\"\n";

/// The same rule given to the built-in grocery kind.
const AS_GROCERY: &str = "[services]\ngrocery = [\"shop=supermarket\"]\n\
                          [thresholds]\ngrocery = \"3km\"\n\
                          [support]\ngrocery = \"2km\"\n";

fn pbf() -> PathBuf {
    extract(LIECHTENSTEIN)
}

/// Runs servicegap with `args`, asserting success.
fn ok(args: &[&str]) -> std::process::Output {
    let out = run(bin().args(args));
    assert_success(&out, &args.join(" "));
    out
}

/// `analyze --out-dir dir` with the settings file `config` and extra args.
fn analyze(input: &Path, config: &Path, dir: &Path, extra: &[&str]) {
    let mut args = vec![
        "analyze",
        input.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--out-dir",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ok(&args);
}

fn features(path: &Path) -> Vec<Json> {
    read_json(path)["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].clone())
        .collect()
}

/// The properties of `row` whose names start with `prefix_`, renamed to start with `to_`.
fn prefixed(row: &Json, prefix: &str, to: &str) -> Vec<(String, Json)> {
    let start = format!("{prefix}_");
    let mut out: Vec<(String, Json)> = row
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix(&start)?;
            // `grocery_full_*` starts with `grocery_` too: it is not grocery's.
            if prefix == "grocery" && rest.starts_with("full_") {
                return None;
            }
            Some((format!("{to}_{rest}"), v.clone()))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn an_own_kind_has_the_figures_of_a_built_in_kind_with_its_rule() {
    let dir = tempdir();
    let own = write(dir.path(), "own.toml", OWN);
    let reference = write(dir.path(), "grocery.toml", AS_GROCERY);
    let (a, b) = (dir.path().join("own"), dir.path().join("ref"));
    analyze(&pbf(), &own, &a, &[]);
    analyze(&pbf(), &reference, &b, &[]);

    // Settlements: every grocery_full column equals the reference's grocery column.
    let (sa, sb) = (
        features(&a.join("settlements.geojson")),
        features(&b.join("settlements.geojson")),
    );
    assert_eq!(sa.len(), sb.len());
    let mut gaps = 0;
    for (x, y) in sa.iter().zip(&sb) {
        assert_eq!(x["id"], y["id"]);
        let mine = prefixed(x, "grocery_full", "k");
        assert!(mine.len() >= 8, "{mine:?}");
        assert_eq!(mine, prefixed(y, "grocery", "k"), "{}", x["id"]);
        gaps += usize::from(x["grocery_full_gap"] == Json::Bool(true));
        // The own kind is listed among the settlement's gaps like any kind.
        let listed = x["gaps"]
            .as_array()
            .is_some_and(|g| g.contains(&Json::from("grocery_full")));
        assert_eq!(listed, x["grocery_full_gap"] == Json::Bool(true));
        // EV charging has columns of its own.
        assert!(x.get("ev_charging_min").is_some() && x.get("ev_charging_km_2nd").is_some());
    }
    assert!(gaps > 0 && gaps < sa.len(), "{gaps} of {}", sa.len());

    // Services: the next supermarket from every supermarket, by id.
    let (pa, pb) = (
        features(&a.join("services.geojson")),
        features(&b.join("services.geojson")),
    );
    let mut compared = 0;
    for x in &pa {
        let kinds = x["kinds"].as_array().unwrap();
        if !kinds.contains(&Json::from("grocery_full")) {
            assert!(x["grocery_full_next_km"].is_null());
            continue;
        }
        let y = pb.iter().find(|y| y["id"] == x["id"]).unwrap();
        assert_eq!(
            prefixed(x, "grocery_full", "k"),
            prefixed(y, "grocery", "k"),
            "{}",
            x["id"]
        );
        compared += 1;
    }
    assert!(compared >= 10, "{compared}");

    // Summary: the kind's whole entry, support screening included.
    let (ja, jb) = (
        read_json(&a.join("summary.json")),
        read_json(&b.join("summary.json")),
    );
    let mut own_entry = ja["kinds"]["grocery_full"].clone();
    let mut reference_entry = jb["kinds"]["grocery"].clone();
    for e in [&mut own_entry, &mut reference_entry] {
        e.as_object_mut().unwrap().remove("kind");
    }
    assert_eq!(own_entry, reference_entry);
    assert!(
        own_entry["support"]["beyond"].as_u64().is_some(),
        "{own_entry}"
    );
    let names: Vec<&str> = ja["kinds"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for name in ["grocery", "payment", "ev_charging", "grocery_full"] {
        assert!(names.contains(&name), "{names:?}");
    }
}

#[test]
fn vulnerable_and_suggest_take_an_own_kind() {
    let dir = tempdir();
    let own = write(dir.path(), "own.toml", OWN);
    let reference = write(dir.path(), "grocery.toml", AS_GROCERY);
    let file = pbf();
    let run_json = |command: &str, config: &Path, kind: &str| -> Json {
        let out = ok(&[
            command,
            file.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--kind",
            kind,
            "--json",
        ]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    for command in ["vulnerable", "suggest"] {
        let mine = run_json(command, &own, "grocery_full");
        let theirs = run_json(command, &reference, "grocery");
        assert_eq!(mine["kind"], Json::from("grocery_full"), "{command}");
        // Equal but for the kind's name, wherever it is given.
        let renamed = mine.to_string().replace("\"grocery_full\"", "\"grocery\"");
        assert_eq!(
            serde_json::from_str::<Json>(&renamed).unwrap(),
            theirs,
            "{command}"
        );
    }
    // A misspelt own kind is offered back; without the settings file it is unknown.
    let out = run(bin().args([
        "vulnerable",
        file.to_str().unwrap(),
        "--config",
        own.to_str().unwrap(),
        "--kind",
        "grocery_ful",
    ]));
    assert_clean_failure(
        &out,
        &["--kind: unknown kind `grocery_ful`: did you mean `grocery_full`?"],
    );
    let out = run(bin().args(["suggest", file.to_str().unwrap(), "--kind", "ev_charging"]));
    assert_clean_failure(
        &out,
        &["--kind: unknown kind `ev_charging` (kinds: grocery, fuel"],
    );
    let out = run(bin().args([
        "analyze",
        file.to_str().unwrap(),
        "--config",
        own.to_str().unwrap(),
        "--threshold",
        "ev_chargin=3km",
    ]));
    assert_clean_failure(
        &out,
        &["--threshold: `ev_chargin=3km`: unknown kind `ev_chargin`: did you mean `ev_charging`?"],
    );
}

#[test]
fn planner_files_and_scenarios_may_name_an_own_kind() {
    let dir = tempdir();
    let own = write(dir.path(), "own.toml", OWN);
    let file = pbf();
    // Two planned chargers, one also a supermarket, in a planner's list.
    let csv = write(
        dir.path(),
        "chargers.csv",
        "id,name,kinds,lon,lat\nc1,Vaduz,ev_charging,9.5209,47.1410\n\
         c2,Schaan,ev_charging;grocery_full,9.5095,47.1650\n",
    );
    let out_dir = dir.path().join("out");
    analyze(
        &file,
        &own,
        &out_dir,
        &["--services", csv.to_str().unwrap()],
    );
    let services = features(&out_dir.join("services.geojson"));
    let planned: Vec<&Json> = services
        .iter()
        .filter(|s| {
            s["kinds"]
                .as_array()
                .unwrap()
                .contains(&Json::from("ev_charging"))
        })
        .collect();
    // The file replaces OSM for the kinds it holds: only its two chargers.
    assert_eq!(planned.len(), 2);
    assert_eq!(
        planned[1]["kinds"],
        serde_json::json!(["ev_charging", "grocery_full"])
    );
    // Without the settings file the kind is unknown, with the line.
    let out = run(bin().args([
        "analyze",
        file.to_str().unwrap(),
        "--services",
        csv.to_str().unwrap(),
    ]));
    assert_clean_failure(
        &out,
        &["chargers.csv:2: unknown kind `ev_charging` (kinds: grocery, "],
    );

    // A scenario adding a supermarket changes grocery_full as one adding it to the reference's
    // grocery does.
    let scenario = |kind: &str| {
        format!(
            "[[scenario]]\nname = \"new shop\"\n[[scenario.add]]\nname = \"Malbun\"\n\
             kinds = [\"{kind}\"]\nlon = 9.6093\nlat = 47.1014\n"
        )
    };
    let reference = write(dir.path(), "grocery.toml", AS_GROCERY);
    let compare = |config: &Path, kind: &str, name: &str| -> Json {
        let sc = write(
            dir.path(),
            &format!("scenarios-{name}.toml"),
            &scenario(kind),
        );
        let out = dir.path().join(format!("{name}.json"));
        ok(&[
            "scenario",
            file.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--scenarios",
            sc.to_str().unwrap(),
            "--compare-out",
            out.to_str().unwrap(),
        ]);
        read_json(&out)
    };
    let mine = compare(&own, "grocery_full", "own");
    let theirs = compare(&reference, "grocery", "ref");
    let change = |c: &Json, kind: &str| c["scenarios"][0]["kinds"][kind]["change"].clone();
    assert_eq!(change(&mine, "grocery_full"), change(&theirs, "grocery"));
    assert!(change(&mine, "grocery_full").is_object(), "{mine}");
}

#[test]
fn a_cache_keeps_the_own_kinds() {
    let dir = tempdir();
    let own = write(dir.path(), "own.toml", OWN);
    let cache = dir.path().join("li.sgraph");
    let file = pbf();
    ok(&[
        "build",
        file.to_str().unwrap(),
        "--config",
        own.to_str().unwrap(),
        "-o",
        cache.to_str().unwrap(),
    ]);
    let (a, b) = (dir.path().join("pbf"), dir.path().join("cache"));
    analyze(&file, &own, &a, &[]);
    analyze(&cache, &own, &b, &[]);
    for name in ["settlements.csv", "services.geojson", "summary.json"] {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        if name == "summary.json" {
            // The summary names its input file.
            let (mut x, mut y): (Json, Json) = (
                serde_json::from_slice(&x).unwrap(),
                serde_json::from_slice(&y).unwrap(),
            );
            x["file"] = Json::Null;
            y["file"] = Json::Null;
            assert_eq!(x, y);
        } else {
            assert!(x == y, "{name} differs from the cache's");
        }
    }
    // The cache was built with the own kinds: without them it is another profile.
    let out = run(bin().args(["analyze", cache.to_str().unwrap()]));
    assert_clean_failure(&out, &["graph cache built with other settings"]);
}

#[test]
fn bad_kind_definitions_are_refused_with_line_and_key() {
    let dir = tempdir();
    let file = pbf();
    let cases = [
        (
            "[kinds.ev_charging]\nthreshold = \"30km\"\n",
            "own.toml:1: [kinds.ev_charging] tags is needed, e.g. tags = [\"amenity=charging_station\"]",
        ),
        (
            "\n[kinds.ev_charging]\ntags = [\"amenity=charging_station\"]\n",
            "own.toml:2: [kinds.ev_charging] threshold is needed, e.g. threshold = \"30km\"",
        ),
        (
            "[kinds.ev_charging]\ntags = []\nthreshold = \"30km\"\n",
            "own.toml:2: [kinds.ev_charging] tags: kind `ev_charging` needs at least one tag",
        ),
        (
            "[kinds.ev_charging]\ntags = [\"charging_station\"]\nthreshold = \"30km\"\n",
            "own.toml:2: [kinds.ev_charging] tags: \"charging_station\" is not a tag",
        ),
        (
            "[kinds.ev_charging]\ntags = [\"amenity=charging_station\"]\nthreshold = \"30\"\n",
            "own.toml:3: [kinds.ev_charging] threshold: `ev_charging=30`: the value needs a unit",
        ),
        (
            "[kinds.EV]\ntags = [\"amenity=charging_station\"]\nthreshold = \"30km\"\n",
            "own.toml:1: [kinds.EV]: \"EV\" cannot name a kind",
        ),
        (
            "[kinds.grocery]\ntags = [\"shop=supermarket\"]\nthreshold = \"3km\"\n",
            "own.toml:1: [kinds.grocery]: kind `grocery` is defined already (a built-in kind",
        ),
        (
            "[kinds.ev_charging]\ntags = [\"amenity=charging_station\"]\ntreshold = \"30km\"\n",
            "own.toml:3: unknown key `treshold`: did you mean `threshold`?",
        ),
        (
            "[kinds.ev_charging]\ntags = [\"amenity=charging_station\"]\nthreshold = \"30km\"\n\
             [thresholds]\nev_chargng = \"20km\"\n",
            "own.toml:5: unknown key `ev_chargng`: did you mean `ev_charging`?",
        ),
        (
            "[services]\nev_charging = [\"amenity=charging_station\"]\n",
            "own.toml:2: unknown key `ev_charging`: the kinds are grocery, fuel, post, pharmacy, payment; a project's own kind is defined in [kinds.NAME]",
        ),
    ];
    for (text, expected) in cases {
        let config = write(dir.path(), "own.toml", text);
        let out = run(bin().args([
            "analyze",
            file.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ]));
        assert!(!out.status.success(), "{text:?} was accepted");
        let err = stderr(&out);
        assert!(
            err.contains(expected),
            "{text:?}:\n{err}\nexpected: {expected}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn the_geopackage_styles_and_the_report_show_own_kinds() {
    let dir = tempdir();
    let own = write(dir.path(), "own.toml", OWN);
    let out_dir = dir.path().join("out");
    let report = dir.path().join("report.html");
    analyze(
        &pbf(),
        &own,
        &out_dir,
        &["--report", report.to_str().unwrap()],
    );
    let db = rusqlite::Connection::open(out_dir.join("results.gpkg")).unwrap();
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('settlements')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for c in [
        "grocery_full_km",
        "grocery_full_gap",
        "ev_charging_min",
        "ev_charging_min_mean3",
    ] {
        assert!(columns.iter().any(|x| x == c), "{c} not in {columns:?}");
    }
    // The services' style has a category per kind, the own ones after the five.
    let qml: String = db
        .query_row(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = 'services'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (ev, full, payment) = (
        qml.find("value=\"ev_charging\""),
        qml.find("value=\"grocery_full\""),
        qml.find("value=\"payment\""),
    );
    assert!(payment < ev && ev < full && payment.is_some(), "{qml}");
    // The report's data lists the kinds with their labels, own ones last.
    let html = std::fs::read_to_string(&report).unwrap();
    let start = html.find("id=\"servicegap-data\"").unwrap();
    let json = &html[html[start..].find('>').unwrap() + start + 1..];
    let data: Json = serde_json::from_str(&json[..json.find("</script>").unwrap()]).unwrap();
    let labels: Vec<&str> = data["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Grocery",
            "Fuel",
            "Post and parcels",
            "Pharmacy",
            "Cash and payment",
            "Ev charging",
            "Full-range grocery"
        ]
    );
}
