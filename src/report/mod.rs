//! Writing results: settlements as GeoJSON and CSV, the summary as JSON and as a table, the
//! network, the service points and their catchments as GeoJSON.
//!
//! Files are written through a [`crate::store::output::OutputSet`], so a failed run leaves no
//! output behind. GeoJSON follows
//! RFC 7946: a FeatureCollection in WGS 84, coordinates as (lon, lat). Numbers are rounded to
//! 0.01 (km, minutes, metres); missing values are `null` (empty in CSV).

pub mod inspect;

use crate::analysis::{round2, Analysis, KindResult, Quantiles, SettlementResult};
use crate::base::feature::{Place, ServiceKind, ServicePoint, Settlement};
use crate::network::region::Region;
use crate::whatif::scenario::{KindChange, Outcome};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::Write;

/// Settlements grouped into region polygons (`--regions`): the polygons, each settlement's
/// region (`None` outside every polygon) and the per-region summaries.
pub struct RegionGroups<'a> {
    /// The polygons.
    pub regions: &'a crate::input::regions::Regions,
    /// Region of each settlement, in the region's settlement order.
    pub of_settlement: Vec<Option<usize>>,
    /// Per region, per kind.
    pub summaries: Vec<Vec<crate::analysis::KindSummary>>,
}

impl<'a> RegionGroups<'a> {
    /// Assigns every settlement to the polygon containing it and summarises each region.
    pub fn new(
        regions: &'a crate::input::regions::Regions,
        region: &Region,
        analysis: &Analysis,
        options: &crate::analysis::AnalysisOptions,
    ) -> Self {
        let points: Vec<(f64, f64)> = region
            .settlements
            .iter()
            .map(|s| (s.coord.lon(), s.coord.lat()))
            .collect();
        let of_settlement = regions.locate_all(&points);
        let mut members = vec![Vec::new(); regions.len()];
        for (i, r) in of_settlement.iter().enumerate() {
            if let Some(r) = r {
                members[*r].push(i);
            }
        }
        let summaries = members
            .iter()
            .map(|m| crate::analysis::summarize_group(region, analysis, options, m))
            .collect();
        RegionGroups {
            regions,
            of_settlement,
            summaries,
        }
    }

    fn name_of(&self, settlement: usize) -> Value {
        self.of_settlement[settlement].map_or(Value::Null, |r| json!(self.regions.name(r)))
    }
}

fn km(dm: Option<u32>) -> Value {
    dm.map_or(Value::Null, |d| json!(round2(f64::from(d) / 10_000.0)))
}

fn minutes(ds: Option<u32>) -> Value {
    ds.map_or(Value::Null, |d| json!(round2(f64::from(d) / 600.0)))
}

fn service_id(region: &Region, index: Option<u32>) -> Value {
    index.map_or(Value::Null, |j| {
        json!(region.services[j as usize].id.to_string())
    })
}

/// The properties of one settlement, in output order: per kind `K_km`, `K_min`, `K_nearest`
/// (by length), `K_gap`, `K_line_km` (straight line to the nearest point), `K_detour` (road km
/// over straight km), and for a kind with mobile points `K_km_fixed`, `K_min_fixed`,
/// `K_gap_fixed` (the same without mobile points).
pub fn settlement_properties(
    region: &Region,
    s: &Settlement,
    r: &SettlementResult,
    region_name: Option<Value>,
) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("id".into(), json!(s.id.to_string()));
    p.insert("name".into(), json!(s.name));
    p.insert("place".into(), json!(s.place.map(Place::name)));
    p.insert("population".into(), json!(s.population));
    p.insert("status".into(), json!(r.status.name()));
    p.insert(
        "snap_m".into(),
        r.snap.map_or(Value::Null, |sn| json!(round2(sn.snap_m))),
    );
    p.insert("island".into(), json!(r.island));
    if let Some(name) = region_name {
        p.insert("region".into(), name);
    }
    let mut gaps = Vec::new();
    for (k, (kind, kr)) in ServiceKind::ALL.iter().zip(&r.kinds).enumerate() {
        let KindResult {
            length_dm,
            time_ds,
            nearest_by_length,
            gap,
            ..
        } = *kr;
        p.insert(format!("{kind}_km"), km(length_dm));
        p.insert(format!("{kind}_min"), minutes(time_ds));
        p.insert(
            format!("{kind}_nearest"),
            service_id(region, nearest_by_length),
        );
        p.insert(format!("{kind}_gap"), json!(gap));
        p.insert(
            format!("{kind}_line_km"),
            km(r.line[k].map(|l| l.length_dm)),
        );
        p.insert(format!("{kind}_detour"), json!(r.detour(k).map(round2)));
        if let Some(fixed) = &r.without_mobile[k] {
            p.insert(format!("{kind}_km_fixed"), km(fixed.length_dm));
            p.insert(format!("{kind}_min_fixed"), minutes(fixed.time_ds));
            p.insert(format!("{kind}_gap_fixed"), json!(fixed.gap));
        }
        if gap {
            gaps.push(kind.name());
        }
    }
    p.insert("gaps".into(), json!(gaps));
    p
}

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

fn csv_field(v: &Value) -> String {
    let text = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Writes settlements.csv: the same columns as the GeoJSON properties plus `lon`, `lat`.
///
/// # Errors
/// Any error of `w`.
pub fn settlements_csv(
    w: &mut impl Write,
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
) -> std::io::Result<()> {
    for (i, (s, r)) in region
        .settlements
        .iter()
        .zip(&analysis.settlements)
        .enumerate()
    {
        let props = settlement_properties(region, s, r, groups.map(|g| g.name_of(i)));
        if i == 0 {
            let names: Vec<&str> = props.keys().map(String::as_str).collect();
            writeln!(w, "{},lon,lat", names.join(","))?;
        }
        let fields: Vec<String> = props.values().map(csv_field).collect();
        let (lon, lat) = (s.coord.lon(), s.coord.lat());
        writeln!(w, "{},{lon},{lat}", fields.join(","))?;
    }
    Ok(())
}

/// The summary as JSON: per kind the threshold, counts, gap figures and quantiles.
pub fn summary_json(
    file: &str,
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
) -> Value {
    let mut summary = json!({
        "file": file,
        "settlements": region.settlements.len(),
        "settlements_no_road": analysis.settlements.iter().filter(|s| s.status == crate::analysis::Status::NoRoad).count(),
        "settlements_island": analysis.island_settlements,
        "service_points": region.services.len(),
        "service_points_dropped": analysis.services_dropped,
        "kinds": kinds_json(&analysis.kinds),
    });
    if let Some(g) = groups {
        let rows: Vec<Value> = g
            .summaries
            .iter()
            .enumerate()
            .map(|(r, kinds)| {
                json!({
                    "name": g.regions.name(r),
                    "settlements": kinds.first().map_or(0, |k| k.settlements),
                    "population": kinds.first().map_or(0, |k| k.population),
                    "kinds": kinds_json(kinds),
                })
            })
            .collect();
        summary["regions"] = json!(rows);
        summary["settlements_outside_regions"] =
            json!(g.of_settlement.iter().filter(|r| r.is_none()).count());
    }
    summary
}

fn quantiles_json(q: &Quantiles) -> Value {
    json!({"p50": q.p50, "p90": q.p90, "max": q.max})
}

fn kinds_json(summaries: &[crate::analysis::KindSummary]) -> Value {
    let mut kinds = Map::new();
    for k in summaries {
        let q = quantiles_json;
        let mut row = json!({
                "threshold": {"value": k.threshold.value, "unit": k.threshold.unit.name()},
                "services": k.services,
                "settlements": k.settlements,
                "population": k.population,
                "gap_settlements": k.gap_settlements,
                "gap_population": k.gap_population,
                "gap_share": {
                    "population": k.gap_share_population.map(round6),
                    "settlements": k.gap_share_settlements.map(round6),
                },
                "unreachable": k.unreachable,
                "no_road": k.no_road,
                "km": q(&k.km),
                "min": q(&k.min),
                "line_km": q(&k.line_km),
        });
        if let Some(f) = &k.without_mobile {
            row["without_mobile"] = json!({
                "services": f.services,
                "gap_settlements": f.gap_settlements,
                "gap_population": f.gap_population,
                "gap_share": {
                    "population": f.gap_share_population.map(round6),
                    "settlements": f.gap_share_settlements.map(round6),
                },
                "unreachable": f.unreachable,
                "km": q(&f.km),
                "min": q(&f.min),
            });
        }
        kinds.insert(k.kind.name().into(), row);
    }
    Value::Object(kinds)
}

/// Writes summary.json.
///
/// # Errors
/// Any error of `w`.
pub fn summary_json_to(
    w: &mut impl Write,
    file: &str,
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &summary_json(file, region, analysis, groups))?;
    w.write_all(b"\n")
}

/// Shares keep six decimals: the legal limit for cash is 0.30 % = 0.003.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.2}"))
}

/// The summary as a human-readable table.
pub fn summary_table(file: &str, region: &Region, analysis: &Analysis) -> String {
    let mut s = String::new();
    let no_road = analysis.kinds.first().map_or(0, |k| k.no_road);
    let with_population = region
        .settlements
        .iter()
        .filter(|s| s.population.is_some())
        .count();
    let population: u64 = region
        .settlements
        .iter()
        .filter_map(|s| s.population)
        .fold(0u64, u64::saturating_add);
    let _ = writeln!(s, "{file}");
    let _ = writeln!(
        s,
        "  {} settlements: {no_road} without a road within reach, {} off the main network; \
         {with_population} with a population tag ({population} people)",
        region.settlements.len(),
        analysis.island_settlements,
    );
    let _ = writeln!(
        s,
        "  {} service points: {} too far from a road to count",
        region.services.len(),
        analysis.services_dropped
    );
    let _ = writeln!(
        s,
        "\n{:<9} {:>9} {:>7} {:>8} {:>9} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "kind",
        "threshold",
        "points",
        "in gap",
        "gap pop",
        "gap %pop",
        "unreach",
        "km p50",
        "km p90",
        "km max",
        "min p50",
        "min p90"
    );
    for k in &analysis.kinds {
        let all = crate::analysis::GapFigures {
            services: k.services,
            gap_settlements: k.gap_settlements,
            gap_population: k.gap_population,
            gap_share_population: k.gap_share_population,
            gap_share_settlements: k.gap_share_settlements,
            unreachable: k.unreachable,
            km: k.km,
            min: k.min,
        };
        let rows = std::iter::once((k.kind.name(), &all))
            .chain(k.without_mobile.as_ref().map(|f| (" fixed", f)));
        for (label, f) in rows {
            let _ = writeln!(
                s,
                "{:<9} {:>9} {:>7} {:>8} {:>9} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
                label,
                k.threshold.to_string(),
                f.services,
                format!("{}/{}", f.gap_settlements, k.settlements),
                f.gap_population,
                f.gap_share_population
                    .map_or("-".into(), |x| format!("{:.2}", x * 100.0)),
                f.unreachable,
                fmt_opt(f.km.p50),
                fmt_opt(f.km.p90),
                fmt_opt(f.km.max),
                fmt_opt(f.min.p50),
                fmt_opt(f.min.p90),
            );
        }
    }
    let _ = writeln!(
        s,
        "\nin gap: beyond the threshold, or no point of the kind reachable (unreach), or no road;\n\
         gap pop and %pop count tagged population only; km and min are to the nearest point"
    );
    if !analysis.mobile_kinds.is_empty() {
        let _ = writeln!(
            s,
            "fixed: the same without mobile points (shop vans, library bus stops), for the kinds \
             that have them"
        );
    }
    for k in analysis.kinds.iter().filter(|k| k.services == 0) {
        let _ = writeln!(
            s,
            "note: no {} point on the network (none in the data, or none near a road): every \
             settlement is in gap for {}",
            k.kind, k.kind
        );
    }
    s
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
            let geometry = geojson::Geometry::from(groups.regions.polygon(r));
            json!({"type": "Feature", "geometry": geometry, "properties": p})
        }),
    )
}

/// Writes catchments.geojson: one Point per service point at its own location, with the
/// properties of services.geojson, then `status` (`ok`, or `dropped` for a point too far from a
/// road), then per kind K: `K_settlements_km` and `K_population_km` (the settlements, and their
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
            .map(|((s, snap), per_kind)| {
                let mut p = service_properties(s, snap.map(|sn| sn.snap_m));
                let status = if snap.is_some() { "ok" } else { "dropped" };
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

// ---- Scenarios ----------------------------------------------------------------------------

/// The kinds a set of scenarios touches (those of closed and added points), or all kinds when
/// they touch none.
pub fn scenario_kinds(baseline: &[ServicePoint], outcomes: &[Outcome]) -> Vec<ServiceKind> {
    let mut touched = crate::ServiceKinds::EMPTY;
    for o in outcomes {
        for &j in &o.removed {
            touched |= baseline[j].kinds;
        }
        for &j in &o.added {
            touched |= o.services[j].kinds;
        }
    }
    if touched.is_empty() {
        ServiceKind::ALL.to_vec()
    } else {
        touched.iter().collect()
    }
}

fn change_json(c: &KindChange) -> Value {
    json!({
        "shorter": {"settlements": c.shorter_settlements, "population": c.shorter_population},
        "longer": {"settlements": c.longer_settlements, "population": c.longer_population},
        "entered_gap": {"settlements": c.entered_gap_settlements, "population": c.entered_gap_population},
        "left_gap": {"settlements": c.left_gap_settlements, "population": c.left_gap_population},
    })
}

/// compare.json: the baseline's and every scenario's per-kind summary, with each scenario's
/// closed and added points and its changes against the baseline.
pub fn compare_json(
    file: &str,
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> Value {
    let scenarios: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let mut kinds = kinds_json(&o.analysis.kinds);
            if let Value::Object(map) = &mut kinds {
                for (kind, c) in ServiceKind::ALL.iter().zip(&o.changes) {
                    if let Some(Value::Object(k)) = map.get_mut(kind.name()) {
                        k.insert("change".into(), change_json(c));
                    }
                }
            }
            let removed: Vec<Value> = o
                .removed
                .iter()
                .map(|&j| json!(baseline_services[j].id.to_string()))
                .collect();
            let added: Vec<Value> = o
                .added
                .iter()
                .map(|&j| {
                    let s = &o.services[j];
                    let snap = o.analysis.service_snaps[j];
                    json!({
                        "id": s.id.to_string(),
                        "name": s.name,
                        "kinds": s.kinds.iter().map(ServiceKind::name).collect::<Vec<_>>(),
                        "mobile": s.mobile,
                        "lon": s.coord.lon(),
                        "lat": s.coord.lat(),
                        "snap_m": snap.map(|sn| round2(sn.snap_m)),
                    })
                })
                .collect();
            json!({"name": o.name, "removed": removed, "added": added, "kinds": kinds})
        })
        .collect();
    json!({
        "file": file,
        "baseline": {"kinds": kinds_json(&baseline.kinds)},
        "scenarios": scenarios,
    })
}

/// Writes compare.json.
///
/// # Errors
/// Any error of `w`.
pub fn compare_json_to(
    w: &mut impl Write,
    file: &str,
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> std::io::Result<()> {
    let value = compare_json(file, baseline_services, baseline, outcomes);
    serde_json::to_writer_pretty(&mut *w, &value)?;
    w.write_all(b"\n")
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

/// The side-by-side comparison as a table: baseline and each scenario as columns, per kind
/// the gap figures, quantiles and how many people got nearer or farther.
pub fn compare_table(
    file: &str,
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{file}: {} scenario(s) against the baseline",
        outcomes.len()
    );
    for o in outcomes {
        let _ = writeln!(
            s,
            "  {}: closes {}, adds {}",
            o.name,
            o.removed.len(),
            o.added.len()
        );
    }
    let mut header = vec![String::new(), "baseline".to_owned()];
    header.extend(outcomes.iter().map(|o| o.name.clone()));
    for kind in scenario_kinds(baseline_services, outcomes) {
        let k = kind as usize;
        let t = &baseline.kinds[k].threshold;
        let mut rows: Vec<Vec<String>> = vec![header.clone()];
        rows[0][0] = format!("{kind} (gap > {t})");
        let summaries: Vec<&crate::analysis::KindSummary> = std::iter::once(&baseline.kinds[k])
            .chain(outcomes.iter().map(|o| &o.analysis.kinds[k]))
            .collect();
        let mut row = |label: &str, f: &dyn Fn(&crate::analysis::KindSummary) -> String| {
            let mut r = vec![label.to_owned()];
            r.extend(summaries.iter().map(|x| f(x)));
            rows.push(r);
        };
        row("points", &|x| x.services.to_string());
        row("gap settlements", &|x| x.gap_settlements.to_string());
        row("gap population", &|x| x.gap_population.to_string());
        row("gap share %", &|x| {
            fmt_opt(x.gap_share_population.map(|v| v * 100.0))
        });
        row("km p50", &|x| fmt_opt(x.km.p50));
        row("km p90", &|x| fmt_opt(x.km.p90));
        row("min p50", &|x| fmt_opt(x.min.p50));
        row("min p90", &|x| fmt_opt(x.min.p90));
        let changes: Vec<Option<&KindChange>> = std::iter::once(None)
            .chain(outcomes.iter().map(|o| Some(&o.changes[k])))
            .collect();
        for (label, f) in [
            (
                "population nearer",
                (|c: &KindChange| c.shorter_population) as fn(&KindChange) -> u64,
            ),
            ("population farther", |c: &KindChange| c.longer_population),
            ("settlements nearer", |c: &KindChange| {
                c.shorter_settlements as u64
            }),
            ("settlements farther", |c: &KindChange| {
                c.longer_settlements as u64
            }),
        ] {
            let mut r = vec![label.to_owned()];
            r.extend(
                changes
                    .iter()
                    .map(|c| c.map_or("-".to_owned(), |c| f(c).to_string())),
            );
            rows.push(r);
        }
        let widths: Vec<usize> = (0..header.len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let _ = writeln!(s);
        for r in &rows {
            let mut line = format!("{:<w$}", r[0], w = widths[0]);
            for (c, cell) in r.iter().enumerate().skip(1) {
                let _ = write!(line, "  {:>w$}", cell, w = widths[c]);
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    s
}
