#!/usr/bin/env bash
# md_resume.sh - `pel md --checkpoint/--resume`: a run killed with SIGKILL and
# resumed ends with the thermo file, dump trajectory and final data file of an
# uninterrupted run, byte for byte; misuse and damaged state give one clear
# stderr line and a nonzero exit.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D="$PEL_SOURCE_DIR/tests/data/cuzr64.data"

A="--data $D --ensemble nvt --T 900 --seed 3 --steps 6000 --thermo 10 --dump-every 250 --checkpoint-every 500 --threads 1"
run() { # run <prefix> [extra args...]
    local p=$1
    shift
    "$PEL" md $A --out "$T/$p.data" --thermo-out "$T/$p.thermo" --dump "$T/$p.dump" --checkpoint "$T/$p.ck" "$@"
}

run ref 2>/dev/null || { echo "FAIL: uninterrupted run"; fails=$((fails + 1)); }
# Kill part-way (at least one checkpoint beyond step 0 must exist), resume.
# (exec: $! must be pel itself, not a subshell that would leave pel running)
(exec "$PEL" md $A --out "$T/k.data" --thermo-out "$T/k.thermo" --dump "$T/k.dump" --checkpoint "$T/k.ck" 2>/dev/null) &
pid=$!
for _ in $(seq 200); do
    [ -s "$T/k.thermo" ] && [ "$(wc -l <"$T/k.thermo")" -gt 150 ] && break
    sleep 0.01
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -e "$T/k.data" ]; then
    echo "NOTE: the run finished before the kill; resume then only rewrites the outputs"
fi
run k --resume 2>/dev/null || { echo "FAIL: resume"; fails=$((fails + 1)); }
for f in thermo dump data; do
    cmp -s "$T/ref.$f" "$T/k.$f" || { echo "FAIL: resumed $f differs from the uninterrupted run"; fails=$((fails + 1)); }
done
[ "$(wc -l <"$T/ref.thermo")" -eq 602 ] || { echo "FAIL: thermo lines"; fails=$((fails + 1)); }

# Misuse and damaged state.
expect_fail md "--resume needs --checkpoint" --data "$D" --ensemble nve --steps 10 --out "$T/x.data" --resume
expect_fail md "--checkpoint needs --thermo-out" --data "$D" --ensemble nve --steps 10 --out "$T/x.data" \
    --checkpoint "$T/x.ck"
expect_fail md "--checkpoint-every" --data "$D" --ensemble nve --steps 10 --out "$T/x.data" --thermo 0 \
    --checkpoint "$T/x.ck" --checkpoint-every 0
expect_fail md "exists|--resume" $A --out "$T/ref.data" --thermo-out "$T/ref.thermo" --dump "$T/ref.dump" \
    --checkpoint "$T/ref.ck"
expect_fail md "other options" ${A/--T 900/--T 1000} --out "$T/k.data" --thermo-out "$T/k.thermo" \
    --dump "$T/k.dump" --checkpoint "$T/k.ck" --resume
expect_fail md "no-such|cannot open" $A --out "$T/z.data" --thermo-out "$T/z.thermo" --dump "$T/z.dump" \
    --checkpoint "$T/no-such.ck" --resume
head -c 100 "$T/ref.ck" >"$T/bad.ck"
expect_fail md "corrupt" $A --out "$T/b.data" --thermo-out "$T/b.thermo" --dump "$T/b.dump" --checkpoint "$T/bad.ck" --resume
cp "$T/k.ck" "$T/s.ck"
: >"$T/s.thermo"
cp "$T/k.dump" "$T/s.dump"
expect_fail md "shorter than the checkpoint" $A --out "$T/s.data" --thermo-out "$T/s.thermo" --dump "$T/s.dump" \
    --checkpoint "$T/s.ck" --resume

[ "$fails" -eq 0 ] && echo "md_resume: all checks passed"
exit $((fails > 0))
