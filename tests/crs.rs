//! SWEREF 99 TM on real data: the Pipos pharmacy list of 2025-11-12 (`data/sweden/`), whose
//! 1 968 service points carry both their SWEREF 99 TM X/Y (EPSG:3006, as published by
//! Tillväxtverket) and lon/lat computed independently with pyproj (PROJ) to 7 decimals; see
//! `data/sweden/SOURCES.md` in the shared data folder.

use servicegap::input::crs::Crs;

use crate::util::data;

const PIPOS: &str = "data/sweden/pipos_apoteksvaror_2025-11-12.csv";

/// One service point: its id, SWEREF 99 TM (x, y), and pyproj's (lon, lat).
struct Point {
    id: String,
    sweref: (f64, f64),
    lon_lat: (f64, f64),
}

fn read_pipos() -> Vec<Point> {
    let path = data(PIPOS);
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{PIPOS}: {e}"));
    let headers = reader
        .headers()
        .unwrap_or_else(|e| panic!("{PIPOS}: {e}"))
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{PIPOS}: no column {name}"))
    };
    let (id, x, y, lon, lat) = (
        column("Serviceplatsid"),
        column("X"),
        column("Y"),
        column("lon_wgs84"),
        column("lat_wgs84"),
    );
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.unwrap_or_else(|e| panic!("{PIPOS}: record {}: {e}", i + 1));
            let num = |col: usize| -> f64 {
                record[col].trim().parse().unwrap_or_else(|e| {
                    panic!("{PIPOS}: record {}: {:?}: {e}", i + 1, &record[col])
                })
            };
            Point {
                id: record[id].to_string(),
                sweref: (num(x), num(y)),
                lon_lat: (num(lon), num(lat)),
            }
        })
        .collect()
}

#[test]
fn sweref99tm_matches_pyproj_on_every_pipos_pharmacy() {
    let points = read_pipos();
    assert_eq!(points.len(), 1968, "{PIPOS}: rows");
    let crs = Crs::sweref99tm();
    let mut max_dev = 0.0_f64;
    let mut worst = "";
    for p in &points {
        let (x, y) = p.sweref;
        crs.check_plausible(x, y)
            .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        let (lon, lat) = crs
            .to_lon_lat(x, y)
            .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        let dev = (lon - p.lon_lat.0).abs().max((lat - p.lon_lat.1).abs());
        if dev > max_dev {
            max_dev = dev;
            worst = &p.id;
        }
    }
    // pyproj's values are rounded to 7 decimals, so up to 5e-8 degree is rounding alone.
    assert!(
        max_dev < 1e-6,
        "max deviation from pyproj {max_dev:e} degree (at {worst}) over {} points",
        points.len()
    );
    eprintln!(
        "SWEREF 99 TM -> WGS 84, {} Pipos points: max deviation from pyproj {max_dev:e} degree \
         (at {worst})",
        points.len()
    );
}

#[test]
fn sweref99tm_round_trips_every_pipos_pharmacy() {
    let points = read_pipos();
    assert_eq!(points.len(), 1968, "{PIPOS}: rows");
    let crs = Crs::sweref99tm();
    let mut max_dev = 0.0_f64;
    let mut max_metres = 0.0_f64;
    for p in &points {
        let (lon, lat) = p.lon_lat;
        let (x, y) = crs
            .from_lon_lat(lon, lat)
            .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        // pyproj's 7 decimals are about a centimetre: the projected point is that close to
        // the published X/Y (whole metres).
        max_metres = max_metres.max((x - p.sweref.0).abs().max((y - p.sweref.1).abs()));
        let (lon2, lat2) = crs
            .to_lon_lat(x, y)
            .unwrap_or_else(|e| panic!("{}: {e}", p.id));
        max_dev = max_dev.max((lon2 - lon).abs().max((lat2 - lat).abs()));
    }
    assert!(
        max_dev < 1e-9,
        "lon/lat -> SWEREF 99 TM -> lon/lat: max deviation {max_dev:e} degree"
    );
    assert!(
        max_metres < 0.01,
        "lon/lat -> SWEREF 99 TM: {max_metres} m from the published X/Y"
    );
    eprintln!(
        "round trip over {} Pipos points: max {max_dev:e} degree; forward max {max_metres:.4} m \
         from the published X/Y",
        points.len()
    );
}

#[test]
fn pipos_coordinates_declared_as_wgs84_are_refused() {
    let points = read_pipos();
    let Some(first) = points.first() else {
        panic!("{PIPOS}: no rows")
    };
    let Err(e) = Crs::wgs84().check_plausible(first.sweref.0, first.sweref.1) else {
        panic!("SWEREF metres accepted as degrees")
    };
    assert!(e.to_string().contains("EPSG:3006 for SWEREF 99 TM"), "{e}");
    let Err(e) = Crs::sweref99tm().check_plausible(first.lon_lat.0, first.lon_lat.1) else {
        panic!("degrees accepted as SWEREF metres")
    };
    assert!(
        e.to_string().contains("coordinate system to EPSG:4326"),
        "{e}"
    );
}
