//! How far each service point is from the next point of its kind: Pipos' distance from each
//! fuel station to the next one, and the figure behind support rules (a grocery far from the
//! next grocery may qualify for operating support; see [`crate::whatif::screening`]).
//!
//! # Semantics
//! - A point's **next** point is the nearest point of the same kind other than itself, by road
//!   and by car, measured exactly as the analysis measures a settlement standing at the point's
//!   own location and snapped where the point snapped: the point's snap leg, the partial edge
//!   to leave its road (forward, backward on a two-way road, or by any road from a junction),
//!   or the other point reached directly along the same road, then the other point's partial
//!   edge and snap leg. The direction is from this point to the other, as from a settlement to
//!   its service.
//! - Another point at the same spot is a next point like any other, at the cost of both snap
//!   legs. Ties go to the lowest `(cost, service index)`, as in the analysis.
//! - Only points that snapped are listed (a dropped point has no place on the network); a
//!   point alone of its kind, or that reaches no other, has no next point.
//!
//! # Algorithm
//! One search answers every point: the two-label search of [`crate::route::Core::two_nearest`]
//! (each road node keeps its two best `(cost, source)` labels with distinct sources), seeded
//! with every point of the kind. At each node where the point's own location enters the
//! network, a label of another point is either the node's best or, where the best is the point
//! itself, its second; so the nearest other point is the best label with a source other than
//! the point among those nodes' labels and the points on the same edge.

use super::fields::{same_edge, Anchor, Field, Points, Snapped};
use super::{AnalysisOptions, Coverage};
use crate::base::feature::ServiceKind;
use crate::base::progress;
use crate::network::graph::{Graph, NodeIdx};
use crate::network::region::Region;
use crate::route::{self, Core, Metric};
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// One point and the next point of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextPoint {
    /// Index of the point in the region's services.
    pub service: u32,
    /// The next point of the kind: `(cost, service index)`, the cost in dm (by length) or ds
    /// (by time); `None` if no other point of the kind is reachable.
    pub next: Option<(u32, u32)>,
}

/// Every point of one kind with the next point of its kind, by one metric.
#[derive(Clone, Debug)]
pub struct NextPoints {
    /// The kind.
    pub kind: ServiceKind,
    /// What the costs measure.
    pub metric: Metric,
    /// Every snapped point of the kind, in service-index order.
    pub points: Vec<NextPoint>,
    /// Points of the kind dropped for lying too far from a road.
    pub dropped: usize,
    /// Points of the kind left out for lying outside the extract.
    pub outside: usize,
    /// Time per phase.
    pub timings: Vec<(&'static str, Duration)>,
}

impl NextPoints {
    /// The next point of service `j`: `None` when `j` is not listed (it does not offer the
    /// kind or did not snap), `Some(None)` when it reaches no other point of the kind.
    pub fn of(&self, j: u32) -> Option<Option<(u32, u32)>> {
        let i = self.points.binary_search_by_key(&j, |p| p.service).ok()?;
        Some(self.points[i].next)
    }
}

/// For every snapped point of `kind` in `region`, the next point of the kind by `metric` (see
/// the [module documentation](self)).
pub fn next_points(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    metric: Metric,
) -> NextPoints {
    let clock = Instant::now();
    let snapped = Snapped::new(region, options);
    let snap = clock.elapsed();
    let mut next = next_points_with(&snapped, region, options, kind, metric);
    next.timings.insert(0, ("snap", snap));
    next
}

/// [`next_points`] on a region already snapped (several searches share one [`Snapped`]).
pub fn next_points_with(
    snapped: &Snapped<'_>,
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    metric: Metric,
) -> NextPoints {
    let clock = Instant::now();
    let routing = progress::phase("routing", Some(1), progress::Unit::Items);
    let points = snapped.anchors.points(region);
    let next = search(&region.graph, &snapped.core, points, Field { kind, metric });
    routing.finish();
    let coverage = Coverage::new(region, options);
    of_field(
        points,
        &coverage.services_outside,
        Field { kind, metric },
        next,
    )
    .with_timing(clock.elapsed())
}

impl NextPoints {
    fn with_timing(mut self, time: Duration) -> Self {
        self.timings.push(("route", time));
        self
    }
}

/// The [`NextPoints`] of `field` from the search's list, with the points of the kind that did
/// not snap counted.
pub(crate) fn of_field(
    points: Points<'_>,
    services_outside: &[bool],
    field: Field,
    next: Vec<NextPoint>,
) -> NextPoints {
    let (dropped, outside) = unsnapped(points, services_outside, field.kind);
    NextPoints {
        kind: field.kind,
        metric: field.metric,
        points: next,
        dropped,
        outside,
        timings: Vec::new(),
    }
}

/// The next point of every anchored point of the field's kind, in service-index order.
fn search(graph: &Graph, core: &Core<'_>, points: Points<'_>, field: Field) -> Vec<NextPoint> {
    let Field { kind, metric } = field;
    let seeds = points.seeds(graph, field);
    let labels = core.two_nearest(metric, &seeds);
    let by_edge = points.by_edge(kind);
    let m = metric.index();
    snapped(points, kind)
        .par_iter()
        .map(|&j| {
            let next = points.anchors[j as usize].and_then(|a| {
                let offers = entry_offers(graph, &labels, &a, metric, &by_edge, points.anchors);
                nearest_except(&offers, Some(j)).map(|(c, s)| (c.saturating_add(a.leg[m]), s))
            });
            NextPoint { service: j, next }
        })
        .collect()
}

/// The points of `kind` that snapped to the network, by index in the region.
pub(crate) fn snapped(points: Points<'_>, kind: ServiceKind) -> Vec<u32> {
    (0..points.services.len() as u32)
        .filter(|&j| {
            points.services[j as usize].kinds.contains(kind) && points.anchors[j as usize].is_some()
        })
        .collect()
}

/// The points of `kind` that did not snap: `(dropped for lying too far from a road, left out
/// for lying outside the extract)`.
pub(crate) fn unsnapped(
    points: Points<'_>,
    services_outside: &[bool],
    kind: ServiceKind,
) -> (usize, usize) {
    let count = |outside: bool| {
        points
            .services
            .iter()
            .zip(points.anchors)
            .zip(services_outside)
            .filter(|((s, a), &o)| s.kinds.contains(kind) && a.is_none() && o == outside)
            .count()
    };
    (count(false), count(true))
}

/// Every `(cost, service)` a settlement at `a` is offered, without its own snap leg: the cases
/// of the analysis's `settle` (leave the edge forward, or backward on a two-way edge, leave a
/// junction by any road, or reach a point on the same edge directly), each entry node offering
/// both of its two labels.
pub(crate) fn entry_offers(
    graph: &Graph,
    labels: &[route::TwoLabels],
    a: &Anchor,
    metric: Metric,
    by_edge: &[(u32, u32)],
    services: &[Option<Anchor>],
) -> Vec<(u32, u32)> {
    let m = metric.index();
    let e = &graph.edges()[a.edge as usize];
    let mut offers: Vec<(u32, u32)> = Vec::with_capacity(8);
    let mut via = |node: NodeIdx, partial: u32| {
        for l in labels[node.index()] {
            if let Some((c, s)) = l.get() {
                offers.push((c.saturating_add(partial), s));
            }
        }
    };
    via(e.to, a.after[m]);
    if !e.oneway {
        via(e.from, a.before[m]);
    }
    if let Some(n) = a.node {
        via(n, 0);
    }
    offers.extend(same_edge(graph, a, metric, by_edge, services));
    offers
}

/// The lowest `(cost, service)` of `offers` whose service is not `except`. Over the offers of
/// [`entry_offers`] this is exactly the nearest service other than `except`: every entry node
/// holds its two best labels with distinct sources, so where its best is `except`, its second
/// is its best of any other service.
pub(crate) fn nearest_except(offers: &[(u32, u32)], except: Option<u32>) -> Option<(u32, u32)> {
    offers.iter().copied().filter(|o| Some(o.1) != except).min()
}
