#!/usr/bin/env bash
# quench_errors.sh - bad-input classes of `pel quench`, `pel minimize` and
# `pel md`: nonzero exit, exactly one stderr line "pel <cmd>: ..." naming the
# problem, no output file left behind.  Then the good paths: a small quench
# stopped at a checkpoint and resumed from the command line writes the same
# cooling.csv and glass.data as an uninterrupted run; minimize and md write
# their data files and print the documented forms.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
G="$PEL_SOURCE_DIR/tests/data/art_cuzr250.data"
export OMP_NUM_THREADS=1

Q="--atoms 64 --equilibrate 0.1 --sample-every 500"
# quench: options and values
expect_fail quench "required" --rate 1e14 $Q
expect_fail quench "rate" --rate abc --out "$T/q" $Q
expect_fail quench "rate" --rate 0 --out "$T/q0" $Q
expect_fail quench "rate" --rate -1e13 --out "$T/q1" $Q
expect_fail quench "atoms" --atoms 1 --rate 1e14 --out "$T/q2"
expect_fail quench "atoms" --atoms 12x --rate 1e14 --out "$T/q2"
expect_fail quench "not in the potential" --composition Cu50Al50 --rate 1e14 --out "$T/q3" $Q
expect_fail quench "malformed composition" --composition cuzr --rate 1e14 --out "$T/q3" $Q
expect_fail quench "final temperature" --T 1000 --T-stop 1500 --rate 1e14 --out "$T/q4" $Q
expect_fail quench "--sample-every|> 0 K" --rate 1e14 --out "$T/q4" --atoms 64 --sample-every 0
expect_fail quench "too fast" --rate 1e19 --out "$T/q4" $Q
expect_fail quench "density" --density nan --rate 1e14 --out "$T/q4" $Q
expect_fail quench "unknown option" --bogus 1 --rate 1e14 --out "$T/q4" $Q
expect_fail quench "--min-algo|bfgs" --min-algo bfgs --rate 1e14 --out "$T/q4" $Q
expect_fail quench "no checkpoint" --resume --rate 1e14 --out "$T/q5" $Q
expect_fail quench "cannot open" --potential "$T/none.eam.fs" --rate 1e14 --out "$T/q6" $Q
for d in q q0 q1 q2 q3 q4 q5 q6; do
    if [ -e "$T/$d/cooling.csv" ] || [ -e "$T/$d/glass.data" ]; then
        echo "FAIL: output left in $d"; fails=$((fails + 1))
    fi
done

# minimize
expect_fail minimize "required" --out "$T/m.data"
expect_fail minimize "required" --data "$G"
expect_fail minimize "cannot open" --data "$T/missing.data" --out "$T/m.data"
expect_fail minimize "--box|fixed|iso|aniso" --data "$G" --out "$T/m.data" --box aniso
expect_fail minimize "--min-algo|fire|newton" --data "$G" --out "$T/m.data" --min-algo newton
expect_fail minimize "ftol" --data "$G" --out "$T/m.data" --ftol -1
expect_fail minimize "ftol" --data "$G" --out "$T/m.data" --ftol 1e-6x
expect_fail minimize "not converged" --data "$G" --out "$T/m.data" --max-calls 3 --box iso --P 20000
expect_fail minimize "Xx|element" --data "$G" --out "$T/m.data" --elements Cu,Xx
[ -e "$T/m.data" ] && { echo "FAIL: minimize left m.data"; fails=$((fails + 1)); }

# md
expect_fail md "ensemble" --data "$G" --out "$T/d.data" --steps 10 --T 300
expect_fail md "--ensemble|nph" --data "$G" --out "$T/d.data" --ensemble nph --steps 10 --T 300
expect_fail md "--T" --data "$G" --out "$T/d.data" --ensemble nvt --steps 10
expect_fail md "steps" --data "$G" --out "$T/d.data" --ensemble nve --steps -5
expect_fail md "dt" --data "$G" --out "$T/d.data" --ensemble nve --steps 5 --dt 0
expect_fail md "dump-every" --data "$G" --out "$T/d.data" --ensemble nve --steps 5 --dump "$T/d.dump"
expect_fail md "cannot open" --data "$T/missing.data" --out "$T/d.data" --ensemble nve --steps 5
expect_fail md "blew up" --data "$G" --out "$T/d.data" --ensemble nve --steps 50 --T 2e5 --seed 1 --dt 0.01 --thermo 0
[ -e "$T/d.data" ] && { echo "FAIL: md left d.data"; fails=$((fails + 1)); }
[ -e "$T/d.dump" ] && { echo "FAIL: md left d.dump"; fails=$((fails + 1)); }

# good paths: minimize prints the fixed form; md writes its outputs
"$PEL" minimize --data "$G" --out "$T/m.data" --box iso --min-algo cg >"$T/out" 2>"$T/err" || {
    echo "FAIL: minimize"; cat "$T/err"; fails=$((fails + 1)); }
grep -Eq '^E_per_atom_eV=-[0-9.]+(e[-+][0-9]+)?$' "$T/out" || { echo "FAIL: minimize output"; cat "$T/out"; fails=$((fails + 1)); }
"$PEL" md --data "$G" --out "$T/d.data" --ensemble npt --T 500 --seed 2 --steps 40 --thermo 20 \
    --dump "$T/d.dump" --dump-every 20 >"$T/out" 2>"$T/err" || { echo "FAIL: md"; cat "$T/err"; fails=$((fails + 1)); }
[ "$(grep -c '^ITEM: TIMESTEP' "$T/d.dump" 2>/dev/null)" = 3 ] || { echo "FAIL: dump frames"; fails=$((fails + 1)); }
[ "$(wc -l <"$T/out")" = 4 ] || { echo "FAIL: md thermo lines"; cat "$T/out"; fails=$((fails + 1)); }

# quench: stop at a checkpoint, refuse to overwrite, resume = uninterrupted
QA="--atoms 64 --rate 2e14 --T 1500 --T-stop 1000 --equilibrate 0.2 --sample-every 250 --seed 3 --checkpoint-every 400"
"$PEL" quench $QA --out "$T/ref" >/dev/null 2>"$T/err" || { echo "FAIL: reference quench"; cat "$T/err"; fails=$((fails + 1)); }
"$PEL" quench $QA --out "$T/res" --stop-after 1000 >/dev/null 2>"$T/err"
[ $? -ne 0 ] && grep -q "stopped at step 1200" "$T/err" || { echo "FAIL: --stop-after"; cat "$T/err"; fails=$((fails + 1)); }
[ -e "$T/res/cooling.csv" ] && { echo "FAIL: stopped run wrote cooling.csv"; fails=$((fails + 1)); }
expect_fail quench "exists" $QA --out "$T/res"
expect_fail quench "other parameters" --atoms 64 --rate 1e14 --T 1500 --T-stop 1000 --equilibrate 0.2 \
    --sample-every 250 --seed 3 --checkpoint-every 400 --out "$T/res" --resume
"$PEL" quench $QA --out "$T/res" --resume >/dev/null 2>"$T/err" || { echo "FAIL: resume"; cat "$T/err"; fails=$((fails + 1)); }
cmp -s "$T/ref/cooling.csv" "$T/res/cooling.csv" || { echo "FAIL: resumed cooling.csv differs"; diff "$T/ref/cooling.csv" "$T/res/cooling.csv"; fails=$((fails + 1)); }
cmp -s "$T/ref/glass.data" "$T/res/glass.data" || { echo "FAIL: resumed glass.data differs"; fails=$((fails + 1)); }
head -1 "$T/ref/cooling.csv" | grep -q '^T_K,E_IS_eV_per_atom,V_A3_per_atom,E_pot_eV_per_atom' || { echo "FAIL: csv header"; fails=$((fails + 1)); }
[ "$(wc -l <"$T/ref/cooling.csv")" = 4 ] || { echo "FAIL: csv rows"; cat "$T/ref/cooling.csv"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "quench_errors: all passed"
exit "$fails"
