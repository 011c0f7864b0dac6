//! The anchored search pipeline that the analysis, the scenario baseline, vulnerability and
//! site suggestion share: snap the points, anchor them on their edges in integer costs, seed
//! one search per [`Field`] (a kind and a metric) on the core graph and read each settlement's
//! value off the labels.
//!
//! Partial edges are integers like whole ones: the part of an edge before a projection is its
//! length (and time) times the fraction of the way along, rounded; the part after is the rest,
//! so the two always add up to the edge exactly.

use crate::base::feature::{Kinds, ServiceKind, ServicePoint};
use crate::base::progress::{self, Phase};
use crate::network::graph::{Edge, Graph, NodeIdx};
use crate::network::region::Region;
use crate::network::snap::{Snap, SnapIndex, SnapOptions};
use crate::route::{Core, Metric, Seed, Workspace, WorkspacePool};
use rayon::prelude::*;
use std::time::{Duration, Instant};

use super::{AnalysisOptions, Coverage};

/// One of the searches of an analysis (two per kind): the nearest point of `kind` by `metric`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The kind of the points searched for.
    pub kind: ServiceKind,
    /// What the search minimises.
    pub metric: Metric,
}

impl Field {
    /// The fields of `kinds` in index order: by kind, length before time (ten for the five
    /// built-in kinds).
    pub fn all(kinds: &Kinds) -> Vec<Field> {
        kinds.iter().flat_map(Field::of_kind).collect()
    }

    /// Its position in [`Field::all`]: `2 * kind + metric`.
    pub fn index(self) -> usize {
        2 * self.kind.index() + self.metric.index()
    }

    /// The two fields of `kind`, length first.
    pub fn of_kind(kind: ServiceKind) -> [Field; 2] {
        Metric::ALL.map(|metric| Field { kind, metric })
    }
}

/// Integer costs of the two parts of an edge around a projection `offset_m` along it:
/// `(before, after)` by `metric`.
fn split_edge(edge: &Edge, edge_length_m: f64, offset_m: f64, metric: Metric) -> (u32, u32) {
    let whole = match metric {
        Metric::Length => edge.length_dm,
        Metric::Time => edge.time_ds,
    };
    let fraction = if edge_length_m > 0.0 {
        (offset_m / edge_length_m).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let before = ((f64::from(whole) * fraction).round() as u32).min(whole);
    (before, whole - before)
}

/// A point on the network with its integer costs, per metric (indexed by [`Metric::index`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Anchor {
    pub(crate) edge: u32,
    /// The junction the point lies on, if any (see [`Snap::node`]).
    pub(crate) node: Option<NodeIdx>,
    /// Exact distance along the edge from `from` (see [`Snap::offset_m`]): which of two points
    /// on one oneway edge comes first is decided on this, not on the rounded costs, which tie
    /// for points a few decimetres apart.
    pub(crate) offset_m: f64,
    /// Per metric: cost from `from` to the point, from the point to `to`, and the snap leg.
    pub(crate) before: [u32; 2],
    pub(crate) after: [u32; 2],
    pub(crate) leg: [u32; 2],
}

/// The integer costs of a snapped point on its edge.
pub(crate) fn anchor(graph: &Graph, snap: &Snap, access_kmh: f64) -> Anchor {
    let e = &graph.edges()[snap.edge as usize];
    let edge_m: f64 = graph
        .edge_geometry(snap.edge as usize)
        .windows(2)
        .map(|w| crate::base::coord::distance_m(w[0], w[1]))
        .sum();
    let mut a = Anchor {
        edge: snap.edge,
        node: snap.node,
        offset_m: snap.offset_m,
        before: [0; 2],
        after: [0; 2],
        leg: [
            (snap.snap_m * 10.0).round() as u32,
            (snap.snap_m / (access_kmh / 3.6) * 10.0).round() as u32,
        ],
    };
    for m in Metric::ALL {
        let i = m.index();
        (a.before[i], a.after[i]) = split_edge(e, edge_m, snap.offset_m, m);
    }
    a
}

/// The anchors of snapped points, computed in parallel (each sums its edge's geometry).
pub(crate) fn anchors(
    graph: &Graph,
    snaps: &[Option<Snap>],
    access_kmh: f64,
) -> Vec<Option<Anchor>> {
    snaps
        .par_iter()
        .map(|s| s.as_ref().map(|s| anchor(graph, s, access_kmh)))
        .collect()
}

/// The snaps of a region's service points and settlements, as the analysis snaps them.
pub(crate) fn snap_region(
    region: &Region,
    options: &AnalysisOptions,
    index: &SnapIndex<'_>,
    coverage: &Coverage,
) -> (Vec<Option<Snap>>, Vec<Option<Snap>>) {
    let services = region
        .services
        .par_iter()
        .zip(&coverage.services_outside)
        .map(|(s, &outside)| (!outside).then(|| index.snap(s.coord, options.max_service_snap_m))?)
        .collect();
    let settlements = region
        .settlements
        .par_iter()
        .zip(&coverage.settlements_outside)
        .map(|(s, &outside)| (!outside).then(|| index.snap(s.coord, options.max_snap_m))?)
        .collect();
    (services, settlements)
}

/// Runs `snap` and, beside it, builds the core graph of `region` or takes the region's own
/// (the core does not depend on the snaps, and snapping leaves a thread idle in its sequential
/// parts); with the core's time.
pub(crate) fn beside_core<'g, R: Send>(
    region: &'g Region,
    snap: impl FnOnce() -> R + Send,
) -> (R, Core<'g>, Duration) {
    let (r, (core, time)) = rayon::join(snap, || {
        let clock = Instant::now();
        (Core::of_region(region), clock.elapsed())
    });
    (r, core, time)
}

/// The snapping index of `region` for `options`: the region's own when it has one built with
/// them (loaded with a graph cache), else a new one.
pub(crate) fn snap_index(region: &Region, options: SnapOptions) -> SnapIndex<'_> {
    SnapIndex::with_stored(&region.graph, region.prepared.snap.as_ref(), options)
}

/// What every what-if search of one region starts from, made once for several of them: the
/// snapping index, every point snapped and anchored as the analysis does it, and the core
/// graph.
pub struct Snapped<'g> {
    /// The snapping index (for further points, such as candidate sites).
    pub(crate) index: SnapIndex<'g>,
    /// The region's points.
    pub(crate) anchors: Anchors,
    /// The core graph.
    pub(crate) core: Core<'g>,
}

impl<'g> Snapped<'g> {
    /// Snaps the points of `region` (the core graph built beside), as the "snapping" phase.
    pub fn new(region: &'g Region, options: &AnalysisOptions) -> Snapped<'g> {
        let snapping = progress::phase("snapping", None, progress::Unit::Items);
        let ((index, anchors), core, _) = beside_core(region, || {
            let index = snap_index(region, options.snap);
            let anchors = Anchors::new(region, options, &index);
            (index, anchors)
        });
        snapping.finish();
        Snapped {
            index,
            anchors,
            core,
        }
    }
}

/// Every point of a region snapped as the analysis snaps it, with integer anchors.
pub(crate) struct Anchors {
    /// Per service point, `None` if dropped.
    pub(crate) services: Vec<Option<Anchor>>,
    /// Per settlement, `None` if it has no road or lies outside the extract.
    pub(crate) settlements: Vec<Option<Anchor>>,
    /// Per settlement, whether it lies outside the extract ([`Coverage`]).
    pub(crate) settlement_outside: Vec<bool>,
}

impl Anchors {
    /// Snaps and anchors the points of `region` with `index`.
    pub(crate) fn new(
        region: &Region,
        options: &AnalysisOptions,
        index: &SnapIndex<'_>,
    ) -> Anchors {
        let graph = &region.graph;
        let access = options.access_kmh;
        let coverage = Coverage::new(region, options);
        let of = |coord, max_m, outside: bool| {
            if outside {
                return None;
            }
            index.snap(coord, max_m).map(|s| anchor(graph, &s, access))
        };
        Anchors {
            services: region
                .services
                .par_iter()
                .zip(&coverage.services_outside)
                .map(|(s, &o)| of(s.coord, options.max_service_snap_m, o))
                .collect(),
            settlements: region
                .settlements
                .par_iter()
                .zip(&coverage.settlements_outside)
                .map(|(s, &o)| of(s.coord, options.max_snap_m, o))
                .collect(),
            settlement_outside: coverage.settlements_outside,
        }
    }

    /// The region's service points with these anchors.
    pub(crate) fn points<'a>(&'a self, region: &'a Region) -> Points<'a> {
        Points {
            kinds: &region.kinds,
            services: &region.services,
            anchors: &self.services,
        }
    }
}

/// The service points that seed the searches, with their anchors (`None`: not seeded).
#[derive(Clone, Copy)]
pub(crate) struct Points<'a> {
    /// The run's kinds.
    pub(crate) kinds: &'a Kinds,
    pub(crate) services: &'a [ServicePoint],
    pub(crate) anchors: &'a [Option<Anchor>],
}

impl Points<'_> {
    /// The anchored points of `kind` by edge, `(edge, service index)` sorted, for the
    /// same-edge case.
    pub(crate) fn by_edge(&self, kind: ServiceKind) -> Vec<(u32, u32)> {
        services_by_edge(self.services, self.anchors, kind)
    }

    /// The seeds of `field`: each anchored point of the kind starts the search at its edge's
    /// `from` node (and `to` node for two-way edges) with the partial edge and its snap leg.
    pub(crate) fn seeds(&self, graph: &Graph, field: Field) -> Vec<Seed> {
        let mut seeds = Vec::new();
        for (j, (service, anchor)) in self.services.iter().zip(self.anchors).enumerate() {
            if let Some(a) = anchor.filter(|_| service.kinds.contains(field.kind)) {
                point_seeds(graph, &a, j as u32, field.metric, &mut seeds);
            }
        }
        seeds
    }
}

/// Runs the search of every field of `fields` on `core`, seeded with the points of its kind,
/// in parallel with one workspace per thread, and gives each field's labels to `read`; each
/// search done counts one on `progress`.
pub(crate) fn search_fields<R: Send>(
    core: &Core<'_>,
    points: Points<'_>,
    fields: &[Field],
    progress: &Phase,
    read: impl Fn(Field, &Workspace) -> R + Sync,
) -> Vec<R> {
    let pool = WorkspacePool::new();
    fields
        .par_iter()
        .map(|&field| {
            let seeds = points.seeds(core.graph(), field);
            let values = pool.with(|ws| {
                core.nearest_sources(field.metric, &seeds, ws);
                read(field, ws)
            });
            progress.advance(1);
            values
        })
        .collect()
}

/// The values of every settlement (anchored at `settlements`) in each of `fields`: one vector
/// per field, `(cost, service)` per settlement, `None` without a road or a reachable point.
/// Each search done counts one on `progress`.
pub(crate) fn settlement_fields(
    core: &Core<'_>,
    points: Points<'_>,
    settlements: &[Option<Anchor>],
    fields: &[Field],
    progress: &Phase,
) -> Vec<Vec<Option<(u32, u32)>>> {
    let graph = core.graph();
    // By kind index, for the kinds searched.
    let slots = fields.iter().map(|f| f.kind.index() + 1).max().unwrap_or(0);
    let mut by_edge: Vec<Vec<(u32, u32)>> = vec![Vec::new(); slots];
    for f in fields {
        if by_edge[f.kind.index()].is_empty() {
            by_edge[f.kind.index()] = points.by_edge(f.kind);
        }
    }
    search_fields(core, points, fields, progress, |field, ws| {
        let by_edge = &by_edge[field.kind.index()];
        settlements
            .iter()
            .map(|a| {
                a.as_ref().and_then(|a| {
                    settle(
                        graph,
                        |n| ws.label(n),
                        a,
                        field.metric,
                        by_edge,
                        points.anchors,
                    )
                })
            })
            .collect()
    })
}

/// The snapped services of `kind` by edge, for the same-edge case: (edge, service index),
/// sorted.
pub(crate) fn services_by_edge(
    services: &[ServicePoint],
    anchors: &[Option<Anchor>],
    kind: ServiceKind,
) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = anchors
        .iter()
        .enumerate()
        .filter(|(j, _)| services[*j].kinds.contains(kind))
        .filter_map(|(j, a)| a.map(|a| (a.edge, j as u32)))
        .collect();
    v.sort_unstable();
    v
}

/// The seeds of one point (service index `source`) by `metric`: its edge's `from` node, the
/// `to` node of a two-way edge, and the junction it lies on, if any.
pub(crate) fn point_seeds(
    graph: &Graph,
    a: &Anchor,
    source: u32,
    metric: Metric,
    seeds: &mut Vec<Seed>,
) {
    let m = metric.index();
    let e = &graph.edges()[a.edge as usize];
    seeds.push(Seed {
        node: e.from,
        cost: a.before[m].saturating_add(a.leg[m]),
        source,
    });
    if !e.oneway {
        seeds.push(Seed {
            node: e.to,
            cost: a.after[m].saturating_add(a.leg[m]),
            source,
        });
    }
    // A point on a junction is reached by every road into it, not only along its edge.
    if let Some(n) = a.node {
        seeds.push(Seed {
            node: n,
            cost: a.leg[m],
            source,
        });
    }
}

/// The best `(cost, service)` for a settlement at `a`: leave its edge forward (or backward on a
/// two-way edge) and take the node's label, or reach a service on the same edge directly.
pub(crate) fn settle(
    graph: &Graph,
    label: impl Fn(NodeIdx) -> Option<(u32, u32)>,
    a: &Anchor,
    metric: Metric,
    by_edge: &[(u32, u32)],
    services: &[Option<Anchor>],
) -> Option<(u32, u32)> {
    let m = metric.index();
    let e = &graph.edges()[a.edge as usize];
    let via =
        |node: NodeIdx, partial: u32| label(node).map(|(c, s)| (c.saturating_add(partial), s));
    let mut best = via(e.to, a.after[m]);
    if !e.oneway {
        best = min_label(best, via(e.from, a.before[m]));
    }
    // A point on a junction may leave by any road out of it.
    if let Some(n) = a.node {
        best = min_label(best, via(n, 0));
    }
    for offer in same_edge(graph, a, metric, by_edge, services) {
        best = min_label(best, Some(offer));
    }
    best.map(|(c, s)| (c.saturating_add(a.leg[m]), s))
}

/// The points on the settlement's own edge (from `by_edge`, `(edge, index)` sorted, with their
/// anchors in `points`) reached directly along it, forward (at an exact offset not below the
/// settlement's) or, on a two-way edge, backward:
/// `(cost along the edge + the point's snap leg, index)`, without the settlement's own leg.
pub(crate) fn same_edge<'p>(
    graph: &Graph,
    a: &'p Anchor,
    metric: Metric,
    by_edge: &'p [(u32, u32)],
    points: &'p [Option<Anchor>],
) -> impl Iterator<Item = (u32, u32)> + 'p {
    let m = metric.index();
    let oneway = graph.edges()[a.edge as usize].oneway;
    let first = by_edge.partition_point(|&(edge, _)| edge < a.edge);
    by_edge[first..]
        .iter()
        .take_while(move |&&(edge, _)| edge == a.edge)
        .filter_map(move |&(_, j)| {
            let s = points[j as usize]?;
            // The rounded costs are monotone in the offset, so a point ahead by its exact
            // offset is never behind by its costs.
            let direct = if s.offset_m >= a.offset_m {
                s.before[m].saturating_sub(a.before[m])
            } else if !oneway {
                a.before[m].saturating_sub(s.before[m])
            } else {
                return None;
            };
            Some((direct.saturating_add(s.leg[m]), j))
        })
}

/// The lower of two optional `(cost, service)` labels.
pub(crate) fn min_label(a: Option<(u32, u32)>, b: Option<(u32, u32)>) -> Option<(u32, u32)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}
