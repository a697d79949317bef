#!/usr/bin/env bash
# campaign-cooling.sh - MD cooling curves with replicas, the slow 3e11 K/s
# curve, aged glasses and the paper's Fig. 5 truncated scans from pel's own
# atoms (docs/md.md).  Idempotent and resumable like campaign-eqline.sh:
# finished runs are skipped, started ones resumed from their checkpoints
# (same build).  Tasks in the order they pay for the calibration; pass task
# names to run only those.  Everything lands under data/md/ and is committed.
#   scripts/campaign-cooling.sh [cool13|cool12|cool3e11|aged|scan ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pel=${PEL:-$here/build/pel}
out=$here/data/md
glass12=$here/data/samples/cu56zr44_n2000_q1e12/glass.data
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(cool13 cool12 aged scan cool3e11)

# run DIR REPLICAS ARGS...: start or resume a `pel md --protocol` run
run() {
    local dir=$1 rep=$2; shift 2
    local resume=()
    [ -e "$dir/r1/checkpoint.bin" ] || [ -e "$dir/r1/protocol.csv" ] && resume=(--resume)
    [ -e "$dir/mean.csv" ] && [ "$(ls -d "$dir"/r* | wc -l)" -ge "$rep" ] && return 0
    echo "campaign: $dir $*" >&2
    "$pel" md "$@" --replicas "$rep" --threads 1 --min-algo cg --out "$dir" "${resume[@]}"
}

for t in "${tasks[@]}"; do
    case $t in
    cool13) # 20 ps at 2000 K, then 1e13 K/s to 100 K: 210 k steps per replica
        run "$out/cool_1e13" 5 --protocol "eq@2000K; hold 20ps; cool 100K@1e13K/s" --composition Cu56Zr44 \
            --atoms 2000 --seed 101 --sample-every-K 25 --sample-every-ps 0 ;;
    cool12) # 1e12 K/s: 1.9 M steps per replica
        run "$out/cool_1e12" 3 --protocol "eq@2000K; hold 20ps; cool 100K@1e12K/s" --composition Cu56Zr44 \
            --atoms 2000 --seed 201 --sample-every-K 25 --sample-every-ps 0 ;;
    aged) # the 1e12 glass held 2 ns at 700 K and at 800 K: deeper samples for ART
        for T in 700 800; do
            run "$out/aged_${T}K" 1 --protocol "eq@${T}K; hold 2ns; cool 100K@1e13K/s" --data "$glass12" \
                --seed 301 --sample-every-ps 100 --sample-every-K 100
        done ;;
    scan) # paper Fig. 5 in MD: heat the 1e12 glass at 1e12 K/s to T_turn, cool back at 1e12 K/s
        for Tt in 900 950 1000; do
            run "$out/scan_${Tt}K" 3 --protocol "eq@600K; heat ${Tt}K@1e12K/s; cool 600K@1e12K/s" --data "$glass12" \
                --seed 401 --sample-every-K 10
        done ;;
    cool3e11) # one replica at 3e11 K/s: 6.3 M steps, continued from checkpoint to checkpoint
        run "$out/cool_3e11" 1 --protocol "eq@2000K; hold 20ps; cool 100K@3e11K/s" --composition Cu56Zr44 \
            --atoms 2000 --seed 501 --sample-every-K 25 --sample-every-ps 0 ;;
    *) echo "unknown task $t" >&2; exit 2 ;;
    esac
done
