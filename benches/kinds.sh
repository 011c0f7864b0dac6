#!/bin/bash
# The cost of a project's own kinds on the national benchmark input: interleaved whole-process
# runs of `analyze` (all outputs to a directory), wall time and peak memory (GNU time), with
#   - OLD_BINARY, a build from before kinds were data, on the five built-in kinds;
#   - NEW_BINARY on the five built-in kinds, then with one and with three own kinds from a
#     settings file (grocery_full = shop=supermarket, atm = amenity=atm, parcel_locker =
#     amenity=parcel_locker: tags the generated input has, so every kind has points).
#
#   bash benches/kinds.sh OLD_BINARY NEW_BINARY [RUNS]
#
# OLD_BINARY is e.g. `git worktree add /tmp/old 3d41527` built with `cargo build --release`;
# NEW_BINARY is target/release/servicegap. The input is the generated Sweden-shaped extract
# out/sweden-synthetic.osm.pbf (python3 benches/national.py writes it with
# examples/gen_sweden.rs); it is generated, not real data.
set -euo pipefail
old=$1 new=$2 runs=${3:-3}
input=out/sweden-synthetic.osm.pbf
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat > "$out/one.toml" <<'TOML'
[kinds.grocery_full]
tags = ["shop=supermarket"]
threshold = "10km"
TOML
cp "$out/one.toml" "$out/three.toml"
cat >> "$out/three.toml" <<'TOML'
[kinds.atm]
tags = ["amenity=atm"]
threshold = "25km"
[kinds.parcel_locker]
tags = ["amenity=parcel_locker"]
threshold = "10km"
TOML
run() {
  local label=$1 binary=$2
  shift 2
  rm -rf "$out/run"
  /usr/bin/time -f "$label %e s %M kB" "$binary" analyze "$input" --out-dir "$out/run" -q "$@" \
    2>&1 >/dev/null | tail -1
}
for r in $(seq "$runs"); do
  run old-5 "$old"
  run new-5 "$new"
  run new-6 "$new" --config "$out/one.toml"
  run new-8 "$new" --config "$out/three.toml"
done
