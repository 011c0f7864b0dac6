//! Shared helpers of the integration tests: seeded random OSM-like road inputs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::coord::Coord;
use servicegap::graph::{RoadInput, RoadWay};
use servicegap::profile::{Direction, RoadAttrs};

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
        let direction = match rng.gen_range(0..4) {
            0 => Direction::Forward,
            1 => Direction::Backward,
            _ => Direction::Both,
        };
        ways.push(RoadWay {
            osm_id: w as i64 + 1,
            attrs: RoadAttrs {
                class: rng.gen_range(0..15),
                speed_kmh: [30.0, 50.0, 70.0, 90.0][rng.gen_range(0..4)],
                direction,
                ferry_s: None,
            },
            start,
            end: refs.len() as u32,
        });
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
