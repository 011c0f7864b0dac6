#!/usr/bin/env python3
"""Writing against analysis: how long `analyze` takes to write its outputs on the national input.

Usage (from the repository root):
    python3 benches/writing.py [--runs 3] [--file out/sweden-synthetic.osm.pbf]
                               [--bin NAME=PATH]... [--single]

The national input is **generated** (`cargo run --release --example gen_sweden FILE`, see
BENCHMARKS.md, "National benchmark"); the settlements are the real SCB 1 km grid in
data/sweden. Whole process wall time, each figure the median of --runs interleaved rounds (each
round runs every binary and every configuration once, in turn), of:
- `read`: `servicegap inspect FILE` (reading the extract and building the graph: the part of an
  analyze run that is reading, as `analyze` has no per-phase timings of its own);
- `none`: `servicegap analyze FILE --settlements GRID` (printed summary only, no files);
- `all`: the same with `--out-dir DIR` (settlements.geojson and .csv, summary.json,
  network.geojson, services.geojson, catchments.geojson);
- with --single, one run per output flag alone (`--output`, `--csv`, `--network-out`, ...).
Then analysis = none - read, writing = all - none (per output: single - none), and the floor
writing <= analysis is checked. --bin (repeatable; default the release binary) compares
binaries, e.g. `--bin before=/tmp/old --bin after=target/release/servicegap`. The outputs are
written to a scratch folder and removed. Prints Markdown tables. Python standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
DEFAULT_FILE = os.path.join(ROOT, "out", "sweden-synthetic.osm.pbf")
GRID = os.path.join(ROOT, "data", "sweden", "scb_befolkning_1km_2024_populated.csv.gz")
SINGLE = [
    ("--output", "settlements.geojson"),
    ("--csv", "settlements.csv"),
    ("--summary", "summary.json"),
    ("--network-out", "network.geojson"),
    ("--services-out", "services.geojson"),
    ("--catchments-out", "catchments.geojson"),
]


def timed(cmd, env=None):
    """Runs cmd with stdout discarded; returns the wall seconds."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr.decode(errors='replace')}")
    return wall


def configurations(binary, pbf, scratch, single):
    """(label, command, output folder or file to measure and remove) per configuration."""
    analyze = [binary, "analyze", pbf, "--settlements", GRID]
    out_dir = os.path.join(scratch, "all")
    configs = [
        ("read", [binary, "inspect", pbf], None),
        ("none", analyze, None),
        ("all", analyze + ["--out-dir", out_dir], out_dir),
    ]
    if single:
        for flag, name in SINGLE:
            path = os.path.join(scratch, name)
            configs.append((name, analyze + [flag, path], path))
    return configs


def size_mb(path):
    if os.path.isdir(path):
        return sum(size_mb(os.path.join(path, f)) for f in os.listdir(path))
    return os.path.getsize(path) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", default=DEFAULT_FILE)
    parser.add_argument("--bin", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--single", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(args.file):
        sys.exit(f"{args.file}: missing; write it with "
                 f"`cargo run --release --example gen_sweden {args.file}` (generated data)")
    binaries = [tuple(b.split("=", 1)) for b in args.bin] or [("release", BIN)]
    scratch = tempfile.mkdtemp(prefix="servicegap-writing-")
    times = {}  # (binary, label) -> [seconds]
    sizes = {}  # (binary, label) -> MB
    try:
        for run in range(args.runs):
            for name, binary in binaries:
                for label, cmd, out in configurations(binary, args.file, scratch, args.single):
                    wall = timed(cmd)
                    times.setdefault((name, label), []).append(wall)
                    print(f"run {run + 1} {name} {label}: {wall:.2f} s", file=sys.stderr)
                    if out:
                        if os.path.isdir(out):
                            for f in os.listdir(out):
                                sizes[(name, f)] = size_mb(os.path.join(out, f))
                            shutil.rmtree(out)
                        else:
                            os.remove(out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"Input: {os.path.relpath(args.file, ROOT)} (generated, see BENCHMARKS.md), "
          f"settlements {os.path.relpath(GRID, ROOT)}; medians of {args.runs} interleaved runs.")
    print()
    print("| binary | read (s) | none (s) | all (s) | analysis = none - read (s) "
          "| writing = all - none (s) | writing / analysis |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, _ in binaries:
        read, none, everything = (med[(name, k)] for k in ("read", "none", "all"))
        analysis, writing = none - read, everything - none
        print(f"| {name} | {read:.2f} | {none:.2f} | {everything:.2f} | {analysis:.2f} "
              f"| {writing:.2f} | {writing / analysis:.2f} |")
    print()
    print("Runs (s): " + "; ".join(
        f"{n} {label} " + ", ".join(f"{t:.2f}" for t in v) for (n, label), v in times.items()))
    if args.single:
        print()
        print("| output | MB | " + " | ".join(f"{n} writing (s)" for n, _ in binaries) + " |")
        print("|---|---:|" + "---:|" * len(binaries))
        for _, name in SINGLE:
            mb = sizes.get((binaries[-1][0], name), 0.0)
            cells = " | ".join(f"{med[(n, name)] - med[(n, 'none')]:.2f}" for n, _ in binaries)
            print(f"| {name} | {mb:.1f} | {cells} |")


if __name__ == "__main__":
    main()
