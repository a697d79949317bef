#!/usr/bin/env bash
# kill_quench.sh - `pel quench` (100 atoms) killed with SIGKILL at random
# moments (drawn from a seeded generator, once the checkpoint exists and new
# log lines arrived), resumed with --resume after each kill: cooling.csv and
# glass.data equal an uninterrupted run's byte for byte, and log.txt holds the
# uninterrupted run's thermo and sample lines, each once, in order.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
. "$(dirname "$0")/lib/kill.sh"
A=(quench --atoms 100 --rate 5e13 --from 1500 --to 1100 --equilibrate 0.1 --sample-every 100 --seed 9
    --checkpoint-every 500 --threads 1)
steps() { cut -d' ' -f2- "$1" | grep -E '^(step|sample) '; }

"$PEL" "${A[@]}" --out "$T/ref" >/dev/null 2>"$T/err" || { echo "FAIL: reference run: $(cat "$T/err")"; exit 1; }
logl() { if [ -f "$T/k/checkpoint.bin" ]; then lines "$T/k/log.txt"; else echo 0; fi; }
FRESH=("$PEL" "${A[@]}" --out "$T/k")
RESUME=("${FRESH[@]}" --resume)
kill_seed 1903
kill_chain quench 4 300 logl FRESH RESUME
for f in cooling.csv glass.data; do same "$T/ref/$f" "$T/k/$f" "resumed $f"; done
steps "$T/ref/log.txt" >"$T/ref.lines"
steps "$T/k/log.txt" >"$T/k.lines"
same "$T/ref.lines" "$T/k.lines" "step and sample lines of the resumed log.txt"

[ "$fails" -eq 0 ] && echo "kill_quench: all checks passed"
exit $((fails > 0))
