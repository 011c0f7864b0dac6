//! The support screening of a commercial-service plan: which points of a kind lie farther than
//! a limit from the next point of the kind ([`crate::analysis::next`]). Särskilt driftstöd
//! needs a grocery store more than 10 km by the shortest car route from the next full-range
//! store; the fuel-station aid needed more than 15 km to the next station. The limits are
//! settings ([`crate::analysis::AnalysisOptions::support`]), per kind, in km or minutes.
//!
//! A point **beyond** the limit is one whose next point is farther than the limit by the
//! limit's metric (road length for km, car time for minutes), compared as the analysis
//! compares a settlement with its threshold, or one that reaches no other point of the kind.

use crate::analysis::next::{NextPoint, NextPoints};
use crate::analysis::{Analysis, Threshold, Unit};
use crate::base::feature::ServiceKind;
use crate::route::Metric;
use crate::whatif::vulnerability::value;

/// How far each point of one kind is from the next point of the kind, with the kind's limit.
#[derive(Clone, Debug)]
pub struct Screening {
    /// The kind.
    pub kind: ServiceKind,
    /// The limit beyond which a point is listed; its unit chooses the metric.
    pub limit: Threshold,
    /// The next point by road length.
    pub by_length: NextPoints,
    /// The next point by car time (the same points, in the same order).
    pub by_time: NextPoints,
}

impl Screening {
    /// The screening of one kind from its next points by length and by time.
    pub fn new(
        kind: ServiceKind,
        limit: Threshold,
        by_length: NextPoints,
        by_time: NextPoints,
    ) -> Self {
        Screening {
            kind,
            limit,
            by_length,
            by_time,
        }
    }

    /// Whether `point` (one of this kind's listed points, by length or by time) lies beyond the
    /// limit: its next point by the limit's metric is farther, or it reaches none.
    pub fn is_beyond(&self, by_length: &NextPoint, by_time: &NextPoint) -> bool {
        is_beyond(self.limit, by_length, by_time)
    }

    /// The listed points beyond the limit, in service-index order.
    pub fn beyond(&self) -> Vec<u32> {
        self.by_length
            .points
            .iter()
            .zip(&self.by_time.points)
            .filter(|(l, t)| self.is_beyond(l, t))
            .map(|(l, _)| l.service)
            .collect()
    }
}

/// The screening of every kind with a limit ([`crate::analysis::KindSummary::support`]), from
/// the next points `analysis` searched (none when it searched none: the analyses a scenario
/// assembles).
pub fn screening(analysis: &Analysis) -> Vec<Screening> {
    analysis
        .kinds
        .iter()
        .filter_map(|k| {
            let by_length = analysis.next_of(k.kind, Metric::Length)?.clone();
            let by_time = analysis.next_of(k.kind, Metric::Time)?.clone();
            Some(Screening::new(k.kind, k.support?, by_length, by_time))
        })
        .collect()
}

/// Whether a point with these next points lies beyond `limit` (see [`Screening::is_beyond`]).
pub fn is_beyond(limit: Threshold, by_length: &NextPoint, by_time: &NextPoint) -> bool {
    let next = match limit.unit {
        Unit::Km => by_length.next,
        Unit::Min => by_time.next,
    };
    next.is_none_or(|(cost, _)| value(cost, limit.unit) > limit.value)
}
