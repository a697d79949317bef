#!/usr/bin/env bash
# md_protocol.sh - `pel md --protocol`:
#  - kill -9 in the middle of a run, then --resume: protocol.csv, final.data
#    and final_is.data equal the uninterrupted run's byte for byte, and the
#    log holds every sample line exactly once;
#  - a checkpoint committed to the repository (tests/data/mdrun_ck, written by
#    this build on another machine with --stop-after 3000) resumes here and
#    reaches the uninterrupted run's table (rewrite it with --stop-after 3000
#    when a change of the force engine moves the last bits);
#  - replicas: <dir>/r1, r2 and mean.csv whose E_IS mean and standard error
#    equal those computed from the two replica tables;
#  - bad input gets one line and a nonzero exit.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"

P="eq@1500K; hold 1ps; cool 1000K@1e14K/s; hold 2ps"
A=(--protocol "$P" --atoms 64 --seed 5 --sample-every-K 100 --sample-every-ps 0.5 --checkpoint-every 1500 --threads 1)
samples() { cut -d' ' -f2- "$1" | grep -E '^sample '; }

"$PEL" md "${A[@]}" --out "$T/ref" >/dev/null 2>"$T/err" || { echo "FAIL: reference run"; cat "$T/err"; fails=$((fails + 1)); }
[ "$(grep -c . "$T/ref/protocol.csv")" = 13 ] || { echo "FAIL: expected 12 samples + header"; cat "$T/ref/protocol.csv"; fails=$((fails + 1)); }

# committed checkpoint (global step 3000, in the cooling ramp)
cp -r "$PEL_SOURCE_DIR/tests/data/mdrun_ck" "$T/ck"
"$PEL" md "${A[@]}" --out "$T/ck" --resume >/dev/null 2>"$T/err" || { echo "FAIL: resume of the committed checkpoint"; cat "$T/err"; fails=$((fails + 1)); }
for f in protocol.csv final.data final_is.data; do
    cmp -s "$T/ref/$f" "$T/ck/$f" || { echo "FAIL: $f from the committed checkpoint differs"; fails=$((fails + 1)); }
done

# kill -9 once the 1200 K sample is logged (after the checkpoint at 3000), resume
(exec "$PEL" md "${A[@]}" --out "$T/k" >/dev/null 2>&1) &
pid=$!
for _ in $(seq 3000); do
    grep -q 'T_K 1200 ' "$T/k/log.txt" 2>/dev/null && break
    sleep 0.01
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -e "$T/k/protocol.csv" ]; then echo "FAIL: the kill came after the end"; fails=$((fails + 1)); fi
"$PEL" md "${A[@]}" --out "$T/k" --resume >/dev/null 2>"$T/err" || { echo "FAIL: resume after kill"; cat "$T/err"; fails=$((fails + 1)); }
for f in protocol.csv final.data final_is.data; do
    cmp -s "$T/ref/$f" "$T/k/$f" || { echo "FAIL: resumed $f differs from the uninterrupted run"; fails=$((fails + 1)); }
done
samples "$T/ref/log.txt" >"$T/a"
samples "$T/k/log.txt" >"$T/b"
cmp -s "$T/a" "$T/b" || { echo "FAIL: sample lines of the resumed log differ"; diff "$T/a" "$T/b" | head; fails=$((fails + 1)); }
"$PEL" md "${A[@]}" --out "$T/k" >/dev/null 2>"$T/err" && { echo "FAIL: a second start over a finished run"; fails=$((fails + 1)); }

# replicas and their mean
"$PEL" md "${A[@]}" --replicas 2 --out "$T/rep" >/dev/null 2>"$T/err" || { echo "FAIL: replicas"; cat "$T/err"; fails=$((fails + 1)); }
python3 - "$T/rep" <<'PY' || fails=$((fails + 1))
import csv, math, sys
d = sys.argv[1]
r = [list(csv.DictReader(open(f"{d}/r{k}/protocol.csv"))) for k in (1, 2)]
m = list(csv.DictReader(open(f"{d}/mean.csv")))
assert len(m) == len(r[0]) == len(r[1]) == 12, "row counts"
assert r[0][-1]["E_IS_eV_per_atom"] != r[1][-1]["E_IS_eV_per_atom"], "replicas are not independent"
for i, row in enumerate(m):
    e = [float(x[i]["E_IS_eV_per_atom"]) for x in r]
    mean = sum(e) / 2
    se = abs(e[0] - e[1]) / 2  # sd/sqrt(2) for two values
    assert abs(float(row["E_IS_eV_per_atom"]) - mean) < 1e-14, ("mean", i)
    assert abs(float(row["E_IS_se_eV_per_atom"]) - se) < 1e-12, ("se", i)
PY

# an IS that does not converge: refused (no final_is.data), or written and marked on request
U=(--protocol "eq@1500K; hold 0.5ps" --atoms 64 --seed 5 --sample-every-ps 0.25 --is-max-calls 3 --threads 1)
expect_fail md "did not converge|--allow-unconverged" "${U[@]}" --out "$T/u1"
[ -e "$T/u1/final_is.data" ] && { echo "FAIL: unconverged final_is.data written"; fails=$((fails + 1)); }
grep -q ',0,0$' "$T/u1/protocol.csv" || { echo "FAIL: unconverged rows not marked"; fails=$((fails + 1)); }
"$PEL" md "${U[@]}" --allow-unconverged --out "$T/u2" >/dev/null 2>"$T/err" || { echo "FAIL: --allow-unconverged"; fails=$((fails + 1)); }
[ -e "$T/u2/final_is.data" ] && grep -q "NOT CONVERGED" "$T/u2/final_is.data" && grep -q "did not converge" "$T/err" ||
    { echo "FAIL: --allow-unconverged output or note"; fails=$((fails + 1)); }

expect_fail md "eq@T" --protocol "E=-4.6@1000K; hold 1ps" --atoms 64 --out "$T/bad1"
expect_fail md "protocol column" --protocol "eq@1000K; hold -1ps" --atoms 64 --out "$T/bad2"
expect_fail md "--replicas" --protocol "eq@1000K; hold 1ps" --replicas 0 --out "$T/bad3"
expect_fail md "too long" --protocol "eq@1000K; hold 1s" --atoms 64 --out "$T/bad4"

[ "$fails" -eq 0 ] && echo "md_protocol: all checks passed"
exit $((fails > 0))
