//! summary.json and compare.json: the per-kind figures of one analysis, and of a baseline and
//! its scenarios side by side, as pretty-printed JSON.

use super::{e2sfca_per_1000, round6, RegionGroups};
use crate::analysis::next::NextPoints;
use crate::analysis::{quantiles, round2, Analysis, KindSummary, Quantiles, Without};
use crate::base::feature::{ServiceKind, ServicePoint};
use crate::network::region::Region;
use crate::route::Metric;
use crate::whatif::scenario::{KindChange, Outcome};
use crate::whatif::screening::is_beyond;
use serde_json::{json, Map, Value};
use std::io::Write;

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
        "settlements_outside": analysis.settlements_outside,
        "settlements_island": analysis.island_settlements,
        "service_points": region.services.len(),
        "service_points_dropped": analysis.services_dropped,
        "service_points_outside": analysis.services_outside,
        "kinds": kinds_json(&analysis.kinds, &region.groups),
    });
    add_next_points(&mut summary["kinds"], region, analysis);
    if let (Some(beyond), Value::Object(kinds)) = (&analysis.k_nearest, &mut summary["kinds"]) {
        for (kind, b) in analysis.kind_list().zip(&beyond.kinds) {
            if let Some(Value::Object(row)) = kinds.get_mut(kind.name()) {
                row.insert("km_2nd".into(), quantiles_json(&b.km_2nd));
                row.insert("min_2nd".into(), quantiles_json(&b.min_2nd));
                row.insert(format!("min_mean{}", beyond.n), quantiles_json(&b.min_mean));
            }
        }
    }
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
                    "kinds": kinds_json(kinds, &region.groups),
                })
            })
            .collect();
        summary["regions"] = json!(rows);
        summary["settlements_outside_regions"] =
            json!(g.of_settlement.iter().filter(|r| r.is_none()).count());
    }
    summary
}

/// Per kind of the whole area, `next` (how far its points are from the next point of the kind)
/// and, for a screened kind, `support` (the points beyond the limit).
fn add_next_points(kinds: &mut Value, region: &Region, analysis: &Analysis) {
    let ids = |points: &[u32]| -> Vec<String> {
        points
            .iter()
            .map(|&j| region.services[j as usize].id.to_string())
            .collect()
    };
    for k in &analysis.kinds {
        let (Some(by_length), Some(by_time)) = (
            analysis.next_of(k.kind, Metric::Length),
            analysis.next_of(k.kind, Metric::Time),
        ) else {
            continue;
        };
        let values = |points: &NextPoints, per: f64| {
            quantiles(
                points
                    .points
                    .iter()
                    .filter_map(|p| p.next)
                    .map(|(cost, _)| f64::from(cost) / per)
                    .collect(),
            )
        };
        let alone: Vec<u32> = by_length
            .points
            .iter()
            .filter(|p| p.next.is_none())
            .map(|p| p.service)
            .collect();
        let row = &mut kinds[k.kind.name()];
        row["next"] = json!({
            "points": by_length.points.len(),
            "no_next": alone.len(),
            "km": quantiles_json(&values(by_length, 10_000.0)),
            "min": quantiles_json(&values(by_time, 600.0)),
        });
        if let Some(limit) = k.support {
            let beyond: Vec<u32> = by_length
                .points
                .iter()
                .zip(&by_time.points)
                .filter(|(l, t)| is_beyond(limit, l, t))
                .map(|(l, _)| l.service)
                .collect();
            row["support"] = json!({
                "limit": threshold_json(limit),
                "beyond": beyond.len(),
                "ids": ids(&beyond),
            });
        }
    }
}

fn quantiles_json(q: &Quantiles) -> Value {
    json!({"p50": q.p50, "p90": q.p90, "max": q.max})
}

/// Per kind its figures, and under `groups` those of each population group named `groups`
/// (in the order of [`KindSummary::groups`]); no `groups` key without groups.
fn kinds_json(summaries: &[KindSummary], groups: &[String]) -> Value {
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
                "outside": k.outside,
                "km": q(&k.km),
                "min": q(&k.min),
                "line_km": q(&k.line_km),
        });
        for (w, f) in Without::ALL
            .iter()
            .filter_map(|&w| Some((w, k.without(w)?)))
        {
            row[w.key()] = json!({
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
        if !groups.is_empty() {
            let mut by_group = Map::new();
            for (name, g) in groups.iter().zip(&k.groups) {
                by_group.insert(
                    name.clone(),
                    json!({
                        "population": g.population,
                        "gap_population": g.gap_population,
                        "gap_share": g.gap_share.map(round6),
                        "far_km": g.far_km,
                        "far_population": g.far_population,
                        "far_total_km": g.far_total_km,
                        "no_distance_population": g.no_distance_population,
                    }),
                );
            }
            row["groups"] = Value::Object(by_group);
        }
        if let Some(e) = &k.e2sfca {
            let per_1000 = |x: Option<f64>| x.map(e2sfca_per_1000);
            row["e2sfca"] = json!({
                "p50": per_1000(e.quantiles.p50),
                "p90": per_1000(e.quantiles.p90),
                "max": per_1000(e.quantiles.max),
                "mean_population": per_1000(e.mean_population),
                "zero_settlements": e.zero_settlements,
                "zero_population": e.zero_population,
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

fn change_json(c: &KindChange) -> Value {
    json!({
        "shorter": {"settlements": c.shorter_settlements, "population": c.shorter_population},
        "longer": {"settlements": c.longer_settlements, "population": c.longer_population},
        "entered_gap": {"settlements": c.entered_gap_settlements, "population": c.entered_gap_population},
        "left_gap": {"settlements": c.left_gap_settlements, "population": c.left_gap_population},
    })
}

/// compare.json: the baseline's and every scenario's per-kind summary (with the figures of the
/// population groups named `groups`), with each scenario's closed and added points and its
/// changes against the baseline.
pub fn compare_json(
    file: &str,
    groups: &[String],
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> Value {
    let scenarios: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let mut kinds = kinds_json(&o.analysis.kinds, groups);
            if let Value::Object(map) = &mut kinds {
                for (kind, c) in o.analysis.kind_list().zip(&o.changes) {
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
                        "kinds": o.analysis.kinds_of(s.kinds).map(ServiceKind::name).collect::<Vec<_>>(),
                        "mobile": s.mobile,
                        "seasonal": s.seasonal,
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
        "baseline": {"kinds": kinds_json(&baseline.kinds, groups)},
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
    groups: &[String],
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> std::io::Result<()> {
    let value = compare_json(file, groups, baseline_services, baseline, outcomes);
    serde_json::to_writer_pretty(&mut *w, &value)?;
    w.write_all(b"\n")
}

/// The version of every `--json` document's schema (docs/json.md), raised when a key changes
/// meaning or goes away.
pub const JSON_VERSION: u32 = 1;

/// A command's `--json` document: `schema` (`servicegap/COMMAND`) and `version` first, then
/// the keys of `body` (an object) in order.
pub fn json_document(command: &str, body: Value) -> Value {
    let mut doc = Map::new();
    doc.insert("schema".into(), json!(format!("servicegap/{command}")));
    doc.insert("version".into(), json!(JSON_VERSION));
    match body {
        Value::Object(map) => doc.extend(map),
        other => {
            doc.insert("body".into(), other);
        }
    }
    Value::Object(doc)
}

/// The threshold as summary.json gives it.
pub(crate) fn threshold_json(t: crate::analysis::Threshold) -> Value {
    json!({"value": t.value, "unit": t.unit.name()})
}

/// How many settlements carry a population tag, of how many.
fn tagged_json(region: &Region) -> Value {
    let tagged = region
        .settlements
        .iter()
        .filter(|s| s.population.is_some())
        .count();
    json!({"settlements": region.settlements.len(), "with_population": tagged})
}

/// `vulnerable --json`: the headline counts and every ranked point with the properties of
/// the GeoJSON and CSV outputs, then `lon`, `lat`.
pub fn vulnerable_json(
    file: &str,
    region: &Region,
    v: &crate::whatif::vulnerability::Vulnerability,
    regions: Option<&crate::input::regions::Regions>,
) -> Value {
    let points = &v.points;
    let rows = layer_objects(&super::VulnerableLayer::new(v, region, regions));
    json_document(
        "vulnerable",
        json!({
            "file": file,
            "kind": v.kind.name(),
            "threshold": threshold_json(v.threshold),
            "points": points.len(),
            "points_dropped": v.dropped,
            "points_outside": v.outside,
            "stranded": {
                "most_settlements": points.iter().map(|p| p.stranded_settlements).max().unwrap_or(0),
                "most_population": points.iter().map(|p| p.stranded_population).max().unwrap_or(0),
                "settlements": points.iter().map(|p| p.stranded_settlements).sum::<usize>(),
                "population": points.iter().map(|p| p.stranded_population).fold(0u64, u64::saturating_add),
            },
            "population_tags": tagged_json(region),
            "rows": rows,
        }),
    )
}

/// `suggest --json`: the gap before any pick, the candidates, how many were picked of `k` and
/// why fewer, and every pick with the properties of the GeoJSON output, then `lon`, `lat`.
pub fn suggest_json(
    file: &str,
    region: &Region,
    s: &crate::whatif::suggest::Suggestion,
    candidates: &crate::whatif::suggest::Candidates,
    k: usize,
) -> Value {
    let picks = layer_objects(&super::SuggestLayer::new(s, region, candidates));
    let shortfall = super::Shortfall::of(s, k);
    json_document(
        "suggest",
        json!({
            "file": file,
            "kind": s.kind.name(),
            "threshold": threshold_json(s.threshold),
            "k": k,
            "picked": s.picks.len(),
            "shortfall": shortfall.map(super::Shortfall::name),
            "candidates": s.candidates,
            "candidates_dropped": s.candidates_dropped,
            "gap_settlements": s.gap_settlements,
            "gap_population": s.gap_population,
            "gap_on_road": s.gap_on_road,
            "population_tags": tagged_json(region),
            "picks": picks,
        }),
    )
}

/// The rows of a point layer as JSON objects: the layer's columns (as in its GeoJSON
/// properties), then `lon`, `lat`.
pub(crate) fn layer_objects(layer: &dyn super::layer::Layer) -> Vec<Value> {
    use super::layer::{Geometry, Value as Cell};
    let mut rows = Vec::with_capacity(layer.len());
    let columns = layer.columns();
    // Writing into a Vec cannot fail.
    let _ = layer.rows(0..layer.len(), &mut |row| {
        let mut p = Map::new();
        for (column, value) in columns.iter().zip(row.values) {
            let v = match value {
                Cell::Null => Value::Null,
                Cell::Real(x) => json!(x),
                Cell::Integer(i) => json!(i),
                Cell::Text(t) => json!(t),
                Cell::Boolean(b) => json!(b),
                Cell::TextList(items) => json!(items),
            };
            p.insert(column.name.clone(), v);
        }
        if let Geometry::Point([lon, lat]) = row.geometry {
            p.insert("lon".into(), json!(lon));
            p.insert("lat".into(), json!(lat));
        }
        rows.push(Value::Object(p));
        Ok(())
    });
    rows
}
