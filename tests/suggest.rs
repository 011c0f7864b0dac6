//! Site suggestion against brute force: for every candidate, add a service point there, rerun
//! the whole analysis and count who is newly within the threshold; the greedy picks (first
//! and later ones) must equal picking the best candidate this way, on seeded random networks.

mod common;
#[path = "common/random_region.rs"]
mod random_region;

use random_region::random_region;
use servicegap::analysis::{analyze, AnalysisOptions};
use servicegap::coord::Coord;
use servicegap::feature::{FeatureId, ServicePoint};
use servicegap::graph::NodeIdx;
use servicegap::region::Region;
use servicegap::suggest::{suggest, Candidates, Site};
use servicegap::{ServiceKind, ServiceKinds};

/// Brute-force greedy: `(candidate, covered settlements, covered population)` per pick.
fn brute_force(
    region: &Region,
    options: &AnalysisOptions,
    kind: ServiceKind,
    k: usize,
    places: &[Coord],
) -> Vec<(u32, Vec<u32>, u64)> {
    let g = kind as usize;
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
    let summary = &base.kinds[kind as usize];
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
        for kind in [ServiceKind::Grocery, ServiceKind::Post] {
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

#[test]
fn site_picks_equal_brute_force_greedy_on_random_networks() {
    use rand::{Rng, SeedableRng};
    let mut picks = 0;
    for seed in 0..40 {
        let (region, options) = random_region(seed, 4);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xc0ffee);
        let places: Vec<Coord> = (0..rng.gen_range(1..30))
            .map(|_| {
                Coord::from_degrees(
                    14.99 + rng.gen_range(0.0..0.07),
                    61.995 + rng.gen_range(0.0..0.04),
                )
            })
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
        picks += compare(
            &region,
            &options,
            ServiceKind::Grocery,
            &Candidates::Sites(sites),
            &places,
            &format!("seed {seed}"),
        );
    }
    assert!(picks > 30, "only {picks} picks over all seeds");
}
