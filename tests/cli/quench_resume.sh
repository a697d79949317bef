#!/usr/bin/env bash
# quench_resume.sh - `pel quench --resume` after a SIGKILL: log.txt holds every
# thermo (`step ...`) and sample line of an uninterrupted run exactly once and
# in the same order (each checkpoint records the log's length; the resume cuts
# the log back to it and says so in one `resume ... from the checkpoint at MD
# step S` line), and cooling.csv / glass.data equal the uninterrupted run's.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"

# 64 atoms, 100 + 20000 MD steps (a few seconds); thermo lines every 1000 steps
# of each phase, samples every 100 K (every 4000 cooling steps), checkpoints at
# global MD steps 0, 8000 and 16000 (cooling steps 7900 and 15900).
QA="--atoms 64 --rate 2.5e13 --T 1500 --T-stop 1000 --equilibrate 0.1 --sample-every 100 --seed 3
    --checkpoint-every 8000 --threads 1"
# the thermo and sample lines of a log, without their timestamps
lines() { cut -d' ' -f2- "$1" | grep -E '^(step|sample) '; }

"$PEL" quench $QA --out "$T/ref" >/dev/null 2>"$T/err" || { echo "FAIL: reference quench"; cat "$T/err"; fails=$((fails + 1)); }

# Kill once cooling step 9000 is logged: after the checkpoint at cooling step
# 7900, whose lines for steps 8000 and 9000 (and the 1300 K sample) are then
# logged but not covered by a checkpoint, and long (6900 steps) before the next.
# (exec: $! must be pel itself, not a subshell that would leave pel running)
(exec "$PEL" quench $QA --out "$T/k" >/dev/null 2>&1) &
pid=$!
for _ in $(seq 3000); do
    grep -q ' step 9000 ' "$T/k/log.txt" 2>/dev/null && break
    sleep 0.01
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
cp "$T/k/log.txt" "$T/killed.log" 2>/dev/null
if [ -e "$T/k/cooling.csv" ] || ! grep -q ' step 9000 ' "$T/killed.log"; then
    echo "FAIL: the kill did not land between cooling steps 9000 and 15900 (machine too slow or too fast?)"
    fails=$((fails + 1))
fi
"$PEL" quench $QA --out "$T/k" --resume >/dev/null 2>"$T/err" || { echo "FAIL: resume"; cat "$T/err"; fails=$((fails + 1)); }

# the killed log's lines are the reference's first ones (sanity), with some past the checkpoint
lines "$T/ref/log.txt" >"$T/ref.lines"
lines "$T/killed.log" >"$T/killed.lines"
nk=$(wc -l <"$T/killed.lines")
head -n "$nk" "$T/ref.lines" | cmp -s - "$T/killed.lines" || { echo "FAIL: killed log is not a prefix of the reference"; fails=$((fails + 1)); }
# no line twice, and the same lines in the same order as the uninterrupted run
lines "$T/k/log.txt" >"$T/k.lines"
dups=$(sort "$T/k.lines" | uniq -d)
[ -z "$dups" ] || { echo "FAIL: resumed log.txt repeats lines:"; echo "$dups" | head -5; fails=$((fails + 1)); }
cmp -s "$T/ref.lines" "$T/k.lines" || {
    echo "FAIL: resumed log.txt step/sample lines differ from the uninterrupted run"
    diff "$T/ref.lines" "$T/k.lines" | head -10
    fails=$((fails + 1))
}
# one start line, then exactly one resume line, from the checkpoint at MD step 8000,
# placed right after the line of the last thermo step before it (cooling step 7000)
[ "$(grep -c ' start quench ' "$T/k/log.txt")" = 1 ] || { echo "FAIL: start lines"; fails=$((fails + 1)); }
rl=$(cut -d' ' -f2- "$T/k/log.txt" | grep -E '^resume')
[ "$(printf '%s\n' "$rl" | grep -c .)" = 1 ] && printf '%s\n' "$rl" | grep -q '^resume quench .* from the checkpoint at MD step 8000 ' ||
    { echo "FAIL: resume line: $rl"; fails=$((fails + 1)); }
cut -d' ' -f2- "$T/k/log.txt" | grep -B1 -A1 '^resume' | cut -d' ' -f1-3 | tr '\n' '|' |
    grep -qx 'step 7000 T_K|resume quench Cu56Zr44|step 8000 T_K|' || {
    echo "FAIL: resume line not where the checkpoint was:"; grep -B1 -A1 ' resume' "$T/k/log.txt"; fails=$((fails + 1)); }
[ "$(grep -c ' done: ' "$T/k/log.txt")" = 1 ] || { echo "FAIL: done lines"; fails=$((fails + 1)); }
for f in cooling.csv glass.data; do
    cmp -s "$T/ref/$f" "$T/k/$f" || { echo "FAIL: resumed $f differs from the uninterrupted run"; fails=$((fails + 1)); }
done

[ "$fails" -eq 0 ] && echo "quench_resume: all checks passed"
exit $((fails > 0))
