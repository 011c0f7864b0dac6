//! What `servicegap inspect` reports: a summary of what was read from an extract, as a
//! serializable struct and as a human-readable table.

use crate::base::feature::Place;
use crate::network::region::Region;
use crate::read::profile::SETTLEMENT_PLACES;
use serde::Serialize;
use std::fmt::Write as _;

/// Named values that serialize as a JSON object with keys in their given order (kinds in
/// output order, places largest first, phases in run order).
#[derive(Clone, Debug, Default)]
pub struct Ordered<T>(pub Vec<(&'static str, T)>);

impl<T> Ordered<T> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl<T> FromIterator<(&'static str, T)> for Ordered<T> {
    fn from_iter<I: IntoIterator<Item = (&'static str, T)>>(iter: I) -> Self {
        Ordered(iter.into_iter().collect())
    }
}

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Summary of a region, as printed by `inspect --json`.
#[derive(Clone, Debug, Serialize)]
pub struct InspectReport {
    /// The file read.
    pub file: String,
    /// Element counts in the file.
    pub osm: OsmCounts,
    /// The road graph.
    pub graph: GraphCounts,
    /// Road ways and what happened to them.
    pub roads: RoadCounts,
    /// Service points per kind (a point with several kinds counts once in each).
    pub services: Ordered<usize>,
    /// Distinct service points.
    pub service_points: usize,
    /// Seasonal service points per kind (open in summer only, see [`crate::read::seasonal`]).
    pub seasonal: Ordered<usize>,
    /// Per kind, the service points whose `opening_hours` value does not parse (counted as
    /// year-round).
    pub opening_hours_unparsed: Ordered<u64>,
    /// Settlements.
    pub settlements: SettlementCounts,
    /// Milliseconds per phase (and `total`).
    pub timings_ms: Ordered<f64>,
}

/// Element counts in the file.
#[derive(Clone, Debug, Serialize)]
pub struct OsmCounts {
    /// Nodes.
    pub nodes: u64,
    /// Ways.
    pub ways: u64,
    /// Relations.
    pub relations: u64,
    /// Data blocks.
    pub blocks: usize,
    /// Whether the file declares `Sort.Type_then_ID`.
    pub sorted: bool,
}

/// Graph figures.
#[derive(Clone, Debug, Serialize)]
pub struct GraphCounts {
    /// Graph nodes (junctions, dead ends, way ends).
    pub nodes: usize,
    /// Directed arcs.
    pub edges: usize,
    /// Road edges with geometry (a two-way edge counts once).
    pub edge_geometries: usize,
    /// Kilometres of road (each edge once, ferries excluded).
    pub road_km: f64,
    /// Kilometres of car ferry.
    pub ferry_km: f64,
    /// Strongly connected components.
    pub components: usize,
    /// Nodes in the largest component (the main network).
    pub main_component_nodes: u32,
    /// Node counts of the next largest components (islands and fragments), at most ten.
    pub next_components_nodes: Vec<u32>,
}

/// Road ways and what happened to them.
#[derive(Clone, Debug, Serialize)]
pub struct RoadCounts {
    /// Car-usable ways (roads and ferries).
    pub ways: u64,
    /// Car ferry ways.
    pub ferry_ways: u64,
    /// References to nodes missing from the file.
    pub missing_node_refs: u64,
    /// Ways with nodes missing from the file, cut at the gaps.
    pub ways_with_missing_nodes: u64,
    /// Ways or pieces dropped for having fewer than two nodes in the file.
    pub pieces_dropped: u64,
}

/// Settlement figures.
#[derive(Clone, Debug, Serialize)]
pub struct SettlementCounts {
    /// All settlements.
    pub total: usize,
    /// Per `place` value.
    pub by_place: Ordered<usize>,
    /// Settlements with a readable `population`.
    pub with_population: usize,
    /// Their total population.
    pub population: u64,
    /// Service or settlement areas with no node in the file (not placed).
    pub areas_without_location: u64,
}

impl InspectReport {
    /// Summarises a region read from `file`.
    pub fn new(file: &str, region: &Region) -> Self {
        let stats = &region.read_stats;
        let graph = &region.graph;
        let (road_m, ferry_m) = graph.length_m();
        let sizes = graph.component_sizes();
        let count = |seasonal_only: bool| {
            region
                .kinds
                .iter()
                .map(|k| {
                    let n = region
                        .services
                        .iter()
                        .filter(|s| s.kinds.contains(k) && (s.seasonal || !seasonal_only))
                        .count();
                    (k.name(), n)
                })
                .collect()
        };
        let unparsed = region
            .kinds
            .iter()
            .map(|k| {
                let n = stats.opening_hours_unparsed.get(k.index());
                (k.name(), n.copied().unwrap_or(0))
            })
            .collect();
        // The default places always have a row; places a settings file added, when present.
        let by_place = Place::ALL
            .iter()
            .map(|p| {
                let n = region
                    .settlements
                    .iter()
                    .filter(|s| s.place == Some(*p))
                    .count();
                (p, n)
            })
            .filter(|(p, n)| *n > 0 || SETTLEMENT_PLACES.contains(p))
            .map(|(p, n)| (p.name(), n))
            .collect();
        let mut timings_ms: Ordered<f64> = region
            .timings
            .iter()
            .map(|(name, d)| (*name, round3(d.as_secs_f64() * 1e3)))
            .collect();
        let total: f64 = region
            .timings
            .iter()
            .map(|(_, d)| d.as_secs_f64() * 1e3)
            .sum();
        timings_ms.0.push(("total", round3(total)));
        InspectReport {
            file: file.to_owned(),
            osm: OsmCounts {
                nodes: stats.nodes,
                ways: stats.ways,
                relations: stats.relations,
                blocks: stats.blocks,
                sorted: stats.sorted,
            },
            graph: GraphCounts {
                nodes: graph.node_count(),
                edges: graph.arc_count(),
                edge_geometries: graph.edges().len(),
                road_km: round3(road_m / 1000.0),
                ferry_km: round3(ferry_m / 1000.0),
                components: sizes.len(),
                main_component_nodes: sizes.first().copied().unwrap_or(0),
                next_components_nodes: sizes.iter().skip(1).take(10).copied().collect(),
            },
            roads: RoadCounts {
                ways: stats.road_ways,
                ferry_ways: stats.ferry_ways,
                missing_node_refs: stats.missing_node_refs,
                ways_with_missing_nodes: stats.ways_with_missing_nodes,
                pieces_dropped: stats.road_pieces_dropped,
            },
            services: count(false),
            service_points: region.services.len(),
            seasonal: count(true),
            opening_hours_unparsed: unparsed,
            settlements: SettlementCounts {
                total: region.settlements.len(),
                by_place,
                with_population: region
                    .settlements
                    .iter()
                    .filter(|s| s.population.is_some())
                    .count(),
                population: region.settlements.iter().filter_map(|s| s.population).sum(),
                areas_without_location: stats.areas_without_location,
            },
            timings_ms,
        }
    }

    /// The report as an aligned, human-readable table.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.file);
        let _ = writeln!(
            s,
            "OSM: {} nodes, {} ways, {} relations in {} blocks{}",
            self.osm.nodes,
            self.osm.ways,
            self.osm.relations,
            self.osm.blocks,
            if self.osm.sorted { " (sorted)" } else { "" }
        );
        let _ = writeln!(s, "\nRoad graph");
        let graph_rows = [
            ("car-usable ways", self.roads.ways.to_string()),
            ("  of which car ferries", self.roads.ferry_ways.to_string()),
            ("nodes", self.graph.nodes.to_string()),
            ("directed arcs", self.graph.edges.to_string()),
            ("road km", format!("{:.1}", self.graph.road_km)),
            ("ferry km", format!("{:.1}", self.graph.ferry_km)),
            ("components", self.graph.components.to_string()),
            (
                "main network nodes",
                self.graph.main_component_nodes.to_string(),
            ),
            (
                "next components (nodes)",
                join(&self.graph.next_components_nodes),
            ),
            (
                "missing node refs",
                self.roads.missing_node_refs.to_string(),
            ),
            (
                "ways with missing nodes",
                self.roads.ways_with_missing_nodes.to_string(),
            ),
            ("pieces dropped", self.roads.pieces_dropped.to_string()),
        ];
        push_rows(&mut s, &graph_rows);
        let _ = writeln!(s, "\nService points ({} distinct)", self.service_points);
        let kinds: Vec<(&str, String)> = self
            .services
            .0
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        push_rows(&mut s, &kinds);
        let _ = writeln!(s, "\nSeasonal service points (open in summer only)");
        push_rows(&mut s, &text_rows(&self.seasonal));
        let _ = writeln!(s, "\nUnparsed opening_hours (counted as year-round)");
        push_rows(&mut s, &text_rows(&self.opening_hours_unparsed));
        let _ = writeln!(s, "\nSettlements ({})", self.settlements.total);
        let mut places: Vec<(&str, String)> = self
            .settlements
            .by_place
            .0
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        places.push((
            "with population",
            self.settlements.with_population.to_string(),
        ));
        places.push((
            "population (tagged)",
            self.settlements.population.to_string(),
        ));
        places.push((
            "areas without location",
            self.settlements.areas_without_location.to_string(),
        ));
        push_rows(&mut s, &places);
        let _ = writeln!(s, "\nTime (ms)");
        let times: Vec<(&str, String)> = self
            .timings_ms
            .0
            .iter()
            .map(|(k, v)| (*k, format!("{v:.1}")))
            .collect();
        push_rows(&mut s, &times);
        s
    }
}

/// Per-kind counts as table rows.
fn text_rows<T: std::fmt::Display>(o: &Ordered<T>) -> Vec<(&'static str, String)> {
    o.0.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

fn push_rows(out: &mut String, rows: &[(&str, String)]) {
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<28} {value:>12}");
    }
}

fn join(values: &[u32]) -> String {
    if values.is_empty() {
        return "-".into();
    }
    values
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
