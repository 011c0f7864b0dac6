#!/bin/bash
# The cost of the measures beyond the nearest (k nearest, next points, seasonal and group
# figures) on the national benchmark input: interleaved whole-process runs of `analyze` with
# two builds, wall time and peak memory (GNU time).
#
#   bash benches/measures.sh OLD_BINARY NEW_BINARY [RUNS]
#
# OLD_BINARY is a build without the measures (e.g. `git worktree add /tmp/old 281bb94` and
# `cargo build --release` there); NEW_BINARY is target/release/servicegap. The input is the
# generated Sweden-shaped extract out/sweden-synthetic.osm.pbf (python3 benches/national.py
# writes it with examples/gen_sweden.rs); it is generated, not real data.
set -euo pipefail
old=$1 new=$2 runs=${3:-3}
input=out/sweden-synthetic.osm.pbf
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq "$runs"); do
  for b in "$old" "$new"; do
    rm -rf "$out/run"
    /usr/bin/time -f "$b %e s %M kB" "$b" analyze "$input" --out-dir "$out/run" -q 2>&1 >/dev/null | tail -1
  done
done
