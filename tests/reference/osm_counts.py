#!/usr/bin/env python3
"""Independent reference counter for servicegap tests.

Reads an .osm.pbf through `osmium cat -f opl FILE` (osmium-tool 1.15) and
applies the rules of the servicegap tag spec (src/profile.rs) with plain Python 3.11
(stdlib only).  Prints one JSON object on stdout.

It deliberately shares no code with the Rust implementation; it is meant to
be an independent cross-check.

Usage:
    python3 tests/reference/osm_counts.py data/osm/<name>.osm.pbf > tests/reference/<name>.json

Exit status: 0 on success, 2 if the object counts parsed from the OPL stream
disagree with `osmium fileinfo -e -j` (the JSON is still printed).
"""

import json
import re
import subprocess
import sys
from collections import Counter, defaultdict

# --------------------------------------------------------------------------
# OPL parsing
# --------------------------------------------------------------------------
# OPL (libosmium): one object per line, fields separated by a single space.
# Each field starts with a one-letter key.  Strings (user, tag keys/values,
# member roles) escape every "unsafe" character (space, comma, '=', '@', '%',
# non-printables, ...) as '%' + hex Unicode code point + '%', e.g. %20% (space),
# %2c% (comma), %3d% ('='), %20ac% ('EURO SIGN').  Hence splitting on ' ', ','
# '=' and '@' before decoding is safe.


def opl_decode(s):
    """Decode OPL %hex% escapes."""
    if "%" not in s:
        return s
    out = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "%":
            j = s.index("%", i + 1)  # raises ValueError on malformed input
            out.append(chr(int(s[i + 1 : j], 16)))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_tags(field):
    """field is the OPL 'T' field without the leading 'T'."""
    tags = {}
    if not field:
        return tags
    for kv in field.split(","):
        k, sep, v = kv.partition("=")
        if not sep:
            raise ValueError("malformed tag %r" % kv)
        tags[opl_decode(k)] = opl_decode(v)
    return tags


def parse_line(line):
    """Return (type, id, tags, extra) where extra is
    - node: (lon, lat) strings (may be empty)
    - way: list of node ids (ints)
    - relation: list of (type, id, role)."""
    fields = line.rstrip("\n").split(" ")
    head = fields[0]
    otype = head[0]
    oid = int(head[1:])
    tags = {}
    lon = lat = ""
    refs = []
    members = []
    for f in fields[1:]:
        if not f:
            continue
        key, val = f[0], f[1:]
        if key == "T":
            tags = parse_tags(val)
        elif key == "x":
            lon = val
        elif key == "y":
            lat = val
        elif key == "N":
            if val:
                for r in val.split(","):
                    if r[0] != "n":
                        raise ValueError("bad way node ref %r" % r)
                    refs.append(int(r[1:]))
        elif key == "M":
            if val:
                for m in val.split(","):
                    ref, _, role = m.partition("@")
                    members.append((ref[0], int(ref[1:]), opl_decode(role)))
        # v, d, c, t, i, u: metadata, ignored
    if otype == "n":
        return otype, oid, tags, (lon, lat)
    if otype == "w":
        return otype, oid, tags, refs
    if otype == "r":
        return otype, oid, tags, members
    raise ValueError("unknown object type in line %r" % line[:80])


def iter_objects(path):
    proc = subprocess.Popen(
        ["osmium", "cat", "-f", "opl", path],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        for line in proc.stdout:
            if line.strip():
                yield parse_line(line)
    finally:
        proc.stdout.close()
        rc = proc.wait()
        if rc != 0:
            raise SystemExit("osmium cat failed with exit code %d" % rc)


def fileinfo_counts(path):
    out = subprocess.run(
        ["osmium", "fileinfo", "-e", "-j", path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    c = json.loads(out)["data"]["count"]
    return {"nodes": c["nodes"], "ways": c["ways"], "relations": c["relations"]}


# --------------------------------------------------------------------------
# Rules (src/profile.rs)
# --------------------------------------------------------------------------

ROAD_CLASSES = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road", "track",
}
ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
DENIED = {"no", "private", "agricultural", "forestry", "delivery", "military",
          "emergency", "permit"}
# values src/profile.rs names as allowed (everything not denied is allowed; this set
# only drives the "unusual access value" diagnostic)
KNOWN_ALLOWED = {"yes", "destination", "permissive", "designated", "customers",
                 "discouraged", "unknown"}
TRACK_ALLOWED = {"yes", "designated", "permissive", "destination", "customers"}
FERRY_ALLOWED = {"yes", "designated", "permissive", "destination"}

ONEWAY_FWD = {"yes", "true", "1"}
ONEWAY_BWD = {"-1", "reverse"}
ONEWAY_BOTH = {"no", "false", "0", "alternating"}
ONEWAY_REVERSIBLE = {"reversible"}

SERVICE_KINDS = ("grocery", "fuel", "post", "pharmacy", "payment")
PLACES = ("city", "town", "village", "hamlet", "isolated_dwelling")


def car_access_value(tags):
    for k in ACCESS_KEYS:
        if k in tags:
            return k, tags[k]
    return None, None


def oneway_of(tags, implied):
    """Return ('fwd'|'bwd'|'both'|'reversible', recognized: bool).

    An explicit oneway tag overrides the implied one.  An explicit value not
    listed in src/profile.rs (e.g. 'yes;no') is treated as if the tag were absent
    (falls back to the implied direction) and flagged as unrecognized."""
    v = tags.get("oneway")
    if v is not None:
        if v in ONEWAY_FWD:
            return "fwd", True
        if v in ONEWAY_BWD:
            return "bwd", True
        if v in ONEWAY_BOTH:
            return "both", True
        if v in ONEWAY_REVERSIBLE:
            return "reversible", True
        return ("fwd" if implied else "both"), False
    return ("fwd" if implied else "both"), True


def road_status(tags):
    """None if not a highway way of a routable class; else one of
    'routable', 'area', 'denied', 'track_out'."""
    hw = tags.get("highway")
    if hw not in ROAD_CLASSES:
        return None
    if tags.get("area") == "yes":
        return "area"
    _, val = car_access_value(tags)
    if val is not None and val in DENIED:
        return "denied"
    if hw == "track" and val not in TRACK_ALLOWED:
        return "track_out"
    return "routable"


def is_car_ferry(tags):
    if tags.get("route") != "ferry":
        return False
    if "tourism" in tags:
        return False
    if "motorcar" in tags:
        v = tags["motorcar"]
    else:
        v = tags.get("motor_vehicle")
    return v in FERRY_ALLOWED


def service_kinds(tags):
    kinds = set()
    shop = tags.get("shop")
    amenity = tags.get("amenity")
    if shop in ("supermarket", "convenience", "general", "grocery"):
        kinds.add("grocery")
    if amenity == "fuel":
        kinds.add("fuel")
    if (amenity in ("post_office", "parcel_locker")
            or tags.get("post_office") in ("post_partner", "bureau", "post_annex")
            or tags.get("vending") == "parcel_pickup"):
        kinds.add("post")
    if amenity == "pharmacy" or tags.get("healthcare") == "pharmacy":
        kinds.add("pharmacy")
    if (amenity in ("atm", "bank", "payment_centre")
            or tags.get("cash_withdrawal") == "yes"
            or tags.get("atm") == "yes"):
        kinds.add("payment")
    return kinds


# keys whose semicolon-separated value would match a kind if split; src/profile.rs
# says exact values, so these are only reported as diagnostics
_SEMI_CHECK = {
    "shop": {"supermarket", "convenience", "general", "grocery"},
    "amenity": {"fuel", "post_office", "parcel_locker", "pharmacy", "atm", "bank",
                "payment_centre"},
    "vending": {"parcel_pickup"},
    "healthcare": {"pharmacy"},
    "post_office": {"post_partner", "bureau", "post_annex"},
}


def semicolon_near_miss(tags):
    for k, good in _SEMI_CHECK.items():
        v = tags.get(k)
        if v and ";" in v and v not in good:
            if any(p.strip() in good for p in v.split(";")):
                return "%s=%s" % (k, v)
    return None


# thousands separators: ASCII space, comma, apostrophe, right single quotation
# mark (U+2019), no-break space (U+00A0), thin space (U+2009), narrow no-break
# space (U+202F).  Groups after the first must have exactly 3 digits.
_POP_PLAIN = re.compile(r"[0-9]+")
_POP_GROUPED = re.compile(r"[0-9]{1,3}(?:[ ,'\u2019\u00a0\u2009\u202f][0-9]{3})+")


def parse_population(v):
    """Return int or None.  Surrounding whitespace is NOT stripped: the value
    must be exactly digits, optionally with thousands separators."""
    if v is None:
        return None
    if _POP_PLAIN.fullmatch(v) or _POP_GROUPED.fullmatch(v):
        return int(re.sub(r"[^0-9]", "", v))
    return None


def is_closed_way(refs):
    return len(refs) >= 4 and refs[0] == refs[-1]


# --------------------------------------------------------------------------
# Main pass
# --------------------------------------------------------------------------


def analyse(path):
    counts = Counter()
    node_ids = set()
    nodes_without_location = 0

    svc = Counter()           # per kind, counted features
    svc_points = 0
    svc_by_type = Counter()   # n / w / r among counted service points
    svc_excl = Counter()      # unclosed_ways / other_relations (any kind)
    svc_excl_kind = defaultdict(Counter)
    svc_multi_kind = 0        # counted features with >1 kind
    svc_near_miss = []

    settle = Counter()
    settle_by_type = Counter()
    settle_excl = Counter()
    settle_list = []
    pop_known = 0
    pop_sum = 0
    pop_unparsed = []         # (type, id, raw)

    road_ways = {}            # id -> (refs, direction)
    road_stats = Counter()
    road_by_class = Counter()
    access_unusual = Counter()
    oneway_unrecognized = Counter()
    ferry_stats = Counter()
    ferry_untagged_or_denied = []

    for otype, oid, tags, extra in iter_objects(path):
        counts[otype] += 1
        if otype == "n":
            node_ids.add(oid)
            if not extra[0] or not extra[1]:
                nodes_without_location += 1

        # ---------------- services & settlements ----------------
        kinds = service_kinds(tags) if tags else set()
        place = tags.get("place")
        is_settlement = place in PLACES
        if kinds or is_settlement:
            if otype == "n":
                counted, excl_key = True, None
            elif otype == "w":
                counted = is_closed_way(extra)
                excl_key = None if counted else "unclosed_ways"
            else:
                counted = tags.get("type") == "multipolygon"
                excl_key = None if counted else "other_relations"
            if kinds:
                if counted:
                    svc_points += 1
                    svc_by_type[otype] += 1
                    if len(kinds) > 1:
                        svc_multi_kind += 1
                    for k in kinds:
                        svc[k] += 1
                else:
                    svc_excl[excl_key] += 1
                    for k in kinds:
                        svc_excl_kind[excl_key][k] += 1
            if is_settlement:
                if counted:
                    settle[place] += 1
                    settle_by_type[otype] += 1
                    pop = parse_population(tags.get("population"))
                    if pop is not None:
                        pop_known += 1
                        pop_sum += pop
                    elif "population" in tags:
                        pop_unparsed.append([otype + str(oid), tags["population"]])
                    settle_list.append([otype + str(oid), place, tags.get("name"), pop])
                else:
                    settle_excl[excl_key] += 1
        if otype == "n" or (otype == "w" and is_closed_way(extra)) or (
                otype == "r" and tags.get("type") == "multipolygon"):
            nm = semicolon_near_miss(tags)
            if nm:
                svc_near_miss.append([otype + str(oid), nm])

        # ---------------- roads & ferries ----------------
        if otype != "w":
            continue
        st = road_status(tags)
        ferry = is_car_ferry(tags)
        if tags.get("route") == "ferry":
            ferry_stats["route_ferry_ways"] += 1
            if ferry:
                ferry_stats["car_ferries_tagged"] += 1
            else:
                ferry_untagged_or_denied.append(
                    ["w%d" % oid, {k: tags[k] for k in ("motorcar", "motor_vehicle", "tourism")
                                   if k in tags}])
        if st is not None:
            road_stats["candidate_class_ways"] += 1
            road_stats["status_" + st] += 1
            k, v = car_access_value(tags)
            if v is not None and v not in DENIED and v not in KNOWN_ALLOWED:
                access_unusual["%s=%s" % (k, v)] += 1
        routable = st == "routable"
        if not routable and not ferry:
            continue
        if routable and ferry:
            road_stats["both_routable_and_car_ferry"] += 1
        if routable:
            hw = tags["highway"]
            implied = (hw == "motorway"
                       or tags.get("junction") in ("roundabout", "circular"))
        else:
            implied = False  # ferries: two-way unless oneway tagged
        direction, recognized = oneway_of(tags, implied)
        if not recognized:
            oneway_unrecognized[tags["oneway"]] += 1
        if direction == "reversible":
            if routable:
                road_stats["reversible_excluded"] += 1
            else:
                ferry_stats["reversible_excluded"] += 1
            continue
        if routable:
            road_stats["routable_ways"] += 1
            road_by_class[tags["highway"]] += 1
            road_stats["oneway_" + direction] += 1
        else:
            ferry_stats["car_ferries"] += 1
        road_ways[oid] = (extra, direction)

    # ---------------- graph ----------------
    all_refs = set()
    for refs, _ in road_ways.values():
        all_refs.update(refs)
    missing = all_refs - node_ids

    parts = []  # (way_id, part_refs, direction)
    ways_with_missing = 0
    dropped_parts = 0
    dropped_ways_entirely = 0
    for wid in sorted(road_ways):
        refs, direction = road_ways[wid]
        cur = []
        wparts = []
        had_missing = False
        for r in refs:
            if r in missing:
                had_missing = True
                if cur:
                    wparts.append(cur)
                    cur = []
            else:
                cur.append(r)
        if cur:
            wparts.append(cur)
        if had_missing:
            ways_with_missing += 1
        kept = [p for p in wparts if len(p) >= 2]
        dropped_parts += len(wparts) - len(kept)
        if not kept:
            dropped_ways_entirely += 1
        for p in kept:
            parts.append((wid, p, direction))

    occ = Counter()
    ends = set()
    for _, p, _ in parts:
        occ.update(p)
        ends.add(p[0])
        ends.add(p[-1])
    graph_nodes = ends | {n for n, c in occ.items() if c >= 2}

    edges = 0
    arcs = 0
    zero_length_edges = 0  # edge between two consecutive identical refs
    loop_edges = 0         # edge whose two ends are the same node (incl. zero-length)
    for _, p, direction in parts:
        last_idx = 0
        for i in range(1, len(p)):
            if p[i] in graph_nodes:
                edges += 1
                arcs += 2 if direction == "both" else 1
                if p[i] == p[last_idx]:
                    loop_edges += 1
                    if i == last_idx + 1:
                        zero_length_edges += 1
                last_idx = i
        assert last_idx == len(p) - 1

    osm = {"nodes": counts["n"], "ways": counts["w"], "relations": counts["r"]}
    fi = fileinfo_counts(path)

    settlement_list = sorted(settle_list, key=lambda s: (s[0][0], int(s[0][1:])))

    result = {
        "file": path.rsplit("/", 1)[-1],
        "osm": {
            **osm,
            "fileinfo": fi,
            "matches_fileinfo": osm == fi,
            "nodes_without_location": nodes_without_location,
        },
        "services": {
            **{k: svc[k] for k in SERVICE_KINDS},
            "service_points": svc_points,
            "service_points_by_type": {"nodes": svc_by_type["n"], "closed_ways": svc_by_type["w"],
                                       "multipolygons": svc_by_type["r"]},
            "points_with_several_kinds": svc_multi_kind,
            "excluded_unclosed_ways": svc_excl["unclosed_ways"],
            "excluded_other_relations": svc_excl["other_relations"],
            "excluded_by_kind": {ek: {k: svc_excl_kind[ek][k] for k in SERVICE_KINDS}
                                 for ek in ("unclosed_ways", "other_relations")},
            "semicolon_list_near_misses": svc_near_miss,
        },
        "settlements": {
            "total": sum(settle.values()),
            "by_place": {p: settle[p] for p in PLACES},
            "by_type": {"nodes": settle_by_type["n"], "closed_ways": settle_by_type["w"],
                        "multipolygons": settle_by_type["r"]},
            "with_population": pop_known,
            "population_sum": pop_sum,
            "population_unparseable": pop_unparsed,
            "excluded_unclosed_ways": settle_excl["unclosed_ways"],
            "excluded_other_relations": settle_excl["other_relations"],
            "list": settlement_list,
        },
        "roads": {
            "routable_ways": road_stats["routable_ways"],
            "routable_by_class": dict(sorted(road_by_class.items())),
            "routable_oneway": {"forward": road_stats["oneway_fwd"],
                                "backward": road_stats["oneway_bwd"],
                                "both": road_stats["oneway_both"]},
            "reversible_excluded": road_stats["reversible_excluded"],
            "class_ways_not_routable": {
                "area_yes": road_stats["status_area"],
                "access_denied": road_stats["status_denied"],
                "track_without_explicit_access": road_stats["status_track_out"],
            },
            "car_ferries": ferry_stats["car_ferries"],
            "route_ferry_ways": ferry_stats["route_ferry_ways"],
            "ferry_ways_not_car": ferry_untagged_or_denied,
            "both_routable_and_car_ferry": road_stats["both_routable_and_car_ferry"],
            "ways_in_graph_input": len(road_ways),
            "distinct_node_refs": len(all_refs),
            "missing_node_refs": len(missing),
            "ways_with_missing_nodes": ways_with_missing,
            "dropped_parts": dropped_parts,
            "ways_dropped_entirely": dropped_ways_entirely,
            "way_parts": len(parts),
            "graph_nodes": len(graph_nodes),
            "edges": edges,
            "directed_arcs": arcs,
            "zero_length_edges": zero_length_edges,
            "loop_edges": loop_edges,
            "diagnostics": {
                "oneway_unrecognized": dict(oneway_unrecognized),
                "unusual_access_values": dict(sorted(access_unusual.items())),
            },
        },
    }
    return result


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: osm_counts.py FILE.osm.pbf\n")
        return 1
    res = analyse(argv[1])
    json.dump(res, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0 if res["osm"]["matches_fileinfo"] else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
