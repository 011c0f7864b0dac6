#!/usr/bin/env python3
"""National scale, measured: servicegap on a Sweden-shaped extract of 3.3 million graph nodes.

Usage (from the repository root; one command does everything):
    python3 benches/national.py [--runs 3] [--file out/sweden-synthetic.osm.pbf] [--only p2]

Builds the release binary and the two examples, writes the national extract with
`cargo run --release --example gen_sweden` if the file is missing (about 10 s, deterministic),
then measures, each figure the median of --runs runs:
- P2: `servicegap inspect --json FILE` against `osmium fileinfo -e FILE`, alternating, whole
  process wall time and peak resident set (GNU time), and the ratio of the medians;
- P3: `servicegap analyze FILE` (ten fields: five kinds x km and minutes) whole process, with
  RAYON_NUM_THREADS=2 and =1 alternating (thread scaling);
- P3 ratio: `examples/national_ratio.rs` reads the file once, times the analysis and plain
  single-source Dijkstra sweeps on the same graph, and reports phase timings and memory per
  graph node;
- P4: `examples/national_scenarios.rs` times one added and one closed point incrementally, and
  the vulnerability and site-suggestion searches, against a whole analysis on the same graph.
With --only p2, measures P2 alone and prints inspect's own phase timings (median of --runs
further runs) instead of P3. Prints Markdown tables ready for BENCHMARKS.md. Needs osmium-tool and GNU time
(`apt-get install -y osmium-tool time`). Python standard library only.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
EXAMPLES = os.path.join(ROOT, "target", "release", "examples")
DEFAULT_FILE = os.path.join(ROOT, "out", "sweden-synthetic.osm.pbf")
FLOORS = ("P2 <= 1.5x osmium; P3 <= 6 sweeps; <= 150 B per graph node beyond the parsed input; "
          "P4 added point <= 1 % of an analysis")


def timed(cmd, env=None):
    """Runs cmd with stdout discarded; returns (wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024.0


def median_wall(samples):
    return statistics.median(w for w, _ in samples)


def max_peak(samples):
    return max(m for _, m in samples)


def with_threads(n):
    env = dict(os.environ)
    env["RAYON_NUM_THREADS"] = str(n)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--file", default=DEFAULT_FILE, help="the national extract")
    parser.add_argument("--only", choices=["p2"], help="measure P2 alone, with inspect's phases")
    args = parser.parse_args()
    if shutil.which("osmium") is None or not os.path.exists("/usr/bin/time"):
        sys.exit("needs osmium and GNU time: apt-get install -y osmium-tool time")

    print("building (cargo build --release --bin servicegap --example gen_sweden "
          "--example national_ratio --example national_scenarios) ...", file=sys.stderr)
    subprocess.run(
        ["cargo", "build", "--release", "--bin", "servicegap",
         "--example", "gen_sweden", "--example", "national_ratio",
         "--example", "national_scenarios"],
        cwd=ROOT, check=True,
    )
    if not os.path.exists(args.file):
        print(f"generating {args.file} ...", file=sys.stderr)
        subprocess.run([os.path.join(EXAMPLES, "gen_sweden"), args.file], cwd=ROOT, check=True)
    f = args.file
    mb = os.path.getsize(f) / 1e6

    info = json.loads(subprocess.run(
        ["osmium", "fileinfo", "-e", "-j", f], capture_output=True, text=True, check=True
    ).stdout)
    counts = info["data"]["count"]
    inspect = json.loads(subprocess.run(
        [BIN, "inspect", "--json", f], capture_output=True, text=True, check=True
    ).stdout)
    graph = inspect["graph"]
    print(f"\nfile: {os.path.relpath(f, ROOT)} ({mb:.1f} MB), {counts['nodes']} nodes, "
          f"{counts['ways']} ways; graph {graph['nodes']} nodes, {graph['edge_geometries']} edges "
          f"({graph['edges']} arcs); "
          f"{inspect['settlements']['total']} settlements, {inspect['service_points']} service "
          f"points; runs per figure: {args.runs}, cpus: {os.cpu_count()}")

    # P2: inspect against osmium, alternating, after one warm-up each (page cache).
    ours_cmd = [BIN, "inspect", "--json", f]
    theirs_cmd = ["osmium", "fileinfo", "-e", f]
    timed(ours_cmd)
    timed(theirs_cmd)
    ours, theirs = [], []
    for _ in range(args.runs):
        ours.append(timed(ours_cmd))
        theirs.append(timed(theirs_cmd))
    o, t = median_wall(ours), median_wall(theirs)
    print("\n### P2: reading (whole process)\n")
    print("| command | median s | peak MB |")
    print("|---|---:|---:|")
    print(f"| `servicegap inspect --json` | {o:.2f} | {max_peak(ours):.0f} |")
    print(f"| `osmium fileinfo -e` | {t:.2f} | {max_peak(theirs):.0f} |")
    print(f"| ratio (floor <= 1.5) | {o / t:.2f}x | |")
    if args.only == "p2":
        # Phases as `inspect --json` reports them (in process), median of --runs more runs.
        phases = {}
        for _ in range(args.runs):
            report = json.loads(subprocess.run(
                ours_cmd, capture_output=True, text=True, check=True
            ).stdout)
            for name, ms in report["timings_ms"].items():
                phases.setdefault(name, []).append(ms)
        print("\n### P2: where the time goes (`inspect --json` timings, median ms)\n")
        print("| phase | ms |")
        print("|---|---:|")
        for name, values in phases.items():
            print(f"| {name} | {statistics.median(values):.0f} |")
        return

    # P3: analyze, whole process, 2 threads against 1, alternating.
    analyze_cmd = [BIN, "analyze", f]
    two, one = [], []
    for _ in range(args.runs):
        two.append(timed(analyze_cmd, with_threads(2)))
        one.append(timed(analyze_cmd, with_threads(1)))
    a2, a1 = median_wall(two), median_wall(one)
    print("\n### P3: `servicegap analyze FILE` (whole process, ten fields)\n")
    print("| threads | median s | peak MB | peak B per graph node |")
    print("|---:|---:|---:|---:|")
    for n, samples in ((2, two), (1, one)):
        peak = max_peak(samples)
        print(f"| {n} | {median_wall(samples):.2f} | {peak:.0f} "
              f"| {peak * 1024 * 1024 / graph['nodes']:.0f} |")
    print(f"| speed-up 1 -> 2 threads | {a1 / a2:.2f}x | | |")

    # P3 ratio and phases, inside one process.
    ratio = json.loads(subprocess.run(
        [os.path.join(EXAMPLES, "national_ratio"), f, "--runs", str(args.runs)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout)
    print("\n### P3 ratio: analysis against one single-source Dijkstra sweep (in process)\n")
    print("| figure | value |")
    print("|---|---:|")
    rows = [
        ("graph nodes / arcs", f"{ratio['graph_nodes']} / {ratio['graph_arcs']}"),
        ("read + graph (`Region::from_pbf`) ms", ratio["read_ms"]),
        ("analysis ms (median)", ratio["analysis_ms"]),
        ("one sweep ms (median)", ratio["sweep_ms"]),
        ("analysis / sweep (floor <= 6)", f"{ratio['ratio_analysis_to_sweep']}x"),
        ("search graph: core / chain / tree nodes",
         f"{ratio['search_core_nodes']} / {ratio['chain_nodes']} / {ratio['tree_nodes']}"),
        ("search graph build alone ms", ratio["core_build_ms"]),
        ("routing phase (ten fields) / sweep", f"{ratio['ratio_route_to_sweep']}x"),
        ("resident after read, MB", ratio["rss_after_read_mb"]),
        ("region bytes per graph node", ratio["region_bytes_per_node"]),
        ("snap index alone: extra bytes per node", ratio["snap_index_extra_bytes_per_node"]),
        ("analysis: extra peak bytes per node (floor <= 150)",
         ratio["analysis_extra_bytes_per_node"]),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("\n### Where the time goes (ms, in process)\n")
    print("| phase | ms |")
    print("|---|---:|")
    for name, ms in ratio["read_phases_ms"].items():
        print(f"| read: {name} | {ms:.0f} |")
    for name, ms in ratio["analysis_phases_ms"].items():
        print(f"| analysis: {name} | {ms:.0f} |")

    # P4 and the other scenario searches on the same graph.
    scen = json.loads(subprocess.run(
        [os.path.join(EXAMPLES, "national_scenarios"), f, "--runs", str(args.runs)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout)
    print("\n### P4 and scenario searches (in process, median ms)\n")
    print("| figure | ms | / analysis |")
    print("|---|---:|---:|")
    print(f"| analysis | {scen['analyze_ms']:.0f} | 1 |")
    print(f"| baseline scenario state (once) | {scen['baseline_state_ms']:.0f} | |")
    print(f"| add one point, all five kinds (minus the state copy, "
          f"{scen['clone_state_ms']:.0f} ms) | "
          f"{scen['add_point_ms_including_clone'] - scen['clone_state_ms']:.1f} "
          f"| {scen['add_to_analysis']:.4f} |")
    print(f"| close the busiest grocery point (same) | "
          f"{scen['close_point_ms_including_clone'] - scen['clone_state_ms']:.1f} "
          f"| {scen['close_to_analysis']:.4f} |")
    print(f"| `vulnerable --kind grocery` search | {scen['vulnerability_grocery_ms']:.0f} "
          f"| {scen['vulnerability_to_analysis']:.2f} |")
    print(f"| `suggest --kind grocery -k 3` search | {scen['suggest_grocery_k3_ms']:.0f} "
          f"| {scen['suggest_to_analysis']:.2f} |")
    print(f"\nfloors: {FLOORS}")


if __name__ == "__main__":
    main()
