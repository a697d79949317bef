#!/usr/bin/env bash
# loud_failures.sh - results that would be wrong are never printed with exit
# 0: an unconverged final inherent structure of `pel quench` (an error, or
# marked everywhere with --allow-unconverged), the model run outside the
# material's calibrated energy range (warning + JSON fields), subnormal or
# overflowing protocol numbers, non-finite MD thermo, a torn or ragged CSV;
# an all-zero Velocities section gets velocities at --T and a note.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D="$PEL_SOURCE_DIR/tests/data/cuzr64.data"
export OMP_NUM_THREADS=1
check() { # check <description> <command...>: the command must succeed
    local what=$1
    shift
    "$@" || { echo "FAIL: $what"; fails=$((fails + 1)); }
}

# protocol numbers: a subnormal rate, a total time that overflows
expect_fail run "rate|smallest normal" --protocol "eq@2000K; cool 300K@1e-320K/s" --json
expect_fail run "hold duration|smallest normal" --protocol "eq@2000K; hold 1e-300ps" --json
expect_fail run "total time overflows" --protocol "eq@2000K; hold 1e308s; hold 1e308s" --json
expect_fail run "--dT|1e-320" --protocol "eq@2000K; cool 1900K@1e12K/s" --dT 1e-320

# calibrated range of cu56zr44-paper: [-5.2, -4.3] eV/atom; 1 K/s cooling ends below -5.4
"$PEL" run --material cu56zr44-paper --protocol "eq@2000K; cool 300K@1K/s" --json >"$T/slow.json" 2>"$T/err"
check "slow cooling run" [ $? -eq 0 ]
check "warning line" grep -q "^pel run: warning: E left the calibrated range \[-5.2, -4.3\]" "$T/err"
check "one stderr line" [ "$(wc -l <"$T/err")" -eq 1 ]
check "JSON flag" grep -q '"outside_calibrated_range": true' "$T/slow.json"
E=$(sed -n 's/.*"final_E_eV_per_atom": \(.*\),/\1/p' "$T/slow.json")
F=$(sed -n 's/.*"E_outside_calibrated_range_eV_per_atom": \(.*\),/\1/p' "$T/slow.json")
check "farthest E is below E_lo and not above the final E" awk -v e="$E" -v f="$F" 'BEGIN { exit !(f < -5.2 && f <= e + 1e-12) }'
"$PEL" run --material cu56zr44-paper --protocol "eq@2000K; cool 1500K@1e12K/s" --json >"$T/fast.json" 2>"$T/err"
check "in-range run is silent" [ ! -s "$T/err" ]
check "JSON flag false" grep -q '"outside_calibrated_range": false' "$T/fast.json"

# md: velocities of 1e300 -> refused when the data file is read, nothing written
awk '/^Velocities/ { v = 1 } v && $1 == "1" && NF == 4 { $2 = "1e300" } { print }' "$D" >"$T/hot.data"
expect_fail md "velocity 1e+300" --data "$T/hot.data" --ensemble nve --steps 0 --out "$T/hot.out"
expect_fail md "velocity 1e+300" --data "$T/hot.data" --ensemble nve --steps 0 --thermo 0 --out "$T/hot.out"
[ -e "$T/hot.out" ] && { echo "FAIL: md wrote a non-finite state"; fails=$((fails + 1)); }
# md: an all-zero Velocities section (LAMMPS write_data after a minimisation)
awk '/^Velocities/ { v = 1 } v && NF == 4 { $2 = 0; $3 = 0; $4 = 0 } { print }' "$D" >"$T/rest.data"
"$PEL" md --data "$T/rest.data" --ensemble nvt --T 900 --steps 0 --out "$T/rest.out" >"$T/th" 2>"$T/err"
check "md from rest" [ $? -eq 0 ]
check "note on stderr" grep -q "^pel md: note: the Velocities of .* are all zero; velocities created at --T" "$T/err"
# created velocities are scaled to exactly --T (LAMMPS velocity create)
check "T at step 0 is --T" awk -F, 'NR == 2 { exit !($1 == 0 && $2 > 900 - 1e-6 && $2 < 900 + 1e-6) }' "$T/th"

# quench: the final inherent structure does not converge within 5 force calls
QA="--atoms 64 --rate 2e14 --T 1500 --T-stop 1000 --equilibrate 0.2 --sample-every 250 --seed 3 --threads 1 --is-max-calls 5"
"$PEL" quench $QA --out "$T/qa" >"$T/out" 2>"$T/err"
check "unconverged quench fails" [ $? -ne 0 ]
check "one error line" [ "$(grep -c "^pel quench: the final inherent structure did not converge" "$T/err")" -eq 1 ]
[ -e "$T/qa/glass.data" ] && { echo "FAIL: glass.data written for an unconverged IS"; fails=$((fails + 1)); }
check "cooling.csv marks it" awk -F, 'END { exit !($NF == 0) }' "$T/qa/cooling.csv"
"$PEL" quench $QA --out "$T/qb" --allow-unconverged >"$T/out" 2>"$T/err"
check "--allow-unconverged" [ $? -eq 0 ]
check "stdout marks it" grep -q "unconverged=1$" "$T/out"
check "glass.data marks it" grep -q "UNCONVERGED" "$T/qb/glass.data"
check "log.txt marks it" grep -q "UNCONVERGED" "$T/qb/log.txt"

# CSV reader: a cooling table torn mid-row, a row with a missing cell
"$PEL" run --protocol "eq@2000K; cool 1900K@1e12K/s" --out "$T/tr.csv"
head -c -9 "$T/tr.csv" >"$T/torn.csv"
expect_fail plot "line 102|end of line" "$T/torn.csv" --x T_K --y E_eV_per_atom --out "$T/torn.png"
printf 'T_K,E_eV\n300,-4.7\n400\n' >"$T/short.csv"
expect_fail plot "line 3|1 cells" "$T/short.csv" --x T_K --y E_eV --out "$T/short.png"
{ printf 'a'; printf ',a%.0s' $(seq 100000); printf '\n1\n'; } >"$T/wide.csv"
expect_fail plot "columns" "$T/wide.csv" --x a --y a --out "$T/wide.png"

[ "$fails" -eq 0 ] && echo "loud_failures: all checks passed"
exit $((fails > 0))
