//! One planner's project end to end: a services file with a seasonal shop and a settlements
//! file with a 70+ population column, through `analyze`, with the new figures checked against
//! counts made here from the written layers (and the year-round distances against a run
//! without the seasonal shop).

use crate::util::{assert_success, bayreuth, bin, read_json, run, tempdir, write};
use serde_json::Value as Json;
use std::path::Path;

const SETTLEMENTS: &str = "id,name,population,pop_70plus,lon,lat\n\
    a,Aheim,120,30,11.5900,49.9900\n\
    b,Bdorf,80,,11.6200,49.9800\n\
    c,Cstadt,400,95,11.5700,50.0000\n\
    d,Dweiler,60,25,11.6100,49.9950\n\
    e,Efeld,35,12,11.6500,50.0200\n";

/// A year-round shop and a summer kiosk that is also a parcel agent.
const SERVICES: &str = "id,name,kinds,lon,lat,seasonal\n\
    shop,Dorfladen,grocery,11.59405,49.99151,no\n\
    kiosk,Sommerkiosk,grocery;post,11.6012,49.9876,yes\n";

/// The same shop alone: the year-round reference.
const YEAR_ROUND: &str = "id,name,kinds,lon,lat,seasonal\n\
    shop,Dorfladen,grocery,11.59405,49.99151,no\n\
    kiosk,Sommerkiosk,post,11.6012,49.9876,no\n";

fn analyze(dir: &Path, services: &str) -> (Json, Vec<Json>, Vec<Json>) {
    let settlements = write(dir, "settlements.csv", SETTLEMENTS);
    let services = write(dir, "services.csv", services);
    let out_dir = dir.join("out");
    let out = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .arg("--settlements")
        .arg(&settlements)
        .arg("--services")
        .arg(&services)
        .args(["--group", "pop_70plus", "--out-dir"])
        .arg(&out_dir));
    assert_success(&out, "analyze");
    let props = |name: &str| -> Vec<Json> {
        read_json(&out_dir.join(name))["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"].clone())
            .collect()
    };
    (
        read_json(&out_dir.join("summary.json")),
        props("settlements.geojson"),
        props("services.geojson"),
    )
}

#[test]
fn a_seasonal_shop_and_a_70_plus_column_give_their_figures() {
    let dir = tempdir();
    let (summary, settlements, services) = analyze(dir.path(), SERVICES);
    let reference = tempdir();
    let (_, year_round, _) = analyze(reference.path(), YEAR_ROUND);

    // The kiosk is seasonal in services.geojson, and each shop's next grocery is the other.
    let kiosk = services.iter().find(|s| s["id"] == "kiosk").unwrap();
    let shop = services.iter().find(|s| s["id"] == "shop").unwrap();
    assert_eq!(
        (kiosk["seasonal"].as_bool(), shop["seasonal"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(shop["grocery_next"], "kiosk");
    assert_eq!(kiosk["grocery_next"], "shop");
    assert!(shop["post_next_km"].is_null(), "the shop is no post point");

    // Year-round figures: those of the run without the kiosk as a grocery point.
    let grocery = &summary["kinds"]["grocery"];
    assert_eq!(grocery["without_seasonal"]["services"], 1);
    assert!(summary["kinds"]["post"]["without_seasonal"]["services"] == 0);
    for (s, r) in settlements.iter().zip(&year_round) {
        assert_eq!(s["id"], r["id"]);
        for (ours, theirs) in [
            ("grocery_km_yearround", "grocery_km"),
            ("grocery_min_yearround", "grocery_min"),
            ("grocery_gap_yearround", "grocery_gap"),
        ] {
            assert_eq!(s[ours], r[theirs], "{}: {ours}", s["id"]);
        }
        let (km, winter) = (
            s["grocery_km"].as_f64().unwrap(),
            s["grocery_km_yearround"].as_f64().unwrap(),
        );
        assert!(km <= winter, "{}: never nearer without a point", s["id"]);
        // Two grocery points: the second nearest is the one that is not the nearest.
        assert!(s["grocery_km_2nd"].as_f64().unwrap() >= km);
        assert!(s["grocery_min_mean3"].is_null(), "only two grocery points");
    }

    // The 70+ group: its population, gap and Pipos far figures from the layer's columns.
    let group = &grocery["groups"]["pop_70plus"];
    let people = |s: &Json| s["pop_70plus"].as_u64();
    let known: u64 = settlements.iter().filter_map(people).sum();
    assert_eq!(group["population"].as_u64(), Some(known));
    let gap: u64 = settlements
        .iter()
        .filter(|s| s["grocery_gap"] == true)
        .filter_map(people)
        .sum();
    assert_eq!(group["gap_population"].as_u64(), Some(gap));
    assert_eq!(group["far_km"].as_f64(), Some(5.0));
    let far: Vec<&Json> = settlements
        .iter()
        .filter(|s| s["grocery_km"].as_f64().is_some_and(|km| km >= 5.0))
        .collect();
    let far_people: u64 = far.iter().copied().filter_map(people).sum();
    assert_eq!(group["far_population"].as_u64(), Some(far_people));
    let far_km: f64 = far
        .iter()
        .filter_map(|s| Some(s["grocery_km"].as_f64()? * people(s)? as f64))
        .sum();
    let got = group["far_total_km"].as_f64().unwrap();
    // The layer's km are rounded to 0.01: at most 0.005 km per person off.
    assert!(
        (got - far_km).abs() <= 0.005 * far_people as f64 + 0.01,
        "{got} vs {far_km}"
    );
    assert!(
        far_people > 0 && known > far_people,
        "some 70+ people far, some near"
    );
}
