//! The main job: for every settlement, the road distance and the car time to the nearest
//! service point of each kind, gaps against thresholds, and a summary.
//!
//! # Semantics
//! - **Snapping** (see [`crate::network::snap`]): settlements and service points snap to the nearest
//!   point on a road of a component with at least `min_component_nodes` nodes. A settlement
//!   farther than `max_snap_m` from such a road has status `no_road`; a service point farther
//!   than `max_service_snap_m` is dropped and counted.
//! - **Distance** from a settlement to a service point = the settlement's snap leg + the
//!   shortest directed path from its projection to the service's projection (using the partial
//!   lengths of both snapped edges, also when both lie on the same edge) + the service's snap
//!   leg. A projection that falls on a junction starts from (or is reached at) the junction by
//!   any of its roads, not only along the edge that won the snap. Snap legs are timed at [`AnalysisOptions::access_kmh`]. `km` minimises length and
//!   `min` minimises car time: two separate exact problems, each with its own nearest point.
//! - **Algorithm**: one multi-source search per (kind, metric) over the reverse graph, seeded
//!   with every service point of the kind at its partial-edge costs ([`crate::route`]); the ten
//!   fields run in parallel. Each keeps the `k` best labels with distinct sources per node
//!   ([`knearest`]), so the one search gives the nearest point (the best label, exactly the
//!   label of a plain multi-source Dijkstra), the points beyond it and the next point from
//!   every point ([`next`]). Ties go to the service listed first.
//! - **Gaps**: a settlement is in gap for a kind when its value is above the kind's threshold,
//!   when no service of the kind can be reached (`unreachable`: an island without a link), or
//!   when it has no road (`no_road`); the last two have no value.
//! - **Outside the extract** ([`Coverage`]): a settlement or service point farther than
//!   `max_snap_m` from the area the extract covers ([`crate::network::region::Extent`]: the
//!   file header's box, else the hull of the roads) lies where the extract has no data. Such
//!   a settlement has status `outside`: it is not snapped, has no values and no straight
//!   line, and is left out of every figure (settlements, population, gaps, shares,
//!   quantiles), only counted; such a service point is dropped and counted. Both are said
//!   in [`Analysis::warnings`].
//!
//! - **Mobile points** ([`ServicePoint::mobile`]: a shop van's or library bus's stop) count
//!   like any other. For each kind that has a mobile point, the fields are computed a second
//!   time without mobile points ([`SettlementResult::without_mobile`],
//!   [`KindSummary::without_mobile`]), so planners see what the gaps are on the days the van
//!   does not come.
//! - **Seasonal points** ([`ServicePoint::seasonal`]: open in summer only, see
//!   [`crate::read::seasonal`]) likewise: for each kind that has one, the fields without
//!   seasonal points ([`SettlementResult::without_seasonal`],
//!   [`KindSummary::without_seasonal`]) are the gaps of the winter. Each such set of fields
//!   ([`Without`]) leaves out only its own points: the fields without seasonal points keep the
//!   mobile ones.
//! - **Straight line** ([`SettlementResult::line`]): the ellipsoidal distance to the nearest
//!   point of each kind as the crow flies ([`crate::network::straight_line`]), over the same points as
//!   the road fields (those that snapped); computed for every settlement, also those without a
//!   road.
//! - **Capacity-aware access** ([`SettlementResult::e2sfca`]): the enhanced two-step floating
//!   catchment area of Luo and Qi (2009) per kind, by car time over the points' capacities
//!   ([`e2sfca`]), with the steps of [`AnalysisOptions::e2sfca`]; computed only when those
//!   are given (it costs one bounded search per point).
//!
//! Partial edges are integers like whole ones: the part of an edge before a projection is its
//! length (and time) times the fraction of the way along, rounded; the part after is the rest,
//! so the two always add up to the edge exactly.

pub mod e2sfca;
pub mod fields;
pub mod knearest;
pub mod next;
mod summary;

pub use fields::Field;
pub use knearest::{KNearest, KNearestResult, KNearestSummary};
pub use summary::{
    catchments, round2, summarize_group, Catchment, E2sfcaSummary, GapFigures, GroupFigures,
    KindSummary, Quantiles,
};
pub(crate) use summary::{quantiles, summarize_kinds};

use crate::base::coord::Coord;
use crate::base::feature::{Kinds, ServiceKind, ServiceKinds, ServicePoint, Settlement};
use crate::base::progress::{self, Phase};
use crate::base::warning::Warning;
use crate::network::graph::Graph;
use crate::network::region::{Extent, Region};
use crate::network::snap::{Snap, SnapOptions};
use crate::network::straight_line::StraightLineIndex;
use crate::route::Core;
use fields::{anchors, beside_core, settlement_fields, snap_index, snap_region, Anchor, Points};
use next::NextPoints;
use rayon::prelude::*;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// Unit of a threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Road kilometres.
    Km,
    /// Car minutes.
    Min,
}

impl Unit {
    /// `"km"` or `"min"`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Km => "km",
            Unit::Min => "min",
        }
    }
}

/// A gap threshold: a settlement farther than this from the nearest point of a kind is in gap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    /// The limit.
    pub value: f64,
    /// Kilometres or minutes.
    pub unit: Unit,
}

impl Threshold {
    /// The default threshold of a built-in kind (`None` for a project's own). Grocery 10 km: Swedish rural store aid requires more
    /// than 10 km by car to the next store. Payment 25 km: Swedish law allows at most 0.30 % of
    /// the population more than 25 km by road from cash withdrawal. Fuel 20 km, post 10 km and
    /// pharmacy 20 km are editorial defaults.
    pub fn default_for(kind: ServiceKind) -> Option<Self> {
        let km = match kind {
            ServiceKind::GROCERY => 10.0,
            ServiceKind::FUEL => 20.0,
            ServiceKind::POST => 10.0,
            ServiceKind::PHARMACY => 20.0,
            ServiceKind::PAYMENT => 25.0,
            // A project's own kind has the threshold its settings give it.
            _ => return None,
        };
        Some(Threshold {
            value: km,
            unit: Unit::Km,
        })
    }
}

impl Threshold {
    /// The support screening's default limit of `kind` (see [`crate::whatif::screening`]):
    /// 10 km for grocery (särskilt driftstöd), 15 km for fuel (the fuel-station aid), none for
    /// the other kinds.
    pub fn default_support(kind: ServiceKind) -> Option<Self> {
        let km = match kind {
            ServiceKind::GROCERY => 10.0,
            ServiceKind::FUEL => 15.0,
            _ => return None,
        };
        Some(Threshold {
            value: km,
            unit: Unit::Km,
        })
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.unit.name())
    }
}

/// A `KIND=VALUE{km|min}` assignment such as `grocery=10min`, from the command line or the
/// settings file's `[thresholds]`. The kind is a name until the run's kinds are known
/// ([`ThresholdSetting::kind_in`]): a project's own kinds come from its settings file.
#[derive(Clone, Debug, PartialEq)]
pub struct ThresholdSetting {
    /// The kind's name as given, lower-cased and trimmed.
    pub kind: String,
    /// The threshold.
    pub threshold: Threshold,
    /// The setting as given, for messages.
    pub text: String,
}

impl ThresholdSetting {
    /// The kind of `kinds` it applies to.
    ///
    /// # Errors
    /// [`crate::base::error::ThresholdError::UnknownKind`] naming the closest kind or listing
    /// them.
    pub fn kind_in(
        &self,
        kinds: &Kinds,
    ) -> Result<ServiceKind, crate::base::error::ThresholdError> {
        kinds
            .resolve(&self.kind)
            .map_err(|error| crate::base::error::ThresholdError::UnknownKind {
                text: self.text.clone(),
                error,
            })
    }
}

pub use crate::base::name::closest_name;

impl FromStr for ThresholdSetting {
    type Err = crate::base::error::ThresholdError;
    /// `KIND=VALUE{km|min}`; kind and unit in any case, a space before the unit allowed
    /// (`grocery=10 KM`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use crate::base::error::ThresholdError;
        let text = || s.to_owned();
        let (kind, value) = s
            .split_once('=')
            .ok_or_else(|| ThresholdError::NotKindValue { text: text() })?;
        let kind = kind.trim().to_lowercase();
        let value = value.trim();
        let lower = value.to_lowercase();
        let (number, unit) = if let Some(n) = lower.strip_suffix("km") {
            (n, Unit::Km)
        } else if let Some(n) = lower.strip_suffix("min") {
            (n, Unit::Min)
        } else {
            // The unit is the letters the value ends in.
            let number = lower.trim_end_matches(char::is_alphabetic);
            let unit = &lower[number.len()..];
            return Err(match unit {
                // No number before letters: a word, not a value with a wrong unit.
                _ if unit.is_empty() || number.trim().is_empty() => {
                    ThresholdError::NoUnit { text: text() }
                }
                "m" | "metre" | "metres" | "meter" | "meters" => {
                    ThresholdError::Metres { text: text() }
                }
                _ => ThresholdError::UnknownUnit {
                    text: text(),
                    unit: value.get(number.len()..).unwrap_or(unit).to_owned(),
                    closest: closest_name(unit, ["km", "min"]),
                },
            });
        };
        let value: f64 = number
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| ThresholdError::NotNonNegative {
                text: text(),
                number: number.to_owned(),
            })?;
        Ok(ThresholdSetting {
            kind,
            threshold: Threshold { value, unit },
            text: text(),
        })
    }
}

/// Settings of an analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisOptions {
    /// Settlements farther than this from an eligible road have status `no_road` (metres).
    pub max_snap_m: f64,
    /// Service points farther than this from an eligible road are dropped (metres).
    pub max_service_snap_m: f64,
    /// Speed on the straight snap legs, km/h: slow, as on a private drive or a yard.
    pub access_kmh: f64,
    /// Which components take snaps.
    pub snap: SnapOptions,
    /// Threshold per kind, by [`ServiceKind::index`]: one for each kind of the region.
    pub thresholds: Vec<Threshold>,
    /// The support screening's limit per kind, by [`ServiceKind::index`] (`None`: the
    /// kind is not screened): a point farther than this from the next point of its kind is
    /// listed ([`crate::whatif::screening`]).
    pub support: Vec<Option<Threshold>>,
    /// The road distance (km) at or beyond which a population group's people count as far
    /// from a kind ([`GroupFigures::far_population`]): Pipos' 5 km for people aged 70+.
    pub group_far_km: f64,
    /// The `N` of the mean car time to the `N` nearest points ([`knearest`]), from 1 to
    /// [`knearest::MAX_K_NEAREST`].
    pub k_nearest: usize,
    /// The step weights of capacity-aware access (E2SFCA); `None` (the default): not
    /// computed, and no output carries it.
    pub e2sfca: Option<e2sfca::Steps>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            max_snap_m: 5000.0,
            max_service_snap_m: 1000.0,
            access_kmh: 20.0,
            snap: SnapOptions::default(),
            thresholds: ServiceKind::BUILT_IN
                .into_iter()
                .filter_map(Threshold::default_for)
                .collect(),
            support: ServiceKind::BUILT_IN
                .map(Threshold::default_support)
                .to_vec(),
            group_far_km: 5.0,
            k_nearest: knearest::DEFAULT_K_NEAREST,
            e2sfca: None,
        }
    }
}

impl AnalysisOptions {
    /// Applies threshold settings (later ones win), their kinds named in `kinds`.
    ///
    /// # Errors
    /// [`crate::base::error::ThresholdError::UnknownKind`] for the first setting whose kind is
    /// none of `kinds`; no threshold is changed then.
    pub fn set_thresholds(
        &mut self,
        kinds: &Kinds,
        settings: &[ThresholdSetting],
    ) -> std::result::Result<(), crate::base::error::ThresholdError> {
        let resolved = settings
            .iter()
            .map(|s| Ok((s.kind_in(kinds)?, s.threshold)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for (kind, threshold) in resolved {
            self.set_threshold(kind, threshold);
        }
        Ok(())
    }

    /// Sets the threshold of `kind` (a project's own kind too: the lists grow to hold it).
    pub fn set_threshold(&mut self, kind: ServiceKind, threshold: Threshold) {
        self.grow_to(kind);
        self.thresholds[kind.index()] = threshold;
    }

    /// Sets the support screening's limit of `kind` (`None`: not screened).
    pub fn set_support(&mut self, kind: ServiceKind, limit: Option<Threshold>) {
        self.grow_to(kind);
        self.support[kind.index()] = limit;
    }

    /// Makes the per-kind lists long enough to hold `kind`; a new kind's threshold is 0 km
    /// until it is set.
    fn grow_to(&mut self, kind: ServiceKind) {
        let n = (kind.index() + 1).max(self.thresholds.len());
        let zero = Threshold {
            value: 0.0,
            unit: Unit::Km,
        };
        self.thresholds.resize(n, zero);
        self.support.resize(n, None);
    }

    /// Checks that the options give a threshold for each of `kinds`.
    ///
    /// # Errors
    /// [`crate::Error::Options`] naming the first kind without one.
    pub fn check_kinds(&self, kinds: &Kinds) -> crate::Result<()> {
        match kinds.iter().find(|k| k.index() >= self.thresholds.len()) {
            Some(kind) => Err(crate::Error::Options(format!(
                "no threshold for kind `{kind}`: give it one in the settings file's [kinds.{kind}]"
            ))),
            None => Ok(()),
        }
    }
}

/// Whether a settlement reached the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Snapped to a road.
    Ok,
    /// No eligible road within `max_snap_m`.
    NoRoad,
    /// Farther than `max_snap_m` from the area the extract covers: not analysed.
    Outside,
}

impl Status {
    /// `"ok"`, `"no_road"` or `"outside"`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NoRoad => "no_road",
            Status::Outside => "outside",
        }
    }
}

/// Which settlements and service points of a region lie outside the area its extract covers,
/// with a margin of `max_snap_m` (a point just beyond the area may still snap onto a road
/// inside it). A region without a known [`Extent`] has nothing outside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Per settlement of the region, whether it lies outside.
    pub settlements_outside: Vec<bool>,
    /// Per service point of the region, whether it lies outside.
    pub services_outside: Vec<bool>,
}

impl Coverage {
    /// The coverage of the points of `region` with the margin of `options`.
    pub fn new(region: &Region, options: &AnalysisOptions) -> Coverage {
        let extent = region.extent.as_ref();
        let margin = options.max_snap_m;
        Coverage {
            settlements_outside: outside_flags(extent, margin, &region.settlements, |s| s.coord),
            services_outside: outside_flags(extent, margin, &region.services, |s| s.coord),
        }
    }

    /// Settlements outside.
    pub fn settlements_outside_count(&self) -> usize {
        self.settlements_outside.iter().filter(|&&o| o).count()
    }

    /// Service points outside.
    pub fn services_outside_count(&self) -> usize {
        self.services_outside.iter().filter(|&&o| o).count()
    }
}

/// Per item, whether its point lies farther than `margin_m` from `extent` (never without one).
pub(crate) fn outside_flags<T: Sync>(
    extent: Option<&Extent>,
    margin_m: f64,
    items: &[T],
    coord: impl Fn(&T) -> Coord + Sync,
) -> Vec<bool> {
    match extent {
        None => vec![false; items.len()],
        Some(e) => items
            .par_iter()
            .map(|t| !e.covers(coord(t), margin_m))
            .collect(),
    }
}

/// A road network whose largest strongly connected component is smaller than
/// `min_component_nodes`, so that no point can snap to it (every settlement would be
/// `no_road`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SmallNetwork {
    /// The `min_component_nodes` setting.
    pub needed: u32,
    /// Nodes of the largest component (0 without roads).
    pub largest: u32,
}

impl SmallNetwork {
    /// The network of `graph` when it is too small for `options`.
    pub fn of(graph: &Graph, options: &AnalysisOptions) -> Option<SmallNetwork> {
        let needed = options.snap.min_component_nodes;
        let largest = graph.component_sizes().iter().copied().max().unwrap_or(0);
        (largest < needed).then_some(SmallNetwork { needed, largest })
    }
}

impl fmt::Display for SmallNetwork {
    /// What is wrong, without the fix (which names a setting or a flag).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.largest == 0 {
            return f.write_str(
                "the extract has no car roads: no settlement or service point can snap to a road",
            );
        }
        write!(
            f,
            "no road component has the {} nodes that min_component_nodes asks for (the largest \
             has {}): no settlement or service point can snap to a road",
            self.needed, self.largest
        )
    }
}

/// What the planner must hear before the figures of an analysis: settlements and service
/// points outside the extract (see [`Coverage`]), in that order.
pub fn extent_warnings(coverage: &Coverage) -> Vec<Warning> {
    let outside = |flags: &[bool], what: &str, kept: &str| {
        let (count, total) = (flags.iter().filter(|&&o| o).count(), flags.len());
        (count > 0).then(|| {
            Warning::general(format!(
                "{count} of {total} {what} lie outside the extract: {kept} {}",
                total - count
            ))
        })
    };
    [
        outside(&coverage.settlements_outside, "settlements", "analysed"),
        outside(
            &coverage.services_outside,
            "service points",
            "left out, used",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Every warning of an analysis of `region`: a [`SmallNetwork`] first, then
/// [`extent_warnings`].
pub fn warnings(region: &Region, options: &AnalysisOptions, coverage: &Coverage) -> Vec<Warning> {
    let small = SmallNetwork::of(&region.graph, options).map(|s| {
        let fix = if s.largest > 0 {
            format!("; lower min_component_nodes to {} or less", s.largest)
        } else {
            String::new()
        };
        Warning::general(format!("{s}{fix}"))
    });
    small.into_iter().chain(extent_warnings(coverage)).collect()
}

/// A settlement's result for one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KindResult {
    /// Road distance to the nearest point by length, in decimetres.
    pub length_dm: Option<u32>,
    /// Index (into the region's services) of the nearest point by length.
    pub nearest_by_length: Option<u32>,
    /// Car time to the nearest point by time, in deciseconds.
    pub time_ds: Option<u32>,
    /// Index of the nearest point by time.
    pub nearest_by_time: Option<u32>,
    /// Beyond the threshold, unreachable, or no road.
    pub gap: bool,
}

/// The nearest point of a kind as the crow flies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StraightLine {
    /// Ellipsoidal distance in decimetres.
    pub length_dm: u32,
    /// Index (into the region's services) of the nearest point.
    pub nearest: u32,
}

/// Points left out to show the gaps without them: for each kind that has such a point, the
/// analysis computes its fields a second time without them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Without {
    /// Without mobile points ([`ServicePoint::mobile`]): the days the van does not come.
    Mobile,
    /// Without seasonal points ([`ServicePoint::seasonal`]): the winter.
    Seasonal,
}

impl Without {
    /// Both, in output order.
    pub const ALL: [Without; 2] = [Without::Mobile, Without::Seasonal];

    /// Whether `point` is left out.
    pub fn leaves_out(self, point: &ServicePoint) -> bool {
        match self {
            Without::Mobile => point.mobile,
            Without::Seasonal => point.seasonal,
        }
    }

    /// The kinds offered by at least one point left out.
    pub fn kinds_in(self, services: &[ServicePoint]) -> ServiceKinds {
        services
            .iter()
            .filter(|s| self.leaves_out(s))
            .fold(ServiceKinds::EMPTY, |acc, s| acc | s.kinds)
    }

    /// The summary key: `without_mobile`, `without_seasonal`.
    pub fn key(self) -> &'static str {
        match self {
            Without::Mobile => "without_mobile",
            Without::Seasonal => "without_seasonal",
        }
    }

    /// The suffix of the settlements' columns: `fixed` (`K_km_fixed`), `yearround`
    /// (`K_km_yearround`).
    pub fn suffix(self) -> &'static str {
        match self {
            Without::Mobile => "fixed",
            Without::Seasonal => "yearround",
        }
    }
}

/// The result for one settlement.
#[derive(Clone, Debug, PartialEq)]
pub struct SettlementResult {
    /// Whether it reached the network.
    pub status: Status,
    /// Its snap: `None` when `no_road`.
    pub snap: Option<Snap>,
    /// Whether it snapped to a road off the main network.
    pub island: bool,
    /// Per kind, by [`ServiceKind::index`].
    pub kinds: Vec<KindResult>,
    /// Per kind, the result without mobile points: `Some` exactly for the kinds in
    /// [`Analysis::mobile_kinds`].
    pub without_mobile: Vec<Option<KindResult>>,
    /// Per kind, the result without seasonal points: `Some` exactly for the kinds in
    /// [`Analysis::seasonal_kinds`].
    pub without_seasonal: Vec<Option<KindResult>>,
    /// Per kind, the nearest snapped point in a straight line (`None` when the kind has no
    /// snapped point).
    pub line: Vec<Option<StraightLine>>,
    /// Per kind, by [`ServiceKind::index`]: capacity-aware access (E2SFCA, see
    /// [`e2sfca`]) in capacity per person, unrounded; `None` without a road or outside the
    /// extract, 0 when no point of the kind lies within the catchment. Empty when
    /// [`AnalysisOptions::e2sfca`] is `None`.
    pub e2sfca: Vec<Option<f64>>,
}

impl SettlementResult {
    /// Per kind, the result without the points `without` leaves out.
    pub fn without(&self, without: Without) -> &[Option<KindResult>] {
        match without {
            Without::Mobile => &self.without_mobile,
            Without::Seasonal => &self.without_seasonal,
        }
    }

    /// Road distance over straight-line distance to the nearest point of kind index `k`
    /// (each to its own nearest point), unrounded; `None` without a road value or when the
    /// straight line is 0.
    pub fn detour(&self, k: usize) -> Option<f64> {
        let road = self.kinds[k].length_dm?;
        let line = self.line[k]?.length_dm;
        (line > 0).then(|| f64::from(road) / f64::from(line))
    }
}

/// Everything an analysis produced.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// One result per settlement of the region, in the region's order.
    pub settlements: Vec<SettlementResult>,
    /// The snap of each service point of the region, `None` if it was dropped.
    pub service_snaps: Vec<Option<Snap>>,
    /// Per kind, by [`ServiceKind::index`].
    pub kinds: Vec<KindSummary>,
    /// Settlements snapped off the main network.
    pub island_settlements: usize,
    /// Service points dropped for lying too far from an eligible road (those outside the
    /// extract not among them).
    pub services_dropped: usize,
    /// Settlements outside the extract (status `outside`).
    pub settlements_outside: usize,
    /// Service points outside the extract, dropped.
    pub services_outside: usize,
    /// Per service point of the region, whether it lies outside the extract.
    pub service_outside: Vec<bool>,
    /// What the planner must hear about the inputs (see [`warnings`]), in order.
    pub warnings: Vec<Warning>,
    /// Kinds offered by at least one mobile service point (snapped or not): the kinds with
    /// results without mobile points.
    pub mobile_kinds: ServiceKinds,
    /// The next point of the same kind from every snapped service point, per field (a kind
    /// and a metric) in [`Field::all`] order ([`next`]); empty for the analyses a scenario
    /// assembles, which do not search them.
    pub next: Vec<NextPoints>,
    /// Kinds offered by at least one seasonal service point (snapped or not): the kinds with
    /// results without seasonal points.
    pub seasonal_kinds: ServiceKinds,
    /// The second-nearest points and the mean time to the `N` nearest, per kind and
    /// settlement: `Some` from [`analyze`], `None` from a scenario's incremental analysis.
    pub k_nearest: Option<KNearest>,
    /// Time per phase.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Analysis {
    /// The kinds with results without the points `without` leaves out.
    pub fn kinds_without(&self, without: Without) -> ServiceKinds {
        match without {
            Without::Mobile => self.mobile_kinds,
            Without::Seasonal => self.seasonal_kinds,
        }
    }

    /// The kinds analysed (those of the region), in output order.
    pub fn kind_list(&self) -> impl ExactSizeIterator<Item = ServiceKind> + '_ {
        self.kinds.iter().map(|s| s.kind)
    }

    /// The kinds of `set` among those analysed, in output order.
    pub fn kinds_of(&self, set: ServiceKinds) -> impl Iterator<Item = ServiceKind> + '_ {
        self.kind_list().filter(move |k| set.contains(*k))
    }

    /// The next points of `kind` by `metric`, when the analysis searched them.
    pub fn next_of(&self, kind: ServiceKind, metric: crate::route::Metric) -> Option<&NextPoints> {
        self.next.get(Field { kind, metric }.index())
    }

    /// Whether capacity-aware access (E2SFCA) was computed ([`AnalysisOptions::e2sfca`]
    /// given): the outputs carry its figures only then.
    pub fn has_e2sfca(&self) -> bool {
        self.kinds.iter().any(|k| k.e2sfca.is_some())
    }
}

/// Runs the analysis on a region.
///
/// # Panics
/// When `options` give no threshold for one of the region's kinds ([`AnalysisOptions::check_kinds`]):
/// settings resolved with the region's profile always do.
pub fn analyze(region: &Region, options: &AnalysisOptions) -> Analysis {
    if let Err(e) = options.check_kinds(&region.kinds) {
        panic!("{e}");
    }
    let graph = &region.graph;
    let mut timings = Vec::new();
    let coverage = Coverage::new(region, options);
    let snapping = progress::phase("snapping", None, progress::Unit::Items);
    let ((service_snaps, settlement_snaps), core, core_time) = beside_core(region, || {
        let clock = Instant::now();
        let index = snap_index(region, options.snap);
        timings.push(("snap_index", clock.elapsed()));
        let clock = Instant::now();
        let snaps = snap_region(region, options, &index, &coverage);
        timings.push(("snap", clock.elapsed()));
        snaps
    });
    timings.push(("core (beside snapping)", core_time));
    snapping.finish();
    let clock = Instant::now();

    let access = options.access_kmh;
    let service_anchors = anchors(graph, &service_snaps, access);
    let settlement_anchors = anchors(graph, &settlement_snaps, access);
    let points = Points {
        kinds: &region.kinds,
        services: &region.services,
        anchors: &service_anchors,
    };
    // One k-label search per field (two per kind) gives the nearest point, the points beyond
    // it (`knearest`) and the next point from every point (`next`).
    let fields = Field::all(&region.kinds);
    let searches = Some(fields.len() as u64);
    let routing = progress::phase("routing", searches, progress::Unit::Items);
    let status: Vec<Status> = settlement_snaps
        .iter()
        .zip(&coverage.settlements_outside)
        .map(|(snap, &outside)| status_of(snap.is_some(), outside))
        .collect();
    let searched = knearest::k_nearest(
        &core,
        points,
        &settlement_anchors,
        &status,
        options.k_nearest,
        &routing,
    );
    timings.push(("route", clock.elapsed()));
    let inputs = Inputs {
        kinds: &region.kinds,
        core: &core,
        services: &region.services,
        settlements: &region.settlements,
        options,
        settlement_snaps: &settlement_snaps,
        settlement_anchors: &settlement_anchors,
        settlement_outside: &coverage.settlements_outside,
        service_snaps,
        service_anchors: &service_anchors,
        service_outside: coverage.services_outside.clone(),
    };
    let mut analysis = assemble(inputs, &searched.nearest);
    routing.finish();
    timings.append(&mut analysis.timings);
    analysis.k_nearest = Some(searched.beyond);
    // The next point of each kind from every point, read off the same searches.
    let outside = &coverage.services_outside;
    analysis.next = fields
        .iter()
        .zip(searched.next)
        .map(|(&field, found)| next::of_field(points, outside, field, found))
        .collect();
    analysis.timings = timings;
    analysis.warnings = warnings(region, options, &coverage);
    analysis
}

/// What the results of an analysis are assembled from, besides the field values: the points,
/// their snaps and anchors, and the core graph for the fields without mobile points.
pub(crate) struct Inputs<'a> {
    pub(crate) kinds: &'a Kinds,
    pub(crate) core: &'a Core<'a>,
    pub(crate) services: &'a [ServicePoint],
    pub(crate) settlements: &'a [Settlement],
    pub(crate) options: &'a AnalysisOptions,
    pub(crate) settlement_snaps: &'a [Option<Snap>],
    pub(crate) settlement_anchors: &'a [Option<Anchor>],
    /// Per settlement, whether it lies outside the extract (its snap is then `None`).
    pub(crate) settlement_outside: &'a [bool],
    /// Moved into the [`Analysis`].
    pub(crate) service_snaps: Vec<Option<Snap>>,
    pub(crate) service_anchors: &'a [Option<Anchor>],
    /// Per service point, whether it lies outside the extract (its snap is then `None`).
    pub(crate) service_outside: Vec<bool>,
}

/// The per-field values of one set of points: `values[i][s]` is the `(cost, service)` of
/// settlement `s` in field `fields[i]`.
struct FieldValues<'a> {
    fields: &'a [Field],
    values: &'a [Vec<Option<(u32, u32)>>],
}

impl FieldValues<'_> {
    fn of(&self, field: Field) -> Option<&[Option<(u32, u32)>]> {
        let i = self.fields.iter().position(|&f| f == field)?;
        self.values.get(i).map(Vec::as_slice)
    }
}

/// Builds the results and summaries from the per-field values of all points:
/// `results[f.index()][i]` is the `(cost, service)` of settlement `i` in field `f`. Adds the
/// fields without mobile and without seasonal points (each for the kinds that have some) and
/// the straight-line nearest points.
pub(crate) fn assemble(inputs: Inputs<'_>, results: &[Vec<Option<(u32, u32)>>]) -> Analysis {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let left_out: Vec<(Without, ServiceKinds)> = Without::ALL
        .into_iter()
        .map(|w| (w, w.kinds_in(inputs.services)))
        .collect();
    // Per set of points left out, the fields of the kinds that have such points, computed
    // without them.
    let without: Vec<_> = left_out
        .iter()
        .map(|&(w, kinds)| {
            let fields: Vec<Field> = Field::all(inputs.kinds)
                .into_iter()
                .filter(|f| kinds.contains(f.kind))
                .collect();
            if fields.is_empty() {
                return (fields, Vec::new());
            }
            let anchors: Vec<Option<Anchor>> = inputs
                .service_anchors
                .iter()
                .zip(inputs.services)
                .map(|(a, s)| a.filter(|_| !w.leaves_out(s)))
                .collect();
            let points = Points {
                kinds: inputs.kinds,
                services: inputs.services,
                anchors: &anchors,
            };
            let values = settlement_fields(
                inputs.core,
                points,
                inputs.settlement_anchors,
                &fields,
                // A short second pass: inside the phase of whoever assembles.
                &Phase::none(),
            );
            timings.push((route_timing(w), clock.elapsed()));
            clock = Instant::now();
            (fields, values)
        })
        .collect();
    let all_fields = Field::all(inputs.kinds);
    let sets: Vec<FieldValues<'_>> = std::iter::once(FieldValues {
        fields: &all_fields,
        values: results,
    })
    .chain(
        without
            .iter()
            .map(|(fields, values)| FieldValues { fields, values }),
    )
    .collect();

    let lines = straight_lines(
        inputs.kinds,
        inputs.services,
        inputs.settlements,
        &inputs.service_snaps,
        inputs.settlement_outside,
    );
    timings.push(("straight_line", clock.elapsed()));
    clock = Instant::now();

    let e2sfca = match &inputs.options.e2sfca {
        Some(steps) => {
            let values = e2sfca_values(&inputs, steps);
            timings.push(("e2sfca", clock.elapsed()));
            clock = Instant::now();
            values
        }
        None => Vec::new(),
    };

    let settlements = settlement_results(&inputs, &sets, lines, e2sfca);
    let everyone: Vec<usize> = (0..settlements.len()).collect();
    let kinds = summarize_kinds(
        inputs.kinds,
        inputs.services,
        inputs.settlements,
        inputs.options,
        &settlements,
        &inputs.service_snaps,
        &everyone,
    );
    timings.push(("summary", clock.elapsed()));
    let service_snaps = inputs.service_snaps;
    let service_outside = inputs.service_outside;
    let services_outside = service_outside.iter().filter(|&&o| o).count();
    Analysis {
        island_settlements: settlements.iter().filter(|s| s.island).count(),
        services_dropped: service_snaps.iter().filter(|s| s.is_none()).count() - services_outside,
        settlements_outside: settlements
            .iter()
            .filter(|s| s.status == Status::Outside)
            .count(),
        services_outside,
        service_outside,
        warnings: Vec::new(),
        // In Without::ALL order.
        mobile_kinds: left_out[0].1,
        seasonal_kinds: left_out[1].1,
        k_nearest: None,
        settlements,
        service_snaps,
        kinds,
        next: Vec::new(),
        timings,
    }
}

/// The name of the timing of the second pass without the points `without` leaves out.
fn route_timing(without: Without) -> &'static str {
    match without {
        Without::Mobile => "route_without_mobile",
        Without::Seasonal => "route_without_seasonal",
    }
}

/// Per settlement, the nearest snapped point of each kind as the crow flies (none for a
/// settlement outside the extract).
fn straight_lines(
    kinds: &Kinds,
    services: &[ServicePoint],
    settlements: &[Settlement],
    service_snaps: &[Option<Snap>],
    outside: &[bool],
) -> Vec<Vec<Option<StraightLine>>> {
    let all = kinds.all();
    let line_index = StraightLineIndex::with_classes(
        services
            .iter()
            .zip(service_snaps)
            .enumerate()
            .filter(|(_, (_, snap))| snap.is_some())
            .map(|(j, (s, _))| (j as u32, s.coord, s.kinds.and(all).bits()))
            .filter(|&(_, _, classes)| classes != 0),
    );
    settlements
        .par_iter()
        .zip(outside)
        .map(|(s, &outside)| {
            if outside {
                return vec![None; kinds.len()];
            }
            line_index
                .nearest_by_class(s.coord, kinds.len())
                .into_iter()
                .map(|nearest| {
                    nearest.map(|(m, j)| StraightLine {
                        length_dm: (m * 10.0).round() as u32,
                        nearest: j,
                    })
                })
                .collect()
        })
        .collect()
}

/// The result of every settlement from the field values of all points (`sets[0]`) and
/// without the points of each [`Without::ALL`] in turn (`sets[1..]`), and its straight lines.
fn settlement_results(
    inputs: &Inputs<'_>,
    sets: &[FieldValues<'_>],
    lines: Vec<Vec<Option<StraightLine>>>,
    e2sfca: Vec<Vec<Option<f64>>>,
) -> Vec<SettlementResult> {
    let graph = inputs.core.graph();
    let thresholds = &inputs.options.thresholds;
    let n = inputs.kinds.len();
    let main_component = 0;
    let kind_result = |set: usize, k: usize, i: usize| {
        let [by_length, by_time] = Field::of_kind(inputs.kinds[k]);
        let by_length = sets[set].of(by_length)?[i];
        let by_time = sets[set].of(by_time)?[i];
        let value = match thresholds[k].unit {
            Unit::Km => by_length.map(|(dm, _)| f64::from(dm) / 10_000.0),
            Unit::Min => by_time.map(|(ds, _)| f64::from(ds) / 600.0),
        };
        Some(KindResult {
            length_dm: by_length.map(|l| l.0),
            nearest_by_length: by_length.map(|l| l.1),
            time_ds: by_time.map(|t| t.0),
            nearest_by_time: by_time.map(|t| t.1),
            gap: value.is_none_or(|v| v > thresholds[k].value),
        })
    };
    inputs
        .settlement_snaps
        .par_iter()
        .zip(lines)
        .enumerate()
        .map(|(i, (snap, line))| {
            let status = status_of(snap.is_some(), inputs.settlement_outside[i]);
            let island = snap.as_ref().is_some_and(|s| {
                let e = &graph.edges()[s.edge as usize];
                graph.component(e.from) != main_component || graph.component(e.to) != main_component
            });
            // Not analysed: no value, and so no gap either.
            let of = |set, k| {
                kind_result(set, k, i).map(|r| KindResult {
                    gap: r.gap && status != Status::Outside,
                    ..r
                })
            };
            SettlementResult {
                status,
                snap: *snap,
                island,
                kinds: (0..n).map(|k| of(0, k).unwrap_or_default()).collect(),
                without_mobile: (0..n).map(|k| of(1, k)).collect(),
                without_seasonal: (0..n).map(|k| of(2, k)).collect(),
                line,
                e2sfca: e2sfca.iter().map(|values| values[i]).collect(),
            }
        })
        .collect()
}

/// The status of a settlement that `snapped` or not, lying `outside` the extract or not (a
/// settlement outside is never snapped).
fn status_of(snapped: bool, outside: bool) -> Status {
    if snapped {
        Status::Ok
    } else if outside {
        Status::Outside
    } else {
        Status::NoRoad
    }
}

/// Per kind (by [`ServiceKind::index`]), every settlement's E2SFCA value (see [`e2sfca`]).
fn e2sfca_values(inputs: &Inputs<'_>, steps: &e2sfca::Steps) -> Vec<Vec<Option<f64>>> {
    let graph = inputs.core.graph();
    let points = Points {
        kinds: inputs.kinds,
        services: inputs.services,
        anchors: inputs.service_anchors,
    };
    let limit = steps.limit_ds();
    // One search per point, for all of its kinds.
    let all = e2sfca::catchments(
        graph,
        points,
        |kinds| !kinds.is_empty(),
        inputs.settlement_anchors,
        limit,
    );
    inputs
        .kinds
        .iter()
        .map(|kind| {
            let of_kind: Vec<&(u32, e2sfca::Catchment)> = all
                .iter()
                .filter(|(j, _)| inputs.services[*j as usize].kinds.contains(kind))
                .collect();
            e2sfca::values(
                &of_kind,
                steps,
                inputs.settlements,
                |i| inputs.settlement_anchors[i].is_some(),
                |j| inputs.services[j].capacity.unwrap_or(1.0),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_settings() {
        let s: ThresholdSetting = "grocery=10min".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.kind_in(&Kinds::default()), Ok(ServiceKind::GROCERY));
        assert_eq!(
            s.threshold,
            Threshold {
                value: 10.0,
                unit: Unit::Min
            }
        );
        let s: ThresholdSetting = "payment=25km".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.threshold.unit, Unit::Km);
        let bakery: ThresholdSetting = "bakery=3km".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(bakery.kind_in(&Kinds::default()).is_err_and(|e| e
            .to_string()
            .contains("unknown kind `bakery` (kinds: grocery, ")));
        assert!("grocery=10"
            .parse::<ThresholdSetting>()
            .is_err_and(|e| e.to_string().contains("unit")));
        assert!("grocery10km".parse::<ThresholdSetting>().is_err());
        // Unit and kind in any case, a space before the unit.
        for text in [
            "grocery=10KM",
            "grocery=10 km",
            "grocery=10Km",
            "Grocery=10km",
        ] {
            let s: ThresholdSetting = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (s.kind_in(&Kinds::default()), s.threshold.to_string()),
                (Ok(ServiceKind::GROCERY), "10km".into())
            );
        }
        assert_eq!(closest_name("grocey", ["grocery", "fuel"]), Some("grocery"));
        assert_eq!(closest_name("bakery", ["grocery", "fuel"]), None);
        assert!("grocery=-1km".parse::<ThresholdSetting>().is_err());
        assert!("grocery=xkm".parse::<ThresholdSetting>().is_err());
    }

    #[test]
    fn nearest_rank_quantiles() {
        let q = quantiles((1..=10).map(f64::from).collect());
        assert_eq!((q.p50, q.p90, q.max), (Some(5.0), Some(9.0), Some(10.0)));
        assert_eq!(quantiles(Vec::new()), Quantiles::default());
    }
}
