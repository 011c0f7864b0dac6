//! The analysis reads each settlement's nearest point (by length and by time) off the k-label
//! searches it runs for the points beyond the nearest. Checked here against the plain
//! multi-source searches a scenario's baseline runs ([`State::new`]: one Dijkstra per field,
//! each settlement's value read off its labels): on seeded random regions with points
//! duplicated on one spot (ties by point order), points on settlements' own roads (reached
//! directly along the edge), and mobile and seasonal points (the fields without them against a
//! baseline whose left-out points offer nothing), and on shipped extracts.

use crate::util::random::random_region;
use crate::util::read_extract;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::analysis::{analyze, Analysis, AnalysisOptions, Field, KindResult, Without};
use servicegap::base::coord::Coord;
use servicegap::base::feature::{ElementType, OsmId, ServicePoint};
use servicegap::network::region::Region;
use servicegap::whatif::scenario::{Network, State};
use servicegap::{ServiceKind, ServiceKinds};

/// How often the cases that the reading must get right came up.
#[derive(Default)]
struct Seen {
    /// Settlement values compared (kind and metric).
    values: usize,
    /// Nearest points on the settlement's own edge.
    same_edge: usize,
    /// Nearest points with another point at the same cost (a tie broken by point order).
    ties: usize,
    /// Values of the fields without mobile or seasonal points compared.
    without: usize,
}

/// The `(cost, service)` pair of a settlement's result in `field`.
fn pair(r: &KindResult, field: Field) -> Option<(u32, u32)> {
    match field.metric {
        servicegap::route::Metric::Length => r.length_dm.zip(r.nearest_by_length),
        servicegap::route::Metric::Time => r.time_ds.zip(r.nearest_by_time),
    }
}

/// The plain searches' values over `services` on `net`, per field by [`Field::index`].
fn plain(
    net: &Network<'_>,
    services: &[ServicePoint],
    fields: &[Field],
) -> Vec<Vec<Option<(u32, u32)>>> {
    let state = State::new(net, services);
    fields.iter().map(|&f| state.values(f).to_vec()).collect()
}

/// Asserts every settlement's nearest points in `analysis` equal the plain searches'.
fn compare(region: &Region, options: &AnalysisOptions, what: &str, seen: &mut Seen) {
    let analysis: Analysis = analyze(region, options);
    let net = Network::new(region, options);
    let fields = Field::all(&region.kinds);
    let reference = plain(&net, &region.services, &fields);
    for (i, s) in analysis.settlements.iter().enumerate() {
        for &field in &fields {
            let k = field.kind.index();
            let got = pair(&s.kinds[k], field);
            let want = reference[field.index()][i];
            assert_eq!(got, want, "{what}: settlement {i}, {field:?}");
            // The plain value has no separate cost and point: both or neither.
            let r = &s.kinds[k];
            let (cost, point) = match field.metric {
                servicegap::route::Metric::Length => (r.length_dm, r.nearest_by_length),
                servicegap::route::Metric::Time => (r.time_ds, r.nearest_by_time),
            };
            assert_eq!(cost.is_some(), point.is_some(), "{what}: settlement {i}");
            seen.values += 1;
            let Some((cost, j)) = want else { continue };
            let own = s.snap.map(|snap| snap.edge);
            if analysis.service_snaps[j as usize].map(|snap| snap.edge) == own {
                seen.same_edge += 1;
            }
            let k_nearest = analysis.k_nearest.as_ref().unwrap().of(k, i);
            let second = match field.metric {
                servicegap::route::Metric::Length => k_nearest.length_2nd_dm,
                servicegap::route::Metric::Time => k_nearest.time_2nd_ds,
            };
            if second == Some(cost) {
                seen.ties += 1;
            }
        }
    }
    // The fields without mobile and without seasonal points: the same plain searches over
    // the points with the left-out ones offering nothing (indices kept).
    for without in Without::ALL {
        let kinds = analysis.kinds_without(without);
        if kinds.is_empty() {
            continue;
        }
        let kept: Vec<ServicePoint> = region
            .services
            .iter()
            .map(|p| ServicePoint {
                kinds: if without.leaves_out(p) {
                    ServiceKinds::EMPTY
                } else {
                    p.kinds
                },
                ..p.clone()
            })
            .collect();
        let reference = plain(&net, &kept, &fields);
        for (i, s) in analysis.settlements.iter().enumerate() {
            for &field in fields.iter().filter(|f| kinds.contains(f.kind)) {
                let r = s.without(without)[field.kind.index()]
                    .unwrap_or_else(|| panic!("{what}: settlement {i} has no {without:?}"));
                let want = reference[field.index()][i];
                assert_eq!(
                    pair(&r, field),
                    want,
                    "{what}: settlement {i}, {without:?} {field:?}"
                );
                seen.without += 1;
            }
        }
    }
}

/// A point at `coord` offering `kinds`, with id `id`.
fn point(id: i64, coord: Coord, kinds: ServiceKinds) -> ServicePoint {
    ServicePoint {
        id: OsmId {
            kind: ElementType::Node,
            id,
        }
        .into(),
        name: None,
        kinds,
        coord,
        form: None,
        mobile: false,
        seasonal: false,
        capacity: None,
    }
}

/// [`random_region`] with more of the cases the reading must get right: copies of points on
/// their spot, points a few metres from settlements (on their roads), and mobile and
/// seasonal points.
fn region(seed: u64) -> (Region, AnalysisOptions) {
    let (mut region, options) = random_region(seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xf1e1d5);
    let mut id = 10_000;
    let copies: Vec<ServicePoint> = region
        .services
        .iter()
        .filter(|_| rng.gen_bool(0.3))
        .cloned()
        .collect();
    for mut p in copies {
        id += 1;
        p.id = point(id, p.coord, p.kinds).id;
        // Before or after the original: ties go to the lower index either way.
        let at = rng.gen_range(0..=region.services.len());
        region.services.insert(at, p);
    }
    let near: Vec<Coord> = region.settlements.iter().map(|s| s.coord).collect();
    for s in near {
        if !rng.gen_bool(0.3) {
            continue;
        }
        let coord = Coord {
            lon_e7: s.lon_e7 + rng.gen_range(-300..=300),
            lat_e7: s.lat_e7 + rng.gen_range(-300..=300),
        };
        id += 1;
        let mut kinds = ServiceKinds::EMPTY;
        for k in ServiceKind::BUILT_IN {
            if rng.gen_bool(0.5) {
                kinds |= ServiceKinds::of(k);
            }
        }
        region.services.push(point(id, coord, kinds));
    }
    for p in &mut region.services {
        p.mobile = rng.gen_bool(0.1);
        p.seasonal = rng.gen_bool(0.1);
    }
    (region, options)
}

#[test]
fn nearest_from_k_labels_equals_plain_searches_on_random_regions() {
    let mut seen = Seen::default();
    for seed in 0..150 {
        let (mut region, mut options) = region(seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6b);
        // The number of time labels kept follows N.
        options.k_nearest = rng.gen_range(1..=6);
        compare(&region, &options, &format!("seed {seed}"), &mut seen);
        // Without any point: nothing reachable anywhere.
        if seed % 25 == 0 {
            region.services.clear();
            compare(
                &region,
                &options,
                &format!("seed {seed}, no points"),
                &mut seen,
            );
        }
    }
    assert!(seen.values > 20_000, "{} values", seen.values);
    assert!(seen.same_edge > 100, "{} on the own edge", seen.same_edge);
    assert!(seen.ties > 100, "{} ties", seen.ties);
    assert!(seen.without > 2_000, "{} values without", seen.without);
}

#[test]
fn nearest_from_k_labels_equals_plain_searches_on_real_extracts() {
    let mut seen = Seen::default();
    for name in ["li-liechtenstein-2021", "de-north-bayreuth-rural"] {
        let region = read_extract(name);
        compare(&region, &AnalysisOptions::default(), name, &mut seen);
    }
    assert!(seen.values > 1_000, "{} values", seen.values);
}
