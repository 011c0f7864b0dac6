//! The summaries of an analysis: per kind the gap figures and quantiles (also without mobile
//! or seasonal points, and per population group), of the whole area or a group of
//! settlements, and the catchment of every service point.

use super::{Analysis, AnalysisOptions, KindResult, SettlementResult, Status, Threshold, Without};
use crate::base::feature::{Kinds, ServiceKind, ServicePoint, Settlement};
use crate::network::region::Region;
use crate::network::snap::Snap;
use rayon::prelude::*;

/// Quantiles of the reached settlements' values (nearest rank), in km or minutes.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Quantiles {
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

/// The gap figures of one kind from one set of its points: [`KindSummary::without_mobile`]
/// holds them for the points that are not mobile, [`KindSummary::without_seasonal`] for those
/// open all year.
#[derive(Clone, Debug, PartialEq)]
pub struct GapFigures {
    /// Snapped service points of the kind in the set.
    pub services: usize,
    /// Settlements in gap.
    pub gap_settlements: usize,
    /// Known population of the settlements in gap.
    pub gap_population: u64,
    /// `gap_population / population` (`None` without known population).
    pub gap_share_population: Option<f64>,
    /// `gap_settlements / settlements`.
    pub gap_share_settlements: Option<f64>,
    /// Settlements on the network that reach no point.
    pub unreachable: usize,
    /// Road km to the nearest point.
    pub km: Quantiles,
    /// Car minutes to the nearest point.
    pub min: Quantiles,
}

/// The figures of one population group (a settlements file's column such as `pop_70plus`)
/// for one kind, over the same settlements as the kind's own figures (not those outside the
/// extract). A settlement whose group cell is empty counts in none of them.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFigures {
    /// The group's known population.
    pub population: u64,
    /// Of which in settlements in gap (beyond the threshold, unreachable or without a road),
    /// as [`KindSummary::gap_population`].
    pub gap_population: u64,
    /// `gap_population / population` (`None` without known population).
    pub gap_share: Option<f64>,
    /// The distance of the Pipos indicator, km ([`AnalysisOptions::group_far_km`]).
    pub far_km: f64,
    /// People of the group whose settlement lies at or beyond `far_km` by road from the
    /// nearest point of the kind (nearest by road length).
    pub far_population: u64,
    /// Their total one-way road km to the nearest point: each settlement's km times its
    /// people of the group, summed, rounded to 0.01.
    pub far_total_km: f64,
    /// People of the group in settlements without a road distance (no road within reach, or
    /// no point of the kind reachable): in neither `far_population` nor `far_total_km`.
    pub no_distance_population: u64,
}

/// Summary figures of one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct KindSummary {
    /// The kind.
    pub kind: ServiceKind,
    /// Its threshold.
    pub threshold: Threshold,
    /// Service points of this kind that snapped to the network.
    pub services: usize,
    /// Settlements analysed.
    pub settlements: usize,
    /// Their known population.
    pub population: u64,
    /// Settlements in gap.
    pub gap_settlements: usize,
    /// Known population of the settlements in gap.
    pub gap_population: u64,
    /// `gap_population / population` (`None` without known population).
    pub gap_share_population: Option<f64>,
    /// `gap_settlements / settlements`.
    pub gap_share_settlements: Option<f64>,
    /// Settlements on the network that reach no point of this kind.
    pub unreachable: usize,
    /// Settlements without a road.
    pub no_road: usize,
    /// Settlements outside the extract: not among [`KindSummary::settlements`] nor in any
    /// other figure.
    pub outside: usize,
    /// Road km to the nearest point.
    pub km: Quantiles,
    /// Car minutes to the nearest point.
    pub min: Quantiles,
    /// Straight-line km to the nearest point, over the settlements that have one (those
    /// without a road too).
    pub line_km: Quantiles,
    /// The gap figures without mobile points, for a kind that has mobile points.
    pub without_mobile: Option<GapFigures>,
    /// The gap figures without seasonal points, for a kind that has seasonal points.
    pub without_seasonal: Option<GapFigures>,
    /// The support screening's limit of the kind, if it is screened (see
    /// [`AnalysisOptions::support`]).
    pub support: Option<Threshold>,
    /// Per population group of the region ([`Region::groups`]), in its order; empty without
    /// groups.
    pub groups: Vec<GroupFigures>,
    /// Capacity-aware access (E2SFCA) over the settlements with a value; `None` when
    /// [`AnalysisOptions::e2sfca`] is `None`.
    pub e2sfca: Option<E2sfcaSummary>,
}

/// Summary of the E2SFCA values of one kind (capacity per person), over the settlements
/// analysed that have a road.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct E2sfcaSummary {
    /// Quantiles (nearest rank) of the values, unrounded.
    pub quantiles: Quantiles,
    /// Mean of the values weighted by known population (`None` without known population):
    /// the capacity per person an average inhabitant has.
    pub mean_population: Option<f64>,
    /// Settlements with a value of 0: no point of the kind within the catchment.
    pub zero_settlements: usize,
    /// Known population of those settlements.
    pub zero_population: u64,
}

impl KindSummary {
    /// The gap figures without the points `without` leaves out, for a kind that has some.
    pub fn without(&self, without: Without) -> Option<&GapFigures> {
        match without {
            Without::Mobile => self.without_mobile.as_ref(),
            Without::Seasonal => self.without_seasonal.as_ref(),
        }
    }
}

pub(crate) fn quantiles(mut values: Vec<f64>) -> Quantiles {
    if values.is_empty() {
        return Quantiles::default();
    }
    values.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        let i = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1;
        Some(round2(values[i]))
    };
    Quantiles {
        p50: rank(0.5),
        p90: rank(0.9),
        max: values.last().copied().map(round2),
    }
}

/// Rounds to 0.01: km, minutes and metres in the outputs.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn summarize(
    kind: ServiceKind,
    k: usize,
    options: &AnalysisOptions,
    (services_list, settlements): (&[ServicePoint], &[Settlement]),
    results: &[SettlementResult],
    service_snaps: &[Option<Snap>],
    members: &[usize],
) -> KindSummary {
    // Settlements outside the extract count in no figure, not even as settlements.
    let everyone = members;
    let members: Vec<usize> = everyone
        .iter()
        .copied()
        .filter(|&i| results[i].status != Status::Outside)
        .collect();
    let members = members.as_slice();
    let population = members
        .iter()
        .filter_map(|&i| settlements[i].population)
        .fold(0u64, u64::saturating_add);
    let services = |without: Option<Without>| {
        services_list
            .iter()
            .zip(service_snaps)
            .filter(|(s, snap)| {
                snap.is_some()
                    && s.kinds.contains(kind)
                    && !without.is_some_and(|w| w.leaves_out(s))
            })
            .count()
    };
    let all = gap_figures(
        settlements,
        results,
        members,
        population,
        services(None),
        |r| Some(&r.kinds[k]),
    );
    let without = |w: Without| {
        results
            .first()
            .is_some_and(|r| r.without(w)[k].is_some())
            .then(|| {
                gap_figures(
                    settlements,
                    results,
                    members,
                    population,
                    services(Some(w)),
                    |r| r.without(w)[k].as_ref(),
                )
            })
    };
    let n = members.len();
    let group_count = settlements.first().map_or(0, |s| s.groups.len());
    let groups = (0..group_count)
        .map(|g| group_figures(settlements, results, members, k, g, options.group_far_km))
        .collect();
    KindSummary {
        kind,
        threshold: options.thresholds[k],
        support: options.support[k],
        services: all.services,
        settlements: n,
        population,
        gap_settlements: all.gap_settlements,
        gap_population: all.gap_population,
        gap_share_population: all.gap_share_population,
        gap_share_settlements: all.gap_share_settlements,
        unreachable: all.unreachable,
        no_road: members
            .iter()
            .filter(|&&i| results[i].status == Status::NoRoad)
            .count(),
        outside: everyone.len() - members.len(),
        km: all.km,
        min: all.min,
        line_km: quantiles(
            members
                .iter()
                .filter_map(|&i| results[i].line[k])
                .map(|l| f64::from(l.length_dm) / 10_000.0)
                .collect(),
        ),
        without_mobile: without(Without::Mobile),
        without_seasonal: without(Without::Seasonal),
        groups,
        e2sfca: options
            .e2sfca
            .is_some()
            .then(|| e2sfca_summary(settlements, results, members, k)),
    }
}

/// The E2SFCA summary of kind index `k` over `members` (settlements analysed).
fn e2sfca_summary(
    settlements: &[Settlement],
    results: &[SettlementResult],
    members: &[usize],
    k: usize,
) -> E2sfcaSummary {
    let valued: Vec<(usize, f64)> = members
        .iter()
        .filter_map(|&i| Some((i, results[i].e2sfca.get(k).copied().flatten()?)))
        .collect();
    let mut values: Vec<f64> = valued.iter().map(|&(_, v)| v).collect();
    values.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        let i = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1;
        values[i]
    };
    let quantiles = if values.is_empty() {
        Quantiles::default()
    } else {
        Quantiles {
            p50: Some(rank(0.5)),
            p90: Some(rank(0.9)),
            max: values.last().copied(),
        }
    };
    let (mut weighted, mut people) = (0.0, 0u64);
    let (mut zero_settlements, mut zero_population) = (0, 0u64);
    for &(i, v) in &valued {
        let p = settlements[i].population.unwrap_or(0);
        weighted += p as f64 * v;
        people = people.saturating_add(p);
        if v == 0.0 {
            zero_settlements += 1;
            zero_population = zero_population.saturating_add(p);
        }
    }
    E2sfcaSummary {
        quantiles,
        mean_population: (people > 0).then(|| weighted / people as f64),
        zero_settlements,
        zero_population,
    }
}

/// The figures of population group `g` for kind index `k` over the `members` (none outside
/// the extract), with the Pipos indicator at `far_km`.
fn group_figures(
    settlements: &[Settlement],
    results: &[SettlementResult],
    members: &[usize],
    k: usize,
    g: usize,
    far_km: f64,
) -> GroupFigures {
    // The limit in decimetres, as the distances are: "at or beyond" compares exactly.
    let far_dm = (far_km * 10_000.0).ceil();
    let (mut population, mut gap_population) = (0u64, 0u64);
    let (mut far_population, mut no_distance_population) = (0u64, 0u64);
    // People times decimetres, summed exactly before the one conversion to km.
    let mut far_person_dm = 0u128;
    for &i in members {
        let Some(people) = settlements[i].groups.get(g).copied().flatten() else {
            continue;
        };
        let r = &results[i].kinds[k];
        population = population.saturating_add(people);
        if r.gap {
            gap_population = gap_population.saturating_add(people);
        }
        match r.length_dm {
            None => no_distance_population = no_distance_population.saturating_add(people),
            Some(dm) if f64::from(dm) >= far_dm => {
                far_population = far_population.saturating_add(people);
                far_person_dm += u128::from(people) * u128::from(dm);
            }
            Some(_) => {}
        }
    }
    GroupFigures {
        population,
        gap_population,
        gap_share: (population > 0).then(|| gap_population as f64 / population as f64),
        far_km,
        far_population,
        far_total_km: round2(far_person_dm as f64 / 10_000.0),
        no_distance_population,
    }
}

/// The gap figures of the `members` from the kind's result that `pick` takes out of each
/// settlement's (the one with all points, or one without some of them).
fn gap_figures(
    settlements: &[Settlement],
    results: &[SettlementResult],
    members: &[usize],
    population: u64,
    services: usize,
    pick: impl Fn(&SettlementResult) -> Option<&KindResult>,
) -> GapFigures {
    let of = |i: usize| pick(&results[i]).copied().unwrap_or_default();
    let gap: Vec<usize> = members.iter().copied().filter(|&i| of(i).gap).collect();
    let gap_population = gap
        .iter()
        .filter_map(|&i| settlements[i].population)
        .fold(0u64, u64::saturating_add);
    let reached = |f: fn(&KindResult) -> Option<f64>| {
        quantiles(members.iter().filter_map(|&i| f(&of(i))).collect())
    };
    let n = members.len();
    GapFigures {
        services,
        gap_settlements: gap.len(),
        gap_population,
        gap_share_population: (population > 0).then(|| gap_population as f64 / population as f64),
        gap_share_settlements: (n > 0).then(|| gap.len() as f64 / n as f64),
        unreachable: members
            .iter()
            .filter(|&&i| results[i].status == Status::Ok && of(i).length_dm.is_none())
            .count(),
        km: reached(|r| r.length_dm.map(|dm| f64::from(dm) / 10_000.0)),
        min: reached(|r| r.time_ds.map(|ds| f64::from(ds) / 600.0)),
    }
}

/// What one service point is the nearest point of, for one kind it offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Catchment {
    /// Settlements whose nearest point of the kind by road length it is.
    pub settlements_km: usize,
    /// Their known population.
    pub population_km: u64,
    /// Settlements whose nearest point of the kind by car time it is.
    pub settlements_min: usize,
    /// Their known population.
    pub population_min: u64,
}

/// The catchment of every service point of the region, in the region's order: per kind (in
/// [`ServiceKind::index`] order) `Some` for each kind the point offers if it snapped, `None` for
/// other kinds and for dropped points. Per kind, the catchments split the settlements that
/// reach a point of the kind (and their population) exactly: each counts once, at its nearest
/// point.
pub fn catchments(region: &Region, analysis: &Analysis) -> Vec<Vec<Option<Catchment>>> {
    let mut out: Vec<Vec<Option<Catchment>>> = region
        .services
        .iter()
        .zip(&analysis.service_snaps)
        .map(|(s, snap)| {
            region
                .kinds
                .iter()
                .map(|kind| (snap.is_some() && s.kinds.contains(kind)).then(Catchment::default))
                .collect()
        })
        .collect();
    for (settlement, r) in region.settlements.iter().zip(&analysis.settlements) {
        let population = settlement.population.unwrap_or(0);
        for (k, kr) in r.kinds.iter().enumerate() {
            if let Some(c) = kr
                .nearest_by_length
                .and_then(|j| out[j as usize][k].as_mut())
            {
                c.settlements_km += 1;
                c.population_km = c.population_km.saturating_add(population);
            }
            if let Some(c) = kr.nearest_by_time.and_then(|j| out[j as usize][k].as_mut()) {
                c.settlements_min += 1;
                c.population_min = c.population_min.saturating_add(population);
            }
        }
    }
    out
}

/// The per-kind summaries of a group of settlements (e.g. those of one kommun), given by their
/// indices in the region. `services` still counts every point of the region.
pub fn summarize_group(
    region: &Region,
    analysis: &Analysis,
    options: &AnalysisOptions,
    members: &[usize],
) -> Vec<KindSummary> {
    summarize_kinds(
        &region.kinds,
        &region.services,
        &region.settlements,
        options,
        &analysis.settlements,
        &analysis.service_snaps,
        members,
    )
}

pub(crate) fn summarize_kinds(
    kinds: &Kinds,
    services: &[ServicePoint],
    settlements: &[Settlement],
    options: &AnalysisOptions,
    results: &[SettlementResult],
    service_snaps: &[Option<Snap>],
    members: &[usize],
) -> Vec<KindSummary> {
    (0..kinds.len())
        .into_par_iter()
        .map(|k| {
            let points = (services, settlements);
            let kind = kinds[k];
            summarize(kind, k, options, points, results, service_snaps, members)
        })
        .collect()
}
