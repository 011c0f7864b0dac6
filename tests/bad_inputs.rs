//! Every bad input the command line must refuse, in one table: the input (files written into a
//! fresh folder, and the arguments), exit code 2, the exact error line, nothing on standard
//! output, no output file or temporary file left, and a previous output at the same paths left
//! byte for byte as it was.
//!
//! In the arguments and the expected line, `{dir}` stands for the case's folder, `{out}` for
//! the outputs' folder inside it (`{dir}/out`) and `{root}` for the package root. Every
//! argument starting with `{out}/` is an output the failed run must not touch.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

use crate::util::{bin, data, entries, run, stderr, tempdir};

/// The demo extract, as an argument.
const BAYREUTH: &str = "{root}/data/osm/de-north-bayreuth-rural.osm.pbf";
/// The error line's start.
const E: &str = "servicegap: error: ";

/// One bad input.
struct Case {
    /// What is wrong, to name the case in a failure.
    name: String,
    /// Files to write into the case's folder first; a name ending in `/` is a folder.
    files: Vec<(String, Vec<u8>)>,
    /// The arguments, with placeholders.
    args: Vec<String>,
    /// The whole first line of standard error, with placeholders.
    line: String,
}

/// The box of the demo extract's roads, as the swap check names it (`{roads}` in a line).
const ROADS: &str = "longitude 11.468 to 11.610, latitude 49.968 to 50.060";

/// A case with exactly the arguments `args`.
fn with_outputs(name: &str, files: &[(&str, &[u8])], args: &[&str], line: &str) -> Case {
    Case {
        name: name.to_owned(),
        files: files
            .iter()
            .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
            .collect(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        line: format!("{E}{line}"),
    }
}

/// A case of the command `args[0]`, with that command's usual outputs added.
fn case(name: &str, files: &[(&str, &[u8])], args: &[&str], line: &str) -> Case {
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let outputs: &[&str] = match args.first().map(String::as_str) {
        Some("analyze") => &[
            "-o",
            "{out}/settlements.geojson",
            "--csv",
            "{out}/settlements.csv",
            "--summary",
            "{out}/summary.json",
        ],
        Some("scenario") => &[
            "--compare-out",
            "{out}/compare.json",
            "--diff-out",
            "{out}/diff.geojson",
        ],
        Some("vulnerable") => &[
            "-o",
            "{out}/vulnerable.geojson",
            "--csv",
            "{out}/vulnerable.csv",
        ],
        Some("suggest") => &["-o", "{out}/suggest.geojson"],
        Some("build") => &["-o", "{out}/region.sgraph"],
        _ => &[],
    };
    args.extend(outputs.iter().map(|a| (*a).to_owned()));
    Case {
        name: name.to_owned(),
        files: files
            .iter()
            .map(|(n, b)| ((*n).to_owned(), b.to_vec()))
            .collect(),
        args,
        line: format!("{E}{line}"),
    }
}

/// `analyze` on the demo extract with `extra` arguments.
fn analyze(name: &str, files: &[(&str, &[u8])], extra: &[&str], line: &str) -> Case {
    let args: Vec<&str> = ["analyze", BAYREUTH]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    case(name, files, &args, line)
}

/// `scenario` on the demo extract with the plan `plan`.
fn scenario(name: &str, plan: &str, line: &str) -> Case {
    case(
        name,
        &[("plan.toml", plan.as_bytes())],
        &["scenario", BAYREUTH, "--scenarios", "{dir}/plan.toml"],
        line,
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// The kinds accepted, as the error lists them.
const KINDS: &str = "(kinds: grocery, fuel, post, pharmacy, payment)";

/// A Pipos pharmacy export header and one row at `x`, `y`.
fn pipos_row(x: &str, y: &str) -> String {
    format!(
        "Servicetyp,Serviceform,Serviceplatsid,Namn,X,Y\nApoteksvaror,Apotek,ATD-1,Apoteket,{x},{y}\n"
    )
}

/// A GeoJSON FeatureCollection of the given features.
fn collection(features: &[&str]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        features.join(",")
    )
}

/// A GeoJSON Point feature at (lon, lat) with `properties`.
fn point(lon: f64, lat: f64, properties: &str) -> String {
    format!(
        "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},{lat}]}},\"properties\":{properties}}}"
    )
}

fn cases() -> Vec<Case> {
    let pbf = std::fs::read(data("data/osm/de-north-bayreuth-rural.osm.pbf")).unwrap();
    let mut corrupt = pbf.clone();
    // Scramble the middle of the file: inside a compressed data block.
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let mut v = Vec::new();

    // ---- The extract ---------------------------------------------------------------------
    let read = |file: &str, bytes: &[u8], line: &str| {
        case(
            &format!("extract: {line}"),
            &[(file, bytes)],
            &["analyze", &format!("{{dir}}/{file}")],
            line,
        )
    };
    v.push(read(
        "empty.osm.pbf",
        b"",
        "{dir}/empty.osm.pbf: not an OpenStreetMap PBF file: the file is empty",
    ));
    v.push(read(
        "region.osm.pbf",
        b"<?xml version='1.0'?>\n<osm version='0.6'>\n</osm>\n",
        "{dir}/region.osm.pbf: not an OpenStreetMap PBF file: block header size 1010792557 is implausible",
    ));
    v.push(read(
        "region.osm.pbf",
        &gzip(&pbf),
        "{dir}/region.osm.pbf: not an OpenStreetMap PBF file: it is gzip-compressed: decompress it with gunzip",
    ));
    // Cut inside the first block header, inside the header block, in the middle, before the
    // last byte.
    let len = pbf.len();
    for (cut, line) in [
        (10, "not an OpenStreetMap PBF file: cannot decode the blob header".to_owned()),
        (200, "damaged PBF block at byte 120: the file is truncated: the block needs 74913 bytes but the file has 200".to_owned()),
        (len / 2, format!("damaged PBF block at byte 346175: the file is truncated: the block needs 392065 bytes but the file has {}", len / 2)),
        (len - 1, format!("damaged PBF block at byte 630015: the file is truncated: the block needs {len} bytes but the file has {}", len - 1)),
    ] {
        v.push(read("cut.osm.pbf", &pbf[..cut], &format!("{{dir}}/cut.osm.pbf: {line}")));
    }
    v.push(read(
        "corrupt.osm.pbf",
        &corrupt,
        "{dir}/corrupt.osm.pbf: damaged PBF block at byte 346175: cannot decode the blob zlib data",
    ));
    v.push(case(
        "extract: missing",
        &[],
        &["analyze", "{dir}/no-such-region.osm.pbf"],
        "{dir}/no-such-region.osm.pbf: cannot read: No such file or directory (os error 2)",
    ));
    v.push(case(
        "extract: a folder",
        &[("region/", b"")],
        &["analyze", "{dir}/region"],
        "{dir}/region: cannot read: Is a directory (os error 21)",
    ));
    for fixture in [
        "tests/fixtures/oneway.osm.pbf",
        "data/osm/se-stockholm-sodermalm.osm.pbf",
    ] {
        v.push(case(
            &format!("no settlements in {fixture}"),
            &[],
            &["analyze", &format!("{{root}}/{fixture}")],
            &format!("{{root}}/{fixture}: no settlements (place=city, town, village, hamlet, isolated_dwelling) in this extract; nothing to analyse"),
        ));
    }

    // ---- Flags -----------------------------------------------------------------------------
    v.push(analyze(
        "threshold of an unknown kind",
        &[],
        &["--threshold", "bakery=3km"],
        &format!("--threshold: `bakery=3km`: unknown kind `bakery` {KINDS}"),
    ));
    for (bad, what) in [
        (
            "grocery10km",
            "`grocery10km` is not KIND=VALUE (e.g. grocery=10km)",
        ),
        (
            "grocery=10",
            "`grocery=10`: the value needs a unit, km or min (e.g. 10km)",
        ),
        (
            "grocery=10mi",
            "`grocery=10mi`: `mi` is not a unit of thresholds: did you mean `10min`?",
        ),
        (
            "grocery=-1km",
            "`grocery=-1km`: `-1` is not a non-negative number",
        ),
        (
            "grocery=km",
            "`grocery=km`: `` is not a non-negative number",
        ),
        (
            "grocery=tenkm",
            "`grocery=tenkm`: `ten` is not a non-negative number",
        ),
    ] {
        v.push(analyze(
            &format!("threshold {bad}"),
            &[],
            &["--threshold", bad],
            &format!("--threshold: {what}"),
        ));
        // A bad one after a good one fails just the same.
        v.push(analyze(
            &format!("threshold {bad} after a good one"),
            &[],
            &["--threshold", "fuel=15km", "--threshold", bad],
            &format!("--threshold: {what}"),
        ));
    }
    for (flag, value) in [
        ("--max-snap-m", "-1"),
        ("--max-snap-m", "NaN"),
        ("--max-snap-m", "0"),
        ("--max-service-snap-m", "-0.5"),
        ("--max-service-snap-m", "inf"),
        ("--max-service-snap-m", "0"),
    ] {
        v.push(analyze(
            &format!("{flag} {value}"),
            &[],
            &[&format!("{flag}={value}")],
            &format!("{flag}: must be a positive number of metres"),
        ));
    }
    v.push(analyze(
        "max_snap_m = 0 in the settings file",
        &[("servicegap.toml", b"[snapping]\nmax_snap_m = 0\n")],
        &["--config", "{dir}/servicegap.toml"],
        "{dir}/servicegap.toml:2: [snapping] max_snap_m: must be a positive number of metres",
    ));
    v.push(analyze(
        "a speed that is no number in the settings file",
        &[("servicegap.toml", b"[speeds]\nresidential = \"fast\"\n")],
        &["--config", "{dir}/servicegap.toml"],
        "{dir}/servicegap.toml:2: [speeds] residential: a speed is a number of km/h, not \"fast\"",
    ));
    v.push(analyze(
        "unknown coordinate system",
        &[],
        &["--crs", "EPSG:9999"],
        "--crs: unknown coordinate reference system \"EPSG:9999\": use EPSG:4326 (also WGS84 or 4326; longitude/latitude in degrees), EPSG:3006 (also SWEREF99TM or 3006; metres), EPSG:3857 (also WebMercator or 3857; metres), or a PROJ string starting with +proj= (for other systems, such as RT90, copy the PROJ.4 definition from epsg.io)",
    ));
    v.push(analyze(
        "--regions-out without --regions",
        &[],
        &["--regions-out", "{out}/regions.geojson"],
        "--regions-out needs --regions",
    ));
    // The outputs given here, not the usual ones: -o goes under the blocker.
    v.push(with_outputs(
        "an output under a regular file",
        &[("blocker", b"")],
        &[
            "analyze",
            BAYREUTH,
            "-o",
            "{dir}/blocker/s.geojson",
            "--summary",
            "{out}/summary.json",
        ],
        "{dir}/blocker/s.geojson: cannot write: {dir}/blocker is a file, not a folder",
    ));

    // ---- Service point files ---------------------------------------------------------------
    let services = |name: &str, file: &str, text: &str, extra: &[&str], line: &str| {
        let arg = format!("{{dir}}/{file}");
        let args: Vec<&str> = ["--services", arg.as_str()]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        analyze(
            &format!("services: {name}"),
            &[(file, text.as_bytes())],
            &args,
            line,
        )
    };
    v.push(services(
        "unknown kind",
        "shops.csv",
        "id,kinds,lon,lat\nA,bakery,11.58,49.98\n",
        &[],
        &format!("{{dir}}/shops.csv:2: unknown kind `bakery` {KINDS}"),
    ));
    v.push(services(
        "no number",
        "shops.csv",
        "id,kinds,lon,lat\nA,grocery,east,49.98\n",
        &[],
        "{dir}/shops.csv:2: `lon` is not a number: `east`",
    ));
    v.push(services(
        "no kinds column",
        "shops.csv",
        "id,lon,lat\nA,11.58,49.98\n",
        &[],
        "{dir}/shops.csv:1: no `kinds` column",
    ));
    v.push(services(
        "metres as degrees",
        "shops.csv",
        "id,kinds,lon,lat\nA,grocery,682175,6547195\n",
        &[],
        "{dir}/shops.csv:2: coordinates (682175, 6547195) are not longitude/latitude in degrees, but the coordinate system is EPSG:4326 (WGS 84); they look projected (metres): give the file's coordinate system, e.g. `--crs EPSG:3006` for SWEREF 99 TM",
    ));
    v.push(services(
        "degrees as SWEREF 99 TM",
        "shops.csv",
        "id,kinds,x,y\nA,grocery,11.58,49.98\n",
        &["--crs", "EPSG:3006"],
        "{dir}/shops.csv:2: coordinates (11.58, 49.98) look like longitude/latitude in degrees, but the coordinate system is EPSG:3006 (SWEREF 99 TM), projected in m: if they are WGS 84 degrees, give `--crs EPSG:4326`",
    ));
    v.push(services(
        "x/y without a coordinate system",
        "shops.csv",
        "id,kinds,x,y\nA,grocery,682175,6547195\n",
        &[],
        "{dir}/shops.csv:1: coordinates are in `x`/`y` columns: say which system with --crs (e.g. EPSG:3006 for SWEREF 99 TM)",
    ));
    v.push(services(
        "latitude 95",
        "shops.csv",
        "id,kinds,lon,lat\nA,grocery,11.58,95\n",
        &[],
        "{dir}/shops.csv:2: latitude 95 is not a latitude (it lies between -90 and 90): did you swap lon and lat?",
    ));
    v.push(services(
        "latitude 95 in GeoJSON",
        "shops.geojson",
        &collection(&[&point(11.58, 95.0, "{\"kinds\":\"grocery\"}")]),
        &[],
        "{dir}/shops.geojson:1: feature 1: latitude 95 is not a latitude (it lies between -90 and 90): did you swap lon and lat?",
    ));
    v.push(services(
        "lon and lat swapped",
        "shops.csv",
        "id,kinds,lon,lat\nA,grocery,49.98,11.58\nB,fuel,50.03,11.49\n",
        &[],
        "{dir}/shops.csv: none of its 2 points lies near the extract's roads ({roads}), but 2 would with longitude and latitude exchanged: did you swap lon and lat?",
    ));
    v.push(services(
        "lon and lat swapped in GeoJSON",
        "shops.geojson",
        &collection(&[&point(49.98, 11.58, "{\"id\":\"A\",\"kinds\":[\"grocery\"]}")]),
        &[],
        "{dir}/shops.geojson: its one point lies away from the extract's roads ({roads}), but would lie near them with longitude and latitude exchanged: did you swap lon and lat?",
    ));
    v.push(services(
        "Pipos X and Y swapped",
        "pipos.csv",
        &pipos_row("6547195", "682175"),
        &[],
        "{dir}/pipos.csv:2: (6547195, 682175) is not a point of EPSG:3006 (SWEREF 99 TM): the easting comes first and lies between 180000 and 1090000 m, the northing between 6100000 and 7700000 m; did you swap the easting and the northing?",
    ));
    v.push(services(
        "Pipos unknown Servicetyp",
        "pipos.csv",
        "Servicetyp,Serviceform,Serviceplatsid,Namn,X,Y\nBageri,x,1,n,682175,6547195\n",
        &[],
        "{dir}/pipos.csv:2: unknown Servicetyp `Bageri` (known: Dagligvaror, Drivmedel, Post/paket, Post och paket, Paketombud, Apoteksvaror, Kontantuttag, Betalningsförmedling, Dagskasseinsättning)",
    ));
    v.push(services(
        "one id at two places",
        "shops.csv",
        "id,name,kinds,lon,lat\nA,Laden,grocery,11.58,49.98\nB,Tankstelle,fuel,11.49,50.03\nA,Laden,post,11.59,49.98\n",
        &[],
        "{dir}/shops.csv:4: id `A` is also on line 2 with other coordinates (11.58, 49.98 there, 11.59, 49.98 here): an id names one service point; give one of them another id, or make both agree to merge them",
    ));
    v.push(services(
        "one id with two names",
        "shops.geojson",
        &collection(&[
            &point(11.58, 49.98, "{\"id\":\"A\",\"name\":\"Laden\",\"kinds\":\"grocery\"}"),
            &point(11.58, 49.98, "{\"id\":\"A\",\"name\":\"Markt\",\"kinds\":\"post\"}"),
        ]),
        &[],
        "{dir}/shops.geojson:2: id `A` is also on feature 1 with another name: an id names one service point; give one of them another id, or make both agree to merge them",
    ));
    v.push(services(
        "a header and no rows",
        "shops.csv",
        "id,kinds,lon,lat\n",
        &[],
        "{dir}/shops.csv:1: no rows: the file has a header line and nothing under it",
    ));
    v.push(services(
        "an empty file",
        "shops.csv",
        "",
        &[],
        "{dir}/shops.csv: the file is empty: no header line and no rows",
    ));
    v.push(services(
        "an empty FeatureCollection",
        "shops.geojson",
        &collection(&[]),
        &[],
        "{dir}/shops.geojson: no features: the FeatureCollection is empty",
    ));
    v.push(services(
        "bad mobile value",
        "vans.csv",
        "id,name,kinds,lon,lat,mobile\nA,Laden,grocery,11.58,49.98,no\nB,Wagen,grocery,11.49,50.03,sometimes\n",
        &[],
        "{dir}/vans.csv:3: `mobile` is `sometimes`: use yes/no, true/false, 1/0 or leave it empty",
    ));
    v.push(services(
        "bad mobile property",
        "vans.geojson",
        &collection(&[
            &point(11.58, 49.98, "{\"id\":\"A\",\"kinds\":\"grocery\",\"mobile\":true}"),
            &point(11.49, 50.03, "{\"id\":\"B\",\"kinds\":\"grocery\",\"mobile\":2}"),
        ]),
        &[],
        "{dir}/vans.geojson:2: feature 2: `mobile` is `2`: use true/false, yes/no, 1/0 or leave it out",
    ));

    // ---- Settlement files and grids --------------------------------------------------------
    let settlements = |name: &str, file: &str, text: &[u8], line: &str| {
        analyze(
            &format!("settlements: {name}"),
            &[(file, text)],
            &["--settlements", &format!("{{dir}}/{file}")],
            line,
        )
    };
    v.push(settlements(
        "lon and lat swapped",
        "places.csv",
        b"id,population,lon,lat\nP1,10,49.98,11.58\nP2,20,50.03,11.49\n",
        "{dir}/places.csv: none of its 2 points lies near the extract's roads ({roads}), but 2 would with longitude and latitude exchanged: did you swap lon and lat?",
    ));
    v.push(settlements(
        "one id twice",
        "places.csv",
        b"id,population,lon,lat\nP1,10,11.58,49.98\nP2,20,11.49,50.03\nP1,30,11.50,50.00\n",
        "{dir}/places.csv:4: id `P1` is also on line 2: each settlement needs its own id (a settlement is counted once)",
    ));
    v.push(settlements(
        "a header and no rows",
        "places.csv",
        b"id,population,lon,lat\n",
        "{dir}/places.csv:1: no rows: the file has a header line and nothing under it",
    ));
    v.push(settlements(
        "population not a number",
        "places.csv",
        b"id,population,lon,lat\nP1,many,11.58,49.98\n",
        "{dir}/places.csv:2: `population` is not a whole number of people: `many`",
    ));
    v.push(settlements(
        "grid: a header and no squares",
        "grid.csv",
        b"rutid,pop\n",
        "{dir}/grid.csv:1: no rows: the file has a header line and no squares",
    ));
    v.push(settlements(
        "grid: northing and easting swapped",
        "grid.csv",
        b"rutid,pop\n6534000269000,5\n",
        "{dir}/grid.csv:2: square code `6534000269000` gives the corner (653400, 269000), outside SWEREF 99 TM over Sweden (easting 180000-1090000 m, northing 6100000-7700000 m): did you swap easting and northing? An SCB code is 6 digits of easting, then 7 of northing",
    ));
    v.push(settlements(
        "grid: a code of 12 digits",
        "grid.csv",
        b"rutid,pop\n2690006534000,1\n269000653400,1\n",
        "{dir}/grid.csv:3: square code `269000653400` is not 13 digits (6 of easting, 7 of northing)",
    ));
    v.push(settlements(
        "grid: a square twice",
        "grid.csv.gz",
        &gzip(b"rutid,pop\n2690006534000,1\n2690006535000,1\n2690006534000,2\n"),
        "{dir}/grid.csv.gz:4: square `2690006534000` appears twice (first on line 2)",
    ));

    // ---- Region polygons -------------------------------------------------------------------
    v.push(analyze(
        "regions: an empty FeatureCollection",
        &[("kommuner.geojson", collection(&[]).as_bytes())],
        &["--regions", "{dir}/kommuner.geojson"],
        "{dir}/kommuner.geojson: no regions: the FeatureCollection has no features",
    ));
    v.push(analyze(
        "regions: points instead of polygons",
        &[(
            "kommuner.geojson",
            collection(&[&point(11.58, 49.98, "{\"name\":\"A\"}")]).as_bytes(),
        )],
        &["--regions", "{dir}/kommuner.geojson"],
        "{dir}/kommuner.geojson: feature 0: geometry is a Point, not a Polygon or MultiPolygon",
    ));

    // ---- Scenario files --------------------------------------------------------------------
    v.push(scenario(
        "scenario: unknown id",
        "[[scenario]]\nname = \"x\"\nremove = [\"node/2023149559\"]\n",
        "{dir}/plan.toml: scenario \"x\": no service point has the id or name \"node/2023149559\"; did you mean \"node/2023149558\"?",
    ));
    v.push(scenario(
        "scenario: unknown name",
        "[[scenario]]\nname = \"x\"\nremove = [\"Edekka\"]\n",
        "{dir}/plan.toml: scenario \"x\": no service point has the id or name \"Edekka\"; did you mean \"Edeka\"?",
    ));
    v.push(scenario(
        "scenario: a point off every road",
        "[[scenario]]\nname = \"x\"\n[[scenario.add]]\nlon = -30\nlat = 45\nkinds = \"fuel\"\n",
        "{dir}/plan.toml: scenario \"x\": added point \"x/1\" lies 3173191 m from the nearest road, beyond the snap limit of 1000 m (max_service_snap_m)",
    ));
    v.push(scenario(
        "scenario: no name",
        "[[scenario]]\nremove = []\n",
        "{dir}/plan.toml:1: scenario 1 has no name",
    ));
    v.push(scenario(
        "scenario: a name twice",
        "[[scenario]]\nname = \"a\"\n[[scenario]]\nname = \"a\"\n",
        "{dir}/plan.toml:3: two scenarios are named \"a\"; names must be unique",
    ));
    v
}

/// Replaces the placeholders.
fn fill(text: &str, dir: &Path) -> String {
    let root = data("").display().to_string();
    text.replace("{roads}", ROADS)
        .replace("{out}", &dir.join("out").display().to_string())
        .replace("{dir}", &dir.display().to_string())
        .replace("{root}", root.trim_end_matches('/'))
}

/// Runs one case twice (without and with previous outputs) and returns what went wrong.
fn check(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    for previous in [false, true] {
        let dir = tempdir();
        let dir = dir.path();
        for (name, bytes) in &case.files {
            match name.strip_suffix('/') {
                Some(folder) => std::fs::create_dir(dir.join(folder)).unwrap(),
                None => std::fs::write(dir.join(name), bytes).unwrap(),
            }
        }
        let outputs: Vec<&str> = case
            .args
            .iter()
            .filter_map(|a| a.strip_prefix("{out}/"))
            .collect();
        let out_dir = dir.join("out");
        if previous {
            std::fs::create_dir(&out_dir).unwrap();
            for name in &outputs {
                std::fs::write(out_dir.join(name), format!("previous {name}\n")).unwrap();
            }
        }
        let args: Vec<String> = case.args.iter().map(|a| fill(a, dir)).collect();
        let out = run(bin().args(&args));
        let err = stderr(&out);
        let what = if previous {
            " (with previous outputs)"
        } else {
            ""
        };
        let expected = fill(&case.line, dir);
        if out.status.code() != Some(2) {
            problems.push(format!("exit {:?}{what}", out.status.code()));
        }
        if !out.stdout.is_empty() {
            problems.push(format!(
                "stdout{what}: {}",
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        if err.lines().next() != Some(expected.as_str()) || err.lines().count() != 1 {
            problems.push(format!(
                "stderr{what}:\n  got:      {}\n  expected: {expected}",
                err.trim_end()
            ));
        }
        let mut expected_out: Vec<String> = if previous {
            outputs.iter().map(|n| (*n).to_owned()).collect()
        } else {
            Vec::new()
        };
        expected_out.sort();
        if entries(&out_dir) != expected_out {
            problems.push(format!("output folder{what}: {:?}", entries(&out_dir)));
        }
        if previous {
            for name in &outputs {
                let now = std::fs::read(out_dir.join(name)).ok();
                if now != Some(format!("previous {name}\n").into_bytes()) {
                    problems.push(format!("{name} changed"));
                }
            }
        }
        // Nothing beside the inputs either (a temporary file next to an output elsewhere).
        let mut expected_dir: Vec<String> = case
            .files
            .iter()
            .map(|(n, _)| n.trim_end_matches('/').to_owned())
            .chain(previous.then(|| "out".to_owned()))
            .collect();
        expected_dir.sort();
        expected_dir.dedup();
        if entries(dir) != expected_dir {
            problems.push(format!("case folder{what}: {:?}", entries(dir)));
        }
        for (name, bytes) in &case.files {
            if !name.ends_with('/') && std::fs::read(dir.join(name)).ok().as_ref() != Some(bytes) {
                problems.push(format!("input {name} changed"));
            }
        }
    }
    problems
}

#[test]
fn every_bad_input_fails_cleanly_and_leaves_the_outputs_alone() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let problems = check(c);
            (!problems.is_empty()).then(|| format!("{}:\n  {}", c.name, problems.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// =============================================================================================
// Inputs that are read, merged or warned about rather than refused
// =============================================================================================

/// A tab-separated list reads as the same list with commas.
#[test]
fn a_tab_separated_list_reads_like_a_comma_separated_one() {
    use servicegap::input::services::read_services;
    let dir = tempdir();
    let rows = [
        ["id", "name", "kinds", "lon", "lat"],
        ["A", "Laden, Dorf", "grocery;post", "11.58", "49.98"],
        ["B", "Tankstelle", "fuel", "11.49", "50.03"],
    ];
    let text = |sep: &str| {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if sep == "," && c.contains(',') {
                            format!("\"{c}\"")
                        } else {
                            (*c).to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(sep)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let comma = crate::util::write(dir.path(), "comma.csv", &text(","));
    let tab = crate::util::write(dir.path(), "tab.csv", &text("\t"));
    let (comma, tab) = (
        read_services(&comma, None).unwrap(),
        read_services(&tab, None).unwrap(),
    );
    assert_eq!(tab.points.len(), 2);
    assert_eq!(tab.points, comma.points);
    assert_eq!(tab.points[0].name.as_deref(), Some("Laden, Dorf"));
}

/// Rows sharing an id and agreeing on place, name and `mobile` are one point with the union of
/// their kinds and forms; the same list written as one row per point gives the same analysis.
#[test]
fn rows_sharing_an_id_merge_into_one_point() {
    use servicegap::input::services::read_services;
    use servicegap::{ServiceKind, ServiceKinds};
    let dir = tempdir();
    let split = crate::util::write(
        dir.path(),
        "split.csv",
        "id,name,kinds,form,lon,lat\nA,Laden,grocery,Markt,11.58,49.98\nB,Tankstelle,fuel,,11.49,50.03\nA,Laden,post,Postfiliale,11.58,49.98\nA,Laden,grocery,Markt,11.58,49.98\n",
    );
    let file = read_services(&split, None).unwrap();
    assert_eq!(file.points.len(), 2);
    let a = &file.points[0];
    assert_eq!(a.id.to_string(), "A");
    assert_eq!(
        a.kinds,
        ServiceKinds::of(ServiceKind::GROCERY) | ServiceKinds::of(ServiceKind::POST)
    );
    assert_eq!(a.form.as_deref(), Some("Markt; Postfiliale"));
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let joined = crate::util::write(
        dir.path(),
        "joined.csv",
        "id,name,kinds,lon,lat\nA,Laden,grocery;post,11.58,49.98\nB,Tankstelle,fuel,11.49,50.03\n",
    );
    let summary = |list: &Path| {
        let out = dir
            .path()
            .join(format!("{}.json", list.display().to_string().len()));
        let run_out = run(bin()
            .args([
                "analyze".as_ref(),
                data("data/osm/de-north-bayreuth-rural.osm.pbf").as_os_str(),
            ])
            .arg("--services")
            .arg(list)
            .arg("--summary")
            .arg(&out));
        crate::util::assert_success(&run_out, &list.display().to_string());
        let mut v = crate::util::read_json(&out);
        if let Some(o) = v.as_object_mut() {
            o.remove("file");
            o.remove("timings_ms");
        }
        v
    };
    assert_eq!(summary(&split)["kinds"], summary(&joined)["kinds"]);
}

/// Two points with different ids at exactly the same place offering the same kind are kept and
/// warned about, once, on standard error; the run succeeds.
#[test]
fn a_repeated_point_is_a_warning() {
    let dir = tempdir();
    let list = crate::util::write(
        dir.path(),
        "pharmacies.csv",
        "id,kinds,lon,lat\nA,pharmacy,11.58,49.98\nB,pharmacy;grocery,11.58,49.98\nC,pharmacy,11.49,50.03\nD,pharmacy,11.58,49.98\n",
    );
    let out = run(bin()
        .arg("vulnerable")
        .arg(data("data/osm/de-north-bayreuth-rural.osm.pbf"))
        .args(["--kind", "pharmacy", "--services"])
        .arg(&list));
    crate::util::assert_success(&out, "vulnerable");
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(
        warnings,
        [format!(
            "warning: {}: 2 point(s) at exactly the place of an earlier point of the same kind, first line 3 (`B`) repeating line 2 (`A`), both pharmacy: each stands in for the other, so neither counts as the only pharmacy in `vulnerable`; remove the copy or give both rows one id to merge them",
            list.display()
        )]
    );
}
