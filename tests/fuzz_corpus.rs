//! Replays the committed fuzz corpus (`fuzz/corpus/TARGET/`) through the very functions the
//! fuzz targets call (`fuzz/src/lib.rs`, included here), so that `cargo test` checks every
//! input the fuzzer kept without a fuzzer: each must give an answer, `Ok` or `Err`, and never
//! a panic. See FUZZING.md.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
pub(crate) mod bodies;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// The files of one folder, sorted by name (so a failure names the same file every run).
pub(crate) fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `target` on every file in `dir`; returns the files that panicked.
pub(crate) fn replay(target: fn(&[u8]), dir: &Path) -> (usize, Vec<String>) {
    let files = files_in(dir);
    let mut panicked = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        if catch_unwind(AssertUnwindSafe(|| target(&bytes))).is_err() {
            panicked.push(file.display().to_string());
        }
    }
    (files.len(), panicked)
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

#[test]
fn every_corpus_file_gives_an_answer_without_a_panic() {
    let mut panicked = Vec::new();
    for (name, target) in bodies::TARGETS {
        let (count, mut bad) = replay(*target, &corpus_root().join(name));
        assert!(count > 0, "fuzz/corpus/{name} is empty");
        panicked.append(&mut bad);
    }
    assert!(panicked.is_empty(), "panicked on: {panicked:#?}");
}

#[test]
fn every_corpus_folder_belongs_to_a_target() {
    let mut folders: Vec<String> = std::fs::read_dir(corpus_root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut names: Vec<String> = bodies::TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(
        folders, names,
        "a corpus folder without a target is never replayed"
    );
}
