//! Every table-shaped output as a [`Layer`]: settlements, services, catchments, network,
//! regions, a scenario's diff, vulnerable and suggest results. Each layer declares its columns
//! once, with their types, and produces any range of its rows on its own, so the GeoJSON, CSV,
//! GeoPackage and FlatGeobuf writers share one description and may format ranges in parallel.
//!
//! Values are those of the files: km, minutes and metres rounded to 0.01, shares to 0.000001,
//! `Null` where there is no value. A column's set, order and type do not depend on the rows:
//! a km column that is `Null` in every row is still [`ColumnType::Real`].

use super::layer::{Column, ColumnType, Geometry, GeometryType, Layer, Row, Value};
use super::{e2sfca_per_1000, round6, RegionGroups};
use crate::analysis::{round2, Analysis, Catchment, KindResult, Status, Without};
use crate::base::feature::{FeatureId, Kinds, Place, ServiceKind, ServicePoint, Settlement};
use crate::input::regions::Regions;
use crate::network::region::Region;
use crate::route::Metric;
use crate::whatif::scenario::Outcome;
use crate::whatif::suggest::{Candidates, Suggestion};
use crate::whatif::vulnerability::Vulnerability;
use rayon::prelude::*;
use std::borrow::Cow;
use std::io;
use std::ops::Range;

use ColumnType::{Boolean, Integer, Real, Text, TextList};

/// The four plain methods of a layer that keeps its `columns`: its name, geometry type,
/// columns and row count (`$len` of the layer `$l`).
macro_rules! plain_methods {
    ($name:literal, $geometry:ident, |$l:ident| $len:expr) => {
        fn name(&self) -> &str {
            $name
        }
        fn geometry_type(&self) -> GeometryType {
            GeometryType::$geometry
        }
        fn columns(&self) -> &[Column] {
            &self.columns
        }
        fn len(&self) -> usize {
            let $l = self;
            $len
        }
    };
}

/// Columns from `(name, type)` pairs.
fn columns<'n>(names: impl IntoIterator<Item = (Cow<'n, str>, ColumnType)>) -> Vec<Column> {
    names
        .into_iter()
        .map(|(name, ty)| Column::new(name, ty))
        .collect()
}

/// A fixed column name.
fn c(name: &str, ty: ColumnType) -> (Cow<'_, str>, ColumnType) {
    (Cow::Borrowed(name), ty)
}

/// A per-kind column name, `{kind}_{suffix}`.
fn per_kind(kind: ServiceKind, suffix: &str, ty: ColumnType) -> (Cow<'static, str>, ColumnType) {
    (Cow::Owned(format!("{kind}_{suffix}")), ty)
}

/// A text value.
fn text(s: &str) -> Value<'_> {
    Value::Text(Cow::Borrowed(s))
}

/// A text value, `Null` for none.
fn opt_text(s: Option<&str>) -> Value<'_> {
    s.map_or(Value::Null, text)
}

/// A real value, `Null` for none.
fn real(x: Option<f64>) -> Value<'static> {
    x.map_or(Value::Null, Value::Real)
}

/// A count or population as an integer value (saturating past `i64::MAX`, which no count
/// reaches).
fn int(n: impl TryInto<i64>) -> Value<'static> {
    Value::Integer(n.try_into().unwrap_or(i64::MAX))
}

/// An integer value, `Null` for none.
fn opt_int(n: Option<impl TryInto<i64>>) -> Value<'static> {
    n.map_or(Value::Null, int)
}

/// Decimetres as km rounded to 0.01, `Null` when unreached.
fn km(dm: Option<u32>) -> Value<'static> {
    real(dm.map(|d| round2(f64::from(d) / 10_000.0)))
}

/// Deciseconds as minutes rounded to 0.01, `Null` when unreached.
fn minutes(ds: Option<u32>) -> Value<'static> {
    real(ds.map(|d| round2(f64::from(d) / 600.0)))
}

/// A feature id as text: a planner's id borrowed, an OSM id as `node/123`.
fn feature_id(id: &FeatureId) -> Value<'_> {
    match id {
        FeatureId::File(s) => text(s),
        FeatureId::Osm(_) => Value::Text(Cow::Owned(id.to_string())),
    }
}

/// The id of the service point at `index` of `services`, `Null` for none.
fn service_id(services: &[ServicePoint], index: Option<u32>) -> Value<'_> {
    index.map_or(Value::Null, |j| feature_id(&services[j as usize].id))
}

/// A point at `c`.
fn point(c: crate::base::coord::Coord) -> Geometry<'static> {
    Geometry::Point([c.lon(), c.lat()])
}

/// Calls `row` for each index of `range` with the values `fill` puts into a reused buffer and
/// the geometry `at` gives.
fn point_rows<'s>(
    range: Range<usize>,
    width: usize,
    row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    mut fill: impl FnMut(usize, &mut Vec<Value<'s>>) -> Geometry<'s>,
) -> io::Result<()> {
    let mut values = Vec::with_capacity(width);
    for i in range {
        values.clear();
        let geometry = fill(i, &mut values);
        debug_assert_eq!(values.len(), width, "row {i}");
        row(Row {
            geometry,
            values: &values,
        })?;
    }
    Ok(())
}

/// settlements: one Point per settlement at its own location. Columns `id`, `name`, `place`,
/// `population`, then each population group's column as the settlements file names it (e.g.
/// `pop_70plus`; `Null` for an empty cell), `status`, `snap_m`, `island`, `region` (with region groups), then per kind K
/// `K_km`, `K_min`, `K_nearest` (by length), `K_gap`, `K_line_km` (straight line to the
/// nearest point), `K_detour` (road km over straight km), for a kind with mobile points
/// `K_km_fixed`, `K_min_fixed`, `K_gap_fixed` (the same without mobile points), and for a kind
/// with seasonal points `K_km_yearround`, `K_min_yearround`, `K_gap_yearround` (the same
/// without seasonal points, open all year), then, for an analysis with the figures beyond the
/// nearest ([`Analysis::k_nearest`]), `K_km_2nd` (road km to the second-nearest point by
/// length), `K_min_2nd` (car minutes to the second-nearest by time) and `K_min_meanN` (mean
/// car minutes to the N nearest by time, N in the name), then, when the analysis computed it
/// ([`Analysis::has_e2sfca`]), `K_e2sfca` (capacity-aware access, E2SFCA: the points'
/// capacity per 1 000 inhabitants, six significant digits; `Null` without a road); last
/// `gaps`.
/// For a settlement outside the extract (status `outside`) every value, `K_gap` too, is `Null`.
pub struct SettlementsLayer<'a> {
    region: &'a Region,
    analysis: &'a Analysis,
    groups: Option<&'a RegionGroups<'a>>,
    columns: Vec<Column>,
}

impl<'a> SettlementsLayer<'a> {
    /// The settlements of `region` with their `analysis`, and their region with `groups`.
    pub fn new(
        region: &'a Region,
        analysis: &'a Analysis,
        groups: Option<&'a RegionGroups<'a>>,
    ) -> Self {
        let mut names = vec![
            c("id", Text),
            c("name", Text),
            c("place", Text),
            c("population", Integer),
        ];
        names.extend(region.groups.iter().map(|g| c(g, Integer)));
        names.extend([c("status", Text), c("snap_m", Real), c("island", Boolean)]);
        if groups.is_some() {
            names.push(c("region", Text));
        }
        for kind in region.kinds.iter() {
            names.extend([
                per_kind(kind, "km", Real),
                per_kind(kind, "min", Real),
                per_kind(kind, "nearest", Text),
                per_kind(kind, "gap", Boolean),
                per_kind(kind, "line_km", Real),
                per_kind(kind, "detour", Real),
            ]);
            for w in Without::ALL {
                if analysis.kinds_without(w).contains(kind) {
                    let suffix = w.suffix();
                    names.extend([
                        per_kind(kind, &format!("km_{suffix}"), Real),
                        per_kind(kind, &format!("min_{suffix}"), Real),
                        per_kind(kind, &format!("gap_{suffix}"), Boolean),
                    ]);
                }
            }
            if let Some(beyond) = &analysis.k_nearest {
                names.extend([
                    per_kind(kind, "km_2nd", Real),
                    per_kind(kind, "min_2nd", Real),
                    per_kind(kind, &format!("min_mean{}", beyond.n), Real),
                ]);
            }
            if analysis.has_e2sfca() {
                names.push(per_kind(kind, "e2sfca", Real));
            }
        }
        names.push(c("gaps", TextList));
        SettlementsLayer {
            region,
            analysis,
            groups,
            columns: columns(names),
        }
    }

    fn fill(&self, i: usize, v: &mut Vec<Value<'a>>) -> Geometry<'a> {
        let (region, groups) = (self.region, self.groups);
        let s: &'a Settlement = &region.settlements[i];
        let r = &self.analysis.settlements[i];
        v.extend([
            feature_id(&s.id),
            opt_text(s.name.as_deref()),
            opt_text(s.place.map(Place::name)),
            opt_int(s.population),
        ]);
        // One value per group the region names, whatever the settlement holds.
        v.extend((0..region.groups.len()).map(|g| opt_int(s.groups.get(g).copied().flatten())));
        v.extend([
            text(r.status.name()),
            real(r.snap.map(|sn| round2(sn.snap_m))),
            Value::Boolean(r.island),
        ]);
        if let Some(g) = groups {
            v.push(opt_text(g.name_of(i)));
        }
        // Outside the extract: not analysed, so neither in gap nor out of it.
        let analysed = r.status != Status::Outside;
        let gap = |gap: bool| {
            if analysed {
                Value::Boolean(gap)
            } else {
                Value::Null
            }
        };
        let mut gaps = Vec::new();
        for (k, kind) in region.kinds.iter().enumerate() {
            let KindResult {
                length_dm,
                time_ds,
                nearest_by_length,
                gap: in_gap,
                ..
            } = r.kinds[k];
            v.extend([
                km(length_dm),
                minutes(time_ds),
                service_id(&region.services, nearest_by_length),
                gap(in_gap),
                km(r.line[k].map(|l| l.length_dm)),
                real(r.detour(k).map(round2)),
            ]);
            for w in Without::ALL {
                if self.analysis.kinds_without(w).contains(kind) {
                    let without = r.without(w)[k];
                    v.extend([
                        km(without.and_then(|f| f.length_dm)),
                        minutes(without.and_then(|f| f.time_ds)),
                        without.map_or(Value::Null, |f| gap(f.gap)),
                    ]);
                }
            }
            if let Some(beyond) = &self.analysis.k_nearest {
                let b = beyond.of(k, i);
                v.extend([
                    km(b.length_2nd_dm),
                    minutes(b.time_2nd_ds),
                    real(b.time_mean_ds.map(|ds| round2(ds / 600.0))),
                ]);
            }
            if self.analysis.has_e2sfca() {
                v.push(real(
                    r.e2sfca.get(k).copied().flatten().map(e2sfca_per_1000),
                ));
            }
            if in_gap {
                gaps.push(kind.name());
            }
        }
        v.push(Value::TextList(gaps));
        point(s.coord)
    }
}

impl Layer for SettlementsLayer<'_> {
    plain_methods!("settlements", Point, |l| l.region.settlements.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        point_rows(range, self.columns.len(), row, |i, v| self.fill(i, v))
    }
}

/// The columns a service point has in services and catchments: `id`, `name`, `kinds`, `form`,
/// `mobile`, `seasonal`, `snap_m`.
fn service_columns() -> Vec<(Cow<'static, str>, ColumnType)> {
    vec![
        c("id", Text),
        c("name", Text),
        c("kinds", TextList),
        c("form", Text),
        c("mobile", Boolean),
        c("seasonal", Boolean),
        c("snap_m", Real),
    ]
}

/// The values of [`service_columns`].
fn service_values<'s>(
    kinds: &Kinds,
    s: &'s ServicePoint,
    snap_m: Option<f64>,
    v: &mut Vec<Value<'s>>,
) {
    v.extend([
        feature_id(&s.id),
        opt_text(s.name.as_deref()),
        Value::TextList(kinds.of(s.kinds).map(ServiceKind::name).collect()),
        opt_text(s.form.as_deref()),
        Value::Boolean(s.mobile),
        Value::Boolean(s.seasonal),
        real(snap_m.map(round2)),
    ]);
}

/// services: every service point with `id`, `name`, `kinds`, `form` (a planner's list's form
/// of service, else `Null`), `mobile`, `seasonal` (open in summer only) and `snap_m` (`Null`
/// for points dropped as too far from a road), then per kind K the next point of the kind
/// ([`crate::analysis::next`]): `K_next_km` (road km to the nearest other point of the kind
/// by length), `K_next_min` (car minutes to the nearest other point by time) and `K_next`
/// (the id of the one by length), `Null` for a kind the point does not offer, a dropped
/// point, or one that reaches no other point of the kind.
pub struct ServicesLayer<'a> {
    region: &'a Region,
    analysis: &'a Analysis,
    columns: Vec<Column>,
}

impl<'a> ServicesLayer<'a> {
    /// The service points of `region` with their snaps and next points in `analysis`.
    pub fn new(region: &'a Region, analysis: &'a Analysis) -> Self {
        let mut names = service_columns();
        for kind in region.kinds.iter() {
            names.extend([
                per_kind(kind, "next_km", Real),
                per_kind(kind, "next_min", Real),
                per_kind(kind, "next", Text),
            ]);
        }
        ServicesLayer {
            region,
            analysis,
            columns: columns(names),
        }
    }
}

impl Layer for ServicesLayer<'_> {
    plain_methods!("services", Point, |l| l.region.services.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        point_rows(range, self.columns.len(), row, |j, v| {
            let s = &self.region.services[j];
            let snap = self.analysis.service_snaps[j];
            service_values(&self.region.kinds, s, snap.map(|sn| sn.snap_m), v);
            for kind in self.region.kinds.iter() {
                let next = |metric| {
                    self.analysis
                        .next_of(kind, metric)
                        .and_then(|n| n.of(j as u32))
                        .flatten()
                };
                let by_length = next(Metric::Length);
                v.extend([
                    km(by_length.map(|n| n.0)),
                    minutes(next(Metric::Time).map(|n| n.0)),
                    service_id(&self.region.services, by_length.map(|n| n.1)),
                ]);
            }
            point(s.coord)
        })
    }
}

/// catchments: one Point per service point at its own location, with the columns of
/// services, then `status` (`ok`, `dropped` for a point too far from a road, or `outside` for
/// one outside the extract), then per kind K: `K_settlements_km` and `K_population_km` (the
/// settlements, and their known population, whose nearest point of K by road length it is),
/// `K_settlements_min` and `K_population_min` (the same by car time). The four are `Null` for
/// a kind the point does not offer, and for every kind of a dropped point. See
/// [`crate::analysis::catchments`].
pub struct CatchmentsLayer<'a> {
    region: &'a Region,
    analysis: &'a Analysis,
    catchments: Vec<Vec<Option<Catchment>>>,
    columns: Vec<Column>,
}

impl<'a> CatchmentsLayer<'a> {
    /// The catchments of the service points of `region` in `analysis`.
    pub fn new(region: &'a Region, analysis: &'a Analysis) -> Self {
        let mut names = service_columns();
        names.push(c("status", Text));
        for kind in region.kinds.iter() {
            names.extend([
                per_kind(kind, "settlements_km", Integer),
                per_kind(kind, "population_km", Integer),
                per_kind(kind, "settlements_min", Integer),
                per_kind(kind, "population_min", Integer),
            ]);
        }
        CatchmentsLayer {
            region,
            analysis,
            catchments: crate::analysis::catchments(region, analysis),
            columns: columns(names),
        }
    }
}

impl Layer for CatchmentsLayer<'_> {
    plain_methods!("catchments", Point, |l| l.region.services.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        point_rows(range, self.columns.len(), row, |j, v| {
            let s = &self.region.services[j];
            let snap = self.analysis.service_snaps[j];
            service_values(&self.region.kinds, s, snap.map(|sn| sn.snap_m), v);
            let status = if snap.is_some() {
                "ok"
            } else if self
                .analysis
                .service_outside
                .get(j)
                .copied()
                .unwrap_or(false)
            {
                "outside"
            } else {
                "dropped"
            };
            v.push(text(status));
            for c in &self.catchments[j] {
                let c = c.as_ref();
                v.extend([
                    opt_int(c.map(|c| c.settlements_km)),
                    opt_int(c.map(|c| c.population_km)),
                    opt_int(c.map(|c| c.settlements_min)),
                    opt_int(c.map(|c| c.population_min)),
                ]);
            }
            point(s.coord)
        })
    }
}

/// network: every edge as a LineString with `from`, `to` (graph nodes), `length_m`, `time_s`,
/// `oneway`, `component`, `ferry`, `class` and `way_id`.
pub struct NetworkLayer<'a> {
    region: &'a Region,
    columns: Vec<Column>,
}

impl<'a> NetworkLayer<'a> {
    /// The edges of `region`'s graph.
    pub fn new(region: &'a Region) -> Self {
        NetworkLayer {
            region,
            columns: columns([
                c("from", Integer),
                c("to", Integer),
                c("length_m", Real),
                c("time_s", Real),
                c("oneway", Boolean),
                c("component", Integer),
                c("ferry", Boolean),
                c("class", Text),
                c("way_id", Integer),
            ]),
        }
    }
}

impl Layer for NetworkLayer<'_> {
    plain_methods!("network", LineString, |l| l.region.graph.edges().len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let g = &self.region.graph;
        let mut values = Vec::with_capacity(self.columns.len());
        let mut coords: Vec<[f64; 2]> = Vec::new();
        for i in range {
            let e = &g.edges()[i];
            values.clear();
            values.extend([
                int(e.from.0),
                int(e.to.0),
                Value::Real(f64::from(e.length_dm) / 10.0),
                Value::Real(f64::from(e.time_ds) / 10.0),
                Value::Boolean(e.oneway),
                int(g.component(e.from)),
                Value::Boolean(e.is_ferry()),
                text(crate::read::profile::class_name(e.class)),
                int(e.way_id),
            ]);
            coords.clear();
            coords.extend(g.edge_geometry(i).iter().map(|c| [c.lon(), c.lat()]));
            row(Row {
                geometry: Geometry::LineString(&coords),
                values: &values,
            })?;
        }
        Ok(())
    }
}

/// regions: each region polygon with `name`, `settlements`, `population`, each population
/// group G's population (column `G`), and per kind K `K_gap_settlements`, `K_gap_population`,
/// `K_gap_share` (of the known population), `K_km_p50` and `K_km_p90`, then per group G
/// `K_G_gap_population`, `K_G_gap_share`, `K_G_far_population` and `K_G_far_total_km` (see
/// [`crate::analysis::GroupFigures`]): ready for a choropleth.
pub struct RegionsLayer<'a> {
    groups: &'a RegionGroups<'a>,
    columns: Vec<Column>,
}

impl<'a> RegionsLayer<'a> {
    /// The regions of `groups` with their summaries.
    pub fn new(groups: &'a RegionGroups<'a>) -> Self {
        let mut names = vec![
            c("name", Text),
            c("settlements", Integer),
            c("population", Integer),
        ];
        let population_groups = &groups.population_groups;
        names.extend(population_groups.iter().map(|g| c(g, Integer)));
        for kind in groups.kinds.iter() {
            names.extend([
                per_kind(kind, "gap_settlements", Integer),
                per_kind(kind, "gap_population", Integer),
                per_kind(kind, "gap_share", Real),
                per_kind(kind, "km_p50", Real),
                per_kind(kind, "km_p90", Real),
            ]);
            for g in population_groups {
                names.extend([
                    per_kind(kind, &format!("{g}_gap_population"), Integer),
                    per_kind(kind, &format!("{g}_gap_share"), Real),
                    per_kind(kind, &format!("{g}_far_population"), Integer),
                    per_kind(kind, &format!("{g}_far_total_km"), Real),
                ]);
            }
        }
        RegionsLayer {
            groups,
            columns: columns(names),
        }
    }
}

impl Layer for RegionsLayer<'_> {
    plain_methods!("regions", MultiPolygon, |l| l.groups.summaries.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let groups = self.groups;
        point_rows(range, self.columns.len(), row, |r, v| {
            let kinds = &groups.summaries[r];
            v.extend([
                text(groups.regions.name(r)),
                int(kinds.first().map_or(0, |k| k.settlements)),
                int(kinds.first().map_or(0, |k| k.population)),
            ]);
            let count = groups.population_groups.len();
            let first_groups = kinds.first().map(|k| k.groups.as_slice()).unwrap_or(&[]);
            v.extend((0..count).map(|g| int(first_groups.get(g).map_or(0, |f| f.population))));
            for k in kinds {
                v.extend([
                    int(k.gap_settlements),
                    int(k.gap_population),
                    real(k.gap_share_population.map(round6)),
                    real(k.km.p50),
                    real(k.km.p90),
                ]);
                for g in 0..count {
                    let f = k.groups.get(g);
                    v.extend([
                        opt_int(f.map(|f| f.gap_population)),
                        real(f.and_then(|f| f.gap_share).map(round6)),
                        opt_int(f.map(|f| f.far_population)),
                        real(f.map(|f| f.far_total_km)),
                    ]);
                }
            }
            Geometry::MultiPolygon(groups.regions.polygon(r))
        })
    }
}

/// diff: one Point per scenario, settlement and kind whose distance, time, nearest point or
/// gap changed, with the old and new values: `scenario`, `id`, `name`, `population`, `kind`,
/// `km_old`, `km_new`, `min_old`, `min_new`, `nearest_old`, `nearest_new`, `gap_old`,
/// `gap_new`, `gap_change` (`entered`, `left` or `none`). Rows are ordered by scenario, then
/// settlement, then kind.
pub struct DiffLayer<'a> {
    kinds: &'a Kinds,
    settlements: &'a [Settlement],
    baseline_services: &'a [ServicePoint],
    baseline: &'a Analysis,
    outcomes: &'a [Outcome],
    /// The changed `(outcome, settlement, kind)` triples, in output order.
    changed: Vec<(u32, u32, u8)>,
    columns: Vec<Column>,
}

impl<'a> DiffLayer<'a> {
    /// The changes of each of `outcomes` against `baseline` (an analysis of `settlements` with
    /// `baseline_services`, of `kinds`).
    pub fn new(
        kinds: &'a Kinds,
        settlements: &'a [Settlement],
        baseline_services: &'a [ServicePoint],
        baseline: &'a Analysis,
        outcomes: &'a [Outcome],
    ) -> Self {
        let changed = outcomes
            .iter()
            .enumerate()
            .flat_map(|(o, outcome)| {
                (0..settlements.len())
                    .into_par_iter()
                    .flat_map_iter(move |i| {
                        let (old, new) =
                            (&baseline.settlements[i], &outcome.analysis.settlements[i]);
                        (0..kinds.len())
                            .filter(move |&k| old.kinds[k] != new.kinds[k])
                            .map(move |k| (o as u32, i as u32, k as u8))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        DiffLayer {
            kinds,
            settlements,
            baseline_services,
            baseline,
            outcomes,
            changed,
            columns: columns([
                c("scenario", Text),
                c("id", Text),
                c("name", Text),
                c("population", Integer),
                c("kind", Text),
                c("km_old", Real),
                c("km_new", Real),
                c("min_old", Real),
                c("min_new", Real),
                c("nearest_old", Text),
                c("nearest_new", Text),
                c("gap_old", Boolean),
                c("gap_new", Boolean),
                c("gap_change", Text),
            ]),
        }
    }
}

impl Layer for DiffLayer<'_> {
    plain_methods!("diff", Point, |l| l.changed.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        point_rows(range, self.columns.len(), row, |n, v| {
            let (o, i, k) = self.changed[n];
            let (outcome, i, k) = (&self.outcomes[o as usize], i as usize, usize::from(k));
            let s = &self.settlements[i];
            let old = &self.baseline.settlements[i].kinds[k];
            let new = &outcome.analysis.settlements[i].kinds[k];
            let gap_change = match (old.gap, new.gap) {
                (false, true) => "entered",
                (true, false) => "left",
                _ => "none",
            };
            v.extend([
                text(&outcome.name),
                feature_id(&s.id),
                opt_text(s.name.as_deref()),
                opt_int(s.population),
                text(self.kinds[k].name()),
                km(old.length_dm),
                km(new.length_dm),
                minutes(old.time_ds),
                minutes(new.time_ds),
                service_id(self.baseline_services, old.nearest_by_length),
                service_id(&outcome.services, new.nearest_by_length),
                Value::Boolean(old.gap),
                Value::Boolean(new.gap),
                text(gap_change),
            ]);
            point(s.coord)
        })
    }
}

/// vulnerable: the ranked points of one kind at each service point's own location, with
/// `rank` (1 first), `id`, `name`, `kind`, `threshold`, `served_settlements`,
/// `served_population`, `stranded_settlements`, `stranded_population`,
/// `no_next_settlements`, `next_U_mean`, `next_U_max` (U the threshold's unit, `km` or `min`),
/// and with region polygons `region` and `only_in_region`. See
/// [`crate::whatif::vulnerability`].
pub struct VulnerableLayer<'a> {
    vulnerability: &'a Vulnerability,
    region: &'a Region,
    regions: Option<&'a Regions>,
    threshold: String,
    columns: Vec<Column>,
}

impl<'a> VulnerableLayer<'a> {
    /// The points of `vulnerability` (computed on `region`); region columns only with
    /// `regions`.
    pub fn new(
        vulnerability: &'a Vulnerability,
        region: &'a Region,
        regions: Option<&'a Regions>,
    ) -> Self {
        let unit = vulnerability.threshold.unit.name();
        let mut names = vec![
            c("rank", Integer),
            c("id", Text),
            c("name", Text),
            c("kind", Text),
            c("threshold", Text),
            c("served_settlements", Integer),
            c("served_population", Integer),
            c("stranded_settlements", Integer),
            c("stranded_population", Integer),
            c("no_next_settlements", Integer),
            (Cow::Owned(format!("next_{unit}_mean")), Real),
            (Cow::Owned(format!("next_{unit}_max")), Real),
        ];
        if regions.is_some() {
            names.extend([c("region", Text), c("only_in_region", Boolean)]);
        }
        VulnerableLayer {
            vulnerability,
            region,
            regions,
            threshold: vulnerability.threshold.to_string(),
            columns: columns(names),
        }
    }
}

impl Layer for VulnerableLayer<'_> {
    plain_methods!("vulnerable", Point, |l| l.vulnerability.points.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        point_rows(range, self.columns.len(), row, |rank, v| {
            let p = &self.vulnerability.points[rank];
            let s = &self.region.services[p.service as usize];
            v.extend([
                int(rank + 1),
                feature_id(&s.id),
                opt_text(s.name.as_deref()),
                text(self.vulnerability.kind.name()),
                text(&self.threshold),
                int(p.served_settlements),
                int(p.served_population),
                int(p.stranded_settlements),
                int(p.stranded_population),
                int(p.no_next_settlements),
                real(p.next_mean.map(round2)),
                real(p.next_max.map(round2)),
            ]);
            if let Some(r) = self.regions {
                v.extend([
                    opt_text(p.region.map(|i| r.name(i))),
                    Value::Boolean(p.only_in_region),
                ]);
            }
            point(s.coord)
        })
    }
}

/// suggest: the picks, best first, at each pick's location, with `rank` (1 first), `id` (a
/// node pick's OSM node, `node/123`; a site's id from the candidates file), `name` (a site's),
/// `kind`, `threshold`, `covered_settlements`, `covered_population`,
/// `gap_settlements_before`, `gap_settlements_after`, `gap_population_before`,
/// `gap_population_after`. See [`crate::whatif::suggest`].
pub struct SuggestLayer<'a> {
    suggestion: &'a Suggestion,
    region: &'a Region,
    candidates: &'a Candidates,
    threshold: String,
    columns: Vec<Column>,
}

impl<'a> SuggestLayer<'a> {
    /// The picks of `suggestion`, made on `region` among `candidates`.
    pub fn new(suggestion: &'a Suggestion, region: &'a Region, candidates: &'a Candidates) -> Self {
        SuggestLayer {
            suggestion,
            region,
            candidates,
            threshold: suggestion.threshold.to_string(),
            columns: columns([
                c("rank", Integer),
                c("id", Text),
                c("name", Text),
                c("kind", Text),
                c("threshold", Text),
                c("covered_settlements", Integer),
                c("covered_population", Integer),
                c("gap_settlements_before", Integer),
                c("gap_settlements_after", Integer),
                c("gap_population_before", Integer),
                c("gap_population_after", Integer),
            ]),
        }
    }
}

impl Layer for SuggestLayer<'_> {
    plain_methods!("suggest", Point, |l| l.suggestion.picks.len());
    fn rows(
        &self,
        range: Range<usize>,
        row: &mut dyn FnMut(Row<'_, '_>) -> io::Result<()>,
    ) -> io::Result<()> {
        point_rows(range, self.columns.len(), row, |rank, v| {
            let p = &self.suggestion.picks[rank];
            let (id, name) = self
                .suggestion
                .id_and_name(self.region, rank, self.candidates);
            v.extend([
                int(rank + 1),
                Value::Text(id),
                opt_text(name),
                text(self.suggestion.kind.name()),
                text(&self.threshold),
                int(p.settlements.len()),
                int(p.covered_population),
                int(p.gap_settlements.0),
                int(p.gap_settlements.1),
                int(p.gap_population.0),
                int(p.gap_population.1),
            ]);
            point(p.coord)
        })
    }
}
