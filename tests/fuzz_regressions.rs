//! One test per crash the fuzzer found (see FUZZING.md), each on the input it crashed on,
//! kept under `fuzz/artifacts-kept/TARGET/`; and every kept input replayed through its
//! target's body, as the corpus is in `fuzz_corpus`.

use crate::fuzz_corpus::{bodies, replay};
use servicegap::input::crs::{Crs, CrsError};
use std::path::{Path, PathBuf};

fn kept(target: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/artifacts-kept")
        .join(target)
        .join(name)
}

/// proj4rs 0.3 sliced a degree-minute-second value at a byte inside a multi-byte character
/// (`+lat_ts=Á2'`) and panicked; the CRS parser now refuses non-ASCII PROJ strings first.
fn assert_refused_as_non_ascii(name: &str) {
    let bytes = std::fs::read(kept("crs", name)).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    match Crs::parse(text) {
        Err(CrsError::InvalidProj { reason, .. }) => {
            assert!(reason.contains("plain ASCII"), "{reason}");
        }
        other => panic!("expected InvalidProj, got {other:?}"),
    }
}

#[test]
fn crs_proj_dms_before_multibyte_1() {
    assert_refused_as_non_ascii("proj-dms-before-multibyte-1");
}

#[test]
fn crs_proj_dms_before_multibyte_2() {
    assert_refused_as_non_ascii("proj-dms-before-multibyte-2");
}

#[test]
fn crs_non_ascii_proj_string_is_refused_with_its_character() {
    let err = Crs::parse("+proj=stere +lat_0=90 +lat_ts=7°0' +ellps=WGS84").unwrap_err();
    assert!(err.to_string().contains("`°` is not allowed"), "{err}");
    // The same string in ASCII is a valid system, so only the character is refused.
    assert!(Crs::parse("+proj=stere +lat_0=90 +lat_ts=70 +ellps=WGS84").is_ok());
}

#[test]
fn every_kept_crash_input_gives_an_answer_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/artifacts-kept");
    for (name, target) in bodies::TARGETS {
        let dir = root.join(name);
        if dir.is_dir() {
            let (_, panicked) = replay(*target, &dir);
            assert!(panicked.is_empty(), "panicked on: {panicked:#?}");
        }
    }
}
