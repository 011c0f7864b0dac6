//! Site suggestion against brute force: for every candidate, add a service point there, rerun
//! the whole analysis and count who is newly within the threshold; the greedy picks (first
//! and later ones) must equal picking the best candidate this way, on seeded random networks.

use crate::util::random::random_region_with;
use crate::util::{assert_clean_failure, assert_nothing_left, bin, read_extract, run, tempdir};
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::base::coord::Coord;
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::network::graph::NodeIdx;
use servicegap::network::region::Region;
use servicegap::whatif::suggest::{suggest, Candidates, Site};
use servicegap::{ServiceKind, ServiceKinds};

/// Brute-force greedy: `(candidate, covered settlements, covered population)` per pick.
fn brute_force(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    k: usize,
    places: &[Coord],
) -> Vec<(u32, Vec<u32>, u64)> {
    let g = kind.index();
    let gaps = |r: &Region| -> Vec<bool> {
        analyze(r, options)
            .settlements
            .iter()
            .map(|s| s.kinds[g].gap)
            .collect()
    };
    let mut current = region.clone();
    let mut in_gap = gaps(&current);
    let mut picks = Vec::new();
    for _ in 0..k {
        let mut best: Option<(u64, usize, std::cmp::Reverse<u32>, Vec<u32>)> = None;
        for (c, &coord) in places.iter().enumerate() {
            let mut with = current.clone();
            with.services.push(ServicePoint {
                id: FeatureId::File(format!("candidate {c}")),
                name: None,
                kinds: ServiceKinds::of(kind),
                coord,
                form: None,
                mobile: false,
                seasonal: false,
                capacity: None,
            });
            let after = gaps(&with);
            let newly: Vec<u32> = (0..in_gap.len() as u32)
                .filter(|&i| in_gap[i as usize] && !after[i as usize])
                .collect();
            let population = newly
                .iter()
                .map(|&i| region.settlements[i as usize].population.unwrap_or(0))
                .sum();
            let key = (population, newly.len(), std::cmp::Reverse(c as u32), newly);
            if !key.3.is_empty() && best.as_ref().is_none_or(|b| key > *b) {
                best = Some(key);
            }
        }
        let Some((population, _, std::cmp::Reverse(c), newly)) = best else {
            break;
        };
        current.services.push(ServicePoint {
            id: FeatureId::File(format!("pick {c}")),
            name: None,
            kinds: ServiceKinds::of(kind),
            coord: places[c as usize],
            form: None,
            mobile: false,
            seasonal: false,
            capacity: None,
        });
        in_gap = gaps(&current);
        picks.push((c, newly, population));
    }
    picks
}

fn compare(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    candidates: &Candidates,
    places: &[Coord],
    what: &str,
) -> usize {
    let k = 3;
    let got = suggest(region, options, kind, k, candidates);
    let expected = brute_force(region, options, kind, k, places);
    let got_picks: Vec<(u32, Vec<u32>, u64)> = got
        .picks
        .iter()
        .map(|p| (p.candidate, p.settlements.clone(), p.covered_population))
        .collect();
    assert_eq!(got_picks, expected, "{what}");
    let base = analyze(region, options);
    let summary = &base.kinds[kind.index()];
    assert_eq!(got.gap_settlements, summary.gap_settlements, "{what}");
    assert_eq!(got.gap_population, summary.gap_population, "{what}");
    let mut gap = (summary.gap_settlements, summary.gap_population);
    for p in &got.picks {
        assert_eq!((p.gap_settlements.0, p.gap_population.0), gap, "{what}");
        gap = (gap.0 - p.settlements.len(), gap.1 - p.covered_population);
        assert_eq!((p.gap_settlements.1, p.gap_population.1), gap, "{what}");
    }
    got.picks.len()
}

#[test]
fn node_picks_equal_brute_force_greedy_on_random_networks() {
    let mut picks = 0;
    for seed in 0..40 {
        let (region, options) = random_region(seed, 4);
        let g = &region.graph;
        let nodes: Vec<Coord> = (0..g.node_count() as u32)
            .map(NodeIdx)
            .filter(|&v| g.component(v) == 0)
            .map(|v| g.coord(v))
            .collect();
        for kind in [ServiceKind::GROCERY, ServiceKind::POST] {
            picks += compare(
                &region,
                &options,
                kind,
                &Candidates::MainNetworkNodes,
                &nodes,
                &format!("seed {seed}, {kind}"),
            );
        }
    }
    assert!(picks > 60, "only {picks} picks over all seeds");
}

/// 1 to 29 random candidate sites `s0`, `s1`, ... for `seed`, and their locations.
pub(crate) fn random_sites(seed: u64) -> (Vec<Coord>, Candidates) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xc0ffee);
    let places: Vec<Coord> = (0..rng.gen_range(1..30))
        .map(|_| crate::util::random::random_point(&mut rng))
        .collect();
    let sites = places
        .iter()
        .enumerate()
        .map(|(i, &coord)| Site {
            id: format!("s{i}"),
            name: None,
            coord,
        })
        .collect();
    (places, Candidates::Sites(sites))
}

#[test]
fn site_picks_equal_brute_force_greedy_on_random_networks() {
    let mut picks = 0;
    for seed in 0..40 {
        let (region, options) = random_region(seed, 4);
        let (places, sites) = random_sites(seed);
        picks += compare(
            &region,
            &options,
            ServiceKind::GROCERY,
            &sites,
            &places,
            &format!("seed {seed}"),
        );
    }
    assert!(picks > 30, "only {picks} picks over all seeds");
}

/// Liechtenstein, grocery within 2 km, every main-network node a candidate: pinned picks, and
/// the analysis rerun with the picks added agrees with the reported gap after them.
#[test]
fn node_picks_on_a_real_extract() {
    let region = read_extract("li-liechtenstein-2021");
    let mut options = AnalysisOptions::default();
    options
        .set_thresholds(
            &servicegap::Kinds::default(),
            &["grocery=2km".parse().unwrap()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let got = suggest(
        &region,
        &options,
        ServiceKind::GROCERY,
        3,
        &Candidates::MainNetworkNodes,
    );
    let g = &region.graph;
    let picks: Vec<(i64, usize, u64, u64)> = got
        .picks
        .iter()
        .map(|p| {
            let node = p.node.unwrap_or_else(|| panic!("a node pick"));
            (
                g.osm_id(node),
                p.settlements.len(),
                p.covered_population,
                p.gap_population.1,
            )
        })
        .collect();
    assert_eq!(
        picks,
        [
            (545769846, 2, 5792, 445),
            (31998107, 2, 445, 0),
            (300208509, 6, 0, 0)
        ]
    );
    assert_eq!((got.gap_settlements, got.gap_population), (22, 6237));
    let mut with = region.clone();
    for p in &got.picks {
        with.services.push(ServicePoint {
            id: FeatureId::File(format!("pick {}", p.candidate)),
            name: None,
            kinds: ServiceKinds::GROCERY,
            coord: p.coord,
            form: None,
            mobile: false,
            seasonal: false,
            capacity: None,
        });
    }
    let after = &analyze(&with, &options).kinds[ServiceKind::GROCERY.index()];
    let last = &got.picks[2];
    assert_eq!(
        (after.gap_settlements, after.gap_population),
        (last.gap_settlements.1, last.gap_population.1)
    );
}

/// Runs `servicegap ARGS -o OUT` and asserts a clean failure: exit code 2, nothing on
/// stdout, one stderr line containing each of `what`, and no output file.
fn assert_fails(args: &[&str], what: &[&str]) {
    let dir = tempdir();
    let out_path = dir.path().join("out.geojson");
    let out = run(bin().args(args).arg("-o").arg(&out_path));
    assert_clean_failure(&out, what);
    assert!(!out_path.exists(), "{args:?}: output written");
    assert_nothing_left(dir.path(), &format!("{args:?}"));
}

#[test]
fn bad_input_fails_on_one_line() {
    let pbf = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/osm/li-liechtenstein-2021.osm.pbf"
    );
    let dir = tempdir();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name,lon,lat\na,A,9.52,47.2\nb,B,abc,47.1\n").unwrap();
    let empty = dir.path().join("empty.geojson");
    std::fs::write(&empty, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    let line = dir.path().join("line.geojson");
    std::fs::write(
        &line,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
        "geometry":{"type":"LineString","coordinates":[[9.5,47.1],[9.6,47.2]]}}]}"#,
    )
    .unwrap();
    let (bad, empty, line) = (
        bad.display().to_string(),
        empty.display().to_string(),
        line.display().to_string(),
    );
    assert_fails(
        &["suggest", pbf, "--kind", "bakery"],
        &[
            "unknown kind `bakery`",
            "grocery, fuel, post, pharmacy, payment",
        ],
    );
    assert_fails(
        &["vulnerable", pbf, "--kind", "groceries"],
        &["unknown kind `groceries`"],
    );
    assert_fails(
        &["suggest", pbf, "--kind", "grocery", "-k", "0"],
        &["-k", "at least 1"],
    );
    assert_fails(
        &["suggest", pbf, "--kind", "grocery", "--candidates", &bad],
        &[&format!("{bad}:3"), "`lon` is not a number"],
    );
    assert_fails(
        &["suggest", pbf, "--kind", "grocery", "--candidates", &empty],
        &[&empty, "no candidate sites"],
    );
    assert_fails(
        &["suggest", pbf, "--kind", "grocery", "--candidates", &line],
        &[&line, "not a Point"],
    );
}

/// The commands end to end: files written, the table printed.
#[test]
fn commands_write_their_files() {
    let pbf = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/osm/li-liechtenstein-2021.osm.pbf"
    );
    let dir = tempdir();
    let geojson = dir.path().join("suggest.geojson");
    let out = bin()
        .args([
            "suggest",
            pbf,
            "--kind",
            "grocery",
            "--threshold",
            "grocery=2km",
            "-k",
            "2",
            "-o",
        ])
        .arg(&geojson)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&geojson).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = value["features"].as_array().map_or(0, Vec::len);
    assert_eq!(features, 2);
    assert_eq!(value["features"][0]["properties"]["id"], "node/545769846");
    assert_eq!(
        value["features"][0]["properties"]["covered_population"],
        5792
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("node/545769846"));

    let (gj, csv) = (dir.path().join("v.geojson"), dir.path().join("v.csv"));
    let out = bin()
        .args([
            "vulnerable",
            pbf,
            "--kind",
            "pharmacy",
            "--threshold",
            "pharmacy=6min",
            "-o",
        ])
        .arg(&gj)
        .arg("--csv")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6, "{csv}");
    assert!(lines[0].starts_with("rank,id,name,kind,threshold,served_settlements"));
    assert!(
        lines[0].ends_with("next_min_mean,next_min_max,lon,lat"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("1,node/4759711536,"), "{}", lines[1]);
    let text = std::fs::read_to_string(&gj).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value["features"][0]["properties"]["stranded_population"],
        13301
    );
}

/// Denser kinds and populations than the analysis oracle's regions, so that points share
/// settlements and closing one strands people.
fn random_region(seed: u64, max_services: usize) -> (Region, AnalysisOptions) {
    random_region_with(seed, max_services, 0.5, 0.8)
}
