//! The GeoJSON files: settlements, network, services, catchments, regions and a scenario's
//! diff, each a FeatureCollection streamed one feature per line.

use super::{km, minutes, round6, settlement_properties, RegionGroups};
use crate::analysis::{round2, Analysis};
use crate::base::feature::{ServiceKind, ServicePoint, Settlement};
use crate::network::region::Region;
use crate::whatif::scenario::Outcome;
use serde_json::{json, Map, Value};
use std::io::Write;

fn point(lon: f64, lat: f64) -> Value {
    json!({"type": "Point", "coordinates": [lon, lat]})
}

/// Streams a FeatureCollection of `features` to `w`.
fn feature_collection(
    w: &mut impl Write,
    features: impl Iterator<Item = Value>,
) -> std::io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, f) in features.enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *w, &f)?;
    }
    w.write_all(b"\n]}\n")
}

/// Writes settlements.geojson: one Point per settlement at its own location, streaming.
///
/// # Errors
/// Any error of `w`.
pub fn settlements_geojson(
    w: &mut impl Write,
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
) -> std::io::Result<()> {
    let settlements = region.settlements.iter().zip(&analysis.settlements);
    feature_collection(
        w,
        settlements.enumerate().map(|(i, (s, r))| {
            json!({
                "type": "Feature",
                "geometry": point(s.coord.lon(), s.coord.lat()),
                "properties": settlement_properties(region, s, r, groups.map(|g| g.name_of(i))),
            })
        }),
    )
}

/// Writes network.geojson: every edge as a LineString with `from`, `to`, `length_m`, `time_s`,
/// `oneway`, `component`, `ferry`, `class` and `way_id`.
///
/// # Errors
/// Any error of `w`.
pub fn network_geojson(w: &mut impl Write, region: &Region) -> std::io::Result<()> {
    let g = &region.graph;
    {
        feature_collection(
            w,
            g.edges().iter().enumerate().map(|(i, e)| {
                let coords: Vec<[f64; 2]> = g
                    .edge_geometry(i)
                    .iter()
                    .map(|c| [c.lon(), c.lat()])
                    .collect();
                json!({
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": coords},
                    "properties": {
                        "from": e.from.0,
                        "to": e.to.0,
                        "length_m": f64::from(e.length_dm) / 10.0,
                        "time_s": f64::from(e.time_ds) / 10.0,
                        "oneway": e.oneway,
                        "component": g.component(e.from),
                        "ferry": e.is_ferry(),
                        "class": crate::read::profile::class_name(e.class),
                        "way_id": e.way_id,
                    }
                })
            }),
        )
    }
}

/// The properties a service point has in services.geojson and catchments.geojson: `id`,
/// `name`, `kinds`, `form`, `mobile`, `snap_m`.
fn service_properties(s: &ServicePoint, snap_m: Option<f64>) -> Map<String, Value> {
    let kinds: Vec<&str> = s.kinds.iter().map(ServiceKind::name).collect();
    let mut p = Map::new();
    p.insert("id".into(), json!(s.id.to_string()));
    p.insert("name".into(), json!(s.name));
    p.insert("kinds".into(), json!(kinds));
    p.insert("form".into(), json!(s.form));
    p.insert("mobile".into(), json!(s.mobile));
    p.insert("snap_m".into(), json!(snap_m.map(round2)));
    p
}

fn service_feature(s: &ServicePoint, snap_m: Option<f64>) -> Value {
    json!({
        "type": "Feature",
        "geometry": point(s.coord.lon(), s.coord.lat()),
        "properties": service_properties(s, snap_m),
    })
}

/// Writes services.geojson: every service point with `id`, `name`, `kinds`, `form` (a
/// planner's list's form of service, else `null`), `mobile` and `snap_m` (`null` for points
/// dropped as too far from a road).
///
/// # Errors
/// Any error of `w`.
pub fn services_geojson(
    w: &mut impl Write,
    region: &Region,
    analysis: &Analysis,
) -> std::io::Result<()> {
    feature_collection(
        w,
        region
            .services
            .iter()
            .zip(&analysis.service_snaps)
            .map(|(s, snap)| service_feature(s, snap.map(|sn| sn.snap_m))),
    )
}

/// Writes regions.geojson: each region polygon with, per kind K, `K_gap_settlements`,
/// `K_gap_population`, `K_gap_share` (of the known population), `K_km_p50` and `K_km_p90`:
/// ready for a choropleth.
///
/// # Errors
/// Any error of `w`.
pub fn regions_geojson(w: &mut impl Write, groups: &RegionGroups<'_>) -> std::io::Result<()> {
    feature_collection(
        w,
        groups.summaries.iter().enumerate().map(|(r, kinds)| {
            let mut p = Map::new();
            p.insert("name".into(), json!(groups.regions.name(r)));
            p.insert(
                "settlements".into(),
                json!(kinds.first().map_or(0, |k| k.settlements)),
            );
            p.insert(
                "population".into(),
                json!(kinds.first().map_or(0, |k| k.population)),
            );
            for k in kinds {
                let name = k.kind.name();
                p.insert(format!("{name}_gap_settlements"), json!(k.gap_settlements));
                p.insert(format!("{name}_gap_population"), json!(k.gap_population));
                p.insert(
                    format!("{name}_gap_share"),
                    json!(k.gap_share_population.map(round6)),
                );
                p.insert(format!("{name}_km_p50"), json!(k.km.p50));
                p.insert(format!("{name}_km_p90"), json!(k.km.p90));
            }
            let geometry = ::geojson::Geometry::from(groups.regions.polygon(r));
            json!({"type": "Feature", "geometry": geometry, "properties": p})
        }),
    )
}

/// Writes catchments.geojson: one Point per service point at its own location, with the
/// properties of services.geojson, then `status` (`ok`, `dropped` for a point too far from a
/// road, or `outside` for one outside the extract), then per kind K: `K_settlements_km` and `K_population_km` (the settlements, and their
/// known population, whose nearest point of K by road length it is), `K_settlements_min` and
/// `K_population_min` (the same by car time). The four are `null` for a kind the point does not
/// offer, and for every kind of a dropped point. See [`crate::analysis::catchments`].
///
/// # Errors
/// Any error of `w`.
pub fn catchments_geojson(
    w: &mut impl Write,
    region: &Region,
    analysis: &Analysis,
) -> std::io::Result<()> {
    let catchments = crate::analysis::catchments(region, analysis);
    feature_collection(
        w,
        region
            .services
            .iter()
            .zip(&analysis.service_snaps)
            .zip(&catchments)
            .enumerate()
            .map(|(j, ((s, snap), per_kind))| {
                let mut p = service_properties(s, snap.map(|sn| sn.snap_m));
                let status = if snap.is_some() {
                    "ok"
                } else if analysis.service_outside.get(j).copied().unwrap_or(false) {
                    "outside"
                } else {
                    "dropped"
                };
                p.insert("status".into(), json!(status));
                for (kind, c) in ServiceKind::ALL.iter().zip(per_kind) {
                    p.insert(
                        format!("{kind}_settlements_km"),
                        json!(c.map(|c| c.settlements_km)),
                    );
                    p.insert(
                        format!("{kind}_population_km"),
                        json!(c.map(|c| c.population_km)),
                    );
                    p.insert(
                        format!("{kind}_settlements_min"),
                        json!(c.map(|c| c.settlements_min)),
                    );
                    p.insert(
                        format!("{kind}_population_min"),
                        json!(c.map(|c| c.population_min)),
                    );
                }
                json!({
                    "type": "Feature",
                    "geometry": point(s.coord.lon(), s.coord.lat()),
                    "properties": p,
                })
            }),
    )
}

/// Writes diff.geojson: one Point per scenario, settlement and kind whose distance, time,
/// nearest point or gap changed, with the old and new values.
///
/// # Errors
/// Any error of `w`.
pub fn diff_geojson(
    w: &mut impl Write,
    settlements: &[Settlement],
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> std::io::Result<()> {
    let id = |services: &[ServicePoint], j: Option<u32>| {
        j.map_or(Value::Null, |j| json!(services[j as usize].id.to_string()))
    };
    let features = outcomes.iter().flat_map(|o| {
        settlements.iter().enumerate().flat_map(move |(i, s)| {
            ServiceKind::ALL.iter().filter_map(move |&kind| {
                let k = kind as usize;
                let old = &baseline.settlements[i].kinds[k];
                let new = &o.analysis.settlements[i].kinds[k];
                if old == new {
                    return None;
                }
                let gap_change = match (old.gap, new.gap) {
                    (false, true) => "entered",
                    (true, false) => "left",
                    _ => "none",
                };
                Some(json!({
                    "type": "Feature",
                    "geometry": point(s.coord.lon(), s.coord.lat()),
                    "properties": {
                        "scenario": o.name,
                        "id": s.id.to_string(),
                        "name": s.name,
                        "population": s.population,
                        "kind": kind.name(),
                        "km_old": km(old.length_dm),
                        "km_new": km(new.length_dm),
                        "min_old": minutes(old.time_ds),
                        "min_new": minutes(new.time_ds),
                        "nearest_old": id(baseline_services, old.nearest_by_length),
                        "nearest_new": id(&o.services, new.nearest_by_length),
                        "gap_old": old.gap,
                        "gap_new": new.gap,
                        "gap_change": gap_change,
                    },
                }))
            })
        })
    });
    feature_collection(w, features)
}
