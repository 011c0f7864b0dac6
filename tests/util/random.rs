//! Seeded random OSM-like road inputs and regions for the oracle tests.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::AnalysisOptions;
use servicegap::base::coord::Coord;
use servicegap::base::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use servicegap::network::graph::Graph;
use servicegap::network::region::Region;
use servicegap::read::profile::{Direction, RoadAttrs};
use servicegap::read::roads::{RoadInput, RoadWay};
use servicegap::{ServiceKind, ServiceKinds};

/// A random road network: nodes scattered over a few km, ways as random walks that reuse nodes
/// (so junctions, loops and repeated nodes occur), mixed directions and speeds.
pub fn random_input(seed: u64) -> RoadInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.gen_range(5..300);
    let coords: Vec<Coord> = (0..n)
        .map(|_| {
            Coord::from_degrees(
                15.0 + rng.gen_range(0.0..0.05),
                62.0 + rng.gen_range(0.0..0.03),
            )
        })
        .collect();
    let mut refs = Vec::new();
    let mut ways = Vec::new();
    for w in 0..rng.gen_range(1..n) {
        let start = refs.len() as u32;
        let len = rng.gen_range(2..12);
        let mut node = rng.gen_range(0..n) as u32;
        for _ in 0..len {
            refs.push(node);
            // Mostly walk to a nearby number (chains), sometimes jump (junctions), sometimes
            // stay (a repeated node, which must be ignored).
            node = match rng.gen_range(0..10) {
                0 => rng.gen_range(0..n) as u32,
                1 => node,
                _ => (node + 1) % n as u32,
            };
        }
        if rng.gen_bool(0.1) {
            refs.push(refs[start as usize]); // closed way
        }
        ways.push(random_way(
            &mut rng,
            w as i64 + 1,
            start..refs.len() as u32,
            4,
        ));
    }
    // Ways whose nodes collapse to one distinct node are not valid input (the reader drops them).
    ways.retain(|w| {
        let mut r: Vec<u32> = refs[w.start as usize..w.end as usize].to_vec();
        r.dedup();
        r.len() >= 2
    });
    RoadInput {
        osm_ids: (0..n as i64).map(|i| 1000 + i).collect(),
        coords,
        ways,
        refs,
    }
}

/// A way over `refs` positions `span` with a random class and speed, one way forward or
/// backward with a chance of one in `directions` each, else two-way.
pub fn random_way(
    rng: &mut ChaCha8Rng,
    osm_id: i64,
    span: std::ops::Range<u32>,
    directions: u32,
) -> RoadWay {
    let direction = match rng.gen_range(0..directions) {
        0 => Direction::Forward,
        1 => Direction::Backward,
        _ => Direction::Both,
    };
    RoadWay {
        osm_id,
        attrs: RoadAttrs {
            class: rng.gen_range(0..15),
            speed_kmh: [30.0, 50.0, 70.0, 90.0][rng.gen_range(0..4)],
            direction,
            ferry_s: None,
        },
        start: span.start,
        end: span.end,
    }
}

/// A random region on [`random_input`]: service points of random kinds and settlements over a
/// slightly larger box than the roads, with random snapping limits.
pub fn random_region(seed: u64) -> (Region, AnalysisOptions) {
    random_region_with(seed, 24, 0.35, 0.7)
}

/// [`random_region`] with up to `max_services` points, each offering each kind with
/// probability `kind_p`, and settlements with a population with probability `population_p`.
pub fn random_region_with(
    seed: u64,
    max_services: usize,
    kind_p: f64,
    population_p: f64,
) -> (Region, AnalysisOptions) {
    let input = random_input(seed);
    let graph = Graph::build(&input);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let point = random_point;
    let services = (0..rng.gen_range(1..=max_services))
        .map(|j| {
            let mut kinds = ServiceKinds::EMPTY;
            for k in ServiceKind::BUILT_IN {
                if rng.gen_bool(kind_p) {
                    kinds |= ServiceKinds::of(k);
                }
            }
            ServicePoint {
                id: OsmId {
                    kind: ElementType::Node,
                    id: j as i64,
                }
                .into(),
                name: None,
                kinds,
                coord: point(&mut rng),
                form: None,
                mobile: false,
                seasonal: false,
                capacity: None,
            }
        })
        .collect();
    let settlements = (0..rng.gen_range(1..40))
        .map(|i| Settlement {
            id: OsmId {
                kind: ElementType::Node,
                id: 1000 + i,
            }
            .into(),
            name: None,
            place: Some(Place::Hamlet),
            population: rng.gen_bool(population_p).then(|| rng.gen_range(0..500)),
            coord: point(&mut rng),
            groups: Vec::new(),
        })
        .collect();
    let mut options = AnalysisOptions::default();
    options.snap.min_component_nodes = [1, 2, 5, 20][rng.gen_range(0..4)];
    options.max_snap_m = rng.gen_range(100.0..1500.0);
    options.max_service_snap_m = rng.gen_range(100.0..1500.0);
    let region = Region {
        graph,
        extent: None,
        kinds: servicegap::Kinds::default(),
        services,
        settlements,
        groups: Vec::new(),
        read_stats: Default::default(),
        timings: Vec::new(),
        warnings: Vec::new(),
        prepared: Default::default(),
    };
    (region, options)
}

/// A random point over a slightly larger box than the random networks' roads, so some lie
/// beyond the snap limits.
pub fn random_point(rng: &mut impl Rng) -> Coord {
    Coord::from_degrees(
        14.99 + rng.gen_range(0.0..0.07),
        61.995 + rng.gen_range(0.0..0.04),
    )
}
