#!/usr/bin/env bash
# campaign-eqline.sh - the MD equilibrium line of Cu56Zr44 (docs/md.md
# "Equilibrium line"): isothermal NPT holds at T approached from above (the
# 2000 K liquid) and from below (the 1e12 K/s glass), inherent structures
# sampled along each hold, then `pel isotherm` decides where the two sides
# meet.  Idempotent and resumable: rerun it after a kill or in a later
# session (same build); finished runs are skipped, started ones resumed from
# their checkpoints.  Every table and checkpoint lives under data/md/ and is
# committed; data/md/eqline.csv is rewritten from every finished pair at the
# end.  Usage: scripts/campaign-eqline.sh [analyse] [REPLICAS] (default 1;
# `analyse` only rewrites eqline.csv)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pel=${PEL:-$here/build/pel}
out=$here/data/md/eqline
mode=run
if [ "${1:-}" = analyse ]; then mode=analyse; shift; fi
rep=${1:-1}
mkdir -p "$out"
glass=$here/data/samples/cu56zr44_n2000_q1e12/glass.data

# run DIR ARGS...: start or resume a `pel md --protocol` run in DIR
run() {
    local dir=$1; shift
    local resume=()
    [ -e "$dir/r1/checkpoint.bin" ] || [ -e "$dir/r1/protocol.csv" ] && resume=(--resume)
    if [ -e "$dir/mean.csv" ] && [ "$(ls -d "$dir"/r* | wc -l)" -ge "$rep" ]; then return 0; fi
    echo "campaign: $dir $*" >&2
    "$pel" md "$@" --replicas "$rep" --threads 1 --min-algo cg --out "$dir" "${resume[@]}"
}

if [ $mode = run ]; then
# the 2000 K liquid every "above" run starts from
run "$out/liquid2000" --protocol "eq@2000K; hold 50ps" --composition Cu56Zr44 --atoms 2000 --seed 1 \
    --sample-every-ps 5
liquid=$out/liquid2000/r1/final.data

# hold T_K HOLD EVERY: both sides of one point (EVERY: ps between IS samples)
pair() {
    run "$out/T${1}_above" --protocol "eq@${1}K; hold $2" --data "$liquid" --seed 11 --sample-every-ps "$3"
    run "$out/T${1}_below" --protocol "eq@${1}K; hold $2" --data "$glass" --seed 21 --sample-every-ps "$3"
}
# a hold too short to meet, continued from the final state of both sides in
# new directories T<T>L_above / T<T>L_below
continued() {
    for side in above below; do
        local src=$out/T${1}_${side}/r1/final.data
        [ -e "$src" ] || continue
        run "$out/T${1}L_${side}" --protocol "eq@${1}K; hold $2" --data "$src" --seed 31 --sample-every-ps "$3"
    done
}

# Longer holds where the liquid relaxes slower; cheap hot points first, so that
# each session adds finished points; 1000 K before 1500 K, since the calibration
# needs the line below 1100 K more than another point on its flat part.  40 ps at 1400 K left the run from above
# drifting by its own test: hot holds are >= 60 ps.
pair 1200 100ps 2
pair 1100 200ps 4
pair 1400 40ps 2
continued 1400 60ps 2
pair 1600 80ps 2
pair 1800 60ps 2
pair 2000 60ps 2
continued 1200 300ps 4
pair 1300 100ps 2
pair 1000 500ps 5
pair 1500 80ps 2
pair 950 1ns 10
pair 900 2ns 10
fi

# the equilibrium line from every finished pair (rewritten, never appended twice)
analyse() {
    local tmp=$out/../eqline.csv.tmp first=1
    : >"$tmp"
    for above in "$out"/T*_above; do
        local below=${above%_above}_below
        [ -e "$above/mean.csv" ] && [ -e "$below/mean.csv" ] || continue
        if [ $first = 1 ]; then "$pel" isotherm --above "$above" --below "$below" --header >>"$tmp" || true; first=0
        else "$pel" isotherm --above "$above" --below "$below" >>"$tmp" || true; fi
    done
    sort -t, -k1,1g -o "$tmp.body" <(tail -n +2 "$tmp") && { head -n 1 "$tmp"; cat "$tmp.body"; } >"$out/../eqline.csv"
    rm -f "$tmp" "$tmp.body"
}
analyse
