//! The area an extract covers: settlements and service points beyond it have status
//! `outside` (or are left out), are counted and warned about, and count in no figure. The
//! shipped Södermalm extract with the national SCB grid and the Pipos list is the case in
//! point; the membership is recomputed here from the header box that `osmium fileinfo`
//! reports, with its own ellipsoid.

use crate::util::{self, assert_success, bin, run, stderr};
use servicegap::analysis::{analyze, AnalysisOptions, Status};
use servicegap::base::coord::Coord;
use servicegap::network::region::{ExtentSource, Region};
use servicegap::ServiceKind;

/// `osmium fileinfo -g header.boxes data/osm/se-stockholm-sodermalm.osm.pbf`:
/// `(18.060154,59.3138788,18.0687857,59.3180198)`, as (min lon, min lat, max lon, max lat).
const SODERMALM_BOX: [f64; 4] = [18.060154, 59.3138788, 18.0687857, 59.3180198];

const GRID: &str = "data/sweden/scb_befolkning_1km_2024_populated.csv.gz";
const PIPOS: &str = "data/sweden/pipos_apoteksvaror_2025-11-12.csv";

/// A point on the WGS 84 ellipsoid in earth-centred coordinates, metres.
fn ecef(lon: f64, lat: f64) -> [f64; 3] {
    let a = 6_378_137.0;
    let f = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
    let (phi, lam) = (lat.to_radians(), lon.to_radians());
    let n = a / (1.0 - e2 * phi.sin().powi(2)).sqrt();
    [
        n * phi.cos() * lam.cos(),
        n * phi.cos() * lam.sin(),
        n * (1.0 - e2) * phi.sin(),
    ]
}

/// Whether `c` lies in the box or at most `margin_m` from it: the nearest point of a
/// lon/lat box is the point clamped into it, and below 10 km the chord differs from the
/// distance on the surface by well under a millimetre.
fn in_box(bbox: [f64; 4], c: Coord, margin_m: f64) -> bool {
    let [w, s, e, n] = bbox;
    let (lon, lat) = (c.lon(), c.lat());
    let near = (lon.clamp(w, e), lat.clamp(s, n));
    let (p, q) = (ecef(lon, lat), ecef(near.0, near.1));
    let chord = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt();
    chord <= margin_m
}

/// Södermalm with the SCB grid as settlements and the Pipos list as pharmacies.
fn swedish_region() -> Region {
    let mut region = util::read_extract("se-stockholm-sodermalm");
    let grid = servicegap::input::settlements::read_settlements(&util::data(GRID), None).unwrap();
    servicegap::open::use_settlements(&mut region, grid);
    let pipos = servicegap::input::services::read_services(&util::data(PIPOS), None).unwrap();
    servicegap::open::use_service_files(&mut region, &[pipos], true);
    region
}

#[test]
fn header_box_is_the_extent_of_the_shipped_extract() {
    let region = util::read_extract("se-stockholm-sodermalm");
    let extent = region.extent.as_ref().unwrap();
    assert_eq!(extent.source, ExtentSource::HeaderBox);
    let lons: Vec<f64> = extent.ring.iter().map(|c| c.lon()).collect();
    let lats: Vec<f64> = extent.ring.iter().map(|c| c.lat()).collect();
    let [w, s, e, n] = SODERMALM_BOX;
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (got, want) in [
        (min(&lons), w),
        (min(&lats), s),
        (max(&lons), e),
        (max(&lats), n),
    ] {
        assert!((got - want).abs() < 1e-7, "{got} vs {want}");
    }
}

#[test]
fn swedish_flow_counts_outside_squares_and_sums_only_inside() {
    let region = swedish_region();
    let options = AnalysisOptions {
        snap: servicegap::network::snap::SnapOptions {
            min_component_nodes: 2,
        },
        ..AnalysisOptions::default()
    };
    let margin = options.max_snap_m;
    let inside: Vec<bool> = region
        .settlements
        .iter()
        .map(|s| in_box(SODERMALM_BOX, s.coord, margin))
        .collect();
    let n_inside = inside.iter().filter(|&&i| i).count();
    let n_outside = inside.len() - n_inside;
    assert!(
        n_inside > 0 && n_outside > 100_000,
        "{n_inside} {n_outside}"
    );
    let services_outside = region
        .services
        .iter()
        .filter(|s| !in_box(SODERMALM_BOX, s.coord, margin))
        .count();
    assert!(services_outside > 0);

    let result = analyze(&region, &options);
    assert_eq!(result.settlements_outside, n_outside);
    assert_eq!(result.services_outside, services_outside);
    for (r, &inside) in result.settlements.iter().zip(&inside) {
        assert_eq!(r.status == Status::Outside, !inside);
        if !inside {
            assert!(r.snap.is_none() && r.line.iter().all(Option::is_none));
            assert!(r.kinds.iter().all(|k| !k.gap && k.length_dm.is_none()));
        }
    }
    // Gap figures over the inside squares only, counted here from the per-square results.
    let population: u64 = region
        .settlements
        .iter()
        .zip(&inside)
        .filter(|(_, &i)| i)
        .filter_map(|(s, _)| s.population)
        .sum();
    for (k, summary) in result.kinds.iter().enumerate() {
        assert_eq!(summary.settlements, n_inside, "{}", summary.kind);
        assert_eq!(summary.outside, n_outside);
        assert_eq!(summary.population, population);
        let gap: Vec<usize> = (0..inside.len())
            .filter(|&i| inside[i] && result.settlements[i].kinds[k].gap)
            .collect();
        assert_eq!(summary.gap_settlements, gap.len());
        let gap_population: u64 = gap
            .iter()
            .filter_map(|&i| region.settlements[i].population)
            .sum();
        assert_eq!(summary.gap_population, gap_population);
        assert_eq!(
            summary.gap_share_settlements,
            Some(gap.len() as f64 / n_inside as f64)
        );
    }
    // Some inside squares reach a pharmacy within the threshold: not everything is a gap.
    let pharmacy = &result.kinds[ServiceKind::PHARMACY.index()];
    assert!(pharmacy.services > 0 && pharmacy.gap_settlements < n_inside);
    let warning = format!(
        "{n_outside} of {} settlements lie outside the extract: analysed {n_inside}",
        inside.len()
    );
    assert!(
        result.warnings.iter().any(|w| w.message == warning),
        "{:?}",
        result.warnings
    );

    // vulnerable and suggest leave the same squares out: nothing outside is served, stranded or
    // counted as a gap to close.
    let v = servicegap::whatif::vulnerability::vulnerability(
        &region,
        &options,
        ServiceKind::PHARMACY,
        None,
    );
    assert!(v
        .points
        .iter()
        .flat_map(|p| &p.served)
        .all(|s| inside[s.settlement as usize]));
    let s = servicegap::whatif::suggest::suggest(
        &region,
        &options,
        ServiceKind::PHARMACY,
        1,
        &servicegap::whatif::suggest::Candidates::MainNetworkNodes,
    );
    assert_eq!(s.gap_settlements, pharmacy.gap_settlements);
}

#[test]
fn command_line_warns_once_and_writes_status_outside() {
    let region = swedish_region();
    let margin = AnalysisOptions::default().max_snap_m;
    let inside: Vec<bool> = region
        .settlements
        .iter()
        .map(|s| in_box(SODERMALM_BOX, s.coord, margin))
        .collect();
    let n_outside = inside.iter().filter(|&&i| !i).count();
    let total = inside.len();
    let dir = util::tempdir();
    let out = run(bin()
        .arg("analyze")
        .arg(util::extract("se-stockholm-sodermalm"))
        .arg("--settlements")
        .arg(util::data(GRID))
        .arg("--services")
        .arg(util::data(PIPOS))
        .args(["--min-component-nodes", "2"])
        .arg("--out-dir")
        .arg(dir.path()));
    assert_success(&out, "analyze with the national grid");
    let err = stderr(&out);
    let line = format!(
        "warning: {n_outside} of {total} settlements lie outside the extract: analysed {}",
        total - n_outside
    );
    assert_eq!(err.lines().filter(|l| *l == line).count(), 1, "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning: ") && l.contains("service points lie outside")),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{n_outside} outside the extract (not analysed)")),
        "{stdout}"
    );

    let csv = std::fs::read_to_string(dir.path().join("settlements.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (status, gap) = (col("status"), col("grocery_gap"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), total);
    for (row, &inside) in rows.iter().zip(&inside) {
        assert_eq!(row[status] == "outside", !inside, "{row:?}");
        if !inside {
            assert_eq!(row[gap], "", "no gap value outside: {row:?}");
        }
    }

    let geojson = util::read_json(&dir.path().join("settlements.geojson"));
    let features = geojson["features"].as_array().unwrap();
    let outside_features = features
        .iter()
        .filter(|f| f["properties"]["status"] == "outside")
        .count();
    assert_eq!(outside_features, n_outside);

    let summary = util::read_json(&dir.path().join("summary.json"));
    assert_eq!(summary["settlements"], total);
    assert_eq!(summary["settlements_outside"], n_outside);
    for kind in ServiceKind::BUILT_IN {
        let k = &summary["kinds"][kind.name()];
        assert_eq!(k["outside"], n_outside);
        assert_eq!(k["settlements"], total - n_outside);
    }
}

#[test]
fn too_small_network_is_said_with_the_largest_part() {
    // Södermalm's largest strongly connected part: the run with min_component_nodes at that
    // size snaps settlements, one more snaps none.
    let region = swedish_region();
    let with = |n: u32| {
        let options = AnalysisOptions {
            snap: servicegap::network::snap::SnapOptions {
                min_component_nodes: n,
            },
            ..AnalysisOptions::default()
        };
        analyze(&region, &options)
    };
    let out = run(bin()
        .arg("analyze")
        .arg(util::extract("se-stockholm-sodermalm"))
        .arg("--settlements")
        .arg(util::data(GRID)));
    assert_success(&out, "analyze Södermalm");
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.contains("no road component has the 50 nodes"))
        .unwrap_or_else(|| panic!("no warning about the network: {err}"));
    assert!(line.starts_with("warning: "), "{line}");
    let largest: u32 = line
        .rsplit("--min-component-nodes ")
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no fix in {line}"));
    assert!(
        line.contains(&format!("(the largest has {largest})")),
        "{line}"
    );
    let snapped = |n| {
        with(n)
            .settlements
            .iter()
            .filter(|s| s.status == Status::Ok)
            .count()
    };
    assert!(snapped(largest) > 0);
    assert_eq!(snapped(largest + 1), 0);
}

#[test]
fn road_hull_without_a_header_box() {
    // The hand-made fixtures have no header box: the hull of the road nodes is the extent.
    let path = util::fixture("roads.osm.pbf");
    let region = servicegap::open::read_pbf(&path, &Default::default()).unwrap();
    let extent = region.extent.as_ref().unwrap();
    assert_eq!(extent.source, ExtentSource::RoadHull);
    let graph = &region.graph;
    let nodes: Vec<Coord> = (0..graph.node_count() as u32)
        .map(|n| graph.coord(servicegap::network::graph::NodeIdx(n)))
        .collect();
    assert!(nodes.iter().all(|&c| extent.covers(c, 0.0)));
    // Due east of the easternmost node: 4 km is covered with the 5 km margin, 6 km is not.
    let east = nodes.iter().copied().max_by_key(|c| c.lon_e7).unwrap();
    let metres_per_degree = (ecef(east.lon(), east.lat())[0]
        - ecef(east.lon() + 1e-3, east.lat())[0])
        .hypot(ecef(east.lon(), east.lat())[1] - ecef(east.lon() + 1e-3, east.lat())[1])
        / 1e-3;
    let at = |m: f64| Coord::from_degrees(east.lon() + m / metres_per_degree, east.lat());
    assert!(extent.covers(at(4000.0), 5000.0));
    assert!(!extent.covers(at(6000.0), 5000.0));
}

#[test]
fn cache_keeps_the_extent() {
    let dir = util::tempdir();
    let cache = dir.path().join("sodermalm.sgraph");
    let out = run(bin()
        .arg("build")
        .arg(util::extract("se-stockholm-sodermalm"))
        .arg("-o")
        .arg(&cache));
    assert_success(&out, "build");
    let profile = Default::default();
    let loaded = servicegap::open::open(&cache, &profile).unwrap();
    let read = util::read_extract("se-stockholm-sodermalm");
    assert_eq!(loaded.extent, read.extent);
    assert!(loaded.extent.is_some());
}

#[test]
fn caches_of_format_version_1_without_the_extent_are_refused() {
    let region = util::read_extract("se-stockholm-sodermalm");
    let mut bytes = servicegap::store::cache::to_bytes(&region, 7);
    assert!(servicegap::store::cache::from_bytes(&bytes, 7).is_ok());
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    let err = servicegap::store::cache::from_bytes(&bytes, 7)
        .err()
        .unwrap_or_else(|| panic!("a version 1 cache was accepted"));
    let text = err.to_string();
    assert!(
        text.contains("format version 1") && text.contains("rebuild"),
        "{text}"
    );
}
