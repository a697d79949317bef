#!/usr/bin/env bash
# kill_protocol.sh - `pel md --protocol --replicas 2` (100 atoms) killed with
# SIGKILL at random moments (drawn from a seeded generator, once a checkpoint
# exists and new log lines arrived), resumed with --resume after each kill:
# each replica's protocol.csv and final.data, and mean.csv, equal an
# uninterrupted run's byte for byte.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
. "$(dirname "$0")/lib/kill.sh"
A=(md --protocol "eq@1500K; hold 0.3ps; cool 1300K@1e14K/s; hold 0.3ps" --atoms 100 --seed 5 --replicas 2
    --sample-every-K 100 --sample-every-ps 0.2 --checkpoint-every 250 --threads 1)

"$PEL" "${A[@]}" --out "$T/ref" >/dev/null 2>"$T/err" || { echo "FAIL: reference run: $(cat "$T/err")"; exit 1; }
logl() {
    if [ -f "$T/k/r1/checkpoint.bin" ]; then echo $(($(lines "$T/k/r1/log.txt") + $(lines "$T/k/r2/log.txt"))); else echo 0; fi
}
FRESH=("$PEL" "${A[@]}" --out "$T/k")
RESUME=("${FRESH[@]}" --resume)
kill_seed 1904
kill_chain protocol 5 300 logl FRESH RESUME
for f in r1/protocol.csv r1/final.data r2/protocol.csv r2/final.data mean.csv; do
    same "$T/ref/$f" "$T/k/$f" "resumed $f"
done

[ "$fails" -eq 0 ] && echo "kill_protocol: all checks passed"
exit $((fails > 0))
