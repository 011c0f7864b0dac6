#!/usr/bin/env python3
"""Whole-process wall time and peak memory of `servicegap inspect` next to `osmium fileinfo -e`
on the same files, in the same run, alternating the two so machine noise hits both alike.

Usage (from the repository root):
    cargo build --release
    python3 benches/inspect_vs_osmium.py [--runs 15] [FILE.osm.pbf ...]

Needs osmium-tool and GNU time (`apt-get install osmium-tool time`): peak memory is GNU time's
maximum resident set of the command itself. Defaults to every extract in data/osm/.
Prints a Markdown table: median wall time (ms), peak RSS (MB) of each tool and the ratio
servicegap / osmium of the medians.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")


def run(cmd):
    """Runs cmd with output discarded; returns (wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {proc.stderr}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    if shutil.which("osmium") is None or not os.path.exists("/usr/bin/time"):
        sys.exit("needs osmium and GNU time: apt-get install osmium-tool time")
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "data", "osm", "*.osm.pbf")))
    print(f"runs per tool: {args.runs}, cpus: {os.cpu_count()}")
    print("| file | MB | servicegap ms | osmium ms | ratio | servicegap peak MB | osmium peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for f in files:
        ours_cmd = [BIN, "inspect", "--json", f]
        theirs_cmd = ["osmium", "fileinfo", "-e", f]
        for _ in range(2):  # warm the page cache
            run(ours_cmd)
            run(theirs_cmd)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(run(ours_cmd))
            theirs.append(run(theirs_cmd))
        o = statistics.median(w for w, _ in ours) * 1e3
        t = statistics.median(w for w, _ in theirs) * 1e3
        print(
            f"| {os.path.basename(f)} | {os.path.getsize(f) / 1e6:.1f} | {o:.1f} | {t:.1f} | {o / t:.2f} "
            f"| {max(m for _, m in ours):.0f} | {max(m for _, m in theirs):.0f} |"
        )


if __name__ == "__main__":
    main()
