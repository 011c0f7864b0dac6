//! The reading rules from a settings file: speeds per road class, service tags per kind and
//! settlement places change what is read from a real extract exactly as configured, the
//! printed default changes nothing, and bad settings are one clear line.

use servicegap::base::feature::Place;
use servicegap::network::region::Region;
use servicegap::read::profile::Profile;
use servicegap::settings::{Config, DEFAULT_CONFIG};
use servicegap::ServiceKind;

use crate::util::{assert_clean_failure, assert_success, bayreuth, bin, run, tempdir};

fn read(profile: &Profile) -> Region {
    servicegap::open::read_pbf(&bayreuth(), profile).unwrap()
}

fn profile(toml: &str) -> Profile {
    Config::parse(toml)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .profile()
        .unwrap()
}

#[test]
fn the_printed_default_profile_is_the_built_in_one() {
    assert_eq!(profile(DEFAULT_CONFIG), Profile::default());
    assert_eq!(
        profile(DEFAULT_CONFIG).fingerprint(),
        Profile::default().fingerprint()
    );
    assert_ne!(
        profile("[speeds]\nresidential = 31\n").fingerprint(),
        Profile::default().fingerprint()
    );
}

#[test]
fn halving_every_speed_doubles_every_road_time() {
    let base = read(&Profile::default());
    // Every class at half its default and tagged limits at half: every road edge takes twice
    // as long (up to rounding to whole deciseconds); ferries and lengths do not change.
    let mut toml = String::from("[speeds]\nmaxspeed_factor = 0.5\n");
    for class in servicegap::read::profile::HIGHWAY_CLASSES {
        toml.push_str(&format!(
            "{} = {}\n",
            class.tag,
            f64::from(class.default_kmh) / 2.0
        ));
    }
    let slow = read(&profile(&toml));
    assert_eq!(base.graph.edges().len(), slow.graph.edges().len());
    let mut roads = 0;
    for (a, b) in base.graph.edges().iter().zip(slow.graph.edges()) {
        assert_eq!((a.from, a.to, a.length_dm), (b.from, b.to, b.length_dm));
        if a.is_ferry() {
            assert_eq!(a.time_ds, b.time_ds);
        } else {
            roads += 1;
            let doubled = i64::from(a.time_ds) * 2;
            assert!(
                (i64::from(b.time_ds) - doubled).abs() <= 1,
                "way {}: {} ds at default speed, {} ds at half",
                a.way_id,
                a.time_ds,
                b.time_ds
            );
        }
    }
    assert!(roads > 1000, "{roads} road edges");
}

#[test]
fn one_class_speed_changes_only_that_class_without_maxspeed() {
    let base = read(&Profile::default());
    let slow = read(&profile("[speeds]\nunclassified = 25\n"));
    let class = servicegap::read::profile::HIGHWAY_CLASSES
        .iter()
        .position(|c| c.tag == "unclassified")
        .map(|i| i as u8);
    let (mut changed, mut same) = (0, 0);
    for (a, b) in base.graph.edges().iter().zip(slow.graph.edges()) {
        if Some(a.class) == class && b.time_ds != a.time_ds {
            changed += 1;
            // 50 → 25 km/h: twice as long.
            assert!((i64::from(b.time_ds) - 2 * i64::from(a.time_ds)).abs() <= 1);
        } else {
            assert_eq!(a.time_ds, b.time_ds, "way {} of another class", a.way_id);
            same += 1;
        }
    }
    assert!(
        changed > 10 && same > 1000,
        "{changed} changed, {same} same"
    );
}

#[test]
fn service_tags_per_kind_replace_the_defaults_of_that_kind_only() {
    let base = read(&Profile::default());
    let swapped = read(&profile("[services]\ngrocery = [\"amenity=fuel\"]\n"));
    let ids = |r: &Region, kind: ServiceKind| -> Vec<String> {
        r.services
            .iter()
            .filter(|s| s.kinds.contains(kind))
            .map(|s| s.id.to_string())
            .collect()
    };
    // Grocery now means exactly the fuel stations; the other kinds are untouched.
    assert!(!ids(&base, ServiceKind::FUEL).is_empty());
    assert_eq!(
        ids(&swapped, ServiceKind::GROCERY),
        ids(&base, ServiceKind::FUEL)
    );
    for kind in [
        ServiceKind::FUEL,
        ServiceKind::POST,
        ServiceKind::PHARMACY,
        ServiceKind::PAYMENT,
    ] {
        assert_eq!(ids(&swapped, kind), ids(&base, kind), "{kind}");
    }
    // An empty list means no points of that kind.
    let none = read(&profile("[services]\npharmacy = []\n"));
    assert!(ids(&none, ServiceKind::PHARMACY).is_empty());
    assert!(!ids(&base, ServiceKind::PHARMACY).is_empty());
}

#[test]
fn settlement_places_are_configurable() {
    let base = read(&Profile::default());
    let villages = read(&profile("[settlements]\nplaces = [\"village\"]\n"));
    let of = |r: &Region, p: Place| r.settlements.iter().filter(|s| s.place == Some(p)).count();
    assert!(of(&base, Place::Village) > 0 && of(&base, Place::Hamlet) > 0);
    assert_eq!(villages.settlements.len(), of(&base, Place::Village));
    assert_eq!(of(&villages, Place::Village), of(&base, Place::Village));
    // Farms are no settlements by default; a project may add them.
    let farms = read(&profile(
        "[settlements]\nplaces = [\"city\", \"town\", \"village\", \"hamlet\", \"isolated_dwelling\", \"farm\"]\n",
    ));
    assert_eq!(of(&base, Place::Farm), 0);
    assert_eq!(
        farms.settlements.len(),
        base.settlements.len() + of(&farms, Place::Farm)
    );
}

#[test]
fn bad_settings_name_key_and_line() {
    let cases = [
        ("[speeds]\nhighway = 50\n", "highway", Some(2)),
        ("[speeds]\n\nresidential = 0\n", "residential", Some(3)),
        (
            "[speeds]\nmaxspeed_factor = -1\n",
            "maxspeed_factor",
            Some(2),
        ),
        (
            "[services]\ngrocery = [\"supermarket\"]\n",
            "grocery",
            Some(2),
        ),
        (
            "[services]\nbakery = [\"shop=bakery\"]\n",
            "bakery",
            Some(2),
        ),
        (
            "[settlements]\nplaces = [\"village\", \"metropolis\"]\n",
            "metropolis",
            Some(2),
        ),
        (
            "[settlements]\nplaces = [\"village\", \"village\"]\n",
            "twice",
            Some(2),
        ),
    ];
    for (toml, needle, line) in cases {
        let (got_line, message) = Config::parse(toml)
            .map(|_| ())
            .map_err(|e| (e.line, e.to_string()))
            .err()
            .unwrap_or_default();
        assert!(message.contains(needle), "{toml:?}: {message}");
        assert_eq!(got_line, line, "{toml:?}: {message}");
    }
    let (_, message) = Config::parse("[speeds]\nhighway = 50\n")
        .map(|_| ())
        .map_err(|e| (e.line, e.to_string()))
        .err()
        .unwrap_or_default();
    assert!(
        message.contains("residential"),
        "lists the classes: {message}"
    );
}

#[test]
fn cli_reads_the_profile_and_reports_bad_settings_in_one_line() {
    let dir = tempdir();
    let config = dir.path().join("servicegap.toml");
    std::fs::write(&config, "[settlements]\nplaces = [\"village\"]\n").unwrap();
    let out = run(bin()
        .args(["inspect", "--json", "--config"])
        .arg(&config)
        .arg(bayreuth()));
    assert_success(&out, "inspect --config");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_place = &json["settlements"]["by_place"];
    let villages = by_place["village"].as_u64().unwrap_or_default();
    assert!(villages > 0);
    assert_eq!(by_place["hamlet"].as_u64(), Some(0));
    assert_eq!(json["settlements"]["total"].as_u64(), Some(villages));

    std::fs::write(&config, "[speeds]\nresidential = \"fast\"\n").unwrap();
    let out_dir = dir.path().join("out");
    let out = run(bin()
        .args(["analyze", "--config"])
        .arg(&config)
        .arg("--out-dir")
        .arg(&out_dir)
        .arg(bayreuth()));
    assert_clean_failure(&out, &["servicegap.toml:2:", "residential"]);
    assert!(!out_dir.exists(), "nothing written");
}
