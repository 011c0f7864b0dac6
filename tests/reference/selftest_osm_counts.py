#!/usr/bin/env python3
"""Self-test for osm_counts.py on a hand-made OPL fixture with known answers.

    python3 tests/reference/selftest_osm_counts.py

Converts the fixture to .osm.pbf with `osmium cat` in a temp dir, runs the
counter and compares selected figures with values worked out by hand.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osm_counts  # noqa: E402

# Nodes 12 and 15 are deliberately absent (missing refs).
FIXTURE = """\
n1 v1 T x10.0 y60.0
n2 v1 T x10.001 y60.0
n3 v1 T x10.002 y60.0
n4 v1 T x10.003 y60.0
n5 v1 Tshop=convenience,amenity=atm x10.0 y60.01
n6 v1 Tplace=hamlet,name=A%20%b,population=1%20%234 x10.0 y60.02
n7 v1 Tplace=village,population=ca.%20%300 x10.0 y60.03
n8 v1 Tplace=town,population=12%27%345 x10.0 y60.04
n9 v1 Tshop=chemist,amenity=post_box x10.0 y60.05
n10 v1 T x10.1 y60.1
n11 v1 T x10.101 y60.1
n13 v1 T x10.103 y60.1
n14 v1 T x10.104 y60.1
n16 v1 T x10.106 y60.1
n20 v1 T x10.2 y60.2
n21 v1 T x10.201 y60.2
n22 v1 T x10.202 y60.2
n23 v1 T x10.203 y60.2
n30 v1 T x10.3 y60.3
n31 v1 T x10.301 y60.3
n32 v1 T x10.302 y60.3
n33 v1 Tpost_office=post_partner,healthcare=pharmacy x10.303 y60.3
w100 v1 Thighway=residential Nn1,n2,n3
w101 v1 Thighway=tertiary,oneway=yes Nn3,n4
w102 v1 Thighway=service Nn10,n11,n12,n13,n14,n15,n16
w103 v1 Thighway=unclassified,junction=roundabout Nn20,n21,n22,n20,n23
w104 v1 Thighway=track,motor_vehicle=yes Nn4,n30
w105 v1 Thighway=track Nn30,n31
w106 v1 Thighway=residential,access=private Nn30,n31
w107 v1 Thighway=residential,access=no,motorcar=yes,oneway=-1 Nn31,n32
w108 v1 Thighway=residential,area=yes Nn30,n31,n32,n30
w109 v1 Thighway=primary,oneway=reversible Nn1,n30
w110 v1 Troute=ferry Nn1,n10
w111 v1 Troute=ferry,motor_vehicle=yes Nn2,n20
w112 v1 Troute=ferry,motorcar=no,motor_vehicle=yes Nn3,n20
w113 v1 Troute=ferry,motorcar=yes,tourism=yes Nn4,n20
w114 v1 Thighway=motorway,oneway=no Nn32,n33
w115 v1 Thighway=footway Nn1,n2
w120 v1 Tshop=supermarket Nn30,n31,n32,n30
w121 v1 Tamenity=fuel Nn30,n31,n32
w122 v1 Tamenity=pharmacy Nn30,n31,n30
r200 v1 Ttype=multipolygon,place=village,population=2%2c%000 Mw120@outer
r201 v1 Ttype=boundary,amenity=bank,place=city Mw120@outer
"""

EXPECTED = {
    ("osm", "nodes"): 22,
    ("osm", "ways"): 19,
    ("osm", "relations"): 2,
    # n5 (grocery+payment), w120 (grocery), n33 (post+pharmacy)
    ("services", "grocery"): 2,
    ("services", "fuel"): 0,
    ("services", "post"): 1,
    ("services", "pharmacy"): 1,
    ("services", "payment"): 1,
    ("services", "service_points"): 3,
    ("services", "points_with_several_kinds"): 2,
    ("services", "excluded_unclosed_ways"): 2,      # w121 (unclosed), w122 (3 refs)
    ("services", "excluded_other_relations"): 1,    # r201
    ("settlements", "total"): 4,                    # n6 n7 n8 r200
    ("settlements", "with_population"): 3,          # 1234 + 12345 + 2000
    ("settlements", "population_sum"): 15579,
    ("settlements", "excluded_other_relations"): 1,
    # routable: w100 w101 w102 w103 w104 w107 w114 ; ferry: w111
    ("roads", "routable_ways"): 7,
    ("roads", "car_ferries"): 1,
    ("roads", "reversible_excluded"): 1,
    # refs: 1 2 3 4 10 11 12 13 14 15 16 20 21 22 23 30 31 32 33 (+2,20 already)
    ("roads", "distinct_node_refs"): 19,
    ("roads", "missing_node_refs"): 2,
    ("roads", "ways_with_missing_nodes"): 1,
    ("roads", "dropped_parts"): 1,                  # [n16]
    # parts: w100[1,2,3] w101[3,4] w102[10,11] w102[13,14] w103[20,21,22,20,23]
    #        w104[4,30] w107[31,32] w114[32,33] w111[2,20]
    ("roads", "way_parts"): 9,
    # ends: 1 3 4 10 11 13 14 20 23 30 31 32 33 2 ; counted twice: 2 3 4 20 32
    # => {1,2,3,4,10,11,13,14,20,23,30,31,32,33} = 14
    ("roads", "graph_nodes"): 14,
    # edges: w100 1-2,2-3 (2, two-way) ; w101 3-4 (1, oneway) ; w102 10-11,13-14 (2, two-way)
    #        w103 20-22?  no: 21,22 are not graph nodes -> 20..20 (loop), 20-23 : 2 edges oneway
    #        w104 4-30 (1, two-way) ; w107 31-32 (1, backward) ; w114 32-33 (1, two-way)
    #        w111 2-20 (1, two-way)
    ("roads", "edges"): 11,
    # arcs: 4 + 1 + 4 + 2 + 2 + 1 + 2 + 2 = 18
    ("roads", "directed_arcs"): 18,
    ("roads", "loop_edges"): 1,
    ("roads", "zero_length_edges"): 0,
}


def main():
    with tempfile.TemporaryDirectory() as d:
        opl = os.path.join(d, "fixture.opl")
        pbf = os.path.join(d, "fixture.osm.pbf")
        with open(opl, "w", encoding="utf-8") as fh:
            fh.write(FIXTURE)
        subprocess.run(["osmium", "cat", opl, "-o", pbf], check=True)
        res = osm_counts.analyse(pbf)
    bad = 0
    for (sec, key), want in EXPECTED.items():
        got = res[sec][key]
        if got != want:
            bad += 1
            print("FAIL %s.%s: got %r, want %r" % (sec, key, got, want))
    names = {s[0]: s for s in res["settlements"]["list"]}
    if names["n6"][2] != "A b" or names["n6"][3] != 1234:
        bad += 1
        print("FAIL settlement n6 decoded as %r" % (names["n6"],))
    if res["settlements"]["population_unparseable"] != [["n7", "ca. 300"]]:
        bad += 1
        print("FAIL population_unparseable: %r" % res["settlements"]["population_unparseable"])
    print("selftest: %d checks, %d failed" % (len(EXPECTED) + 2, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
