//! Site suggestion within each region polygon against brute force: for every candidate, add a
//! service point there, rerun the whole analysis and list which of today's gap settlements it
//! brings within the threshold; then, per region, a naive greedy over the region's candidates
//! and settlements (both located by their own coordinates) with the same tie rules. Also the
//! `--in-region` flag end to end.

use crate::util::random::random_region_with;
use crate::util::{assert_clean_failure, bin, data, read_extract, run, stderr, tempdir, write};
use geo::{polygon, MultiPolygon};
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::base::coord::Coord;
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::input::regions::Regions;
use servicegap::network::graph::NodeIdx;
use servicegap::network::region::Region;
use servicegap::whatif::suggest::{
    suggest, suggest_in_region, suggest_in_regions, Candidates, Suggestion,
};
use servicegap::{ServiceKind, ServiceKinds};
use std::cmp::Reverse;

/// What a region's suggestion must hold: `(candidates, candidates_dropped, gap_settlements,
/// gap_population, gap_on_road)` and per pick `(candidate, settlements, covered population,
/// gap settlements before and after, gap population before and after)`.
type Figures = (
    (usize, usize, usize, u64, usize),
    Vec<(u32, Vec<u32>, u64, (usize, usize), (u64, u64))>,
);

fn figures(s: &Suggestion) -> Figures {
    (
        (
            s.candidates,
            s.candidates_dropped,
            s.gap_settlements,
            s.gap_population,
            s.gap_on_road,
        ),
        s.picks
            .iter()
            .map(|p| {
                (
                    p.candidate,
                    p.settlements.clone(),
                    p.covered_population,
                    p.gap_settlements,
                    p.gap_population,
                )
            })
            .collect(),
    )
}

fn point(kind: ServiceKind, coord: Coord, what: String) -> ServicePoint {
    ServicePoint {
        id: FeatureId::File(what),
        name: None,
        kinds: ServiceKinds::of(kind),
        coord,
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    }
}

/// The brute force: per region, the figures [`suggest_in_regions`] must give with candidates
/// at `places` (indexed as the candidates are): sites if `sites` (dropped when they do not
/// snap), else nodes (never dropped).
fn brute_force(
    region: &Region,
    options: &AnalysisOptions,
    (kind, k): (ServiceKind, usize),
    (places, sites): (&[Coord], bool),
    regions: &Regions,
) -> Vec<Figures> {
    let g = kind.index();
    let base = analyze(region, options);
    let in_gap: Vec<bool> = base.settlements.iter().map(|s| s.kinds[g].gap).collect();
    let on_road: Vec<bool> = base.settlements.iter().map(|s| s.snap.is_some()).collect();
    // Who each candidate alone would bring within the threshold, and whether it snaps.
    let mut covers: Vec<Vec<u32>> = Vec::new();
    let mut snapped: Vec<bool> = Vec::new();
    for (c, &coord) in places.iter().enumerate() {
        let mut with = region.clone();
        with.services
            .push(point(kind, coord, format!("candidate {c}")));
        let after = analyze(&with, options);
        snapped.push(!sites || after.service_snaps.last().unwrap().is_some());
        covers.push(
            (0..in_gap.len() as u32)
                .filter(|&i| in_gap[i as usize] && !after.settlements[i as usize].kinds[g].gap)
                .collect(),
        );
    }
    let locate = |c: Coord| regions.locate(c.lon(), c.lat());
    let settlement_region: Vec<Option<usize>> =
        region.settlements.iter().map(|s| locate(s.coord)).collect();
    let place_region: Vec<Option<usize>> = places.iter().map(|&c| locate(c)).collect();
    let population = |i: u32| region.settlements[i as usize].population.unwrap_or(0);
    (0..regions.len())
        .map(|r| {
            let here = |i: u32| settlement_region[i as usize] == Some(r);
            let gap: Vec<u32> = (0..in_gap.len() as u32)
                .filter(|&i| in_gap[i as usize] && here(i))
                .collect();
            let mut gap_s = gap.len();
            let mut gap_p: u64 = gap.iter().map(|&i| population(i)).sum();
            let head = (
                (0..places.len())
                    .filter(|&c| place_region[c] == Some(r) && snapped[c])
                    .count(),
                (0..places.len())
                    .filter(|&c| place_region[c] == Some(r) && !snapped[c])
                    .count(),
                gap_s,
                gap_p,
                gap.iter().filter(|&&i| on_road[i as usize]).count(),
            );
            let mut covered = vec![false; region.settlements.len()];
            let mut picks = Vec::new();
            for _ in 0..k {
                let mut best: Option<(u64, usize, Reverse<u32>, Vec<u32>)> = None;
                for c in (0..places.len()).filter(|&c| place_region[c] == Some(r)) {
                    let newly: Vec<u32> = covers[c]
                        .iter()
                        .copied()
                        .filter(|&i| here(i) && !covered[i as usize])
                        .collect();
                    let p: u64 = newly.iter().map(|&i| population(i)).sum();
                    let key = (p, newly.len(), Reverse(c as u32), newly);
                    if !key.3.is_empty() && best.as_ref().is_none_or(|b| key > *b) {
                        best = Some(key);
                    }
                }
                let Some((p, s, Reverse(c), newly)) = best else {
                    break;
                };
                for &i in &newly {
                    covered[i as usize] = true;
                }
                picks.push((c, newly, p, (gap_s, gap_s - s), (gap_p, gap_p - p)));
                gap_s -= s;
                gap_p -= p;
            }
            (head, picks)
        })
        .collect()
}

/// Three regions over the random regions' box, leaving a strip between them in none: a west
/// and an east rectangle and a triangle overlapping the west one (which wins the overlap).
fn three_regions() -> Regions {
    let rectangle = |x0: f64, x1: f64| {
        MultiPolygon(vec![polygon![
            (x: x0, y: 61.99), (x: x1, y: 61.99), (x: x1, y: 62.04), (x: x0, y: 62.04)
        ]])
    };
    let triangle = MultiPolygon(vec![polygon![
        (x: 15.01, y: 61.99), (x: 15.045, y: 61.99), (x: 15.03, y: 62.04)
    ]]);
    Regions::from_parts(
        vec!["west".into(), "east".into(), "triangle".into()],
        vec![rectangle(14.98, 15.02), rectangle(15.04, 15.07), triangle],
        "name",
    )
    .unwrap()
}

/// The main-network nodes' locations, in candidate order.
fn node_places(region: &Region) -> Vec<Coord> {
    let g = &region.graph;
    (0..g.node_count() as u32)
        .map(NodeIdx)
        .filter(|&v| g.component(v) == 0)
        .map(|v| g.coord(v))
        .collect()
}

#[test]
fn node_picks_in_each_region_equal_brute_force_on_random_networks() {
    let regions = three_regions();
    let mut picks = 0;
    for seed in 0..30 {
        let (region, options) = random_region_with(seed, 4, 0.5, 0.8);
        let places = node_places(&region);
        for kind in [ServiceKind::GROCERY, ServiceKind::POST] {
            let got = suggest_in_regions(&region, &options, kind, 3, &regions);
            let got: Vec<Figures> = got.iter().map(figures).collect();
            let expected = brute_force(&region, &options, (kind, 3), (&places, false), &regions);
            assert_eq!(got, expected, "seed {seed}, {kind}");
            picks += got.iter().map(|f| f.1.len()).sum::<usize>();
            // The one-region form gives each region's entry.
            for (r, e) in expected.iter().enumerate() {
                let one = suggest_in_region(
                    &region,
                    &options,
                    kind,
                    3,
                    &Candidates::MainNetworkNodes,
                    (&regions, r),
                )
                .unwrap();
                assert_eq!(&figures(&one), e, "seed {seed}, {kind}, region {r}");
            }
        }
    }
    assert!(picks > 60, "only {picks} picks over all seeds");
}

#[test]
fn site_picks_in_one_region_equal_brute_force_on_random_networks() {
    let regions = three_regions();
    let mut picks = 0;
    for seed in 0..30 {
        let (region, options) = random_region_with(seed, 4, 0.5, 0.8);
        let (places, sites) = crate::suggest::random_sites(seed);
        let kind = ServiceKind::GROCERY;
        let expected = brute_force(&region, &options, (kind, 3), (&places, true), &regions);
        for (r, e) in expected.iter().enumerate() {
            let got = suggest_in_region(&region, &options, kind, 3, &sites, (&regions, r));
            assert_eq!(&figures(&got.unwrap()), e, "seed {seed}, region {r}");
            picks += e.1.len();
        }
    }
    assert!(picks > 20, "only {picks} picks over all seeds");
}

#[test]
fn a_region_without_gap_gives_no_picks() {
    let far = MultiPolygon(vec![polygon![
        (x: 20.0, y: 60.0), (x: 21.0, y: 60.0), (x: 21.0, y: 61.0), (x: 20.0, y: 61.0)
    ]]);
    let regions = Regions::from_parts(vec!["far".into()], vec![far], "name").unwrap();
    for seed in 0..10 {
        let (region, options) = random_region_with(seed, 4, 0.5, 0.8);
        let got = suggest_in_regions(&region, &options, ServiceKind::GROCERY, 3, &regions);
        assert_eq!(got.len(), 1);
        let s = &got[0];
        assert_eq!(
            (
                s.gap_settlements,
                s.gap_on_road,
                s.candidates,
                s.picks.len()
            ),
            (0, 0, 0, 0),
            "seed {seed}"
        );
    }
    assert!(suggest_in_region(
        &read_extract("li-liechtenstein-2021"),
        &AnalysisOptions::default(),
        ServiceKind::GROCERY,
        3,
        &Candidates::MainNetworkNodes,
        (&regions, 1),
    )
    .is_none());
}

/// One polygon over everything: the same suggestion as without regions, on random networks
/// and on Liechtenstein.
#[test]
fn one_region_over_everything_equals_suggest() {
    let all = MultiPolygon(vec![polygon![
        (x: -180.0, y: -89.0), (x: 180.0, y: -89.0), (x: 180.0, y: 89.0), (x: -180.0, y: 89.0)
    ]]);
    let regions = Regions::from_parts(vec!["all".into()], vec![all], "name").unwrap();
    let mut picks = 0;
    let mut check = |region: &Region, options: &AnalysisOptions, what: &str| {
        for kind in [ServiceKind::GROCERY, ServiceKind::PHARMACY] {
            let whole = suggest(region, options, kind, 3, &Candidates::MainNetworkNodes);
            let within = suggest_in_regions(region, options, kind, 3, &regions);
            assert_eq!(within.len(), 1);
            assert_eq!(figures(&within[0]), figures(&whole), "{what}, {kind}");
            assert_eq!(within[0].picks, whole.picks, "{what}, {kind}");
            assert_eq!(within[0].threshold, whole.threshold);
            picks += whole.picks.len();
        }
    };
    for seed in 0..20 {
        let (region, options) = random_region_with(seed, 4, 0.5, 0.8);
        check(&region, &options, &format!("seed {seed}"));
    }
    let mut options = AnalysisOptions::default();
    options
        .set_thresholds(
            &servicegap::Kinds::default(),
            &[
                "grocery=2km".parse().unwrap(),
                "pharmacy=3km".parse().unwrap(),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    check(
        &read_extract("li-liechtenstein-2021"),
        &options,
        "Liechtenstein",
    );
    assert!(picks > 20, "only {picks} picks");
}

/// Liechtenstein cut in two at 47.17° N, as a GeoJSON file.
const HALVES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Oberland"},"geometry":{"type":"Polygon","coordinates":[[[9.4,47.0],[9.7,47.0],[9.7,47.17],[9.4,47.17],[9.4,47.0]]]}},
{"type":"Feature","properties":{"name":"Unterland"},"geometry":{"type":"Polygon","coordinates":[[[9.4,47.17],[9.7,47.17],[9.7,47.3],[9.4,47.3],[9.4,47.17]]]}}
]}"#;

/// `suggest --in-region` prints, in `--json`, the picks and figures of the library's
/// suggestion for that region, with node candidates and with sites.
#[test]
fn in_region_flag_gives_the_library_suggestion() {
    let dir = tempdir();
    let halves = write(dir.path(), "halves.geojson", HALVES);
    let sites = write(
        dir.path(),
        "sites.csv",
        "id,name,lon,lat\na,A,9.52,47.07\nb,B,9.55,47.2\nc,C,9.51,47.23\nd,D,9.58,47.1\ne,E,9.60,47.25\n",
    );
    let pbf = data("data/osm/li-liechtenstein-2021.osm.pbf");
    let region = read_extract("li-liechtenstein-2021");
    let mut options = AnalysisOptions::default();
    options
        .set_thresholds(
            &servicegap::Kinds::default(),
            &["grocery=2km".parse().unwrap()],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let regions = Regions::read(&halves, None).unwrap();
    let site_list = servicegap::whatif::suggest::read_sites(&sites, None).unwrap();
    let mut picked = 0;
    for (name, r) in [("Oberland", 0), ("Unterland", 1)] {
        for candidates in [
            Candidates::MainNetworkNodes,
            Candidates::Sites(site_list.clone()),
        ] {
            let mut cmd = bin();
            cmd.arg("suggest")
                .arg(&pbf)
                .args(["--kind", "grocery", "--threshold", "grocery=2km", "-k", "2"])
                .arg("--regions")
                .arg(&halves)
                .args(["--in-region", name, "--json"]);
            if let Candidates::Sites(_) = candidates {
                cmd.arg("--candidates").arg(&sites);
            }
            let out = run(&mut cmd);
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let lib = suggest_in_region(
                &region,
                &options,
                ServiceKind::GROCERY,
                2,
                &candidates,
                (&regions, r),
            )
            .unwrap();
            for (key, value) in [
                ("candidates", lib.candidates as u64),
                ("candidates_dropped", lib.candidates_dropped as u64),
                ("gap_settlements", lib.gap_settlements as u64),
                ("gap_population", lib.gap_population),
                ("gap_on_road", lib.gap_on_road as u64),
                ("picked", lib.picks.len() as u64),
            ] {
                assert_eq!(doc[key], value, "{name}: {key}");
            }
            let picks = doc["picks"].as_array().unwrap();
            assert_eq!(picks.len(), lib.picks.len(), "{name}");
            for (rank, (json, p)) in picks.iter().zip(&lib.picks).enumerate() {
                let (id, _) = lib.id_and_name(&region, rank, &candidates);
                assert_eq!(json["id"], *id, "{name}");
                assert_eq!(json["covered_settlements"], p.settlements.len(), "{name}");
                assert_eq!(json["covered_population"], p.covered_population, "{name}");
                assert_eq!(json["gap_population_after"], p.gap_population.1, "{name}");
            }
            picked += picks.len();
            if let Candidates::MainNetworkNodes = candidates {
                // The region's entry of the all-regions form too.
                let all = suggest_in_regions(&region, &options, ServiceKind::GROCERY, 2, &regions);
                assert_eq!(figures(&all[r]), figures(&lib), "{name}");
            }
        }
    }
    assert!(picked >= 4, "only {picked} picks");
}

#[test]
fn in_region_refuses_an_unknown_name_and_a_run_without_regions() {
    let dir = tempdir();
    let halves = write(dir.path(), "halves.geojson", HALVES);
    let pbf = data("data/osm/li-liechtenstein-2021.osm.pbf");
    let out = run(bin()
        .arg("suggest")
        .arg(&pbf)
        .args(["--kind", "grocery", "--regions"])
        .arg(&halves)
        .args(["--in-region", "oberlnd"]));
    let file = halves.display().to_string();
    assert_clean_failure(
        &out,
        &[
            "--in-region",
            &file,
            "no region named `oberlnd`",
            "did you mean `Oberland`?",
        ],
    );
    let out =
        run(bin()
            .arg("suggest")
            .arg(&pbf)
            .args(["--kind", "grocery", "--in-region", "Oberland"]));
    assert_clean_failure(&out, &["--in-region", "--regions"]);
}
