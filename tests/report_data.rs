//! The report's figures against the other outputs of the same run: the page embeds the
//! numbers summary.json, settlements.geojson, `vulnerable --json`, `suggest --json` and
//! compare.json give, and its distance bands and cash check equal a count made here from the
//! settlements file. Also: `analyze --report` writes the same page as `report`, the page is
//! the same bytes on 1 and 4 threads, and a page that cannot be written leaves nothing.

use crate::util::{self, assert_success, bayreuth, bin, read_json, run, tempdir};
use serde_json::Value as Json;
use std::path::Path;

/// Two regions splitting the demo region at 11.55° E.
const HALVES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[11.3,49.9],[11.55,49.9],[11.55,50.1],[11.3,50.1],[11.3,49.9]]]}},
{"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Polygon","coordinates":[[[11.55,49.9],[11.8,49.9],[11.8,50.1],[11.55,50.1],[11.55,49.9]]]}}
]}"#;

/// The data element of a report page, parsed.
pub fn page_data(path: &Path) -> Json {
    let page = std::fs::read_to_string(path).unwrap();
    let open = "<script type=\"application/json\" id=\"servicegap-data\">";
    let start = page.find(open).expect("the data element") + open.len();
    let end = start + page[start..].find("</script>").expect("its end");
    serde_json::from_str(&page[start..end]).unwrap()
}

/// The features' properties of a GeoJSON file.
fn properties(path: &Path) -> Vec<Json> {
    let doc = read_json(path);
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].clone())
        .collect()
}

const KINDS: [&str; 5] = ["grocery", "fuel", "post", "pharmacy", "payment"];

/// Runs `servicegap ARGS` and asserts it succeeded.
fn servicegap(args: &[&str]) -> std::process::Output {
    let out = run(bin().args(args));
    assert_success(&out, &args.join(" "));
    out
}

/// Population and settlements per Pipos band, then (settlements, population) unreachable and
/// without a road.
type Bands = ([u64; 6], [u64; 6], (u64, u64), (u64, u64));

/// The [`Bands`] of `kind`, counted from settlements.geojson properties.
fn bands_from(rows: &[&Json], kind: &str) -> Bands {
    let (mut pop, mut n, mut unreached, mut no_road) = ([0; 6], [0; 6], (0, 0), (0, 0));
    for p in rows {
        let people = p["population"].as_u64().unwrap_or(0);
        match (
            p["status"].as_str().unwrap(),
            p[format!("{kind}_km")].as_f64(),
        ) {
            ("outside", _) => {}
            ("no_road", _) => no_road = (no_road.0 + 1, no_road.1 + people),
            (_, None) => unreached = (unreached.0 + 1, unreached.1 + people),
            (_, Some(km)) => {
                // The file's km are rounded to 0.01, so no value lies within 0.005 of an edge
                // unless it is the edge itself: compare with the rounded value.
                let band = [5.0, 10.0, 15.0, 20.0, 25.0]
                    .iter()
                    .filter(|&&edge| km > edge)
                    .count();
                pop[band] += people;
                n[band] += 1;
            }
        }
    }
    (pop, n, unreached, no_road)
}

fn as_u64s(v: &Json) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// The bands of `data` for `kind` equal a count over `rows`.
fn assert_bands(bands: &Json, rows: &[&Json], kind: &str) {
    let (pop, n, unreached, no_road) = bands_from(rows, kind);
    let b = &bands["kinds"][kind];
    assert_eq!(as_u64s(&b["population"]), pop, "{kind} population by band");
    assert_eq!(as_u64s(&b["settlements"]), n, "{kind} settlements by band");
    assert_eq!(b["unreachable"]["settlements"].as_u64(), Some(unreached.0));
    assert_eq!(b["unreachable"]["population"].as_u64(), Some(unreached.1));
    assert_eq!(b["no_road"]["settlements"].as_u64(), Some(no_road.0));
    assert_eq!(b["no_road"]["population"].as_u64(), Some(no_road.1));
}

/// The cash check of `data` equals one made over `rows`.
fn assert_cash(cash: &Json, rows: &[&Json]) {
    let (mut population, mut beyond, mut unreachable, mut no_road) = (0, 0, 0, 0);
    for p in rows {
        let people = p["population"].as_u64().unwrap_or(0);
        match (p["status"].as_str().unwrap(), p["payment_km"].as_f64()) {
            ("outside", _) => continue,
            ("no_road", _) => no_road += people,
            (_, None) => unreachable += people,
            (_, Some(km)) if km > 25.0 => beyond += people,
            _ => {}
        }
        population += people;
    }
    assert_eq!(cash["population"].as_u64(), Some(population));
    assert_eq!(cash["beyond_population"].as_u64(), Some(beyond));
    assert_eq!(cash["unreachable_population"].as_u64(), Some(unreachable));
    assert_eq!(cash["no_road_population"].as_u64(), Some(no_road));
    if population > 0 {
        let share = (beyond + unreachable) as f64 / population as f64;
        let got = cash["share"].as_f64().unwrap();
        assert!((got - share).abs() <= 5e-7, "share {got} vs {share}");
        assert_eq!(cash["within_limit"].as_bool(), Some(got <= 0.003));
    } else {
        assert!(cash["share"].is_null());
    }
}

/// The settlement columns equal the settlements file, row by row.
fn assert_settlements(data: &Json, rows: &[Json]) {
    let s = &data["settlements"];
    assert_eq!(s["count"].as_u64(), Some(rows.len() as u64));
    for (i, p) in rows.iter().enumerate() {
        assert_eq!(s["name"][i], p["name"], "name of {i}");
        assert_eq!(s["population"][i], p["population"], "population of {i}");
        assert_eq!(s["status"][i], p["status"], "status of {i}");
        for kind in KINDS {
            assert_eq!(
                s["km"][kind][i],
                p[format!("{kind}_km")],
                "{kind} km of {i}"
            );
            assert_eq!(
                s["min"][kind][i],
                p[format!("{kind}_min")],
                "{kind} min of {i}"
            );
            let gap = p[format!("{kind}_gap")].as_bool().unwrap();
            assert_eq!(
                s["gap"][kind][i].as_u64(),
                Some(u64::from(gap)),
                "{kind} gap of {i}"
            );
        }
    }
}

/// The vulnerable rows a plan page lists of one region's `rows`: those whose closure strands
/// someone, or all of them when the region has one point of the kind.
fn listed(rows: &[Json]) -> Vec<Json> {
    rows.iter()
        .filter(|r| rows.len() == 1 || r["stranded_settlements"].as_u64() > Some(0))
        .cloned()
        .collect()
}

#[test]
fn the_demo_report_embeds_the_figures_of_the_other_outputs() {
    let dir = tempdir();
    let page = dir.path().join("report.html");
    let file = bayreuth();
    let file = file.to_str().unwrap();
    servicegap(&["report", file, "-o", page.to_str().unwrap()]);
    let out = dir.path().join("out");
    servicegap(&["analyze", file, "--out-dir", out.to_str().unwrap()]);
    let data = page_data(&page);
    assert_eq!(data["schema"], "servicegap/report");
    assert_eq!(data["summary"], read_json(&out.join("summary.json")));
    let rows = properties(&out.join("settlements.geojson"));
    assert_settlements(&data, &rows);
    let all: Vec<&Json> = rows.iter().collect();
    for kind in KINDS {
        assert_bands(&data["bands"], &all, kind);
    }
    assert_cash(&data["cash"], &all);
    // One plan page for the whole area: its bands are the whole area's.
    let sections = data["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0]["bands"], data["bands"]);
    assert_eq!(sections[0]["cash"], data["cash"]);
    // The service points as services.geojson lists them.
    let services = properties(&out.join("services.geojson"));
    assert_eq!(
        data["services"]["count"].as_u64(),
        Some(services.len() as u64)
    );
    for (j, p) in services.iter().enumerate() {
        assert_eq!(data["services"]["id"][j], p["id"]);
        assert_eq!(data["services"]["name"][j], p["name"]);
    }
    // Vulnerability and new sites as the commands give them.
    for kind in KINDS {
        let v = servicegap(&["vulnerable", file, "--kind", kind, "--json"]);
        let v: Json = serde_json::from_slice(&v.stdout).unwrap();
        let mut ours: Vec<Json> = sections[0]["vulnerable"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == kind)
            .cloned()
            .collect();
        for row in &mut ours {
            let service = row.as_object_mut().unwrap().remove("service").unwrap();
            let j = service.as_u64().unwrap() as usize;
            assert_eq!(
                row["id"], services[j]["id"],
                "service index of a vulnerable row"
            );
        }
        let theirs = listed(v["rows"].as_array().unwrap());
        let unlisted = v["rows"].as_array().unwrap().len() - theirs.len();
        assert_eq!(ours, theirs, "{kind} vulnerable rows");
        assert_eq!(
            sections[0]["vulnerable_unlisted"][kind].as_u64(),
            Some(unlisted as u64)
        );
        let s = servicegap(&["suggest", file, "--kind", kind, "-k", "3", "--json"]);
        let s: Json = serde_json::from_slice(&s.stdout).unwrap();
        let ours = &sections[0]["suggest"][kind];
        assert_eq!(ours["picks"], s["picks"], "{kind} picks");
        assert_near(&data, ours);
        assert_eq!(ours["gap_settlements"], s["gap_settlements"]);
        assert_eq!(ours["gap_population"], s["gap_population"]);
    }
}

/// Great-circle metres between two (lon, lat) points, within 0.5 % of the ellipsoid's.
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// Each pick's `near` is the nearest named settlement within 5 km (up to the sphere's error).
fn assert_near(data: &Json, suggest: &Json) {
    let s = &data["settlements"];
    let at = |i: usize| (s["lon"][i].as_f64().unwrap(), s["lat"][i].as_f64().unwrap());
    let named: Vec<usize> = (0..s["count"].as_u64().unwrap() as usize)
        .filter(|&i| s["name"][i].is_string())
        .collect();
    let picks = suggest["picks"].as_array().unwrap();
    assert_eq!(suggest["near"].as_array().unwrap().len(), picks.len());
    for (p, near) in picks.iter().zip(suggest["near"].as_array().unwrap()) {
        let pick = (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap());
        let best = named
            .iter()
            .map(|&i| (metres(at(i), pick), i))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match near.as_str() {
            Some(name) => {
                let d = named
                    .iter()
                    .filter(|&&i| s["name"][i] == name)
                    .map(|&i| metres(at(i), pick))
                    .fold(f64::INFINITY, f64::min);
                assert!(d <= 5000.0 * 1.005, "{name} is {d} m from the pick");
                assert!(
                    d <= best.unwrap().0 * 1.005 + 1.0,
                    "{name} is not the nearest"
                );
            }
            None => assert!(
                best.is_none_or(|b| b.0 >= 5000.0 * 0.995),
                "a name within 5 km"
            ),
        }
    }
}

#[test]
fn region_pages_hold_each_regions_figures() {
    let dir = tempdir();
    let regions = util::write(dir.path(), "halves.geojson", HALVES);
    let regions = regions.to_str().unwrap();
    let page = dir.path().join("report.html");
    let file = bayreuth();
    let file = file.to_str().unwrap();
    servicegap(&[
        "report",
        file,
        "--regions",
        regions,
        "-o",
        page.to_str().unwrap(),
    ]);
    let out = dir.path().join("out");
    servicegap(&[
        "analyze",
        file,
        "--regions",
        regions,
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    let data = page_data(&page);
    assert_eq!(data["summary"], read_json(&out.join("summary.json")));
    let rows = properties(&out.join("settlements.geojson"));
    let sections = data["sections"].as_array().unwrap();
    let borders = data["borders"].as_array().unwrap();
    assert_eq!(sections.len(), 2);
    assert_eq!(borders.len(), 2);
    for (r, name) in ["West", "East"].into_iter().enumerate() {
        let section = &sections[r];
        assert_eq!(section["name"], name);
        assert_eq!(borders[r]["name"], name);
        assert_eq!(section["region"].as_u64(), Some(r as u64));
        let members: Vec<&Json> = rows.iter().filter(|p| p["region"] == name).collect();
        assert!(!members.is_empty(), "{name} holds settlements");
        assert_eq!(section["settlements"].as_u64(), Some(members.len() as u64));
        for kind in KINDS {
            assert_bands(&section["bands"], &members, kind);
        }
        assert_cash(&section["cash"], &members);
        // Every vulnerable row of the page is a point in this region, as `vulnerable` says.
        for row in section["vulnerable"].as_array().unwrap() {
            assert_eq!(row["region"], name);
        }
        // Each settlement's region column points at its region.
        for (i, p) in rows.iter().enumerate() {
            let expected = ["West", "East"].iter().position(|n| p["region"] == *n);
            assert_eq!(
                data["settlements"]["region"][i].as_u64(),
                expected.map(|r| r as u64)
            );
        }
    }
    // Each region's new sites are `suggest --in-region`'s.
    for (r, name) in ["West", "East"].into_iter().enumerate() {
        for kind in KINDS {
            let args = [
                "suggest",
                file,
                "--kind",
                kind,
                "--regions",
                regions,
                "--in-region",
                name,
            ];
            let s = servicegap(&[&args[..], &["--json"]].concat());
            let s: Json = serde_json::from_slice(&s.stdout).unwrap();
            let ours = &sections[r]["suggest"][kind];
            assert_eq!(ours["picks"], s["picks"], "{name} {kind} picks");
            assert_eq!(ours["gap_settlements"], s["gap_settlements"]);
            assert_eq!(ours["gap_population"], s["gap_population"]);
        }
    }
    // The sections' vulnerable rows together are `vulnerable --regions`'s rows.
    for kind in KINDS {
        let v = servicegap(&[
            "vulnerable",
            file,
            "--kind",
            kind,
            "--regions",
            regions,
            "--json",
        ]);
        let v: Json = serde_json::from_slice(&v.stdout).unwrap();
        let mut ours: Vec<Json> = sections
            .iter()
            .flat_map(|s| s["vulnerable"].as_array().unwrap().iter())
            .filter(|r| r["kind"] == kind)
            .cloned()
            .collect();
        for row in &mut ours {
            row.as_object_mut().unwrap().remove("service");
        }
        ours.sort_by_key(|r| r["rank"].as_u64());
        let rows = v["rows"].as_array().unwrap();
        let mut theirs = Vec::new();
        for name in ["West", "East"] {
            let here: Vec<Json> = rows
                .iter()
                .filter(|r| r["region"] == name)
                .cloned()
                .collect();
            theirs.extend(listed(&here));
        }
        theirs.sort_by_key(|r| r["rank"].as_u64());
        assert_eq!(ours, theirs, "{kind} vulnerable rows");
    }
}

/// Places group the fixed points that lie within 1 km of each other.
#[test]
fn places_join_points_within_a_kilometre() {
    let dir = tempdir();
    let page = dir.path().join("report.html");
    let file = bayreuth();
    servicegap(&[
        "report",
        file.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    let data = page_data(&page);
    let lon = &data["services"]["lon"];
    let lat = &data["services"]["lat"];
    let at = |j: usize| (lon[j].as_f64().unwrap(), lat[j].as_f64().unwrap());
    let places = data["sections"][0]["places"].as_array().unwrap();
    let mut place_of = vec![usize::MAX; data["services"]["count"].as_u64().unwrap() as usize];
    for (g, place) in places.iter().enumerate() {
        let mut kinds: Vec<String> = Vec::new();
        for j in place["points"].as_array().unwrap() {
            let j = j.as_u64().unwrap() as usize;
            place_of[j] = g;
            for k in data["services"]["kinds"][j].as_array().unwrap() {
                kinds.push(k.as_str().unwrap().to_owned());
            }
        }
        kinds.sort_by_key(|k| KINDS.iter().position(|x| x == k));
        kinds.dedup();
        let listed: Vec<&str> = place["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(listed, kinds);
        let level = match (kinds.len(), kinds.iter().any(|k| k == "grocery")) {
            (5, _) => "serviceort",
            (n, true) if n >= 3 => "servicenod",
            _ => "servicepunkt",
        };
        assert_eq!(place["level"], level);
    }
    // Two points closer than 1 km (great circle; the 1 km link is on the ellipsoid, so keep
    // a margin) share a place; points farther than 1.01 km apart with no chain between them
    // are checked through the single linkage below.
    let n = place_of.len();
    for a in 0..n {
        for b in a + 1..n {
            let ((x1, y1), (x2, y2)) = (at(a), at(b));
            let dy = (y2 - y1).to_radians() * 6_371_000.0;
            let dx = (x2 - x1).to_radians() * 6_371_000.0 * y1.to_radians().cos();
            if dx.hypot(dy) < 990.0 {
                assert_eq!(
                    place_of[a], place_of[b],
                    "points {a} and {b} are 1 km apart"
                );
            }
        }
    }
}

/// The support screening lists every snapped grocery and fuel point with the distances of the
/// library's next-point search, those beyond the limit first.
#[test]
fn the_support_screening_lists_the_next_point_distances() {
    use servicegap::analysis::next::next_points;
    use servicegap::analysis::AnalysisOptions;
    use servicegap::route::Metric;
    use servicegap::ServiceKind;
    let dir = tempdir();
    let page = dir.path().join("report.html");
    servicegap(&[
        "report",
        bayreuth().to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    let data = page_data(&page);
    let region = util::read_extract("de-north-bayreuth-rural");
    let options = AnalysisOptions::default();
    for (kind, name, limit) in [
        (ServiceKind::GROCERY, "grocery", 10.0),
        (ServiceKind::FUEL, "fuel", 15.0),
    ] {
        let screening = &data["sections"][0]["screening"][name];
        assert_eq!(screening["limit_km"].as_f64(), Some(limit));
        let rows = screening["points"].as_array().unwrap();
        let by_length = next_points(&region, &options, kind, Metric::Length);
        let by_time = next_points(&region, &options, kind, Metric::Time);
        assert_eq!(
            rows.len(),
            by_length.points.len(),
            "{name}: every snapped point"
        );
        let mut beyond_seen = true;
        for row in rows {
            let j = row["service"].as_u64().unwrap() as u32;
            let p = by_length.points.iter().find(|p| p.service == j).unwrap();
            let km = p
                .next
                .map(|(dm, _)| (f64::from(dm) / 100.0).round() / 100.0);
            assert_eq!(row["next_km"].as_f64(), km);
            let t = by_time.points.iter().find(|p| p.service == j).unwrap();
            let min = t.next.map(|(ds, _)| (f64::from(ds) / 6.0).round() / 100.0);
            assert_eq!(row["next_min"].as_f64(), min);
            // Beyond on the exact distance, as a settlement's gap is.
            let beyond = p
                .next
                .is_none_or(|(dm, _)| f64::from(dm) / 10_000.0 > limit);
            assert_eq!(row["beyond"].as_bool(), Some(beyond));
            // Beyond the limit first.
            assert!(beyond_seen || !beyond, "{name}: beyond rows come first");
            beyond_seen = beyond;
        }
        let beyond = rows.iter().filter(|r| r["beyond"] == true).count();
        assert_eq!(screening["beyond"].as_u64(), Some(beyond as u64));
    }
}

#[test]
fn analyze_and_report_write_the_same_page_on_any_thread_count() {
    let dir = tempdir();
    let file = bayreuth();
    let file = file.to_str().unwrap();
    let a = dir.path().join("a.html");
    let b = dir.path().join("b.html");
    let c = dir.path().join("c.html");
    servicegap(&["report", file, "-o", a.to_str().unwrap()]);
    servicegap(&["analyze", file, "--report", b.to_str().unwrap()]);
    let out = run(bin()
        .args(["report", file, "-o", c.to_str().unwrap()])
        .env("RAYON_NUM_THREADS", "1"));
    assert_success(&out, "report on one thread");
    let a = std::fs::read(a).unwrap();
    assert_eq!(a, std::fs::read(b).unwrap(), "analyze --report");
    assert_eq!(a, std::fs::read(c).unwrap(), "one thread");
    // The page is one file: its markup and styles reference nothing outside it (the scripts'
    // strings are checked in the browser, where what they make is the DOM).
    let text = String::from_utf8(a).unwrap();
    let mut markup = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("<script") {
        markup.push_str(&rest[..start]);
        let end = rest[start..].find("</script>").expect("every script ends") + start;
        rest = &rest[end + "</script>".len()..];
    }
    markup.push_str(rest);
    assert!(markup.contains("<style>"), "the styles are inline");
    // Comments in the styles (Leaflet's name bug trackers) are no reference.
    while let Some(start) = markup.find("/*") {
        let end = markup[start..].find("*/").expect("every comment ends") + start;
        markup.replace_range(start..end + 2, "");
    }
    for bad in [
        "src=", "href=", "url(http", "url(//", "@import", "http://", "https://",
    ] {
        assert!(!markup.contains(bad), "the page references `{bad}`");
    }
}

#[test]
fn the_scenario_report_embeds_compare_json_and_the_gap_changes() {
    let dir = tempdir();
    let file = bayreuth();
    let file = file.to_str().unwrap();
    let plan = util::data("data/scenarios/bayreuth-plan.toml");
    let plan = plan.to_str().unwrap();
    let page = dir.path().join("scenario.html");
    let compare = dir.path().join("compare.json");
    let diff = dir.path().join("diff.geojson");
    servicegap(&[
        "scenario",
        file,
        "--scenarios",
        plan,
        "--report",
        page.to_str().unwrap(),
        "--compare-out",
        compare.to_str().unwrap(),
        "--diff-out",
        diff.to_str().unwrap(),
    ]);
    let data = page_data(&page);
    assert_eq!(data["scenario"]["compare"], read_json(&compare));
    assert!(data["sections"].is_null());
    // Entering and leaving a gap, as diff.geojson says it per settlement, scenario and kind.
    let ids = &data["settlements"]["name"];
    let rows = properties(&diff);
    let scenarios = data["scenario"]["scenarios"].as_array().unwrap();
    assert!(!scenarios.is_empty());
    let mut changes = 0;
    for s in scenarios {
        for kind in KINDS {
            for (key, before, after) in [("entered_gap", false, true), ("left_gap", true, false)] {
                let listed: Vec<u64> = as_u64s(&s["kinds"][kind][key]);
                let expected = rows
                    .iter()
                    .filter(|p| p["scenario"] == s["name"] && p["kind"] == kind)
                    .filter(|p| p["gap_old"] == before && p["gap_new"] == after)
                    .count();
                assert_eq!(listed.len(), expected, "{} {kind} {key}", s["name"]);
                for i in &listed {
                    assert!(ids.get(*i as usize).is_some());
                }
                changes += listed.len();
            }
        }
    }
    assert!(changes > 0, "the shipped plan changes some gap");
}

#[test]
fn a_report_that_cannot_be_written_leaves_nothing() {
    let dir = tempdir();
    let blocker = util::write(dir.path(), "file", "");
    let page = blocker.join("report.html");
    let out = run(bin().args([
        "report",
        bayreuth().to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]));
    util::assert_clean_failure(&out, &["report.html"]);
    assert_eq!(util::entries(dir.path()), vec!["file".to_owned()]);
}

#[test]
fn report_refuses_json_before_reading_anything() {
    let dir = tempdir();
    let page = dir.path().join("report.html");
    let out = run(bin().args([
        "report",
        bayreuth().to_str().unwrap(),
        "--json",
        "-o",
        page.to_str().unwrap(),
    ]));
    util::assert_clean_failure(&out, &["--json", "docs/report.md"]);
    util::assert_nothing_left(dir.path(), "report --json");
}
