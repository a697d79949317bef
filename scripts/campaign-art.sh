#!/usr/bin/env bash
# campaign-art.sh - ART catalogs at the paper's scale (issue 16; docs/art.md
# "Catalogs"): one campaign of SEARCHES searches on each sample that spans
# E_IS (instant quench, 1e13 and 1e12 K/s glasses, the aged glasses of
# campaign-cooling.sh when they exist), aimed at >= 2,000 connected events
# each.  Idempotent and resumable like the MD campaigns: a finished catalog
# is skipped, a started one continued with --resume (same build, same
# options: pel refuses a resume of another campaign).  Catalogs land in
# data/art/<sample>/events.csv and are committed; `analyse` fits each one and
# tests the decoupling across them (data/art/tests.csv).
#   scripts/campaign-art.sh [analyse] [sample ...]
# Environment: PEL (binary), PEL_MPIRUN (e.g. "mpirun -np 2": one campaign
# over the ranks, the same catalog), PEL_ART_THREADS (default 1).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pel=${PEL:-$here/build/pel}
out=$here/data/art
mode=run
if [ "${1:-}" = analyse ]; then mode=analyse; shift; fi
# 1,500 centres x 4 searches: at 35-45 % connected, >= 2,000 events
centres=random:1500 per_centre=4

declare -A data=(
    [qinf]=$here/data/samples/cu56zr44_n2000_qinf/glass.data
    [q1e13]=$here/data/samples/cu56zr44_n2000_q1e13/glass.data
    [q1e12]=$here/data/samples/cu56zr44_n2000_q1e12/glass.data
    [aged800]=$here/data/md/aged_800K/r1/final_is.data
    [aged700]=$here/data/md/aged_700K/r1/final_is.data
)
samples=("$@")
cats=()
[ ${#samples[@]} -gt 0 ] || samples=(q1e13 q1e12 qinf aged800 aged700)

for s in "${samples[@]}"; do
    f=${data[$s]:-}
    [ -n "$f" ] || { echo "campaign-art: unknown sample $s" >&2; exit 2; }
    cat=$out/$s/events.csv
    if [ $mode = analyse ]; then
        [ -s "$cat" ] && "$pel" fit "$cat" --bootstrap 200 --seed 1 --out "$out/$s/fit.csv" && cats+=("$cat")
        continue
    fi
    [ -e "$f" ] || { echo "campaign-art: $s: $f not made yet (campaign-cooling.sh aged), skipped" >&2; continue; }
    mkdir -p "$out/$s"
    resume=()
    [ -e "$cat" ] && resume=(--resume)
    echo "campaign-art: $s" >&2
    ${PEL_MPIRUN:-} "$pel" art --data "$f" --centers "$centres" --searches-per-center "$per_centre" --seed 1 \
        --threads "${PEL_ART_THREADS:-1}" --out "$cat" "${resume[@]}"
done
# across the samples: one e_R for all?  W, m, e_R against E_IS (docs/fit.md)
if [ $mode = analyse ] && [ ${#cats[@]} -ge 2 ]; then
    "$pel" fit "${cats[@]}" --tests "$out/tests.csv" --out "$out/fits.csv"
fi
