#!/usr/bin/env python3
"""The planner's report at national scale: how big the page is, how long servicegap takes to
write it, and how long a browser takes to open it.

Usage (from the repository root):
    python3 benches/report.py [--runs 3] [--file out/sweden-synthetic.osm.pbf]

The input is the generated Sweden-shaped extract (`cargo run --release --example gen_sweden`
writes it; generated, not real roads) with the real SCB 1 km population grid (103 464
squares) and the 290 kommun polygons shipped in data/sweden/. Measures, each the median of
--runs runs:
- `servicegap report` whole process: wall time and peak resident set (GNU time), and the
  page's size with the share of its data element;
- the browser: Debian's chromium, headless, opening the page from disk and dumping the DOM
  once the page sets its ready marker; the page's own `data-ms` (performance.now() when the
  map is drawn, counted from navigation start) and the whole chromium process's wall time,
  against the same chromium on an empty page (its start-up cost).
Prints a Markdown table ready for BENCHMARKS.md. Python standard library only.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
DEFAULT_FILE = os.path.join(ROOT, "out", "sweden-synthetic.osm.pbf")
GRID = os.path.join(ROOT, "data", "sweden", "scb_befolkning_1km_2024_populated.csv.gz")
KOMMUNER = os.path.join(ROOT, "data", "sweden", "swedish_municipalities.geojson")
FLOORS = "the Swedish page opens in under 5 s and stays under 25 MB"


def chromium(url, profile):
    """Opens url headless and dumps the DOM; returns (wall seconds, DOM text)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={profile}", "--window-size=1400,1000",
         "--virtual-time-budget=60000", "--dump-dom", url],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"chromium failed on {url}")
    return wall, proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--file", default=DEFAULT_FILE)
    args = ap.parse_args()
    if not os.path.exists(args.file):
        subprocess.run(["cargo", "run", "--release", "--example", "gen_sweden", "--", args.file],
                       cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="servicegap-report-")
    page = os.path.join(tmp, "sweden.html")
    empty = os.path.join(tmp, "empty.html")
    with open(empty, "w") as f:
        f.write("<!DOCTYPE html><html><body>empty</body></html>")
    cmd = ["/usr/bin/time", "-f", "%M", BIN, "-q", "report", args.file, "--settlements", GRID,
           "--regions", KOMMUNER, "-o", page]
    writes, page_ms, page_wall, empty_wall = [], [], [], []
    drawn = None
    for _ in range(args.runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT)
        if proc.returncode != 0:
            sys.exit(f"servicegap report failed:\n{proc.stderr}")
        writes.append((time.perf_counter() - start,
                       int(proc.stderr.strip().splitlines()[-1]) / 1024.0))
        # Interleaved: the empty page, then the report, with fresh profiles.
        empty_wall.append(chromium("file://" + empty, os.path.join(tmp, "p0"))[0])
        wall, dom = chromium("file://" + page, os.path.join(tmp, "p1"))
        ready = re.search(r'<div id="servicegap-ready"[^>]*>', dom)
        if not ready:
            sys.exit("the page set no ready marker")
        attrs = dict(re.findall(r'data-([a-z]+)="([^"]*)"', ready.group(0)))
        page_ms.append(float(attrs["ms"]))
        drawn = attrs.get("drawn")
        page_wall.append(wall)
    text = open(page, encoding="utf-8").read()
    data = re.search(r'id="servicegap-data">(.*?)</script>', text, re.S).group(1)
    size = os.path.getsize(page)
    sections = len(re.findall(r'"vulnerable_unlisted"', data))
    med = statistics.median
    print(f"Floors: {FLOORS}.")
    print(f"Input: {os.path.relpath(args.file, ROOT)} (generated), SCB 1 km grid, "
          f"{sections} kommun pages; {args.runs} runs, medians.\n")
    print("| Measure | Figure |")
    print("|---|---|")
    print(f"| page size | {size / 1e6:.1f} MB (data {len(data.encode()) / 1e6:.1f} MB) |")
    print(f"| settlements drawn | {drawn} |")
    print(f"| `servicegap report` wall, peak | {med(w for w, _ in writes):.1f} s, "
          f"{med(m for _, m in writes):.0f} MB |")
    print(f"| page ready (its `data-ms`) | {med(page_ms) / 1000:.2f} s |")
    print(f"| chromium open + dump, the report | {med(page_wall):.2f} s |")
    print(f"| chromium open + dump, an empty page | {med(empty_wall):.2f} s |")
    print(f"| the report beyond the empty page | {med(page_wall) - med(empty_wall):.2f} s |")


if __name__ == "__main__":
    main()
