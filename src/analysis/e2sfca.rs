//! Capacity-aware access: the enhanced two-step floating catchment area (E2SFCA) of Luo and Qi
//! (2009), per settlement and kind, on the road network.
//!
//! # Semantics
//! - `t_ij` is the car time from settlement `i` to point `j` measured exactly as the analysis
//!   measures a settlement's time to a point (its snap leg, the partial edge to leave its road
//!   or the point reached directly along it, the point's partial edge and snap leg), in integer
//!   deciseconds.
//! - A step function `W` gives each time a weight: the first step whose limit (minutes) the
//!   time does not exceed, `t / 600 <= limit`, gives its weight; beyond the last limit the
//!   weight is 0 and the pair is outside the catchment. So a time of exactly 10 minutes has the
//!   weight of the 0–10 step (as PySAL `access`'s `weights.step_fn` and its `cost <= max_cost`
//!   cut-off have it). Luo and Qi's steps are 1 / 0.68 / 0.22 up to 10 / 20 / 30 minutes.
//! - Step 1, per snapped point `j` of the kind: `R_j = S_j / Σ_i P_i · W(t_ij)` over the
//!   settlements `i` within its catchment, `S_j` the point's capacity (1 where none is given)
//!   and `P_i` the settlement's population (0 where none is known: it adds no demand). A point
//!   whose catchment holds no population has `R_j = 0`: it serves nobody counted.
//! - Step 2, per settlement: `A_i = Σ_j R_j · W(t_ij)` over the points `j` within its
//!   catchment: capacity per person. A settlement that reaches no point within the catchment
//!   has 0; one without a road or outside the extract has none.
//! - Sums run in a fixed order (settlement index in step 1, service index in step 2), so the
//!   values do not depend on the number of threads.
//!
//! # Algorithm
//! One bounded exact search per snapped point (shared by every kind the point offers), from
//! the point backwards over the arcs into each node (as the analysis searches), stopping past
//! the last step's limit; at every node it settles it lists the settlements that leave their
//! road there, and adds those on the point's own edge reached along it. The searches run in
//! parallel, each thread reusing one workspace whose costs are reset only where touched.

use crate::analysis::fields::{point_seeds, same_edge, Anchor, Points, Snapped};
use crate::analysis::AnalysisOptions;
use crate::base::feature::{ServiceKind, ServiceKinds, Settlement};
use crate::network::graph::{counting_offsets, counting_place, Graph, NodeIdx};
use crate::network::region::Region;
use crate::route::Metric;
use rayon::prelude::*;
use std::fmt;
use std::str::FromStr;

/// One step of the weight function: times up to `max_min` minutes (inclusive) that no earlier
/// step takes get `weight`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// The step's upper limit in minutes, inclusive.
    pub max_min: f64,
    /// The weight of times within the step.
    pub weight: f64,
}

/// The step weight function of an E2SFCA: steps with increasing limits, each with a positive
/// weight; times beyond the last limit have weight 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Steps(Vec<Step>);

/// Why a list of steps is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepsError {
    /// No step at all.
    #[error("no step given: give steps as MINUTES:WEIGHT, e.g. 10:1,20:0.68,30:0.22")]
    Empty,
    /// A step that is not `MINUTES:WEIGHT`.
    #[error("step `{text}` is not MINUTES:WEIGHT (e.g. 10:1,20:0.68,30:0.22)")]
    Form {
        /// The step as given.
        text: String,
    },
    /// A limit that is not a positive finite number above the one before.
    #[error("step limit `{text}` must be a positive number of minutes above the step before")]
    Limit {
        /// The limit as given.
        text: String,
    },
    /// A weight that is not a positive finite number.
    #[error("step weight `{text}` must be a positive number")]
    Weight {
        /// The weight as given.
        text: String,
    },
}

impl Default for Steps {
    /// Luo and Qi's (2009) steps: 1 / 0.68 / 0.22 up to 10 / 20 / 30 minutes.
    fn default() -> Self {
        Steps(vec![
            Step {
                max_min: 10.0,
                weight: 1.0,
            },
            Step {
                max_min: 20.0,
                weight: 0.68,
            },
            Step {
                max_min: 30.0,
                weight: 0.22,
            },
        ])
    }
}

impl Steps {
    /// Checks `steps`: at least one, limits positive, finite and increasing, weights positive
    /// and finite.
    ///
    /// # Errors
    /// The first [`StepsError`] found.
    pub fn new(steps: Vec<Step>) -> Result<Steps, StepsError> {
        if steps.is_empty() {
            return Err(StepsError::Empty);
        }
        let mut before = 0.0;
        for s in &steps {
            if !(s.max_min.is_finite() && s.max_min > before) {
                return Err(StepsError::Limit {
                    text: s.max_min.to_string(),
                });
            }
            if !(s.weight.is_finite() && s.weight > 0.0) {
                return Err(StepsError::Weight {
                    text: s.weight.to_string(),
                });
            }
            before = s.max_min;
        }
        Ok(Steps(steps))
    }

    /// The steps, in order.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    /// The weight of a time of `time_ds` deciseconds: that of the first step with
    /// `time_ds / 600 <= max_min`, 0 beyond the last.
    pub fn weight(&self, time_ds: u32) -> f64 {
        let minutes = f64::from(time_ds) / 600.0;
        self.0
            .iter()
            .find(|s| minutes <= s.max_min)
            .map_or(0.0, |s| s.weight)
    }

    /// The largest time in deciseconds within the last step (the catchment's bound).
    pub fn limit_ds(&self) -> u32 {
        let last = self.0.last().map_or(0.0, |s| s.max_min);
        let within = |t: u32| f64::from(t) / 600.0 <= last;
        let mut t = (last * 600.0).floor().clamp(0.0, f64::from(u32::MAX - 1)) as u32;
        // The product may round either way: settle on the exact bound of the comparison.
        while t > 0 && !within(t) {
            t -= 1;
        }
        while t < u32::MAX - 1 && within(t + 1) {
            t += 1;
        }
        t
    }
}

impl FromStr for Steps {
    type Err = StepsError;

    /// Parses `MINUTES:WEIGHT` steps separated by commas, e.g. `10:1,20:0.68,30:0.22`.
    fn from_str(text: &str) -> Result<Steps, StepsError> {
        let steps = text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let form = || StepsError::Form { text: s.to_owned() };
                let (limit, weight) = s.split_once(':').ok_or_else(form)?;
                let max_min = limit.trim().parse().map_err(|_| StepsError::Limit {
                    text: limit.trim().to_owned(),
                })?;
                let weight = weight.trim().parse().map_err(|_| StepsError::Weight {
                    text: weight.trim().to_owned(),
                })?;
                Ok(Step { max_min, weight })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Steps::new(steps)
    }
}

impl fmt::Display for Steps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}:{}", s.max_min, s.weight)?;
        }
        Ok(())
    }
}

/// The settlements within the catchment of one point: `(settlement index, time in ds)`,
/// sorted by settlement, each settlement once with its time to the point.
pub type Catchment = Vec<(u32, u32)>;

/// Where settlements enter the network, by node: each settlement is listed at the nodes where
/// it leaves its road, with the partial edge and its snap leg as the extra cost.
struct Entries<'a> {
    /// The settlements' anchors.
    anchors: &'a [Option<Anchor>],
    /// The queue's window width, `2^shift` ds: one to two mean arcs.
    shift: u32,
    first: Vec<u32>,
    /// `(extra ds, settlement)`.
    items: Vec<(u32, u32)>,
    /// Anchored settlements by edge, `(edge, settlement)` sorted, for the same-edge case.
    by_edge: Vec<(u32, u32)>,
    /// Per node, whether a search needs to visit it (see [`useful_nodes`]).
    useful: Vec<bool>,
}

/// The nodes a search may need: all but those of dead-end trees holding no settlement entry
/// and no point seed. Such a tree hangs off the rest by one node, so a path from a settlement
/// to a point that entered it would have to leave through the node it entered by: it is never
/// shorter than the same path without the detour, and no cost changes when it is left out.
/// Found by peeling unmarked leaves (nodes with one distinct neighbour either way) until none
/// is left.
fn useful_nodes(
    graph: &Graph,
    entries: &Entries<'_>,
    seeds: impl Iterator<Item = NodeIdx>,
) -> Vec<bool> {
    let n = graph.node_count();
    let mut marked: Vec<bool> = (0..n).map(|v| !entries.of(v).is_empty()).collect();
    for v in seeds {
        marked[v.index()] = true;
    }
    let (forward, reverse) = (graph.forward(), graph.reverse());
    let neighbours = |v: usize, buffer: &mut Vec<u32>| {
        buffer.clear();
        let v = NodeIdx(v as u32);
        buffer.extend(forward.range(v).map(|k| forward.heads()[k].0));
        buffer.extend(reverse.range(v).map(|k| reverse.heads()[k].0));
        buffer.retain(|&u| u != v.0);
        buffer.sort_unstable();
        buffer.dedup();
    };
    let mut buffer = Vec::new();
    let mut degree: Vec<u32> = (0..n)
        .map(|v| {
            neighbours(v, &mut buffer);
            buffer.len() as u32
        })
        .collect();
    let mut useful = vec![true; n];
    let mut leaves: Vec<usize> = (0..n).filter(|&v| degree[v] <= 1 && !marked[v]).collect();
    while let Some(v) = leaves.pop() {
        if !useful[v] {
            continue;
        }
        useful[v] = false;
        neighbours(v, &mut buffer);
        for &u in &buffer {
            let u = u as usize;
            if useful[u] {
                degree[u] -= 1;
                if degree[u] <= 1 && !marked[u] {
                    leaves.push(u);
                }
            }
        }
    }
    useful
}

impl<'a> Entries<'a> {
    fn new(graph: &Graph, settlements: &'a [Option<Anchor>]) -> Entries<'a> {
        let m = Metric::Time.index();
        let mut list: Vec<(u32, u32, u32)> = Vec::new();
        let mut by_edge = Vec::new();
        for (i, a) in settlements.iter().enumerate() {
            let Some(a) = a else { continue };
            let i = i as u32;
            let e = &graph.edges()[a.edge as usize];
            list.push((e.to.0, a.after[m].saturating_add(a.leg[m]), i));
            if !e.oneway {
                list.push((e.from.0, a.before[m].saturating_add(a.leg[m]), i));
            }
            // A settlement on a junction may leave by any road out of it.
            if let Some(n) = a.node {
                list.push((n.0, a.leg[m], i));
            }
            by_edge.push((a.edge, i));
        }
        by_edge.sort_unstable();
        let first: Vec<u32> =
            counting_offsets(graph.node_count(), list.iter().map(|e| e.0 as usize));
        let mut items = vec![(0, 0); list.len()];
        counting_place(
            &first,
            list.iter().map(|&(v, extra, i)| (v as usize, (extra, i))),
            |k, item| items[k] = item,
        );
        let mean = graph.mean_arc().1.max(1);
        Entries {
            useful: Vec::new(),
            anchors: settlements,
            shift: (32 - mean.leading_zeros()).min(31),
            first,
            items,
            by_edge,
        }
    }

    fn of(&self, v: usize) -> &[(u32, u32)] {
        &self.items[self.first[v] as usize..self.first[v + 1] as usize]
    }
}

/// A bounded backward Dijkstra's reusable arrays: costs reset only where touched, and a bucket
/// queue over the bounded costs.
#[derive(Default)]
struct Search {
    dist: Vec<u32>,
    touched: Vec<u32>,
    /// Nodes to visit by cost window (`cost >> shift`).
    buckets: Vec<Vec<u32>>,
    batch: Vec<u32>,
    found: Vec<(u32, u32)>,
}

impl Search {
    /// The settlements within `limit` ds of point `j` (anchored at `a`), sorted by settlement.
    ///
    /// The queue takes a whole cost window of one or two mean arcs at a time, sorted by node
    /// (nodes are numbered along a space-filling curve, so this walks memory in order), as
    /// the analysis's searches do; a node improved again inside its window is visited again,
    /// so costs are exact. A settlement met more than once keeps its lowest time.
    fn catchment(
        &mut self,
        graph: &Graph,
        j: u32,
        a: &Anchor,
        limit: u32,
        at: &Entries,
    ) -> Catchment {
        let shift = at.shift;
        if self.dist.len() != graph.node_count() {
            self.dist = vec![u32::MAX; graph.node_count()];
            self.touched.clear();
        }
        for &v in &self.touched {
            self.dist[v as usize] = u32::MAX;
        }
        self.touched.clear();
        let windows = (limit >> shift) as usize + 1;
        self.buckets.resize_with(windows, Vec::new);
        self.found.clear();
        let mut seeds = Vec::with_capacity(3);
        point_seeds(graph, a, j, Metric::Time, &mut seeds);
        for s in seeds {
            let v = s.node.index();
            if s.cost <= limit && s.cost < self.dist[v] {
                if self.dist[v] == u32::MAX {
                    self.touched.push(s.node.0);
                }
                self.dist[v] = s.cost;
                self.buckets[(s.cost >> shift) as usize].push(s.node.0);
            }
        }
        let reverse = graph.reverse();
        let heads = reverse.heads();
        let weights = reverse.times_ds();
        for w in 0..windows {
            while !self.buckets[w].is_empty() {
                std::mem::swap(&mut self.batch, &mut self.buckets[w]);
                self.batch.sort_unstable();
                self.batch.dedup();
                for &v in &self.batch {
                    let d = self.dist[v as usize];
                    // Improved into an earlier window since it was queued: visited there.
                    if (d >> shift) as usize != w {
                        continue;
                    }
                    for &(extra, i) in at.of(v as usize) {
                        let t = d.saturating_add(extra);
                        if t <= limit {
                            self.found.push((i, t));
                        }
                    }
                    for k in reverse.range(NodeIdx(v)) {
                        let u = heads[k].index();
                        let next = d.saturating_add(weights[k]);
                        if next <= limit && next < self.dist[u] && at.useful[u] {
                            if self.dist[u] == u32::MAX {
                                self.touched.push(u as u32);
                            }
                            self.dist[u] = next;
                            self.buckets[(next >> shift) as usize].push(u as u32);
                        }
                    }
                }
                self.batch.clear();
            }
        }
        // Settlements on the point's own edge, reaching it along the edge.
        let only = [(a.edge, 0)];
        let point = [Some(*a)];
        let by_edge = &at.by_edge;
        let first = by_edge.partition_point(|&(edge, _)| edge < a.edge);
        for &(_, i) in by_edge[first..].iter().take_while(|&&(e, _)| e == a.edge) {
            let Some(s) = at.anchors[i as usize].as_ref() else {
                continue;
            };
            for (cost, _) in same_edge(graph, s, Metric::Time, &only, &point) {
                let t = cost.saturating_add(s.leg[Metric::Time.index()]);
                if t <= limit {
                    self.found.push((i, t));
                }
            }
        }
        self.found.sort_unstable();
        let mut out: Catchment = Vec::with_capacity(self.found.len());
        for &(i, t) in &self.found {
            // Sorted by (settlement, time): the first of each settlement is its time.
            if out.last().is_none_or(|&(last, _)| last != i) {
                out.push((i, t));
            }
        }
        out
    }
}

/// The travel-time table behind the E2SFCA values of `kind` in `region`: per snapped point of
/// the kind (in service-index order), its service index and every settlement within the last
/// limit of `steps` with its car time in deciseconds, snapped (by `options`) and measured
/// exactly as [`crate::analysis::analyze`] does.
pub fn travel_times(
    region: &Region,
    options: &AnalysisOptions,
    steps: &Steps,
    kind: ServiceKind,
) -> Vec<(u32, Catchment)> {
    let snapped = Snapped::new(region, options);
    let a = &snapped.anchors;
    catchments(
        &region.graph,
        a.points(region),
        |kinds| kinds.contains(kind),
        &a.settlements,
        steps.limit_ds(),
    )
}

/// Per snapped point whose kinds `wanted` takes (in service-index order), its index and the
/// settlements within `limit_ds` of it by car with their times, as the analysis measures
/// them. The times do not depend on the kind, so one search serves every kind of a point.
pub(crate) fn catchments(
    graph: &Graph,
    points: Points<'_>,
    wanted: impl Fn(ServiceKinds) -> bool,
    settlements: &[Option<Anchor>],
    limit_ds: u32,
) -> Vec<(u32, Catchment)> {
    let mut entries = Entries::new(graph, settlements);
    let of_kind: Vec<(u32, Anchor)> = points
        .services
        .iter()
        .zip(points.anchors)
        .enumerate()
        .filter(|(_, (s, _))| wanted(s.kinds))
        .filter_map(|(j, (_, a))| a.map(|a| (j as u32, a)))
        .collect();
    let mut seeds = Vec::new();
    for (j, a) in &of_kind {
        point_seeds(graph, a, *j, Metric::Time, &mut seeds);
    }
    entries.useful = useful_nodes(graph, &entries, seeds.iter().map(|s| s.node));
    of_kind
        .par_iter()
        .map_init(Search::default, |search, &(j, a)| {
            (j, search.catchment(graph, j, &a, limit_ds, &entries))
        })
        .collect()
}

/// The E2SFCA value of every settlement from the catchments of one kind's points (see the
/// [module documentation](self)): `None` where `anchored[i]` is false (no road, or outside),
/// else capacity per person. `capacity[j]` is point `j`'s capacity.
pub(crate) fn values(
    catchments: &[&(u32, Catchment)],
    steps: &Steps,
    settlements: &[Settlement],
    anchored: impl Fn(usize) -> bool + Sync,
    capacity: impl Fn(usize) -> f64 + Sync,
) -> Vec<Option<f64>> {
    // Step 1: supply over weighted demand, per point, summed in settlement order.
    let ratios: Vec<f64> = catchments
        .par_iter()
        .map(|(j, c)| {
            let demand: f64 = c
                .iter()
                .map(|&(i, t)| {
                    let p = settlements[i as usize].population.unwrap_or(0) as f64;
                    p * steps.weight(t)
                })
                // From +0.0, left to right (`sum` starts from -0.0).
                .fold(0.0, |a, b| a + b);
            if demand > 0.0 {
                capacity(*j as usize) / demand
            } else {
                0.0
            }
        })
        .collect();
    // Step 2: per settlement, in point order (the catchments are in service-index order and
    // the counting sort keeps it).
    let n = settlements.len();
    let pairs = || {
        catchments
            .iter()
            .zip(&ratios)
            .flat_map(|((_, c), &r)| c.iter().map(move |&(i, t)| (i as usize, (r, t))))
    };
    let first: Vec<usize> = counting_offsets(n, pairs().map(|p| p.0));
    let mut items = vec![(0.0, 0u32); first[n]];
    counting_place(&first, pairs(), |k, item| items[k] = item);
    (0..n)
        .into_par_iter()
        .map(|i| {
            anchored(i).then(|| {
                items[first[i]..first[i + 1]]
                    .iter()
                    .map(|&(r, t)| r * steps.weight(t))
                    .fold(0.0, |a, b| a + b)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_boundaries() {
        let s = Steps::default();
        assert_eq!(s.weight(0), 1.0);
        assert_eq!(s.weight(6000), 1.0);
        assert_eq!(s.weight(6001), 0.68);
        assert_eq!(s.weight(12_000), 0.68);
        assert_eq!(s.weight(18_000), 0.22);
        assert_eq!(s.weight(18_001), 0.0);
        assert_eq!(s.limit_ds(), 18_000);
        let odd: Steps = "7.77:1".parse().unwrap_or_else(|e| panic!("{e}"));
        let l = odd.limit_ds();
        assert!(odd.weight(l) > 0.0 && odd.weight(l + 1) == 0.0);
    }

    #[test]
    fn parsing() {
        let s: Steps = "10:1, 20:0.68,30:0.22"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s, Steps::default());
        assert_eq!(s.to_string(), "10:1,20:0.68,30:0.22");
        for (bad, what) in [
            ("", "no step"),
            ("10", "MINUTES:WEIGHT"),
            ("20:1,10:0.5", "above the step before"),
            ("0:1", "positive number of minutes"),
            ("10:0", "weight `0`"),
            ("10:x", "weight `x`"),
            ("inf:1", "step limit"),
            ("10:nan", "weight"),
        ] {
            let e = bad.parse::<Steps>().err().map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|e| e.contains(what)),
                "{bad}: {e:?}"
            );
        }
    }
}
