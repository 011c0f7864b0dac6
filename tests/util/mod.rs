//! The harness every test module shares: paths to the shipped data and fixtures, temporary
//! folders, running the binary, and the one check of a clean failure. Seeded random inputs
//! are in [`random`].

pub mod random;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A path under the package root (`data/...`, `tests/...`).
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The shipped real extract `data/osm/NAME.osm.pbf`.
pub fn extract(name: &str) -> PathBuf {
    data(&format!("data/osm/{name}.osm.pbf"))
}

/// A hand-made fixture, `tests/fixtures/NAME` (see the README there).
pub fn fixture(name: &str) -> PathBuf {
    data("tests/fixtures").join(name)
}

/// The shipped real extract `NAME`, read with the default profile.
pub fn read_extract(name: &str) -> servicegap::network::region::Region {
    servicegap::open::read_pbf(&extract(name), &Default::default()).unwrap()
}

/// The demo region, the Bayreuth countryside.
pub fn bayreuth() -> PathBuf {
    extract("de-north-bayreuth-rural")
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Writes `contents` to `dir/name` and returns that path.
pub fn write(dir: &Path, name: &str, contents: &(impl AsRef<[u8]> + ?Sized)) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents.as_ref()).unwrap();
    path
}

/// The servicegap binary of this build, not yet run.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_servicegap"))
}

/// Runs `cmd` to the end and returns what it printed.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run servicegap: {e}"))
}

/// Standard error of a run, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the run succeeded; `what` names it in the message.
pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}, stderr: {}",
        out.status.code(),
        stderr(out)
    );
}

/// Asserts the run failed cleanly: exit code 2, nothing on stdout, exactly one stderr line
/// starting `servicegap: error: ` that contains every string in `names`, and no panic.
pub fn assert_clean_failure(out: &Output, names: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("servicegap: error: "), "{err}");
    for name in names {
        assert!(lines[0].contains(name), "expected `{name}` in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// [`assert_clean_failure`] for an error about one file: the line names `path` and says `what`.
pub fn assert_clean_failure_on(out: &Output, path: &Path, what: &str) {
    assert_clean_failure(out, &[&path.display().to_string(), what]);
}

/// Every entry of a folder, hidden files included, sorted; none if it does not exist.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Asserts nothing was left in `dir` (no output and no temporary file); a missing folder is
/// empty too.
pub fn assert_nothing_left(dir: &Path, what: &str) {
    assert_eq!(
        entries(dir),
        Vec::<String>::new(),
        "{what}: files left behind"
    );
}

/// Reads and parses a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// The OSM id of node `id`.
pub fn node(id: i64) -> servicegap::base::feature::OsmId {
    osm_id(servicegap::base::feature::ElementType::Node, id)
}

/// The OSM id of way `id`.
pub fn way(id: i64) -> servicegap::base::feature::OsmId {
    osm_id(servicegap::base::feature::ElementType::Way, id)
}

/// The OSM id of relation `id`.
pub fn rel(id: i64) -> servicegap::base::feature::OsmId {
    osm_id(servicegap::base::feature::ElementType::Relation, id)
}

fn osm_id(
    kind: servicegap::base::feature::ElementType,
    id: i64,
) -> servicegap::base::feature::OsmId {
    servicegap::base::feature::OsmId { kind, id }
}

/// Rounds to tenths exactly as the graph does (decimetres, deciseconds).
pub fn tenths(x: f64) -> u32 {
    (x * 10.0).round() as u32
}

/// Whether `program` (Debian's `package`) runs here (`program --version`); a test that needs it
/// says why it skips, and fails where the environment variable `require` is `1` (as in CI).
pub fn tool(test: &str, program: &str, package: &str, require: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var(require).as_deref() != Ok("1"),
            "{test}: {program} (Debian's {package}) is required here but not installed"
        );
        eprintln!("SKIPPED {test}: {program} not installed (apt-get install {package})");
    }
    found
}
