//! What the kommun plan pages of the report hold beyond the analysis: the vulnerability of
//! every point of every kind, and the best new sites per kind, for the whole area or for each
//! region polygon.
//!
//! Each part is the same computation as its own command (`vulnerable`, `suggest`), so the
//! report shows the numbers those commands give on the same inputs.

use crate::analysis::AnalysisOptions;
use crate::base::feature::ServiceKind;
use crate::input::regions::Regions;
use crate::network::region::Region;
use crate::whatif::suggest::{suggest, Candidates, Suggestion};
use crate::whatif::vulnerability::{vulnerability, Vulnerability};

/// New sites proposed per kind in the plan pages.
pub const PLAN_SUGGEST_K: usize = 3;

/// The what-if parts of the plan pages.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Per kind, in [`ServiceKind::ALL`] order, the vulnerability of every point.
    pub vulnerability: Vec<Vulnerability>,
    /// Per kind, in [`ServiceKind::ALL`] order: the best `k` new sites among the main-network
    /// nodes, one suggestion for the whole area without regions.
    pub suggestions: Vec<Vec<Suggestion>>,
    /// New sites asked for per kind.
    pub k: usize,
}

impl Plan {
    /// Computes the plan's parts on `region`; `regions` marks the points that are the only
    /// one of their kind in their region.
    pub fn compute(
        region: &Region,
        options: &AnalysisOptions,
        regions: Option<&Regions>,
        k: usize,
    ) -> Plan {
        let vulnerability = ServiceKind::ALL
            .iter()
            .map(|&kind| vulnerability(region, options, kind, regions))
            .collect();
        let suggestions = ServiceKind::ALL
            .iter()
            .map(|&kind| match regions {
                Some(_) => Vec::new(),
                None => vec![suggest(
                    region,
                    options,
                    kind,
                    k,
                    &Candidates::MainNetworkNodes,
                )],
            })
            .collect();
        Plan {
            vulnerability,
            suggestions,
            k,
        }
    }
}
