//! What-if scenarios: add or close service points and see what changes, evaluated
//! incrementally on top of a baseline analysis.
//!
//! A [`Network`] holds what does not change between scenarios: the graph, the snap index and
//! the settlements with their snaps. A [`State`] holds the service points and, for each of the
//! ten fields (five kinds × length and time), every node's `(cost, source)` label and every
//! settlement's value. [`State::add`] and [`State::remove`] update a state in place:
//!
//! - **Adding** a point runs a search from the new point only, continuing from a node only
//!   where the new point beats the node's current label. The new point has the highest index, so
//!   it wins no tie, and a node it does not improve cannot lead to one it does: the search
//!   touches exactly the area the point takes over.
//! - **Removing** a point resets the nodes whose label came from it (they form a tree around the
//!   point along its shortest paths) and repairs only those: each starts from its best neighbour
//!   outside the set and the other points' seeds, then a Dijkstra runs inside the set.
//!
//! Only settlements that touch a changed node or lie on the point's edge are evaluated again.
//! The result equals a full [`crate::analysis::analyze`] of the changed point list exactly, with
//! the same tie-breaking, because labels are compared as `(cost, source)` pairs everywhere
//! (the tests check this on random sequences of adds and removes). Points keep their indices:
//! a closed point stays in the list with no kinds, so ties resolve as in the baseline.

use crate::analysis::fields::{
    anchor, anchors, beside_core, point_seeds, search_fields, services_by_edge, settle, snap_index,
    Anchor, Field, Points,
};
use crate::analysis::{assemble, outside_flags, Analysis, AnalysisOptions, Inputs};
use crate::base::feature::{Kinds, ServicePoint, Settlement};
use crate::base::progress;
use crate::network::graph::{Graph, NodeIdx};
use crate::network::region::{Extent, Region};
use crate::network::snap::{Snap, SnapIndex};
use crate::route::{Core, Label, Metric, Seed};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The unchanging part of a scenario analysis: graph and its core, snap index, settlements
/// and their snaps.
pub struct Network<'a> {
    kinds: &'a Kinds,
    graph: &'a Graph,
    core: Core<'a>,
    settlements: &'a [Settlement],
    options: &'a AnalysisOptions,
    index: SnapIndex<'a>,
    settlement_snaps: Vec<Option<Snap>>,
    settlement_anchors: Vec<Option<Anchor>>,
    /// Per settlement, whether it lies outside the extract: never snapped, never in gap.
    settlement_outside: Vec<bool>,
    /// The area the extract covers; service points beyond it (with the margin) are dropped.
    extent: Option<&'a Extent>,
    /// Settlements whose value reads a node's label: `node_first[n]..node_first[n + 1]` in
    /// `node_settlements`.
    node_first: Vec<u32>,
    node_settlements: Vec<u32>,
    /// `(edge, settlement)` sorted, for settlements on the edge of an added or closed point.
    edge_settlements: Vec<(u32, u32)>,
}

impl<'a> Network<'a> {
    /// Indexes the roads and snaps the settlements of `region`.
    pub fn new(region: &'a Region, options: &'a AnalysisOptions) -> Self {
        let graph = &region.graph;
        let extent = region.extent.as_ref();
        let settlement_outside =
            outside_flags(extent, options.max_snap_m, &region.settlements, |s| s.coord);
        let snapping = progress::phase("snapping", None, progress::Unit::Items);
        let ((index, settlement_snaps), core, _) = beside_core(region, || {
            let index = snap_index(region, options.snap);
            let settlement_snaps: Vec<Option<Snap>> = region
                .settlements
                .par_iter()
                .zip(&settlement_outside)
                .map(|(s, &outside)| (!outside).then(|| index.snap(s.coord, options.max_snap_m))?)
                .collect();
            (index, settlement_snaps)
        });
        snapping.finish();
        let settlement_anchors = anchors(graph, &settlement_snaps, options.access_kmh);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut edge_settlements = Vec::new();
        for (i, a) in settlement_anchors.iter().enumerate() {
            let Some(a) = a else { continue };
            let e = &graph.edges()[a.edge as usize];
            let i = i as u32;
            pairs.push((e.from.0, i));
            pairs.push((e.to.0, i));
            if let Some(n) = a.node {
                pairs.push((n.0, i));
            }
            edge_settlements.push((a.edge, i));
        }
        pairs.sort_unstable();
        pairs.dedup();
        edge_settlements.sort_unstable();
        let mut node_first = vec![0u32; graph.node_count() + 1];
        for &(n, _) in &pairs {
            node_first[n as usize + 1] += 1;
        }
        for n in 0..graph.node_count() {
            node_first[n + 1] += node_first[n];
        }
        Network {
            kinds: &region.kinds,
            graph,
            core,
            settlements: &region.settlements,
            options,
            index,
            settlement_snaps,
            settlement_anchors,
            settlement_outside,
            extent,
            node_first,
            node_settlements: pairs.into_iter().map(|p| p.1).collect(),
            edge_settlements,
        }
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        self.graph
    }

    /// The snap of a point as a service point, or `None` beyond `max_service_snap_m`; with it
    /// the distance to the nearest eligible road (for messages), if there is any road.
    pub fn snap_service(&self, point: crate::base::coord::Coord) -> (Option<Snap>, Option<f64>) {
        let snap = self.index.snap(point, self.options.max_service_snap_m);
        if snap.is_some() {
            return (snap, snap.map(|s| s.snap_m));
        }
        (
            None,
            self.index.snap(point, f64::INFINITY).map(|s| s.snap_m),
        )
    }

    fn settlements_at(&self, node: u32) -> &[u32] {
        let n = node as usize;
        &self.node_settlements[self.node_first[n] as usize..self.node_first[n + 1] as usize]
    }

    fn settlements_on(&self, edge: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.edge_settlements.partition_point(|&(e, _)| e < edge);
        self.edge_settlements[first..]
            .iter()
            .take_while(move |&&(e, _)| e == edge)
            .map(|&(_, i)| i)
    }
}

/// Why a point cannot be added.
#[derive(Clone, Debug, PartialEq)]
pub enum AddError {
    /// The point is farther than `max_service_snap_m` from every eligible road; the distance
    /// to the nearest one, if any road exists.
    OffRoad {
        /// Metres to the nearest eligible road.
        nearest_road_m: Option<f64>,
    },
    /// The point offers no kind.
    NoKind,
}

/// Service points and the ten fields over them: the baseline or a scenario.
#[derive(Clone, Debug)]
pub struct State {
    services: Vec<ServicePoint>,
    service_snaps: Vec<Option<Snap>>,
    /// Per service point, whether it lies outside the extract (its snap is then `None`);
    /// added points never do.
    service_outside: Vec<bool>,
    anchors: Vec<Option<Anchor>>,
    /// Per kind: `(edge, service)` of the snapped points offering it, sorted.
    by_edge: Vec<Vec<(u32, u32)>>,
    /// Per field, by [`Field::index`]: every node's label.
    fields: Vec<Vec<Label>>,
    /// Per field: every settlement's `(cost, service)`.
    values: Vec<Vec<Option<(u32, u32)>>>,
    /// Scratch marks for nodes and settlements, by epoch.
    node_mark: Vec<u32>,
    settlement_mark: Vec<u32>,
    epoch: u32,
}

impl State {
    /// The full analysis of `services` on `net`: the baseline.
    pub fn new(net: &Network<'_>, services: &[ServicePoint]) -> State {
        let graph = net.graph;
        let options = net.options;
        let outside = outside_flags(net.extent, options.max_snap_m, services, |s| s.coord);
        let service_snaps: Vec<Option<Snap>> = services
            .par_iter()
            .zip(&outside)
            .map(|(s, &o)| (!o).then(|| net.index.snap(s.coord, options.max_service_snap_m))?)
            .collect();
        let anchors = anchors(graph, &service_snaps, options.access_kmh);
        let by_edge = net
            .kinds
            .iter()
            .map(|k| services_by_edge(services, &anchors, k))
            .collect();
        let points = Points {
            kinds: net.kinds,
            services,
            anchors: &anchors,
        };
        let all_fields = Field::all(net.kinds);
        let searches = Some(all_fields.len() as u64);
        let routing = progress::phase("routing", searches, progress::Unit::Items);
        let fields: Vec<Vec<Label>> =
            search_fields(&net.core, points, &all_fields, &routing, |_, ws| {
                (0..graph.node_count() as u32)
                    .map(|n| Label::from(ws.label(NodeIdx(n))))
                    .collect()
            });
        routing.finish();
        let mut state = State {
            services: services.to_vec(),
            service_snaps,
            service_outside: outside,
            anchors,
            by_edge,
            fields,
            values: Vec::new(),
            node_mark: vec![0; graph.node_count()],
            settlement_mark: vec![0; net.settlements.len()],
            epoch: 0,
        };
        state.values = all_fields
            .into_par_iter()
            .map(|f| {
                (0..net.settlements.len())
                    .map(|i| state.settle(net, f, i))
                    .collect()
            })
            .collect();
        state
    }

    /// The service points, closed ones with no kinds.
    pub fn services(&self) -> &[ServicePoint] {
        &self.services
    }

    /// Per settlement, the `(cost, service)` of `field` (length in dm, time in ds).
    pub fn values(&self, field: Field) -> &[Option<(u32, u32)>] {
        &self.values[field.index()]
    }

    fn settle(&self, net: &Network<'_>, f: Field, i: usize) -> Option<(u32, u32)> {
        let a = net.settlement_anchors[i].as_ref()?;
        let labels = &self.fields[f.index()];
        let label = |n: NodeIdx| labels[n.index()].get();
        settle(
            net.graph,
            label,
            a,
            f.metric,
            &self.by_edge[f.kind.index()],
            &self.anchors,
        )
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.node_mark.fill(0);
            self.settlement_mark.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }

    /// Adds a point; returns its index.
    ///
    /// # Errors
    /// [`AddError`] if it offers no kind or lies off every road.
    pub fn add(&mut self, net: &Network<'_>, point: ServicePoint) -> Result<usize, AddError> {
        if point.kinds.is_empty() {
            return Err(AddError::NoKind);
        }
        let (snap, nearest_road_m) = net.snap_service(point.coord);
        let Some(snap) = snap else {
            return Err(AddError::OffRoad { nearest_road_m });
        };
        let a = anchor(net.graph, &snap, net.options.access_kmh);
        let j = self.services.len() as u32;
        let kinds = point.kinds;
        self.services.push(point);
        self.service_snaps.push(Some(snap));
        self.service_outside.push(false);
        self.anchors.push(Some(a));
        for kind in net.kinds.of(kinds) {
            let list = &mut self.by_edge[kind.index()];
            let at = list.partition_point(|&e| e < (a.edge, j));
            list.insert(at, (a.edge, j));
            for f in Field::of_kind(kind) {
                let mut seeds = Vec::new();
                point_seeds(net.graph, &a, j, f.metric, &mut seeds);
                let changed = self.improve(net, f, &seeds);
                self.refresh(net, f, &changed, a.edge);
            }
        }
        Ok(j as usize)
    }

    /// Closes point `j`: it keeps its index but offers no kind any more. Closing a closed
    /// point changes nothing.
    pub fn remove(&mut self, net: &Network<'_>, j: usize) {
        let Some(point) = self.services.get_mut(j) else {
            return;
        };
        let kinds = std::mem::replace(&mut point.kinds, crate::ServiceKinds::EMPTY);
        let Some(a) = self.anchors[j] else {
            return;
        };
        for kind in net.kinds.of(kinds) {
            let k = kind.index();
            self.by_edge[k].retain(|&(_, s)| s != j as u32);
            for f in Field::of_kind(kind) {
                let changed = self.repair(net, f, j as u32, &a);
                self.refresh(net, f, &changed, a.edge);
            }
        }
    }

    /// Seeds `seeds` into field `f` where they beat the current labels and spreads them as far
    /// as they keep beating them. Returns the nodes whose label changed.
    fn improve(&mut self, net: &Network<'_>, f: Field, seeds: &[Seed]) -> Vec<u32> {
        let field = &mut self.fields[f.index()];
        let mut heap = BinaryHeap::new();
        for s in seeds {
            let label = Label::new(s.cost, s.source);
            if label < field[s.node.index()] {
                field[s.node.index()] = label;
                heap.push(Reverse((label, s.node.0)));
            }
        }
        let changed = dijkstra(net.graph, f.metric, field, heap);
        let mut changed = changed;
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// Resets the nodes of field `f` whose label came from point `j` and computes them again
    /// from their neighbours outside the set and the other points' seeds. Returns those nodes.
    fn repair(&mut self, net: &Network<'_>, f: Field, j: u32, a: &Anchor) -> Vec<u32> {
        let graph = net.graph;
        let m = f.metric;
        let epoch = self.next_epoch();
        let field = &mut self.fields[f.index()];
        let from_j = |label: Label| label != Label::NONE && label.source() == j;
        // The nodes labelled from j: a tree grown from j's seeds along reverse arcs.
        let mut seeds = Vec::new();
        point_seeds(graph, a, j, m, &mut seeds);
        let mut set: Vec<u32> = Vec::new();
        for s in &seeds {
            let n = s.node.0;
            if from_j(field[n as usize]) && self.node_mark[n as usize] != epoch {
                self.node_mark[n as usize] = epoch;
                set.push(n);
            }
        }
        let reverse = graph.reverse();
        let mut next = 0;
        while next < set.len() {
            let u = set[next];
            next += 1;
            for &v in &reverse.heads()[reverse.range(NodeIdx(u))] {
                if from_j(field[v.index()]) && self.node_mark[v.index()] != epoch {
                    self.node_mark[v.index()] = epoch;
                    set.push(v.0);
                }
            }
        }
        for &n in &set {
            field[n as usize] = Label::NONE;
        }
        // Start values: the best neighbour outside the set, and the other points' seeds.
        let forward = graph.forward();
        let weights = match m {
            Metric::Length => forward.lengths_dm(),
            Metric::Time => forward.times_ds(),
        };
        let mut heap = BinaryHeap::new();
        for &v in &set {
            let mut best = Label::NONE;
            for i in forward.range(NodeIdx(v)) {
                let next = field[forward.heads()[i].index()].plus(weights[i]);
                best = best.min(next);
            }
            field[v as usize] = best;
        }
        let mut other = Vec::new();
        for &(_, s) in &self.by_edge[f.kind.index()] {
            if let Some(sa) = &self.anchors[s as usize] {
                point_seeds(graph, sa, s, m, &mut other);
            }
        }
        for s in other {
            if self.node_mark[s.node.index()] == epoch {
                let label = Label::new(s.cost, s.source);
                let slot = &mut field[s.node.index()];
                *slot = (*slot).min(label);
            }
        }
        for &v in &set {
            if field[v as usize] != Label::NONE {
                heap.push(Reverse((field[v as usize], v)));
            }
        }
        dijkstra(graph, m, field, heap);
        set.sort_unstable();
        set
    }

    /// Evaluates again, in field `f`, the settlements that read a changed node or lie on
    /// `edge`.
    fn refresh(&mut self, net: &Network<'_>, f: Field, changed: &[u32], edge: u32) {
        let epoch = self.next_epoch();
        let mut touched = Vec::new();
        let candidates = changed
            .iter()
            .flat_map(|&n| net.settlements_at(n).iter().copied())
            .chain(net.settlements_on(edge));
        for i in candidates {
            if self.settlement_mark[i as usize] != epoch {
                self.settlement_mark[i as usize] = epoch;
                touched.push(i as usize);
            }
        }
        for i in touched {
            let v = self.settle(net, f, i);
            self.values[f.index()][i] = v;
        }
    }

    /// The analysis of this state, as [`crate::analysis::analyze`] would give it for
    /// [`State::services`].
    pub fn analysis(&self, net: &Network<'_>) -> Analysis {
        let inputs = Inputs {
            kinds: net.kinds,
            core: &net.core,
            services: &self.services,
            settlements: net.settlements,
            options: net.options,
            settlement_snaps: &net.settlement_snaps,
            settlement_anchors: &net.settlement_anchors,
            settlement_outside: &net.settlement_outside,
            service_snaps: self.service_snaps.clone(),
            service_anchors: &self.anchors,
            service_outside: self.service_outside.clone(),
        };
        assemble(inputs, &self.values)
    }
}

/// Dijkstra over the reverse graph from the queued labels, improving `field` in place; labels
/// are exact `(cost, source)` minima. Returns every node popped with a current label.
fn dijkstra(
    graph: &Graph,
    metric: Metric,
    field: &mut [Label],
    mut heap: BinaryHeap<Reverse<(Label, u32)>>,
) -> Vec<u32> {
    let reverse = graph.reverse();
    let heads = reverse.heads();
    let weights = match metric {
        Metric::Length => reverse.lengths_dm(),
        Metric::Time => reverse.times_ds(),
    };
    let mut settled = Vec::new();
    while let Some(Reverse((label, u))) = heap.pop() {
        if field[u as usize] != label {
            continue;
        }
        settled.push(u);
        for i in reverse.range(NodeIdx(u)) {
            let v = heads[i];
            let new = label.plus(weights[i]);
            if new < field[v.index()] {
                field[v.index()] = new;
                heap.push(Reverse((new, v.0)));
            }
        }
    }
    settled
}

/// The indices of the points `wanted` names, by id (as written in the outputs, e.g.
/// `node/123`) or by name.
///
/// # Errors
/// A message naming an id or name that matches no point (with the closest ids and names), or a
/// name shared by several points (with their ids).
pub fn resolve_removals(
    services: &[ServicePoint],
    wanted: &[String],
) -> std::result::Result<Vec<usize>, String> {
    let mut found = Vec::with_capacity(wanted.len());
    for w in wanted {
        let w = w.trim();
        if let Some(j) = services.iter().position(|s| s.id.to_string() == w) {
            found.push(j);
            continue;
        }
        let named: Vec<usize> = services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.name.as_deref().is_some_and(|n| n.trim() == w))
            .map(|(j, _)| j)
            .collect();
        match named.as_slice() {
            [j] => found.push(*j),
            [] => {
                let close = close_matches(services, w);
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                };
                return Err(format!("no service point has the id or name {w:?}{hint}"));
            }
            many => {
                let ids: Vec<String> = many.iter().map(|&j| services[j].id.to_string()).collect();
                return Err(format!(
                    "{} service points are named {w:?} ({}): remove them by id",
                    many.len(),
                    ids.join(", ")
                ));
            }
        }
    }
    Ok(found)
}

/// Up to three ids or names nearest to `wanted` by edit distance (ignoring case), quoted.
fn close_matches(services: &[ServicePoint], wanted: &str) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(usize, String)> = services
        .iter()
        .flat_map(|s| std::iter::once(s.id.to_string()).chain(s.name.clone()))
        .map(|c| (edit_distance(&c.to_lowercase(), &wanted), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(wanted.chars().count()) / 3).max(2))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| format!("{c:?}"))
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// How one kind changed in a scenario, against the baseline.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct KindChange {
    /// Settlements whose road km to the nearest point got shorter (or became reachable).
    pub shorter_settlements: usize,
    /// Their known population.
    pub shorter_population: u64,
    /// Settlements whose road km got longer (or became unreachable).
    pub longer_settlements: usize,
    /// Their known population.
    pub longer_population: u64,
    /// Settlements that fell into gap.
    pub entered_gap_settlements: usize,
    /// Their known population.
    pub entered_gap_population: u64,
    /// Settlements that left the gap.
    pub left_gap_settlements: usize,
    /// Their known population.
    pub left_gap_population: u64,
}

/// One evaluated scenario.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The scenario's name.
    pub name: String,
    /// Indices (in [`Outcome::services`]) of the points it closed.
    pub removed: Vec<usize>,
    /// Indices of the points it added.
    pub added: Vec<usize>,
    /// The point list of the scenario: the baseline's, closed ones without kinds, then the
    /// added ones.
    pub services: Vec<ServicePoint>,
    /// Its analysis.
    pub analysis: Analysis,
    /// Per kind, by [`crate::ServiceKind::index`].
    pub changes: Vec<KindChange>,
}

/// Why a scenario cannot be evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// The scenario's name.
    pub scenario: String,
    /// What is wrong.
    pub message: String,
}

/// Evaluates each scenario incrementally from `baseline` (which is left as it is).
///
/// # Errors
/// [`ScenarioError`] for an unknown point in `remove` or an added point off every road.
pub fn evaluate(
    net: &Network<'_>,
    baseline: &State,
    scenarios: &[crate::input::scenarios::Scenario],
) -> std::result::Result<Vec<Outcome>, ScenarioError> {
    let base = baseline.analysis(net);
    let mut outcomes = Vec::with_capacity(scenarios.len());
    let count = Some(scenarios.len() as u64);
    let progress = progress::phase("scenarios", count, progress::Unit::Items);
    for sc in scenarios {
        let fail = |message: String| ScenarioError {
            scenario: sc.name.clone(),
            message,
        };
        let removed = resolve_removals(baseline.services(), &sc.remove).map_err(fail)?;
        let mut state = baseline.clone();
        for &j in &removed {
            state.remove(net, j);
        }
        let mut added = Vec::with_capacity(sc.add.len());
        for point in &sc.add {
            let label = point.name.clone().unwrap_or_else(|| point.id.to_string());
            let j = state.add(net, point.clone()).map_err(|e| {
                fail(match e {
                    AddError::OffRoad {
                        nearest_road_m: Some(m),
                    } => format!(
                        "added point {label:?} lies {m:.0} m from the nearest road, beyond the snap limit of {} m (max_service_snap_m)",
                        net.options.max_service_snap_m
                    ),
                    AddError::OffRoad {
                        nearest_road_m: None,
                    } => format!("added point {label:?}: the network has no road to snap to"),
                    AddError::NoKind => format!("added point {label:?} offers no kind"),
                })
            })?;
            added.push(j);
        }
        let analysis = state.analysis(net);
        let changes = net
            .kinds
            .iter()
            .map(|k| change(net.settlements, &base, &analysis, k.index()))
            .collect();
        outcomes.push(Outcome {
            name: sc.name.clone(),
            removed,
            added,
            services: state.services,
            analysis,
            changes,
        });
        progress.advance(1);
    }
    Ok(outcomes)
}

fn change(settlements: &[Settlement], old: &Analysis, new: &Analysis, k: usize) -> KindChange {
    let mut c = KindChange::default();
    for (i, (o, n)) in old.settlements.iter().zip(&new.settlements).enumerate() {
        let people = settlements[i].population.unwrap_or(0);
        let (o, n) = (&o.kinds[k], &n.kinds[k]);
        let as_cost = |v: Option<u32>| v.map_or(u64::MAX, u64::from);
        let (before, after) = (as_cost(o.length_dm), as_cost(n.length_dm));
        if after < before {
            c.shorter_settlements += 1;
            c.shorter_population += people;
        } else if after > before {
            c.longer_settlements += 1;
            c.longer_population += people;
        }
        if n.gap && !o.gap {
            c.entered_gap_settlements += 1;
            c.entered_gap_population += people;
        } else if o.gap && !n.gap {
            c.left_gap_settlements += 1;
            c.left_gap_population += people;
        }
    }
    c
}
