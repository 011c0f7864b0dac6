//! The plan pages: one section per region polygon (or one for the whole area without
//! regions) with the draft of a service plan's situation chapter.
//!
//! - **Places**: the section's fixed service points (not mobile, snapped) grouped into places
//!   by single linkage within [`PLACE_LINK_M`] in a straight line, each named after the
//!   nearest named settlement within [`PLACE_NAME_M`] (else after its points), with the kinds
//!   it offers and a proposed level: `serviceort` with all five kinds, `servicenod` with
//!   grocery and at least two more, `servicepunkt` otherwise.
//! - **Sårbar**: the kinds only one place of the section offers, and the points that are the
//!   only snapped point of their kind in it; with every point's vulnerability rows as
//!   `vulnerable` writes them.
//! - **Support screening**: per kind of the screening, every snapped point of the section with
//!   the road km and car minutes to the next point of its kind, those beyond the limit (or with
//!   no next point) first, then by km descending.
//! - **New sites**: the suggest picks of each kind for the section, each with the nearest named
//!   settlement of the section within [`PICK_NAME_M`].

use super::data::{bands, cash};
use crate::analysis::{round2, Analysis, Unit};
use crate::base::coord::distance_m;
use crate::base::feature::ServiceKind;
use crate::network::region::Region;
use crate::report::json::{layer_objects, threshold_json};
use crate::report::{RegionGroups, SuggestLayer, VulnerableLayer};
use crate::whatif::plan::Plan;
use crate::whatif::suggest::Candidates;
use serde_json::{json, Value};

/// Points closer than this in a straight line belong to one place (m).
pub const PLACE_LINK_M: f64 = 1000.0;
/// A place takes the name of the nearest named settlement within this distance (m).
pub const PLACE_NAME_M: f64 = 2000.0;
/// A new site is said to be near the nearest named settlement within this distance (m).
pub const PICK_NAME_M: f64 = 5000.0;

/// The sections of the plan pages.
pub(super) fn sections(
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
    point_region: Option<&[Option<usize>]>,
    plan: &Plan,
) -> Value {
    let n = groups.map_or(1, |g| g.regions.len());
    let in_region = |j: usize, r: usize| point_region.is_none_or(|p| p[j] == Some(r));
    let mut members = vec![Vec::new(); n];
    match groups {
        Some(g) => {
            for (i, r) in g.of_settlement.iter().enumerate() {
                if let Some(r) = r {
                    members[*r].push(i);
                }
            }
        }
        None => members[0] = (0..region.settlements.len()).collect(),
    }
    let regions = groups.map(|g| g.regions);
    let vulnerable: Vec<Vec<Value>> = plan
        .vulnerability
        .iter()
        .map(|v| {
            let mut rows = layer_objects(&VulnerableLayer::new(v, region, regions));
            for (row, p) in rows.iter_mut().zip(&v.points) {
                row["service"] = json!(p.service);
            }
            rows
        })
        .collect();
    let sections: Vec<Value> = (0..n)
        .map(|r| {
            let in_section = |j: usize| in_region(j, r);
            let name =
                groups.map_or_else(|| "Whole area".to_owned(), |g| g.regions.name(r).to_owned());
            let places = places(region, analysis, &members[r], in_section);
            let named: Vec<usize> = members[r]
                .iter()
                .copied()
                .filter(|&i| region.settlements[i].name.is_some())
                .collect();
            let mut vulnerable_rows = Vec::new();
            let mut only_points = Vec::new();
            let mut unlisted = serde_json::Map::new();
            for (v, rows) in plan.vulnerability.iter().zip(&vulnerable) {
                let here: Vec<usize> = (0..v.points.len())
                    .filter(|&i| in_section(v.points[i].service as usize))
                    .collect();
                if here.len() == 1 {
                    only_points
                        .push(json!({"kind": v.kind.name(), "service": v.points[here[0]].service}));
                }
                // The points whose closure strands someone, and an only point even if not.
                let listed = |i: &&usize| here.len() == 1 || v.points[**i].stranded_settlements > 0;
                let (shown, quiet): (Vec<&usize>, Vec<&usize>) = here.iter().partition(listed);
                vulnerable_rows.extend(shown.into_iter().map(|&i| rows[i].clone()));
                unlisted.insert(v.kind.name().to_owned(), json!(quiet.len()));
            }
            let suggest: serde_json::Map<String, Value> = plan
                .suggestions
                .iter()
                .filter_map(|per| per.get(r))
                .map(|s| {
                    let picks =
                        layer_objects(&SuggestLayer::new(s, region, &Candidates::MainNetworkNodes));
                    let near: Vec<Option<&str>> = s
                        .picks
                        .iter()
                        .map(|p| near(region, &named, p.coord))
                        .collect();
                    (
                        s.kind.name().to_owned(),
                        json!({
                            "gap_settlements": s.gap_settlements,
                            "gap_population": s.gap_population,
                            "gap_on_road": s.gap_on_road,
                            "picks": picks,
                            "near": near,
                        }),
                    )
                })
                .collect();
            json!({
                "name": name,
                "region": groups.map(|_| r),
                "settlements": members[r].len(),
                "bands": bands(region, analysis, &members[r]),
                "cash": cash(region, analysis, &members[r]),
                "places": places.0,
                "only_place": places.1,
                "only_point": only_points,
                "vulnerable": vulnerable_rows,
                "vulnerable_unlisted": unlisted,
                "screening": screening(region, plan, in_section),
                "suggest_k": plan.k,
                "suggest": suggest,
            })
        })
        .collect();
    Value::Array(sections)
}

/// The support screening of the points for which `in_section` holds.
fn screening(region: &Region, plan: &Plan, in_section: impl Fn(usize) -> bool) -> Value {
    let mut out = serde_json::Map::new();
    let services = &region.services;
    let id = |j: u32| services[j as usize].id.to_string();
    let name = |j: u32| services[j as usize].name.clone();
    for s in &plan.screening {
        // Both searches list the same snapped points in service-index order.
        let mut rows: Vec<(bool, Option<u32>, u32, Value)> = s
            .by_length
            .points
            .iter()
            .zip(&s.by_time.points)
            .filter(|(p, _)| in_section(p.service as usize))
            .map(|(p, t)| {
                debug_assert_eq!(p.service, t.service);
                let km = p.next.map(|(dm, _)| round2(f64::from(dm) / 10_000.0));
                let beyond = s.is_beyond(p, t);
                let time = t.next;
                let row = json!({
                    "service": p.service,
                    "id": id(p.service),
                    "name": name(p.service),
                    "next_km": km,
                    "next_id": p.next.map(|(_, j)| id(j)),
                    "next_name": p.next.and_then(|(_, j)| name(j)),
                    "next_min": time.map(|(ds, _)| round2(f64::from(ds) / 600.0)),
                    "next_by_time_id": time.map(|(_, j)| id(j)),
                    "beyond": beyond,
                });
                (beyond, p.next.map(|n| n.0), p.service, row)
            })
            .collect();
        // Beyond the limit first, no next point before the farthest, then by km descending.
        rows.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| match (a.1, b.1) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, Some(_)) => std::cmp::Ordering::Less,
                    (Some(_), None) => std::cmp::Ordering::Greater,
                    (Some(x), Some(y)) => y.cmp(&x),
                })
                .then(a.2.cmp(&b.2))
        });
        out.insert(
            s.kind.name().to_owned(),
            json!({
                "limit": threshold_json(s.limit),
                "limit_km": (s.limit.unit == Unit::Km).then_some(s.limit.value),
                "beyond": rows.iter().filter(|r| r.0).count(),
                "points": rows.into_iter().map(|r| r.3).collect::<Vec<_>>(),
            }),
        );
    }
    Value::Object(out)
}

/// The name of the settlement among `named` nearest to `at` in a straight line within
/// [`PICK_NAME_M`] (ties to the lower index).
fn near<'r>(region: &'r Region, named: &[usize], at: crate::base::coord::Coord) -> Option<&'r str> {
    named
        .iter()
        .map(|&i| (distance_m(region.settlements[i].coord, at), i))
        .filter(|(d, _)| *d <= PICK_NAME_M)
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .and_then(|(_, i)| region.settlements[i].name.as_deref())
}

/// Disjoint sets over `0..n` (path halving, union by index).
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The lower index is the root, so the grouping does not depend on the order of unions.
        let (lo, hi) = (a.min(b), a.max(b));
        self.0[hi] = lo;
    }
}

/// The proposed level of a place offering `kinds`, by the five built-in kinds it offers (a
/// project's own kinds are not part of the levels).
fn level(kinds: crate::base::feature::ServiceKinds) -> &'static str {
    let n = ServiceKind::BUILT_IN
        .iter()
        .filter(|k| kinds.contains(**k))
        .count();
    if n == ServiceKind::BUILT_IN.len() {
        "serviceort"
    } else if kinds.contains(ServiceKind::GROCERY) && n >= 3 {
        "servicenod"
    } else {
        "servicepunkt"
    }
}

/// The places of a section from its fixed snapped points (`in_section`), and per kind the
/// place that alone offers it (`[{"kind", "place"}]`).
fn places(
    region: &Region,
    analysis: &Analysis,
    members: &[usize],
    in_section: impl Fn(usize) -> bool,
) -> (Vec<Value>, Vec<Value>) {
    let points: Vec<usize> = (0..region.services.len())
        .filter(|&j| {
            in_section(j) && !region.services[j].mobile && analysis.service_snaps[j].is_some()
        })
        .collect();
    let mut sets = Sets((0..points.len()).collect());
    for a in 0..points.len() {
        for b in a + 1..points.len() {
            let (pa, pb) = (
                region.services[points[a]].coord,
                region.services[points[b]].coord,
            );
            if distance_m(pa, pb) <= PLACE_LINK_M {
                sets.union(a, b);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot = vec![usize::MAX; points.len()];
    for (a, &point) in points.iter().enumerate() {
        let root = sets.find(a);
        if slot[root] == usize::MAX {
            slot[root] = groups.len();
            groups.push(Vec::new());
        }
        groups[slot[root]].push(point);
    }
    let named: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| region.settlements[i].name.is_some())
        .collect();
    let mut offered_by = vec![Vec::new(); region.kinds.len()];
    let rows: Vec<Value> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let mut kinds = crate::base::feature::ServiceKinds::default();
            for &j in group {
                kinds |= region.services[j].kinds;
            }
            for k in kinds.indices() {
                offered_by[k].push(g);
            }
            let first = region.services[group[0]].coord;
            let place = named
                .iter()
                .map(|&i| (distance_m(region.settlements[i].coord, first), i))
                .filter(|(d, _)| *d <= PLACE_NAME_M)
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let name = place
                .and_then(|(_, i)| region.settlements[i].name.clone())
                .or_else(|| group.iter().find_map(|&j| region.services[j].name.clone()));
            json!({
                "name": name,
                "settlement": place.map(|(_, i)| i),
                "points": group,
                "kinds": region.kinds.of(kinds).map(ServiceKind::name).collect::<Vec<_>>(),
                "level": level(kinds),
            })
        })
        .collect();
    let only: Vec<Value> = region
        .kinds
        .iter()
        .filter(|k| offered_by[k.index()].len() == 1)
        .map(|k| json!({"kind": k.name(), "place": offered_by[k.index()][0]}))
        .collect();
    (rows, only)
}
