//! Writing results: settlements as GeoJSON and CSV, the summary as JSON and as a table, the
//! network, the service points and their catchments as GeoJSON.
//!
//! Files are written through a [`crate::store::output::OutputSet`], so a failed run leaves no
//! output behind. GeoJSON follows
//! RFC 7946: a FeatureCollection in WGS 84, coordinates as (lon, lat). Numbers are rounded to
//! 0.01 (km, minutes, metres); missing values are `null` (empty in CSV).
//!
//! One file per format: `geojson` (settlements, network, services, catchments, regions and a
//! scenario's diff), `csv` (settlements), `json` (summary.json, compare.json) and `table` (the
//! printed summary and comparison); [`inspect`] is `inspect`'s report. What they share lives
//! here: the settlement properties every settlement file carries, the region groups, and the
//! conversions from the integer decimetres and deciseconds to rounded km and minutes. Every
//! writer is re-exported here, so callers name `report::settlements_csv` and never the file.

pub(crate) mod csv;
pub mod fgb;
mod geojson;
pub mod gpkg;
pub mod inspect;
mod json;
pub mod layer;
mod table;

pub use self::csv::settlements_csv;
pub use self::geojson::{
    catchments_geojson, diff_geojson, network_geojson, regions_geojson, services_geojson,
    settlements_geojson,
};
pub use self::json::{compare_json, compare_json_to, summary_json, summary_json_to};
pub use self::table::{compare_table, scenario_kinds, summary_table};

use crate::analysis::{round2, Analysis, KindResult, SettlementResult};
use crate::base::feature::{Place, ServiceKind, Settlement};
use crate::network::region::Region;
use serde_json::{json, Map, Value};

/// Settlements grouped into region polygons (`--regions`): the polygons, each settlement's
/// region (`None` outside every polygon) and the per-region summaries.
pub struct RegionGroups<'a> {
    /// The polygons.
    pub regions: &'a crate::input::regions::Regions,
    /// Region of each settlement, in the region's settlement order.
    pub of_settlement: Vec<Option<usize>>,
    /// Per region, per kind.
    pub summaries: Vec<Vec<crate::analysis::KindSummary>>,
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
        }
    }

    /// The region name of `settlement` as a property value, `null` outside every polygon.
    fn name_of(&self, settlement: usize) -> Value {
        self.of_settlement[settlement].map_or(Value::Null, |r| json!(self.regions.name(r)))
    }
}

/// Decimetres as km rounded to 0.01, `null` when unreached.
fn km(dm: Option<u32>) -> Value {
    dm.map_or(Value::Null, |d| json!(round2(f64::from(d) / 10_000.0)))
}

/// Deciseconds as minutes rounded to 0.01, `null` when unreached.
fn minutes(ds: Option<u32>) -> Value {
    ds.map_or(Value::Null, |d| json!(round2(f64::from(d) / 600.0)))
}

/// The id of the service point at `index`, `null` for none.
fn service_id(region: &Region, index: Option<u32>) -> Value {
    index.map_or(Value::Null, |j| {
        json!(region.services[j as usize].id.to_string())
    })
}

/// The properties of one settlement, in output order: per kind `K_km`, `K_min`, `K_nearest`
/// (by length), `K_gap`, `K_line_km` (straight line to the nearest point), `K_detour` (road km
/// over straight km), and for a kind with mobile points `K_km_fixed`, `K_min_fixed`,
/// `K_gap_fixed` (the same without mobile points). For a settlement outside the extract (status
/// `outside`) every value, `K_gap` too, is `null`.
pub fn settlement_properties(
    region: &Region,
    s: &Settlement,
    r: &SettlementResult,
    region_name: Option<Value>,
) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("id".into(), json!(s.id.to_string()));
    p.insert("name".into(), json!(s.name));
    p.insert("place".into(), json!(s.place.map(Place::name)));
    p.insert("population".into(), json!(s.population));
    p.insert("status".into(), json!(r.status.name()));
    p.insert(
        "snap_m".into(),
        r.snap.map_or(Value::Null, |sn| json!(round2(sn.snap_m))),
    );
    p.insert("island".into(), json!(r.island));
    if let Some(name) = region_name {
        p.insert("region".into(), name);
    }
    let mut gaps = Vec::new();
    for (k, (kind, kr)) in ServiceKind::ALL.iter().zip(&r.kinds).enumerate() {
        let KindResult {
            length_dm,
            time_ds,
            nearest_by_length,
            gap,
            ..
        } = *kr;
        p.insert(format!("{kind}_km"), km(length_dm));
        p.insert(format!("{kind}_min"), minutes(time_ds));
        p.insert(
            format!("{kind}_nearest"),
            service_id(region, nearest_by_length),
        );
        // Outside the extract: not analysed, so neither in gap nor out of it.
        let analysed = r.status != crate::analysis::Status::Outside;
        let gap_value = |gap: bool| if analysed { json!(gap) } else { Value::Null };
        p.insert(format!("{kind}_gap"), gap_value(gap));
        p.insert(
            format!("{kind}_line_km"),
            km(r.line[k].map(|l| l.length_dm)),
        );
        p.insert(format!("{kind}_detour"), json!(r.detour(k).map(round2)));
        if let Some(fixed) = &r.without_mobile[k] {
            p.insert(format!("{kind}_km_fixed"), km(fixed.length_dm));
            p.insert(format!("{kind}_min_fixed"), minutes(fixed.time_ds));
            p.insert(format!("{kind}_gap_fixed"), gap_value(fixed.gap));
        }
        if gap {
            gaps.push(kind.name());
        }
    }
    p.insert("gaps".into(), json!(gaps));
    p
}

/// Shares keep six decimals: the legal limit for cash is 0.30 % = 0.003.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
