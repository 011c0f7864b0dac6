//! The report's data: one JSON document with the run's figures, the settlements and service
//! points to draw, the background shapes and the plan pages. Keys are documented in
//! `docs/report.md`; arrays of settlements are columns (one array per field) to keep a
//! national page small.

use super::{plan, shapes};
use crate::analysis::{round2, Analysis, AnalysisOptions, Status, Without};
use crate::base::feature::{ServiceKind, ServicePoint};
use crate::network::region::Region;
use crate::report::{e2sfca_per_1000, RegionGroups};
use crate::route::Metric;
use crate::whatif::plan::Plan;
use crate::whatif::scenario::Outcome;
use serde_json::{json, Map, Value};

/// Upper edges of the Pipos distance bands, km: 0–5, 5–10, 10–15, 15–20, 20–25, then over 25.
pub const BAND_EDGES_KM: [f64; 5] = [5.0, 10.0, 15.0, 20.0, 25.0];
/// The cash law's distance: people more than this many road km from cash withdrawal.
pub const CASH_KM: f64 = 25.0;
/// The cash law's limit on their share of the population (betaltjänstlagen: 0.30 %).
pub const CASH_LIMIT: f64 = 0.003;

/// Everything one report shows.
pub struct ReportInput<'a> {
    /// The extract or cache as the planner named it.
    pub file: &'a str,
    /// The page's title; by default from the file name and whether it is a scenario report.
    pub title: Option<String>,
    /// The region analysed.
    pub region: &'a Region,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// The settings of the run.
    pub options: &'a AnalysisOptions,
    /// The region polygons and their groups, with `--regions`.
    pub groups: Option<&'a RegionGroups<'a>>,
    /// The plan pages' what-if parts; none for a scenario report.
    pub plan: Option<&'a Plan>,
    /// The scenarios, for a scenario report.
    pub scenario: Option<ScenarioInput<'a>>,
}

/// A scenario run's baseline point list and outcomes.
pub struct ScenarioInput<'a> {
    /// The baseline's point list.
    pub services: &'a [ServicePoint],
    /// Each scenario's outcome.
    pub outcomes: &'a [Outcome],
}

/// Version of the report's data layout (`docs/report.md`).
pub const REPORT_DATA_VERSION: u32 = 1;

/// The report's data (see `docs/report.md`).
pub fn report_data(input: &ReportInput<'_>) -> Value {
    let region = input.region;
    let analysis = input.analysis;
    let groups = input.groups;
    let summary = crate::report::summary_json(input.file, region, analysis, groups);
    let kinds: Vec<Value> = region
        .kinds
        .iter()
        .map(|kind| {
            let t = input.options.thresholds[kind.index()];
            // Settlements in gap whose population is not known: "0 people" would hide them.
            let untagged = region
                .settlements
                .iter()
                .zip(&analysis.settlements)
                .filter(|(s, r)| r.kinds[kind.index()].gap && s.population.is_none())
                .filter(|(_, r)| r.status != Status::Outside)
                .count();
            json!({
                "id": kind.name(),
                "label": region.kinds.label(kind),
                "threshold": {"value": t.value, "unit": t.unit.name()},
                "mobile": analysis.mobile_kinds.contains(kind),
                "seasonal": analysis.seasonal_kinds.contains(kind),
                "gap_settlements_untagged": untagged,
            })
        })
        .collect();
    let all: Vec<usize> = (0..region.settlements.len()).collect();
    // The region of each service point by its own location, with regions.
    let point_region: Option<Vec<Option<usize>>> = groups.map(|g| {
        let at: Vec<(f64, f64)> = region
            .services
            .iter()
            .map(|p| (p.coord.lon(), p.coord.lat()))
            .collect();
        g.regions.locate_all(&at)
    });
    let mut data = json!({
        "schema": "servicegap/report",
        "version": REPORT_DATA_VERSION,
        "generator": concat!("servicegap ", env!("CARGO_PKG_VERSION")),
        "title": input.title.clone().unwrap_or_else(|| default_title(input)),
        "file": input.file,
        "attribution": attribution(region),
        "bbox": shapes::bbox(region),
        "kinds": kinds,
        "summary": summary,
        "bands": bands(region, analysis, &all),
        "cash": cash(region, analysis, &all),
        "settlements": settlements(region, analysis, groups),
        "services": services(region, analysis, point_region.as_deref()),
        "roads": shapes::roads(&region.graph),
        "borders": groups.map_or(Value::Null, |g| shapes::borders(g.regions)),
        "sections": Value::Null,
        "scenario": Value::Null,
    });
    if let Some(p) = input.plan {
        data["sections"] = plan::sections(region, analysis, groups, point_region.as_deref(), p);
    }
    if let Some(s) = &input.scenario {
        data["scenario"] = scenario(input.file, &region.groups, analysis, s);
    }
    data
}

/// `Basic local service: NAME` (or `Scenarios: NAME`), NAME the file's name without its
/// `.osm.pbf` or `.sgraph`.
fn default_title(input: &ReportInput<'_>) -> String {
    let path = std::path::Path::new(input.file);
    let name = path.file_name().map_or_else(
        || input.file.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let name = name
        .trim_end_matches(".osm.pbf")
        .trim_end_matches(".sgraph");
    match input.scenario {
        Some(_) => format!("Scenarios: {name}"),
        None => format!("Basic local service: {name}"),
    }
}

/// What the page credits: the map data, and the population where it is not OSM's.
fn attribution(region: &Region) -> Vec<&'static str> {
    let mut lines = vec!["Roads, places and service points © OpenStreetMap contributors (ODbL)"];
    if region.settlements.iter().any(|s| s.place.is_none()) {
        lines.push("Settlements and population from the planner's file or grid (e.g. SCB)");
    }
    lines
}

/// A road length in dm as km rounded to 0.01, as in the settlements outputs.
fn km(dm: Option<u32>) -> Value {
    dm.map_or(Value::Null, |d| json!(round2(f64::from(d) / 10_000.0)))
}

/// A car time in ds as minutes rounded to 0.01.
fn min(ds: Option<u32>) -> Value {
    ds.map_or(Value::Null, |d| json!(round2(f64::from(d) / 600.0)))
}

/// The band of a road distance in dm: 0 for 0–5 km, ..., 5 for over 25 km (a value exactly
/// on an edge belongs to the band below it, as a threshold's "beyond" is strictly greater).
pub(super) fn band(dm: u32) -> usize {
    let km = f64::from(dm) / 10_000.0;
    BAND_EDGES_KM.iter().take_while(|&&edge| km > edge).count()
}

/// Population and settlements by distance band for every kind, over `members`: settlements
/// analysed and reached fall in a band, those on the network that reach no point are
/// `unreachable`, those without a road `no_road`; outside the extract they are not counted.
pub(super) fn bands(region: &Region, analysis: &Analysis, members: &[usize]) -> Value {
    let mut by_kind = Map::new();
    for kind in region.kinds.iter() {
        let k = kind.index();
        let mut population = [0u64; 6];
        let mut settlements = [0usize; 6];
        let (mut unreachable, mut no_road) = ((0usize, 0u64), (0usize, 0u64));
        for &i in members {
            let r = &analysis.settlements[i];
            let p = region.settlements[i].population.unwrap_or(0);
            match (r.status, r.kinds[k].length_dm) {
                (Status::Outside, _) => {}
                (Status::NoRoad, _) => no_road = (no_road.0 + 1, no_road.1 + p),
                (Status::Ok, None) => unreachable = (unreachable.0 + 1, unreachable.1 + p),
                (Status::Ok, Some(dm)) => {
                    population[band(dm)] += p;
                    settlements[band(dm)] += 1;
                }
            }
        }
        by_kind.insert(
            kind.name().into(),
            json!({
                "population": population,
                "settlements": settlements,
                "unreachable": {"settlements": unreachable.0, "population": unreachable.1},
                "no_road": {"settlements": no_road.0, "population": no_road.1},
            }),
        );
    }
    json!({
        "edges_km": BAND_EDGES_KM,
        "labels": ["0–5 km", "5–10 km", "10–15 km", "15–20 km", "20–25 km", "over 25 km"],
        "kinds": by_kind,
    })
}

/// The cash law check over `members`: people more than [`CASH_KM`] by road from the nearest
/// payment point, or on the network and reaching none, against [`CASH_LIMIT`] of the
/// population analysed. Settlements without a road are counted apart: their distance is not
/// known.
pub(super) fn cash(region: &Region, analysis: &Analysis, members: &[usize]) -> Value {
    let k = ServiceKind::PAYMENT.index();
    let (mut population, mut beyond, mut unreachable, mut no_road) = (0u64, 0u64, 0u64, 0u64);
    for &i in members {
        let r = &analysis.settlements[i];
        let p = region.settlements[i].population.unwrap_or(0);
        match (r.status, r.kinds[k].length_dm) {
            (Status::Outside, _) => continue,
            (Status::NoRoad, _) => no_road += p,
            (Status::Ok, None) => unreachable += p,
            (Status::Ok, Some(dm)) if f64::from(dm) / 10_000.0 > CASH_KM => beyond += p,
            (Status::Ok, Some(_)) => {}
        }
        population += p;
    }
    let share = (population > 0).then(|| (beyond + unreachable) as f64 / population as f64);
    json!({
        "km": CASH_KM,
        "limit_share": CASH_LIMIT,
        "population": population,
        "beyond_population": beyond,
        "unreachable_population": unreachable,
        "no_road_population": no_road,
        "share": share.map(crate::report::round6),
        "within_limit": share.map(|s| s <= CASH_LIMIT),
    })
}

/// A coordinate in degrees rounded to 1e-5 (about a metre).
pub(super) fn deg(x: f64) -> Value {
    json!((x * 1e5).round() / 1e5)
}

/// The settlements as columns: where, name, population, status, region, and per kind the km,
/// minutes and gap flag (and km without mobile, or without seasonal, points for a kind that
/// has them), the figures beyond the nearest (`nearest`), with population groups each
/// group's population, and the E2SFCA value per 1 000 inhabitants when the analysis computed
/// it.
fn settlements(region: &Region, analysis: &Analysis, groups: Option<&RegionGroups<'_>>) -> Value {
    let s = &region.settlements;
    let r = &analysis.settlements;
    let mut km_by = Map::new();
    let mut min_by = Map::new();
    let mut gap_by = Map::new();
    // Per Without::ALL, per kind that has such points, the km without them.
    let mut without_by = [Map::new(), Map::new()];
    let mut e2sfca_by = Map::new();
    for kind in region.kinds.iter() {
        let k = kind.index();
        let name = kind.name().to_owned();
        km_by.insert(
            name.clone(),
            r.iter().map(|x| km(x.kinds[k].length_dm)).collect(),
        );
        min_by.insert(
            name.clone(),
            r.iter().map(|x| min(x.kinds[k].time_ds)).collect(),
        );
        let gap: Vec<u8> = r.iter().map(|x| u8::from(x.kinds[k].gap)).collect();
        gap_by.insert(name.clone(), json!(gap));
        if analysis.has_e2sfca() {
            let e2sfca: Vec<Option<f64>> = r
                .iter()
                .map(|x| x.e2sfca.get(k).copied().flatten().map(e2sfca_per_1000))
                .collect();
            e2sfca_by.insert(name.clone(), json!(e2sfca));
        }
        for (w, by) in Without::ALL.into_iter().zip(&mut without_by) {
            if analysis.kinds_without(w).contains(kind) {
                let values: Vec<Value> = r
                    .iter()
                    .map(|x| km(x.without(w)[k].and_then(|f| f.length_dm)))
                    .collect();
                by.insert(name.clone(), json!(values));
            }
        }
    }
    let [fixed_by, yearround_by] = without_by;
    // Beyond the nearest: per kind K the km and minutes to the second-nearest and the mean
    // minutes to the N nearest (`null` in a scenario report, which has none).
    let beyond = analysis.k_nearest.as_ref().map(|b| {
        let mut km_2nd = Map::new();
        let mut min_2nd = Map::new();
        let mut min_mean = Map::new();
        for (k, kind) in region.kinds.iter().enumerate() {
            let of = |i: usize| b.of(k, i);
            let name = kind.name().to_owned();
            km_2nd.insert(
                name.clone(),
                (0..r.len()).map(|i| km(of(i).length_2nd_dm)).collect(),
            );
            min_2nd.insert(
                name.clone(),
                (0..r.len()).map(|i| min(of(i).time_2nd_ds)).collect(),
            );
            let mean = (0..r.len()).map(|i| of(i).time_mean_ds.map(|ds| round2(ds / 600.0)));
            min_mean.insert(name, json!(mean.collect::<Vec<_>>()));
        }
        json!({"n": b.n, "km_2nd": km_2nd, "min_2nd": min_2nd, "min_mean": min_mean})
    });
    let mut data = json!({
        "count": s.len(),
        "lon": s.iter().map(|x| deg(x.coord.lon())).collect::<Vec<_>>(),
        "lat": s.iter().map(|x| deg(x.coord.lat())).collect::<Vec<_>>(),
        "name": s.iter().map(|x| x.name.as_deref()).collect::<Vec<_>>(),
        "population": s.iter().map(|x| x.population).collect::<Vec<_>>(),
        "status": r.iter().map(|x| x.status.name()).collect::<Vec<_>>(),
        "region": groups.map(|g| g.of_settlement.clone()),
        "km": km_by,
        "min": min_by,
        "gap": gap_by,
        "km_without_mobile": fixed_by,
        "km_without_seasonal": yearround_by,
        "nearest": beyond,
    });
    // Only with population groups, so that a report without them keeps its data as it was.
    if !region.groups.is_empty() {
        let by_group: Map<String, Value> = region
            .groups
            .iter()
            .enumerate()
            .map(|(g, name)| {
                let column: Vec<Option<u64>> = s
                    .iter()
                    .map(|x| x.groups.get(g).copied().flatten())
                    .collect();
                (name.clone(), json!(column))
            })
            .collect();
        data["groups"] = Value::Object(by_group);
    }
    if analysis.has_e2sfca() {
        data["e2sfca"] = json!(e2sfca_by);
    }
    data
}

/// The service points as columns: where, id, name, kinds, mobile, seasonal, whether it snapped
/// (`dropped` or `outside` otherwise), and its region (`null` without regions).
fn services(region: &Region, analysis: &Analysis, point_region: Option<&[Option<usize>]>) -> Value {
    let p = &region.services;
    let status: Vec<&str> = (0..p.len())
        .map(|j| {
            if analysis.service_outside[j] {
                "outside"
            } else if analysis.service_snaps[j].is_some() {
                "ok"
            } else {
                "dropped"
            }
        })
        .collect();
    json!({
        "count": p.len(),
        "lon": p.iter().map(|x| deg(x.coord.lon())).collect::<Vec<_>>(),
        "lat": p.iter().map(|x| deg(x.coord.lat())).collect::<Vec<_>>(),
        "id": p.iter().map(|x| x.id.to_string()).collect::<Vec<_>>(),
        "name": p.iter().map(|x| x.name.as_deref()).collect::<Vec<_>>(),
        "kinds": p.iter().map(|x| region.kinds.of(x.kinds).map(ServiceKind::name).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "mobile": p.iter().map(|x| x.mobile).collect::<Vec<_>>(),
        "seasonal": p.iter().map(|x| x.seasonal).collect::<Vec<_>>(),
        "status": status,
        "region": point_region,
        "next_km": next_columns(analysis, Metric::Length, p.len()),
        "next_min": next_columns(analysis, Metric::Time, p.len()),
    })
}

/// Per kind, each point's distance to the next point of the kind by `metric` (km or minutes,
/// as services.geojson's `K_next_km` and `K_next_min`): `null` where the point does not offer
/// the kind, did not snap or reaches no other point.
fn next_columns(analysis: &Analysis, metric: Metric, count: usize) -> Value {
    let mut kinds = Map::new();
    for kind in analysis.kind_list() {
        let Some(next) = analysis.next_of(kind, metric) else {
            continue;
        };
        let mut values: Vec<Option<f64>> = vec![None; count];
        for p in &next.points {
            values[p.service as usize] = p.next.map(|(cost, _)| match metric {
                Metric::Length => round2(f64::from(cost) / 10_000.0),
                Metric::Time => round2(f64::from(cost) / 600.0),
            });
        }
        kinds.insert(kind.name().into(), json!(values));
    }
    Value::Object(kinds)
}

/// The scenario part: compare.json's document, and per scenario and kind the settlements that
/// enter or leave a gap, with the closed and added points.
fn scenario(file: &str, groups: &[String], base: &Analysis, input: &ScenarioInput<'_>) -> Value {
    let compare = crate::report::compare_json(file, groups, input.services, base, input.outcomes);
    let rows: Vec<Value> = input
        .outcomes
        .iter()
        .map(|o| {
            let mut kinds = Map::new();
            for kind in base.kind_list() {
                let k = kind.index();
                let (mut entered, mut left) = (Vec::new(), Vec::new());
                for (i, (b, s)) in base.settlements.iter().zip(&o.analysis.settlements).enumerate() {
                    match (b.kinds[k].gap, s.kinds[k].gap) {
                        (false, true) => entered.push(i),
                        (true, false) => left.push(i),
                        _ => {}
                    }
                }
                kinds.insert(kind.name().into(), json!({"entered_gap": entered, "left_gap": left}));
            }
            let point = |j: &usize| {
                let p = &o.services[*j];
                json!({
                    "id": p.id.to_string(),
                    "name": p.name,
                    "lon": deg(p.coord.lon()),
                    "lat": deg(p.coord.lat()),
                    "kinds": base.kinds_of(input.services.get(*j).unwrap_or(p).kinds).map(ServiceKind::name).collect::<Vec<_>>(),
                })
            };
            json!({
                "name": o.name,
                "closed": o.removed.iter().map(point).collect::<Vec<_>>(),
                "added": o.added.iter().map(point).collect::<Vec<_>>(),
                "kinds": kinds,
            })
        })
        .collect();
    json!({"compare": compare, "scenarios": rows})
}
