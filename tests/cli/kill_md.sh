#!/usr/bin/env bash
# kill_md.sh - `pel md --checkpoint` (NVT, 250 atoms) killed with SIGKILL at
# random moments (drawn from a seeded generator, once the checkpoint exists
# and new thermo lines arrived), resumed with --resume after each kill: the
# thermo file, dump and final data file equal an uninterrupted run's byte for
# byte.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
. "$(dirname "$0")/lib/kill.sh"
A=(md --data "$PEL_SOURCE_DIR/tests/data/art_cuzr250.data" --ensemble nvt --T 900 --seed 7 --steps 1000 --thermo 10
    --dump-every 100 --checkpoint-every 100 --threads 1)
out() { echo --out "$T/$1.data" --thermo-out "$T/$1.thermo" --dump "$T/$1.dump" --checkpoint "$T/$1.ck"; }

# shellcheck disable=SC2046
"$PEL" "${A[@]}" $(out ref) >/dev/null 2>"$T/err" || { echo "FAIL: reference run: $(cat "$T/err")"; exit 1; }
thermo() { if [ -f "$T/k.ck" ]; then lines "$T/k.thermo"; else echo 0; fi; }
# shellcheck disable=SC2207
FRESH=("$PEL" "${A[@]}" $(out k))
RESUME=("${FRESH[@]}" --resume)
kill_seed 1902
kill_chain md 4 300 thermo FRESH RESUME
for f in thermo dump data; do same "$T/ref.$f" "$T/k.$f" "resumed $f"; done

[ "$fails" -eq 0 ] && echo "kill_md: all checks passed"
exit $((fails > 0))
