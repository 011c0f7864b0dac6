//! Where new service points help most: greedy maximal coverage of the population in gap.
//!
//! # Semantics
//! - A settlement is **covered** by a new point of the kind when its distance to that point,
//!   measured as the analysis measures it (snap legs, partial edges, the kind's threshold
//!   metric), is within the kind's threshold. Only settlements in gap today that snapped to a
//!   road can be covered; the others (`no_road`) stay in gap.
//! - **Candidates** are either every node of the main network (strongly connected component 0),
//!   a pick there behaving like a service point snapped exactly onto that junction (snap leg 0,
//!   reached by any of its roads), or planners' candidate sites, snapped and anchored exactly as
//!   service points are (a site too far from a road is dropped and counted).
//! - Up to `k` picks, each the candidate that newly covers the most population given the picks
//!   before it; ties go to more settlements, then to the lowest candidate index (node order, or
//!   file order for sites). Picking stops early when no candidate covers anyone new.
//! - **Within a region** ([`suggest_in_regions`], [`suggest_in_region`]) the candidates are
//!   those whose own location (the node, or the site) lies in the region polygon, and the
//!   settlements that count are those whose own location does; every figure (gap, candidates,
//!   each pick's gap before and after) is the region's. A candidate near a border covers the
//!   region's settlements only, even when its road reaches across.
//!
//! # Algorithm
//! Coverage does not depend on the other new points, so it is computed once: from each gap
//! settlement a forward Dijkstra over the road graph, bounded by the threshold less its own snap
//! leg, lists every candidate it reaches in time (a candidate is entered at its edge's nodes
//! with its partial-edge cost and snap leg, as the analysis seeds a service point, or on the
//! settlement's own edge directly). The lists are inverted to candidate → settlements, and a
//! lazy greedy picks from a priority queue of gains: a gain only shrinks as settlements get
//! covered (coverage is submodular), so a queued gain is an upper bound, and a candidate whose
//! recomputed gain still tops the queue is the exact greedy choice. The searches run in
//! parallel, one workspace per thread; the result does not depend on the thread count. Per
//! region, the lists are cut to the region's candidates and settlements, and the greedy runs
//! on each region's part, the regions in parallel: one set of searches serves every region.

use crate::analysis::fields::{
    anchor, same_edge, settlement_fields, Anchor, Field, Points, Snapped,
};
use crate::analysis::{AnalysisOptions, Threshold};
use crate::base::coord::Coord;
use crate::base::feature::ServiceKind;
use crate::base::progress;
use crate::input::regions::Regions;
use crate::network::graph::{counting_offsets, counting_place, Graph, NodeIdx};
use crate::network::region::Region;
use crate::route::{Core, Metric};
use crate::whatif::vulnerability::{limit, metric_of, value};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

/// A planner's candidate site.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Its id (from the file, or `FILE:LINE`).
    pub id: String,
    /// Its name, if given.
    pub name: Option<String>,
    /// Its location (lon, lat).
    pub coord: Coord,
}

/// Where new points may go.
#[derive(Clone, Debug, PartialEq)]
pub enum Candidates {
    /// Every node of the main network (component 0), in node order.
    MainNetworkNodes,
    /// These sites, in this order.
    Sites(Vec<Site>),
}

/// One chosen site.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    /// Index of the candidate: a position among the main-network nodes, or in the site list.
    pub candidate: u32,
    /// The road node, for a node candidate.
    pub node: Option<NodeIdx>,
    /// The site, for a site candidate (index into the list).
    pub site: Option<usize>,
    /// Where it is (lon, lat): the node, or the site's own location.
    pub coord: Coord,
    /// Settlements newly brought within the threshold, by index in the region.
    pub settlements: Vec<u32>,
    /// Their known population.
    pub covered_population: u64,
    /// Settlements in gap (all of them, `no_road` included) before and after this pick.
    pub gap_settlements: (usize, usize),
    /// Their known population before and after this pick.
    pub gap_population: (u64, u64),
}

/// The outcome of [`suggest`].
#[derive(Clone, Debug)]
pub struct Suggestion {
    /// The kind.
    pub kind: ServiceKind,
    /// Its threshold.
    pub threshold: Threshold,
    /// Candidates considered (snapped sites, or main-network nodes).
    pub candidates: usize,
    /// Sites dropped for lying too far from a road.
    pub candidates_dropped: usize,
    /// Settlements in gap before any pick, and their known population.
    pub gap_settlements: usize,
    /// Known population in gap before any pick.
    pub gap_population: u64,
    /// Of those, settlements on the road network (the only ones a new point can cover).
    pub gap_on_road: usize,
    /// The picks, best first.
    pub picks: Vec<Pick>,
    /// Time per phase.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Candidate entry points by node: reaching node `v` at cost `d` reaches candidate `c` at
/// `d + extra`, for each `(extra, c)` of `v`.
struct Entries {
    offsets: Vec<u32>,
    items: Vec<(u32, u32)>,
}

impl Entries {
    /// The entries of `list`, `(node, extra, candidate)`, among `n` nodes.
    fn new(n: usize, list: Vec<(u32, u32, u32)>) -> Entries {
        let offsets: Vec<u32> = counting_offsets(n, list.iter().map(|e| e.0 as usize));
        let mut items = vec![(0, 0); list.len()];
        counting_place(
            &offsets,
            list.into_iter().map(|(v, e, c)| (v as usize, (e, c))),
            |k, item| items[k] = item,
        );
        Entries { offsets, items }
    }

    fn of(&self, v: usize) -> &[(u32, u32)] {
        &self.items[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }
}

/// Where a search meets the candidates: entries by node, and sites by edge for the same-edge
/// case (with their anchors).
struct Targets<'a> {
    entries: &'a Entries,
    on_edge: &'a [(u32, u32)],
    sites: &'a [Option<Anchor>],
}

/// A bounded forward Dijkstra's reusable arrays: costs reset only where touched.
#[derive(Default)]
struct Search {
    dist: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
}

impl Search {
    /// Candidates within `budget` of a settlement at `a`, sorted, without repeats.
    fn covering(
        &mut self,
        graph: &Graph,
        metric: Metric,
        a: &Anchor,
        budget: u32,
        targets: &Targets<'_>,
    ) -> Vec<u32> {
        let Targets {
            entries,
            on_edge,
            sites,
        } = targets;
        let m = metric.index();
        if self.dist.len() != graph.node_count() {
            self.dist = vec![u32::MAX; graph.node_count()];
        }
        for &v in &self.touched {
            self.dist[v as usize] = u32::MAX;
        }
        self.touched.clear();
        self.heap.clear();
        let e = &graph.edges()[a.edge as usize];
        let mut seeds = vec![(e.to, a.after[m])];
        if !e.oneway {
            seeds.push((e.from, a.before[m]));
        }
        if let Some(n) = a.node {
            seeds.push((n, 0));
        }
        for (v, c) in seeds {
            if c <= budget && c < self.dist[v.index()] {
                if self.dist[v.index()] == u32::MAX {
                    self.touched.push(v.0);
                }
                self.dist[v.index()] = c;
                self.heap.push(Reverse((c, v.0)));
            }
        }
        let forward = graph.forward();
        let heads = forward.heads();
        let weights = match metric {
            Metric::Length => forward.lengths_dm(),
            Metric::Time => forward.times_ds(),
        };
        let mut found = Vec::new();
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d != self.dist[v as usize] {
                continue;
            }
            for &(extra, c) in entries.of(v as usize) {
                if d.saturating_add(extra) <= budget {
                    found.push(c);
                }
            }
            for i in forward.range(NodeIdx(v)) {
                let u = heads[i].index();
                let next = d.saturating_add(weights[i]);
                if next <= budget && next < self.dist[u] {
                    if self.dist[u] == u32::MAX {
                        self.touched.push(u as u32);
                    }
                    self.dist[u] = next;
                    self.heap.push(Reverse((next, u as u32)));
                }
            }
        }
        // Sites on the settlement's own edge, reached along it (as the analysis's `settle`).
        found.extend(
            same_edge(graph, a, metric, on_edge, sites)
                .filter(|&(cost, _)| cost <= budget)
                .map(|(_, c)| c),
        );
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The candidates with their entry points: what the coverage searches look for.
struct CandidateSet {
    entries: Entries,
    /// Snapped sites by edge, `(edge, site)` sorted.
    on_edge: Vec<(u32, u32)>,
    /// Candidates considered.
    count: usize,
    /// Sites dropped for lying too far from a road.
    dropped: usize,
    /// The nodes of node candidates, in candidate order.
    nodes: Vec<u32>,
    /// Every candidate index is below this.
    total: usize,
}

impl CandidateSet {
    /// The main-network nodes, or the snapped sites entered as service points by `metric`.
    fn new(
        graph: &Graph,
        candidates: &Candidates,
        site_anchors: &[Option<Anchor>],
        metric: Metric,
    ) -> Self {
        let n = graph.node_count();
        let m = metric.index();
        match candidates {
            Candidates::MainNetworkNodes => {
                let nodes: Vec<u32> = (0..n as u32)
                    .filter(|&v| graph.component(NodeIdx(v)) == 0)
                    .collect();
                let list = nodes
                    .iter()
                    .enumerate()
                    .map(|(c, &v)| (v, 0, c as u32))
                    .collect();
                CandidateSet {
                    entries: Entries::new(n, list),
                    on_edge: Vec::new(),
                    count: nodes.len(),
                    dropped: 0,
                    total: nodes.len(),
                    nodes,
                }
            }
            Candidates::Sites(sites) => {
                let mut list = Vec::new();
                let mut on_edge = Vec::new();
                for (c, a) in site_anchors.iter().enumerate() {
                    let Some(a) = a else { continue };
                    let c = c as u32;
                    let e = &graph.edges()[a.edge as usize];
                    list.push((e.from.0, a.before[m].saturating_add(a.leg[m]), c));
                    if !e.oneway {
                        list.push((e.to.0, a.after[m].saturating_add(a.leg[m]), c));
                    }
                    if let Some(v) = a.node {
                        list.push((v.0, a.leg[m], c));
                    }
                    on_edge.push((a.edge, c));
                }
                on_edge.sort_unstable();
                let snapped = site_anchors.iter().filter(|a| a.is_some()).count();
                CandidateSet {
                    entries: Entries::new(n, list),
                    on_edge,
                    count: snapped,
                    dropped: site_anchors.len() - snapped,
                    nodes: Vec::new(),
                    total: sites.len(),
                }
            }
        }
    }
}

/// Which candidates cover which open settlements, for the candidates that cover any: the
/// `p`-th covers the settlements at positions `members[offsets[p]..offsets[p + 1]]` in `open`,
/// in order, and is candidate `candidates[p]` (ascending).
struct Coverage {
    candidates: Vec<u32>,
    offsets: Vec<usize>,
    members: Vec<u32>,
}

impl Coverage {
    /// Inverts the per-settlement lists of covering candidates (each below `total_candidates`).
    fn new(total_candidates: usize, covering: &[Vec<u32>]) -> Coverage {
        let pairs = || {
            covering
                .iter()
                .enumerate()
                .flat_map(|(o, list)| list.iter().map(move |&c| (c as usize, o as u32)))
        };
        let dense: Vec<usize> = counting_offsets(total_candidates, pairs().map(|p| p.0));
        let mut members = vec![0u32; dense[total_candidates]];
        counting_place(&dense, pairs(), |k, o| members[k] = o);
        let candidates: Vec<u32> = (0..total_candidates)
            .filter(|&c| dense[c + 1] > dense[c])
            .map(|c| c as u32)
            .collect();
        let mut offsets = Vec::with_capacity(candidates.len() + 1);
        offsets.push(0);
        offsets.extend(candidates.iter().map(|&c| dense[c as usize + 1]));
        Coverage {
            candidates,
            offsets,
            members,
        }
    }

    /// The candidates at `positions` (ascending), each with only the settlements `keep`
    /// accepts (by position in `open`); candidates left covering nobody are left out.
    fn subset(&self, positions: &[usize], keep: impl Fn(u32) -> bool) -> Coverage {
        let mut part = Coverage {
            candidates: Vec::new(),
            offsets: vec![0],
            members: Vec::new(),
        };
        for &p in positions {
            let before = part.members.len();
            part.members
                .extend(self.of(p).iter().copied().filter(|&o| keep(o)));
            if part.members.len() > before {
                part.candidates.push(self.candidates[p]);
                part.offsets.push(part.members.len());
            }
        }
        part
    }

    fn len(&self) -> usize {
        self.candidates.len()
    }

    fn of(&self, p: usize) -> &[u32] {
        &self.members[self.offsets[p]..self.offsets[p + 1]]
    }
}

/// Which settlements are in gap for `field` today (no road, unreachable, or beyond
/// `threshold`), searched on `core`.
fn gaps(
    core: &Core<'_>,
    points: Points<'_>,
    settlements: &[Option<Anchor>],
    field: Field,
    threshold: Threshold,
) -> Vec<bool> {
    let beyond = |c: u32| value(c, threshold.unit) > threshold.value;
    let routing = progress::phase("routing", Some(1), progress::Unit::Items);
    let mut values = settlement_fields(core, points, settlements, &[field], &routing);
    routing.finish();
    values
        .pop()
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.is_none_or(|(c, _)| beyond(c)))
        .collect()
}

/// The lazy greedy over `coverage` (see the [module documentation](self)): up to `k` picks,
/// from `gap` settlements and population in gap before the first.
fn greedy(
    graph: &Graph,
    candidates: &Candidates,
    set: &CandidateSet,
    coverage: &Coverage,
    open: &[u32],
    population: impl Fn(u32) -> u64,
    (k, gap): (usize, (usize, u64)),
) -> Vec<Pick> {
    let mut covered = vec![false; open.len()];
    let gain = |p: usize, covered: &[bool]| {
        coverage
            .of(p)
            .iter()
            .filter(|&&o| !covered[o as usize])
            .fold((0u64, 0usize), |(pop, s), &o| {
                (pop.saturating_add(population(open[o as usize])), s + 1)
            })
    };
    // Gains, then the lowest candidate; the position in `coverage` follows the candidate.
    let mut queue: BinaryHeap<(u64, usize, Reverse<u32>, usize)> = (0..coverage.len())
        .map(|p| {
            let (pop, s) = gain(p, &covered);
            (pop, s, Reverse(coverage.candidates[p]), p)
        })
        .collect();
    let mut picks = Vec::new();
    let (mut gap_s, mut gap_p) = gap;
    while picks.len() < k {
        let Some((pop, s, Reverse(c), p)) = queue.pop() else {
            break;
        };
        let now = gain(p, &covered);
        if now != (pop, s) {
            if now.1 > 0 {
                queue.push((now.0, now.1, Reverse(c), p));
            }
            continue;
        }
        let mut settlements = Vec::with_capacity(s);
        for &o in coverage.of(p) {
            if !std::mem::replace(&mut covered[o as usize], true) {
                settlements.push(open[o as usize]);
            }
        }
        let (node, site, coord) = match candidates {
            Candidates::MainNetworkNodes => {
                let v = NodeIdx(set.nodes[c as usize]);
                (Some(v), None, graph.coord(v))
            }
            Candidates::Sites(sites) => (None, Some(c as usize), sites[c as usize].coord),
        };
        picks.push(Pick {
            candidate: c,
            node,
            site,
            coord,
            covered_population: pop,
            gap_settlements: (gap_s, gap_s - s),
            gap_population: (gap_p, gap_p.saturating_sub(pop)),
            settlements,
        });
        gap_s -= s;
        gap_p = gap_p.saturating_sub(pop);
    }
    picks
}

/// What every greedy run of a kind starts from: today's gaps, the candidates and who each
/// covers.
struct Prepared {
    threshold: Threshold,
    /// Per settlement, whether it is in gap today (never outside the extract).
    in_gap: Vec<bool>,
    /// The settlements searched from: in gap, on a road, and accepted by the caller.
    open: Vec<u32>,
    set: CandidateSet,
    /// Per site candidate, its anchor (`None`: dropped); empty for node candidates.
    site_anchors: Vec<Option<Anchor>>,
    coverage: Coverage,
    timings: Vec<(&'static str, Duration)>,
}

/// Snaps, finds today's gaps by the threshold's metric, and runs one bounded search from each
/// gap settlement on a road that `searched` accepts (by index), listing the candidates that
/// cover it.
fn prepare(
    snapped: &Snapped<'_>,
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    candidates: &Candidates,
    searched: impl Fn(u32) -> bool,
) -> Prepared {
    let graph = &region.graph;
    let (anchors, core) = (&snapped.anchors, &snapped.core);
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let site_anchors: Vec<Option<Anchor>> = match candidates {
        Candidates::MainNetworkNodes => Vec::new(),
        Candidates::Sites(sites) => sites
            .par_iter()
            .map(|s| {
                snapped
                    .index
                    .snap(s.coord, options.max_service_snap_m)
                    .map(|sn| anchor(graph, &sn, options.access_kmh))
            })
            .collect(),
    };
    timings.push(("snap", clock.elapsed()));
    clock = Instant::now();

    // Today's gaps, by the threshold's metric.
    let threshold = options.thresholds[kind.index()];
    let metric = metric_of(threshold.unit);
    let field = Field { kind, metric };
    let points = anchors.points(region);
    let mut in_gap = gaps(core, points, &anchors.settlements, field, threshold);
    // A settlement outside the extract is not analysed: no gap to close.
    for (g, &outside) in in_gap.iter_mut().zip(&anchors.settlement_outside) {
        *g &= !outside;
    }
    // The settlements a new point could cover.
    let open: Vec<u32> = (0..in_gap.len() as u32)
        .filter(|&i| in_gap[i as usize] && anchors.settlements[i as usize].is_some())
        .filter(|&i| searched(i))
        .collect();
    timings.push(("gaps", clock.elapsed()));
    clock = Instant::now();

    let set = CandidateSet::new(graph, candidates, &site_anchors, metric);
    let targets = Targets {
        entries: &set.entries,
        on_edge: &set.on_edge,
        sites: &site_anchors,
    };
    let budget_all = limit(threshold);
    // One bounded search per settlement in gap.
    let progress = progress::phase("coverage", Some(open.len() as u64), progress::Unit::Items);
    let covering: Vec<Vec<u32>> = open
        .par_iter()
        .map_init(Search::default, |search, &i| {
            progress.advance(1);
            let Some(a) = anchors.settlements[i as usize] else {
                return Vec::new();
            };
            let Some(budget) = budget_all.checked_sub(a.leg[metric.index()]) else {
                return Vec::new();
            };
            search.covering(graph, metric, &a, budget, &targets)
        })
        .collect();
    let coverage = Coverage::new(set.total, &covering);
    timings.push(("coverage", clock.elapsed()));
    Prepared {
        threshold,
        in_gap,
        open,
        set,
        site_anchors,
        coverage,
        timings,
    }
}

impl Prepared {
    /// The greedy over `coverage` (part of the prepared one) with the gap figures of the
    /// settlements `counted` accepts (by index), and `(candidates, dropped)` as the figures of
    /// the candidates considered.
    fn suggestion(
        &self,
        region: &Region,
        (kind, k): (ServiceKind, usize),
        candidates: &Candidates,
        coverage: &Coverage,
        counted: impl Fn(u32) -> bool,
        (considered, dropped): (usize, usize),
    ) -> Suggestion {
        let clock = Instant::now();
        let population = |i: u32| region.settlements[i as usize].population.unwrap_or(0);
        let gap: Vec<u32> = (0..self.in_gap.len() as u32)
            .filter(|&i| self.in_gap[i as usize] && counted(i))
            .collect();
        let gap_population = gap
            .iter()
            .map(|&i| population(i))
            .fold(0u64, u64::saturating_add);
        let picks = greedy(
            &region.graph,
            candidates,
            &self.set,
            coverage,
            &self.open,
            population,
            (k, (gap.len(), gap_population)),
        );
        let mut timings = self.timings.clone();
        timings.push(("greedy", clock.elapsed()));
        Suggestion {
            kind,
            threshold: self.threshold,
            candidates: considered,
            candidates_dropped: dropped,
            gap_settlements: gap.len(),
            gap_population,
            gap_on_road: self.open.iter().filter(|&&i| counted(i)).count(),
            picks,
            timings,
        }
    }

    /// The location (lon, lat) of candidate `c`: its node, or the site's own location.
    fn candidate_at(&self, region: &Region, candidates: &Candidates, c: u32) -> (f64, f64) {
        let coord = match candidates {
            Candidates::MainNetworkNodes => region.graph.coord(NodeIdx(self.set.nodes[c as usize])),
            Candidates::Sites(sites) => sites[c as usize].coord,
        };
        (coord.lon(), coord.lat())
    }

    /// Per region of `regions`, the suggestion among the candidates and settlements located in
    /// it (`settlement_region`: the region of each settlement); `only` limits the list to one
    /// region.
    fn in_regions(
        &self,
        region: &Region,
        (kind, k): (ServiceKind, usize),
        candidates: &Candidates,
        (regions, settlement_region): (&Regions, &[Option<usize>]),
        only: Option<usize>,
    ) -> Vec<Suggestion> {
        let clock = Instant::now();
        // Candidates that cover nobody pick no one: only their count per region is needed.
        let all: Vec<(f64, f64)> = (0..self.set.total as u32)
            .map(|c| self.candidate_at(region, candidates, c))
            .collect();
        let candidate_region = locate(regions, &all, only);
        let mut considered = vec![(0usize, 0usize); regions.len()];
        for (c, r) in candidate_region.iter().enumerate() {
            if let Some(r) = *r {
                let snapped = match candidates {
                    Candidates::MainNetworkNodes => true,
                    Candidates::Sites(_) => self.site_anchors[c].is_some(),
                };
                if snapped {
                    considered[r].0 += 1;
                } else {
                    considered[r].1 += 1;
                }
            }
        }
        let mut positions: Vec<Vec<usize>> = vec![Vec::new(); regions.len()];
        for p in 0..self.coverage.len() {
            if let Some(r) = candidate_region[self.coverage.candidates[p] as usize] {
                positions[r].push(p);
            }
        }
        let located = clock.elapsed();
        let wanted: Vec<usize> = match only {
            Some(r) => vec![r],
            None => (0..regions.len()).collect(),
        };
        wanted
            .par_iter()
            .map(|&r| {
                let in_r = |i: u32| settlement_region[i as usize] == Some(r);
                let coverage = self
                    .coverage
                    .subset(&positions[r], |o| in_r(self.open[o as usize]));
                let mut s = self.suggestion(
                    region,
                    (kind, k),
                    candidates,
                    &coverage,
                    in_r,
                    considered[r],
                );
                s.timings.insert(s.timings.len() - 1, ("regions", located));
                s
            })
            .collect()
    }
}

/// Picks up to `k` new sites for points of `kind` among `candidates` (see the
/// [module documentation](self)).
pub fn suggest(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    k: usize,
    candidates: &Candidates,
) -> Suggestion {
    suggest_among(
        &Snapped::new(region, options),
        region,
        options,
        (kind, k),
        candidates,
    )
}

/// [`suggest`] among every main-network node on a region already snapped (several kinds share
/// one [`Snapped`]).
pub fn suggest_with(
    snapped: &Snapped<'_>,
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    k: usize,
) -> Suggestion {
    let candidates = Candidates::MainNetworkNodes;
    suggest_among(snapped, region, options, (kind, k), &candidates)
}

/// [`suggest`] on a region already snapped.
fn suggest_among(
    snapped: &Snapped<'_>,
    region: &Region,
    options: &AnalysisOptions,
    (kind, k): (ServiceKind, usize),
    candidates: &Candidates,
) -> Suggestion {
    let prepared = prepare(snapped, region, options, kind, candidates, |_| true);
    let set = &prepared.set;
    prepared.suggestion(
        region,
        (kind, k),
        candidates,
        &prepared.coverage,
        |_| true,
        (set.count, set.dropped),
    )
}

/// [`suggest`] within each region polygon of `regions`, every main-network node a candidate:
/// one suggestion per region, in region order. In a region, the candidates are the nodes whose
/// location lies in it and the settlements that count are those whose own location lies in
/// it; the figures (gap, candidates, each pick's gap before and after) are the region's. Who
/// each candidate covers is searched once for all regions.
pub fn suggest_in_regions(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    k: usize,
    regions: &Regions,
) -> Vec<Suggestion> {
    let snapped = Snapped::new(region, options);
    suggest_in_regions_with(&snapped, region, options, (kind, k), regions)
}

/// [`suggest_in_regions`] on a region already snapped (several kinds share one [`Snapped`]).
pub fn suggest_in_regions_with(
    snapped: &Snapped<'_>,
    region: &Region,
    options: &AnalysisOptions,
    (kind, k): (ServiceKind, usize),
    regions: &Regions,
) -> Vec<Suggestion> {
    let candidates = Candidates::MainNetworkNodes;
    let located = locate_settlements(region, regions, None);
    let prepared = prepare(snapped, region, options, kind, &candidates, |_| true);
    prepared.in_regions(region, (kind, k), &candidates, (regions, &located), None)
}

/// The suggestion of [`suggest_in_regions`] for region `r` of `regions` alone, among
/// `candidates`: main-network nodes, or sites, located in the region by their own location
/// (`candidates_dropped` counts the region's sites too far from a road). Only the region's gap
/// settlements are searched from. `None` if `r` is no region of `regions`.
pub fn suggest_in_region(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    k: usize,
    candidates: &Candidates,
    (regions, r): (&Regions, usize),
) -> Option<Suggestion> {
    if r >= regions.len() {
        return None;
    }
    let located = locate_settlements(region, regions, Some(r));
    let snapped = Snapped::new(region, options);
    let prepared = prepare(&snapped, region, options, kind, candidates, |i| {
        located[i as usize] == Some(r)
    });
    let list = prepared.in_regions(region, (kind, k), candidates, (regions, &located), Some(r));
    list.into_iter().next()
}

/// The region of each settlement of `region`, by its own location; with `only`, that region
/// or none.
fn locate_settlements(
    region: &Region,
    regions: &Regions,
    only: Option<usize>,
) -> Vec<Option<usize>> {
    let at: Vec<(f64, f64)> = region
        .settlements
        .iter()
        .map(|s| (s.coord.lon(), s.coord.lat()))
        .collect();
    locate(regions, &at, only)
}

/// The region of each (lon, lat) point; with `only`, that region or none, the points outside
/// its bounding box left out without a lookup (a whole country's nodes for one kommun).
fn locate(regions: &Regions, points: &[(f64, f64)], only: Option<usize>) -> Vec<Option<usize>> {
    use geo::BoundingRect;
    let Some(r) = only else {
        return regions.locate_all(points);
    };
    let Some(rect) = regions.polygon(r).bounding_rect() else {
        return vec![None; points.len()];
    };
    let (lo, hi) = (rect.min(), rect.max());
    points
        .par_iter()
        .map(|&(lon, lat)| {
            let inside = (lo.x..=hi.x).contains(&lon) && (lo.y..=hi.y).contains(&lat);
            inside
                .then(|| regions.locate(lon, lat))
                .flatten()
                .filter(|&found| found == r)
        })
        .collect()
}

impl Suggestion {
    /// The id and name of the `rank`-th pick (0-based): a node pick's id is its OSM node
    /// (`node/123`), without a name; a site's id and name come from the candidates file.
    pub fn id_and_name<'a>(
        &self,
        region: &Region,
        rank: usize,
        candidates: &'a Candidates,
    ) -> (std::borrow::Cow<'a, str>, Option<&'a str>) {
        let p = &self.picks[rank];
        match (candidates, p.node, p.site) {
            (Candidates::Sites(sites), _, Some(s)) => {
                (sites[s].id.as_str().into(), sites[s].name.as_deref())
            }
            (_, Some(v), _) => (format!("node/{}", region.graph.osm_id(v)).into(), None),
            _ => ("".into(), None),
        }
    }
}

/// Reads candidate sites: a CSV with `lon`/`lat` (or `x`/`y` in `crs`) and optional `id`,
/// `name`; or GeoJSON Point features with optional `id`, `name` properties. A missing id
/// becomes `FILE:LINE` (or `FILE:FEATURE`).
///
/// # Errors
/// [`crate::Error::Input`] naming the file and line of the first bad record, or a file without
/// any site.
pub fn read_sites(
    path: &std::path::Path,
    crs: Option<&crate::input::crs::Crs>,
) -> crate::Result<Vec<Site>> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let sites = if name.ends_with(".geojson") || name.ends_with(".json") {
        crate::input::points::read_point_features(path)?
            .into_iter()
            .map(|f| Site {
                id: f
                    .text("id")
                    .unwrap_or_else(|| format!("{}:{}", path.display(), f.record)),
                name: f.text("name"),
                coord: f.coord,
            })
            .collect()
    } else {
        let table = crate::input::table::read_csv(path)?;
        let at = table.point_columns(path, crs)?;
        let id = table.column(&["id"]);
        let label = table.column(&["name", "namn"]);
        let cell = |row: &[String], c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .filter(|t| !t.is_empty())
                .cloned()
        };
        table
            .rows
            .iter()
            .map(|(line, row)| {
                Ok(Site {
                    id: cell(row, id).unwrap_or_else(|| format!("{}:{line}", path.display())),
                    name: cell(row, label),
                    coord: at.coord(path, *line, row)?,
                })
            })
            .collect::<crate::Result<Vec<_>>>()?
    };
    if sites.is_empty() {
        return Err(crate::Error::input(
            path,
            None,
            "no candidate sites in the file",
        ));
    }
    Ok(sites)
}
