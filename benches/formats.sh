#!/usr/bin/env bash
# Usage (from the repository root, after cargo build --release): bash benches/formats.sh
# Writing time and size per format on the national input (generated) with the SCB grid:
# the `writing:` phase of `-v`, medians of 3 interleaved runs.
set -euo pipefail
BIN=${BIN:-target/release/servicegap}
IN=${IN:-out/sweden-synthetic.osm.pbf}
GRID=data/sweden/scb_befolkning_1km_2024_populated.csv.gz
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
declare -A T
for run in 1 2 3; do
  for out in "-o s.geojson" "-o s.fgb" "-o s.gpkg" "--network-out n.geojson" "--network-out n.fgb" "--network-out n.gpkg" "--gpkg r.gpkg" "--out-dir all"; do
    rm -rf "$D"/*
    set -- $out
    t=$( (cd "$D" && "$OLDPWD/$BIN" -v analyze "$OLDPWD/$IN" --settlements "$OLDPWD/$GRID" "$1" "$2" 2>&1 >/dev/null) | sed -n 's/^writing: \([0-9.]*\) s.*/\1/p')
    size=$(du -sb "$D/$2" | cut -f1)
    T["$out"]+="$t "
    echo "$out run $run: ${t} s, $(python3 -c "print(round($size/1e6,1))") MB"
  done
done
for k in "${!T[@]}"; do echo "$k: ${T[$k]}"; done | sort
