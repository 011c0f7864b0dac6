//! Writes a Sweden-shaped road network as a real `.osm.pbf`, the input of the national benchmark
//! (`benches/national.py`):
//!
//! ```sh
//! cargo run --release --example gen_sweden -- [out/sweden-synthetic.osm.pbf]
//! ```
//!
//! # The model
//! Everything starts from the real populated SCB 1 km squares of 2024 (103 464 squares, 10.6
//! million people) and the real Pipos pharmacies in `data/sweden/`, read with the library's own
//! readers. Roads are laid out in SWEREF 99 TM metres and projected to WGS 84.
//! - **Streets.** Every populated square gets a grid of `k` east-west and `k` north-south ways
//!   across its central 900 m, `k` growing with the square root of the population (1 line each
//!   way for a few farms, up to [`MAX_LINES`] in a town centre, blocks of about 65 m). The middle
//!   lines of busy squares are `tertiary`, the others `residential` (towns) or `unclassified`
//!   (countryside); some inner town streets are oneway.
//! - **Driveways.** Dead-end `highway=service` spurs of 80–250 m hang off the streets, more where
//!   more people live; one in five is `access=private` (so not in the car graph).
//! - **Rural roads.** Each square is joined to its populated east and north neighbours (and to a
//!   diagonal one where no orthogonal path exists) by continuing its middle street.
//! - **Links between clusters.** Squares joined that way form clusters; a minimum spanning tree
//!   over cluster hubs (the most populated square) plus a link from every larger cluster to its
//!   nearest larger neighbour joins them with `secondary`, `primary`, `trunk` or, between two
//!   clusters of 50 000 people or more, a dual-carriageway `motorway`, classed by the smaller
//!   population at either end.
//! - **Ferries.** A link with one end on Gotland, and a short link to a small cluster in the
//!   Stockholm or Gothenburg archipelago, is a car ferry (`route=ferry`, `motor_vehicle=yes`).
//! - **Shape nodes** every 20–45 m (30–60 m on long links) with a gentle sideways wobble, as real
//!   OSM ways have.
//! - **Services.** The 1 968 Pipos pharmacies at their real coordinates (`amenity=pharmacy` for
//!   an Apotek, `healthcare=pharmacy` for an agent); grocery, fuel, post and payment points
//!   placed by population (systematic sampling over the squares, in file order), in counts close
//!   to Sweden's: [`GROCERY`], [`FUEL`], [`POST`], [`PAYMENT`].
//! - **Settlements.** One `place` node per square at its centre with `population=*`: `town`
//!   from 2 000 people, `village` from 200, `hamlet` below.
//!
//! The generator is deterministic: a fixed seed ([`SEED`]), one random stream consumed in file
//! order, and blocks compressed in parallel but written in order, so the same code writes the
//! same bytes. Node and way ids count up from 1; nodes come first, then ways
//! (`Sort.Type_then_ID`), at most 8 000 per block.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::input::crs::Crs;
use servicegap::input::grid::{read_grid, GridSquare};
use servicegap::input::services::read_services;
use std::collections::HashMap;
use std::error::Error;
use std::path::Path;
use std::time::Instant;

/// The seed of the one random stream.
const SEED: u64 = 6_2024;
/// The SCB population grid.
const GRID: &str = "data/sweden/scb_befolkning_1km_2024_populated.csv.gz";
/// The Pipos pharmacies.
const PIPOS: &str = "data/sweden/pipos_apoteksvaror_2025-11-12.xlsx";
/// Default output path (`out/` is ignored by git).
const DEFAULT_OUT: &str = "out/sweden-synthetic.osm.pbf";

/// Half the side of the street grid in a square, metres.
const HALF_M: f64 = 450.0;
/// Most street lines each way in one square.
const MAX_LINES: usize = 14;
/// Service points placed by population, roughly Sweden's counts.
const GROCERY: f64 = 3_000.0;
/// See [`GROCERY`].
const FUEL: f64 = 2_700.0;
/// See [`GROCERY`].
const POST: f64 = 2_000.0;
/// See [`GROCERY`].
const PAYMENT: f64 = 2_500.0;

/// Gotland and Fårö in SWEREF 99 TM (x range, y range): no mainland inside.
const GOTLAND: ([f64; 2], [f64; 2]) = ([650_000.0, 780_000.0], [6_290_000.0, 6_445_000.0]);
/// Archipelagos where a short link to a small cluster is a ferry.
const ARCHIPELAGOS: [([f64; 2], [f64; 2]); 2] = [
    ([690_000.0, 800_000.0], [6_540_000.0, 6_660_000.0]),
    ([250_000.0, 300_000.0], [6_390_000.0, 6_460_000.0]),
];

type Tags = Vec<(&'static str, String)>;
/// The tags of one kind of service point.
type TagPairs<'a> = &'a [(&'static str, &'static str)];

fn tags(pairs: &[(&'static str, &str)]) -> Tags {
    pairs.iter().map(|&(k, v)| (k, v.to_string())).collect()
}

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_OUT.to_string());
    let clock = Instant::now();
    let squares = read_grid(Path::new(GRID), None)?;
    let pharmacies = read_services(Path::new(PIPOS), None)?.points;
    eprintln!(
        "read {} squares, {} pharmacies in {:.1?}",
        squares.len(),
        pharmacies.len(),
        clock.elapsed()
    );

    let mut osm = Osm::new(Crs::sweref99tm());
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let streets: Vec<Streets> = squares
        .iter()
        .map(|s| osm.streets(s, &mut rng))
        .collect::<Result<_, _>>()?;
    let at: HashMap<(u32, u32), usize> = squares
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.corner_x / 1000, s.corner_y / 1000), i))
        .collect();
    osm.rural_roads(&squares, &streets, &at, &mut rng)?;
    let clusters = clusters(&squares, &at);
    osm.cluster_links(&squares, &streets, &clusters, &mut rng)?;
    let road_nodes = osm.nodes.len();
    let road_refs = osm.refs.len();

    for p in &pharmacies {
        let kind = if p.form.as_deref() == Some("Apoteksombud") {
            ("healthcare", "pharmacy")
        } else {
            ("amenity", "pharmacy")
        };
        let mut t = tags(&[kind]);
        if let Some(name) = &p.name {
            t.push(("name", name.clone()));
        }
        osm.tagged_node([p.coord.lon_e7, p.coord.lat_e7], t);
    }
    osm.services(&squares, &streets, &mut rng)?;
    for s in &squares {
        let place = match s.population {
            p if p >= 2_000 => "town",
            p if p >= 200 => "village",
            _ => "hamlet",
        };
        let (x, y) = s.centre();
        let coord = osm.lonlat(x, y)?;
        let t = vec![
            ("place", place.to_string()),
            ("name", format!("Ruta {}", s.code)),
            ("population", s.population.to_string()),
        ];
        osm.tagged_node(coord, t);
    }
    eprintln!(
        "{} nodes ({} on roads), {} ways, {} way nodes, {} tag sets in {:.1?}",
        osm.nodes.len(),
        road_nodes,
        osm.ways.len(),
        road_refs,
        osm.tag_sets.len(),
        clock.elapsed()
    );

    if let Some(dir) = Path::new(&out).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(&out)?;
    let bytes = pbf::write(std::io::BufWriter::new(file), &osm)?;
    eprintln!(
        "wrote {out}: {:.1} MB in {:.1?}",
        bytes as f64 / 1e6,
        clock.elapsed()
    );
    Ok(())
}

/// One way: its nodes are `refs[start..end]`, its tags `tag_sets[tags]`.
struct Way {
    start: u32,
    end: u32,
    tags: u32,
}

/// The street grid of one square: node indices of its intersections and line ends.
#[derive(Clone, Copy)]
struct Streets {
    /// Lines each way.
    k: usize,
    /// First of the `k * k` intersections, then `k` west, `k` east, `k` south and `k` north
    /// ends, all contiguous.
    base: u32,
}

impl Streets {
    fn node(&self, offset: usize) -> u32 {
        self.base + offset as u32
    }
    /// The crossing of north-south line `a` and east-west line `b`.
    fn crossing(&self, a: usize, b: usize) -> u32 {
        self.node(a * self.k + b)
    }
    fn west(&self, b: usize) -> u32 {
        self.node(self.k * self.k + b)
    }
    fn east(&self, b: usize) -> u32 {
        self.node(self.k * self.k + self.k + b)
    }
    fn south(&self, a: usize) -> u32 {
        self.node(self.k * self.k + 2 * self.k + a)
    }
    fn north(&self, a: usize) -> u32 {
        self.node(self.k * self.k + 3 * self.k + a)
    }
    fn hub(&self) -> u32 {
        self.crossing(self.k / 2, self.k / 2)
    }
    /// Offset of line `j` from the square's centre, metres.
    fn offset(&self, j: usize) -> f64 {
        -HALF_M + (j as f64 + 0.5) * 2.0 * HALF_M / self.k as f64
    }
}

/// Street lines each way for a square of `population`.
fn lines_for(population: u64) -> usize {
    (1 + (population as f64).sqrt() as usize / 2).min(MAX_LINES)
}

/// The file being built, plus the projection.
struct Osm {
    /// (lon, lat) in 1e-7 degrees; node id = index + 1.
    nodes: Vec<[i32; 2]>,
    /// SWEREF 99 TM position of each node, metres (NaN for tagged nodes), for shape nodes
    /// and driveways.
    xy: Vec<[f64; 2]>,
    /// Tags of tagged nodes, by node index, ascending.
    node_tags: Vec<(u32, Tags)>,
    ways: Vec<Way>,
    /// Node indices of all ways, concatenated.
    refs: Vec<u32>,
    tag_sets: Vec<Tags>,
    tag_index: HashMap<Tags, u32>,
    crs: Crs,
    /// (lon, lat) of 1 km lattice points, projected once each.
    lattice: HashMap<(i32, i32), (f64, f64)>,
}

impl Osm {
    fn new(crs: Crs) -> Self {
        Osm {
            nodes: Vec::new(),
            xy: Vec::new(),
            node_tags: Vec::new(),
            ways: Vec::new(),
            refs: Vec::new(),
            tag_sets: Vec::new(),
            tag_index: HashMap::new(),
            crs,
            lattice: HashMap::new(),
        }
    }

    /// (lon, lat) in 1e-7 degrees of a SWEREF 99 TM point: bilinear between the projected
    /// corners of its 1 km lattice cell (off by millimetres, and thousands of times cheaper than
    /// projecting every node).
    fn lonlat(&mut self, x: f64, y: f64) -> Result<[i32; 2], String> {
        let (ix, iy) = ((x / 1000.0).floor(), (y / 1000.0).floor());
        let (fx, fy) = (x / 1000.0 - ix, y / 1000.0 - iy);
        let mut corner = |dx: i32, dy: i32| -> Result<(f64, f64), String> {
            let key = (ix as i32 + dx, iy as i32 + dy);
            if let Some(&ll) = self.lattice.get(&key) {
                return Ok(ll);
            }
            let ll = self
                .crs
                .to_lon_lat(f64::from(key.0) * 1000.0, f64::from(key.1) * 1000.0)
                .map_err(|e| e.to_string())?;
            self.lattice.insert(key, ll);
            Ok(ll)
        };
        let (a, b, c, d) = (corner(0, 0)?, corner(1, 0)?, corner(0, 1)?, corner(1, 1)?);
        let mix = |p: f64, q: f64, r: f64, s: f64| {
            (p * (1.0 - fx) + q * fx) * (1.0 - fy) + (r * (1.0 - fx) + s * fx) * fy
        };
        let lon = mix(a.0, b.0, c.0, d.0);
        let lat = mix(a.1, b.1, c.1, d.1);
        Ok([(lon * 1e7).round() as i32, (lat * 1e7).round() as i32])
    }

    /// A new untagged node at SWEREF 99 TM (x, y).
    fn node(&mut self, x: f64, y: f64) -> Result<u32, String> {
        let ll = self.lonlat(x, y)?;
        self.nodes.push(ll);
        self.xy.push([x, y]);
        Ok(self.nodes.len() as u32 - 1)
    }

    fn tagged_node(&mut self, lonlat: [i32; 2], t: Tags) {
        self.nodes.push(lonlat);
        self.xy.push([f64::NAN; 2]);
        self.node_tags.push((self.nodes.len() as u32 - 1, t));
    }

    fn point(&self, node: u32) -> (f64, f64) {
        let [x, y] = self.xy[node as usize];
        (x, y)
    }

    /// Appends shape nodes strictly between nodes `a` and `b`, every `step` metres (a random
    /// range), displaced sideways by a smooth arc of up to `wobble_m`.
    fn shape(
        &mut self,
        a: u32,
        b: u32,
        step: std::ops::Range<f64>,
        wobble_m: f64,
        rng: &mut ChaCha8Rng,
    ) -> Result<(), String> {
        let ((ax, ay), (bx, by)) = (self.point(a), self.point(b));
        let (dx, dy) = (bx - ax, by - ay);
        let len = dx.hypot(dy);
        if len <= step.start {
            return Ok(());
        }
        let (nx, ny) = (-dy / len, dx / len);
        let bend = rng.gen_range(-wobble_m..=wobble_m);
        let mut at = rng.gen_range(step.clone());
        while at < len - step.start / 2.0 {
            let t = at / len;
            let side = bend * (std::f64::consts::PI * t).sin() + rng.gen_range(-1.0..1.0);
            let n = self.node(ax + t * dx + side * nx, ay + t * dy + side * ny)?;
            self.refs.push(n);
            at += rng.gen_range(step.clone());
        }
        Ok(())
    }

    /// A way through `stops` (existing nodes), with shape nodes between consecutive stops.
    fn way(
        &mut self,
        stops: &[u32],
        step: std::ops::Range<f64>,
        wobble_m: f64,
        t: Tags,
        rng: &mut ChaCha8Rng,
    ) -> Result<(), String> {
        let start = self.refs.len() as u32;
        for (i, &s) in stops.iter().enumerate() {
            if i > 0 {
                self.shape(stops[i - 1], s, step.clone(), wobble_m, rng)?;
            }
            self.refs.push(s);
        }
        let next = self.tag_sets.len() as u32;
        let id = *self.tag_index.entry(t.clone()).or_insert(next);
        if id == next {
            self.tag_sets.push(t);
        }
        self.ways.push(Way {
            start,
            end: self.refs.len() as u32,
            tags: id,
        });
        Ok(())
    }

    /// The street grid and driveways of one square.
    fn streets(&mut self, s: &GridSquare, rng: &mut ChaCha8Rng) -> Result<Streets, String> {
        let (cx, cy) = s.centre();
        let k = lines_for(s.population);
        let g = Streets {
            k,
            base: self.nodes.len() as u32,
        };
        let jitter = if k > 1 { 6.0 } else { 0.0 };
        for a in 0..k {
            for b in 0..k {
                let (jx, jy) = (
                    rng.gen_range(-1.0..=1.0) * jitter,
                    rng.gen_range(-1.0..=1.0) * jitter,
                );
                self.node(cx + g.offset(a) + jx, cy + g.offset(b) + jy)?;
            }
        }
        for b in 0..k {
            self.node(cx - HALF_M, cy + g.offset(b))?;
        }
        for b in 0..k {
            self.node(cx + HALF_M, cy + g.offset(b))?;
        }
        for a in 0..k {
            self.node(cx + g.offset(a), cy - HALF_M)?;
        }
        for a in 0..k {
            self.node(cx + g.offset(a), cy + HALF_M)?;
        }
        let town = s.population >= 200;
        let mut shape_ranges = Vec::with_capacity(2 * k);
        for horizontal in [true, false] {
            for j in 0..k {
                let mut stops = Vec::with_capacity(k + 2);
                if horizontal {
                    stops.push(g.west(j));
                    stops.extend((0..k).map(|a| g.crossing(a, j)));
                    stops.push(g.east(j));
                } else {
                    stops.push(g.south(j));
                    stops.extend((0..k).map(|b| g.crossing(j, b)));
                    stops.push(g.north(j));
                }
                let main = j == k / 2;
                let mut t = if main && s.population >= 500 {
                    tags(&[("highway", "tertiary")])
                } else if town {
                    tags(&[("highway", "residential")])
                } else {
                    tags(&[("highway", "unclassified")])
                };
                t.extend(street_speed(&t[0].1, rng));
                // Some inner streets of town centres are oneway, both directions in turn.
                if s.population >= 1_000 && !main && j > 0 && j + 1 < k && rng.gen_bool(0.2) {
                    t.push(("oneway", "yes".to_string()));
                    if j % 2 == 1 {
                        stops.reverse();
                    }
                }
                let first_shape = self.nodes.len() as u32;
                self.way(&stops, 20.0..45.0, 4.0, t, rng)?;
                shape_ranges.push((first_shape, self.nodes.len() as u32, horizontal));
            }
        }
        // Driveways off shape nodes (never off a crossing, which would not add a junction).
        let spurs = (1 + s.population / 25).min(12);
        for _ in 0..spurs {
            let (lo, hi, horizontal) = shape_ranges[rng.gen_range(0..shape_ranges.len())];
            if lo == hi {
                continue;
            }
            let from = rng.gen_range(lo..hi);
            let (x, y) = self.point(from);
            let len = rng.gen_range(80.0..250.0) * if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
            let end = if horizontal {
                self.node(x, y + len)?
            } else {
                self.node(x + len, y)?
            };
            let mut t = tags(&[("highway", "service")]);
            if rng.gen_bool(0.2) {
                t.push(("access", "private".to_string()));
            } else if rng.gen_bool(0.3) {
                t.push(("service", "driveway".to_string()));
            }
            self.way(&[from, end], 20.0..40.0, 3.0, t, rng)?;
        }
        Ok(g)
    }

    /// Roads between neighbouring populated squares: east and north always, a diagonal only
    /// where neither orthogonal square is populated (otherwise it would be a shortcut around a
    /// triangle that real roads do not have).
    fn rural_roads(
        &mut self,
        squares: &[GridSquare],
        streets: &[Streets],
        at: &HashMap<(u32, u32), usize>,
        rng: &mut ChaCha8Rng,
    ) -> Result<(), String> {
        for (i, s) in squares.iter().enumerate() {
            let (x, y) = (s.corner_x / 1000, s.corner_y / 1000);
            let g = streets[i];
            let find = |dx: i64, dy: i64| {
                let key = ((i64::from(x) + dx) as u32, (i64::from(y) + dy) as u32);
                at.get(&key).copied()
            };
            let (east, north, west) = (find(1, 0), find(0, 1), find(-1, 0));
            let mut links = Vec::new();
            if let Some(j) = east {
                links.push((j, g.east(g.k / 2), streets[j].west(streets[j].k / 2)));
            }
            if let Some(j) = north {
                links.push((j, g.north(g.k / 2), streets[j].south(streets[j].k / 2)));
            }
            if let (None, None, Some(j)) = (east, north, find(1, 1)) {
                links.push((j, g.north(g.k - 1), streets[j].south(0)));
            }
            if let (None, None, Some(j)) = (west, north, find(-1, 1)) {
                links.push((j, g.north(0), streets[j].south(streets[j].k - 1)));
            }
            for (j, from, to) in links {
                let people = s.population + squares[j].population;
                let class = if people >= 400 {
                    "tertiary"
                } else {
                    "unclassified"
                };
                let mut t = tags(&[("highway", class)]);
                t.extend(street_speed(class, rng));
                self.way(&[from, to], 20.0..45.0, 10.0, t, rng)?;
            }
        }
        Ok(())
    }

    /// Links between clusters: a minimum spanning tree over the hubs, plus a link from each
    /// cluster of 1 000 people or more to the nearest other such cluster.
    fn cluster_links(
        &mut self,
        squares: &[GridSquare],
        streets: &[Streets],
        clusters: &[Cluster],
        rng: &mut ChaCha8Rng,
    ) -> Result<(), String> {
        let hub_xy: Vec<(f64, f64)> = clusters.iter().map(|c| squares[c.hub].centre()).collect();
        let dist = |a: usize, b: usize| {
            let ((ax, ay), (bx, by)) = (hub_xy[a], hub_xy[b]);
            (ax - bx).hypot(ay - by)
        };
        let mut pairs = minimum_spanning_tree(clusters.len(), dist);
        let big: Vec<usize> = (0..clusters.len())
            .filter(|&c| clusters[c].population >= 1_000)
            .collect();
        for &a in &big {
            let nearest = big
                .iter()
                .copied()
                .filter(|&b| b != a)
                .min_by(|&b, &c| dist(a, b).total_cmp(&dist(a, c)).then(b.cmp(&c)));
            if let Some(b) = nearest {
                pairs.push((a.min(b), a.max(b)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut ferries = 0;
        for (a, b) in pairs {
            let (ca, cb) = (&clusters[a], &clusters[b]);
            let (from, to) = (streets[ca.hub].hub(), streets[cb.hub].hub());
            let length = dist(a, b);
            let small = ca.population.min(cb.population);
            let in_box = |(x, y): (f64, f64), ([x0, x1], [y0, y1]): ([f64; 2], [f64; 2])| {
                (x0..=x1).contains(&x) && (y0..=y1).contains(&y)
            };
            let gotland = in_box(hub_xy[a], GOTLAND) != in_box(hub_xy[b], GOTLAND);
            let small_end = if ca.population < cb.population { a } else { b };
            let archipelago = small < 300
                && length < 8_000.0
                && ARCHIPELAGOS.iter().any(|&r| in_box(hub_xy[small_end], r));
            if gotland || archipelago {
                ferries += 1;
                let mut t = tags(&[
                    ("route", "ferry"),
                    ("motor_vehicle", "yes"),
                    ("name", &format!("Färja {ferries}")),
                ]);
                // About 25 km/h; every other ferry leaves the time to the profile's fallback.
                if ferries % 2 == 1 || gotland {
                    let minutes = (length / 1000.0 / 25.0 * 60.0).round() as u64;
                    t.push(("duration", format!("{}:{:02}", minutes / 60, minutes % 60)));
                }
                self.way(&[from, to], 200.0..400.0, 0.0, t, rng)?;
                continue;
            }
            let class = match small {
                p if p >= 50_000 => "motorway",
                p if p >= 10_000 => "trunk",
                p if p >= 1_000 => "primary",
                _ => "secondary",
            };
            let wobble = (length / 20.0).min(300.0);
            let mut t = tags(&[("highway", class)]);
            t.extend(street_speed(class, rng));
            if class == "motorway" {
                // Dual carriageway: one oneway way each direction.
                self.way(&[from, to], 30.0..60.0, wobble, t.clone(), rng)?;
                self.way(&[to, from], 30.0..60.0, wobble, t, rng)?;
            } else {
                self.way(&[from, to], 30.0..60.0, wobble, t, rng)?;
            }
        }
        eprintln!("{} clusters, {ferries} ferries", clusters.len());
        Ok(())
    }

    /// Grocery, fuel, post and payment points by systematic sampling over the population: a
    /// kind with `n` points puts one in a square each time the running population passes another
    /// multiple of (national population / `n`), starting at a random phase.
    fn services(
        &mut self,
        squares: &[GridSquare],
        streets: &[Streets],
        rng: &mut ChaCha8Rng,
    ) -> Result<(), String> {
        let people: u64 = squares.iter().map(|s| s.population).sum();
        let kinds: [(f64, &[TagPairs]); 4] = [
            (
                GROCERY,
                &[
                    &[("shop", "supermarket")],
                    &[("shop", "convenience")],
                    &[("shop", "supermarket")],
                ],
            ),
            (FUEL, &[&[("amenity", "fuel")]]),
            (
                POST,
                &[
                    &[("amenity", "post_office")],
                    &[("post_office", "post_partner")],
                    &[("amenity", "parcel_locker")],
                ],
            ),
            (
                PAYMENT,
                &[
                    &[("amenity", "atm")],
                    &[("amenity", "atm")],
                    &[("amenity", "bank")],
                ],
            ),
        ];
        for (count, variants) in kinds {
            let per_point = people as f64 / count;
            let mut next = rng.gen_range(0.0..per_point);
            let mut running = 0.0;
            for (s, g) in squares.iter().zip(streets) {
                running += s.population as f64;
                while running > next {
                    next += per_point;
                    // On a street of the square, 15 m to one side.
                    let (cx, cy) = s.centre();
                    let along = rng.gen_range(-HALF_M + 20.0..HALF_M - 20.0);
                    let across = g.offset(rng.gen_range(0..g.k)) + 15.0;
                    let (x, y) = if rng.gen_bool(0.5) {
                        (cx + along, cy + across)
                    } else {
                        (cx + across, cy + along)
                    };
                    let coord = self.lonlat(x, y)?;
                    let variant = variants[rng.gen_range(0..variants.len())];
                    self.tagged_node(coord, tags(variant));
                }
            }
        }
        Ok(())
    }
}

/// `maxspeed` (or none) for a road class: a Swedish-looking mix of numbers, zone values and
/// untagged ways.
fn street_speed(class: &str, rng: &mut ChaCha8Rng) -> Option<(&'static str, String)> {
    let choices: &[Option<&str>] = match class {
        "motorway" => &[Some("110"), Some("120"), Some("SE:motorway")],
        "trunk" => &[Some("90"), Some("100"), Some("80"), None],
        "primary" => &[Some("80"), Some("90"), Some("70"), None],
        "secondary" => &[Some("70"), Some("80"), Some("60"), None],
        "tertiary" => &[Some("50"), Some("60"), Some("70"), Some("SE:urban"), None],
        "unclassified" => &[Some("70"), Some("SE:rural"), Some("50"), None, None],
        "residential" => &[Some("30"), Some("30"), Some("40"), Some("50"), None],
        _ => &[None],
    };
    choices[rng.gen_range(0..choices.len())].map(|v| ("maxspeed", v.to_string()))
}

/// A set of squares joined by rural roads.
struct Cluster {
    /// Its most populated square (the first such in file order).
    hub: usize,
    population: u64,
}

/// Clusters of squares joined by the rural roads (8-neighbourhood), in order of their first
/// square.
fn clusters(squares: &[GridSquare], at: &HashMap<(u32, u32), usize>) -> Vec<Cluster> {
    let mut parent: Vec<usize> = (0..squares.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, s) in squares.iter().enumerate() {
        let (x, y) = (s.corner_x / 1000, s.corner_y / 1000);
        for (dx, dy) in [(1i64, 0i64), (0, 1), (1, 1), (-1, 1)] {
            let key = ((i64::from(x) + dx) as u32, (i64::from(y) + dy) as u32);
            if let Some(&j) = at.get(&key) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut index_of = HashMap::new();
    let mut out: Vec<Cluster> = Vec::new();
    for (i, s) in squares.iter().enumerate() {
        let r = root(&mut parent, i);
        let c = *index_of.entry(r).or_insert_with(|| {
            out.push(Cluster {
                hub: i,
                population: 0,
            });
            out.len() - 1
        });
        let cluster = &mut out[c];
        cluster.population += s.population;
        if s.population > squares[cluster.hub].population {
            cluster.hub = i;
        }
    }
    out
}

/// Prim's algorithm on the complete graph of `n` points, O(n²): edges as (smaller, larger).
fn minimum_spanning_tree(n: usize, dist: impl Fn(usize, usize) -> f64) -> Vec<(usize, usize)> {
    let mut best = vec![(f64::INFINITY, 0usize); n];
    let mut done = vec![false; n];
    let mut edges = Vec::with_capacity(n.saturating_sub(1));
    let mut current = 0;
    for _ in 1..n {
        done[current] = true;
        let mut next = usize::MAX;
        let mut next_d = f64::INFINITY;
        for v in 0..n {
            if done[v] {
                continue;
            }
            let d = dist(current, v);
            if d < best[v].0 {
                best[v] = (d, current);
            }
            if best[v].0 < next_d {
                next_d = best[v].0;
                next = v;
            }
        }
        let from = best[next].1;
        edges.push((from.min(next), from.max(next)));
        current = next;
    }
    edges
}

/// A minimal OSM PBF writer: an `OSMHeader` blob, then `OSMData` blobs of dense nodes and of
/// ways, zlib-compressed, each block with its own string table.
mod pbf {
    use super::Osm;
    use flate2::write::ZlibEncoder;
    use flate2::Compression;
    use rayon::prelude::*;
    use std::collections::HashMap;
    use std::io::Write;

    /// Entities per block (the format's recommended maximum is 8 000).
    const PER_BLOCK: usize = 8_000;
    /// Blocks encoded in parallel before being written, to bound memory.
    const BATCH: usize = 64;

    fn varint(buf: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        buf.push(v as u8);
    }

    fn zigzag(v: i64) -> u64 {
        ((v << 1) ^ (v >> 63)) as u64
    }

    fn key(buf: &mut Vec<u8>, field: u32, wire: u32) {
        varint(buf, u64::from(field << 3 | wire));
    }

    fn uint(buf: &mut Vec<u8>, field: u32, v: u64) {
        key(buf, field, 0);
        varint(buf, v);
    }

    fn sint(buf: &mut Vec<u8>, field: u32, v: i64) {
        uint(buf, field, zigzag(v));
    }

    fn bytes(buf: &mut Vec<u8>, field: u32, b: &[u8]) {
        key(buf, field, 2);
        varint(buf, b.len() as u64);
        buf.extend_from_slice(b);
    }

    /// A packed repeated field of varints.
    fn packed(buf: &mut Vec<u8>, field: u32, values: impl Iterator<Item = u64>) {
        let mut body = Vec::new();
        for v in values {
            varint(&mut body, v);
        }
        bytes(buf, field, &body);
    }

    /// Delta-coded, zigzagged packed field.
    fn packed_delta(buf: &mut Vec<u8>, field: u32, values: impl Iterator<Item = i64>) {
        let mut prev = 0;
        packed(
            buf,
            field,
            values.map(|v| {
                let d = v - prev;
                prev = v;
                zigzag(d)
            }),
        );
    }

    /// The string table of one block; entry 0 is the empty string, as the format requires.
    #[derive(Default)]
    struct Strings<'a> {
        index: HashMap<&'a str, u32>,
        list: Vec<&'a str>,
    }

    impl<'a> Strings<'a> {
        fn new() -> Self {
            let mut s = Strings::default();
            s.list.push("");
            s
        }
        fn get(&mut self, s: &'a str) -> u64 {
            let next = self.list.len() as u32;
            let i = *self.index.entry(s).or_insert(next);
            if i == next {
                self.list.push(s);
            }
            u64::from(i)
        }
        /// The `PrimitiveBlock` around `groups` (already encoded `PrimitiveGroup`s).
        fn block(&self, group: &[u8]) -> Vec<u8> {
            let mut table = Vec::new();
            for s in &self.list {
                bytes(&mut table, 1, s.as_bytes());
            }
            let mut block = Vec::with_capacity(group.len() + table.len() + 16);
            bytes(&mut block, 1, &table);
            bytes(&mut block, 2, group);
            uint(&mut block, 17, 100); // granularity: 100 nanodegrees = 1e-7 degrees
            block
        }
    }

    fn nodes_block(osm: &Osm, range: std::ops::Range<usize>) -> Vec<u8> {
        let mut strings = Strings::new();
        let first_tagged = osm
            .node_tags
            .partition_point(|(i, _)| (*i as usize) < range.start);
        let mut tagged = osm.node_tags[first_tagged..].iter().peekable();
        let mut keys_vals = Vec::new();
        let mut any_tags = false;
        for i in range.clone() {
            if let Some((_, t)) = tagged.next_if(|(j, _)| *j as usize == i) {
                any_tags = true;
                for (k, v) in t {
                    keys_vals.push(strings.get(k));
                    keys_vals.push(strings.get(v));
                }
            }
            keys_vals.push(0);
        }
        let mut dense = Vec::new();
        packed_delta(&mut dense, 1, range.clone().map(|i| i as i64 + 1));
        packed_delta(
            &mut dense,
            8,
            range.clone().map(|i| i64::from(osm.nodes[i][1])),
        );
        packed_delta(&mut dense, 9, range.map(|i| i64::from(osm.nodes[i][0])));
        if any_tags {
            packed(&mut dense, 10, keys_vals.into_iter());
        }
        let mut group = Vec::with_capacity(dense.len() + 8);
        bytes(&mut group, 2, &dense);
        strings.block(&group)
    }

    fn ways_block(osm: &Osm, range: std::ops::Range<usize>) -> Vec<u8> {
        let mut strings = Strings::new();
        let mut group = Vec::new();
        let mut way = Vec::new();
        for i in range {
            let w = &osm.ways[i];
            let t = &osm.tag_sets[w.tags as usize];
            way.clear();
            uint(&mut way, 1, i as u64 + 1);
            let (keys, vals): (Vec<u64>, Vec<u64>) = t
                .iter()
                .map(|(k, v)| (strings.get(k), strings.get(v)))
                .unzip();
            packed(&mut way, 2, keys.into_iter());
            packed(&mut way, 3, vals.into_iter());
            let refs = &osm.refs[w.start as usize..w.end as usize];
            packed_delta(&mut way, 8, refs.iter().map(|&r| i64::from(r) + 1));
            bytes(&mut group, 3, &way);
        }
        strings.block(&group)
    }

    fn header_block(osm: &Osm) -> Vec<u8> {
        let (mut lon0, mut lon1, mut lat0, mut lat1) = (i32::MAX, i32::MIN, i32::MAX, i32::MIN);
        for &[lon, lat] in &osm.nodes {
            (lon0, lon1) = (lon0.min(lon), lon1.max(lon));
            (lat0, lat1) = (lat0.min(lat), lat1.max(lat));
        }
        let nano = |v: i32| i64::from(v) * 100;
        let mut bbox = Vec::new();
        sint(&mut bbox, 1, nano(lon0));
        sint(&mut bbox, 2, nano(lon1));
        sint(&mut bbox, 3, nano(lat1));
        sint(&mut bbox, 4, nano(lat0));
        let mut h = Vec::new();
        bytes(&mut h, 1, &bbox);
        bytes(&mut h, 4, b"OsmSchema-V0.6");
        bytes(&mut h, 4, b"DenseNodes");
        bytes(&mut h, 5, b"Sort.Type_then_ID");
        bytes(&mut h, 16, b"servicegap gen_sweden");
        h
    }

    /// One file block: length, `BlobHeader`, zlib `Blob`.
    fn blob(kind: &str, raw: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(raw)?;
        let compressed = z.finish()?;
        let mut blob = Vec::with_capacity(compressed.len() + 16);
        uint(&mut blob, 2, raw.len() as u64);
        bytes(&mut blob, 3, &compressed);
        let mut header = Vec::new();
        bytes(&mut header, 1, kind.as_bytes());
        uint(&mut header, 3, blob.len() as u64);
        let mut out = Vec::with_capacity(4 + header.len() + blob.len());
        out.extend_from_slice(&(header.len() as u32).to_be_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&blob);
        Ok(out)
    }

    /// Writes the whole file; returns its size in bytes.
    pub fn write(mut out: impl Write, osm: &Osm) -> std::io::Result<u64> {
        let mut written = 0u64;
        let head = blob("OSMHeader", &header_block(osm))?;
        out.write_all(&head)?;
        written += head.len() as u64;
        let chunks = |n: usize| {
            (0..n)
                .step_by(PER_BLOCK)
                .map(move |s| s..(s + PER_BLOCK).min(n))
        };
        let mut jobs: Vec<(bool, std::ops::Range<usize>)> =
            chunks(osm.nodes.len()).map(|r| (true, r)).collect();
        jobs.extend(chunks(osm.ways.len()).map(|r| (false, r)));
        for batch in jobs.chunks(BATCH) {
            let blobs: Vec<std::io::Result<Vec<u8>>> = batch
                .par_iter()
                .map(|(nodes, r)| {
                    let raw = if *nodes {
                        nodes_block(osm, r.clone())
                    } else {
                        ways_block(osm, r.clone())
                    };
                    blob("OSMData", &raw)
                })
                .collect();
            for b in blobs {
                let b = b?;
                out.write_all(&b)?;
                written += b.len() as u64;
            }
        }
        out.flush()?;
        Ok(written)
    }
}
