//! What a person at a terminal meets besides the outputs: progress bars on a terminal and
//! none through a pipe, `--quiet` and `-v`, `NO_COLOR`, the help's examples (each run as
//! written), completions, manual pages, and "did you mean" for misspelt kinds and units.
//!
//! A terminal is made with util-linux's `script`, which runs the command on a
//! pseudo-terminal and copies everything it prints to its own standard output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::util::{bayreuth, bin, data, run, stderr, tempdir, write};

/// `servicegap ARGS` run on a pseudo-terminal, bars drawn at once; what the terminal showed
/// (standard output and standard error together) and the exit code.
fn on_terminal(args: &str, envs: &[(&str, &str)]) -> (String, Option<i32>) {
    let line = format!("{} {args}", env!("CARGO_BIN_EXE_servicegap"));
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("SERVICEGAP_PROGRESS_DELAY_MS", "0")
        // A terminal that can redraw a line; a dumb one gets no bars.
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    for (key, value) in envs {
        cmd.env(key, value);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run script (util-linux): {e}"));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

/// Whether `text` holds an SGR (colour) escape sequence, `ESC [ ... m`.
fn has_colour(text: &str) -> bool {
    text.split('\u{1b}').skip(1).any(|seq| {
        seq.strip_prefix('[').is_some_and(|rest| {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ';'));
            end.is_some_and(|i| rest[i..].starts_with('m'))
        })
    })
}

fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display())
}

#[test]
fn a_terminal_shows_progress_bars_per_phase() {
    let dir = tempdir();
    let csv = dir.path().join("s.csv");
    let args = format!(
        "analyze {} --csv {}",
        shell_quote(&bayreuth()),
        shell_quote(&csv)
    );
    let (shown, code) = on_terminal(&args, &[]);
    assert_eq!(code, Some(0), "{shown}");
    // The reading bar counts the extract's bytes, routing its 10 searches (one per field, the
    // nearest and beyond it from the same search).
    assert!(shown.contains(" B/694.79 KiB"), "{shown}");
    assert!(shown.contains("/10 "), "{shown}");
    for phase in ["building", "snapping", "routing", "writing"] {
        assert!(shown.contains(phase), "{phase} not shown: {shown}");
    }
    // Bars are cleared, and colour is used by default.
    assert!(shown.contains("\u{1b}[2K"), "{shown}");
    assert!(has_colour(&shown), "{shown}");
    // The summary still comes after them.
    assert!(shown.contains("kind      threshold"), "{shown}");
}

#[test]
fn no_color_draws_bars_without_colour() {
    let args = format!("analyze {}", shell_quote(&bayreuth()));
    let (shown, code) = on_terminal(&args, &[("NO_COLOR", "1")]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("routing"), "{shown}");
    assert!(!has_colour(&shown), "{shown:?}");
}

#[test]
fn quiet_on_a_terminal_shows_nothing() {
    let dir = tempdir();
    let args = format!(
        "-q analyze {} --out-dir {}",
        shell_quote(&bayreuth()),
        shell_quote(dir.path())
    );
    let (shown, code) = on_terminal(&args, &[]);
    assert_eq!(code, Some(0), "{shown}");
    assert_eq!(shown, "");
    assert!(dir.path().join("summary.json").is_file());
}

#[test]
fn piped_stderr_holds_no_progress_and_stdout_is_unchanged() {
    let plain = run(bin().arg("analyze").arg(bayreuth()));
    let out = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .env("SERVICEGAP_PROGRESS_DELAY_MS", "0"));
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    assert_eq!(out.stdout, plain.stdout);
}

#[test]
fn quiet_prints_nothing_but_writes_every_output() {
    let loud = tempdir();
    let quiet = tempdir();
    let normal = run(bin()
        .arg("analyze")
        .arg(bayreuth())
        .arg("--out-dir")
        .arg(loud.path()));
    assert!(normal.status.success());
    assert!(
        !normal.stdout.is_empty(),
        "the summary is printed without -q"
    );
    for args in [["-q", "analyze"], ["analyze", "--quiet"]] {
        let out = run(bin()
            .args(args)
            .arg(bayreuth())
            .arg("--out-dir")
            .arg(quiet.path()));
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(out.stdout, b"", "{args:?}");
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    for name in ["settlements.geojson", "settlements.csv", "summary.json"] {
        let a = std::fs::read(loud.path().join(name)).unwrap();
        let b = std::fs::read(quiet.path().join(name)).unwrap();
        assert_eq!(a, b, "{name}");
    }
    // A streamed output is still written, and alone.
    let streamed = run(bin()
        .args(["-q", "analyze"])
        .arg(bayreuth())
        .args(["--csv", "-"]));
    assert!(streamed.status.success());
    assert_eq!(stderr(&streamed), "");
    let file = std::fs::read(loud.path().join("settlements.csv")).unwrap();
    assert_eq!(streamed.stdout, file);
}

#[test]
fn quiet_drops_warnings_but_not_errors() {
    // The Södermalm extract's road fragments are all below the component minimum: a warning.
    let sodermalm = data("data/osm/se-stockholm-sodermalm.osm.pbf");
    let grid = data("data/sweden/scb_befolkning_1km_2024_populated.csv.gz");
    let args = |quiet: bool| {
        let mut cmd = bin();
        if quiet {
            cmd.arg("-q");
        }
        cmd.arg("analyze")
            .arg(&sodermalm)
            .arg("--settlements")
            .arg(&grid);
        run(&mut cmd)
    };
    let loud = args(false);
    assert!(stderr(&loud).contains("warning:"), "{}", stderr(&loud));
    let quiet = args(true);
    assert!(quiet.status.success());
    assert_eq!(stderr(&quiet), "");
    let failed = run(bin().args(["-q", "analyze", "no-such.osm.pbf"]));
    assert_eq!(failed.status.code(), Some(2));
    assert!(
        stderr(&failed).contains("error: no-such.osm.pbf"),
        "{}",
        stderr(&failed)
    );
}

/// The phase lines of a `-v` run: `NAME: SECONDS s, peak MEMORY`.
fn phases(err: &str) -> Vec<String> {
    err.lines()
        .map(|line| {
            let (name, rest) = line.split_once(": ").unwrap_or_else(|| panic!("{line}"));
            let (secs, peak) = rest
                .split_once(" s, peak ")
                .unwrap_or_else(|| panic!("{line}"));
            let (whole, hundredths) = secs.split_once('.').unwrap_or_else(|| panic!("{line}"));
            assert!(
                whole.parse::<u64>().is_ok() && hundredths.len() == 2,
                "{line}"
            );
            let mb = peak.strip_suffix(" MB").map(str::parse::<u64>);
            assert!(peak == "n/a" || matches!(mb, Some(Ok(_))), "{line}");
            name.to_owned()
        })
        .collect()
}

#[test]
fn verbose_prints_one_line_per_phase_with_time_and_memory() {
    let dir = tempdir();
    let plain = run(bin().arg("analyze").arg(bayreuth()));
    let out = run(bin()
        .args(["analyze", "-v"])
        .arg(bayreuth())
        .arg("--csv")
        .arg(dir.path().join("s.csv")));
    assert!(out.status.success());
    assert_eq!(
        out.stdout, plain.stdout,
        "-v leaves standard output as it is"
    );
    let names = phases(&stderr(&out));
    assert_eq!(
        names,
        ["reading", "building", "snapping", "routing", "writing"],
        "{}",
        stderr(&out)
    );
    if Path::new("/proc/self/status").exists() {
        assert!(!stderr(&out).contains("n/a"), "{}", stderr(&out));
    }

    // From a graph cache: read, no graph built.
    let cache = dir.path().join("b.sgraph");
    let streamed = run(bin()
        .args(["-v", "build"])
        .arg(bayreuth())
        .args(["-o", "-"]));
    let build = run(bin()
        .args(["-v", "build"])
        .arg(bayreuth())
        .arg("-o")
        .arg(&cache));
    for out in [&streamed, &build] {
        assert!(out.status.success(), "{}", stderr(out));
        // The closing line, then the phases: the snapping index and core graph prepared, one
        // writing phase either way.
        let err = stderr(out);
        let lines: Vec<&str> = err.lines().filter(|l| l.contains(" s, peak ")).collect();
        let names = phases(&lines.join("\n"));
        assert_eq!(
            names,
            ["reading", "building", "preparing", "writing"],
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&cache).unwrap(), streamed.stdout);
    let out = run(bin()
        .args(["-v", "vulnerable", "--kind", "grocery"])
        .arg(&cache));
    assert!(out.status.success(), "{}", stderr(&out));
    let names = phases(&stderr(&out));
    assert_eq!(names, ["reading", "snapping", "routing", "vulnerability"]);

    let plan = data("data/scenarios/bayreuth-plan.toml");
    let out = run(bin()
        .args(["-v", "scenario"])
        .arg(bayreuth())
        .arg("--scenarios")
        .arg(plan));
    assert!(out.status.success(), "{}", stderr(&out));
    let names = phases(&stderr(&out));
    assert_eq!(
        names,
        ["reading", "building", "snapping", "routing", "scenarios"]
    );
}

#[test]
fn quiet_and_verbose_together_are_refused() {
    let out = run(bin().args(["-q", "-v", "analyze"]).arg(bayreuth()));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
}

/// The command names listed by `servicegap --help`.
fn commands() -> Vec<String> {
    let out = run(bin().arg("--help"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let list = text
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("{text}"));
    list.lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// The `--help` text of `servicegap COMMAND` (of servicegap itself for `None`).
fn help(command: Option<&str>) -> String {
    let out = run(bin().args(command).arg("--help"));
    assert!(out.status.success(), "{command:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The command lines of a help text's `Examples:` section.
fn examples(help: &str) -> Vec<String> {
    let section = help
        .split("\nExamples:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no Examples section in\n{help}"));
    section
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn every_help_ends_with_examples_and_help_has_help() {
    let names = commands();
    for expected in ["analyze", "build", "completions", "man", "help"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    for command in std::iter::once(None).chain(names.iter().map(|n| Some(n.as_str()))) {
        let text = help(command);
        let lines = examples(&text);
        assert!((2..=3).contains(&lines.len()), "{command:?}: {lines:?}");
        for line in &lines {
            assert!(line.starts_with("servicegap "), "{command:?}: {line}");
        }
    }
    // `help COMMAND` is `COMMAND --help`, for every command clap lists.
    for name in &names {
        let out = run(bin().args(["help", name]));
        assert!(out.status.success(), "help {name}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), help(Some(name)));
    }
    let out = run(bin().args(["help", "--help"]));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Examples:"));
}

/// A folder to run the help's examples in: the repository's `data/` and a Swedish extract
/// as `sweden-latest.osm.pbf` (the small Södermalm one: the Swedish planners' files fit it),
/// with every output the examples write landing beside them.
fn example_folder() -> tempfile::TempDir {
    let dir = tempdir();
    std::os::unix::fs::symlink(data("data"), dir.path().join("data")).unwrap();
    std::os::unix::fs::symlink(
        data("data/osm/se-stockholm-sodermalm.osm.pbf"),
        dir.path().join("sweden-latest.osm.pbf"),
    )
    .unwrap();
    dir
}

#[test]
fn every_example_runs_as_written() {
    let bin_dir: PathBuf = Path::new(env!("CARGO_BIN_EXE_servicegap"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut ran = 0;
    let names = commands();
    for command in std::iter::once(None).chain(names.iter().map(|n| Some(n.as_str()))) {
        // Each command's examples in order in one folder: a later line may use an earlier
        // one's output (build, then analyze the cache).
        let dir = example_folder();
        for line in examples(&help(command)) {
            let out: Output = run(Command::new("sh")
                .args(["-c", &line])
                .current_dir(dir.path())
                .env("PATH", &path));
            assert!(
                out.status.success(),
                "{line}\nexit {:?}: {}",
                out.status.code(),
                stderr(&out)
            );
            ran += 1;
        }
    }
    assert!(ran >= 2 * names.len(), "only {ran} examples");
}

#[test]
fn completions_and_man_pages_come_from_the_same_definitions() {
    let names = commands();
    let dir = tempdir();
    let bash = run(bin().args(["completions", "bash"]));
    assert!(bash.status.success());
    let script = write(dir.path(), "servicegap.bash", &bash.stdout);
    let check = run(Command::new("bash").arg("-n").arg(&script));
    assert!(check.status.success(), "{}", stderr(&check));
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(bin().args(["completions", shell]));
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        for name in ["analyze", "vulnerable", "threshold"] {
            assert!(text.contains(name), "{shell}: no {name}");
        }
    }
    let out = run(bin().arg("man"));
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains("\n.TH servicegap 1"), "{page}");
    for name in &names {
        // roff writes a hyphen as `\-`.
        assert!(page.contains(&format!("servicegap\\-{name}(1)")), "{name}");
    }
    let out = run(bin().args(["man", "analyze"]));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains("\n.TH servicegap-analyze 1"), "{page}");
    assert!(page.contains("\\-\\-threshold"), "{page}");
    assert_eq!(run(bin().args(["man", "analyse"])).status.code(), Some(2));
}

/// The one error line of `servicegap ARGS` on the demo region, which must fail.
fn refusal(args: &[&str]) -> String {
    let out = run(bin().arg(args[0]).arg(bayreuth()).args(&args[1..]));
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn misspelt_kinds_and_units_get_did_you_mean() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["analyze", "--threshold", "grocey=10km"],
            "--threshold: `grocey=10km`: unknown kind `grocey`: did you mean `grocery`?",
        ),
        (
            &["analyze", "--threshold", "grocery=10kms"],
            "`grocery=10kms`: `kms` is not a unit of thresholds: did you mean `10km`?",
        ),
        (
            &["analyze", "--threshold", "pharmacy=12mins"],
            "did you mean `12min`?",
        ),
        (
            &["analyze", "--threshold", "grocery=10m"],
            "`grocery=10m`: metres are not a threshold unit: use km or min",
        ),
        (
            &["vulnerable", "--kind", "pharmcy"],
            "--kind: unknown kind `pharmcy`: did you mean `pharmacy`?",
        ),
        (
            &["suggest", "--kind", "grocey"],
            "--kind: unknown kind `grocey`: did you mean `grocery`?",
        ),
        // Nothing close: the list of kinds instead.
        (
            &["suggest", "--kind", "bakery"],
            "unknown kind `bakery` (kinds: grocery, fuel, post, pharmacy, payment)",
        ),
    ];
    for (args, expected) in cases {
        let err = refusal(args);
        assert!(err.contains(expected), "{args:?}: {err}");
    }

    let dir = tempdir();
    let config = write(
        dir.path(),
        "servicegap.toml",
        "[thresholds]\ngrocey = \"10km\"\n",
    );
    let err = refusal(&["analyze", "--config", config.to_str().unwrap()]);
    assert!(
        err.contains("servicegap.toml:2: unknown key `grocey`: did you mean `grocery`?"),
        "{err}"
    );
    let config = write(
        dir.path(),
        "units.toml",
        "[thresholds]\nfuel = \"15 KMS\"\n",
    );
    let err = refusal(&["analyze", "--config", config.to_str().unwrap()]);
    assert!(err.contains("units.toml:2: [thresholds] fuel:"), "{err}");
    assert!(err.contains("did you mean `15km`?"), "{err}");
}

#[test]
fn thresholds_in_any_case_and_with_a_space_are_the_same_threshold() {
    let reference = run(bin().arg("analyze").arg(bayreuth()).args([
        "--threshold",
        "grocery=12km",
        "--threshold",
        "post=9min",
    ]));
    assert!(reference.status.success());
    for (grocery, post) in [
        ("grocery=12KM", "post=9MIN"),
        ("grocery=12 km", "post=9 min"),
        ("grocery=12Km", "Post=9Min"),
    ] {
        let out = run(bin().arg("analyze").arg(bayreuth()).args([
            "--threshold",
            grocery,
            "--threshold",
            post,
        ]));
        assert!(out.status.success(), "{grocery}: {}", stderr(&out));
        assert_eq!(out.stdout, reference.stdout, "{grocery} {post}");
    }
}
