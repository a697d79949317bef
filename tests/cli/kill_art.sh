#!/usr/bin/env bash
# kill_art.sh - `pel art` killed with SIGKILL at random moments (drawn from a
# seeded generator, after a new catalog row each time), resumed with --resume
# after each kill: the catalog equals an uninterrupted run's byte for byte.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
. "$(dirname "$0")/lib/kill.sh"
ARGS=(art --data "$PEL_SOURCE_DIR/tests/data/art_cuzr250.data" --centers random:2 --searches-per-center 3 --seed 11
    --max-calls 1200 --quiet --threads 1)

"$PEL" "${ARGS[@]}" --out "$T/ref.csv" >/dev/null 2>"$T/err" || { echo "FAIL: reference run: $(cat "$T/err")"; exit 1; }
rows() { lines "$T/k.csv"; }
FRESH=("$PEL" "${ARGS[@]}" --out "$T/k.csv")
RESUME=("${FRESH[@]}" --resume)
kill_seed 1901
kill_chain art 4 400 rows FRESH RESUME
same "$T/ref.csv" "$T/k.csv" "resumed catalog"

[ "$fails" -eq 0 ] && echo "kill_art: all checks passed"
exit $((fails > 0))
