//! The documented tag rules that `tests/fixtures/rules.osm` holds (see tests/fixtures/README.md,
//! section 7): the point an area is placed at, every accepted `maxspeed` form, ferry
//! `duration`s (decimal hours), `route=ferry` with a `highway` tag, car access values on roads,
//! tracks and ferries, and the keys of summary.json against the README's table.
//!
//! Expected values come from the rules as documented (module docs of `src/read/profile.rs` and
//! `src/read/osm/area.rs`, the README), applied in this file to the node coordinates of the
//! `.osm` source: edge lengths with [`distance_m`] summed over the segments, times from the
//! documented speed or duration, area points from the hand-worked values in the fixture's
//! comments.

use servicegap::base::coord::{distance_m, Coord};
use servicegap::base::feature::OsmId;
use servicegap::network::graph::Edge;
use servicegap::network::region::Region;
use servicegap::read::profile::{class_name, Profile};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::{bin, fixture, read_json, rel, tempdir, tenths, way, write};

/// The fixture read from its `.osm.pbf`, with the node coordinates of its `.osm` source.
struct Rules {
    region: Region,
    coords: BTreeMap<i64, Coord>,
}

fn load() -> Rules {
    let region = servicegap::open::read_pbf(&fixture("rules.osm.pbf"), &Profile::default())
        .unwrap_or_else(|e| panic!("rules.osm.pbf: {e}"));
    let xml = std::fs::read_to_string(fixture("rules.osm")).unwrap();
    let mut coords = BTreeMap::new();
    for (pos, _) in xml.match_indices("<node ") {
        let element = &xml[pos..pos + xml[pos..].find('>').unwrap()];
        let attr = |key: &str| -> &str {
            let pattern = format!(" {key}=\"");
            let start = element.find(&pattern).unwrap() + pattern.len();
            &element[start..start + element[start..].find('"').unwrap()]
        };
        let id: i64 = attr("id").parse().unwrap();
        let lon: f64 = attr("lon").parse().unwrap();
        let lat: f64 = attr("lat").parse().unwrap();
        coords.insert(id, Coord::from_degrees(lon, lat));
    }
    Rules { region, coords }
}

impl Rules {
    /// Length in metres along OSM nodes, segment by segment.
    fn length_m(&self, nodes: &[i64]) -> f64 {
        nodes
            .windows(2)
            .map(|w| distance_m(self.coords[&w[0]], self.coords[&w[1]]))
            .sum()
    }

    /// The edges of one way.
    fn edges(&self, way_id: i64) -> Vec<&Edge> {
        let edges = self.region.graph.edges().iter();
        edges.filter(|e| e.way_id == way_id).collect()
    }

    /// The one edge of an isolated two-node way `[a, a + 1]`, checked against its length.
    fn only_edge(&self, way_id: i64, a: i64) -> &Edge {
        let edges = self.edges(way_id);
        assert_eq!(edges.len(), 1, "W{way_id}: one edge");
        let e = edges[0];
        assert_eq!(
            e.length_dm,
            tenths(self.length_m(&[a, a + 1])),
            "W{way_id}: length"
        );
        assert!(!e.oneway, "W{way_id}: two-way");
        e
    }

    /// The location of a service point or settlement, in degrees.
    fn location(&self, id: OsmId) -> (f64, f64) {
        let services = self.region.services.iter().map(|s| (s.id.osm(), s.coord));
        let settlements = self
            .region
            .settlements
            .iter()
            .map(|s| (s.id.osm(), s.coord));
        let mut found = services.chain(settlements).filter(|(i, _)| *i == Some(id));
        let (_, c) = found.next().unwrap_or_else(|| panic!("{id} not read"));
        (c.lon(), c.lat())
    }
}

/// Whether `p` is inside a polygon (even-odd rule over all its rings).
fn inside(p: (f64, f64), rings: &[&[(f64, f64)]]) -> bool {
    let mut odd = false;
    for ring in rings {
        for (i, &a) in ring.iter().enumerate() {
            let b = ring[(i + 1) % ring.len()];
            if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1) {
                odd = !odd;
            }
        }
    }
    odd
}

/// The area centroid of a polygon with holes (shoelace), to show where it would have been.
fn centroid(rings: &[&[(f64, f64)]]) -> (f64, f64) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (k, ring) in rings.iter().enumerate() {
        let sign = if k == 0 { 1.0 } else { -1.0 };
        let (mut ra, mut rx, mut ry) = (0.0, 0.0, 0.0);
        for (i, &p) in ring.iter().enumerate() {
            let q = ring[(i + 1) % ring.len()];
            let cross = p.0 * q.1 - q.0 * p.1;
            ra += cross / 2.0;
            rx += (p.0 + q.0) * cross / 6.0;
            ry += (p.1 + q.1) * cross / 6.0;
        }
        // Orientation-free: each ring counts by its absolute area, holes subtracted.
        let s = sign * ra.signum();
        a += s * ra;
        cx += s * rx;
        cy += s * ry;
    }
    (cx / a, cy / a)
}

/// A documented area point, compared to 1e-7 degree (the storage unit).
fn assert_at(got: (f64, f64), want: (f64, f64), what: &str) {
    assert!(
        (got.0 - want.0).abs() <= 1.01e-7 && (got.1 - want.1).abs() <= 1.01e-7,
        "{what}: at {got:?}, documented {want:?}"
    );
}

// =============================================================================================
// Area points
// =============================================================================================

/// The rule of `src/read/osm/area.rs`: the middle of the widest stretch of the scan line
/// through the middle of the latitude range, holes excluded; the widest part of a
/// multipolygon; the line moved off a node; the bounding-box middle of a flat ring.
#[test]
fn area_points_follow_the_scan_line_rule() {
    let r = load();
    let ring = |ids: &[i64]| -> Vec<(f64, f64)> {
        ids.iter()
            .map(|i| (r.coords[i].lon(), r.coords[i].lat()))
            .collect()
    };

    // W1, L-shaped: the line at 62.012 is inside for 15.000-15.001 only.
    let l = ring(&[1, 2, 3, 4, 5, 6]);
    let p = r.location(way(1));
    assert_at(p, (15.0005, 62.012), "W1 (L)");
    assert!(inside(p, &[&l]), "W1: inside the L");
    assert!(!inside(centroid(&[&l]), &[&l]), "W1: its centroid is not");

    // R1, a village around a lake: the western stretch (0.001) beats the eastern (0.0005).
    let (outer, lake) = (ring(&[11, 12, 13, 14]), ring(&[15, 16, 17, 18]));
    let p = r.location(rel(1));
    assert_at(p, (15.0105, 62.012), "R1 (hole)");
    assert!(inside(p, &[&outer, &lake]), "R1: on land");
    let c = centroid(&[&outer, &lake]);
    assert!(inside(c, &[&lake]), "R1: its centroid is in the lake");

    // R2, two outer parts, the small one first: the wide part's stretch (0.003) wins.
    let p = r.location(rel(2));
    assert_at(p, (15.0245, 62.011), "R2 (two parts)");
    assert!(
        inside(p, &[&ring(&[25, 26, 27, 28])]),
        "R2: in the wide part"
    );

    // W7, nodes on the middle latitude: the line moves halfway towards node 31's latitude,
    // the first of the two equally near in ring order.
    let (lat31, lat32) = (r.coords[&31].lat(), r.coords[&32].lat());
    let lat33 = r.coords[&33].lat();
    assert_eq!(
        (lat31 + lat33) / 2.0,
        lat32,
        "W7: node 32 is on the middle latitude"
    );
    let line = (lat32 + lat31) / 2.0;
    let p = r.location(way(7));
    assert_at(p, (r.coords[&31].lon(), line), "W7 (diamond)");

    // W8, all nodes at one latitude: the middle of their bounding box.
    let (w, e) = (r.coords[&41].lon(), r.coords[&43].lon());
    assert_at(
        r.location(way(8)),
        ((w + e) / 2.0, r.coords[&41].lat()),
        "W8 (flat)",
    );
}

// =============================================================================================
// maxspeed
// =============================================================================================

/// Every accepted `maxspeed` form, and the unreadable ones falling back to the class default
/// (tertiary, 60 km/h).
#[test]
fn maxspeed_forms_give_documented_speeds() {
    let r = load();
    let mph = 1.609_344;
    let knot = 1.852;
    let default = 60.0;
    let expected: [(&str, f64); 20] = [
        ("50 kmh", 50.0),
        ("50kmh", 50.0),
        ("50km/h", 50.0),
        ("40 mph", 40.0 * mph),
        ("40mph", 40.0 * mph),
        ("10 knots", 10.0 * knot),
        ("SE:rural", 70.0),
        ("SE:urban", 50.0),
        ("DE:living_street", 7.0),
        ("none", default),
        ("signals", default),
        ("walk", 6.0),
        ("50;70", 50.0),
        ("70;none", 70.0),
        ("50;fast", default),
        ("SE:motorroad", default),
        ("0", default),
        ("301", default),
        ("50 KMH", default),
        ("DE:motorway", default),
    ];
    for (r_, (value, kmh)) in (1i64..).zip(expected) {
        let (way_id, a) = (100 + r_, 1000 + 2 * r_);
        let e = r.only_edge(way_id, a);
        assert_eq!(class_name(e.class), "tertiary");
        let seconds = r.length_m(&[a, a + 1]) / (kmh / 3.6);
        assert_eq!(
            e.time_ds,
            tenths(seconds),
            "W{way_id} maxspeed={value}: {kmh} km/h"
        );
    }
}

// =============================================================================================
// Ferries
// =============================================================================================

/// Ferry durations (decimal hours, whole minutes, unreadable), `route=ferry` winning over
/// `highway`, and which car access values make a car ferry.
#[test]
fn ferry_durations_highway_and_access() {
    let r = load();
    const FALLBACK: Option<Option<f64>> = Some(None);
    // Per way W201..: None = not in the graph; Some(None) = car ferry without a readable
    // duration; Some(Some(s)) = car ferry crossing in s seconds.
    let expected: [(&str, Option<Option<f64>>); 18] = [
        ("duration=1.5", Some(Some(5400.0))),
        ("duration=1,5", Some(Some(5400.0))),
        ("duration=0.25", Some(Some(900.0))),
        ("duration=20", Some(Some(1200.0))),
        ("duration=1.5.3", FALLBACK),
        ("highway=primary motor_vehicle=yes", Some(Some(1800.0))),
        ("highway=primary, no car key", None),
        ("motorcar=customers", Some(Some(600.0))),
        ("motor_vehicle=private", None),
        ("motor_vehicle=delivery", None),
        ("access=yes", None),
        ("vehicle=yes", None),
        ("motor_vehicle=destination, no duration", FALLBACK),
        ("motorcar=permissive", Some(Some(900.0))),
        ("motor_vehicle=no motorcar=yes", Some(Some(300.0))),
        ("motorcar=no motor_vehicle=yes", None),
        ("motor_vehicle=unknown", None),
        (
            "highway=service motor_vehicle=customers",
            Some(Some(2400.0)),
        ),
    ];
    for (r_, (what, want)) in (1i64..).zip(expected) {
        let (way_id, a) = (200 + r_, 2000 + 2 * r_);
        let Some(crossing) = want else {
            assert!(
                r.edges(way_id).is_empty(),
                "W{way_id} ({what}): not in the graph"
            );
            continue;
        };
        let e = r.only_edge(way_id, a);
        assert!(e.is_ferry(), "W{way_id} ({what}): a ferry, not a road");
        assert_eq!(class_name(e.class), "ferry", "W{way_id}");
        let length_m = r.length_m(&[a, a + 1]);
        let seconds = crossing.unwrap_or(length_m / (10.0 / 3.6)) + 600.0;
        assert_eq!(e.time_ds, tenths(seconds), "W{way_id} ({what}): time");
    }
}

// =============================================================================================
// Access on roads and tracks
// =============================================================================================

/// Car access values on roads and tracks: the most specific key decides; `destination`,
/// `customers`, `permissive` open; `delivery`, `private`, `no` close; a track needs a grant.
#[test]
fn access_values_on_roads_and_tracks() {
    let r = load();
    // (class, open?) per way W301..
    let expected: [(&str, bool); 15] = [
        ("residential", true),  // motorcar=customers
        ("residential", true),  // motor_vehicle=destination
        ("residential", true),  // access=destination
        ("residential", true),  // vehicle=permissive
        ("residential", false), // motor_vehicle=delivery
        ("residential", false), // motorcar=private
        ("residential", false), // motor_vehicle=no
        ("residential", true),  // access=delivery motorcar=customers
        ("residential", false), // access=customers motor_vehicle=delivery
        ("residential", true),  // access=unknown
        ("track", true),        // motorcar=customers
        ("track", true),        // access=destination
        ("track", true),        // vehicle=permissive
        ("track", false),       // access=delivery
        ("track", false),       // motor_vehicle=unknown
    ];
    for (r_, (class, open)) in (1i64..).zip(expected) {
        let (way_id, a) = (300 + r_, 3000 + 2 * r_);
        if !open {
            assert!(r.edges(way_id).is_empty(), "W{way_id}: closed to cars");
            continue;
        }
        let e = r.only_edge(way_id, a);
        assert_eq!(class_name(e.class), class, "W{way_id}");
        let kmh = if class == "track" { 20.0 } else { 30.0 };
        let seconds = r.length_m(&[a, a + 1]) / (kmh / 3.6);
        assert_eq!(e.time_ds, tenths(seconds), "W{way_id}: {kmh} km/h");
    }
}

// =============================================================================================
// summary.json keys
// =============================================================================================

/// The key paths of a JSON value: objects by `.key`, each kind under `kinds` as `K`, array
/// items as `[]`.
fn key_paths(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let k = if prefix.ends_with("kinds") {
                    "K"
                } else {
                    k.as_str()
                };
                let path = if prefix.is_empty() {
                    k.to_owned()
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

/// The keys the README's summary.json table documents: the backticked names in the first
/// column of the table after the `summary.json` keys heading.
fn documented_summary_keys() -> BTreeSet<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("#### summary.json keys")
        .expect("README has a summary.json keys table");
    let mut keys = BTreeSet::new();
    for line in readme[start..].lines().skip(1) {
        if line.starts_with('#') {
            break;
        }
        let Some(cell) = line.strip_prefix("| `") else {
            continue;
        };
        let first = &cell[..cell.find(" |").unwrap_or(cell.len())];
        for name in format!("`{first}").split(", ") {
            keys.insert(name.trim_matches('`').to_owned());
        }
    }
    keys
}

/// Every key summary.json holds is documented in the README, and every documented key occurs:
/// a plain run, and one with regions and a mobile point (which add their keys).
#[test]
fn summary_json_keys_are_documented() {
    let dir = tempdir();
    let regions = write(
        dir.path(),
        "regions.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\
         \"properties\":{\"name\":\"All\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":\
         [[[14.9,61.9],[15.2,61.9],[15.2,62.2],[14.9,62.2],[14.9,61.9]]]}}]}",
    );
    let services = write(
        dir.path(),
        "van.csv",
        "id,name,kinds,lon,lat,mobile,seasonal\nvan1,Shop van,grocery,15.03,62.0086,yes,no\n\
         kiosk1,Summer kiosk,fuel,15.031,62.0087,no,yes\n",
    );
    let grouped = write(
        dir.path(),
        "grouped.csv",
        "id,name,population,pop_70plus,lon,lat\na,A,120,30,15.03,62.0086\nb,B,80,,15.031,62.0087\n",
    );
    let mut paths = BTreeSet::new();
    for extra in [vec![], vec!["regions", "services", "e2sfca"]] {
        let summary = dir.path().join("summary.json");
        let mut cmd = bin();
        cmd.arg("analyze")
            .arg(fixture("rules.osm.pbf"))
            .args(["--min-component-nodes", "2", "--summary"])
            .arg(&summary);
        if !extra.is_empty() {
            cmd.arg("--regions").arg(&regions);
            cmd.arg("--services").arg(&services);
            cmd.arg("--settlements").arg(&grouped);
            cmd.args(["--group", "pop_70plus"]);
            cmd.arg("--e2sfca");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        key_paths(&read_json(&summary), "", &mut paths);
    }
    // A region's kinds hold the keys of `kinds.K`, documented once.
    let paths: BTreeSet<String> = paths
        .into_iter()
        .map(|p| match p.strip_prefix("regions[].kinds.K.") {
            Some(rest) => format!("kinds.K.{rest}"),
            None => p,
        })
        // A population group's keys are documented once, as `G`.
        .map(|p| p.replace(".groups.pop_70plus", ".groups.G"))
        .collect();
    let documented = documented_summary_keys();
    let undocumented: Vec<&String> = paths.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&paths).collect();
    assert!(
        undocumented.is_empty(),
        "summary.json keys not in the README: {undocumented:?}"
    );
    assert!(
        stale.is_empty(),
        "README keys summary.json does not have: {stale:?}"
    );
}

/// The fixture's totals (tests/fixtures/README.md): graph size, service points, settlements.
#[test]
fn rules_fixture_totals() {
    let r = load();
    let g = &r.region.graph;
    assert_eq!(g.node_count(), 82, "graph nodes");
    assert_eq!(g.edges().len(), 41, "edges");
    assert_eq!(g.arc_count(), 82, "arcs");
    assert_eq!(g.edges().iter().filter(|e| e.is_ferry()).count(), 11);
    let services: Vec<OsmId> = r
        .region
        .services
        .iter()
        .filter_map(|s| s.id.osm())
        .collect();
    assert_eq!(services, vec![way(1), way(7), way(8), rel(2)]);
    let settlements: Vec<(Option<OsmId>, Option<u64>)> = r
        .region
        .settlements
        .iter()
        .map(|s| (s.id.osm(), s.population))
        .collect();
    assert_eq!(settlements, vec![(Some(rel(1)), Some(300))]);
}
