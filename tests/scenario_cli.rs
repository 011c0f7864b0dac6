//! `servicegap scenario` end to end on the demo region with the shipped scenario file: the
//! comparison equals full analyses of each scenario's point list (pinned figures too), the diff
//! lists exactly the changed settlements. Bad scenario files are in [`crate::bad_inputs`].

use serde_json::Value;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::base::coord::Coord;
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::network::region::Region;
use servicegap::{ServiceKind, ServiceKinds};
use std::process::Output;

use crate::util::{bayreuth, bin, data, read_json, run, tempdir};

/// Runs `servicegap scenario ARGS`.
fn scenario(args: &[&std::ffi::OsStr]) -> Output {
    run(bin().arg("scenario").args(args))
}

/// The point list of a scenario built by hand: closed points lose their kinds, added ones go
/// at the end.
fn scenario_services(region: &Region, remove: &[&str], add: &[ServicePoint]) -> Vec<ServicePoint> {
    let mut services = region.services.clone();
    for r in remove {
        let s = services
            .iter_mut()
            .find(|s| s.id.to_string() == *r || s.name.as_deref() == Some(r))
            .unwrap_or_else(|| panic!("{r} not in the region"));
        s.kinds = ServiceKinds::EMPTY;
    }
    services.extend(add.iter().cloned());
    services
}

fn point(id: &str, lon: f64, lat: f64, kinds: ServiceKinds, mobile: bool) -> ServicePoint {
    ServicePoint {
        id: FeatureId::File(id.into()),
        name: None,
        kinds,
        coord: Coord::from_degrees(lon, lat),
        form: None,
        mobile,
        seasonal: false,
        capacity: None,
    }
}

#[test]
fn the_shipped_plan_equals_full_analyses() {
    let dir = tempdir();
    let compare = dir.path().join("compare.json");
    let diff = dir.path().join("diff.geojson");
    let plan = data("data/scenarios/bayreuth-plan.toml");
    let out = scenario(&[
        bayreuth().as_os_str(),
        "--scenarios".as_ref(),
        plan.as_os_str(),
        "--compare-out".as_ref(),
        compare.as_os_str(),
        "--diff-out".as_ref(),
        diff.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("Edeka closes") && table.contains("gap settlements"));

    let region =
        servicegap::open::read_pbf(&bayreuth(), &servicegap::read::profile::Profile::default())
            .unwrap();
    let options = AnalysisOptions::default();
    let hand_made = [
        scenario_services(&region, &["node/2023149558"], &[]),
        scenario_services(
            &region,
            &["Edeka", "Lidl"],
            &[point(
                "van-roethelbach",
                11.59405,
                49.99151,
                ServiceKinds::GROCERY,
                true,
            )],
        ),
        scenario_services(
            &region,
            &[],
            &[point(
                "shop-stoeckig",
                11.59887,
                49.97694,
                ServiceKinds::GROCERY | ServiceKinds::POST,
                false,
            )],
        ),
    ];
    let json = read_json(&compare);
    let baseline = analyze(&region, &options);
    let scenarios = json["scenarios"].as_array().cloned().unwrap_or_default();
    assert_eq!(scenarios.len(), 3);
    let diff_json = read_json(&diff);
    let diff_features = diff_json["features"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut expected_diff = 0;
    for (sc, services) in scenarios.iter().zip(&hand_made) {
        let mut changed = region.clone();
        changed.services = services.clone();
        let full = analyze(&changed, &options);
        for (k, kind) in ServiceKind::BUILT_IN.iter().enumerate() {
            let got = &sc["kinds"][kind.name()];
            let want = &full.kinds[k];
            assert_eq!(
                got["gap_settlements"].as_u64(),
                Some(want.gap_settlements as u64),
                "{} {kind}",
                sc["name"]
            );
            assert_eq!(got["gap_population"].as_u64(), Some(want.gap_population));
            assert_eq!(got["services"].as_u64(), Some(want.services as u64));
            assert_eq!(got["km"]["p50"].as_f64(), want.km.p50);
            assert_eq!(got["min"]["p90"].as_f64(), want.min.p90);
            // Shorter/longer counted by hand from the two full analyses.
            let (mut shorter, mut longer) = (0u64, 0u64);
            for (o, n) in baseline.settlements.iter().zip(&full.settlements) {
                let c = |v: Option<u32>| v.map_or(u64::MAX, u64::from);
                let (o, n) = (c(o.kinds[k].length_dm), c(n.kinds[k].length_dm));
                shorter += u64::from(n < o);
                longer += u64::from(n > o);
            }
            assert_eq!(
                got["change"]["shorter"]["settlements"].as_u64(),
                Some(shorter)
            );
            assert_eq!(
                got["change"]["longer"]["settlements"].as_u64(),
                Some(longer)
            );
            expected_diff += baseline
                .settlements
                .iter()
                .zip(&full.settlements)
                .filter(|(o, n)| o.kinds[k] != n.kinds[k])
                .count();
        }
    }
    assert_eq!(diff_features.len(), expected_diff);
    // Pinned: grocery gap settlements of baseline and the three scenarios.
    let gap = |v: &Value| v["kinds"]["grocery"]["gap_settlements"].as_u64();
    assert_eq!(gap(&json["baseline"]), Some(9));
    let pinned: Vec<Option<u64>> = scenarios.iter().map(gap).collect();
    assert_eq!(pinned, [Some(13), Some(18), Some(1)]);
    assert_eq!(
        scenarios[1]["added"][0]["mobile"].as_bool(),
        Some(true),
        "the van is mobile"
    );
}
