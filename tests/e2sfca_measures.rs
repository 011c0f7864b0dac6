//! Capacity-aware access beside the other measures of a planner's files: one service file with
//! `mobile`, `seasonal` and `capacity` columns, a settlements file with a population group,
//! `analyze --e2sfca --group`: every measure's columns and summary keys are there together,
//! in their order, and the capacities read beside the seasonal flags are the ones used
//! (E2SFCA is linear in the capacities: doubling every one doubles every value).

use crate::util::{assert_success, bin, read_extract, read_json, run, tempdir, write};
use servicegap::input::services::read_services;
use std::path::Path;

/// The pharmacies' service file: every fifth settlement's place holds one, with capacity
/// `scale` × 1..4, every third one seasonal and every fourth one mobile.
fn pharmacies(region: &servicegap::network::region::Region, scale: u32) -> String {
    let mut rows = String::from("id,kinds,lon,lat,mobile,seasonal,capacity\n");
    for (n, s) in region.settlements.iter().step_by(5).enumerate() {
        let mobile = if n % 4 == 1 { "yes" } else { "no" };
        let seasonal = if n % 3 == 2 { "yes" } else { "" };
        rows.push_str(&format!(
            "p{n},pharmacy,{},{},{mobile},{seasonal},{}\n",
            s.coord.lon(),
            s.coord.lat(),
            scale * (n as u32 % 4 + 1)
        ));
    }
    rows
}

/// Runs `analyze --e2sfca --group pop_70plus` and returns the CSV's header and rows and the
/// summary.
fn analyze(
    dir: &Path,
    name: &str,
    services: &Path,
    settlements: &Path,
) -> (Vec<String>, Vec<Vec<String>>, serde_json::Value) {
    let csv = dir.join(format!("{name}.csv"));
    let summary = dir.join(format!("{name}.json"));
    let out = run(bin()
        .arg("analyze")
        .arg(crate::util::extract("de-north-bayreuth-rural"))
        .arg("--services")
        .arg(services)
        .arg("--settlements")
        .arg(settlements)
        .args(["--group", "pop_70plus", "--e2sfca"])
        .arg("--csv")
        .arg(&csv)
        .arg("--summary")
        .arg(&summary));
    assert_success(&out, name);
    let text = std::fs::read_to_string(&csv).unwrap_or_default();
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>());
    let header = lines.next().unwrap_or_default();
    (header, lines.collect(), read_json(&summary))
}

#[test]
fn e2sfca_with_seasonal_mobile_groups_and_k_nearest() {
    let dir = tempdir();
    let region = read_extract("de-north-bayreuth-rural");
    let mut people = String::from("id,name,population,pop_70plus,lon,lat\n");
    for (n, s) in region.settlements.iter().enumerate() {
        let old = if n % 6 == 0 {
            String::new()
        } else {
            (n % 40).to_string()
        };
        people.push_str(&format!(
            "s{n},S{n},{},{old},{},{}\n",
            100 + n % 250,
            s.coord.lon(),
            s.coord.lat()
        ));
    }
    let settlements = write(dir.path(), "people.csv", &people);
    let once = write(dir.path(), "once.csv", &pharmacies(&region, 1));
    let twice = write(dir.path(), "twice.csv", &pharmacies(&region, 2));
    // The file is read with all three columns.
    let file = read_services(&once, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(file
        .points
        .iter()
        .any(|p| p.seasonal && p.capacity == Some(3.0)));
    assert!(file
        .points
        .iter()
        .any(|p| p.mobile && p.capacity == Some(2.0)));

    let (header, rows, summary) = analyze(dir.path(), "once", &once, &settlements);
    let at = |c: &str| header.iter().position(|h| h == c);
    // The kind's columns in order: without mobile, without seasonal, beyond the nearest, then
    // capacity-aware access.
    let order = [
        "pharmacy_detour",
        "pharmacy_km_fixed",
        "pharmacy_km_yearround",
        "pharmacy_km_2nd",
        "pharmacy_min_mean3",
        "pharmacy_e2sfca",
    ];
    let positions: Vec<Option<usize>> = order.iter().map(|c| at(c)).collect();
    assert!(positions.iter().all(Option::is_some), "{header:?}");
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{header:?}");
    assert_eq!(
        at("pop_70plus"),
        at("population").map(|p| p + 1),
        "{header:?}"
    );
    let pharmacy = &summary["kinds"]["pharmacy"];
    for key in [
        "without_mobile",
        "without_seasonal",
        "groups",
        "e2sfca",
        "min_mean3",
    ] {
        assert!(pharmacy[key].is_object(), "{key}: {pharmacy}");
    }
    assert!(pharmacy["groups"]["pop_70plus"]["population"].as_u64() > Some(0));
    assert!(pharmacy["e2sfca"]["max"].as_f64() > Some(0.0));

    // Twice every capacity: the same columns, every access value twice (to the six
    // significant digits of the output), every other value the same.
    let (header2, rows2, summary2) = analyze(dir.path(), "twice", &twice, &settlements);
    assert_eq!(header, header2);
    assert_eq!(rows.len(), rows2.len());
    let e = at("pharmacy_e2sfca").unwrap_or_default();
    let mut positive = 0;
    for (a, b) in rows.iter().zip(&rows2) {
        for (c, (x, y)) in a.iter().zip(b).enumerate() {
            if c != e {
                assert_eq!(x, y, "{}", header[c]);
            } else if x.is_empty() {
                assert!(y.is_empty());
            } else {
                let (x, y): (f64, f64) =
                    (x.parse().unwrap_or(f64::NAN), y.parse().unwrap_or(f64::NAN));
                assert!((y - 2.0 * x).abs() <= 1e-5 * y.abs(), "{x} {y}");
                positive += usize::from(x > 0.0);
            }
        }
    }
    assert!(positive > 0);
    assert_eq!(
        summary2["kinds"]["pharmacy"]["groups"],
        summary["kinds"]["pharmacy"]["groups"]
    );
}

/// Rows under one id must agree on `seasonal` and on `capacity`, each named when they do not.
#[test]
fn merged_rows_agree_on_seasonal_and_capacity() {
    let dir = tempdir();
    for (rows, what) in [
        (
            "a,grocery,11.5,49.9,yes,2\na,post,11.5,49.9,,2\n",
            "another `seasonal` value",
        ),
        (
            "a,grocery,11.5,49.9,yes,2\na,post,11.5,49.9,yes,3\n",
            "another `capacity` value",
        ),
    ] {
        let path = write(
            dir.path(),
            "m.csv",
            &format!("id,kinds,lon,lat,seasonal,capacity\n{rows}"),
        );
        let e = read_services(&path, None).err().map(|e| e.to_string());
        assert!(e.as_ref().is_some_and(|e| e.contains(what)), "{e:?}");
    }
    let path = write(
        dir.path(),
        "ok.csv",
        "id,kinds,lon,lat,seasonal,capacity\na,grocery,11.5,49.9,yes,2\na,post,11.5,49.9,1,2\n",
    );
    let file = read_services(&path, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.points.len(), 1);
    assert!(file.points[0].seasonal && file.points[0].capacity == Some(2.0));
}
