//! How far each service point is from the next point of its kind: the figure behind the
//! support screening of a commercial-service plan (a grocery far from the next grocery may
//! qualify for operating support).
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
//! One search answers every point: the two-label search of [`crate::whatif::vulnerability`]
//! (each road node keeps its two best `(cost, source)` labels with distinct sources), seeded
//! with every point of the kind. At each node where the point's own location enters the
//! network, a label of another point is either the node's best or, where the best is the point
//! itself, its second; so the nearest other point is the best label with a source other than
//! the point among those nodes' labels and the points on the same edge.

use crate::analysis::fields::{Field, Snapped};
use crate::analysis::AnalysisOptions;
use crate::base::feature::ServiceKind;
use crate::base::progress;
use crate::network::region::Region;
use crate::route::Metric;
use crate::whatif::vulnerability::{
    entry_offers, nearest_except, snapped_points, unsnapped_points,
};
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
    let graph = &region.graph;
    let (anchors, core) = (&snapped.anchors, &snapped.core);
    let mut timings = Vec::new();
    let clock = Instant::now();

    let routing = progress::phase("routing", Some(1), progress::Unit::Items);
    let points = anchors.points(region);
    let seeds = points.seeds(graph, Field { kind, metric });
    let labels = core.two_nearest(metric, &seeds);
    routing.advance(1);
    let by_edge = points.by_edge(kind);
    let m = metric.index();
    let listed = snapped_points(region, anchors, kind);
    let next: Vec<NextPoint> = listed
        .par_iter()
        .map(|&j| {
            let next = anchors.services[j as usize].and_then(|a| {
                let offers = entry_offers(graph, &labels, &a, metric, &by_edge, &anchors.services);
                nearest_except(&offers, Some(j)).map(|(c, s)| (c.saturating_add(a.leg[m]), s))
            });
            NextPoint { service: j, next }
        })
        .collect();
    routing.finish();
    timings.push(("route", clock.elapsed()));
    let (dropped, outside) = unsnapped_points(region, options, anchors, kind);
    NextPoints {
        kind,
        metric,
        points: next,
        dropped,
        outside,
        timings,
    }
}
