//! Scenarios evaluated incrementally against a full analysis of the same point list: on seeded
//! random networks, any sequence of added and closed points must give exactly the results and
//! summaries of `analyze` on the changed list.

use crate::util::random::random_region;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::{analyze, Analysis, AnalysisOptions};
use servicegap::base::feature::{FeatureId, ServicePoint};
use servicegap::network::region::Region;
use servicegap::whatif::scenario::{AddError, Network, State};
use servicegap::{ServiceKind, ServiceKinds};

fn assert_same(incremental: &Analysis, full: &Analysis, what: &str) {
    assert_eq!(
        incremental.settlements, full.settlements,
        "{what}: settlements"
    );
    assert_eq!(incremental.kinds, full.kinds, "{what}: summaries");
    assert_eq!(
        incremental.service_snaps, full.service_snaps,
        "{what}: snaps"
    );
}

fn full(region: &Region, services: &[ServicePoint], options: &AnalysisOptions) -> Analysis {
    let mut changed = region.clone();
    changed.services = services.to_vec();
    analyze(&changed, options)
}

fn random_point(rng: &mut ChaCha8Rng, n: usize) -> ServicePoint {
    let mut kinds = ServiceKinds::EMPTY;
    while kinds.is_empty() {
        for k in ServiceKind::BUILT_IN {
            if rng.gen_bool(0.4) {
                kinds |= ServiceKinds::of(k);
            }
        }
    }
    ServicePoint {
        id: FeatureId::File(format!("new-{n}")),
        name: None,
        kinds,
        coord: crate::util::random::random_point(rng),
        form: None,
        mobile: rng.gen_bool(0.2),
        seasonal: false,
        capacity: None,
    }
}

fn check_sequence(seed: u64) -> usize {
    let (region, options) = random_region(seed);
    let net = Network::new(&region, &options);
    let mut state = State::new(&net, &region.services);
    assert_same(
        &state.analysis(&net),
        &analyze(&region, &options),
        &format!("seed {seed} baseline"),
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xadd);
    let mut steps = 0;
    for step in 0..12 {
        if rng.gen_bool(0.5) || state.services().is_empty() {
            let point = random_point(&mut rng, step);
            match state.add(&net, point.clone()) {
                Ok(j) => {
                    assert_eq!(j + 1, state.services().len());
                    steps += 1;
                }
                Err(AddError::OffRoad { nearest_road_m }) => {
                    // Refused exactly when the full analysis would drop it.
                    if let Some(m) = nearest_road_m {
                        assert!(m > options.max_service_snap_m, "seed {seed}: {m} m");
                    }
                    continue;
                }
                Err(AddError::NoKind) => panic!("random points have kinds"),
            }
        } else {
            let j = rng.gen_range(0..state.services().len());
            state.remove(&net, j);
            assert!(state.services()[j].kinds.is_empty());
            steps += 1;
        }
        assert_same(
            &state.analysis(&net),
            &full(&region, state.services(), &options),
            &format!("seed {seed} step {step}"),
        );
    }
    steps
}

#[test]
fn incremental_adds_and_removes_equal_full_recomputation() {
    let mut steps = 0;
    for seed in 0..150 {
        steps += check_sequence(seed);
    }
    assert!(steps > 1000, "only {steps} changes exercised");
}

#[test]
fn closing_every_point_one_by_one_equals_full_recomputation() {
    for seed in 200..240 {
        let (region, options) = random_region(seed);
        let net = Network::new(&region, &options);
        let mut state = State::new(&net, &region.services);
        for j in 0..region.services.len() {
            state.remove(&net, j);
            assert_same(
                &state.analysis(&net),
                &full(&region, state.services(), &options),
                &format!("seed {seed} closing {j}"),
            );
        }
        // Nothing left: every settlement on a road is unreachable for every kind.
        let a = state.analysis(&net);
        assert!(a
            .settlements
            .iter()
            .all(|s| s.kinds.iter().all(|k| k.length_dm.is_none())));
    }
}

#[test]
fn the_same_change_twice_changes_nothing_more() {
    let (region, options) = random_region(7);
    let net = Network::new(&region, &options);
    let mut state = State::new(&net, &region.services);
    state.remove(&net, 0);
    let once = state.analysis(&net);
    state.remove(&net, 0);
    state.remove(&net, usize::MAX);
    assert_same(&state.analysis(&net), &once, "closing twice");
}
