#!/usr/bin/env python3
"""Whole-process wall time and peak memory of `servicegap analyze` (all five outputs written)
next to `servicegap inspect` (reading and graph building only) on each shipped extract, the two
alternating so machine noise hits both alike.

Usage (from the repository root):
    cargo build --release
    python3 benches/analyze_extracts.py [--runs 11] [FILE.osm.pbf ...]

Needs GNU time (`apt-get install time`) for the peak resident set. Prints a Markdown table.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")


def run(cmd):
    """Runs cmd with output discarded; returns (wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {proc.stderr}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time: apt-get install time")
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "data", "osm", "*.osm.pbf")))
    print(f"runs per command: {args.runs}, cpus: {os.cpu_count()}")
    print("| file | settlements | analyze ms | inspect ms | analyze peak MB |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as out:
        for f in files:
            analyze = [BIN, "analyze", f, "--out-dir", out]
            inspect = [BIN, "inspect", "--json", f]
            probe = subprocess.run([BIN, "analyze", f], capture_output=True, text=True)
            if probe.returncode != 0:
                print(f"| {os.path.basename(f)} | (skipped: {probe.stderr.strip()}) | | | |")
                continue
            settlements = probe.stdout.splitlines()[1].split()[0]
            for _ in range(2):
                run(analyze)
                run(inspect)
            a, i = [], []
            for _ in range(args.runs):
                a.append(run(analyze))
                i.append(run(inspect))
            am = statistics.median(w for w, _ in a) * 1e3
            im = statistics.median(w for w, _ in i) * 1e3
            print(
                f"| {os.path.basename(f)} | {settlements} | {am:.1f} | {im:.1f} | {max(m for _, m in a):.0f} |"
            )


if __name__ == "__main__":
    main()
