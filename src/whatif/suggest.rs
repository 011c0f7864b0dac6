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
//! parallel, one workspace per thread; the result does not depend on the thread count.

use crate::analysis::fields::{
    anchor, beside_core, same_edge, settlement_fields, Anchor, Anchors, Field, Points,
};
use crate::analysis::{AnalysisOptions, Threshold};
use crate::base::coord::Coord;
use crate::base::feature::ServiceKind;
use crate::network::graph::{counting_offsets, counting_place, Graph, NodeIdx};
use crate::network::region::Region;
use crate::network::snap::SnapIndex;
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

/// Which candidates cover which open settlements: `members[offsets[c]..offsets[c + 1]]` are
/// the positions in `open` of the settlements candidate `c` covers, in order.
struct Coverage {
    offsets: Vec<usize>,
    members: Vec<u32>,
}

impl Coverage {
    /// Inverts the per-settlement lists of covering candidates.
    fn new(total_candidates: usize, covering: &[Vec<u32>]) -> Coverage {
        let pairs = || {
            covering
                .iter()
                .enumerate()
                .flat_map(|(o, list)| list.iter().map(move |&c| (c as usize, o as u32)))
        };
        let offsets: Vec<usize> = counting_offsets(total_candidates, pairs().map(|p| p.0));
        let mut members = vec![0u32; offsets[total_candidates]];
        counting_place(&offsets, pairs(), |k, o| members[k] = o);
        Coverage { offsets, members }
    }

    fn of(&self, c: usize) -> &[u32] {
        &self.members[self.offsets[c]..self.offsets[c + 1]]
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
    let mut values = settlement_fields(core, points, settlements, &[field]);
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
    let gain = |c: usize, covered: &[bool]| {
        coverage
            .of(c)
            .iter()
            .filter(|&&o| !covered[o as usize])
            .fold((0u64, 0usize), |(p, s), &o| {
                (p.saturating_add(population(open[o as usize])), s + 1)
            })
    };
    let mut queue: BinaryHeap<(u64, usize, Reverse<u32>)> = (0..set.total)
        .filter(|&c| !coverage.of(c).is_empty())
        .map(|c| {
            let (p, s) = gain(c, &covered);
            (p, s, Reverse(c as u32))
        })
        .collect();
    let mut picks = Vec::new();
    let (mut gap_s, mut gap_p) = gap;
    while picks.len() < k {
        let Some((p, s, Reverse(c))) = queue.pop() else {
            break;
        };
        let now = gain(c as usize, &covered);
        if now != (p, s) {
            if now.1 > 0 {
                queue.push((now.0, now.1, Reverse(c)));
            }
            continue;
        }
        let mut settlements = Vec::with_capacity(s);
        for &o in coverage.of(c as usize) {
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
            covered_population: p,
            gap_settlements: (gap_s, gap_s - s),
            gap_population: (gap_p, gap_p.saturating_sub(p)),
            settlements,
        });
        gap_s -= s;
        gap_p = gap_p.saturating_sub(p);
    }
    picks
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
    let graph = &region.graph;
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let ((anchors, site_anchors), core, _) = beside_core(graph, || {
        let index = SnapIndex::new(graph, options.snap);
        let anchors = Anchors::new(region, options, &index);
        let site_anchors: Vec<Option<Anchor>> = match candidates {
            Candidates::MainNetworkNodes => Vec::new(),
            Candidates::Sites(sites) => sites
                .par_iter()
                .map(|s| {
                    index
                        .snap(s.coord, options.max_service_snap_m)
                        .map(|sn| anchor(graph, &sn, options.access_kmh))
                })
                .collect(),
        };
        (anchors, site_anchors)
    });
    timings.push(("snap", clock.elapsed()));
    clock = Instant::now();

    // Today's gaps, by the threshold's metric.
    let threshold = options.thresholds[kind as usize];
    let metric = metric_of(threshold.unit);
    let field = Field { kind, metric };
    let points = anchors.points(region);
    let mut in_gap = gaps(&core, points, &anchors.settlements, field, threshold);
    // A settlement outside the extract is not analysed: no gap to close.
    for (g, &outside) in in_gap.iter_mut().zip(&anchors.settlement_outside) {
        *g &= !outside;
    }
    drop(core);
    let population = |i: u32| region.settlements[i as usize].population.unwrap_or(0);
    let gap_settlements = in_gap.iter().filter(|g| **g).count();
    let gap_population = (0..in_gap.len() as u32)
        .filter(|&i| in_gap[i as usize])
        .map(population)
        .fold(0u64, u64::saturating_add);
    // The settlements a new point could cover.
    let open: Vec<u32> = (0..in_gap.len() as u32)
        .filter(|&i| in_gap[i as usize] && anchors.settlements[i as usize].is_some())
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
    let covering: Vec<Vec<u32>> = open
        .par_iter()
        .map_init(Search::default, |search, &i| {
            let Some(a) = anchors.settlements[i as usize] else {
                return Vec::new();
            };
            let Some(budget) = budget_all.checked_sub(a.leg[metric.index()]) else {
                return Vec::new();
            };
            search.covering(graph, metric, &a, budget, &targets)
        })
        .collect();
    timings.push(("coverage", clock.elapsed()));
    clock = Instant::now();

    let coverage = Coverage::new(set.total, &covering);
    drop(covering);
    let gap = (gap_settlements, gap_population);
    let picks = greedy(
        graph,
        candidates,
        &set,
        &coverage,
        &open,
        population,
        (k, gap),
    );
    timings.push(("greedy", clock.elapsed()));
    Suggestion {
        kind,
        threshold,
        candidates: set.count,
        candidates_dropped: set.dropped,
        gap_settlements,
        gap_population,
        gap_on_road: open.len(),
        picks,
        timings,
    }
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

    /// The picks as a short table for the terminal.
    pub fn table(&self, region: &Region, candidates: &Candidates) -> String {
        use std::fmt::Write as _;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "{} (threshold {}): {} settlements, population {} in gap ({} on a road); \
             {} candidates{}",
            self.kind,
            self.threshold,
            self.gap_settlements,
            self.gap_population,
            self.gap_on_road,
            self.candidates,
            if self.candidates_dropped > 0 {
                format!(
                    " ({} dropped, too far from a road)",
                    self.candidates_dropped
                )
            } else {
                String::new()
            },
        );
        if self.picks.is_empty() {
            let _ = writeln!(t, "no candidate brings anyone new within the threshold");
            return t;
        }
        let _ = writeln!(
            t,
            "{:>4}  {:<24} {:>11} {:>11} {:>12} {:>12} {:>14}",
            "pick", "id", "lon", "lat", "new settl.", "new pop", "gap pop after"
        );
        for (rank, p) in self.picks.iter().enumerate() {
            let id: String = self
                .id_and_name(region, rank, candidates)
                .0
                .chars()
                .take(24)
                .collect();
            let _ = writeln!(
                t,
                "{:>4}  {:<24} {:>11.6} {:>11.6} {:>12} {:>12} {:>14}",
                rank + 1,
                id,
                p.coord.lon(),
                p.coord.lat(),
                p.settlements.len(),
                p.covered_population,
                p.gap_population.1,
            );
        }
        t
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
