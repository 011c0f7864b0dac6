//! Writing results: settlements as GeoJSON and CSV, the summary as JSON and as a table, the
//! network, the service points and their catchments as GeoJSON.
//!
//! Files are written through a [`crate::store::output::OutputSet`], so a failed run leaves no
//! output behind. GeoJSON follows
//! RFC 7946: a FeatureCollection in WGS 84, coordinates as (lon, lat). Numbers are rounded to
//! 0.01 (km, minutes, metres); missing values are `null` (empty in CSV).
//!
//! Every table-shaped output (settlements, services, catchments, network, regions, a
//! scenario's diff, vulnerable and suggest results) is a [`layer::Layer`] (in `layers`,
//! re-exported here), written by the format's writer: [`geojson::write_layer`] and
//! [`csv::write_layer`], [`gpkg::write_gpkg`] (every layer in one GeoPackage, styled for QGIS)
//! and [`fgb::write_fgb`] (one layer as FlatGeobuf). Besides, `json` writes summary.json and
//! compare.json, `table` the printed tables, and [`inspect`] is `inspect`'s report. What they
//! share lives here: the region groups, the rounding of shares, and the vulnerable CSV (its
//! header even without rows).

pub mod csv;
pub mod fgb;
pub mod geojson;
pub mod gpkg;
pub mod html;
pub mod inspect;
mod json;
pub mod layer;
mod layers;
mod table;

pub use self::json::{
    compare_json, compare_json_to, json_document, suggest_json, summary_json, summary_json_to,
    vulnerable_json, JSON_VERSION,
};
pub use self::layers::{
    CatchmentsLayer, DiffLayer, NetworkLayer, RegionsLayer, ServicesLayer, SettlementsLayer,
    SuggestLayer, VulnerableLayer,
};
pub use self::table::{
    compare_table, scenario_kinds, suggest_table, summary_table, vulnerable_table, Shortfall,
};

use self::layer::Layer as _;
use crate::analysis::Analysis;
use crate::network::region::Region;
use std::io::{self, Write};

/// Settlements grouped into region polygons (`--regions`): the polygons, each settlement's
/// region (`None` outside every polygon) and the per-region summaries.
pub struct RegionGroups<'a> {
    /// The polygons.
    pub regions: &'a crate::input::regions::Regions,
    /// Region of each settlement, in the region's settlement order.
    pub of_settlement: Vec<Option<usize>>,
    /// Per region, per kind.
    pub summaries: Vec<Vec<crate::analysis::KindSummary>>,
    /// The population groups the summaries hold figures of
    /// ([`crate::network::region::Region::groups`]).
    pub population_groups: Vec<String>,
    /// The region's kinds, in the summaries' order.
    pub kinds: crate::Kinds,
}

impl<'a> RegionGroups<'a> {
    /// Assigns every settlement to the polygon containing it and summarises each region.
    pub fn new(
        regions: &'a crate::input::regions::Regions,
        region: &Region,
        analysis: &Analysis,
        options: &crate::analysis::AnalysisOptions,
    ) -> Self {
        let points: Vec<(f64, f64)> = region
            .settlements
            .iter()
            .map(|s| (s.coord.lon(), s.coord.lat()))
            .collect();
        let of_settlement = regions.locate_all(&points);
        let mut members = vec![Vec::new(); regions.len()];
        for (i, r) in of_settlement.iter().enumerate() {
            if let Some(r) = r {
                members[*r].push(i);
            }
        }
        let summaries = members
            .iter()
            .map(|m| crate::analysis::summarize_group(region, analysis, options, m))
            .collect();
        RegionGroups {
            regions,
            of_settlement,
            summaries,
            population_groups: region.groups.clone(),
            kinds: region.kinds.clone(),
        }
    }

    /// The region name of `settlement`, `None` outside every polygon.
    pub fn name_of(&self, settlement: usize) -> Option<&str> {
        self.of_settlement[settlement].map(|r| self.regions.name(r))
    }
}

/// Shares keep six decimals: the legal limit for cash is 0.30 % = 0.003.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Capacity-aware access (E2SFCA, capacity per person) as the outputs give it: per 1 000
/// inhabitants, to six significant digits (the values span several orders of magnitude, so a
/// fixed number of decimals would lose the small ones).
pub fn e2sfca_per_1000(per_person: f64) -> f64 {
    let x = per_person * 1000.0;
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    // Formatting is exact and the same on every platform: round-trip through six digits.
    format!("{x:.5e}").parse().unwrap_or(x)
}

/// Writes the ranked points of a vulnerability as CSV, its header even when no point is
/// listed.
///
/// # Errors
/// Any error of `w`.
pub fn vulnerable_csv(w: &mut impl Write, layer: &VulnerableLayer<'_>) -> io::Result<()> {
    if layer.is_empty() {
        return csv::write_header(w, layer);
    }
    csv::write_layer(w, layer)
}
