#!/usr/bin/env python3
"""National runs, every floor in one run: the graph cache, reading, routing, the 250 m grid,
vulnerable and suggest, on the Sweden-shaped national input (generated, not real data).

Usage (from the repository root; one command does everything):
    python3 benches/national_floors.py [--runs 3] [--file out/sweden-synthetic.osm.pbf]
                                       [--no-grid250]

Builds the release binary and the examples, writes the national extract with
`cargo run --release --example gen_sweden` if the file is missing (deterministic, generated),
builds its graph cache with `servicegap build FILE -o out/sweden-synthetic.sgraph`, then
measures whole processes with GNU time (wall, peak resident set), each command once to warm
the page cache and then --runs times, all commands interleaved round by round (so that a busy
spell of the shared machine hits every command alike), and reports medians:

1. the cache as the fast path: `inspect` and `analyze` of the cache against the same on the
   `.osm.pbf` (floors: inspect <= 0.1x, analyze <= 0.35x, peak from the cache <= from the PBF);
2. reading: `inspect FILE.osm.pbf` against `osmium fileinfo -e FILE.osm.pbf` (floor <= 1.0x),
   and inspect's own phases (`inspect --json` timings, medians);
3. routing: `examples/national_ratio` on the cache, in process: the analysis (snapping, the
   ten fields and everything the analysis computes with them, straight line, summaries) and
   its routing phase against one single-source Dijkstra sweep (floor: analysis <= 4 sweeps);
4. the 250 m grid: `benches/grid250.py --file CACHE` (629 012 generated squares, all outputs;
   floors <= 6 s and <= 2 GB), unless --no-grid250;
5. `vulnerable --kind grocery` and `suggest --kind grocery` against `analyze`, all three on the
   `.osm.pbf` and all three on the cache (floor: each <= 1 analysis).

Prints Markdown tables ready for BENCHMARKS.md, each floor with "holds" or "does not hold".
Needs osmium-tool and GNU time (`apt-get install -y osmium-tool time`). Python standard library
only.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from national import timed  # noqa: E402  (whole process: wall seconds, peak MiB)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
EXAMPLES = os.path.join(ROOT, "target", "release", "examples")
DEFAULT_FILE = os.path.join(ROOT, "out", "sweden-synthetic.osm.pbf")


def verdict(ok):
    return "holds" if ok else "**does not hold**"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--file", default=DEFAULT_FILE, help="the national extract")
    parser.add_argument("--no-grid250", action="store_true", help="leave out the 250 m grid")
    args = parser.parse_args()
    if shutil.which("osmium") is None or not os.path.exists("/usr/bin/time"):
        sys.exit("needs osmium and GNU time: apt-get install -y osmium-tool time")
    runs = max(args.runs, 1)

    print("building (cargo build --release --bin servicegap --examples) ...", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--bin", "servicegap", "--example",
                    "gen_sweden", "--example", "national_ratio"], cwd=ROOT, check=True)
    pbf = args.file
    if not os.path.exists(pbf):
        print(f"generating {pbf} ...", file=sys.stderr)
        subprocess.run([os.path.join(EXAMPLES, "gen_sweden"), pbf], cwd=ROOT, check=True)
    cache = os.path.splitext(os.path.splitext(pbf)[0])[0] + ".sgraph"
    build = timed([BIN, "build", pbf, "-o", cache])
    print(f"\nfile: {os.path.relpath(pbf, ROOT)} ({os.path.getsize(pbf) / 1e6:.1f} MB, generated, "
          f"not real data); cache {os.path.relpath(cache, ROOT)} "
          f"({os.path.getsize(cache) / 1e6:.1f} MB, built in {build[0]:.2f} s, peak "
          f"{build[1]:.0f} MiB); runs per figure: {runs}, cpus: {os.cpu_count()}, "
          f"load before: {os.getloadavg()[0]:.2f}")

    commands = {
        "inspect pbf": [BIN, "inspect", pbf],
        "inspect cache": [BIN, "inspect", cache],
        "osmium fileinfo -e": ["osmium", "fileinfo", "-e", pbf],
        "analyze pbf": [BIN, "analyze", pbf],
        "analyze cache": [BIN, "analyze", cache],
        "vulnerable pbf": [BIN, "vulnerable", pbf, "--kind", "grocery"],
        "vulnerable cache": [BIN, "vulnerable", cache, "--kind", "grocery"],
        "suggest pbf": [BIN, "suggest", pbf, "--kind", "grocery"],
        "suggest cache": [BIN, "suggest", cache, "--kind", "grocery"],
    }
    samples = {name: [] for name in commands}
    for name, cmd in commands.items():
        timed(cmd)  # warm-up
    for r in range(runs):
        print(f"round {r + 1} of {runs} ...", file=sys.stderr)
        for name, cmd in commands.items():
            samples[name].append(timed(cmd))
    wall = {n: statistics.median(w for w, _ in s) for n, s in samples.items()}
    peak = {n: max(m for _, m in s) for n, s in samples.items()}

    print("\n### Whole process, medians (s) and the highest peak (MiB)\n")
    print("| command | median s | runs s | peak MiB |")
    print("|---|---:|---|---:|")
    for name in commands:
        runs_s = ", ".join(f"{w:.2f}" for w, _ in samples[name])
        print(f"| `{' '.join(os.path.relpath(a, ROOT) if a.startswith('/') and a != '/usr/bin/time' else a for a in commands[name])}` "
              f"| {wall[name]:.2f} | {runs_s} | {peak[name]:.0f} |")

    print("\n### The floors\n")
    print("| floor | measured | verdict |")
    print("|---|---:|---|")
    r = wall["inspect cache"] / wall["inspect pbf"]
    print(f"| 1. `inspect X.sgraph` <= 0.1x `inspect X.osm.pbf` | {r:.3f}x | {verdict(r <= 0.1)} |")
    r = wall["analyze cache"] / wall["analyze pbf"]
    print(f"| 1. `analyze X.sgraph` <= 0.35x `analyze X.osm.pbf` | {r:.2f}x | {verdict(r <= 0.35)} |")
    for what in ("inspect", "analyze"):
        a, b = peak[f"{what} cache"], peak[f"{what} pbf"]
        print(f"| 1. peak of `{what}` from the cache <= from the PBF | {a:.0f} / {b:.0f} MiB "
              f"| {verdict(a <= b)} |")
    r = wall["inspect pbf"] / wall["osmium fileinfo -e"]
    print(f"| 2. `inspect X.osm.pbf` <= 1.0x `osmium fileinfo -e` | {r:.2f}x | {verdict(r <= 1.0)} |")
    for what in ("vulnerable", "suggest"):
        for src in ("pbf", "cache"):
            r = wall[f"{what} {src}"] / wall[f"analyze {src}"]
            print(f"| 5. `{what} --kind grocery` <= 1 `analyze` (both from the {src}) "
                  f"| {r:.2f}x | {verdict(r <= 1.0)} |")

    # Reading, phase by phase (inspect's own timings, in process).
    phases = {}
    for _ in range(runs):
        report = json.loads(subprocess.run([BIN, "inspect", "--json", pbf], capture_output=True,
                                           text=True, check=True, cwd=ROOT).stdout)
        for name, ms in report["timings_ms"].items():
            phases.setdefault(name, []).append(ms)
    print("\n### 2. Where `inspect X.osm.pbf` spends its time (`inspect --json` timings, median ms)\n")
    print("| phase | ms |")
    print("|---|---:|")
    for name, values in phases.items():
        print(f"| {name} | {statistics.median(values):.0f} |")
    print(f"| (whole process, median above) | {wall['inspect pbf'] * 1000:.0f} |")
    print(f"| (`osmium fileinfo -e`) | {wall['osmium fileinfo -e'] * 1000:.0f} |")

    # Routing in process, from the cache.
    ratio = json.loads(subprocess.run(
        [os.path.join(EXAMPLES, "national_ratio"), cache, "--runs", str(runs)],
        capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    print("\n### 3. The analysis against one single-source sweep (in process, from the cache)\n")
    print("| figure | value |")
    print("|---|---:|")
    print(f"| load the cache, ms | {ratio['read_ms']:.0f} |")
    for name, ms in ratio["analysis_phases_ms"].items():
        print(f"| analysis: {name}, ms | {ms:.0f} |")
    print(f"| analysis, ms (median of {runs}) | {ratio['analysis_ms']:.0f} |")
    print(f"| one sweep, ms (median) | {ratio['sweep_ms']:.0f} |")
    print(f"| routing phase / sweep | {ratio['ratio_route_to_sweep']}x |")
    r = ratio["ratio_analysis_to_sweep"]
    print(f"| 3. analysis <= 4 sweeps | {r}x | {verdict(r <= 4)} |")

    if not args.no_grid250:
        print("\n### 4. The 250 m grid (`benches/grid250.py --file CACHE`)\n", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "benches", "grid250.py"), "--file",
                        cache, "--runs", str(runs), "--no-build"], cwd=ROOT, check=True)
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
