//! The printed tables: the summary of one analysis (with its regions), and a baseline against
//! its scenarios; and [`Columns`], the layout every printed table is written with (the
//! `vulnerable` and `suggest` tables too). All are plain text for a terminal, returned as a
//! string for the binary to print.
//!
//! Columns are as wide as their widest cell, heading included, so a six-digit count lines up
//! like a one-digit one; numbers are right-aligned, text left-aligned, two spaces between
//! columns. A name (settlement, point, region) is shown whole up to [`NAME_WIDTH`] characters
//! and cut with `…` beyond.

use super::{round6, RegionGroups};
use crate::analysis::{Analysis, GapFigures, KindSummary, Status, Without};
use crate::base::feature::{ServiceKind, ServicePoint};
use crate::network::region::Region;
use crate::whatif::scenario::{KindChange, Outcome};
use crate::whatif::suggest::{Candidates, Suggestion};
use crate::whatif::vulnerability::Vulnerability;
use std::fmt::Write as _;

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text: cells start at the column's left edge.
    Left,
    /// Numbers: cells end at the column's right edge.
    Right,
}

/// A table's cells, laid out once every row is known: each column as wide as its widest cell.
#[derive(Clone, Debug)]
pub struct Columns {
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

/// Names longer than this many characters are cut (with `…`); shorter ones are shown whole.
pub const NAME_WIDTH: usize = 48;

impl Columns {
    /// A table with these headings and alignments; the headings are its first row.
    pub fn new(heads: &[(&str, Align)]) -> Columns {
        Columns {
            align: heads.iter().map(|h| h.1).collect(),
            rows: vec![heads.iter().map(|h| h.0.to_owned()).collect()],
        }
    }

    /// Adds a row; missing cells are blank, extra cells are ignored.
    pub fn push(&mut self, mut cells: Vec<String>) {
        cells.resize(self.align.len(), String::new());
        self.rows.push(cells);
    }

    /// The table, one line per row, headings first, without trailing spaces.
    pub fn render(&self) -> String {
        let widths: Vec<usize> = (0..self.align.len())
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c > 0 {
                    line.push_str("  ");
                }
                let w = widths[c];
                let _ = match self.align[c] {
                    Align::Left => write!(line, "{cell:<w$}"),
                    Align::Right => write!(line, "{cell:>w$}"),
                };
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A name for a table cell: whole up to [`NAME_WIDTH`] characters, else cut with `…`.
pub fn name_cell(name: &str) -> String {
    if name.chars().count() <= NAME_WIDTH {
        name.to_owned()
    } else {
        let mut cut: String = name.chars().take(NAME_WIDTH - 1).collect();
        cut.push('…');
        cut
    }
}

/// The footnote under every table with population figures: they count tagged population
/// only, and how many settlements have a tag.
pub fn population_note(tagged: usize, settlements: usize) -> String {
    format!(
        "population figures (pop) count tagged population only: {tagged} of {settlements} \
         settlements have a population tag\n"
    )
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.2}"))
}

/// A share as a percentage with two decimals, `-` without one.
fn percent(share: Option<f64>) -> String {
    fmt_opt(share.map(|v| v * 100.0))
}

/// How many regions the summary prints, by gap share of the first kind.
pub const TOP_REGIONS: usize = 10;

/// The summary as a human-readable table; with region polygons, the ten regions
/// with the highest gap share of the first kind follow.
pub fn summary_table(
    file: &str,
    region: &Region,
    analysis: &Analysis,
    groups: Option<&RegionGroups<'_>>,
) -> String {
    let mut s = String::new();
    let no_road = analysis.kinds.first().map_or(0, |k| k.no_road);
    // Population over the settlements analysed, as the figures below.
    let analysed = || {
        region
            .settlements
            .iter()
            .zip(&analysis.settlements)
            .filter(|(_, r)| r.status != Status::Outside)
            .map(|(s, _)| s)
    };
    let with_population = analysed().filter(|s| s.population.is_some()).count();
    let population: u64 = analysed()
        .filter_map(|s| s.population)
        .fold(0u64, u64::saturating_add);
    let _ = writeln!(s, "{file}");
    // Said only when there are some, so that the table of an extract's own points stays as
    // it was.
    let outside = |n: usize, what: &str| {
        if n > 0 {
            format!("{n} outside the extract ({what}), ")
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        s,
        "  {} settlements: {}{no_road} without a road within reach, {} off the main network; \
         {with_population} with a population tag ({population} people)",
        region.settlements.len(),
        outside(analysis.settlements_outside, "not analysed"),
        analysis.island_settlements,
    );
    let _ = writeln!(
        s,
        "  {} service points: {}{} too far from a road to count",
        region.services.len(),
        outside(analysis.services_outside, "left out"),
        analysis.services_dropped
    );
    let (l, r) = (Align::Left, Align::Right);
    let mut t = Columns::new(&[
        ("kind", l),
        ("threshold", r),
        ("points", r),
        ("in gap", r),
        ("gap pop", r),
        ("gap %pop", r),
        ("unreach", r),
        ("no_road", r),
        ("km p50", r),
        ("km p90", r),
        ("km max", r),
        ("min p50", r),
        ("min p90", r),
    ]);
    for k in &analysis.kinds {
        let all = all_figures(k);
        let rows = std::iter::once((k.kind.name().to_owned(), &all)).chain(
            Without::ALL
                .iter()
                .filter_map(|&w| Some((format!(" {}", label(w)), k.without(w)?))),
        );
        for (label, f) in rows {
            t.push(vec![
                label,
                k.threshold.to_string(),
                f.services.to_string(),
                format!("{}/{}", f.gap_settlements, k.settlements),
                f.gap_population.to_string(),
                percent(f.gap_share_population),
                f.unreachable.to_string(),
                k.no_road.to_string(),
                fmt_opt(f.km.p50),
                fmt_opt(f.km.p90),
                fmt_opt(f.km.max),
                fmt_opt(f.min.p50),
                fmt_opt(f.min.p90),
            ]);
        }
    }
    let _ = write!(s, "\n{}", t.render());
    s.push_str(&groups_table(region, analysis));
    if let Some(g) = groups {
        s.push_str(&regions_table(g));
    }
    let _ = writeln!(
        s,
        "\nin gap: beyond the threshold, or no point of the kind reachable (unreach), or no \
         road (no_road);\nkm and min are to the nearest point"
    );
    let _ = write!(
        s,
        "{}",
        population_note(with_population, analysed().count())
    );
    for w in Without::ALL {
        if !analysis.kinds_without(w).is_empty() {
            let _ = writeln!(s, "{}, for the kinds that have them", note(w));
        }
    }
    for k in analysis.kinds.iter().filter(|k| k.services == 0) {
        let _ = writeln!(
            s,
            "note: no {} point on the network (none in the data, or none near a road): every \
             settlement is in gap for {}",
            k.kind, k.kind
        );
    }
    s
}

/// The label of the rows without the points `w` leaves out.
fn label(w: Without) -> &'static str {
    match w {
        Without::Mobile => "fixed",
        Without::Seasonal => "year-round",
    }
}

/// What the rows labelled [`label`] show.
fn note(w: Without) -> &'static str {
    match w {
        Without::Mobile => "fixed: the same without mobile points (shop vans, library bus stops)",
        Without::Seasonal => "year-round: the same without seasonal points (open in summer only)",
    }
}

/// The population groups' figures, a row per group and kind; nothing without groups.
fn groups_table(region: &Region, analysis: &Analysis) -> String {
    let mut s = String::new();
    let Some(far_km) = analysis
        .kinds
        .first()
        .and_then(|k| k.groups.first())
        .map(|g| g.far_km)
    else {
        return s;
    };
    let _ = writeln!(
        s,
        "\npopulation groups (far pop: {far_km} km or more by road from the nearest point, \
         far km: their total one-way km;\nno dist: no road, or no point reachable):"
    );
    let (l, r) = (Align::Left, Align::Right);
    let mut t = Columns::new(&[
        ("group", l),
        ("kind", l),
        ("pop", r),
        ("gap pop", r),
        ("gap %pop", r),
        ("far pop", r),
        ("far km", r),
        ("no dist", r),
    ]);
    for (g, name) in region.groups.iter().enumerate() {
        for k in &analysis.kinds {
            let Some(f) = k.groups.get(g) else { continue };
            t.push(vec![
                name_cell(name),
                k.kind.name().to_owned(),
                f.population.to_string(),
                f.gap_population.to_string(),
                percent(f.gap_share),
                f.far_population.to_string(),
                format!("{:.2}", f.far_total_km),
                f.no_distance_population.to_string(),
            ]);
        }
    }
    s.push_str(&t.render());
    s
}

/// A kind's figures over every point, in the shape of its figures without mobile points.
fn all_figures(k: &KindSummary) -> GapFigures {
    GapFigures {
        services: k.services,
        gap_settlements: k.gap_settlements,
        gap_population: k.gap_population,
        gap_share_population: k.gap_share_population,
        gap_share_settlements: k.gap_share_settlements,
        unreachable: k.unreachable,
        km: k.km,
        min: k.min,
    }
}

/// The regions in the order the summary prints them: by the first kind's gap share of
/// population as summary.json and regions.geojson round it (descending, regions without known
/// population last), then gap population (descending), then file order.
fn regions_by_gap_share(groups: &RegionGroups<'_>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..groups.summaries.len()).collect();
    let key = |r: usize| {
        let first = groups.summaries[r].first();
        let share = first.and_then(|k| k.gap_share_population).map(round6);
        (share, first.map_or(0, |k| k.gap_population))
    };
    order.sort_by(|&a, &b| {
        let ((sa, pa), (sb, pb)) = (key(a), key(b));
        let share = match (sa, sb) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        share.then(pb.cmp(&pa)).then(a.cmp(&b))
    });
    order
}

/// The [`TOP_REGIONS`] regions with the highest gap share of the first kind, among those with
/// settlements analysed, and how many more the files hold.
fn regions_table(groups: &RegionGroups<'_>) -> String {
    let mut s = String::new();
    let Some(kind) = groups
        .summaries
        .first()
        .and_then(|k| k.first())
        .map(|k| k.kind)
    else {
        return s;
    };
    // A region none of whose settlements was analysed (beyond the extract) has no figure.
    let order: Vec<usize> = regions_by_gap_share(groups)
        .into_iter()
        .filter(|&r| {
            groups.summaries[r]
                .first()
                .is_some_and(|k| k.settlements > 0)
        })
        .collect();
    let shown = order.len().min(TOP_REGIONS);
    let _ = writeln!(
        s,
        "\nregions by {kind} gap share of population ({shown} of the {} with settlements \
         analysed, of {}):",
        order.len(),
        groups.summaries.len()
    );
    let (l, r) = (Align::Left, Align::Right);
    let mut t = Columns::new(&[
        ("region", l),
        ("settlements", r),
        ("pop", r),
        ("in gap", r),
        ("gap pop", r),
        ("gap %pop", r),
        ("km p50", r),
        ("km p90", r),
    ]);
    for &i in order.iter().take(shown) {
        let Some(k) = groups.summaries[i].first() else {
            continue;
        };
        t.push(vec![
            name_cell(groups.regions.name(i)),
            k.settlements.to_string(),
            k.population.to_string(),
            k.gap_settlements.to_string(),
            k.gap_population.to_string(),
            percent(k.gap_share_population),
            fmt_opt(k.km.p50),
            fmt_opt(k.km.p90),
        ]);
    }
    s.push_str(&t.render());
    if order.len() > shown {
        let _ = writeln!(
            s,
            "{} more regions with settlements: every region, every kind, is in summary.json and \
             regions.geojson",
            order.len() - shown
        );
    }
    let outside = groups.of_settlement.iter().filter(|r| r.is_none()).count();
    if outside > 0 {
        let _ = writeln!(s, "{outside} settlements lie in no region");
    }
    s
}

/// The kinds a set of scenarios touches (those of closed and added points), or all kinds when
/// they touch none.
pub fn scenario_kinds(baseline: &[ServicePoint], outcomes: &[Outcome]) -> Vec<ServiceKind> {
    let mut touched = crate::ServiceKinds::EMPTY;
    for o in outcomes {
        for &j in &o.removed {
            touched |= baseline[j].kinds;
        }
        for &j in &o.added {
            touched |= o.services[j].kinds;
        }
    }
    // Every outcome's analysis has the baseline's kinds.
    let all = outcomes
        .first()
        .map(|o| o.analysis.kind_list().collect::<Vec<_>>());
    let all = all.unwrap_or_else(|| ServiceKind::BUILT_IN.to_vec());
    if touched.is_empty() {
        all
    } else {
        all.into_iter().filter(|k| touched.contains(*k)).collect()
    }
}

/// The side-by-side comparison as a table: baseline and each scenario as columns, per kind
/// the gap figures, quantiles and how many people got nearer or farther; for a kind with
/// mobile points in any column (a scenario that adds a shop van), the gap figures without
/// them too (`fixed`), and likewise without seasonal points (`year-round`).
pub fn compare_table(
    file: &str,
    settlements: &[crate::base::feature::Settlement],
    baseline_services: &[ServicePoint],
    baseline: &Analysis,
    outcomes: &[Outcome],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{file}: {} scenario(s) against the baseline",
        outcomes.len()
    );
    for o in outcomes {
        let _ = writeln!(
            s,
            "  {}: closes {}, adds {}",
            o.name,
            o.removed.len(),
            o.added.len()
        );
    }
    let mut heads = vec![
        (String::new(), Align::Left),
        ("baseline".to_owned(), Align::Right),
    ];
    heads.extend(outcomes.iter().map(|o| (name_cell(&o.name), Align::Right)));
    let mut any_without = [false; Without::ALL.len()];
    for kind in scenario_kinds(baseline_services, outcomes) {
        let k = kind.index();
        let t = &baseline.kinds[k].threshold;
        let mut heads = heads.clone();
        heads[0].0 = format!("{kind} (gap > {t})");
        let heads: Vec<(&str, Align)> = heads.iter().map(|(h, a)| (h.as_str(), *a)).collect();
        let mut table = Columns::new(&heads);
        let summaries: Vec<&KindSummary> = std::iter::once(&baseline.kinds[k])
            .chain(outcomes.iter().map(|o| &o.analysis.kinds[k]))
            .collect();
        let mut row = |label: &str, f: &dyn Fn(&KindSummary) -> String| {
            let mut r = vec![label.to_owned()];
            r.extend(summaries.iter().map(|x| f(x)));
            table.push(r);
        };
        row("points", &|x| x.services.to_string());
        row("gap settlements", &|x| x.gap_settlements.to_string());
        row("gap population", &|x| x.gap_population.to_string());
        row("gap share %", &|x| percent(x.gap_share_population));
        // Without mobile (seasonal) points: a column without any has the same figures as
        // with them.
        for (i, w) in Without::ALL.into_iter().enumerate() {
            if !summaries.iter().any(|x| x.without(w).is_some()) {
                continue;
            }
            any_without[i] = true;
            let without = |x: &KindSummary| x.without(w).cloned().unwrap_or_else(|| all_figures(x));
            let l = label(w);
            row(&format!("{l} points"), &|x| without(x).services.to_string());
            row(&format!("{l} gap settlements"), &|x| {
                without(x).gap_settlements.to_string()
            });
            row(&format!("{l} gap population"), &|x| {
                without(x).gap_population.to_string()
            });
            row(&format!("{l} gap share %"), &|x| {
                percent(without(x).gap_share_population)
            });
        }
        row("km p50", &|x| fmt_opt(x.km.p50));
        row("km p90", &|x| fmt_opt(x.km.p90));
        row("min p50", &|x| fmt_opt(x.min.p50));
        row("min p90", &|x| fmt_opt(x.min.p90));
        let changes: Vec<Option<&KindChange>> = std::iter::once(None)
            .chain(outcomes.iter().map(|o| Some(&o.changes[k])))
            .collect();
        for (label, f) in [
            (
                "population nearer",
                (|c: &KindChange| c.shorter_population) as fn(&KindChange) -> u64,
            ),
            ("population farther", |c: &KindChange| c.longer_population),
            ("settlements nearer", |c: &KindChange| {
                c.shorter_settlements as u64
            }),
            ("settlements farther", |c: &KindChange| {
                c.longer_settlements as u64
            }),
        ] {
            let mut r = vec![label.to_owned()];
            r.extend(
                changes
                    .iter()
                    .map(|c| c.map_or("-".to_owned(), |c| f(c).to_string())),
            );
            table.push(r);
        }
        let _ = write!(s, "\n{}", table.render());
    }
    let analysed = || {
        settlements
            .iter()
            .zip(&baseline.settlements)
            .filter(|(_, r)| r.status != Status::Outside)
    };
    let tagged = analysed().filter(|(s, _)| s.population.is_some()).count();
    let _ = write!(s, "\n{}", population_note(tagged, analysed().count()));
    for (w, any) in Without::ALL.into_iter().zip(any_without) {
        if any {
            let _ = writeln!(s, "{}; a column without any has the figures above", note(w));
        }
    }
    s
}

/// Why a suggestion picked fewer sites than asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortfall {
    /// No further candidate would bring anyone new within the threshold: `on_road` settlements
    /// in gap that reach a road are left, each beyond the threshold from every candidate
    /// (none when every one of them is covered).
    NoCover {
        /// Settlements still in gap that reach a road.
        on_road: usize,
    },
    /// Every candidate has been picked.
    NoCandidates,
}

impl Shortfall {
    /// Why `suggestion` picked fewer than `k` sites, `None` when it picked `k`.
    pub fn of(suggestion: &Suggestion, k: usize) -> Option<Shortfall> {
        let picked = suggestion.picks.len();
        if picked >= k {
            return None;
        }
        if picked >= suggestion.candidates {
            return Some(Shortfall::NoCandidates);
        }
        let covered: usize = suggestion.picks.iter().map(|p| p.settlements.len()).sum();
        Some(Shortfall::NoCover {
            on_road: suggestion.gap_on_road.saturating_sub(covered),
        })
    }

    /// Its name in the JSON document: `no_cover` or `no_candidates`.
    pub fn name(self) -> &'static str {
        match self {
            Shortfall::NoCover { .. } => "no_cover",
            Shortfall::NoCandidates => "no_candidates",
        }
    }
}

impl std::fmt::Display for Shortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Shortfall::NoCover { on_road: 0 } => f.write_str(
                "no further pick covers anyone: every settlement in gap that reaches a road is \
                 covered",
            ),
            Shortfall::NoCover { on_road } => write!(
                f,
                "no further pick covers anyone: the {on_road} settlements still in gap on a road \
                 are beyond the threshold from every candidate"
            ),
            Shortfall::NoCandidates => f.write_str("no candidates left: every one is picked"),
        }
    }
}

/// A short ranked table of the first `n` points, for the terminal: a headline with the
/// most one closure strands and the sums over every point, in settlements and in tagged
/// population, then the points (an `only` column with region polygons).
pub fn vulnerable_table(v: &Vulnerability, region: &Region, n: usize) -> String {
    let unit = v.threshold.unit.name();
    let mut t = String::new();
    let most_settlements = v.points.iter().map(|p| p.stranded_settlements).max();
    let most_population = v.points.iter().map(|p| p.stranded_population).max();
    let settlements: usize = v.points.iter().map(|p| p.stranded_settlements).sum();
    let population: u64 = v
        .points
        .iter()
        .map(|p| p.stranded_population)
        .fold(0u64, u64::saturating_add);
    let _ =
        writeln!(
        t,
        "{} of {} (threshold {}): closing one alone would strand up to {} and up to {} people; \
         {} ({population} people) in all over every point{}{}",
        counted(v.points.len(), "point"),
        v.kind,
        v.threshold,
        counted(most_settlements.unwrap_or(0), "settlement"),
        most_population.unwrap_or(0),
        counted(settlements, "settlement"),
        if v.dropped > 0 {
            format!(" ({} dropped, too far from a road)", counted(v.dropped, "point"))
        } else {
            String::new()
        },
        if v.outside > 0 {
            format!(" ({} outside the extract, left out)", counted(v.outside, "point"))
        } else {
            String::new()
        },
    );
    let with_regions = v.points.iter().any(|p| p.region.is_some());
    let (l, r) = (Align::Left, Align::Right);
    let next = format!("next {unit}");
    let max = format!("max {unit}");
    let mut heads = vec![
        ("rank", r),
        ("id", l),
        ("name", l),
        ("served", r),
        ("served pop", r),
        ("stranded", r),
        ("stranded pop", r),
        (next.as_str(), r),
        (max.as_str(), r),
    ];
    if with_regions {
        heads.push(("only", l));
    }
    let mut table = Columns::new(&heads);
    let num = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}"));
    for (rank, p) in v.points.iter().take(n).enumerate() {
        let s = &region.services[p.service as usize];
        table.push(vec![
            (rank + 1).to_string(),
            s.id.to_string(),
            name_cell(s.name.as_deref().unwrap_or("")),
            p.served_settlements.to_string(),
            p.served_population.to_string(),
            p.stranded_settlements.to_string(),
            p.stranded_population.to_string(),
            num(p.next_mean),
            num(p.next_max),
            if p.only_in_region { "yes" } else { "" }.to_owned(),
        ]);
    }
    t.push_str(&table.render());
    if v.points.len() > n {
        let _ = writeln!(
            t,
            "{} more points: every point is in the GeoJSON and CSV outputs",
            v.points.len() - n
        );
    }
    let _ = writeln!(
        t,
        "\nserved: settlements whose nearest point it is; stranded: of those, within the \
         threshold today and beyond it if this point alone closed; next: distance to their \
         next point (population-weighted mean, and max){}",
        if with_regions {
            "; only: the only point of the kind in its region"
        } else {
            ""
        }
    );
    let tagged = region
        .settlements
        .iter()
        .filter(|s| s.population.is_some())
        .count();
    t.push_str(&population_note(tagged, region.settlements.len()));
    t
}

/// The picks as a short table for the terminal, and why there are fewer than the `k`
/// asked for, if there are.
pub fn suggest_table(
    sg: &Suggestion,
    region: &Region,
    candidates: &Candidates,
    k: usize,
) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{} (threshold {}): {}, population {} in gap ({} on a road); {}{}",
        sg.kind,
        sg.threshold,
        counted(sg.gap_settlements, "settlement"),
        sg.gap_population,
        sg.gap_on_road,
        counted(sg.candidates, "candidate"),
        if sg.candidates_dropped > 0 {
            format!(" ({} dropped, too far from a road)", sg.candidates_dropped)
        } else {
            String::new()
        },
    );
    if sg.picks.is_empty() {
        let _ = writeln!(t, "no candidate brings anyone new within the threshold");
    } else {
        // Main-network nodes have no name: the column is there for named sites.
        let named = (0..sg.picks.len()).any(|rank| {
            sg.id_and_name(region, rank, candidates)
                .1
                .is_some_and(|n| !n.is_empty())
        });
        let (l, r) = (Align::Left, Align::Right);
        let mut heads = vec![("pick", r), ("id", l)];
        if named {
            heads.push(("name", l));
        }
        heads.extend([
            ("lon", r),
            ("lat", r),
            ("new settl.", r),
            ("new pop", r),
            ("gap settl. after", r),
            ("gap pop after", r),
        ]);
        let mut table = Columns::new(&heads);
        for (rank, p) in sg.picks.iter().enumerate() {
            let (id, name) = sg.id_and_name(region, rank, candidates);
            let mut row = vec![(rank + 1).to_string(), id.into_owned()];
            if named {
                row.push(name_cell(name.unwrap_or_default()));
            }
            row.extend([
                format!("{:.6}", p.coord.lon()),
                format!("{:.6}", p.coord.lat()),
                p.settlements.len().to_string(),
                p.covered_population.to_string(),
                p.gap_settlements.1.to_string(),
                p.gap_population.1.to_string(),
            ]);
            table.push(row);
        }
        t.push_str(&table.render());
    }
    t.push('\n');
    if let Some(why) = Shortfall::of(sg, k) {
        let _ = writeln!(t, "picked {} of {k}: {why}", sg.picks.len());
    }
    let tagged = region
        .settlements
        .iter()
        .filter(|s| s.population.is_some())
        .count();
    t.push_str(&population_note(tagged, region.settlements.len()));
    t
}

/// `n` and the noun, plural unless `n` is 1 (`1 point`, `2 points`, `0 points`).
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
