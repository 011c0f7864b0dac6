"""The job of `servicegap analyze`, done with pyrosm + pandana: for every settlement, the road
km and car minutes to the nearest service point of each of the five kinds.

Run by benches/pandana_vs_analyze.py with the Python of its venv (out/venv-pandana), so the
imports count in the measured time; not meant to be imported.

    python pandana_job.py FILE.osm.pbf --rules rules.json --csv out.csv [--timings t.json]
        [--network-type driving] [--simplify]

rules.json holds the tag rules and speeds of servicegap's defaults (`servicegap config`):
{"speeds": {class: kmh}, "maxspeed_factor": f, "services": {kind: ["key=value", ...]},
 "places": [...]}. Per-phase wall times (seconds) go to --timings as JSON.

How it differs from servicegap, on purpose (the usual pyrosm + pandana workflow):
- the network is pyrosm's `get_network(network_type)` filter, not servicegap's car profile;
- settlements and service points snap to the nearest graph *node* (pandana's KD-tree on
  lon/lat degrees), with no snap leg; servicegap projects onto the nearest road segment and
  adds the straight leg;
- pyrosm's `to_graph` keeps the largest connected part (retain_all=False); servicegap keeps
  every strongly connected part of at least 50 junctions.
"""
import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandana  # noqa: E402
import pandas as pd  # noqa: E402
from pyrosm import OSM  # noqa: E402

T_IMPORT = time.perf_counter()

KINDS = ["grocery", "fuel", "post", "pharmacy", "payment"]
MAX_M = 300_000.0  # 300 km
MAX_S = 300_000.0 / (20 / 3.6)  # 300 km at 20 km/h, in seconds

# Copied from servicegap's src/profile.rs (MAXSPEED_ZONES, WALK_KMH): `servicegap config` does
# not print them. None = no limit, the class default applies.
MAXSPEED_ZONES = {
    "SE:urban": 50, "SE:rural": 70, "SE:motorway": 110,
    "NO:urban": 50, "NO:rural": 80, "NO:motorway": 110,
    "FI:urban": 50, "FI:rural": 80, "FI:motorway": 120,
    "DK:urban": 50, "DK:rural": 80, "DK:motorway": 130,
    "DE:urban": 50, "DE:rural": 100, "DE:living_street": 7, "DE:motorway": None,
    "AT:urban": 50, "AT:rural": 100, "AT:motorway": 130,
    "CH:urban": 50, "CH:rural": 80, "CH:motorway": 120,
    "FR:urban": 50, "FR:rural": 80, "FR:motorway": 130,
    "AD:urban": 50, "AD:rural": 90,
}
WALK_KMH = 6
NO_LIMIT = object()


def parse_one_maxspeed(v):
    v = v.strip()
    if v in ("none", "signals", "variable"):
        return NO_LIMIT
    if v == "walk":
        return float(WALK_KMH)
    if v in MAXSPEED_ZONES:
        z = MAXSPEED_ZONES[v]
        return NO_LIMIT if z is None else float(z)
    factor = 1.0
    if v.endswith("mph"):
        v, factor = v[:-3], 1.609344
    elif v.endswith("km/h"):
        v = v[:-4]
    elif v.endswith("kmh"):
        v = v[:-3]
    try:
        kmh = float(v.strip()) * factor
    except ValueError:
        return None
    return kmh if math.isfinite(kmh) and 0 < kmh <= 300 else None


def parse_maxspeed(value):
    """servicegap's parse_maxspeed: a limit in km/h, NO_LIMIT, or None (unreadable); a list
    "50;30" gives its lowest value."""
    lowest = NO_LIMIT
    for part in value.split(";"):
        p = parse_one_maxspeed(part)
        if p is None:
            return None
        if p is not NO_LIMIT:
            lowest = p if lowest is NO_LIMIT else min(lowest, p)
    return lowest


def edge_kmh(highway, maxspeed, speeds, factor):
    default = speeds.get(highway)
    if default is None:
        return None
    if isinstance(maxspeed, str):
        limit = parse_maxspeed(maxspeed)
        if limit is not None and limit is not NO_LIMIT:
            return limit * factor
    return float(default)


def tag_getter(frame):
    """A function (row index, key) -> tag value, from the tag's column or the JSON tags."""
    cols = set(frame.columns)
    tags = [
        json.loads(t) if isinstance(t, str) else (t if isinstance(t, dict) else {})
        for t in frame.get("tags", [None] * len(frame))
    ]

    def get(i, key):
        if key in cols:
            v = frame[key].iat[i]
            if isinstance(v, str):
                return v
        return tags[i].get(key)

    return get


def areas_only(frame):
    """frame without the relations that are not multipolygons."""
    if frame is None or len(frame) == 0:
        return frame
    get = tag_getter(frame)
    keep = [
        o != "relation" or get(i, "type") == "multipolygon"
        for i, o in enumerate(frame["osm_type"])
    ]
    return frame[np.array(keep, dtype=bool)].reset_index(drop=True)


def points(frame):
    """lon, lat arrays: the point itself, or a point inside an area / on a line."""
    geom = frame.geometry
    pts = geom.where(geom.geom_type == "Point", geom.representative_point())
    return pts.x.to_numpy(), pts.y.to_numpy()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pbf")
    ap.add_argument("--rules", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--timings")
    ap.add_argument("--network-type", default="driving")
    ap.add_argument("--simplify", action="store_true")
    args = ap.parse_args()
    with open(args.rules) as f:
        rules = json.load(f)
    warnings.simplefilter("ignore")
    t = {"import": T_IMPORT - T0}

    def phase(name, start):
        now = time.perf_counter()
        t[name] = t.get(name, 0.0) + now - start
        return now

    # pandana.Network's constructor is where the contraction hierarchies are built; time it
    # apart from pyrosm's own preparation inside to_graph.
    ch = {"s": 0.0}
    init = pandana.Network.__init__

    def timed_init(self, *a, **kw):
        s = time.perf_counter()
        init(self, *a, **kw)
        ch["s"] += time.perf_counter() - s

    pandana.Network.__init__ = timed_init

    s = time.perf_counter()
    osm = OSM(args.pbf)
    nodes, edges = osm.get_network(network_type=args.network_type, nodes=True)
    s = phase("pyrosm_network", s)

    keys = sorted({r.split("=", 1)[0] for rs in rules["services"].values() for r in rs})
    pois = osm.get_data_by_custom_criteria(
        custom_filter=None, osm_keys_to_keep=keys, tags_as_columns=keys + ["name", "type"]
    )
    places = osm.get_data_by_custom_criteria(
        custom_filter={"place": rules["places"]}, tags_as_columns=["place", "name", "type"]
    )
    # As servicegap: of relations only multipolygons are features (a place=* on a boundary
    # relation is an administrative area, not a settlement).
    pois, places = (areas_only(f) for f in (pois, places))
    s = phase("pyrosm_pois_places", s)
    if places is None or len(places) == 0:
        sys.exit("no settlements")

    kmh = np.array(
        [
            edge_kmh(h, m, rules["speeds"], rules["maxspeed_factor"]) or np.nan
            for h, m in zip(edges["highway"], edges.get("maxspeed", [None] * len(edges)))
        ]
    )
    edges = edges[~np.isnan(kmh)].copy()
    edges["time_s"] = edges["length"] / (kmh[~np.isnan(kmh)] / 3.6)
    s = phase("speeds", s)

    net = osm.to_graph(
        nodes,
        edges,
        graph_type="pandana",
        pandana_weights=["length", "time_s"],
        simplify=args.simplify,
        progress=False,
    )
    s = phase("to_graph", s)
    t["pandana_ch"] = ch["s"]
    t["pyrosm_graph_prep"] = t["to_graph"] - ch["s"]

    # Service points by kind, by the exact key=value rules.
    get = tag_getter(pois)
    px, py = points(pois) if len(pois) else (np.array([]), np.array([]))
    rule_pairs = {k: [tuple(r.split("=", 1)) for r in rs] for k, rs in rules["services"].items()}
    settle_x, settle_y = points(places)
    settle_nodes = net.get_node_ids(pd.Series(settle_x), pd.Series(settle_y)).to_numpy()
    out = pd.DataFrame(
        {
            "id": [f"{o}/{i}" for o, i in zip(places["osm_type"], places["id"])],
            "name": places.get("name"),
            "lon": settle_x,
            "lat": settle_y,
        }
    )
    counts = {}
    for kind in KINDS:
        mask = np.array(
            [any(get(i, k) == v for k, v in rule_pairs[kind]) for i in range(len(pois))], dtype=bool
        )
        counts[kind] = int(mask.sum())
        if not mask.any():
            out[f"{kind}_km"] = np.nan
            out[f"{kind}_min"] = np.nan
            continue
        net.set_pois(kind, MAX_M, 1, pd.Series(px[mask]), pd.Series(py[mask]))
        for imp, limit, col, scale in (
            ("length", MAX_M, f"{kind}_km", 1000.0),
            ("time_s", MAX_S, f"{kind}_min", 60.0),
        ):
            d = net.nearest_pois(limit, kind, num_pois=1, imp_name=imp)[1]
            v = d.reindex(settle_nodes).to_numpy(dtype=float, copy=True)
            v[v >= limit] = np.nan  # pandana reports "none within limit" as the limit
            out[col] = v / scale
    s = phase("nearest_pois", s)

    out.to_csv(args.csv, index=False, float_format="%.7f")
    s = phase("write_csv", s)
    t["total_in_process"] = time.perf_counter() - T0
    t["graph_nodes"] = int(len(net.nodes_df))
    t["graph_edges"] = int(len(net.edges_df))
    t["services"] = counts
    t["settlements"] = int(len(out))
    if args.timings:
        with open(args.timings, "w") as f:
            json.dump(t, f)
    print(json.dumps(t), file=sys.stderr)


if __name__ == "__main__":
    main()
