//! The map's background, since no tiles are at hand offline: the region's own roads from the
//! graph and the region polygons' borders, both simplified to what a map of the area's size
//! can show.

use super::data::deg;
use crate::input::regions::Regions;
use crate::network::graph::Graph;
use crate::network::region::Region;
use crate::read::profile::{FERRY_CLASS, HIGHWAY_CLASSES};
use geo::{Coord, LineString, Simplify};
use serde_json::{json, Value};

/// Road groups from the most to the least important, by the `highway` values they hold; car
/// ferries are a group of their own, always drawn.
const ROAD_GROUPS: [(&str, &[&str]); 5] = [
    (
        "motorway and trunk",
        &["motorway", "motorway_link", "trunk", "trunk_link"],
    ),
    ("primary", &["primary", "primary_link"]),
    ("secondary", &["secondary", "secondary_link"]),
    ("tertiary", &["tertiary", "tertiary_link"]),
    (
        "minor",
        &[
            "unclassified",
            "residential",
            "living_street",
            "service",
            "road",
            "track",
        ],
    ),
];

/// Most vertices the roads may have together: less important groups are left out beyond it
/// (the most important group is always drawn).
const ROAD_VERTEX_BUDGET: usize = 120_000;

/// Simplification tolerance in degrees for an area whose bounding box has diagonal `diag`
/// degrees: about a pixel of a map showing the whole area at 3 000 pixels.
fn tolerance(diag: f64) -> f64 {
    (diag / 3000.0).max(1e-5)
}

/// The bounding box `[west, south, east, north]` of `(lon, lat)` points; `None` for none.
fn bounds(points: impl Iterator<Item = (f64, f64)>) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in points {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    (b[0] <= b[2]).then_some(b)
}

/// Diagonal of a bounding box in degrees.
fn diagonal(b: [f64; 4]) -> f64 {
    (b[2] - b[0]).hypot(b[3] - b[1])
}

/// The graph's nodes as `(lon, lat)`.
fn nodes(graph: &Graph) -> impl Iterator<Item = (f64, f64)> + '_ {
    (0..graph.node_count() as u32).map(|i| {
        let c = graph.coord(crate::network::graph::NodeIdx(i));
        (c.lon(), c.lat())
    })
}

/// The bounding box `[west, south, east, north]` of the settlements, service points and roads.
pub(super) fn bbox(region: &Region) -> Value {
    let settlements = region.settlements.iter().map(|s| s.coord);
    let services = region.services.iter().map(|s| s.coord);
    let points = settlements.chain(services).map(|c| (c.lon(), c.lat()));
    bounds(points.chain(nodes(&region.graph))).map_or(Value::Null, |b| json!(b.map(deg)))
}

/// A line as a flat `[lon, lat, lon, lat, ...]` array.
fn flat(line: &LineString<f64>) -> Value {
    Value::Array(line.coords().flat_map(|c| [deg(c.x), deg(c.y)]).collect())
}

/// The roads by group, simplified: `[{"name", "lines": [[lon, lat, ...], ...]}]`, the groups
/// that fit [`ROAD_VERTEX_BUDGET`] and the ferries.
pub(super) fn roads(graph: &Graph) -> Value {
    let eps = tolerance(bounds(nodes(graph)).map_or(0.0, diagonal));
    let group_of_class: Vec<Option<usize>> = HIGHWAY_CLASSES
        .iter()
        .map(|c| {
            ROAD_GROUPS
                .iter()
                .position(|(_, names)| names.contains(&c.tag))
        })
        .collect();
    let ferries = ROAD_GROUPS.len();
    let mut lines: Vec<Vec<LineString<f64>>> = vec![Vec::new(); ferries + 1];
    for (e, edge) in graph.edges().iter().enumerate() {
        let group = if edge.class == FERRY_CLASS {
            Some(ferries)
        } else {
            group_of_class
                .get(usize::from(edge.class))
                .copied()
                .flatten()
        };
        let Some(g) = group else { continue };
        let line: LineString<f64> = graph
            .edge_geometry(e)
            .iter()
            .map(|c| Coord {
                x: c.lon(),
                y: c.lat(),
            })
            .collect();
        lines[g].push(line.simplify(eps));
    }
    let mut out = Vec::new();
    let mut vertices = 0usize;
    for (g, group) in lines.iter().enumerate() {
        if group.is_empty() {
            continue;
        }
        let n: usize = group.iter().map(|l| l.0.len()).sum();
        if g != ferries && !out.is_empty() && vertices + n > ROAD_VERTEX_BUDGET {
            continue;
        }
        vertices += n;
        let name = ROAD_GROUPS.get(g).map_or("ferry", |(name, _)| *name);
        out.push(json!({"name": name, "lines": group.iter().map(flat).collect::<Vec<_>>()}));
    }
    Value::Array(out)
}

/// Every region's borders, simplified: `[{"name", "rings": [[lon, lat, ...], ...]}]`.
pub(super) fn borders(regions: &Regions) -> Value {
    let corners = regions
        .polygons()
        .iter()
        .flat_map(|p| p.iter().flat_map(|poly| poly.exterior().coords()))
        .map(|c| (c.x, c.y));
    let eps = tolerance(bounds(corners).map_or(0.0, diagonal));
    let rows: Vec<Value> = (0..regions.len())
        .map(|r| {
            let rings: Vec<Value> = regions
                .polygon(r)
                .iter()
                .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
                // A ring too small to survive the simplification is kept as it is.
                .map(|ring| {
                    let s = ring.simplify(eps);
                    flat(if s.0.len() >= 4 { &s } else { ring })
                })
                .collect();
            json!({"name": regions.name(r), "rings": rings})
        })
        .collect();
    Value::Array(rows)
}
