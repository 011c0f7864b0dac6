#!/usr/bin/env python3
"""Whole-process wall time of `servicegap analyze` (all outputs written) against the same job
done with pyrosm + pandana (benches/pandana_job.py, imports included), on each shipped real
extract, the two alternating so machine noise hits both alike; then how far their answers
agree.

Usage (from a fresh clone, at the repository root; needs cargo and Python >= 3.11):
    python3 benches/pandana_vs_analyze.py [--runs 5] [FILE.osm.pbf ...]

It builds the release binary, creates out/venv-pandana with the pinned pyrosm and pandana if
missing, reads the default rules from `servicegap config` (speeds, maxspeed factor, service
tags, settlement places) and hands them to the worker, so both sides use the same rules.
Prints Markdown tables for BENCHMARKS.md. Standard library only.

pandana builds its contraction hierarchies with OpenMP, whose threads spin while they wait: on a
machine busy with other work that phase can take many times longer than on a quiet one.
`--pandana-env OMP_NUM_THREADS=1` runs the worker with one OpenMP thread, to see how much of
pandana's time is that.
"""
import argparse
import csv
import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import tomllib
except ImportError:  # Python < 3.11
    sys.exit("needs Python >= 3.11 (tomllib)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
VENV = os.path.join(ROOT, "out", "venv-pandana")
VPY = os.path.join(VENV, "bin", "python")
JOB = os.path.join(ROOT, "benches", "pandana_job.py")
PINS = ["pyrosm==0.25.0", "pandana==0.8"]
KINDS = ["grocery", "fuel", "post", "pharmacy", "payment"]
# Agreement: |servicegap - pandana| within 5 % of servicegap's value or an absolute margin.
REL_TOL = 0.05
FLOOR = 50  # servicegap should be at least this many times faster
ABS_TOL = {"km": 0.2, "min": 0.5}


def setup():
    subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    if not os.path.exists(VPY):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    check = [VPY, "-c", "import pyrosm, pandana; print(pyrosm.__version__, pandana.__version__)"]
    if subprocess.run(check, capture_output=True).returncode != 0:
        subprocess.run([VPY, "-m", "pip", "install", "--quiet"] + PINS, check=True)
    versions = subprocess.run(check, capture_output=True, text=True, check=True).stdout.split()
    return {"pyrosm": versions[0], "pandana": versions[1]}


def rules(path):
    """servicegap's default rules, from `servicegap config`, as JSON for the worker."""
    out = subprocess.run([BIN, "config"], capture_output=True, text=True, check=True).stdout
    cfg = tomllib.loads(out)
    speeds = dict(cfg["speeds"])
    factor = speeds.pop("maxspeed_factor")
    with open(path, "w") as f:
        json.dump(
            {
                "speeds": speeds,
                "maxspeed_factor": factor,
                "services": cfg["services"],
                "places": cfg["settlements"]["places"],
            },
            f,
        )


def timed(cmd, env=None):
    """Runs cmd; returns (wall seconds, CompletedProcess)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    return time.perf_counter() - start, proc


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def num(v):
    return float(v) if v not in ("", None) else None


def agreement(sg_csv, pd_csv):
    """Per metric (km, min): pairs compared, pairs within tolerance, median |difference|,
    values present on one side only; and settlements matched by id."""
    sg, pdn = read_csv(sg_csv), read_csv(pd_csv)
    common = sorted(set(sg) & set(pdn))
    res = {"matched": len(common), "sg_only": len(set(sg) - set(pdn)), "pd_only": len(set(pdn) - set(sg))}
    for unit in ("km", "min"):
        diffs, ok, one_sided, signed = [], 0, 0, []
        for sid in common:
            for kind in KINDS:
                a, b = num(sg[sid][f"{kind}_{unit}"]), num(pdn[sid][f"{kind}_{unit}"])
                if a is None and b is None:
                    continue
                if a is None or b is None:
                    one_sided += 1
                    continue
                d = abs(a - b)
                diffs.append(d)
                signed.append(b - a)
                ok += d <= max(REL_TOL * a, ABS_TOL[unit])
        res[unit] = {
            "pairs": len(diffs),
            "agree": ok,
            "median_abs": statistics.median(diffs) if diffs else None,
            "median_signed": statistics.median(signed) if signed else None,
            "max_abs": max(diffs) if diffs else None,
            "one_sided": one_sided,
        }
    return res


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cpus ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def fmt(v, spec=".2f"):
    return "–" if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--network-type", default="driving", help="pyrosm get_network type")
    ap.add_argument("--simplify", action="store_true", help="let pyrosm simplify the pandana graph")
    ap.add_argument(
        "--pandana-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment for the pandana worker only, e.g. OMP_NUM_THREADS=1",
    )
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    versions = setup()
    pd_env = dict(os.environ)
    pd_env.update(kv.split("=", 1) for kv in args.pandana_env)
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "data", "osm", "*.osm.pbf")))
    rows, phases, services, notes = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        rules_json = os.path.join(tmp, "rules.json")
        rules(rules_json)
        for f in files:
            name = os.path.basename(f)
            sg_dir = os.path.join(tmp, "sg")
            pd_csv = os.path.join(tmp, "pandana.csv")
            timings = os.path.join(tmp, "timings.json")
            sg_cmd = [BIN, "analyze", f, "--out-dir", sg_dir]
            pd_cmd = [VPY, JOB, f, "--rules", rules_json, "--csv", pd_csv, "--timings", timings,
                      "--network-type", args.network_type] + (["--simplify"] if args.simplify else [])
            _, probe = timed(sg_cmd)
            if probe.returncode != 0:
                msg = probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "failed"
                msg = msg.replace(f, name)
                if "no settlements" in msg:
                    print(f"skipping {name}: {msg}", file=sys.stderr)
                    notes.append(f"{name} skipped: {msg}")
                else:
                    rows.append(f"| {name} | servicegap failed: {msg} | | | | | |")
                continue
            with open(os.path.join(sg_dir, "summary.json")) as fh:
                summary = json.load(fh)
            _, first = timed(pd_cmd, pd_env)
            if first.returncode != 0:
                err = first.stderr.strip().splitlines()[-1] if first.stderr.strip() else "failed"
                print(f"pandana job failed on {name}:\n{first.stderr}", file=sys.stderr)
                rows.append(f"| {name} | {summary['settlements']} | | | | pyrosm/pandana failed: {err} | |")
                continue
            agree = agreement(os.path.join(sg_dir, "settlements.csv"), pd_csv)
            with open(timings) as fh:
                t0 = json.load(fh)
            services.append(
                f"| {name} | "
                + " | ".join(f"{summary['kinds'][k]['services']} / {t0['services'][k]}" for k in KINDS)
                + f" | {t0['graph_nodes']} |"
            )
            sg_t, pd_t, ph = [], [], []
            for _ in range(args.runs):
                w, p = timed(sg_cmd)
                if p.returncode != 0:
                    sys.exit(f"servicegap failed on {name}: {p.stderr}")
                sg_t.append(w)
                w, p = timed(pd_cmd, pd_env)
                if p.returncode != 0:
                    sys.exit(f"pandana job failed on {name}: {p.stderr}")
                pd_t.append(w)
                with open(timings) as fh:
                    ph.append(json.load(fh))
            sgm, pdm = statistics.median(sg_t) * 1e3, statistics.median(pd_t) * 1e3
            km, mn = agree["km"], agree["min"]
            if pdm / sgm < FLOOR:
                notes.append(f"{name}: below the floor: servicegap {pdm / sgm:.0f}× faster, floor {FLOOR}×")
            rows.append(
                f"| {name} | {summary['settlements']} | {sgm:.1f} | {pdm:.0f} | {pdm / sgm:.0f}× "
                f"| {km['agree']}/{km['pairs']}, median {fmt(km['median_abs'])} km, max {fmt(km['max_abs'])} km"
                f" | {mn['agree']}/{mn['pairs']}, median {fmt(mn['median_abs'])} min |"
            )
            if agree["sg_only"] or agree["pd_only"] or km["one_sided"] or mn["one_sided"]:
                notes.append(
                    f"{name}: settlements only in servicegap {agree['sg_only']}, only in pandana "
                    f"{agree['pd_only']}; values on one side only: km {km['one_sided']}, min {mn['one_sided']}"
                )
            notes.append(
                f"{name}: median signed difference pandana − servicegap: "
                f"{fmt(km['median_signed'])} km, {fmt(mn['median_signed'])} min"
            )
            keys = ["import", "pyrosm_network", "pyrosm_pois_places", "speeds", "pyrosm_graph_prep",
                    "pandana_ch", "nearest_pois", "write_csv", "total_in_process"]
            med = {k: statistics.median(p[k] for p in ph) * 1e3 for k in keys}
            phases.append(f"| {name} | " + " | ".join(f"{med[k]:.0f}" for k in keys) + " |")
            print(f"done {name}", file=sys.stderr)

    cmd = "python3 benches/pandana_vs_analyze.py --runs " + str(args.runs)
    if args.network_type != "driving":
        cmd += f" --network-type {args.network_type}"
    if args.simplify:
        cmd += " --simplify"
    for kv in args.pandana_env:
        cmd += f" --pandana-env {kv}"
    for f in args.files:
        cmd += " " + os.path.relpath(f, ROOT)
    print(f"Command: `{cmd}`  ")
    print(f"Machine: {machine()}  ")
    print(f"Date: {datetime.date.today().isoformat()}; pyrosm {versions['pyrosm']}, pandana {versions['pandana']}, "
          f"pyrosm network_type={args.network_type}, simplify={args.simplify}; median of {args.runs} runs each, alternating")
    print()
    print("| file | settlements | servicegap ms | pandana ms | ratio | km within 5 % or 200 m | min within 5 % or 0.5 min |")
    print("|---|---:|---:|---:|---:|---|---|")
    print("\n".join(rows))
    print()
    print("Per-phase medians inside the pandana worker (ms; `import` is pyrosm + pandana + numpy/pandas/geopandas):")
    print()
    print("| file | import | pyrosm network | pyrosm POIs + places | speeds | pyrosm graph prep | pandana CH | nearest_pois ×10 | write | total |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(phases))
    print()
    print("Service points per kind, servicegap / pyrosm (same tag rules), and pandana graph nodes:")
    print()
    print("| file | " + " | ".join(KINDS) + " | pandana nodes |")
    print("|---|" + "---:|" * (len(KINDS) + 1))
    print("\n".join(services))
    print()
    for n in notes:
        print(f"- {n}")
    print(
        "- Differences are expected: pandana snaps each settlement and service point to the nearest "
        "graph node (KD-tree on lon/lat degrees) with no snap leg, while servicegap projects onto the "
        "nearest road segment and adds the straight leg (at 20 km/h in the minutes), and keeps strongly "
        "connected parts of >= 50 junctions where pyrosm keeps the largest connected part; the networks "
        f"differ too (pyrosm's {args.network_type!r} filter against servicegap's car profile)."
    )


if __name__ == "__main__":
    main()
