//! SCB population grid reader: the real 1 km file for Sweden, and small hand-made files for
//! 250 m squares, bad rows and gzip detection.

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;
use servicegap::input::grid::{read_grid, read_grid_with, GridOptions, GridSquare};
use servicegap::Error;

use crate::util::{tempdir, write};

const SCB_1KM: &str = "data/sweden/scb_befolkning_1km_2024_populated.csv.gz";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

/// The error message, which must begin with `path:line: `.
fn error_at(result: Result<Vec<GridSquare>, Error>, path: &Path, line: u64) -> String {
    let e = result.expect_err("expected an error");
    let text = e.to_string();
    let prefix = format!("{}:{line}: ", path.display());
    assert!(
        text.starts_with(&prefix),
        "`{text}` should start with `{prefix}`"
    );
    assert!(
        matches!(e, Error::Input { line: Some(l), .. } if l == line),
        "{e:?}"
    );
    text
}

#[test]
fn real_scb_1km_file() {
    let squares = read_grid(Path::new(SCB_1KM), None).expect("read SCB grid");
    assert_eq!(squares.len(), 103_464);
    assert_eq!(
        squares.iter().map(|s| s.population).sum::<u64>(),
        10_560_818
    );
    assert!(squares.iter().all(|s| s.size_m == 1000));
    let first = &squares[0];
    assert_eq!(first.code, "2690006534000");
    assert_eq!((first.corner_x, first.corner_y), (269_000, 6_534_000));
    assert_eq!(first.population, 7);
    assert_eq!(first.centre(), (269_500.0, 6_534_500.0));
    // Inside Sweden's SWEREF 99 TM extent.
    for s in &squares {
        assert!((200_000..1_000_000).contains(&s.corner_x), "{s:?}");
        assert!((6_100_000..7_700_000).contains(&s.corner_y), "{s:?}");
    }
    // The override gives the same squares when the corners fit.
    let again = read_grid(Path::new(SCB_1KM), Some(1000)).expect("read SCB grid");
    assert_eq!(squares, again);
}

/// The file's own WGS 84 centroid columns agree with corner + 500 m projected independently
/// (proj4rs, EPSG:3006 → EPSG:4326): the centre convention is the file's.
#[test]
fn real_scb_centres_match_the_files_centroids() {
    use proj4rs::proj::Proj;
    let sweref = Proj::from_proj_string("+proj=utm +zone=33 +ellps=GRS80 +units=m +no_defs")
        .expect("SWEREF 99 TM");
    let wgs84 =
        Proj::from_proj_string("+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs").expect("WGS 84");
    let to_lonlat = |x: f64, y: f64| {
        let mut p = (x, y, 0.0);
        proj4rs::transform::transform(&sweref, &wgs84, &mut p).expect("project");
        (p.0.to_degrees(), p.1.to_degrees())
    };

    let squares = read_grid(Path::new(SCB_1KM), None).expect("read SCB grid");
    let file = std::fs::File::open(SCB_1KM).expect("open");
    let mut csv = csv::Reader::from_reader(flate2::read::GzDecoder::new(file));
    let mut worst_m: f64 = 0.0;
    for (square, row) in squares.iter().zip(csv.records()) {
        let row = row.expect("row");
        assert_eq!(&row[0], square.code);
        let lon: f64 = row[4].parse().expect("lon");
        let lat: f64 = row[5].parse().expect("lat");
        let (plon, plat) = square.centre_lonlat(to_lonlat);
        let dx = (plon - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (plat - lat) * 110_570.0;
        worst_m = worst_m.max(dx.hypot(dy));
    }
    // The file's centroids have 6 decimals (≤ 0.06 m each way).
    assert!(worst_m < 0.5, "worst centroid mismatch {worst_m:.3} m");
}

#[test]
fn infers_250_m_and_honours_override() {
    let dir = tempdir();
    let p = write(
        dir.path(),
        "q.csv",
        b"Rutid;Beftotalt\n2690006534000;4\n2692506534250;6\n2695006534500;1\n",
    );
    let g = read_grid(&p, None).expect("250 m grid");
    assert_eq!(g.len(), 3);
    assert!(g.iter().all(|s| s.size_m == 250));
    assert_eq!(g[1].centre(), (269_375.0, 6_534_375.0));
    assert_eq!(g.iter().map(|s| s.population).sum::<u64>(), 11);

    // All corners on the 1 km grid: inferred 1 km, but 250 m can be asked for.
    let p = write(dir.path(), "k.csv", b"rutid,pop\n2690006534000,4\n");
    assert_eq!(read_grid(&p, None).expect("1 km")[0].size_m, 1000);
    let g = read_grid(&p, Some(250)).expect("250 m by request");
    assert_eq!(g[0].size_m, 250);
    assert_eq!(g[0].centre(), (269_125.0, 6_534_125.0));

    // Neither grid: error at the first misfit.
    let p = write(
        dir.path(),
        "odd.csv",
        b"rutid,pop\n2690006534000,4\n2690006534100,4\n",
    );
    let msg = error_at(read_grid(&p, None), &p, 3);
    assert!(msg.contains("2690006534100"), "{msg}");
    // A given size the corners do not fit.
    let p = write(
        dir.path(),
        "q2.csv",
        b"rutid,pop\n2690006534000,4\n2692506534000,4\n",
    );
    error_at(read_grid(&p, Some(1000)), &p, 3);
}

#[test]
fn column_names() {
    let dir = tempdir();
    for (header, pop) in [
        ("rutid_scb,pop_2024", 5),
        ("RUTID,Befolkning", 5),
        ("Ruta,POPULATION", 5),
        ("ruta,x,bef_2023", 5),
        ("x,Rutid_SCB,pop", 5),
    ] {
        let row = if header.matches(',').count() == 2 {
            if header.starts_with("x,") {
                "1,2690006534000,5"
            } else {
                "2690006534000,1,5"
            }
        } else {
            "2690006534000,5"
        };
        let p = write(dir.path(), "c.csv", format!("{header}\n{row}\n").as_bytes());
        let g = read_grid(&p, None).unwrap_or_else(|e| panic!("{header}: {e}"));
        assert_eq!(g[0].population, pop, "{header}");
    }
    let p = write(
        dir.path(),
        "n.csv",
        b"rutid,pop_2023,pop_2024x\n2690006534000,1,2\n",
    );
    let msg = error_at(read_grid(&p, None), &p, 1);
    assert!(msg.contains("several"), "{msg}");
    let options = GridOptions {
        size_m: None,
        population_column: Some("pop_2024x".into()),
        groups: Vec::new(),
    };
    assert_eq!(
        read_grid_with(&p, &options).expect("named")[0].population,
        2
    );

    let p = write(dir.path(), "m.csv", b"rutid,people\n2690006534000,1\n");
    let msg = error_at(read_grid(&p, None), &p, 1);
    assert!(msg.contains("no population column"), "{msg}");
}

#[test]
fn bad_rows_name_file_and_line() {
    let dir = tempdir();
    let cases: [(&[u8], u64, &str); 7] = [
        (
            b"rutid,pop\n2690006534000,1\n269000653400,1\n",
            3,
            "not 13 digits",
        ),
        (b"rutid,pop\n26900065340000,1\n", 2, "not 13 digits"),
        (
            b"rutid,pop\n2690006534000,1\n26900O6535000,1\n",
            3,
            "not 13 digits",
        ),
        (b"rutid,pop\n2690006534000,-3\n", 2, "negative"),
        (b"rutid,pop\n2690006534000,many\n", 2, "not a whole number"),
        (b"rutid,pop\n2690006534000,\n", 2, "empty population"),
        (
            b"rutid,pop\n2690006534000,1\n2690006535000,1\n2690006534000,2\n",
            4,
            "appears twice (first on line 2)",
        ),
    ];
    for (i, (text, line, what)) in cases.into_iter().enumerate() {
        let p = write(dir.path(), &format!("bad{i}.csv"), text);
        let msg = error_at(read_grid(&p, None), &p, line);
        assert!(msg.contains(what), "case {i}: {msg}");
        // Same line numbers from the gzip form.
        let pz = write(dir.path(), &format!("bad{i}.csv.gz"), &gzip(text));
        let msg = error_at(read_grid(&pz, None), &pz, line);
        assert!(msg.contains(what), "case {i} gz: {msg}");
    }
}

#[test]
fn gzip_or_plain_by_extension_or_magic() {
    let dir = tempdir();
    let text = b"rutid_scb,pop_2024\n2690006534000,7\n2690006535000,23\n";
    let plain = write(dir.path(), "g.csv", text);
    let gz = write(dir.path(), "g.csv.gz", &gzip(text));
    let gz_upper = write(dir.path(), "G.CSV.GZ", &gzip(text));
    let gz_unnamed = write(dir.path(), "g_compressed.csv", &gzip(text));
    let expected = read_grid(&plain, None).expect("plain");
    assert_eq!(expected.len(), 2);
    for p in [&gz, &gz_upper, &gz_unnamed] {
        assert_eq!(
            read_grid(p, None).expect("gzip"),
            expected,
            "{}",
            p.display()
        );
    }
    // Named .gz but plain text, and damaged gzip: errors naming the file.
    let fake = write(dir.path(), "fake.csv.gz", text);
    let e = read_grid(&fake, None).expect_err("fake gzip");
    assert!(
        e.to_string().starts_with(&format!("{}: ", fake.display())),
        "{e}"
    );
    let mut cut = gzip(text);
    cut.truncate(cut.len() / 2);
    let cut = write(dir.path(), "cut.csv.gz", &cut);
    let e = read_grid(&cut, None).expect_err("truncated gzip");
    assert!(e.to_string().contains("gzip"), "{e}");
    // Missing file: an Io error naming it.
    let missing = dir.path().join("missing.csv");
    let e = read_grid(&missing, None).expect_err("missing");
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(&missing.display().to_string()),
        "{e}"
    );
}
