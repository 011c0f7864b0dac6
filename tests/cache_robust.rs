//! The graph cache under damage and against the extract it was built from. Caches are written
//! by `servicegap build`, as a planner writes them. A cache of another format version (older
//! or newer) or another byte order is refused with its own message; every truncation and
//! every flipped byte of a small real cache is refused before any use (an error, never a
//! panic, never a region); and `analyze`, `scenario`, `vulnerable` and `suggest` give the
//! same bytes from the cache as from the `.osm.pbf`, planners' files and regions included.

use crate::util::{
    assert_clean_failure_on, assert_success, bin, data, extract, run, tempdir, write,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use servicegap::base::error::CacheProblem;
use servicegap::read::profile::Profile;
use servicegap::store::cache;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Bytes of the header before the section table, as the module docs give them.
const HEADER_LEN: usize = 40;
/// Where the byte-order mark lies.
const MARK_AT: usize = 36;

fn fingerprint() -> u64 {
    cache::settings_fingerprint(&Profile::default())
}

/// `servicegap build` of the shipped extract `name` into `dir/name.sgraph`; the cache's path.
fn build(name: &str, dir: &Path) -> PathBuf {
    let path = dir.join(format!("{name}.sgraph"));
    let out = run(bin().arg("build").arg(extract(name)).arg("-o").arg(&path));
    assert_success(&out, "build");
    path
}

/// The bytes of a cache of `name` written by `servicegap build`.
fn built_bytes(name: &str) -> Vec<u8> {
    let tmp = tempdir();
    std::fs::read(build(name, tmp.path())).unwrap()
}

/// What the loader says about `bytes`, which must be refused: a panic or a loaded region
/// fails the test, naming `what`.
fn refusal(bytes: &[u8], what: &str) -> CacheProblem {
    match catch_unwind(AssertUnwindSafe(|| cache::from_bytes(bytes, fingerprint()))) {
        Err(_) => panic!("{what}: the loader panicked"),
        Ok(Ok(_)) => panic!("{what}: a damaged cache loaded"),
        Ok(Err(problem)) => problem,
    }
}

/// Rewrites the checksum over bytes 16.., so that damage behind it reaches the later checks
/// (as a writer with a bug would leave it).
fn reseal(bytes: &mut [u8]) {
    let crc = crc32fast::hash(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

fn set_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Writes `bytes` as `dir/name` and runs `analyze` on it with `--out-dir dir/out`: it must
/// fail cleanly naming the file and saying `what`, and leave no output folder.
fn analyze_refuses(dir: &Path, name: &str, bytes: &[u8], what: &str) {
    let path = write(dir, name, bytes);
    let out_dir = dir.join("out");
    let out = run(bin()
        .arg("analyze")
        .arg(&path)
        .arg("--out-dir")
        .arg(&out_dir));
    assert_clean_failure_on(&out, &path, what);
    assert!(!out_dir.exists(), "{name}: output left after a refusal");
}

#[test]
fn the_written_header_holds_the_documented_fields() {
    let bytes = built_bytes("fi-kotka-karhula");
    assert_eq!(bytes[..8], cache::MAGIC);
    assert_eq!(u32_at(&bytes, 8), cache::FORMAT_VERSION);
    assert_eq!(u32_at(&bytes, 12), crc32fast::hash(&bytes[16..]));
    assert_eq!(u64_at(&bytes, 16), fingerprint());
    assert_eq!(u64_at(&bytes, 24), bytes.len() as u64);
    assert_eq!(bytes[MARK_AT..MARK_AT + 4], [0x04, 0x03, 0x02, 0x01]);
    assert_eq!(u32_at(&bytes, MARK_AT), cache::BYTE_ORDER_MARK);
    assert!(cache::from_bytes(&bytes, fingerprint()).is_ok());
}

/// Older versions (which had zeros where the mark is now) and newer ones are refused with the
/// version message and the request to rebuild, in the loader and on the command line.
#[test]
fn older_and_newer_format_versions_are_refused_by_version() {
    let bytes = built_bytes("fi-kotka-karhula");
    let v = cache::FORMAT_VERSION;
    let older = (0..v).map(|version| (version, 0u32));
    let newer = [v + 1, v + 100, u32::MAX].map(|version| (version, cache::BYTE_ORDER_MARK));
    for (version, mark) in older.chain(newer) {
        let mut other = bytes.clone();
        set_u32(&mut other, 8, version);
        set_u32(&mut other, MARK_AT, mark);
        reseal(&mut other);
        assert_eq!(
            refusal(&other, &format!("version {version}")),
            CacheProblem::Version {
                found: version,
                supported: v
            }
        );
    }

    let tmp = tempdir();
    for version in [v - 1, v + 1] {
        let mut other = bytes.clone();
        set_u32(&mut other, 8, version);
        if version < v {
            set_u32(&mut other, MARK_AT, 0);
        }
        reseal(&mut other);
        let message = format!(
            "graph cache written by format version {version}, this servicegap reads {v}: rebuild with servicegap build"
        );
        analyze_refuses(tmp.path(), &format!("v{version}.sgraph"), &other, &message);
        let path = tmp.path().join(format!("v{version}.sgraph"));
        let out = run(bin().arg("inspect").arg(&path));
        assert_clean_failure_on(&out, &path, &message);
    }
}

/// A cache written in the other byte order: the mark alone swapped, and a whole header as a
/// big-endian writer would leave it (every integer swapped, so the version reads wrong too).
#[test]
fn another_byte_order_is_refused_by_name() {
    let bytes = built_bytes("fi-kotka-karhula");
    let swapped = cache::BYTE_ORDER_MARK.swap_bytes();
    let expected = CacheProblem::ByteOrder {
        found: swapped,
        expected: cache::BYTE_ORDER_MARK,
    };
    let mut mark_only = bytes.clone();
    mark_only[MARK_AT..MARK_AT + 4].reverse();
    assert_eq!(u32_at(&mark_only, MARK_AT), swapped);
    assert_eq!(refusal(&mark_only, "mark swapped"), expected);

    let mut big_endian = bytes.clone();
    for (at, width) in [(8, 4), (12, 4), (16, 8), (24, 8), (32, 4), (MARK_AT, 4)] {
        big_endian[at..at + width].reverse();
    }
    assert_eq!(refusal(&big_endian, "big-endian header"), expected);
    assert_ne!(u32_at(&big_endian, 8), cache::FORMAT_VERSION);

    let message = "graph cache written in big-endian byte order, this servicegap reads little-endian: rebuild with servicegap build";
    assert_eq!(expected.to_string(), message);
    let tmp = tempdir();
    analyze_refuses(tmp.path(), "mark.sgraph", &mark_only, message);
    analyze_refuses(tmp.path(), "big-endian.sgraph", &big_endian, message);
    let path = tmp.path().join("big-endian.sgraph");
    let out = run(bin().arg("inspect").arg(&path));
    assert_clean_failure_on(&out, &path, message);

    // Any other mark is named with the one expected.
    let mut zero = bytes.clone();
    set_u32(&mut zero, MARK_AT, 0);
    reseal(&mut zero);
    assert_eq!(
        refusal(&zero, "mark zero"),
        CacheProblem::ByteOrder {
            found: 0,
            expected: cache::BYTE_ORDER_MARK
        }
    );
    analyze_refuses(
        tmp.path(),
        "zero.sgraph",
        &zero,
        "graph cache with byte-order mark 0x00000000, this servicegap reads 0x01020304 (little-endian): rebuild with servicegap build",
    );
}

/// Every length from 0 to one short of the whole file is refused as truncated, with the
/// length the header (or a header) needs; the whole file loads.
#[test]
fn every_truncation_is_refused_before_use() {
    for name in ["se-stockholm-sodermalm", "fi-kotka-karhula"] {
        let bytes = built_bytes(name);
        let len = bytes.len() as u64;
        for cut in 0..bytes.len() {
            let expected = if cut < HEADER_LEN {
                HEADER_LEN as u64
            } else {
                len
            };
            assert_eq!(
                refusal(&bytes[..cut], &format!("{name} cut at {cut}")),
                CacheProblem::Truncated {
                    len: cut as u64,
                    expected
                },
                "{name} cut at {cut}"
            );
        }
        assert!(cache::from_bytes(&bytes, fingerprint()).is_ok());
    }

    // On the command line: inside the magic, the version, the header, the table and the
    // sections; an empty file is no cache at all and is refused as no PBF either.
    let bytes = built_bytes("fi-kotka-karhula");
    let tmp = tempdir();
    let table_end = HEADER_LEN + 16 * u32_at(&bytes, 32) as usize;
    for cut in [
        3,
        8,
        12,
        39,
        40,
        table_end,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        analyze_refuses(
            tmp.path(),
            &format!("cut{cut}.sgraph"),
            &bytes[..cut],
            "truncated graph cache",
        );
    }
    analyze_refuses(
        tmp.path(),
        "empty.sgraph",
        &[],
        "not an OpenStreetMap PBF file",
    );
}

/// The problem a single flipped byte at `i` of a whole cache must give: the header fields
/// before the checksum and the two checked before it each their own, everything else under
/// the checksum.
fn flip_problem(original: &[u8], damaged: &[u8], i: usize) -> CacheProblem {
    match i {
        0..8 => CacheProblem::NotCache,
        8..12 => CacheProblem::Version {
            found: u32_at(damaged, 8),
            supported: cache::FORMAT_VERSION,
        },
        24..32 => {
            let (stated, len) = (u64_at(damaged, 24), original.len() as u64);
            if stated > len {
                CacheProblem::Truncated {
                    len,
                    expected: stated,
                }
            } else {
                CacheProblem::Corrupt {
                    reason: format!("{} bytes after the end of the cache", len - stated),
                }
            }
        }
        MARK_AT..HEADER_LEN => CacheProblem::ByteOrder {
            found: u32_at(damaged, MARK_AT),
            expected: cache::BYTE_ORDER_MARK,
        },
        _ => CacheProblem::Corrupt {
            reason: "checksum mismatch".into(),
        },
    }
}

/// Every byte of a small real cache flipped (each with a seeded mask), and a seeded sample of
/// 3000 positions over the whole of a larger one: each refused with the problem of its place.
#[test]
fn every_flipped_byte_is_refused_with_the_problem_of_its_place() {
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let small = built_bytes("se-stockholm-sodermalm");
    let larger = built_bytes("fi-kotka-karhula");
    let sample: Vec<usize> = (0..3000).map(|_| rng.gen_range(0..larger.len())).collect();
    for (name, bytes, positions) in [
        ("sodermalm", &small, (0..small.len()).collect::<Vec<_>>()),
        ("kotka", &larger, sample),
    ] {
        for i in positions {
            let mask: u8 = rng.gen_range(1..=255);
            let mut damaged = bytes.clone();
            damaged[i] ^= mask;
            let what = format!("{name}: byte {i} ^ {mask:#04x}");
            assert_eq!(
                refusal(&damaged, &what),
                flip_problem(bytes, &damaged, i),
                "{what}"
            );
        }
    }

    // On the command line, one flip in the mark and one in the middle.
    let tmp = tempdir();
    let mut mark = larger.clone();
    mark[MARK_AT + 1] ^= 0x40;
    analyze_refuses(
        tmp.path(),
        "mark.sgraph",
        &mark,
        "byte-order mark 0x01024304",
    );
    let mut middle = larger.clone();
    middle[larger.len() / 2] ^= 0x01;
    analyze_refuses(
        tmp.path(),
        "middle.sgraph",
        &middle,
        "corrupt graph cache (checksum mismatch): rebuild with servicegap build",
    );
}

/// Header fields damaged behind a valid checksum are refused with their own problem: the
/// fingerprint as other settings, the section count and the table's tags and lengths as
/// corrupt; never a panic, never a region.
#[test]
fn header_fields_behind_a_valid_checksum_have_their_own_problem() {
    let bytes = built_bytes("fi-kotka-karhula");
    let resealed = |i: usize, mask: u8| {
        let mut damaged = bytes.clone();
        damaged[i] ^= mask;
        reseal(&mut damaged);
        damaged
    };
    for i in 16..24 {
        let d = resealed(i, 0x21);
        assert_eq!(
            refusal(&d, &format!("fingerprint byte {i}")),
            CacheProblem::Settings
        );
    }
    let count = u32_at(&bytes, 32);
    for i in 32..36 {
        let d = resealed(i, 0x02);
        assert_eq!(
            refusal(&d, &format!("count byte {i}")),
            CacheProblem::Corrupt {
                reason: format!("{} sections", u32_at(&d, 32))
            }
        );
    }
    for s in 0..count as usize {
        let entry = HEADER_LEN + 16 * s;
        let d = resealed(entry, 0x20);
        match refusal(&d, &format!("tag of section {s}")) {
            CacheProblem::Corrupt { reason } if reason.contains(" where ") => {}
            p => panic!("tag of section {s}: {p:?}"),
        }
        // A longer section runs past the file or into its neighbour's place.
        let d = resealed(entry + 8, 0x08);
        assert!(
            matches!(
                refusal(&d, &format!("length of section {s}")),
                CacheProblem::Corrupt { .. }
            ),
            "length of section {s}"
        );
    }
}

/// Sets aside the `file` key (the input's name) of a JSON text: each `"file": "NAME"` or
/// `"file":"NAME"` becomes `"file":""`. Returns the text and how many were set aside.
fn set_file_aside(bytes: &[u8], input: &str) -> (Vec<u8>, usize) {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut count = 0;
    let mut out = text.clone();
    for key in [
        format!("\"file\": \"{input}\""),
        format!("\"file\":\"{input}\""),
    ] {
        count += out.matches(&key).count();
        out = out.replace(&key, "\"file\":\"\"");
    }
    (out.into_bytes(), count)
}

/// A shipped extract copied as `NAME.osm.pbf` and built as `NAME.sgraph` in a folder of its
/// own; commands run there on both and their outputs are compared.
struct Twins {
    dir: tempfile::TempDir,
    pbf: String,
    cached: String,
}

impl Twins {
    fn new(name: &str) -> Self {
        let dir = tempdir();
        let pbf = format!("{name}.osm.pbf");
        let cached = format!("{name}.sgraph");
        std::fs::copy(extract(name), dir.path().join(&pbf)).unwrap();
        let out = run(bin()
            .current_dir(dir.path())
            .args(["build", &pbf, "-o", &cached]));
        assert_success(&out, "build");
        Twins { dir, pbf, cached }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `command` on the extract and on the cache, with the arguments `args(out)` gives
    /// for an output folder `out` (created first). Standard output is the same but for the
    /// input's name; every file in the two folders is the same, byte for byte, but for the
    /// `file` key (the input's name) of the JSON documents (`summary.json`, `compare.json`)
    /// and of the reports' embedded summaries. Returns the names of the files compared.
    fn same(&self, command: &str, args: impl Fn(&str) -> Vec<String>) -> Vec<String> {
        let mut stdouts = Vec::new();
        for (input, out) in [(&self.pbf, "out-pbf"), (&self.cached, "out-cache")] {
            std::fs::create_dir(self.path(out)).unwrap();
            let output = run(bin()
                .current_dir(self.dir.path())
                .arg(command)
                .arg(input)
                .args(args(out)));
            assert_success(&output, &format!("{command} {input}"));
            stdouts.push(String::from_utf8(output.stdout).unwrap());
        }
        assert_eq!(
            stdouts[0].replace(&self.pbf, &self.cached),
            stdouts[1],
            "{command}: standard output differs"
        );
        let names = crate::util::entries(&self.path("out-pbf"));
        assert_eq!(
            names,
            crate::util::entries(&self.path("out-cache")),
            "{command}: other files written"
        );
        for name in &names {
            let read = |out: &str| std::fs::read(self.path(out).join(name)).unwrap();
            let (from_pbf, from_cache) = (read("out-pbf"), read("out-cache"));
            if name.ends_with(".json") || name.ends_with(".html") {
                let (a, n) = set_file_aside(&from_pbf, &self.pbf);
                let (b, m) = set_file_aside(&from_cache, &self.cached);
                assert!(
                    n >= 1 && n == m,
                    "{command}: {name} names its input {n}, {m} times"
                );
                assert!(a == b, "{command}: {name} differs beyond its file key");
                if name.ends_with(".json") {
                    let json: serde_json::Value = serde_json::from_slice(&from_cache).unwrap();
                    assert_eq!(json["file"], self.cached.as_str());
                }
            } else {
                assert!(
                    from_pbf == from_cache,
                    "{command}: {name} differs between the extract and the cache"
                );
            }
        }
        for out in ["out-pbf", "out-cache"] {
            std::fs::remove_dir_all(self.path(out)).unwrap();
        }
        names
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn path_string(p: PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

/// Every output of analyze: the seven of `--out-dir`, the report, and the regions layer.
fn analyze_args(out: &str, extra: &[String]) -> Vec<String> {
    let mut args = strings(&["--out-dir", out]);
    args.extend([
        "--report".to_owned(),
        format!("{out}/report.html"),
        "--k-nearest".to_owned(),
        "4".to_owned(),
    ]);
    args.extend(extra.iter().cloned());
    args
}

const ALL_SEVEN: [&str; 7] = [
    "catchments.geojson",
    "network.geojson",
    "results.gpkg",
    "services.geojson",
    "settlements.csv",
    "settlements.geojson",
    "summary.json",
];

fn with_report(extra: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = ALL_SEVEN
        .iter()
        .chain(extra)
        .chain(&["report.html"])
        .map(|s| s.to_string())
        .collect();
    names.sort();
    names
}

/// Bayreuth's countryside: OSM alone, then a planner's services and settlements CSV (with a
/// 70+ column) and two regions of their own.
#[test]
fn analyze_bayreuth_from_the_cache_equals_the_extract() {
    let twins = Twins::new("de-north-bayreuth-rural");
    assert_eq!(
        twins.same("analyze", |out| analyze_args(out, &[])),
        with_report(&[])
    );

    let settlements = write(
        twins.dir.path(),
        "settlements.csv",
        "id,name,population,pop_70plus,lon,lat\n\
         a,Aheim,120,30,11.5900,49.9900\n\
         b,Bdorf,80,,11.5200,49.9800\n\
         c,Cstadt,400,95,11.5700,50.0000\n\
         d,Dweiler,60,25,11.5010,50.0300\n\
         e,Efeld,35,12,11.4950,49.9800\n",
    );
    let services = write(
        twins.dir.path(),
        "services.csv",
        "id,name,kinds,lon,lat,seasonal\n\
         shop,Dorfladen,grocery,11.59405,49.99151,no\n\
         kiosk,Sommerkiosk,grocery;post,11.5312,50.0176,yes\n",
    );
    let regions = write(
        twins.dir.path(),
        "regions.geojson",
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[11.40,49.90],[11.545,49.90],[11.545,50.10],[11.40,50.10],[11.40,49.90]]]}},
        {"type":"Feature","properties":{"name":"Ost"},"geometry":{"type":"Polygon","coordinates":[[[11.545,49.90],[11.70,49.90],[11.70,50.10],[11.545,50.10],[11.545,49.90]]]}}
        ]}"#,
    );
    let extra = vec![
        "--settlements".to_owned(),
        path_string(settlements),
        "--services".to_owned(),
        path_string(services),
        "--group".to_owned(),
        "pop_70plus".to_owned(),
        "--regions".to_owned(),
        path_string(regions),
    ];
    let names = twins.same("analyze", |out| {
        let mut args = analyze_args(out, &extra);
        args.extend(["--regions-out".to_owned(), format!("{out}/regions.geojson")]);
        args
    });
    assert_eq!(names, with_report(&["regions.geojson"]));
}

/// Andorra, OSM alone: a larger graph, the same bytes.
#[test]
fn analyze_andorra_from_the_cache_equals_the_extract() {
    let twins = Twins::new("ad-andorra-2021");
    assert_eq!(
        twins.same("analyze", |out| analyze_args(out, &[])),
        with_report(&[])
    );
}

/// Södermalm (which has no OSM settlements of its own) with the planner's Swedish files: the
/// SCB 1 km grid, the Pipos pharmacy export (xlsx, then CSV) and the municipalities as regions.
#[test]
fn analyze_sodermalm_with_swedish_files_from_the_cache_equals_the_extract() {
    let twins = Twins::new("se-stockholm-sodermalm");
    for services in [
        "data/sweden/pipos_apoteksvaror_2025-11-12.xlsx",
        "data/sweden/pipos_apoteksvaror_2025-11-12.csv",
    ] {
        let extra = vec![
            "--settlements".to_owned(),
            path_string(data("data/sweden/scb_befolkning_1km_2024_populated.csv.gz")),
            "--services".to_owned(),
            path_string(data(services)),
            "--regions".to_owned(),
            path_string(data("data/sweden/swedish_municipalities.geojson")),
            "--min-component-nodes".to_owned(),
            "5".to_owned(),
            "--max-snap-m".to_owned(),
            "2000".to_owned(),
        ];
        let names = twins.same("analyze", |out| {
            let mut args = analyze_args(out, &extra);
            args.extend(["--regions-out".to_owned(), format!("{out}/regions.geojson")]);
            args
        });
        assert_eq!(names, with_report(&["regions.geojson"]), "{services}");
    }
}

/// The what-if commands from the cache: the shipped scenario plan, the most vulnerable
/// grocery shops and new sites, with every output each writes.
#[test]
fn scenario_vulnerable_and_suggest_from_the_cache_equal_the_extract() {
    let twins = Twins::new("de-north-bayreuth-rural");
    let plan = path_string(data("data/scenarios/bayreuth-plan.toml"));
    let names = twins.same("scenario", |out| {
        vec![
            "--scenarios".to_owned(),
            plan.clone(),
            "--compare-out".to_owned(),
            format!("{out}/compare.json"),
            "--diff-out".to_owned(),
            format!("{out}/diff.geojson"),
            "--gpkg".to_owned(),
            format!("{out}/results.gpkg"),
            "--report".to_owned(),
            format!("{out}/scenario.html"),
        ]
    });
    assert_eq!(
        names,
        [
            "compare.json",
            "diff.geojson",
            "results.gpkg",
            "scenario.html"
        ]
    );
    for kind in ["grocery", "post"] {
        let names = twins.same("vulnerable", |out| {
            strings(&["--kind", kind])
                .into_iter()
                .chain([
                    "-o".to_owned(),
                    format!("{out}/vulnerable.geojson"),
                    "--csv".to_owned(),
                    format!("{out}/vulnerable.csv"),
                    "--gpkg".to_owned(),
                    format!("{out}/results.gpkg"),
                ])
                .collect()
        });
        assert_eq!(
            names,
            ["results.gpkg", "vulnerable.csv", "vulnerable.geojson"]
        );
        let names = twins.same("suggest", |out| {
            strings(&["--kind", kind, "-k", "2"])
                .into_iter()
                .chain([
                    "-o".to_owned(),
                    format!("{out}/suggest.geojson"),
                    "--gpkg".to_owned(),
                    format!("{out}/results.gpkg"),
                ])
                .collect()
        });
        assert_eq!(names, ["results.gpkg", "suggest.geojson"]);
    }
    // And the JSON each prints.
    for (command, extra) in [
        ("vulnerable", strings(&["--kind", "grocery", "--json"])),
        ("suggest", strings(&["--kind", "grocery", "--json"])),
        (
            "scenario",
            vec!["--scenarios".to_owned(), plan.clone(), "--json".to_owned()],
        ),
    ] {
        assert!(twins.same(command, |_| extra.clone()).is_empty());
    }
}

/// The snapping index and the core graph a cache holds are the ones an analysis would build
/// from its graph, and a loaded cache's big arrays lie in the mapped file.
#[test]
fn the_prepared_tables_of_a_cache_equal_those_built_anew() {
    use servicegap::network::snap::{SnapIndex, SnapOptions, SnapTree};
    use servicegap::route::Core;
    let tmp = tempdir();
    for name in ["de-north-bayreuth-rural", "li-liechtenstein-2021"] {
        let path = build(name, tmp.path());
        let region = servicegap::open::open(&path, &Profile::default()).unwrap();
        assert!(region.graph.is_mapped(), "{name}: the graph was copied");
        let options = SnapOptions::default();
        let stored = region.prepared.snap.as_ref().expect("a snapping index");
        assert_eq!(stored.options(), options);
        assert!(
            *stored == SnapTree::build(&region.graph, options),
            "{name}: snapping index"
        );
        let core = region.prepared.core.as_ref().expect("core tables");
        assert!(*core == Core::tables(&region.graph), "{name}: core tables");
        // Other options: the index is built for them, not taken from the cache.
        let other = SnapOptions {
            min_component_nodes: 5,
        };
        let index = SnapIndex::with_stored(&region.graph, Some(stored), other);
        assert!(*index.tree() == SnapTree::build(&region.graph, other));
        assert!(
            *index.tree() != *stored,
            "{name}: options without effect on the index"
        );
    }
}

/// Snapping options other than the cache's: the analysis builds its own index and gives what
/// the extract gives with those options.
#[test]
fn analyze_from_the_cache_with_other_snapping_options_equals_the_extract() {
    let twins = Twins::new("de-north-bayreuth-rural");
    let names = twins.same("analyze", |out| {
        analyze_args(out, &strings(&["--min-component-nodes", "5000"]))
    });
    assert!(names.iter().any(|n| n == "settlements.csv"), "{names:?}");
}
