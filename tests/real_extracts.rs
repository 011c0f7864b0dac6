//! Counts on the real extracts in `data/osm/`, pinned and cross-checked against an independent
//! count.
//!
//! The reference figures in `tests/reference/<name>.json` come from `tests/reference/osm_counts.py`,
//! a separate Python implementation of the same rules that reads each file through osmium-tool
//! (`osmium cat -f opl FILE` for the objects, `osmium fileinfo -e -j FILE` for the totals).
//! Regenerate them with the commands in `tests/reference/README.md`. A few figures are also
//! pinned here literally, so a change in both implementations still shows up in review.

use serde_json::Value;
use servicegap::base::feature::Place;
use servicegap::network::region::Region;
use servicegap::ServiceKind;

use crate::util::{data, read_extract};

const EXTRACTS: [&str; 6] = [
    "se-stockholm-sodermalm",
    "fi-kotka-karhula",
    "de-north-bayreuth-rural",
    "li-liechtenstein-2021",
    "ad-andorra-2021",
    "mc-monaco-2020",
];

fn load(name: &str) -> (Region, Value) {
    let region = read_extract(name);
    let json = std::fs::read_to_string(data(&format!("tests/reference/{name}.json")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let reference: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    (region, reference)
}

fn num(v: &Value, path: &[&str]) -> u64 {
    let mut cur = v;
    for key in path {
        cur = &cur[*key];
    }
    cur.as_u64()
        .unwrap_or_else(|| panic!("reference has no number at {path:?}"))
}

#[test]
fn every_extract_matches_the_independent_count() {
    for name in EXTRACTS {
        let (region, reference) = load(name);
        let stats = &region.read_stats;
        let graph = &region.graph;
        assert_eq!(
            stats.nodes,
            num(&reference, &["osm", "fileinfo", "nodes"]),
            "{name}: nodes"
        );
        assert_eq!(
            stats.ways,
            num(&reference, &["osm", "fileinfo", "ways"]),
            "{name}: ways"
        );
        assert_eq!(
            stats.relations,
            num(&reference, &["osm", "fileinfo", "relations"]),
            "{name}: relations"
        );
        for kind in ServiceKind::BUILT_IN {
            let ours = region
                .services
                .iter()
                .filter(|s| s.kinds.contains(kind))
                .count() as u64;
            assert_eq!(
                ours,
                num(&reference, &["services", kind.name()]),
                "{name}: {kind}"
            );
        }
        assert_eq!(
            region.services.len() as u64,
            num(&reference, &["services", "service_points"]),
            "{name}: service points"
        );
        for &place in servicegap::read::profile::SETTLEMENT_PLACES {
            let ours = region
                .settlements
                .iter()
                .filter(|s| s.place == Some(place))
                .count() as u64;
            assert_eq!(
                ours,
                num(&reference, &["settlements", "by_place", place.name()]),
                "{name}: {}",
                place.name()
            );
        }
        let with_pop: Vec<u64> = region
            .settlements
            .iter()
            .filter_map(|s| s.population)
            .collect();
        assert_eq!(
            with_pop.len() as u64,
            num(&reference, &["settlements", "with_population"]),
            "{name}: settlements with population"
        );
        assert_eq!(
            with_pop.iter().sum::<u64>(),
            num(&reference, &["settlements", "population_sum"]),
            "{name}: population"
        );
        assert_eq!(
            stats.road_ways,
            num(&reference, &["roads", "routable_ways"])
                + num(&reference, &["roads", "car_ferries"]),
            "{name}: car-usable ways"
        );
        assert_eq!(
            stats.ways_with_missing_nodes,
            num(&reference, &["roads", "ways_with_missing_nodes"]),
            "{name}: ways with missing nodes"
        );
        assert_eq!(
            stats.road_pieces_dropped,
            num(&reference, &["roads", "dropped_parts"]),
            "{name}: dropped pieces"
        );
        assert_eq!(
            graph.node_count() as u64,
            num(&reference, &["roads", "graph_nodes"]),
            "{name}: graph nodes"
        );
        assert_eq!(
            graph.edges().len() as u64,
            num(&reference, &["roads", "edges"]),
            "{name}: edges"
        );
        assert_eq!(
            graph.arc_count() as u64,
            num(&reference, &["roads", "directed_arcs"]),
            "{name}: arcs"
        );
    }
}

/// The settlement lists agree element by element: id, place, name and population.
#[test]
fn settlements_match_the_independent_list() {
    for name in EXTRACTS {
        let (region, reference) = load(name);
        let list = reference["settlements"]["list"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut theirs: Vec<(String, String, Option<String>, Option<u64>)> = list
            .iter()
            .map(|row| {
                let id = row[0].as_str().unwrap_or_default();
                let (kind, num) = id.split_at(1);
                let kind = match kind {
                    "n" => "node",
                    "w" => "way",
                    _ => "relation",
                };
                (
                    format!("{kind}/{num}"),
                    row[1].as_str().unwrap_or_default().to_owned(),
                    row[2].as_str().map(str::to_owned),
                    row[3].as_u64(),
                )
            })
            .collect();
        let mut ours: Vec<(String, String, Option<String>, Option<u64>)> = region
            .settlements
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    s.place.map(Place::name).unwrap_or_default().to_owned(),
                    s.name.clone(),
                    s.population,
                )
            })
            .collect();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs, "{name}");
    }
}

/// Literal figures for the demo region and the bbox-cut extract (also in the reference files).
#[test]
fn pinned_figures() {
    let (bayreuth, _) = load("de-north-bayreuth-rural");
    assert_eq!(bayreuth.graph.node_count(), 1161);
    assert_eq!(bayreuth.graph.arc_count(), 2476);
    assert_eq!(bayreuth.settlements.len(), 71);
    assert_eq!(bayreuth.services.len(), 5);

    // fi-kotka-karhula was cut with a hard bbox: 280 references to 274 distinct missing nodes
    // in 34 road ways (osmium getid -r + check-refs, see tests/reference/README.md).
    let (kotka, _) = load("fi-kotka-karhula");
    assert_eq!(kotka.read_stats.missing_node_refs, 280);
    assert_eq!(kotka.read_stats.ways_with_missing_nodes, 34);
    assert_eq!(kotka.graph.node_count(), 337);

    // Monaco's post office also has atm=yes: one point, two kinds.
    let (monaco, _) = load("mc-monaco-2020");
    let post_office = monaco
        .services
        .iter()
        .find(|s| s.id.to_string() == "node/1999205789")
        .map(|s| servicegap::Kinds::default().of(s.kinds).collect::<Vec<_>>());
    assert_eq!(
        post_office,
        Some(vec![ServiceKind::POST, ServiceKind::PAYMENT])
    );
}

/// Every graph's components add up; on whole regions (not the two small bbox cuts, whose
/// oneway streets are cut at the edge) the main network holds over 85 % of the nodes.
#[test]
fn components_partition_the_graph() {
    for name in EXTRACTS {
        let (region, _) = load(name);
        let sizes = region.graph.component_sizes();
        let total: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
        assert_eq!(total, region.graph.node_count() as u64, "{name}");
        if !matches!(name, "se-stockholm-sodermalm" | "fi-kotka-karhula") {
            let share = f64::from(sizes[0]) / region.graph.node_count() as f64;
            assert!(share > 0.85, "{name}: main network holds {share}");
        }
    }
}
