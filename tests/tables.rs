//! The printed tables and the `--json` documents: columns at the same character offsets in
//! every row (six-digit counts too), names shown whole, the `no_road` column, the regions
//! shown on screen, suggest's reason for fewer than k picks, vulnerable's headline, the table
//! against the JSON, and every JSON key documented in docs/json.md.

use crate::util::{
    assert_clean_failure, assert_success, bayreuth, bin, data, read_extract, run, tempdir, write,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The demo region's settlements with large made-up populations (100 000 to 349 000), as a
/// settlements file: population figures get six digits and more.
fn big_population(dir: &Path) -> PathBuf {
    let region = read_extract("de-north-bayreuth-rural");
    let mut csv = String::from("id,name,population,lon,lat\n");
    for (i, s) in region.settlements.iter().enumerate() {
        let population = 100_000 + (i * 7919) % 250_000;
        let name = s.name.clone().unwrap_or_default().replace(',', " ");
        csv += &format!(
            "s{i},{name},{population},{},{}\n",
            s.coord.lon(),
            s.coord.lat()
        );
    }
    write(dir, "settlements.csv", &csv)
}

/// Runs a command and returns its standard output, asserting success.
fn stdout_of(cmd: &mut Command, what: &str) -> String {
    let out = run(cmd);
    assert_success(&out, what);
    String::from_utf8(out.stdout).unwrap()
}

/// The cells of a table line with their character spans: runs of text separated by two or
/// more spaces (a cell holds at most single spaces).
fn cells(line: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !(chars[i] == ' ' && chars.get(i + 1).is_none_or(|&c| c == ' ')) {
            i += 1;
        }
        out.push((start, i, chars[start..i].iter().collect()));
    }
    out
}

/// The lines of the table whose heading line starts with `heading`, up to the first blank
/// line.
fn table_lines<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(heading))
        .unwrap_or_else(|| panic!("no table headed `{heading}` in:\n{text}"));
    lines[at..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .copied()
        .collect()
}

/// Asserts every row has one cell per heading, a right-aligned column's cells ending where
/// its heading ends and a left-aligned column's starting where its heading starts (`right`
/// says which columns are right-aligned, by index).
fn assert_aligned(lines: &[&str], right: &[usize], text: &str) {
    let heads = cells(lines[0]);
    assert!(lines.len() > 1, "a table without rows:\n{text}");
    for line in &lines[1..] {
        let row = cells(line);
        assert_eq!(row.len(), heads.len(), "cells of `{line}`:\n{text}");
        for (c, (cell, head)) in row.iter().zip(&heads).enumerate() {
            if right.contains(&c) {
                assert_eq!(cell.1, head.1, "column `{}` in `{line}`:\n{text}", head.2);
            } else {
                assert_eq!(cell.0, head.0, "column `{}` in `{line}`:\n{text}", head.2);
            }
        }
    }
}

/// The cell of `row` under the heading `name`.
fn cell_under<'a>(lines: &[&str], row: &'a [(usize, usize, String)], name: &str) -> &'a str {
    let c = cells(lines[0])
        .iter()
        .position(|h| h.2 == name)
        .unwrap_or_else(|| panic!("no column `{name}` in `{}`", lines[0]));
    &row[c].2
}

#[test]
fn summary_columns_line_up_with_six_digit_counts() {
    let dir = tempdir();
    let settlements = big_population(dir.path());
    let summary = dir.path().join("summary.json");
    let text = stdout_of(
        bin()
            .arg("analyze")
            .arg(bayreuth())
            .arg("--settlements")
            .arg(&settlements)
            .arg("--summary")
            .arg(&summary),
        "analyze",
    );
    let lines = table_lines(&text, "kind ");
    assert_eq!(lines.len(), 6, "{text}");
    assert_aligned(&lines, &(1..13).collect::<Vec<_>>(), &text);
    // The figures are the file's, and some have six digits or more.
    let json = read_json(&summary);
    let mut widest = 0;
    for line in &lines[1..] {
        let row = cells(line);
        let kind = &row[0].2;
        let gap_pop = cell_under(&lines, &row, "gap pop");
        assert_eq!(
            gap_pop,
            json["kinds"][kind]["gap_population"].to_string(),
            "{kind}"
        );
        widest = widest.max(gap_pop.len());
    }
    assert!(widest >= 6, "{text}");
    assert!(text.contains("population figures (pop) count tagged population only: 71 of 71"));
}

use crate::util::read_json;

#[test]
fn names_of_forty_characters_are_shown_whole() {
    let dir = tempdir();
    let region = read_extract("de-north-bayreuth-rural");
    let at = |name: &str| {
        let s = region
            .services
            .iter()
            .find(|s| s.name.as_deref() == Some(name))
            .unwrap();
        (s.coord.lon(), s.coord.lat())
    };
    let forty = "Dorfladen Röthelbach und Umgebung am Ber";
    assert_eq!(forty.chars().count(), 40);
    let long = "Genossenschaftlicher Dorfladen mit Postagentur und Café am Kirchplatz";
    let ((x1, y1), (x2, y2)) = (at("Edeka"), at("Lidl"));
    let services = write(
        dir.path(),
        "shops.csv",
        &format!("id,name,kinds,lon,lat\nshop-a,{forty},grocery,{x1},{y1}\nshop-b,{long},grocery,{x2},{y2}\n"),
    );
    let text = stdout_of(
        bin()
            .arg("vulnerable")
            .arg(bayreuth())
            .args(["--kind", "grocery", "--services"])
            .arg(&services),
        "vulnerable",
    );
    let lines = table_lines(&text, "rank ");
    assert_aligned(&lines, &[0, 3, 4, 5, 6, 7, 8], &text);
    assert!(lines.iter().any(|l| l.contains(forty)), "{text}");
    // A longer name is cut, but never below 30 characters.
    let row = lines.iter().find(|l| l.contains("shop-b")).unwrap();
    let shown = &cells(row)[2].2;
    assert!(shown.ends_with('…') && shown.chars().count() >= 30, "{row}");
    assert!(long.starts_with(shown.trim_end_matches('…')), "{row}");
}

#[test]
fn no_road_column_equals_summary_json() {
    let dir = tempdir();
    let summary = dir.path().join("summary.json");
    let text = stdout_of(
        bin()
            .arg("analyze")
            .arg(bayreuth())
            .args(["--max-snap-m", "60", "--summary"])
            .arg(&summary),
        "analyze",
    );
    let json = read_json(&summary);
    let lines = table_lines(&text, "kind ");
    assert_aligned(&lines, &(1..13).collect::<Vec<_>>(), &text);
    let mut seen = 0;
    for line in &lines[1..] {
        let row = cells(line);
        let no_road = cell_under(&lines, &row, "no_road");
        assert_eq!(no_road, json["kinds"][&row[0].2]["no_road"].to_string());
        seen += 1;
    }
    assert_eq!(seen, 5);
    let no_road = json["settlements_no_road"].as_u64().unwrap();
    assert!(
        no_road > 0,
        "the run should leave settlements without a road"
    );
    assert_eq!(json["kinds"]["grocery"]["no_road"].as_u64(), Some(no_road));
}

/// A 4 × 4 grid of rectangles over the demo region's settlements, named `R0`..`R15`.
fn grid_regions(dir: &Path) -> PathBuf {
    let region = read_extract("de-north-bayreuth-rural");
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for s in &region.settlements {
        let (x, y) = (s.coord.lon(), s.coord.lat());
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (x0, y0) = (x0 - 0.001, y0 - 0.001);
    let (dx, dy) = ((x1 + 0.001 - x0) / 4.0, (y1 + 0.001 - y0) / 4.0);
    let mut features = Vec::new();
    for i in 0..16 {
        let (a, b) = (x0 + dx * f64::from(i % 4), y0 + dy * f64::from(i / 4));
        let ring =
            serde_json::json!([[[a, b], [a + dx, b], [a + dx, b + dy], [a, b + dy], [a, b]]]);
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {"name": format!("R{i}")},
            "geometry": {"type": "Polygon", "coordinates": ring},
        }));
    }
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    write(dir, "regions.geojson", &fc.to_string())
}

#[test]
fn regions_on_screen_are_the_top_ten_by_gap_share() {
    let dir = tempdir();
    let settlements = big_population(dir.path());
    let regions = grid_regions(dir.path());
    let out = dir.path().join("regions-out.geojson");
    let text = stdout_of(
        bin()
            .arg("analyze")
            .arg(bayreuth())
            .arg("--settlements")
            .arg(&settlements)
            .arg("--regions")
            .arg(&regions)
            .arg("--regions-out")
            .arg(&out)
            .args(["--threshold", "grocery=5km"]),
        "analyze",
    );
    // The reference order, from regions.geojson: share descending (null last), then gap
    // population descending, then file order.
    let fc = read_json(&out);
    let mut rows: Vec<(usize, Option<f64>, u64, String)> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let p = &f["properties"];
            (
                i,
                p["grocery_gap_share"].as_f64(),
                p["grocery_gap_population"].as_u64().unwrap(),
                p["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        let share = match (a.1, b.1) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        share.then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0))
    });
    // Regions without a settlement have no figure to show.
    let with_settlements =
        |f: &serde_json::Value| f["properties"]["settlements"].as_u64() > Some(0);
    let features = fc["features"].as_array().unwrap();
    rows.retain(|r| with_settlements(&features[r.0]));
    let n = rows.len();
    assert!(
        n > 10 && n < 16,
        "the grid should leave a cell empty and fill more than ten: {n}"
    );
    let expected: Vec<&str> = rows.iter().take(10).map(|r| r.3.as_str()).collect();
    let shares: BTreeSet<String> = rows.iter().map(|r| format!("{:?}", r.1)).collect();
    assert!(
        shares.len() > 3,
        "the grid should give distinct shares: {shares:?}"
    );

    let lines = table_lines(&text, "region ");
    // The line after the ten rows says how many more regions the files hold.
    assert_eq!(lines.len(), 12, "{text}");
    let more = format!("{} more regions with settlements", n - 10);
    assert!(lines[11].starts_with(&more), "{text}");
    let lines = &lines[..11];
    assert_aligned(lines, &(1..8).collect::<Vec<_>>(), &text);
    let shown: Vec<String> = lines[1..].iter().map(|l| cells(l)[0].2.clone()).collect();
    assert_eq!(shown, expected, "{text}");
    let heading = format!("regions by grocery gap share of population (10 of the {n} with settlements analysed, of 16)");
    assert!(text.contains(&heading), "{text}");
    // Each row's gap share is the file's, as a percentage.
    for line in &lines[1..] {
        let row = cells(line);
        let r = rows.iter().find(|r| r.3 == row[0].2).unwrap();
        let percent = r.1.map_or("-".to_owned(), |s| format!("{:.2}", s * 100.0));
        assert_eq!(cell_under(lines, &row, "gap %pop"), percent, "{line}");
    }
}

/// Runs `suggest --json` and the same without `--json`.
fn suggest_both(extra: &[&str], candidates: Option<&Path>) -> (serde_json::Value, String) {
    let cmd = || {
        let mut c = bin();
        c.arg("suggest")
            .arg(bayreuth())
            .args(["--kind", "grocery"])
            .args(extra);
        if let Some(path) = candidates {
            c.arg("--candidates").arg(path);
        }
        c
    };
    let json = stdout_of(cmd().arg("--json"), "suggest --json");
    let table = stdout_of(&mut cmd(), "suggest");
    (serde_json::from_str(&json).unwrap(), table)
}

#[test]
fn suggest_says_why_it_picked_fewer_than_k() {
    // Every settlement in gap is covered by a few picks: no further pick covers anyone.
    let (json, table) = suggest_both(&["-k", "50"], None);
    let picks = json["picks"].as_array().unwrap();
    assert!(picks.len() < 50 && !picks.is_empty());
    assert_eq!(json["picked"].as_u64(), Some(picks.len() as u64));
    assert_eq!(json["shortfall"], "no_cover");
    let covered: u64 = picks
        .iter()
        .map(|p| p["covered_settlements"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(covered), json["gap_on_road"].as_u64());
    let line = format!(
        "picked {} of 50: no further pick covers anyone",
        picks.len()
    );
    assert!(table.contains(&line), "{table}");
    let lines = table_lines(&table, "pick ");
    assert_eq!(lines.len(), picks.len() + 1, "{table}");
    assert_aligned(&lines, &[0, 2, 3, 4, 5, 6, 7], &table);

    // Two candidate sites, both useful: after both, none is left.
    let dir = tempdir();
    let mut csv = String::from("id,name,lon,lat\n");
    for (i, p) in picks.iter().take(2).enumerate() {
        csv += &format!("site{i},Site {i},{},{}\n", p["lon"], p["lat"]);
    }
    let sites = write(dir.path(), "sites.csv", &csv);
    let (json, table) = suggest_both(&["-k", "5"], Some(&sites));
    assert_eq!(json["candidates"], 2);
    assert_eq!(json["picked"], 2);
    assert_eq!(json["shortfall"], "no_candidates");
    assert!(
        table.contains("picked 2 of 5: no candidates left"),
        "{table}"
    );

    // Exactly k picks: no reason given.
    let (json, table) = suggest_both(&["-k", "1"], None);
    assert_eq!(json["shortfall"], serde_json::Value::Null);
    assert!(!table.contains("picked "), "{table}");
}

#[test]
fn vulnerable_headline_counts_equal_the_csv_sums() {
    let dir = tempdir();
    let settlements = big_population(dir.path());
    let csv = dir.path().join("v.csv");
    let text = stdout_of(
        bin()
            .arg("vulnerable")
            .arg(bayreuth())
            .args(["--kind", "grocery", "--settlements"])
            .arg(&settlements)
            .arg("--csv")
            .arg(&csv),
        "vulnerable",
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (cs, cp) = (col("stranded_settlements"), col("stranded_population"));
    let (mut sum_s, mut sum_p, mut max_s, mut max_p) = (0u64, 0u64, 0u64, 0u64);
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let (s, p): (u64, u64) = (f[cs].parse().unwrap(), f[cp].parse().unwrap());
        (sum_s, sum_p, max_s, max_p) = (sum_s + s, sum_p + p, max_s.max(s), max_p.max(p));
    }
    assert!(
        sum_s > 0 && sum_p > 0,
        "the run should strand someone: {csv}"
    );
    let headline = text.lines().next().unwrap();
    let expected = format!(
        "would strand up to {max_s} settlements and up to {max_p} people; {sum_s} settlements \
         ({sum_p} people) in all over every point"
    );
    assert!(
        headline.contains(&expected),
        "{headline}\nexpected: {expected}"
    );
    let lines = table_lines(&text, "rank ");
    assert_aligned(&lines, &[0, 3, 4, 5, 6, 7, 8], &text);
}

#[test]
fn printed_table_and_json_agree() {
    let table = stdout_of(bin().arg("analyze").arg(bayreuth()), "analyze");
    let json = stdout_of(
        bin().arg("analyze").arg(bayreuth()).arg("--json"),
        "analyze --json",
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines = table_lines(&table, "kind ");
    for line in &lines[1..] {
        let row = cells(line);
        let k = &json["kinds"][&row[0].2];
        let in_gap = format!("{}/{}", k["gap_settlements"], k["settlements"]);
        assert_eq!(cell_under(&lines, &row, "in gap"), in_gap, "{line}");
        assert_eq!(
            cell_under(&lines, &row, "gap pop"),
            k["gap_population"].to_string()
        );
        assert_eq!(
            cell_under(&lines, &row, "points"),
            k["services"].to_string()
        );
    }
    assert_eq!(lines.len(), 6);

    let plan = data("data/scenarios/bayreuth-plan.toml");
    let scenario = |json: bool| {
        let mut c = bin();
        c.arg("scenario")
            .arg(bayreuth())
            .arg("--scenarios")
            .arg(&plan);
        if json {
            c.arg("--json");
        }
        stdout_of(&mut c, "scenario")
    };
    let (table, json) = (scenario(false), scenario(true));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines = table_lines(&table, "grocery (gap > ");
    let right: Vec<usize> = (1..5).collect();
    assert_aligned(&lines, &right, &table);
    let row = |label: &str| {
        let line = lines.iter().find(|l| l.starts_with(label)).unwrap();
        let mut c = cells(line);
        c.drain(..1);
        c.into_iter().map(|c| c.2).collect::<Vec<_>>()
    };
    let mut expected = vec![json["baseline"]["kinds"]["grocery"]["gap_settlements"].to_string()];
    for s in json["scenarios"].as_array().unwrap() {
        expected.push(s["kinds"]["grocery"]["gap_settlements"].to_string());
    }
    assert_eq!(row("gap settlements"), expected);
    // The van scenario's column without mobile points: its fixed figures.
    let van = &json["scenarios"][1]["kinds"]["grocery"]["without_mobile"];
    assert_eq!(
        row("fixed gap settlements")[2],
        van["gap_settlements"].to_string()
    );
    assert_eq!(
        row("fixed gap population")[2],
        van["gap_population"].to_string()
    );
    // Without mobile points anywhere, the fixed column is the figure itself.
    assert_eq!(row("fixed gap settlements")[0], expected[0]);
}

#[test]
fn json_beside_an_output_on_standard_output_is_refused() {
    let out = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .args(["--json", "--csv", "-"]));
    assert_clean_failure(&out, &["--json", "--csv"]);
    let plan = data("data/scenarios/bayreuth-plan.toml");
    let out = run(bin()
        .arg("scenario")
        .arg(bayreuth())
        .arg("--scenarios")
        .arg(&plan)
        .args(["--compare-out", "-", "--json"]));
    assert_clean_failure(&out, &["--json", "--compare-out"]);
    let out = run(bin()
        .arg("suggest")
        .arg(bayreuth())
        .args(["--kind", "grocery", "-o", "-", "--json"]));
    assert_clean_failure(&out, &["--json", "--output"]);
}

// =============================================================================================
// docs/json.md
// =============================================================================================

/// The key paths of a JSON value: objects by `.key`, array items as `[]`, with the names that
/// stand for a family of keys: `K` for a kind, `PLACE`, `PHASE`, `UNIT`.
fn key_paths(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    const KINDS: [&str; 5] = ["grocery", "fuel", "post", "pharmacy", "payment"];
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let per_kind = ["services", "seasonal", "opening_hours_unparsed"];
                let k = if (prefix.ends_with("kinds") || per_kind.contains(&prefix))
                    && KINDS.contains(&k.as_str())
                {
                    "K".to_owned()
                } else if prefix == "settlements.by_place" {
                    "PLACE".to_owned()
                } else if prefix == "timings_ms" {
                    "PHASE".to_owned()
                } else {
                    k.replacen("next_km_", "next_UNIT_", 1)
                        .replacen("next_min_", "next_UNIT_", 1)
                };
                let path = if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                key_paths(child, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The keys docs/json.md documents, per section (`servicegap/COMMAND`, `Per-kind figures`,
/// and the keys every document has under ``): the backticked names in the first column of
/// each table.
fn documented() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(data("docs/json.md")).unwrap();
    let mut sections = std::collections::BTreeMap::new();
    let mut section = String::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim_matches('`').to_owned();
            continue;
        }
        let Some(cell) = line.strip_prefix("| `") else {
            continue;
        };
        let first = &cell[..cell.find(" |").unwrap_or(cell.len())];
        let keys: &mut BTreeSet<String> = sections.entry(section.clone()).or_default();
        for name in format!("`{first}").split(", ") {
            keys.insert(name.trim_matches('`').to_owned());
        }
    }
    sections
}

/// A van on the demo region, so that per-kind figures without mobile points appear.
fn van(dir: &Path) -> PathBuf {
    write(
        dir,
        "van.csv",
        "id,name,kinds,lon,lat,mobile,seasonal\nvan1,Shop van,grocery,11.59405,49.99151,yes,no\n\
         kiosk1,Summer kiosk,fuel,11.6012,49.9876,no,yes\n",
    )
}

/// Two settlements with a population group column, for `--group pop_70plus`.
fn grouped_settlements(dir: &Path) -> PathBuf {
    write(
        dir,
        "grouped.csv",
        "id,name,population,pop_70plus,lon,lat\na,A,120,30,11.59,49.99\nb,B,80,,11.62,49.98\n",
    )
}

#[test]
fn every_json_key_is_documented() {
    let dir = tempdir();
    let regions = grid_regions(dir.path());
    let van = van(dir.path());
    let grouped = grouped_settlements(dir.path());
    let summer = write(
        dir.path(),
        "summer.toml",
        "[[scenario]]\nname = \"Summer kiosk\"\n[[scenario.add]]\nname = \"Kiosk\"\n\
         lon = 11.6012\nlat = 49.9876\nkinds = [\"fuel\"]\nseasonal = true\n",
    );
    let plan = data("data/scenarios/bayreuth-plan.toml");
    let pbf = bayreuth();
    let docs = documented();
    let common = docs.get("").cloned().unwrap_or_default();
    assert_eq!(
        common,
        BTreeSet::from(["schema".to_owned(), "version".to_owned()])
    );
    let per_kind = docs.get("Per-kind figures").cloned().unwrap();
    let runs: [(&str, Vec<Vec<&std::ffi::OsStr>>); 5] = [
        (
            "analyze",
            vec![
                vec![],
                vec![
                    "--regions".as_ref(),
                    regions.as_os_str(),
                    "--services".as_ref(),
                    van.as_os_str(),
                    "--settlements".as_ref(),
                    grouped.as_os_str(),
                    "--group".as_ref(),
                    "pop_70plus".as_ref(),
                    "--e2sfca".as_ref(),
                ],
            ],
        ),
        (
            "scenario",
            vec![
                vec!["--scenarios".as_ref(), plan.as_os_str()],
                vec![
                    "--scenarios".as_ref(),
                    summer.as_os_str(),
                    "--settlements".as_ref(),
                    grouped.as_os_str(),
                    "--group".as_ref(),
                    "pop_70plus".as_ref(),
                    "--e2sfca".as_ref(),
                ],
            ],
        ),
        (
            "vulnerable",
            vec![
                vec!["--kind".as_ref(), "grocery".as_ref()],
                vec![
                    "--kind".as_ref(),
                    "post".as_ref(),
                    "--threshold".as_ref(),
                    "post=10min".as_ref(),
                    "--regions".as_ref(),
                    regions.as_os_str(),
                ],
            ],
        ),
        ("suggest", vec![vec!["--kind".as_ref(), "grocery".as_ref()]]),
        ("inspect", vec![vec![]]),
    ];
    for (command, variants) in runs {
        let mut printed = BTreeSet::new();
        for extra in variants {
            let text = stdout_of(
                bin().arg(command).arg(&pbf).args(extra).arg("--json"),
                command,
            );
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(doc["schema"], format!("servicegap/{command}"));
            assert_eq!(doc["version"], 1);
            let keys: Vec<&String> = doc.as_object().unwrap().keys().take(2).collect();
            assert_eq!(keys, ["schema", "version"], "{command}: first keys");
            key_paths(&doc, "", &mut printed);
        }
        // Per-kind figures are documented once, under `kinds.K`, a population group's as `G`.
        let printed: BTreeSet<String> = printed
            .into_iter()
            .map(|p| p.replace(".groups.pop_70plus", ".groups.G"))
            .map(|p| {
                for outer in [
                    "regions[].kinds.K",
                    "baseline.kinds.K",
                    "scenarios[].kinds.K",
                ] {
                    if let Some(rest) = p.strip_prefix(outer) {
                        if !rest.starts_with(".change") {
                            return format!("kinds.K{rest}");
                        }
                    }
                }
                p
            })
            .collect();
        let mut known = docs
            .get(&format!("servicegap/{command}"))
            .cloned()
            .unwrap_or_default();
        known.extend(common.iter().cloned());
        if matches!(command, "analyze" | "scenario") {
            known.extend(per_kind.iter().cloned());
        }
        let undocumented: Vec<&String> = printed.difference(&known).collect();
        let stale: Vec<&String> = known.difference(&printed).collect();
        assert!(
            undocumented.is_empty(),
            "{command}: keys not in docs/json.md: {undocumented:?}"
        );
        assert!(
            stale.is_empty(),
            "{command}: docs/json.md keys it does not print: {stale:?}"
        );
    }
}

/// Counts of one take the singular: the demo region has one fuel station and one settlement
/// beyond the fuel threshold.
#[test]
fn a_count_of_one_is_singular() {
    use crate::util;
    let file = util::bayreuth();
    let file = file.to_str().unwrap();
    let out = util::run(util::bin().args(["vulnerable", file, "--kind", "fuel"]));
    util::assert_success(&out, "vulnerable");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains(": 1 point of fuel"), "{text}");
    assert!(!text.contains("1 points"), "{text}");
    let out = util::run(util::bin().args(["suggest", file, "--kind", "fuel", "-k", "1"]));
    util::assert_success(&out, "suggest");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("): 1 settlement, population"), "{text}");
    assert!(text.contains(" candidates"), "{text}");
}
