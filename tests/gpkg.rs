//! GeoPackage and FlatGeobuf writers read back: with rusqlite (tables, declared types, the
//! geometry blobs decoded here, the R-tree, the styles), with the `flatgeobuf` reader, and,
//! where GDAL's `ogrinfo` and `ogr2ogr` are installed (`.ci/run` installs them and sets
//! `SERVICEGAP_REQUIRE_GDAL=1`), with GDAL itself.

use crate::util;
use rusqlite::Connection;
use serde_json::{json, Value as Json};
use servicegap::report::fgb::write_fgb;
use servicegap::report::gpkg::{write_gpkg, Style, Styles};
use servicegap::report::layer::{Column, ColumnType, Geometry, GeometryType, Layer, Row, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A geometry a test layer owns.
#[derive(Clone, Debug)]
enum Shape {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
    Area(geo::MultiPolygon<f64>),
}

impl Shape {
    fn geometry(&self) -> Geometry<'_> {
        match self {
            Shape::Point(p) => Geometry::Point(*p),
            Shape::Line(cs) => Geometry::LineString(cs),
            Shape::Area(mp) => Geometry::MultiPolygon(mp),
        }
    }

    /// Every coordinate, in WKB order (rings after one another).
    fn coords(&self) -> Vec<[f64; 2]> {
        match self {
            Shape::Point(p) => vec![*p],
            Shape::Line(cs) => cs.clone(),
            Shape::Area(mp) => {
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .flat_map(|r| r.0.iter().map(|c| [c.x, c.y]))
                    .collect()
            }
        }
    }
}

/// A layer held in memory, for the tests only (the writers never see one).
struct TestLayer {
    name: String,
    geometry_type: GeometryType,
    columns: Vec<Column>,
    rows: Vec<(Shape, Vec<Value<'static>>)>,
}

impl Layer for TestLayer {
    fn name(&self) -> &str {
        &self.name
    }
    fn geometry_type(&self) -> GeometryType {
        self.geometry_type
    }
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn rows(
        &self,
        range: std::ops::Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for (shape, values) in &self.rows[range] {
            row(Row {
                geometry: shape.geometry(),
                values,
            })?;
        }
        Ok(())
    }
}

const KINDS: [&str; 5] = ["grocery", "fuel", "post", "pharmacy", "payment"];

/// A seeded pseudo-random number in [0, 1).
fn unit(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

/// Settlements-like points: every column type, some nulls, `payment_km` null throughout, a
/// name with a quote and a non-ASCII letter.
fn settlements(n: usize) -> TestLayer {
    let mut seed = 7;
    let columns = vec![
        Column::new("id", ColumnType::Text),
        Column::new("name", ColumnType::Text),
        Column::new("population", ColumnType::Integer),
        Column::new("grocery_km", ColumnType::Real),
        Column::new("payment_km", ColumnType::Real),
        Column::new("grocery_gap", ColumnType::Boolean),
        Column::new("gaps", ColumnType::TextList),
    ];
    let rows = (0..n)
        .map(|i| {
            let lon = 11.0 + unit(&mut seed);
            let lat = 49.5 + unit(&mut seed);
            let km = (i % 5 != 3).then(|| (unit(&mut seed) * 3000.0).round() / 100.0);
            let gap = km.is_none_or(|k| k > 10.0);
            let gaps: Vec<&'static str> =
                KINDS.iter().copied().filter(|_| gap).take(i % 3).collect();
            let values = vec![
                Value::Text(Cow::Owned(format!("node/{i}"))),
                Value::Text(Cow::Owned(format!("Ort \"{i}\" ö"))),
                if i % 7 == 0 {
                    Value::Null
                } else {
                    Value::Integer(i as i64 * 13)
                },
                km.map_or(Value::Null, Value::Real),
                Value::Null,
                Value::Boolean(gap),
                Value::TextList(gaps),
            ];
            (Shape::Point([lon, lat]), values)
        })
        .collect();
    TestLayer {
        name: "settlements".into(),
        geometry_type: GeometryType::Point,
        columns,
        rows,
    }
}

/// Network-like lines.
fn network(n: usize) -> TestLayer {
    let mut seed = 11;
    let rows = (0..n)
        .map(|i| {
            let points = (0..2 + i % 4)
                .map(|_| [11.0 + unit(&mut seed), 49.5 + unit(&mut seed)])
                .collect();
            (
                Shape::Line(points),
                vec![Value::Integer(i as i64), Value::Boolean(i % 2 == 0)],
            )
        })
        .collect();
    TestLayer {
        name: "network".into(),
        geometry_type: GeometryType::LineString,
        columns: vec![
            Column::new("from", ColumnType::Integer),
            Column::new("oneway", ColumnType::Boolean),
        ],
        rows,
    }
}

/// Catchment-like areas, one with a hole and one of two parts.
fn catchments() -> TestLayer {
    use geo::{polygon, MultiPolygon};
    let square = polygon![(x: 11.0, y: 49.0), (x: 12.0, y: 49.0), (x: 12.0, y: 50.0), (x: 11.0, y: 50.0), (x: 11.0, y: 49.0)];
    let holed = geo::Polygon::new(
        square.exterior().clone(),
        vec![geo::LineString::from(vec![
            (11.2, 49.2),
            (11.4, 49.2),
            (11.4, 49.4),
            (11.2, 49.2),
        ])],
    );
    let far =
        polygon![(x: 13.0, y: 48.0), (x: 13.5, y: 48.0), (x: 13.5, y: 48.5), (x: 13.0, y: 48.0)];
    let rows = vec![
        (
            Shape::Area(MultiPolygon(vec![holed])),
            vec![Value::Text("a".into()), Value::Null],
        ),
        (
            Shape::Area(MultiPolygon(vec![square, far])),
            vec![Value::Text("b".into()), Value::Real(2.5)],
        ),
    ];
    TestLayer {
        name: "catchments".into(),
        geometry_type: GeometryType::MultiPolygon,
        columns: vec![
            Column::new("service", ColumnType::Text),
            Column::new("area_km2", ColumnType::Real),
        ],
        rows,
    }
}

fn styles() -> Styles {
    Styles::new()
        .with(
            "settlements",
            Style::Graduated {
                column: "grocery_km".into(),
                threshold: 10.0,
                unit: "km".into(),
            },
        )
        .with(
            "services",
            Style::Categorised {
                column: "kinds".into(),
                categories: KINDS.iter().map(|k| k.to_string()).collect(),
            },
        )
}

/// A value as SQLite gives it back, to compare with what the layer wrote.
fn expected_sql(v: &Value<'_>) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Real(x) => S::Real(*x),
        Value::Integer(n) => S::Integer(*n),
        Value::Text(t) => S::Text(t.to_string()),
        Value::Boolean(b) => S::Integer(i64::from(*b)),
        Value::TextList(l) => S::Text(l.join(";")),
    }
}

/// Decodes a GeoPackage binary geometry: (envelope min x, max x, min y, max y if present,
/// WKB type, every coordinate).
fn decode(blob: &[u8]) -> (Option<[f64; 4]>, u32, Vec<[f64; 2]>) {
    assert_eq!(&blob[..3], b"GP\0", "magic and version");
    let flags = blob[3];
    assert_eq!(flags & 1, 1, "little-endian");
    assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
    let f = |b: &[u8], at: usize| f64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let u = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let (envelope, mut at) = match (flags >> 1) & 7 {
        0 => (None, 8),
        1 => (
            Some([f(blob, 8), f(blob, 16), f(blob, 24), f(blob, 32)]),
            40,
        ),
        other => panic!("envelope kind {other}"),
    };
    assert_eq!(blob[at], 1, "little-endian WKB");
    let ty = u(blob, at + 1);
    at += 5;
    let mut coords = Vec::new();
    let points = |at: &mut usize, n: usize, coords: &mut Vec<[f64; 2]>| {
        for _ in 0..n {
            coords.push([f(blob, *at), f(blob, *at + 8)]);
            *at += 16;
        }
    };
    match ty {
        1 => points(&mut at, 1, &mut coords),
        2 => {
            let n = u(blob, at) as usize;
            at += 4;
            points(&mut at, n, &mut coords);
        }
        6 => {
            let polygons = u(blob, at);
            at += 4;
            for _ in 0..polygons {
                assert_eq!((blob[at], u(blob, at + 1)), (1, 3), "a polygon");
                let rings = u(blob, at + 5);
                at += 9;
                for _ in 0..rings {
                    let n = u(blob, at) as usize;
                    at += 4;
                    points(&mut at, n, &mut coords);
                }
            }
        }
        other => panic!("WKB type {other}"),
    }
    assert_eq!(at, blob.len(), "nothing after the geometry");
    (envelope, ty, coords)
}

/// The bounding box (min x, min y, max x, max y) of `coords`, computed here.
fn bbox(coords: impl IntoIterator<Item = [f64; 2]>) -> [f64; 4] {
    coords
        .into_iter()
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, [x, y]| {
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        })
}

fn write(dir: &Path, layers: &[&dyn Layer]) -> std::path::PathBuf {
    let path = dir.join("results.gpkg");
    write_gpkg(&path, layers, &styles()).unwrap();
    path
}

#[test]
fn a_geopackage_reads_back_table_by_table() {
    let dir = util::tempdir();
    let (s, n, c) = (settlements(300), network(40), catchments());
    let layers: [&dyn Layer; 3] = [&s, &n, &c];
    let db = Connection::open(write(dir.path(), &layers)).unwrap();
    let pragma = |p: &str| {
        db.query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    assert_eq!(pragma("application_id"), 0x4750_4B47);
    assert_eq!(pragma("user_version"), 10300);
    assert_eq!(
        db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    let srs: Vec<(i64, String)> = db
        .prepare("SELECT srs_id, organization FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        srs,
        [
            (-1, "NONE".into()),
            (0, "NONE".into()),
            (4326, "EPSG".into())
        ]
    );

    let coords_of = |g: &Geometry<'_>| match g {
        Geometry::Point(p) => Shape::Point(*p).coords(),
        Geometry::LineString(cs) => cs.to_vec(),
        Geometry::MultiPolygon(mp) => Shape::Area((*mp).clone()).coords(),
    };
    for layer in layers {
        let t = layer.name();
        let (kind, srs, bounds): (String, i64, [Option<f64>; 4]) = db
            .query_row(
                "SELECT data_type, srs_id, min_x, min_y, max_x, max_y FROM gpkg_contents
                 WHERE table_name = ?1",
                [t],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
                    ))
                },
            )
            .unwrap();
        assert_eq!((kind.as_str(), srs), ("features", 4326), "{t}");
        let (shapes, values): (Vec<_>, Vec<_>) = {
            let mut rows = Vec::new();
            layer
                .rows(0..layer.len(), &mut |r| {
                    rows.push((
                        coords_of(&r.geometry),
                        r.values.iter().map(expected_sql).collect::<Vec<_>>(),
                    ));
                    Ok(())
                })
                .unwrap();
            rows.into_iter().unzip()
        };
        let all = bbox(shapes.iter().flatten().copied());
        assert_eq!(bounds, all.map(Some), "{t}: layer bbox");

        let geometry_type: String = db
            .query_row(
                "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1 AND column_name = 'geom' AND srs_id = 4326",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        let wkb_type = match layer.geometry_type() {
            GeometryType::Point => ("POINT", 1),
            GeometryType::LineString => ("LINESTRING", 2),
            GeometryType::MultiPolygon => ("MULTIPOLYGON", 6),
        };
        assert_eq!(geometry_type, wkb_type.0);

        // Declared types, as SQLite reports them.
        let declared: Vec<(String, String)> = db
            .prepare(&format!("PRAGMA table_info(\"{t}\")"))
            .unwrap()
            .query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut want = vec![
            ("fid".to_string(), "INTEGER".to_string()),
            ("geom".into(), wkb_type.0.into()),
        ];
        for col in layer.columns() {
            let ty = match col.ty {
                ColumnType::Real => "REAL",
                ColumnType::Integer => "INTEGER",
                ColumnType::Text | ColumnType::TextList => "TEXT",
                ColumnType::Boolean => "BOOLEAN",
            };
            want.push((col.name.clone(), ty.into()));
        }
        assert_eq!(declared, want, "{t}");

        // Every row, in order: geometry decoded here, values as written.
        let names: Vec<String> = layer
            .columns()
            .iter()
            .map(|c| format!("\"{}\"", c.name))
            .collect();
        let mut stmt = db
            .prepare(&format!(
                "SELECT fid, geom, {} FROM \"{t}\" ORDER BY fid",
                names.join(", ")
            ))
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut count = 0;
        while let Some(row) = rows.next().unwrap() {
            let fid: i64 = row.get(0).unwrap();
            assert_eq!(fid, count as i64 + 1);
            let blob: Vec<u8> = row.get(1).unwrap();
            let (envelope, ty, coords) = decode(&blob);
            let want = shapes[count].clone();
            assert_eq!(ty, wkb_type.1);
            assert_eq!(coords, want, "{t} row {count}");
            let b = bbox(want);
            assert_eq!(envelope, Some([b[0], b[2], b[1], b[3]]));
            for (i, v) in values[count].iter().enumerate() {
                let got: rusqlite::types::Value = row.get(i + 2).unwrap();
                assert_eq!(&got, v, "{t} row {count} column {}", names[i]);
            }
            count += 1;
        }
        assert_eq!(count, layer.len(), "{t}: feature count");

        // The R-tree: one entry per feature, each box holding the feature (32-bit floats,
        // rounded outwards) and no more than a float's step larger.
        let entries: Vec<(i64, [f64; 4])> = db
            .prepare(&format!(
                "SELECT id, minx, maxx, miny, maxy FROM \"rtree_{t}_geom\" ORDER BY id"
            ))
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(entries.len(), layer.len(), "{t}: R-tree entries");
        for (id, [minx, maxx, miny, maxy]) in entries {
            let b = bbox(shapes[id as usize - 1].iter().copied());
            assert!(
                minx <= b[0] && maxx >= b[2] && miny <= b[1] && maxy >= b[3],
                "{t} {id}"
            );
            assert!(b[0] - minx < 1e-5 && maxx - b[2] < 1e-5, "{t} {id}");
        }
        let extension: String = db
            .query_row(
                "SELECT scope FROM gpkg_extensions WHERE table_name = ?1 AND column_name = 'geom' AND extension_name = 'gpkg_rtree_index'",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(extension, "write-only");
        let triggers: i64 = db
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 AND name LIKE 'rtree_%'",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 6, "{t}: the six R-tree triggers");
    }
}

/// Reads an XML document to its end, failing on the first error; the number of elements.
fn parse_xml(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut elements = 0;
    let mut depth = 0i32;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("QML does not parse: {e}\n{text}"))
        {
            quick_xml::events::Event::Start(_) => {
                elements += 1;
                depth += 1;
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Empty(_) => elements += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element closed");
    elements
}

#[test]
fn every_layer_has_a_default_qgis_style() {
    let dir = util::tempdir();
    let (s, n, c) = (settlements(20), network(5), catchments());
    let services = TestLayer {
        name: "services".into(),
        geometry_type: GeometryType::Point,
        columns: vec![Column::new("kinds", ColumnType::TextList)],
        rows: vec![(
            Shape::Point([11.5, 49.5]),
            vec![Value::TextList(vec!["post", "grocery"])],
        )],
    };
    let layers: [&dyn Layer; 4] = [&s, &n, &c, &services];
    let db = Connection::open(write(dir.path(), &layers)).unwrap();
    let styles: Vec<(String, String, String, bool, String)> = db
        .prepare(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault, update_time
             FROM layer_styles ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let tables: Vec<&str> = styles.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(tables, ["settlements", "network", "catchments", "services"]);
    for (table, column, qml, default, time) in &styles {
        assert_eq!(column, "geom");
        assert!(*default, "{table}: the default style");
        assert_eq!(time, servicegap::report::gpkg::TIMESTAMP);
        assert!(parse_xml(qml) > 3, "{table}");
        assert!(qml.starts_with("<!DOCTYPE qgis"), "{table}");
    }
    let qml = |t: &str| &styles.iter().find(|s| s.0 == t).unwrap().2;
    // Settlements: five classes from the threshold of 10 km, and null in grey.
    let settlements = qml("settlements");
    assert!(settlements.contains("type=\"RuleRenderer\""));
    for bounds in [
        "&gt;= 0 AND &quot;grocery_km&quot; &lt; 5",
        "&gt;= 5 AND",
        "&lt; 10",
        "&lt; 15",
        "&lt; 20",
        "&quot;grocery_km&quot; &gt;= 20\"",
    ] {
        assert!(settlements.contains(bounds), "{bounds} in {settlements}");
    }
    assert!(settlements.contains("&quot;grocery_km&quot; IS NULL"));
    assert_eq!(settlements.matches("<rule ").count(), 6);
    assert_eq!(settlements.matches("type=\"marker\"").count(), 6);
    // Services: one category per kind and one for the rest.
    let services = qml("services");
    assert!(services.contains("type=\"categorizedSymbol\""));
    for kind in KINDS {
        assert!(services.contains(&format!("value=\"{kind}\"")), "{kind}");
    }
    assert_eq!(services.matches("<category ").count(), 6);
    assert!(
        qml("network").contains("type=\"singleSymbol\"")
            && qml("network").contains("type=\"line\"")
    );
    assert!(qml("catchments").contains("type=\"fill\""));
    // The styles table is registered, as QGIS registers it.
    let registered: String = db
        .query_row(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(registered, "attributes");
}

#[test]
fn a_style_on_a_missing_column_falls_back_to_one_symbol() {
    let n = network(3);
    let styles = Styles::new().with(
        "network",
        Style::Graduated {
            column: "grocery_km".into(),
            threshold: 10.0,
            unit: "km".into(),
        },
    );
    assert_eq!(styles.style_of(&n), &Style::Plain);
    assert!(styles.qml(&n).contains("singleSymbol"));
}

#[test]
fn the_same_layers_give_the_same_bytes() {
    let dir = util::tempdir();
    let (s, n, c) = (settlements(500), network(50), catchments());
    let layers: [&dyn Layer; 3] = [&s, &n, &c];
    let a = dir.path().join("a.gpkg");
    let b = dir.path().join("b.gpkg");
    write_gpkg(&a, &layers, &styles()).unwrap();
    write_gpkg(&b, &layers, &styles()).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(
        util::entries(dir.path()),
        ["a.gpkg", "b.gpkg"],
        "no journal left beside"
    );
    let (mut x, mut y) = (Vec::new(), Vec::new());
    write_fgb(&mut x, &s).unwrap();
    write_fgb(&mut y, &s).unwrap();
    assert_eq!(x, y);
}

#[test]
fn an_empty_layer_is_a_table_without_extent() {
    let dir = util::tempdir();
    let mut s = settlements(0);
    s.name = "suggest".into();
    let db = Connection::open(write(dir.path(), &[&s])).unwrap();
    let (count, min_x): (i64, Option<f64>) = db
        .query_row(
            "SELECT (SELECT count(*) FROM suggest), min_x FROM gpkg_contents WHERE table_name = 'suggest'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((count, min_x), (0, None));
}

#[test]
fn an_empty_geometry_has_no_index_entry_and_keeps_the_fids_in_step() {
    let dir = util::tempdir();
    let mut n = network(3);
    n.rows[1].0 = Shape::Line(Vec::new());
    let db = Connection::open(write(dir.path(), &[&n])).unwrap();
    let ids: Vec<i64> = db
        .prepare("SELECT id FROM rtree_network_geom ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, [1, 3]);
    let blob: Vec<u8> = db
        .query_row("SELECT geom FROM network WHERE fid = 2", [], |r| r.get(0))
        .unwrap();
    let (envelope, ty, coords) = decode(&blob);
    assert_eq!((envelope, ty, coords.len()), (None, 2, 0));
    let maxx: f64 = db
        .query_row(
            "SELECT maxx FROM rtree_network_geom WHERE id = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let want = bbox(n.rows[2].0.coords())[2];
    assert!(maxx >= want && maxx - want < 1e-5, "{maxx} {want}");
}

#[test]
fn clashing_names_are_refused() {
    let dir = util::tempdir();
    let s = settlements(2);
    let err = write_gpkg(&dir.path().join("a.gpkg"), &[&s, &s], &styles()).unwrap_err();
    assert!(
        err.to_string().contains("two layers are named settlements"),
        "{err}"
    );
    let mut bad = network(2);
    bad.columns[0].name = "FID".into();
    let err = write_gpkg(&dir.path().join("b.gpkg"), &[&bad], &styles()).unwrap_err();
    assert!(err.to_string().contains("column named FID"), "{err}");
}

/// Collects a FlatGeobuf feature's properties as JSON values.
#[derive(Default)]
struct Properties(BTreeMap<String, Json>);

impl geozero::PropertyProcessor for Properties {
    fn property(
        &mut self,
        _: usize,
        name: &str,
        v: &geozero::ColumnValue,
    ) -> geozero::error::Result<bool> {
        use geozero::ColumnValue as C;
        let v = match v {
            C::Double(x) => json!(x),
            C::Long(n) => json!(n),
            C::String(s) => json!(s),
            C::Bool(b) => json!(b),
            other => panic!("unexpected type {other:?}"),
        };
        self.0.insert(name.into(), v);
        Ok(false)
    }
}

/// The layer's rows as (coordinates, properties without nulls, lists joined), by row.
/// A feature as compared here: its coordinates and its non-null properties.
type Feature = (Vec<[f64; 2]>, BTreeMap<String, Json>);

fn layer_json(layer: &dyn Layer) -> Vec<Feature> {
    let mut out = Vec::new();
    layer
        .rows(0..layer.len(), &mut |r| {
            let coords = match r.geometry {
                Geometry::Point(p) => vec![p],
                Geometry::LineString(cs) => cs.to_vec(),
                Geometry::MultiPolygon(mp) => Shape::Area(mp.clone()).coords(),
            };
            let mut p = BTreeMap::new();
            for (c, v) in layer.columns().iter().zip(r.values) {
                let v = match v {
                    Value::Null => continue,
                    Value::Real(x) => json!(x),
                    Value::Integer(n) => json!(n),
                    Value::Text(t) => json!(t),
                    Value::Boolean(b) => json!(b),
                    Value::TextList(l) => json!(l.join(";")),
                };
                p.insert(c.name.clone(), v);
            }
            out.push((coords, p));
            Ok(())
        })
        .unwrap();
    out
}

#[test]
fn a_flatgeobuf_reads_back_with_its_index() {
    use flatgeobuf::FallibleStreamingIterator as _;
    use geozero::FeatureProperties as _;
    for layer in [&settlements(400) as &dyn Layer, &network(30), &catchments()] {
        let mut bytes = Vec::new();
        write_fgb(&mut bytes, layer).unwrap();
        let reader = flatgeobuf::FgbReader::open(std::io::Cursor::new(&bytes)).unwrap();
        let header = reader.header();
        assert_eq!(header.name(), Some(layer.name()));
        assert!(header.index_node_size() > 0, "a packed R-tree");
        assert_eq!(header.features_count(), layer.len() as u64);
        assert_eq!(header.crs().map(|c| c.code()), Some(4326));
        let columns: Vec<(String, flatgeobuf::ColumnType)> = header
            .columns()
            .unwrap()
            .iter()
            .map(|c| (c.name().to_string(), c.type_()))
            .collect();
        let want: Vec<_> = layer
            .columns()
            .iter()
            .map(|c| {
                let ty = match c.ty {
                    ColumnType::Real => flatgeobuf::ColumnType::Double,
                    ColumnType::Integer => flatgeobuf::ColumnType::Long,
                    ColumnType::Text | ColumnType::TextList => flatgeobuf::ColumnType::String,
                    ColumnType::Boolean => flatgeobuf::ColumnType::Bool,
                };
                (c.name.clone(), ty)
            })
            .collect();
        assert_eq!(columns, want);
        // Features come back in index order: compare as sorted lists.
        let mut got = Vec::new();
        let mut features = reader.select_all().unwrap();
        while let Some(f) = features.next().unwrap() {
            let g = f.geometry().unwrap();
            let mut coords: Vec<[f64; 2]> = Vec::new();
            let mut push = |g: flatgeobuf::Geometry<'_>| {
                let xy = g.xy().unwrap();
                for i in 0..xy.len() / 2 {
                    coords.push([xy.get(2 * i), xy.get(2 * i + 1)]);
                }
            };
            match g.parts() {
                Some(parts) => parts.iter().for_each(&mut push),
                None => push(g),
            }
            let mut p = Properties::default();
            f.process_properties(&mut p).unwrap();
            got.push((coords, p.0));
        }
        let key = |r: &Feature| format!("{:?}", r);
        let mut want = layer_json(layer);
        got.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(got, want, "{}", layer.name());
    }
}

/// Whether GDAL's command-line programs are here; a test that needs them says why it skips,
/// and fails where `SERVICEGAP_REQUIRE_GDAL=1` (as in CI).
pub(crate) fn gdal(test: &str) -> bool {
    crate::util::tool(test, "ogrinfo", "gdal-bin", "SERVICEGAP_REQUIRE_GDAL")
}

#[test]
fn gdal_lists_every_layer_with_its_count_types_and_crs() {
    if !gdal("gdal_lists_every_layer_with_its_count_types_and_crs") {
        return;
    }
    let dir = util::tempdir();
    let (s, n, c) = (settlements(250), network(12), catchments());
    let layers: [&dyn Layer; 3] = [&s, &n, &c];
    let path = write(dir.path(), &layers);
    let out = Command::new("ogrinfo")
        .args(["-so", "-al"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "GDAL warns: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Split the report into its layers.
    let mut reports: BTreeMap<String, String> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            current = Some(name.to_string());
        }
        if let Some(name) = &current {
            reports
                .entry(name.clone())
                .or_default()
                .push_str(&format!("{line}\n"));
        }
    }
    let names: Vec<&str> = reports.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["catchments", "layer_styles", "network", "settlements"]
    );
    for layer in layers {
        let report = &reports[layer.name()];
        assert!(
            report.contains(&format!("Feature Count: {}\n", layer.len())),
            "{report}"
        );
        let geometry = match layer.geometry_type() {
            GeometryType::Point => "Geometry: Point",
            GeometryType::LineString => "Geometry: Line String",
            GeometryType::MultiPolygon => "Geometry: Multi Polygon",
        };
        assert!(report.contains(geometry), "{report}");
        assert!(
            report.contains("ID[\"EPSG\",4326]") || report.contains("AUTHORITY[\"EPSG\",\"4326\"]"),
            "{report}"
        );
        for col in layer.columns() {
            let ty = match col.ty {
                ColumnType::Real => "Real",
                ColumnType::Integer => "Integer64",
                ColumnType::Text | ColumnType::TextList => "String",
                ColumnType::Boolean => "Integer(Boolean)",
            };
            let line = report
                .lines()
                .find(|l| l.starts_with(&format!("{}: ", col.name)))
                .unwrap_or_else(|| panic!("{} not listed in {report}", col.name));
            assert!(line.starts_with(&format!("{}: {ty} ", col.name)), "{line}");
        }
    }
    // The spatial index is GDAL's to use.
    let out = Command::new("ogrinfo")
        .args([
            "-ro",
            "-q",
            "-sql",
            "SELECT HasSpatialIndex('settlements', 'geom')",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("= 1"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A GDAL-readable file converted to GeoJSON by `ogr2ogr`, parsed.
pub(crate) fn ogr_geojson(path: &Path, dir: &Path, layer: &str) -> Json {
    let out = dir.join(format!(
        "{}.ogr.geojson",
        path.file_name().unwrap().to_string_lossy()
    ));
    let run = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON"])
        .arg(&out)
        .arg(path)
        .arg(layer)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    util::read_json(&out)
}

/// Features of a GeoJSON document by their properties and coordinates as text (a key unique
/// within each layer): the coordinates and properties, lists joined with `;` and nulls left
/// out, as FlatGeobuf and GeoPackage keep them.
pub(crate) fn by_key(doc: &Json) -> BTreeMap<String, (Json, BTreeMap<String, Json>)> {
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let props: BTreeMap<String, Json> = f["properties"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let v = match v {
                        Json::Array(items) => json!(items
                            .iter()
                            .map(|i| i.as_str().unwrap())
                            .collect::<Vec<_>>()
                            .join(";")),
                        v => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect();
            let coords = f["geometry"]["coordinates"].clone();
            (format!("{props:?} {coords}"), (coords, props))
        })
        .collect()
}

#[test]
fn gdal_reads_the_demo_layers_as_their_geojson_has_them() {
    use servicegap::analysis::{analyze, AnalysisOptions};
    use servicegap::report::{geojson, NetworkLayer, ServicesLayer, SettlementsLayer};
    if !gdal("gdal_reads_the_demo_layers_as_their_geojson_has_them") {
        return;
    }
    let dir = util::tempdir();
    let region = util::read_extract("de-north-bayreuth-rural");
    let analysis = analyze(&region, &AnalysisOptions::default());
    let settlements = SettlementsLayer::new(&region, &analysis, None);
    let services = ServicesLayer::new(&region, &analysis);
    let network = NetworkLayer::new(&region);
    let layers: [&dyn Layer; 3] = [&settlements, &services, &network];
    let gpkg = write(dir.path(), &layers);
    for layer in layers {
        let name = layer.name();
        let mut text = Vec::new();
        geojson::write_layer(&mut text, layer).unwrap();
        let want = by_key(&serde_json::from_slice(&text).unwrap());
        assert!(!want.is_empty(), "{name}: the demo region has them");
        let fgb = dir.path().join(format!("{name}.fgb"));
        let mut bytes = Vec::new();
        write_fgb(&mut bytes, layer).unwrap();
        std::fs::write(&fgb, bytes).unwrap();
        for path in [&fgb, &gpkg] {
            let got = by_key(&ogr_geojson(path, dir.path(), name));
            assert_eq!(got.len(), want.len(), "{name} in {}", path.display());
            for (key, feature) in &want {
                assert_eq!(
                    got.get(key),
                    Some(feature),
                    "{name} {key} in {}",
                    path.display()
                );
            }
        }
    }
}

// ---- The bulk-loaded R-tree --------------------------------------------------------------
//
// The writer packs the R-tree itself and writes the R*Tree module's tables directly. The
// oracles: SQLite's `rtreecheck()`, a scan of the envelopes for box queries, and a reference
// R-tree that SQLite fills itself, row by row, from the same envelopes.

/// Rows of a `boxes` layer: a diagonal line per box (so the box is its envelope), a point now
/// and then and an empty line every 97th row. With `exact`, every coordinate is a multiple of
/// 1/1024, which a float holds exactly, so the index keeps the boxes unrounded.
fn boxes(n: usize, seed: u64, exact: bool) -> TestLayer {
    let mut seed = seed;
    let mut coord = |lo: f64, span: f64| {
        let v = lo + unit(&mut seed) * span;
        if exact {
            (v * 1024.0).round() / 1024.0
        } else {
            v
        }
    };
    let rows = (0..n)
        .map(|i| {
            let (x, y) = (coord(11.0, 2.0), coord(55.0, 2.0));
            let shape = if i % 97 == 96 {
                Shape::Line(Vec::new())
            } else if i % 13 == 0 {
                Shape::Point([x, y])
            } else {
                let size = if i % 5 == 0 { 0.3 } else { 0.01 };
                Shape::Line(vec![[x, y], [x + coord(0.0, size), y + coord(0.0, size)]])
            };
            (shape, vec![Value::Integer(i as i64)])
        })
        .collect();
    TestLayer {
        name: "boxes".into(),
        geometry_type: GeometryType::LineString,
        columns: vec![Column::new("n", ColumnType::Integer)],
        rows,
    }
}

/// (fid, [min x, max x, min y, max y]) of every row of `layer` with a geometry.
fn envelopes(layer: &TestLayer) -> Vec<(i64, [f64; 4])> {
    layer
        .rows
        .iter()
        .enumerate()
        .filter(|(_, (shape, _))| !shape.coords().is_empty())
        .map(|(i, (shape, _))| {
            let [x0, y0, x1, y1] = bbox(shape.coords());
            (i as i64 + 1, [x0, x1, y0, y1])
        })
        .collect()
}

/// A random query box (min x, max x, min y, max y) over the layers' area and a little beyond,
/// from a sliver to the whole.
fn query_box(seed: &mut u64) -> [f64; 4] {
    let size = [0.001, 0.05, 0.4, 3.0][(unit(seed) * 4.0) as usize];
    let (x, y) = (10.8 + unit(seed) * 2.4, 54.8 + unit(seed) * 2.4);
    [x, x + unit(seed) * size, y, y + unit(seed) * size]
}

/// Ids whose box in R-tree `table` meets `q`, sorted, by the R-tree's own search.
fn rtree_ids(db: &Connection, table: &str, q: [f64; 4]) -> Vec<i64> {
    let mut ids: Vec<i64> = db
        .prepare(&format!(
            "SELECT id FROM {table} WHERE minx <= ?2 AND maxx >= ?1 AND miny <= ?4 AND maxy >= ?3"
        ))
        .unwrap()
        .query_map(q, |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids.sort_unstable();
    ids
}

/// Ids whose box meets `q`, by a scan.
fn scan_ids(entries: &[(i64, [f64; 4])], q: [f64; 4]) -> Vec<i64> {
    entries
        .iter()
        .filter(|(_, b)| b[0] <= q[1] && b[1] >= q[0] && b[2] <= q[3] && b[3] >= q[2])
        .map(|(id, _)| *id)
        .collect()
}

/// What `rtreecheck()` says of R-tree `table`.
fn rtreecheck(db: &Connection, table: &str) -> String {
    db.query_row(&format!("SELECT rtreecheck('{table}')"), [], |r| r.get(0))
        .unwrap()
}

/// Every row of R-tree `table`, by id.
fn rtree_rows(db: &Connection, table: &str) -> Vec<(i64, [f64; 4])> {
    db.prepare(&format!(
        "SELECT id, minx, maxx, miny, maxy FROM {table} ORDER BY id"
    ))
    .unwrap()
    .query_map([], |r| {
        Ok((r.get(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// A new R-tree `table` in `db` that SQLite fills itself, one row at a time.
fn reference_rtree(db: &Connection, table: &str, entries: &[(i64, [f64; 4])]) {
    db.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {table} USING rtree(id, minx, maxx, miny, maxy)"
    ))
    .unwrap();
    let mut insert = db
        .prepare(&format!("INSERT INTO {table} VALUES (?1, ?2, ?3, ?4, ?5)"))
        .unwrap();
    for (id, [a, b, c, d]) in entries {
        insert.execute(rusqlite::params![id, a, b, c, d]).unwrap();
    }
}

#[test]
fn a_bulk_loaded_rtree_answers_box_queries_as_a_scan_of_the_envelopes() {
    let dir = util::tempdir();
    // Empty, one leaf (full or not), a root over leaves (full or not), three levels.
    for n in [0, 1, 51, 52, 2601, 2602, 200_000] {
        let layer = boxes(n, 3 + n as u64, true);
        let path = dir.path().join(format!("boxes-{n}.gpkg"));
        write_gpkg(&path, &[&layer], &styles()).unwrap();
        let db = Connection::open(&path).unwrap();
        assert_eq!(rtreecheck(&db, "rtree_boxes_geom"), "ok", "{n} rows");
        let entries = envelopes(&layer);
        // The boxes are exact floats: the index holds them unchanged.
        assert_eq!(rtree_rows(&db, "rtree_boxes_geom"), entries, "{n} rows");
        // The depth the root records is the least that holds every entry, 51 to a node.
        let root: Vec<u8> = db
            .query_row(
                "SELECT data FROM rtree_boxes_geom_node WHERE nodeno = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let mut depth = 0;
        while 51usize.pow(depth + 1) < entries.len() {
            depth += 1;
        }
        assert_eq!(u32::from(u16::from_be_bytes([root[0], root[1]])), depth);
        let mut seed = 99 + n as u64;
        for _ in 0..if n > 10_000 { 60 } else { 200 } {
            let q = query_box(&mut seed);
            assert_eq!(
                rtree_ids(&db, "rtree_boxes_geom", q),
                scan_ids(&entries, q),
                "{n} rows, query {q:?}"
            );
        }
    }
}

#[test]
fn a_bulk_loaded_rtree_holds_what_sqlite_would_have_inserted() {
    let dir = util::tempdir();
    for n in [1, 52, 2602, 20_000] {
        // Any coordinates: the index rounds them outward to floats, as SQLite does.
        let layer = boxes(n, 17 + n as u64, false);
        let path = dir.path().join(format!("boxes-{n}.gpkg"));
        write_gpkg(&path, &[&layer], &styles()).unwrap();
        let db = Connection::open(&path).unwrap();
        assert_eq!(rtreecheck(&db, "rtree_boxes_geom"), "ok", "{n} rows");
        let entries = envelopes(&layer);
        reference_rtree(&db, "reference", &entries);
        let rows = rtree_rows(&db, "rtree_boxes_geom");
        assert_eq!(rows, rtree_rows(&db, "reference"), "{n} rows");
        for (id, b) in &rows {
            let e = entries.iter().find(|(i, _)| i == id).unwrap().1;
            assert!(b[0] <= e[0] && b[1] >= e[1] && b[2] <= e[2] && b[3] >= e[3]);
        }
        let mut seed = 5 + n as u64;
        for _ in 0..100 {
            let q = query_box(&mut seed);
            assert_eq!(
                rtree_ids(&db, "rtree_boxes_geom", q),
                rtree_ids(&db, "reference", q),
                "{n} rows, query {q:?}"
            );
        }
    }
}

#[test]
fn a_bulk_loaded_rtree_takes_the_edits_the_triggers_make() {
    // The statements the triggers run, on the index itself (the triggers need the ST_
    // functions of a GeoPackage reader): deletes that empty leaves, moves and inserts.
    let dir = util::tempdir();
    let layer = boxes(6000, 23, true);
    let path = write(dir.path(), &[&layer]);
    let db = Connection::open(&path).unwrap();
    let mut entries: BTreeMap<i64, [f64; 4]> = envelopes(&layer).into_iter().collect();
    let mut seed = 31;
    for round in 0..4 {
        let ids: Vec<i64> = entries.keys().copied().collect();
        for id in ids {
            let r = unit(&mut seed);
            if r < 0.3 {
                db.execute("DELETE FROM rtree_boxes_geom WHERE id = ?1", [id])
                    .unwrap();
                entries.remove(&id);
            } else if r < 0.4 {
                let q = query_box(&mut seed);
                let b = q.map(|v| (v * 1024.0).round() / 1024.0);
                db.execute(
                    "INSERT OR REPLACE INTO rtree_boxes_geom VALUES (?1, ?2, ?3, ?4, ?5)",
                    rusqlite::params![id, b[0], b[1], b[2], b[3]],
                )
                .unwrap();
                entries.insert(id, b);
            }
        }
        for k in 0..500 {
            let id = 100_000 * (round + 1) + k;
            let [x, _, y, _] = query_box(&mut seed).map(|v| (v * 1024.0).round() / 1024.0);
            let b = [x, x + 0.125, y, y + 0.25];
            db.execute(
                "INSERT OR REPLACE INTO rtree_boxes_geom VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, b[0], b[1], b[2], b[3]],
            )
            .unwrap();
            entries.insert(id, b);
        }
        assert_eq!(rtreecheck(&db, "rtree_boxes_geom"), "ok", "round {round}");
        let entries: Vec<(i64, [f64; 4])> = entries.iter().map(|(i, b)| (*i, *b)).collect();
        assert_eq!(rtree_rows(&db, "rtree_boxes_geom"), entries);
        for _ in 0..50 {
            let q = query_box(&mut seed);
            assert_eq!(rtree_ids(&db, "rtree_boxes_geom", q), scan_ids(&entries, q));
        }
    }
}

#[test]
fn gdal_edits_through_the_triggers_keep_the_bulk_loaded_rtree_right() {
    if !gdal("gdal_edits_through_the_triggers_keep_the_bulk_loaded_rtree_right") {
        return;
    }
    let dir = util::tempdir();
    let layer = boxes(3000, 41, false);
    let path = write(dir.path(), &[&layer]);
    for statement in [
        "DELETE FROM boxes WHERE fid % 7 = 0",
        "UPDATE boxes SET fid = fid + 100000 WHERE fid % 11 = 0",
        "UPDATE boxes SET geom = (SELECT geom FROM boxes WHERE fid = 1) WHERE fid % 13 = 0",
        "UPDATE boxes SET geom = NULL WHERE fid % 19 = 0",
        "INSERT INTO boxes (geom, n) SELECT geom, n FROM boxes WHERE fid % 17 = 0",
    ] {
        let out = Command::new("ogrinfo")
            .arg(&path)
            .args(["-q", "-sql", statement])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{statement}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = Connection::open(&path).unwrap();
    assert_eq!(rtreecheck(&db, "rtree_boxes_geom"), "ok");
    // The index now holds the envelope of every geometry left, as SQLite inserts it.
    let entries: Vec<(i64, [f64; 4])> = db
        .prepare("SELECT fid, geom FROM boxes WHERE geom IS NOT NULL ORDER BY fid")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .unwrap()
        .map(|r| {
            let (fid, blob) = r.unwrap();
            (fid, decode(&blob).0)
        })
        .filter_map(|(fid, envelope)| envelope.map(|e| (fid, e)))
        .collect();
    assert!(entries.len() > 2000 && entries.iter().any(|(fid, _)| *fid > 100_000));
    reference_rtree(&db, "reference", &entries);
    assert_eq!(
        rtree_rows(&db, "rtree_boxes_geom"),
        rtree_rows(&db, "reference")
    );
}
