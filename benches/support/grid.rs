//! A synthetic road grid with services and settlements, shared by the route benchmark and the
//! `analyze_grid` example.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::base::coord::Coord;
use servicegap::base::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use servicegap::network::graph::Graph;
use servicegap::network::region::Region;
use servicegap::read::profile::{Direction, RoadAttrs};
use servicegap::read::roads::{RoadInput, RoadWay};
use servicegap::{ServiceKind, ServiceKinds};

/// A `side × side` grid of streets about 100 m apart over northern Sweden, every street a way
/// of one block with two shape points, 5 % of them oneway, mixed speeds.
pub fn grid_region(side: usize, seed: u64) -> Region {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let step = 0.001; // degrees of latitude, about 110 m
    let at = |r: usize, c: usize| {
        Coord::from_degrees(14.0 + c as f64 * step * 2.0, 60.0 + r as f64 * step)
    };
    let mut coords = Vec::new();
    let mut refs = Vec::new();
    let mut ways = Vec::new();
    for r in 0..side {
        for c in 0..side {
            coords.push(at(r, c));
        }
    }
    let mut add_way = |a: usize, b: usize, coords: &mut Vec<Coord>, rng: &mut ChaCha8Rng| {
        let start = refs.len() as u32;
        refs.push(a as u32);
        for t in [0.33, 0.66] {
            let (ca, cb) = (coords[a], coords[b]);
            let jitter = rng.gen_range(-0.00002..0.00002);
            coords.push(Coord::from_degrees(
                ca.lon() + t * (cb.lon() - ca.lon()) + jitter,
                ca.lat() + t * (cb.lat() - ca.lat()) + jitter,
            ));
            refs.push(coords.len() as u32 - 1);
        }
        refs.push(b as u32);
        let direction = if rng.gen_bool(0.05) {
            Direction::Forward
        } else {
            Direction::Both
        };
        ways.push(RoadWay {
            osm_id: ways.len() as i64 + 1,
            attrs: RoadAttrs {
                class: 0,
                speed_kmh: [30.0, 50.0, 70.0, 90.0][rng.gen_range(0..4)],
                direction,
                ferry_s: None,
            },
            start,
            end: refs.len() as u32,
        });
    };
    for r in 0..side {
        for c in 0..side {
            let i = r * side + c;
            if c + 1 < side {
                add_way(i, i + 1, &mut coords, &mut rng);
            }
            if r + 1 < side {
                add_way(i, i + side, &mut coords, &mut rng);
            }
        }
    }
    let osm_ids = (0..coords.len() as i64).collect();
    let graph = Graph::build(&RoadInput {
        coords,
        osm_ids,
        ways,
        refs,
    });
    let extent = side as f64 * step;
    let point = |rng: &mut ChaCha8Rng| {
        Coord::from_degrees(
            14.0 + rng.gen_range(0.0..extent * 2.0),
            60.0 + rng.gen_range(0.0..extent),
        )
    };
    // About one service point per 100 junctions, several kinds each.
    let services = (0..side * side / 100)
        .map(|j| {
            let kinds = ServiceKind::BUILT_IN
                .iter()
                .filter(|_| rng.gen_bool(0.4))
                .fold(ServiceKinds::EMPTY, |acc, k| acc | ServiceKinds::of(*k));
            ServicePoint {
                id: OsmId {
                    kind: ElementType::Node,
                    id: j as i64,
                }
                .into(),
                name: None,
                kinds: if kinds.is_empty() {
                    ServiceKinds::GROCERY
                } else {
                    kinds
                },
                coord: point(&mut rng),
                form: None,
                mobile: false,
                seasonal: false,
                capacity: None,
            }
        })
        .collect();
    let settlements = (0..side * side / 20)
        .map(|i| Settlement {
            id: OsmId {
                kind: ElementType::Node,
                id: i as i64,
            }
            .into(),
            name: None,
            place: Some(Place::Hamlet),
            population: Some(rng.gen_range(10..1000)),
            coord: point(&mut rng),
            groups: Vec::new(),
        })
        .collect();
    Region {
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
    }
}
