//! Beyond the nearest point: per settlement and kind, the road distance to the second-nearest
//! point by length, the car time to the second-nearest point by time, and the mean car time to
//! the `N` nearest points by time (Tillväxtverket judges a store's vulnerability by the
//! distance to the second-nearest; Eurostat's GISCO service grids publish the mean driving
//! time to the 3 nearest facilities).
//!
//! # Semantics
//! - Distances are those of the analysis ([`super::fields`]): snap legs, partial edges,
//!   junctions and points on the settlement's own edge alike. The `i`-th nearest point is the
//!   `i`-th of the kind's points ordered by `(cost, index)`, each point counted once however
//!   many ways lead to it: two points on one spot are two points, one after the other (the
//!   lower index first). So the first is exactly the analysis's nearest point.
//! - A figure is `None` when fewer points are reachable than it needs (two for the second,
//!   `N` for the mean), and for settlements without a road or outside the extract.
//! - The mean is of the exact integer costs (deciseconds), rounded only when written.
//!
//! # Algorithm
//! One search per kind and metric keeps the `k` best labels with distinct sources per node
//! ([`crate::route::Core::k_nearest`]): `k = 2` by length, `k = max(N, 2)` by time. A
//! settlement's `k` nearest points are the `k` best with distinct sources among the labels
//! of the nodes where it enters the network and the points on its own edge: the path to each
//! of its `k` nearest enters through a node whose own `k` best then hold that point (else
//! `k` other points would be nearer to the settlement too).

use super::fields::{same_edge, Anchor, Field, Points, Snapped};
use super::next::{self, NextPoint};
use super::{quantiles, Quantiles, Status};
use crate::base::feature::ServiceKind;
use crate::base::progress::Phase;
use crate::network::graph::{Graph, NodeIdx};
use crate::network::region::Region;
use crate::route::{Core, KLabels, Label, Metric, MAX_K};
use rayon::prelude::*;

/// The default `N` of the mean time to the `N` nearest points (Eurostat's 3).
pub const DEFAULT_K_NEAREST: usize = 3;

/// The largest `N` allowed: the search keeps `N` labels per node.
pub const MAX_K_NEAREST: usize = MAX_K;

/// A settlement's figures beyond the nearest point of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct KNearestResult {
    /// Road distance to the second-nearest point by length, in decimetres.
    pub length_2nd_dm: Option<u32>,
    /// Car time to the second-nearest point by time, in deciseconds.
    pub time_2nd_ds: Option<u32>,
    /// Mean car time to the `N` nearest points by time, in deciseconds, unrounded.
    pub time_mean_ds: Option<f64>,
}

/// Quantiles of one kind's figures beyond the nearest, over the settlements analysed that
/// have a value (nearest rank, as [`super::KindSummary::km`]).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct KNearestSummary {
    /// Road km to the second-nearest point.
    pub km_2nd: Quantiles,
    /// Car minutes to the second-nearest point.
    pub min_2nd: Quantiles,
    /// Mean car minutes to the `N` nearest points.
    pub min_mean: Quantiles,
}

/// The figures beyond the nearest of an analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct KNearest {
    /// The `N` of the mean.
    pub n: usize,
    /// Per kind (by [`ServiceKind::index`]), per settlement of the region.
    pub settlements: Vec<Vec<KNearestResult>>,
    /// Per kind, the quantiles over the settlements analysed.
    pub kinds: Vec<KNearestSummary>,
}

impl KNearest {
    /// The result of settlement `i` for kind index `k`.
    pub fn of(&self, k: usize, i: usize) -> KNearestResult {
        self.settlements
            .get(k)
            .and_then(|s| s.get(i))
            .copied()
            .unwrap_or_default()
    }
}

/// The `k` best `(cost, service)` labels with distinct services for a settlement at `a` into
/// `out` (all [`Label::NONE`] before), best first, its snap leg included: the cases of the
/// analysis's `settle`, each entry node offering all its labels.
fn settle_k(
    graph: &Graph,
    labels: &KLabels,
    a: &Anchor,
    metric: Metric,
    by_edge: &[(u32, u32)],
    services: &[Option<Anchor>],
    out: &mut [Label],
) {
    let m = metric.index();
    let e = &graph.edges()[a.edge as usize];
    let mut via = |node: NodeIdx, partial: u32| {
        for &l in labels.of(node) {
            if l == Label::NONE {
                break;
            }
            crate::route::offer(out, l.plus(partial));
        }
    };
    via(e.to, a.after[m]);
    if !e.oneway {
        via(e.from, a.before[m]);
    }
    if let Some(n) = a.node {
        via(n, 0);
    }
    for (cost, j) in same_edge(graph, a, metric, by_edge, services) {
        crate::route::offer(out, Label::new(cost, j));
    }
    let leg = a.leg[m];
    for l in out.iter_mut() {
        *l = l.plus(leg);
    }
    out.sort_unstable();
}

/// Per settlement (anchored at `settlements`), its `k` nearest points of the field's kind by
/// its metric: `k` labels each, settlement `i`'s at `i * k..`, [`Label::NONE`] after the last
/// reachable point.
fn field_k(
    core: &Core<'_>,
    points: Points<'_>,
    settlements: &[Option<Anchor>],
    field: Field,
    k: usize,
) -> Vec<Label> {
    field_k_with_next(core, points, settlements, field, k, false).0
}

/// [`field_k`], and with `next` (and `k` at least 2) the next point of the kind from every
/// snapped point of it ([`super::next`]), read off the same labels: the best two labels with
/// distinct sources at the point's own location hold the nearest other point.
fn field_k_with_next(
    core: &Core<'_>,
    points: Points<'_>,
    settlements: &[Option<Anchor>],
    field: Field,
    k: usize,
    next: bool,
) -> (Vec<Label>, Vec<NextPoint>) {
    let graph = core.graph();
    let seeds = points.seeds(graph, field);
    let labels = core.k_nearest(field.metric, &seeds, k);
    let k = labels.k();
    let by_edge = points.by_edge(field.kind);
    let mut out = vec![Label::NONE; settlements.len() * k];
    for (a, slot) in settlements.iter().zip(out.chunks_mut(k)) {
        if let Some(a) = a {
            settle_k(
                graph,
                &labels,
                a,
                field.metric,
                &by_edge,
                points.anchors,
                slot,
            );
        }
    }
    let next = if next && k >= 2 {
        next::snapped(points, field.kind)
            .par_iter()
            .map(|&j| {
                let next = points.anchors[j as usize].and_then(|a| {
                    let mut two = [Label::NONE; 2];
                    let (m, e) = (field.metric, &by_edge);
                    settle_k(graph, &labels, &a, m, e, points.anchors, &mut two);
                    two.iter().filter_map(|l| l.get()).find(|&(_, s)| s != j)
                });
                NextPoint { service: j, next }
            })
            .collect()
    } else {
        Vec::new()
    };
    (out, next)
}

/// The `k` nearest points of `kind` by `metric` for every settlement of `region`, snapped as
/// in `snapped`: per settlement up to `k` `(cost, service index)` pairs (fewer when fewer are
/// reachable, none without a road or outside the extract), best first, costs in dm or ds with
/// both snap legs, ties to the lower index. `k` is clamped to `1..=`[`MAX_K_NEAREST`].
pub fn nearest_points(
    snapped: &Snapped<'_>,
    region: &Region,
    kind: ServiceKind,
    metric: Metric,
    k: usize,
) -> Vec<Vec<(u32, u32)>> {
    let points = snapped.anchors.points(region);
    let k = k.clamp(1, MAX_K_NEAREST);
    let labels = field_k(
        &snapped.core,
        points,
        &snapped.anchors.settlements,
        Field { kind, metric },
        k,
    );
    labels
        .chunks(k)
        .map(|c| c.iter().filter_map(|l| l.get()).collect())
        .collect()
}

/// What the k-label searches of an analysis give, one search per field.
pub(crate) struct Searched {
    /// Per field in [`Field::all`] order, every settlement's nearest point `(cost, service)`,
    /// `None` without a road or a reachable point: the first of its `k` nearest.
    pub(crate) nearest: Vec<Vec<Option<(u32, u32)>>>,
    /// The figures beyond the nearest.
    pub(crate) beyond: KNearest,
    /// Per field in [`Field::all`] order, the next point of the kind from every snapped point
    /// of it.
    pub(crate) next: Vec<Vec<NextPoint>>,
}

/// One k-label search per field of the points' kinds: every settlement's nearest point per
/// field, the figures beyond the nearest for every settlement and kind, with `n` for the mean
/// (clamped to `1..=`[`MAX_K_NEAREST`]), and their quantiles over the settlements with
/// `status` other than outside; besides, per field, the next point of the kind from every
/// snapped point of it, from the same searches. Each search done counts one on `progress`.
///
/// The nearest is exactly the analysis's plain field value ([`super::fields::settle`] over
/// the labels of a multi-source search): a node's best label with distinct sources is its
/// plain label (both order by `(cost, source)`), and a settlement's first is the least of
/// the same offers (entry nodes, junction, own edge) plus the same snap leg.
pub(crate) fn k_nearest(
    core: &Core<'_>,
    points: Points<'_>,
    settlements: &[Option<Anchor>],
    status: &[Status],
    n: usize,
    progress: &Phase,
) -> Searched {
    let n = n.clamp(1, MAX_K_NEAREST);
    // Labels kept per settlement: two by length (the second nearest), `N` or two by time.
    let k_of = |field: Field| match field.metric {
        Metric::Length => 2,
        Metric::Time => n.max(2),
    };
    let fields = Field::all(points.kinds);
    let (per_field, next): (Vec<Vec<Label>>, Vec<Vec<NextPoint>>) = fields
        .par_iter()
        .map(|&field| {
            let found = field_k_with_next(core, points, settlements, field, k_of(field), true);
            progress.advance(1);
            found
        })
        .unzip();
    let time_k = n.max(2);
    let nearest = fields
        .iter()
        .zip(&per_field)
        .map(|(&field, labels)| labels.chunks(k_of(field)).map(|c| c[0].get()).collect())
        .collect();
    let per_kind: Vec<Vec<KNearestResult>> = points
        .kinds
        .iter()
        .map(|kind| {
            let [by_length, by_time] = Field::of_kind(kind);
            let length = &per_field[by_length.index()];
            let time = &per_field[by_time.index()];
            length
                .chunks(2)
                .zip(time.chunks(time_k))
                .map(|(l, t)| KNearestResult {
                    length_2nd_dm: l[1].get().map(|(c, _)| c),
                    time_2nd_ds: t[1].get().map(|(c, _)| c),
                    time_mean_ds: t[..n]
                        .iter()
                        .map(|l| l.get().map(|(c, _)| u64::from(c)))
                        .sum::<Option<u64>>()
                        .map(|sum| sum as f64 / n as f64),
                })
                .collect()
        })
        .collect();
    let analysed: Vec<usize> = (0..status.len())
        .filter(|&i| status[i] != Status::Outside)
        .collect();
    let kinds = per_kind
        .iter()
        .map(|results| {
            let q = |f: &dyn Fn(&KNearestResult) -> Option<f64>| {
                quantiles(analysed.iter().filter_map(|&i| f(&results[i])).collect())
            };
            KNearestSummary {
                km_2nd: q(&|r| r.length_2nd_dm.map(|dm| f64::from(dm) / 10_000.0)),
                min_2nd: q(&|r| r.time_2nd_ds.map(|ds| f64::from(ds) / 600.0)),
                min_mean: q(&|r| r.time_mean_ds.map(|ds| ds / 600.0)),
            }
        })
        .collect();
    let beyond = KNearest {
        n,
        settlements: per_kind,
        kinds,
    };
    Searched {
        nearest,
        beyond,
        next,
    }
}
