//! The GeoPackage and FlatGeobuf outputs of the commands: `--gpkg` on analyze, scenario,
//! vulnerable and suggest, `results.gpkg` in `--out-dir`, `-o x.gpkg` and `-o x.fgb` by
//! extension, `--gpkg -` on standard output. Each file is read back with rusqlite (and, where
//! GDAL is installed, with `ogr2ogr`) and compared with the GeoJSON the same run writes.

use crate::util;
use rusqlite::Connection;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// Two regions splitting the demo region at 11.55° E.
const HALVES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[11.3,49.9],[11.55,49.9],[11.55,50.1],[11.3,50.1],[11.3,49.9]]]}},
{"type":"Feature","properties":{"name":"East"},"geometry":{"type":"Polygon","coordinates":[[[11.55,49.9],[11.8,49.9],[11.8,50.1],[11.55,50.1],[11.55,49.9]]]}}
]}"#;

/// The feature tables of a GeoPackage, by `gpkg_contents`, in order.
fn feature_tables(db: &Connection) -> Vec<String> {
    let mut stmt = db
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid")
        .unwrap();
    let names = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    names.map(Result::unwrap).collect()
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The declared type of `column` in `table`.
fn declared(db: &Connection, table: &str, column: &str) -> String {
    let mut stmt = db
        .prepare(&format!(
            "SELECT name, type FROM pragma_table_info('{table}')"
        ))
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    let found = rows
        .map(Result::unwrap)
        .find(|(name, _)| name == column)
        .unwrap_or_else(|| panic!("{table} has no column {column}"));
    found.1
}

fn features(path: &Path) -> Vec<Json> {
    util::read_json(path)["features"]
        .as_array()
        .unwrap()
        .clone()
}

/// The GeoPackage at `path`: its application id and user version checked.
fn open(path: &Path) -> Connection {
    let db = Connection::open(path).unwrap();
    assert_eq!(count(&db, "PRAGMA application_id"), 0x4750_4B47, "GPKG");
    assert_eq!(count(&db, "PRAGMA user_version"), 10300);
    db
}

#[test]
fn out_dir_writes_one_geopackage_with_every_layer_as_the_geojson_has_it() {
    let dir = util::tempdir();
    let regions = util::write(dir.path(), "halves.geojson", HALVES);
    let out = dir.path().join("out");
    util::assert_success(
        &util::run(
            util::bin()
                .arg("analyze")
                .arg(util::bayreuth())
                .arg("--regions")
                .arg(&regions)
                .arg("--regions-out")
                .arg(out.join("regions.geojson"))
                .arg("--out-dir")
                .arg(&out),
        ),
        "analyze --out-dir",
    );
    let db = open(&out.join("results.gpkg"));
    let tables = feature_tables(&db);
    assert_eq!(
        tables,
        [
            "settlements",
            "services",
            "catchments",
            "network",
            "regions"
        ]
    );
    for table in &tables {
        let geojson = features(&out.join(format!("{table}.geojson")));
        let rows = count(&db, &format!("SELECT count(*) FROM \"{table}\""));
        assert_eq!(rows as usize, geojson.len(), "{table}");
        // Every feature has an envelope in the R-tree.
        let indexed = count(&db, &format!("SELECT count(*) FROM rtree_{table}_geom"));
        assert_eq!(indexed, rows, "{table}: R-tree");
        // The columns are the GeoJSON's properties, in order.
        let keys: Vec<String> = geojson[0]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut stmt = db
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap();
        let columns: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c: &String| c != "fid" && c != "geom")
            .collect();
        assert_eq!(columns, keys, "{table}");
    }
    // The demo region has no payment point: the column is null everywhere and still REAL.
    let settlements = features(&out.join("settlements.geojson"));
    assert!(settlements
        .iter()
        .all(|f| f["properties"]["payment_km"].is_null()));
    assert_eq!(declared(&db, "settlements", "payment_km"), "REAL");
    assert_eq!(declared(&db, "settlements", "population"), "INTEGER");
    assert_eq!(declared(&db, "settlements", "grocery_gap"), "BOOLEAN");
    assert_eq!(declared(&db, "settlements", "region"), "TEXT");
    // The gap settlements of the GeoJSON are the GeoPackage's, by id.
    let gap_ids = |f: &&Json| f["properties"]["grocery_gap"] == Json::Bool(true);
    let mut want: Vec<String> = settlements
        .iter()
        .filter(gap_ids)
        .map(|f| f["properties"]["id"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    let mut stmt = db
        .prepare("SELECT id FROM settlements WHERE grocery_gap = 1 ORDER BY id")
        .unwrap();
    let got: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, want);
    assert!(!got.is_empty(), "the demo region has grocery gaps");
    // One default style per feature table, the settlements' graduated on grocery_km.
    let styled = count(
        &db,
        "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1",
    );
    assert_eq!(styled as usize, tables.len());
    let qml: String = db
        .query_row(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = 'settlements'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(qml.contains("grocery_km"), "{qml}");
}

/// Runs `args` on the demo region with outputs in `dir`; the GeoJSON output at `geojson`
/// and the GeoPackage at `gpkg` must hold the same number of features in a table `layer`.
fn same_count(dir: &Path, args: &[&str], geojson: &str, gpkg: &str, layer: &str) {
    let mut cmd = util::bin();
    cmd.current_dir(dir).args(args);
    util::assert_success(&util::run(&mut cmd), &args.join(" "));
    let db = open(&dir.join(gpkg));
    assert_eq!(feature_tables(&db), [layer]);
    let n = count(&db, &format!("SELECT count(*) FROM \"{layer}\""));
    assert_eq!(n as usize, features(&dir.join(geojson)).len(), "{layer}");
}

#[test]
fn scenario_vulnerable_and_suggest_write_their_layer_into_a_geopackage() {
    let dir = util::tempdir();
    let demo = util::bayreuth();
    let demo = demo.to_str().unwrap();
    let plan: PathBuf = util::data("data/scenarios/bayreuth-plan.toml");
    let plan = plan.to_str().unwrap();
    same_count(
        dir.path(),
        &[
            "scenario",
            demo,
            "--scenarios",
            plan,
            "--diff-out",
            "d.geojson",
            "--gpkg",
            "d.gpkg",
        ],
        "d.geojson",
        "d.gpkg",
        "diff",
    );
    same_count(
        dir.path(),
        &[
            "vulnerable",
            demo,
            "--kind",
            "grocery",
            "-o",
            "v.geojson",
            "--gpkg",
            "v.gpkg",
        ],
        "v.geojson",
        "v.gpkg",
        "vulnerable",
    );
    same_count(
        dir.path(),
        &[
            "suggest",
            demo,
            "--kind",
            "grocery",
            "-k",
            "3",
            "-o",
            "s.geojson",
            "--gpkg",
            "s.gpkg",
        ],
        "s.geojson",
        "s.gpkg",
        "suggest",
    );
    // `-o x.gpkg` picks the format by the extension.
    same_count(
        dir.path(),
        &[
            "suggest", demo, "--kind", "grocery", "-o", "o.gpkg", "--gpkg", "g.gpkg",
        ],
        "s.geojson",
        "o.gpkg",
        "suggest",
    );
}

#[test]
fn a_geopackage_streams_to_standard_output_whole() {
    let dir = util::tempdir();
    let out = util::run(
        util::bin()
            .arg("analyze")
            .arg(util::bayreuth())
            .args(["--gpkg", "-", "--quiet"]),
    );
    util::assert_success(&out, "--gpkg -");
    let path = util::write(dir.path(), "stdout.gpkg", &out.stdout);
    let db = open(&path);
    assert_eq!(
        feature_tables(&db),
        ["settlements", "services", "catchments", "network"]
    );
    // The same bytes as written to a file: nothing of the table went into the stream.
    let file = dir.path().join("file.gpkg");
    util::assert_success(
        &util::run(
            util::bin()
                .arg("analyze")
                .arg(util::bayreuth())
                .arg("--gpkg")
                .arg(&file),
        ),
        "--gpkg file",
    );
    assert_eq!(std::fs::read(&file).unwrap(), out.stdout);
}

#[test]
fn a_geopackage_that_cannot_be_written_leaves_no_output() {
    let dir = util::tempdir();
    let plain = util::write(dir.path(), "plain", "x");
    let geojson = dir.path().join("s.geojson");
    let out = util::run(
        util::bin()
            .arg("analyze")
            .arg(util::bayreuth())
            .arg("-o")
            .arg(&geojson)
            .arg("--gpkg")
            .arg(plain.join("results.gpkg")),
    );
    util::assert_clean_failure(&out, &["results.gpkg", "is a file, not a folder"]);
    assert_eq!(util::entries(dir.path()), ["plain"]);
}

#[test]
fn flatgeobuf_by_extension_reads_back_as_the_geojson() {
    if !crate::gpkg::gdal("flatgeobuf_by_extension_reads_back_as_the_geojson") {
        return;
    }
    let dir = util::tempdir();
    let fgb = dir.path().join("settlements.fgb");
    let geojson = dir.path().join("settlements.geojson");
    for path in [&fgb, &geojson] {
        util::assert_success(
            &util::run(
                util::bin()
                    .arg("analyze")
                    .arg(util::bayreuth())
                    .arg("-o")
                    .arg(path),
            ),
            "-o",
        );
    }
    let want = crate::gpkg::by_key(&util::read_json(&geojson));
    let got = crate::gpkg::by_key(&crate::gpkg::ogr_geojson(&fgb, dir.path(), "settlements"));
    assert_eq!(got.len(), 71);
    assert_eq!(got, want);
}
