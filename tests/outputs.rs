//! Where outputs go: `-` streams one output to standard output; devices and FIFOs are written
//! through, not replaced; Ctrl-C and SIGTERM during a run leave no temporary file and the
//! earlier outputs as they were.

use crate::util::{assert_clean_failure, assert_success, bin, extract, run, stderr, tempdir};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A small extract with settlements, read in well under a second.
fn small() -> PathBuf {
    extract("li-liechtenstein-2021")
}

fn analyze() -> Command {
    let mut cmd = bin();
    cmd.arg("analyze").arg(small());
    cmd
}

/// Makes a named pipe with the system's `mkfifo`.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// The hidden temporary files in `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
        .collect()
}

#[test]
fn geojson_streams_to_stdout_and_parses() {
    let dir = tempdir();
    let out = run(analyze().args(["-o", "-"]));
    assert_success(&out, "analyze -o -");
    // The whole of standard output is one JSON document: the table went elsewhere.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["type"], "FeatureCollection");
    let features = doc["features"].as_array().unwrap().len();
    assert!(features > 0);
    assert!(
        stderr(&out).contains("settlements"),
        "the summary table is on stderr: {}",
        stderr(&out)
    );

    // A second run, to files: the same bytes, and as many CSV rows as features.
    let geojson = dir.path().join("settlements.geojson");
    let csv = dir.path().join("settlements.csv");
    let files = run(analyze().arg("-o").arg(&geojson).arg("--csv").arg(&csv));
    assert_success(&files, "analyze to files");
    assert_eq!(std::fs::read(&geojson).unwrap(), out.stdout);
    let rows = csv::Reader::from_path(&csv).unwrap().records().count();
    assert_eq!(rows, features);
    // Without a stream the table is on stdout, as before.
    assert!(String::from_utf8_lossy(&files.stdout).contains("settlements"));
}

#[test]
fn csv_streams_to_stdout() {
    let dir = tempdir();
    let out = run(analyze().args(["--csv", "-"]));
    assert_success(&out, "analyze --csv -");
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(out.stdout.as_slice())
        .records()
        .collect::<Result<_, _>>()
        .unwrap();
    let rows = records.len();
    let geojson = dir.path().join("settlements.geojson");
    assert_success(&run(analyze().arg("-o").arg(&geojson)), "analyze -o file");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&geojson).unwrap()).unwrap();
    assert_eq!(rows, doc["features"].as_array().unwrap().len());
}

#[test]
fn a_stream_and_files_together_are_all_written() {
    let dir = tempdir();
    let summary = dir.path().join("summary.json");
    let out = run(analyze().args(["-o", "-"]).arg("--summary").arg(&summary));
    assert_success(&out, "analyze -o - --summary file");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    serde_json::from_slice::<serde_json::Value>(&std::fs::read(&summary).unwrap()).unwrap();
    assert!(temporary_files(dir.path()).is_empty());
}

#[test]
fn two_outputs_on_stdout_are_refused() {
    let out = run(analyze().args(["-o", "-", "--csv", "-"]));
    assert_clean_failure(&out, &["--output", "--csv", "standard output"]);
}

#[test]
fn a_graph_cache_streams_to_stdout() {
    let dir = tempdir();
    let streamed = run(bin().arg("build").arg(small()).args(["-o", "-"]));
    assert_success(&streamed, "build -o -");
    let file = dir.path().join("region.sgraph");
    assert_success(
        &run(bin().arg("build").arg(small()).arg("-o").arg(&file)),
        "build -o file",
    );
    assert_eq!(streamed.stdout, std::fs::read(&file).unwrap());
}

#[cfg(unix)]
#[test]
fn dev_null_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let out = run(analyze().args(["-o", "/dev/null", "--csv", "/dev/stdout"]));
    assert_success(&out, "analyze -o /dev/null --csv /dev/stdout");
    // Running as root, a rename onto /dev/null would have replaced the device.
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "{meta:?}");
    assert!(temporary_files(Path::new("/dev")).is_empty());
    // /dev/stdout was written through: the CSV is in standard output.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("id,name,place,"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_fifo_receives_the_output() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir();
    let fifo = dir.path().join("settlements.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            bytes
        })
    };
    let out = run(analyze().arg("-o").arg(&fifo));
    assert_success(&out, "analyze -o FIFO");
    let received = reader.join().unwrap();
    let file = dir.path().join("settlements.geojson");
    assert_success(&run(analyze().arg("-o").arg(&file)), "analyze -o file");
    assert_eq!(received, std::fs::read(&file).unwrap());
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "still a FIFO: {kind:?}");
    assert!(temporary_files(dir.path()).is_empty());
}

/// Starts a run whose first output (a regular file) is complete in its temporary file while
/// the second, a FIFO nobody opens, blocks it; sends `signal` once the temporary file is there;
/// checks the exit code, that no temporary file is left and the earlier outputs are intact.
#[cfg(unix)]
fn interrupted(signal: &str, code: i32) {
    let dir = tempdir();
    let geojson = dir.path().join("settlements.geojson");
    let summary = dir.path().join("summary.json");
    let fifo = dir.path().join("settlements.csv");
    std::fs::write(&geojson, "earlier settlements\n").unwrap();
    std::fs::write(&summary, "earlier summary\n").unwrap();
    mkfifo(&fifo);
    let mut child = analyze()
        .arg("-o")
        .arg(&geojson)
        .arg("--csv")
        .arg(&fifo)
        .arg("--summary")
        .arg(&summary)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A generous limit: the machine may be busy; the wait ends as soon as the file is there.
    let mut seen = false;
    for _ in 0..1200 {
        if !temporary_files(dir.path()).is_empty() {
            seen = true;
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended before its output was blocked: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if !seen {
        child.kill().unwrap();
        panic!("no temporary file appeared in two minutes");
    }
    let kill = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    assert!(stderr(&out).contains(signal), "{}", stderr(&out));
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
    assert_eq!(
        std::fs::read(&geojson).unwrap(),
        b"earlier settlements\n".to_vec()
    );
    assert_eq!(
        std::fs::read(&summary).unwrap(),
        b"earlier summary\n".to_vec()
    );
}

#[cfg(unix)]
#[test]
fn sigint_removes_temporary_files() {
    interrupted("INT", 130);
}

#[cfg(unix)]
#[test]
fn sigterm_removes_temporary_files() {
    interrupted("TERM", 143);
}
