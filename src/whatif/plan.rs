//! What the kommun plan pages of the report hold beyond the analysis: the vulnerability of
//! every point of every kind, the best new sites per kind for the whole area or within each
//! region polygon, and the support screening (how far each grocery and fuel point is from the
//! next one of its kind).
//!
//! Each part is the same computation as its own command (`vulnerable`, `suggest`,
//! `suggest --in-region`), so the report shows the numbers those commands give on the same
//! inputs.

use crate::analysis::fields::Snapped;
use crate::analysis::{Analysis, AnalysisOptions};
use crate::input::regions::Regions;
use crate::network::region::Region;
use crate::whatif::screening::{screening, Screening};
use crate::whatif::suggest::{suggest_in_regions_with, suggest_with, Suggestion};
use crate::whatif::vulnerability::{vulnerability_with, Vulnerability};

/// New sites proposed per kind in the plan pages.
pub const PLAN_SUGGEST_K: usize = 3;

/// The what-if parts of the plan pages.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Per kind, by [`ServiceKind::index`], the vulnerability of every point.
    pub vulnerability: Vec<Vulnerability>,
    /// Per kind, by [`ServiceKind::index`]: the best `k` new sites among the main-network
    /// nodes, one suggestion per region polygon (its own candidates and settlements), or one
    /// for the whole area without regions.
    pub suggestions: Vec<Vec<Suggestion>>,
    /// The support screening of each kind with a limit (the analysis's next points).
    pub screening: Vec<Screening>,
    /// New sites asked for per kind.
    pub k: usize,
}

impl Plan {
    /// Computes the plan's parts on `region` and its `analysis`; `regions` marks the points
    /// that are the only one of their kind in their region.
    pub fn compute(
        region: &Region,
        analysis: &Analysis,
        options: &AnalysisOptions,
        regions: Option<&Regions>,
        k: usize,
    ) -> Plan {
        // One snapping and one core graph for every search of the plan.
        let snapped = Snapped::new(region, options);
        let vulnerability = region
            .kinds
            .iter()
            .map(|kind| vulnerability_with(&snapped, region, options, kind, regions))
            .collect();
        let suggestions = region
            .kinds
            .iter()
            .map(|kind| match regions {
                Some(regions) => {
                    suggest_in_regions_with(&snapped, region, options, (kind, k), regions)
                }
                None => vec![suggest_with(&snapped, region, options, kind, k)],
            })
            .collect();
        let screening = screening(analysis);
        Plan {
            vulnerability,
            suggestions,
            screening,
            k,
        }
    }
}
