//! The printed tables: the summary of one analysis, and a baseline against its scenarios.
//! Both are plain text for a terminal, returned as a string for the binary to print.

use crate::analysis::{Analysis, KindSummary, Status};
use crate::base::feature::{ServiceKind, ServicePoint};
use crate::network::region::Region;
use crate::whatif::scenario::{KindChange, Outcome};
use std::fmt::Write as _;

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |x| format!("{x:.2}"))
}

/// The summary as a human-readable table.
pub fn summary_table(file: &str, region: &Region, analysis: &Analysis) -> String {
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
    let _ = writeln!(
        s,
        "\n{:<9} {:>9} {:>7} {:>8} {:>9} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "kind",
        "threshold",
        "points",
        "in gap",
        "gap pop",
        "gap %pop",
        "unreach",
        "km p50",
        "km p90",
        "km max",
        "min p50",
        "min p90"
    );
    for k in &analysis.kinds {
        let all = crate::analysis::GapFigures {
            services: k.services,
            gap_settlements: k.gap_settlements,
            gap_population: k.gap_population,
            gap_share_population: k.gap_share_population,
            gap_share_settlements: k.gap_share_settlements,
            unreachable: k.unreachable,
            km: k.km,
            min: k.min,
        };
        let rows = std::iter::once((k.kind.name(), &all))
            .chain(k.without_mobile.as_ref().map(|f| (" fixed", f)));
        for (label, f) in rows {
            let _ = writeln!(
                s,
                "{:<9} {:>9} {:>7} {:>8} {:>9} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7}",
                label,
                k.threshold.to_string(),
                f.services,
                format!("{}/{}", f.gap_settlements, k.settlements),
                f.gap_population,
                f.gap_share_population
                    .map_or("-".into(), |x| format!("{:.2}", x * 100.0)),
                f.unreachable,
                fmt_opt(f.km.p50),
                fmt_opt(f.km.p90),
                fmt_opt(f.km.max),
                fmt_opt(f.min.p50),
                fmt_opt(f.min.p90),
            );
        }
    }
    let _ = writeln!(
        s,
        "\nin gap: beyond the threshold, or no point of the kind reachable (unreach), or no road;\n\
         gap pop and %pop count tagged population only; km and min are to the nearest point"
    );
    if !analysis.mobile_kinds.is_empty() {
        let _ = writeln!(
            s,
            "fixed: the same without mobile points (shop vans, library bus stops), for the kinds \
             that have them"
        );
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
    if touched.is_empty() {
        ServiceKind::ALL.to_vec()
    } else {
        touched.iter().collect()
    }
}

/// The side-by-side comparison as a table: baseline and each scenario as columns, per kind
/// the gap figures, quantiles and how many people got nearer or farther.
pub fn compare_table(
    file: &str,
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
    let mut header = vec![String::new(), "baseline".to_owned()];
    header.extend(outcomes.iter().map(|o| o.name.clone()));
    for kind in scenario_kinds(baseline_services, outcomes) {
        let k = kind as usize;
        let t = &baseline.kinds[k].threshold;
        let mut rows: Vec<Vec<String>> = vec![header.clone()];
        rows[0][0] = format!("{kind} (gap > {t})");
        let summaries: Vec<&KindSummary> = std::iter::once(&baseline.kinds[k])
            .chain(outcomes.iter().map(|o| &o.analysis.kinds[k]))
            .collect();
        let mut row = |label: &str, f: &dyn Fn(&KindSummary) -> String| {
            let mut r = vec![label.to_owned()];
            r.extend(summaries.iter().map(|x| f(x)));
            rows.push(r);
        };
        row("points", &|x| x.services.to_string());
        row("gap settlements", &|x| x.gap_settlements.to_string());
        row("gap population", &|x| x.gap_population.to_string());
        row("gap share %", &|x| {
            fmt_opt(x.gap_share_population.map(|v| v * 100.0))
        });
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
            rows.push(r);
        }
        let widths: Vec<usize> = (0..header.len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let _ = writeln!(s);
        for r in &rows {
            let mut line = format!("{:<w$}", r[0], w = widths[0]);
            for (c, cell) in r.iter().enumerate().skip(1) {
                let _ = write!(line, "  {:>w$}", cell, w = widths[c]);
            }
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    s
}
