#!/usr/bin/env python3
"""Checksums of every command's outputs on every shipped extract, to show that a change of
structure leaves the results byte for byte the same.

Usage (from the repository root):
    python3 benches/golden.py --record golden.txt [--national out/sweden-synthetic.osm.pbf]
    python3 benches/golden.py --check golden.txt  [--national out/sweden-synthetic.osm.pbf]

Builds the release binary, then for each extract in data/osm (and the national benchmark
extract when given; write it with `cargo run --release --example gen_sweden FILE`, generated
data) runs:
- analyze --out-dir (all six outputs) and its printed summary;
- analyze with planners' files (the Pipos pharmacy export, the SCB 1 km grid, kommun polygons
  with --regions-out) and a settings file with other thresholds;
- scenario (the demo plan on the demo region; elsewhere a plan that adds a point beside the
  first service point and closes the first grocery point), with --compare-out and --diff-out;
- vulnerable --kind grocery and --kind payment (GeoJSON and CSV), suggest --kind grocery -k 3;
- inspect --json (without its timings), build to a .sgraph, and analyze from the .sgraph.
An extract without OSM settlements is analysed with the SCB grid's squares instead, and
`--min-component-nodes 2`.
Each output file and each command's standard output is hashed (SHA-256) into one line
`extract command file sha256`. --check compares with a recorded list and prints every line
that differs. Python standard library only.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "servicegap")
SWEDEN = os.path.join(ROOT, "data", "sweden")
PIPOS = os.path.join(SWEDEN, "pipos_apoteksvaror_2025-11-12.xlsx")
GRID = os.path.join(SWEDEN, "scb_befolkning_1km_2024_populated.csv.gz")
KOMMUNER = os.path.join(SWEDEN, "swedish_municipalities.geojson")
DEMO = "de-north-bayreuth-rural.osm.pbf"
SETTINGS = """[thresholds]
grocery = "12min"
fuel = "15km"
[snapping]
max_snap_m = 3000
"""
SCRATCH = None
TIMINGS = re.compile(rb'"timings_ms": \{[^}]*\}')
BUILD_LINE = re.compile(rb" in \d+ ms \(read \d+ ms\)")


def sha(data):
    """SHA-256 of data with the repository's and the scratch folder's paths taken out, so
    that checkouts in other folders give the same checksums."""
    for path, name in ((SCRATCH, b"<scratch>"), (ROOT, b"<root>")):
        if path:
            data = data.replace(path.encode(), name)
    return hashlib.sha256(data).hexdigest()


def run(cmd):
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr.decode(errors='replace')}")
    return proc.stdout


def files_in(folder):
    return sorted(os.path.join(folder, f) for f in os.listdir(folder))


def scenario_file(extract, analyze_dir, folder):
    """The demo plan on the demo region; elsewhere one generated from the extract's outputs."""
    if os.path.basename(extract) == DEMO:
        return os.path.join(ROOT, "data", "scenarios", "bayreuth-plan.toml")
    with open(os.path.join(analyze_dir, "services.geojson"), encoding="utf-8") as f:
        services = json.load(f)["features"]
    snapped = [s for s in services if s["properties"]["snap_m"] is not None]
    lon, lat = snapped[0]["geometry"]["coordinates"]
    grocery = [s["properties"]["id"] for s in snapped if "grocery" in s["properties"]["kinds"]]
    lines = ['[[scenario]]', 'name = "New shop beside the first service point"',
             '[[scenario.add]]', 'name = "New shop"',
             f'lon = {lon}', f'lat = {lat}', 'kinds = ["grocery", "fuel"]']
    if grocery:
        lines += ['[[scenario]]', 'name = "First grocery closes"', f'remove = ["{grocery[0]}"]']
    path = os.path.join(folder, "plan.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def checksums(extract, tmp):
    """Yields (command, file, sha256) for every output of every command on one extract."""
    name = os.path.basename(extract)
    work = os.path.join(tmp, name)
    os.makedirs(work)
    settings = os.path.join(work, "servicegap.toml")
    with open(settings, "w", encoding="utf-8") as f:
        f.write(SETTINGS)

    # An extract without OSM settlements (a city district) is analysed with the SCB grid's,
    # and its small road network takes snaps.
    inspect = json.loads(run([BIN, "inspect", extract, "--json"]))
    own = [] if inspect["settlements"]["total"] else [
        "--settlements", GRID, "--min-component-nodes", "2"]

    def outputs(command, cmd, folder=None, extra=()):
        if command != "analyze-files":
            cmd = cmd + own
        stdout = run(cmd)
        yield command, "stdout", sha(stdout)
        for path in ([] if folder is None else files_in(folder)) + list(extra):
            with open(path, "rb") as f:
                yield command, os.path.basename(path), sha(f.read())

    plain = os.path.join(work, "analyze")
    yield from outputs("analyze", [BIN, "analyze", extract, "--out-dir", plain], plain)
    files = os.path.join(work, "analyze-files")
    yield from outputs("analyze-files", [
        BIN, "analyze", extract, "--out-dir", files, "--services", PIPOS, "--settlements", GRID,
        "--regions", KOMMUNER, "--regions-out", os.path.join(files, "regions.geojson"),
        "--config", settings], files)
    plan = scenario_file(extract, plain, work)
    scen = os.path.join(work, "scenario")
    os.makedirs(scen)
    yield from outputs("scenario", [
        BIN, "scenario", extract, "--scenarios", plan,
        "--compare-out", os.path.join(scen, "compare.json"),
        "--diff-out", os.path.join(scen, "diff.geojson")], scen)
    for kind in ("grocery", "payment"):
        vul = os.path.join(work, f"vulnerable-{kind}")
        os.makedirs(vul)
        yield from outputs(f"vulnerable-{kind}", [
            BIN, "vulnerable", extract, "--kind", kind, "--regions", KOMMUNER,
            "-o", os.path.join(vul, "vulnerable.geojson"),
            "--csv", os.path.join(vul, "vulnerable.csv")], vul)
    sug = os.path.join(work, "suggest")
    os.makedirs(sug)
    yield from outputs("suggest", [BIN, "suggest", extract, "--kind", "grocery", "-k", "3",
                                   "-o", os.path.join(sug, "suggest.geojson")], sug)
    yield "inspect-json", "stdout", sha(TIMINGS.sub(b"", run([BIN, "inspect", extract, "--json"])))
    cache = os.path.join(work, "region.sgraph")
    yield "build", "stdout", sha(BUILD_LINE.sub(b"", run([BIN, "build", extract, "-o", cache])))
    with open(cache, "rb") as f:
        yield "build", "region.sgraph", sha(f.read())
    cached = os.path.join(work, "analyze-cache")
    yield from outputs("analyze-cache", [BIN, "analyze", cache, "--out-dir", cached], cached)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", metavar="LIST", help="write the checksums to LIST")
    mode.add_argument("--check", metavar="LIST", help="compare the checksums with LIST")
    parser.add_argument("--national", metavar="FILE", help="also the national extract")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--bin", "servicegap"], cwd=ROOT, check=True)
    extracts = sorted(glob.glob(os.path.join(ROOT, "data", "osm", "*.osm.pbf")))
    if args.national:
        extracts.append(os.path.abspath(args.national))
    lines = []
    global SCRATCH
    with tempfile.TemporaryDirectory() as tmp:
        SCRATCH = tmp
        for extract in extracts:
            print(f"  {os.path.basename(extract)}", file=sys.stderr)
            for command, file, digest in checksums(extract, tmp):
                lines.append(f"{os.path.basename(extract)} {command} {file} {digest}")
    if args.record:
        with open(args.record, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{len(lines)} checksums written to {args.record}")
        return
    with open(args.check, encoding="utf-8") as f:
        recorded = f.read().splitlines()
    differ = sorted(set(recorded) ^ set(lines))
    for line in differ:
        print(("now:      " if line in lines else "recorded: ") + line)
    if differ:
        sys.exit(f"{len(differ)} lines differ")
    print(f"all {len(lines)} checksums equal to {args.check}")


if __name__ == "__main__":
    main()
