#!/usr/bin/env python3
"""The 250 m scale, measured: `analyze` on the national input with about 600 000 grid squares.

Usage (from the repository root):
    python3 benches/grid250.py [--runs 3] [--file out/sweden-synthetic.osm.pbf] [--no-build]

SCB publishes population on 250 m squares too, and Pipos works on them (about 600 000 populated
squares in Sweden); the repository ships only the 1 km grid
(data/sweden/scb_befolkning_1km_2024_populated.csv.gz, 103 464 populated squares). This script
derives a 250 m settlements file from it by a fixed rule and writes it to
out/grid250-generated-not-real-data.csv. **The file is generated, not real data**: the people of
each 1 km square are spread over its 16 sub-squares by a hash, not by where they live. It is not
committed; the script writes it anew on every run (same bytes every time; its SHA-256 is printed).

The rule, for a 1 km square with lower-left corner (x, y) and P people:
- its sub-squares are the 16 squares of 250 m with corners (x + 250 i, y + 250 j), i, j in 0..3,
  each named by the SCB 13-digit code: easting (6 digits) then northing (7 digits) of its corner;
- sub-square s gets the weight w_s = (h_s + 1) ** 5, where h_s is the first two bytes (big-endian,
  0..65535) of the SHA-256 of its 13-digit code (ASCII);
- its people are P * w_s / W (W the sum of the 16 weights) rounded by largest remainders: each
  gets the floor, and the people left over go one each to the largest remainders (ties: the
  smaller code), so the sub-squares sum exactly to P. Integer arithmetic only;
- sub-squares with no people are dropped.
The exponent 5 skews the weights so that the count lands near the real 250 m grid's (629 012
populated squares; exponent 4 gives 687 934, 6 gives 580 667).

Then it measures, interleaved, --runs runs each (medians), whole process with GNU time (wall,
peak resident set): `servicegap analyze FILE --settlements GRID --out-dir DIR -v` with the 250 m
file and, for comparison, with the shipped 1 km grid. --out-dir writes all seven outputs
(settlements.geojson, settlements.csv, summary.json, network.geojson, services.geojson,
catchments.geojson, results.gpkg); DIR is a temporary folder emptied after every run. The `-v`
phase lines (reading, building, snapping, routing, writing) say where the time goes; what is
outside them (reading the settlements file, the summaries, freeing memory at exit) is shown as
"outside the phases". Prints Markdown tables ready for BENCHMARKS.md and whether the floors hold
(250 m: <= 6 s and <= 2 GB peak,
read as 2 GiB = 2 048 MiB, the unit GNU time reports; the GB figure is printed beside it). Needs GNU time (`apt-get install -y time`). Python standard
library only.
"""
import argparse
import csv
import gzip
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
DEFAULT_FILE = os.path.join(ROOT, "out", "sweden-synthetic.osm.pbf")
GRID_1KM = os.path.join(ROOT, "data", "sweden", "scb_befolkning_1km_2024_populated.csv.gz")
GRID_250 = os.path.join(ROOT, "out", "grid250-generated-not-real-data.csv")
EXPONENT = 5
FLOOR_S = 6.0
FLOOR_MB = 2048.0  # 2 GB as MiB: GNU time's %M is in KiB
PHASES = ("reading", "building", "snapping", "routing", "writing")
PHASE_LINE = re.compile(r"^([a-z_ ]+): ([0-9.]+) s, peak ([0-9]+) MB$")


def code(x, y):
    """The SCB 13-digit code of the square with lower-left corner (x, y)."""
    return f"{x:06d}{y:07d}"


def split_square(x, y, people):
    """The populated 250 m sub-squares of the 1 km square at (x, y) with `people`: a list of
    (code, people) in row order (south to north, west to east), summing exactly to `people`."""
    codes, weights = [], []
    for j in range(4):
        for i in range(4):
            c = code(x + 250 * i, y + 250 * j)
            h = int.from_bytes(hashlib.sha256(c.encode("ascii")).digest()[:2], "big")
            codes.append(c)
            weights.append((h + 1) ** EXPONENT)
    total = sum(weights)
    shares = [people * w // total for w in weights]
    remainders = [people * w % total for w in weights]
    left = people - sum(shares)
    for n in sorted(range(16), key=lambda n: (-remainders[n], codes[n]))[:left]:
        shares[n] += 1
    return [(c, s) for c, s in zip(codes, shares) if s > 0]


def write_grid250(source, target):
    """Writes the 250 m file from the 1 km grid; returns (1 km squares, 250 m squares, people,
    SHA-256 of the file)."""
    squares_1km = squares_250 = people = 0
    tmp = target + ".tmp"
    with gzip.open(source, "rt", encoding="utf-8", newline="") as src, \
            open(tmp, "w", encoding="ascii", newline="") as out:
        out.write("rutid_scb,pop\n")
        for row in csv.DictReader(src):
            x, y = int(row["x_sweref99tm_ll"]), int(row["y_sweref99tm_ll"])
            p = int(row["pop_2024"])
            if code(x, y) != row["rutid_scb"].strip():
                sys.exit(f"{source}: square {row['rutid_scb']} does not match its corner")
            parts = split_square(x, y, p)
            if sum(s for _, s in parts) != p:
                sys.exit(f"square {row['rutid_scb']}: sub-squares do not sum to {p}")
            squares_1km += 1
            squares_250 += len(parts)
            people += p
            out.writelines(f"{c},{s}\n" for c, s in parts)
    os.replace(tmp, target)
    with open(target, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return squares_1km, squares_250, people, digest


def run(cmd, out_dir):
    """Runs cmd (its stdout discarded, `-v` lines on stderr); returns (wall s, peak MiB,
    CPU s (user + system), {phase: seconds}, {output: MB}). Empties out_dir afterwards."""
    shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "gnu-time %e %M %U %S"] + cmd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stderr}")
    phases, peak, cpu = {}, None, None
    for line in proc.stderr.splitlines():
        m = PHASE_LINE.match(line.strip())
        if m:
            phases[m.group(1)] = phases.get(m.group(1), 0.0) + float(m.group(2))
            phases["peak " + m.group(1)] = float(m.group(3))
        elif line.startswith("gnu-time "):
            fields = line.split()
            peak = int(fields[2]) / 1024.0
            cpu = float(fields[3]) + float(fields[4])
    if peak is None:
        sys.exit(f"no GNU time line in:\n{proc.stderr}")
    sizes = {}
    if os.path.isdir(out_dir):
        for name in sorted(os.listdir(out_dir)):
            sizes[name] = os.path.getsize(os.path.join(out_dir, name)) / 1e6
    shutil.rmtree(out_dir, ignore_errors=True)
    return wall, peak, cpu, phases, sizes


def fmt(v, digits=2):
    """A number with `digits` decimals and spaces between thousands."""
    return f"{v:,.{digits}f}".replace(",", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--file", default=DEFAULT_FILE, help="the national extract")
    parser.add_argument("--no-build", action="store_true", help="use target/release as it is")
    args = parser.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time: apt-get install -y time")
    if not os.path.exists(args.file):
        sys.exit(f"{args.file} is missing: python3 benches/national.py writes it")
    if not args.no_build:
        print("building (cargo build --release --bin servicegap) ...", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--bin", "servicegap"], cwd=ROOT,
                       check=True)

    load_before = os.getloadavg()[0]
    clock = time.perf_counter()
    n1, n250, people, digest = write_grid250(GRID_1KM, GRID_250)
    print(f"wrote {os.path.relpath(GRID_250, ROOT)} (generated, not real data) in "
          f"{time.perf_counter() - clock:.1f} s: {n250} squares of 250 m from {n1} of 1 km, "
          f"{people} people in both, {os.path.getsize(GRID_250) / 1e6:.1f} MB, "
          f"sha256 {digest}", file=sys.stderr)

    # The extract into the page cache once, so that no run pays for the disk alone.
    with open(args.file, "rb") as f:
        while f.read(1 << 24):
            pass

    cases = [("1 km (shipped SCB grid)", GRID_1KM, n1),
             ("250 m (generated, not real data)", GRID_250, n250)]
    samples = {label: [] for label, _, _ in cases}
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="grid250-") as tmp:
        out_dir = os.path.join(tmp, "run")
        for r in range(args.runs):
            for label, grid, _ in cases:
                cmd = [BIN, "analyze", args.file, "--settlements", grid, "--out-dir", out_dir,
                       "-v"]
                wall, peak, cpu, phases, out = run(cmd, out_dir)
                samples[label].append((wall, peak, cpu, phases))
                sizes.setdefault(label, out)
                print(f"run {r + 1}, {label}: {wall:.2f} s, {peak:.0f} MiB, CPU {cpu:.2f} s, "
                      f"load {os.getloadavg()[0]:.2f}, " + ", ".join(
                          f"{k} {v:.2f}" for k, v in phases.items() if not k.startswith("peak")),
                      file=sys.stderr)

    print(f"\ninput: {os.path.relpath(args.file, ROOT)}; command: servicegap analyze FILE "
          f"--settlements GRID --out-dir DIR -v; runs per figure: {args.runs} (interleaved), "
          f"cpus: {os.cpu_count()}, load average before: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}\n")
    print("| settlements | squares | wall, median (s) | peak, median (MiB) | CPU, median (s) "
          "| wall, runs (s) | peak, runs (MiB) |")
    print("|---|---:|---:|---:|---:|---|---|")
    med = {}
    for label, _, n in cases:
        s = samples[label]
        wall = statistics.median(w for w, _, _, _ in s)
        peak = statistics.median(m for _, m, _, _ in s)
        cpu = statistics.median(c for _, _, c, _ in s)
        med[label] = (wall, peak)
        walls = ", ".join(fmt(w) for w, _, _, _ in s)
        peaks = ", ".join(fmt(m, 0) for _, m, _, _ in s)
        print(f"| {label} | {fmt(n, 0)} | {fmt(wall)} | {fmt(peak, 0)} | {fmt(cpu)} | {walls} "
              f"| {peaks} |")

    print("\nWhere the time goes (`-v` phases, median of the runs, seconds; in brackets the "
          "process's peak at the end of the phase, MiB):\n")
    print("| phase | " + " | ".join(label for label, _, _ in cases) + " |")
    print("|---|" + "---:|" * len(cases))
    for phase in PHASES + ("outside the phases",):
        cells = []
        for label, _, _ in cases:
            if phase == "outside the phases":
                vals = [w - sum(v for k, v in p.items() if not k.startswith("peak "))
                        for w, _, _, p in samples[label]]
            else:
                vals = [p.get(phase, 0.0) for _, _, _, p in samples[label]]
            peaks = [p.get("peak " + phase) for _, _, _, p in samples[label]]
            peak = "" if None in peaks else f" ({fmt(statistics.median(peaks), 0)})"
            cells.append(fmt(statistics.median(vals)) + peak)
        print(f"| {phase} | " + " | ".join(cells) + " |")
    print("| whole process | " + " | ".join(fmt(med[label][0]) for label, _, _ in cases) + " |")

    print("\nOutputs written (MB):\n")
    print("| file | " + " | ".join(label for label, _, _ in cases) + " |")
    print("|---|" + "---:|" * len(cases))
    names = sorted({n for label, _, _ in cases for n in sizes.get(label, {})})
    for name in names:
        print(f"| {name} | " + " | ".join(
            fmt(sizes[label].get(name, 0.0)) for label, _, _ in cases) + " |")

    wall, peak = med[cases[1][0]]
    time_ok, mem_ok = wall <= FLOOR_S, peak <= FLOOR_MB
    print(f"\nFloors (250 m, whole process, all outputs, medians): wall {fmt(wall)} s <= "
          f"{FLOOR_S:.0f} s: {'holds' if time_ok else 'DOES NOT HOLD'}; peak {fmt(peak, 0)} MiB "
          f"({fmt(peak * 1.048576 / 1000)} GB) <= 2 GiB ({FLOOR_MB:.0f} MiB): "
          f"{'holds' if mem_ok else 'DOES NOT HOLD'}")


if __name__ == "__main__":
    main()
