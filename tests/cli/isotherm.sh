#!/usr/bin/env bash
# isotherm.sh - `pel isotherm` on synthetic hold tables made from a known
# equilibrium energy (-4.66 eV/atom at 1100 K, noise 1.5 meV): runs relaxing
# onto it from above and below give a row with met = 1 and E_eq within 3
# standard errors of the truth; a "below" side that settles 6 meV higher gives
# met = 0, exit 3 and the reason on stderr; replicas in r1/r2/r3 are pooled;
# --append writes the header once; bad input gets one line.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"

# make DIR E_FINAL AMPLITUDE SEED [REPLICAS]: protocol.csv tables of a 200-sample hold
make() {
    python3 - "$@" <<'PY'
import math, os, random, sys
d, e_fin, amp, seed = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
reps = int(sys.argv[5]) if len(sys.argv) > 5 else 0
hdr = "T_K,E_IS_eV_per_atom,V_A3_per_atom,E_pot_eV_per_atom,V_IS_A3_per_atom,P_bar,T_inst_K,t_ps,IS_converged,segment"
for r in range(max(reps, 1)):
    out = f"{d}/r{r + 1}" if reps else d
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed + r)
    with open(f"{out}/protocol.csv", "w") as f:
        f.write(hdr + "\n")
        f.write(f"2000,-4.64,18,-4.3,17.3,0,2000,0,1,0\n")  # an earlier segment: ignored
        for i in range(200):
            e = e_fin + amp * math.exp(-i / 10) + rng.gauss(0, 0.0015)
            f.write(f"1100,{e!r},17.8,-4.5,17.2,0,1100,{1 + 2 * i},1,1\n")
PY
}
make "$T/above" -4.66 0.02 1
make "$T/below" -4.66 -0.03 100
make "$T/high" -4.654 -0.03 200
make "$T/repA" -4.66 0.02 300 3
make "$T/repB" -4.66 -0.03 400 3

"$PEL" isotherm --above "$T/above" --below "$T/below" --append "$T/eq.csv" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: meeting sides exit $rc: $(cat "$T/err")"; fails=$((fails + 1)); }
python3 - "$T/out" <<'PY' || fails=$((fails + 1))
import sys
T, E, se, *rest = open(sys.argv[1]).read().split(",")
met = int(rest[-1])
assert met == 1, "met"
assert abs(float(E) + 4.66) < 3 * float(se) and float(se) < 0.001, (E, se)
assert float(T) == 1100
PY
"$PEL" isotherm --above "$T/above" --below "$T/high" --append "$T/eq.csv" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] || { echo "FAIL: sides 6 meV apart exit $rc"; fails=$((fails + 1)); }
grep -q ",0$" "$T/out" || { echo "FAIL: row not marked met = 0: $(cat "$T/out")"; fails=$((fails + 1)); }
grep -q "do not meet" "$T/err" || { echo "FAIL: reason: $(cat "$T/err")"; fails=$((fails + 1)); }
[ "$(grep -c '^T_K,' "$T/eq.csv")" = 1 ] && [ "$(wc -l <"$T/eq.csv")" = 3 ] ||
    { echo "FAIL: --append file"; cat "$T/eq.csv"; fails=$((fails + 1)); }
"$PEL" isotherm --above "$T/repA" --below "$T/repB" --header >"$T/out" 2>"$T/err" ||
    { echo "FAIL: replicas: $(cat "$T/err")"; fails=$((fails + 1)); }
tail -n 1 "$T/out" | awk -F, '$11 != 3 || $12 != 1 { exit 1 }' || { echo "FAIL: replica row: $(cat "$T/out")"; fails=$((fails + 1)); }

expect_fail isotherm "no finished run" --above "$T/nothing" --below "$T/below"
expect_fail isotherm "--above" --below "$T/below"
expect_fail isotherm "--max-se" --above "$T/above" --below "$T/below" --max-se -1
mkdir -p "$T/short" && head -n 5 "$T/above/protocol.csv" >"$T/short/protocol.csv"
expect_fail isotherm "need at least" --above "$T/short" --below "$T/below"

[ "$fails" -eq 0 ] && echo "isotherm: all checks passed"
exit $((fails > 0))
