//! Planners' service files: the real Pipos export (xlsx and CSV) and generic CSV/GeoJSON lists.

use servicegap::input::crs::Crs;
use servicegap::input::services::read_services;
use servicegap::{ServiceKind, ServiceKinds};

use crate::util::{data, tempdir, write};

/// The Pipos export of pharmacies (Apoteksvaror, 2025-11-12): 1 968 rows, of which 6 repeat
/// the `Serviceplatsid`, place and name of the row before them (another owner, or the other
/// form): 1 962 points, 1 402 Apotek, 559 Apoteksombud and `TVV_0345` both. Our SWEREF 99 TM →
/// WGS 84 conversion matches the coordinates the CSV copy carries (computed with pyproj)
/// within 1e-6°.
#[test]
fn pipos_xlsx_loads_every_pharmacy() {
    let file = read_services(
        &data("data/sweden/pipos_apoteksvaror_2025-11-12.xlsx"),
        None,
    )
    .unwrap();
    assert_eq!(file.format, "pipos");
    assert_eq!(file.points.len(), 1962);
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let forms = |f: &str| {
        file.points
            .iter()
            .filter(|p| p.form.as_deref() == Some(f))
            .count()
    };
    assert_eq!(
        (
            forms("Apotek"),
            forms("Apoteksombud"),
            forms("Apoteksombud; Apotek")
        ),
        (1402, 559, 1)
    );
    assert!(file
        .points
        .iter()
        .all(|p| p.kinds == ServiceKinds::of(ServiceKind::PHARMACY)));
    assert_eq!(file.kinds(), ServiceKinds::PHARMACY);

    let mut reference =
        csv::Reader::from_path(data("data/sweden/pipos_apoteksvaror_2025-11-12.csv")).unwrap();
    let headers = reference.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (id, lon, lat) = (col("Serviceplatsid"), col("lon_wgs84"), col("lat_wgs84"));
    // The reference: the first row of each id, in file order.
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<csv::StringRecord> = reference
        .records()
        .map(|r| r.unwrap())
        .filter(|r| seen.insert(r[id].to_owned()))
        .collect();
    assert_eq!(rows.len(), file.points.len());
    let mut worst = 0.0f64;
    for (record, point) in rows.iter().zip(&file.points) {
        assert_eq!(point.id.to_string(), &record[id]);
        let (x, y): (f64, f64) = (record[lon].parse().unwrap(), record[lat].parse().unwrap());
        worst = worst
            .max((point.coord.lon() - x).abs())
            .max((point.coord.lat() - y).abs());
    }
    assert!(worst < 1e-6, "largest deviation {worst}°");
}

/// The same export as CSV is recognised as Pipos too and gives the same points.
#[test]
fn pipos_csv_equals_xlsx() {
    let xlsx = read_services(
        &data("data/sweden/pipos_apoteksvaror_2025-11-12.xlsx"),
        None,
    )
    .unwrap();
    let csv = read_services(&data("data/sweden/pipos_apoteksvaror_2025-11-12.csv"), None).unwrap();
    assert_eq!(csv.format, "pipos");
    assert_eq!(xlsx.points, csv.points);
}

/// The error message of a read that must fail.
fn error_of<T>(result: servicegap::Result<T>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn generic_csv_and_geojson() {
    let dir = tempdir();
    let csv = write(
        dir.path(),
        "shops.csv",
        "id,name,kinds,lon,lat\nA1,Lanthandeln,grocery;post;payment,15.1,62.2\n,Macken,fuel,15.2,62.3\n",
    );
    let f = read_services(&csv, None).unwrap();
    assert_eq!(f.points.len(), 2);
    assert_eq!(f.points[0].id.to_string(), "A1");
    assert_eq!(
        f.points[0].kinds,
        ServiceKinds::GROCERY | ServiceKinds::POST | ServiceKinds::PAYMENT
    );
    assert_eq!(f.points[1].id.to_string(), format!("{}:3", csv.display()));
    assert_eq!(
        (f.points[1].coord.lon(), f.points[1].coord.lat()),
        (15.2, 62.3)
    );

    // Semicolon-separated, SWEREF 99 TM x/y with --crs.
    let sweref = write(
        dir.path(),
        "sweref.csv",
        "id;kinds;x;y\nB;pharmacy;682175;6547195\n",
    );
    let err = error_of(read_services(&sweref, None));
    assert!(err.contains("set their coordinate system"), "{err}");
    let f = read_services(&sweref, Some(&Crs::sweref99tm())).unwrap();
    assert!((f.points[0].coord.lon() - 18.1739804).abs() < 1e-6);

    let geojson = write(
        dir.path(),
        "points.geojson",
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[15.1,62.2]},
             "properties":{"id":"G1","name":"Butiken","kinds":["grocery","post"]}}]}"#,
    );
    let f = read_services(&geojson, None).unwrap();
    assert_eq!(f.points[0].id.to_string(), "G1");
    assert_eq!(
        f.points[0].kinds,
        ServiceKinds::GROCERY | ServiceKinds::POST
    );
}

#[test]
fn bad_service_files_name_file_and_line() {
    let dir = tempdir();
    let cases = [
        (
            "kind.csv",
            "id,kinds,lon,lat\nA,bakery,15,62\n",
            ":2: unknown kind `bakery`",
        ),
        (
            "num.csv",
            "id,kinds,lon,lat\nA,grocery,east,62\n",
            ":2: `lon` is not a number",
        ),
        (
            "swapped.csv",
            "id,kinds,lon,lat\nA,grocery,682175,6547195\n",
            ":2:",
        ),
        ("nokinds.csv", "id,lon,lat\nA,15,62\n", "no `kinds` column"),
        ("degrees.csv", "id,kinds,x,y\nA,grocery,15.1,62.2\n", ":2:"),
    ];
    for (name, text, expected) in cases {
        let path = write(dir.path(), name, text);
        let crs = (name == "degrees.csv").then(Crs::sweref99tm);
        let err = error_of(read_services(&path, crs.as_ref()));
        assert!(err.starts_with(&path.display().to_string()), "{err}");
        assert!(err.contains(expected), "{name}: {err}");
    }
    let pipos = write(
        dir.path(),
        "pipos.csv",
        "Servicetyp,Serviceform,Serviceplatsid,Namn,X,Y\nBageri,x,1,n,682175,6547195\n",
    );
    let err = error_of(read_services(&pipos, None));
    assert!(err.contains(":2: unknown Servicetyp `Bageri`"), "{err}");
}

/// The `mobile` column (CSV, semicolon CSV with a Pipos layout) and property (GeoJSON): every
/// accepted spelling, an empty cell, a missing column, and JSON booleans.
#[test]
fn mobile_points_from_files() {
    let dir = tempdir();
    let csv = write(
        dir.path(),
        "vans.csv",
        "id,kinds,lon,lat,mobile
\
         a,grocery,15,62,yes
b,grocery,15,62,No
c,grocery,15,62,TRUE
d,grocery,15,62,false
\
         e,grocery,15,62,1
f,grocery,15,62,0
g,grocery,15,62,
",
    );
    let f = read_services(&csv, None).unwrap();
    let flags: Vec<bool> = f.points.iter().map(|p| p.mobile).collect();
    assert_eq!(flags, [true, false, true, false, true, false, false]);

    let without = write(
        dir.path(),
        "shops.csv",
        "id,kinds,lon,lat
a,grocery,15,62
",
    );
    let f = read_services(&without, None).unwrap();
    assert!(!f.points[0].mobile);

    let pipos = write(
        dir.path(),
        "pipos.csv",
        "Servicetyp;Serviceform;Serviceplatsid;Namn;X;Y;mobile
\
         Dagligvaror;Butiksbil;1;Bilen;682175;6915480;ja
",
    );
    let err = error_of(read_services(&pipos, None));
    assert!(err.contains(":2: `mobile` is `ja`"), "{err}");
    let pipos = write(
        dir.path(),
        "pipos_ok.csv",
        "Servicetyp;Serviceform;Serviceplatsid;Namn;X;Y;mobile
\
         Dagligvaror;Butiksbil;1;Bilen;682175;6915480;yes
",
    );
    let f = read_services(&pipos, None).unwrap();
    assert_eq!(f.format, "pipos");
    assert!(f.points[0].mobile);

    let geojson = write(
        dir.path(),
        "vans.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[15,62]},"properties":{"kinds":"grocery","mobile":true}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[15,62]},"properties":{"kinds":"grocery","mobile":false}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[15,62]},"properties":{"kinds":"grocery","mobile":"yes"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[15,62]},"properties":{"kinds":"grocery","mobile":null}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[15,62]},"properties":{"kinds":"grocery"}}]}"#,
    );
    let f = read_services(&geojson, None).unwrap();
    let flags: Vec<bool> = f.points.iter().map(|p| p.mobile).collect();
    assert_eq!(flags, [true, false, true, false, false]);
}

#[test]
fn bad_mobile_values_name_file_line_and_value() {
    let dir = tempdir();
    for (i, bad) in ["sometimes", "y", "2", "ja"].into_iter().enumerate() {
        let path = write(
            dir.path(),
            &format!("bad{i}.csv"),
            &format!(
                "id,kinds,lon,lat,mobile
a,grocery,15,62,no
b,grocery,15,62,{bad}
"
            ),
        );
        let err = error_of(read_services(&path, None));
        assert!(err.starts_with(&format!("{}:3: ", path.display())), "{err}");
        assert!(err.contains(&format!("`mobile` is `{bad}`")), "{err}");
    }
    for (i, bad) in [r#""maybe""#, "1", "[true]"].into_iter().enumerate() {
        let path = write(
            dir.path(),
            &format!("bad{i}.geojson"),
            &format!(
                r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","geometry":{{"type":"Point","coordinates":[15,62]}},"properties":{{"kinds":"grocery"}}}},
{{"type":"Feature","geometry":{{"type":"Point","coordinates":[15,62]}},"properties":{{"kinds":"grocery","mobile":{bad}}}}}]}}"#
            ),
        );
        let err = error_of(read_services(&path, None));
        assert!(err.starts_with(&path.display().to_string()), "{err}");
        assert!(err.contains("feature 2: `mobile` is"), "{err}");
        assert!(err.contains(bad.trim_matches('"')), "{err}");
    }
}

/// A planner's service list and settlement list holding exactly the OSM points of the demo
/// region give exactly the results of the OSM points themselves.
#[test]
fn files_at_the_osm_places_give_the_osm_results() {
    use servicegap::analysis::{analyze, AnalysisOptions};
    use servicegap::input::settlements::read_settlements;

    let pbf = data("data/osm/de-north-bayreuth-rural.osm.pbf");
    let osm =
        servicegap::open::read_pbf(&pbf, &servicegap::read::profile::Profile::default()).unwrap();
    let dir = tempdir();
    let mut services = String::from("id,name,kinds,lon,lat\n");
    for s in &osm.services {
        let kinds: Vec<&str> = servicegap::Kinds::default()
            .of(s.kinds)
            .map(ServiceKind::name)
            .collect();
        services += &format!(
            "{},\"{}\",{},{},{}\n",
            s.id,
            s.name.clone().unwrap_or_default(),
            kinds.join(";"),
            s.coord.lon(),
            s.coord.lat()
        );
    }
    let mut settlements = String::from("id,name,population,lon,lat\n");
    for s in &osm.settlements {
        settlements += &format!(
            "{},\"{}\",{},{},{}\n",
            s.id,
            s.name.clone().unwrap_or_default(),
            s.population.map(|p| p.to_string()).unwrap_or_default(),
            s.coord.lon(),
            s.coord.lat()
        );
    }
    let services = write(dir.path(), "services.csv", &services);
    let settlements = write(dir.path(), "settlements.csv", &settlements);

    let mut planner =
        servicegap::open::read_pbf(&pbf, &servicegap::read::profile::Profile::default()).unwrap();
    let file = read_services(&services, None).unwrap();
    servicegap::open::use_service_files(&mut planner, &[file], false);
    servicegap::open::use_settlements(&mut planner, read_settlements(&settlements, None).unwrap());
    assert_eq!(planner.services.len(), osm.services.len());
    assert_eq!(planner.settlements.len(), 71);

    let options = AnalysisOptions::default();
    let (a, b) = (analyze(&osm, &options), analyze(&planner, &options));
    assert_eq!(a.settlements, b.settlements);
    assert_eq!(a.service_snaps, b.service_snaps);
    assert_eq!(a.kinds, b.kinds);
    for (x, y) in osm.settlements.iter().zip(&planner.settlements) {
        assert_eq!(
            (x.id.to_string(), x.coord, x.population),
            (y.id.to_string(), y.coord, y.population)
        );
    }
}

/// Per kind, a planner's file replaces OSM: with a pharmacy list, OSM pharmacies go, while a
/// shop that was also a pharmacy keeps its other kinds.
#[test]
fn file_kinds_replace_osm_kinds_only() {
    use servicegap::network::region::Region;
    let dir = tempdir();
    let mut region = servicegap::open::read_pbf(
        &data("data/osm/mc-monaco-2020.osm.pbf"),
        &servicegap::read::profile::Profile::default(),
    )
    .unwrap();
    let count =
        |r: &Region, k: ServiceKind| r.services.iter().filter(|s| s.kinds.contains(k)).count();
    let before = ServiceKind::BUILT_IN.map(|k| count(&region, k));
    let list = write(
        dir.path(),
        "apotek.csv",
        "id,kinds,lon,lat\nP1,pharmacy,7.42,43.73\n",
    );
    let file = read_services(&list, None).unwrap();
    servicegap::open::use_service_files(&mut region, &[file], true);
    assert_eq!(count(&region, ServiceKind::PHARMACY), 1);
    for k in [
        ServiceKind::GROCERY,
        ServiceKind::FUEL,
        ServiceKind::POST,
        ServiceKind::PAYMENT,
    ] {
        assert_eq!(count(&region, k), before[k.index()], "{k}");
    }
}
