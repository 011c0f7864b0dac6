//! Seeded random regions for the scenario tests (vulnerability, site suggestion): a random road
//! network from [`crate::common::random_input`], service points and settlements scattered over a box a
//! little larger than the roads, and random snapping limits.

use crate::common::random_input;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::AnalysisOptions;
use servicegap::coord::Coord;
use servicegap::feature::{ElementType, OsmId, Place, ServicePoint, Settlement};
use servicegap::graph::Graph;
use servicegap::region::Region;
use servicegap::{ServiceKind, ServiceKinds};

/// A region with up to `max_services` service points (each of each kind with probability
/// 0.5) and up to 40 settlements, most with a population.
pub fn random_region(seed: u64, max_services: usize) -> (Region, AnalysisOptions) {
    let input = random_input(seed);
    let graph = Graph::build(&input);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    let point = |rng: &mut ChaCha8Rng| {
        Coord::from_degrees(
            14.99 + rng.gen_range(0.0..0.07),
            61.995 + rng.gen_range(0.0..0.04),
        )
    };
    let services = (0..rng.gen_range(1..=max_services))
        .map(|j| {
            let mut kinds = ServiceKinds::EMPTY;
            for k in ServiceKind::ALL {
                if rng.gen_bool(0.5) {
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
            population: rng.gen_bool(0.8).then(|| rng.gen_range(0..500)),
            coord: point(&mut rng),
        })
        .collect();
    let mut options = AnalysisOptions::default();
    options.snap.min_component_nodes = [1, 2, 5, 20][rng.gen_range(0..4)];
    options.max_snap_m = rng.gen_range(100.0..1500.0);
    options.max_service_snap_m = rng.gen_range(100.0..1500.0);
    // Thresholds on the scale of the networks (a few km), in both units.
    for t in &mut options.thresholds {
        *t = if rng.gen_bool(0.5) {
            servicegap::analysis::Threshold {
                value: rng.gen_range(0.3..4.0),
                unit: servicegap::analysis::Unit::Km,
            }
        } else {
            servicegap::analysis::Threshold {
                value: rng.gen_range(0.5..6.0),
                unit: servicegap::analysis::Unit::Min,
            }
        };
    }
    let region = Region {
        graph,
        services,
        settlements,
        read_stats: Default::default(),
        timings: Vec::new(),
    };
    (region, options)
}
