#!/usr/bin/env python3
"""Capacity-aware access (E2SFCA) checked against PySAL `access` on the same travel-time table.

Usage (from the repository root):
    python3 benches/e2sfca_pysal.py [--extract data/osm/de-north-bayreuth-rural.osm.pbf]

What it does:
1. Installs PySAL `access` (PyPI package `access`) into target/e2sfca-venv unless the running
   Python already has it, and re-runs itself there.
2. Builds the release binary and `examples/e2sfca_table.rs`.
3. Writes the inputs: a settlements CSV of 1 km squares over the extract's settlements (a
   seeded population per square, one square in ten without a figure) and a pharmacy CSV with
   a capacity column (points at every fifth square's centre, capacity 1-4, some empty), so
   that capacities, unknown populations, settlements without a road and points whose
   catchment holds nobody all occur.
4. Runs `servicegap analyze EXTRACT --settlements .. --services .. --csv ..` and the example on
   the same inputs; the example writes, per kind, the travel-time table the analysis used
   (settlement, point, car minutes) and its unrounded values.
5. Runs `access`'s `enhanced_two_stage_fca` on each table with the same step function
   (`weights.step_fn`) and `max_cost` the last step's limit, and compares every settlement.

How PySAL's definition meets ours (access 1.1.10):
- `weights.step_fn` gives a cost the weight of the first step with `cost <= limit`, and
  `max_cost` keeps rows with `cost <= max_cost`: both inclusive, as ours. Costs are car
  minutes `ds / 600`, compared in floating point by both.
- A point whose catchment holds no population: PySAL divides by 0 (inf, or NaN for no supply);
  ours has R_j = 0. Such points are given supply 0 here, which PySAL turns into 0 / 0 = NaN,
  skipped by its sums: the same contribution, 0.
- A settlement on a road that reaches no point within the catchment: PySAL has no row, NaN;
  ours 0. Compared as 0. Settlements without a road or outside the extract: ours has no
  value and they are in no row.
- Sums: PySAL's grouped sums (pandas, compensated summation) and ours (plain, in index order)
  may differ in the last bits: values must agree to a relative 1e-12.
Also checks that the CLI's `K_e2sfca` column is our value per 1 000 inhabitants rounded to six
significant digits, exactly. Prints one line per kind and a verdict; exit 1 on any mismatch.
Needs the network only for the pip install.
"""
import argparse
import csv
import math
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "e2sfca-venv")
BIN = os.path.join(ROOT, "target", "release", "servicegap")
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "e2sfca_table")
KINDS = ["grocery", "fuel", "post", "pharmacy", "payment"]


def ensure_access():
    try:
        import access  # noqa: F401
        import pandas  # noqa: F401
        return
    except ImportError:
        pass
    py = os.path.join(VENV, "bin", "python")
    if os.path.abspath(sys.executable) == os.path.abspath(py):
        sys.exit("access did not install into " + VENV)
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "access"], check=True)
    os.execv(py, [py] + sys.argv)


def write_inputs(extract, tmp):
    """The settlements and pharmacy files, from the extract's own settlements' box."""
    probe = os.path.join(tmp, "probe.csv")
    subprocess.run([BIN, "analyze", extract, "--csv", probe, "-o", os.path.join(tmp, "p.geojson")],
                   check=True, stdout=subprocess.DEVNULL)
    with open(probe, newline="") as f:
        rows = list(csv.DictReader(f))
    lons = [float(r["lon"]) for r in rows]
    lats = [float(r["lat"]) for r in rows]
    rng = random.Random(15)
    dlat = 1 / 111.2
    dlon = dlat / math.cos(math.radians(sum(lats) / len(lats)))
    squares = []
    lat = min(lats)
    while lat <= max(lats):
        lon = min(lons)
        while lon <= max(lons):
            squares.append((lon, lat))
            lon += dlon
        lat += dlat
    settlements = os.path.join(tmp, "settlements.csv")
    with open(settlements, "w") as f:
        f.write("id,lon,lat,population\n")
        for n, (lon, lat) in enumerate(squares):
            pop = "" if n % 10 == 3 else str(int(rng.lognormvariate(3.5, 1.3)))
            f.write(f"sq{n},{lon:.6f},{lat:.6f},{pop}\n")
    services = os.path.join(tmp, "pharmacies.csv")
    with open(services, "w") as f:
        f.write("id,kinds,lon,lat,capacity\n")
        for n, (lon, lat) in enumerate(squares[::5]):
            cap = "" if n % 4 == 0 else str(rng.randint(1, 4))
            f.write(f"ph{n},pharmacy,{lon + dlon / 3:.6f},{lat + dlat / 3:.6f},{cap}\n")
    return settlements, services, len(squares)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def pysal_e2sfca(times, values, capacity, steps):
    import pandas as pd
    from access import Access, weights

    demand = pd.DataFrame({
        "settlement": [int(v["settlement"]) for v in values],
        "pop": [float(v["population"] or 0) for v in values],
    })
    cost = pd.DataFrame({
        "settlement": [int(t["settlement"]) for t in times],
        "point": [int(t["point"]) for t in times],
        "minutes": [float(t["minutes"]) for t in times],
    })
    points = sorted(set(cost["point"]))
    # Points whose catchment holds no population: supply 0 (see the module documentation).
    pop = demand.set_index("settlement")["pop"]
    reached = cost.assign(p=cost["settlement"].map(pop)).groupby("point")["p"].sum()
    supply = pd.DataFrame({
        "point": points,
        "capacity": [capacity[j] if reached[j] > 0 else 0.0 for j in points],
    })
    # `access` takes the index columns by name and sets them itself.
    a = Access(demand_df=demand, demand_index="settlement", demand_value="pop",
               supply_df=supply, supply_index="point", supply_value="capacity",
               cost_df=cost, cost_origin="settlement", cost_dest="point", cost_name="minutes")
    fn = weights.step_fn({s[0]: s[1] for s in steps})
    out = a.enhanced_two_stage_fca(name="e2sfca", weight_fn=fn, max_cost=steps[-1][0])
    return out["e2sfca_capacity"].to_dict(), sum(1 for j in points if reached[j] == 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", default=os.path.join(ROOT, "data", "osm", "de-north-bayreuth-rural.osm.pbf"))
    args = ap.parse_args()
    ensure_access()
    import access
    subprocess.run(["cargo", "build", "--release", "--bin", "servicegap", "--example", "e2sfca_table"],
                   cwd=ROOT, check=True)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        settlements, services, n = write_inputs(args.extract, tmp)
        cli_csv = os.path.join(tmp, "s.csv")
        subprocess.run([BIN, "analyze", args.extract, "--e2sfca", "--settlements", settlements, "--services", services,
                        "--csv", cli_csv, "-o", os.path.join(tmp, "s.geojson")],
                       check=True, stdout=subprocess.DEVNULL)
        table = os.path.join(tmp, "table")
        subprocess.run([EXAMPLE, args.extract, table, "--settlements", settlements, "--services", services],
                       check=True)
        cli = read_csv(cli_csv)
        steps = [(float(s["max_min"]), float(s["weight"])) for s in read_csv(os.path.join(table, "steps.csv"))]
        capacity = {int(p["point"]): float(p["capacity"]) for p in read_csv(os.path.join(table, "points.csv"))}
        print(f"access {getattr(access, '__version__', '?')}; {os.path.basename(args.extract)}, "
              f"{n} settlements; steps {steps}")
        for kind in KINDS:
            times = read_csv(os.path.join(table, f"{kind}_times.csv"))
            values = read_csv(os.path.join(table, f"{kind}_values.csv"))
            ok = [v for v in values if v["status"] == "ok"]
            theirs, empty_points = pysal_e2sfca(times, ok, capacity, steps) if times else ({}, 0)
            worst, compared, positive = 0.0, 0, 0
            for v in values:
                i = int(v["settlement"])
                ours = float(v["e2sfca"]) if v["e2sfca"] else None
                if v["status"] != "ok":
                    if ours is not None:
                        failed = True
                        print(f"  {kind} settlement {i}: {v['status']} but value {ours}")
                    continue
                t = theirs.get(i, float("nan"))
                t = 0.0 if math.isnan(t) else t
                diff = abs(ours - t) / max(abs(t), 1e-300) if t else abs(ours)
                worst = max(worst, diff)
                compared += 1
                positive += ours > 0
                if diff > 1e-12:
                    failed = True
                    print(f"  {kind} settlement {i}: ours {ours!r}, access {t!r}")
                col = cli[i][f"{kind}_e2sfca"]
                want = float(f"{ours * 1000:.5e}") if ours else 0.0
                if col == "" or float(col) != want:
                    failed = True
                    print(f"  {kind} settlement {i}: CLI column {col!r}, expected {want!r}")
            print(f"{kind}: {len(times)} pairs, {compared} settlements compared ({positive} > 0), "
                  f"{empty_points} points with nobody in reach, largest relative difference {worst:.3g}")
    print("FAILED" if failed else "all values agree")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
