#!/usr/bin/env bash
# fit_errors.sh - every bad-input class of `pel fit` gives a nonzero exit and
# exactly one stderr line naming the problem, and writes nothing.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D="$PEL_SOURCE_DIR/tests/data"

hdr="search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV"
{ echo "$hdr"; for i in $(seq 1 30); do echo "$i,1,converged,-10,-9,-9.5,1.0$i,0.5"; done
  echo "31,1,converged,-10,-9,-9.5,abc,0.5"; } >"$T/corrupt.csv"
{ echo "$hdr"; for i in $(seq 1 30); do echo "$i,1,converged,-10,-9,-9.5,1.0$i"; done; } >"$T/short.csv"
{ echo "$hdr"; for i in $(seq 1 30); do echo "$i,1,failed_climb,-10,,,,"; done; } >"$T/nofit.csv"
{ echo "$hdr"; for i in $(seq 1 10); do echo "$i,1,converged,-10,-9,-9.5,1.0$i,0.5"; done; } >"$T/few.csv"
printf 'T_K,E_IS_eV_per_atom\n1000,-4.6\n' >"$T/notcat.csv"
: >"$T/empty.csv"

expect_fail fit "cannot open" "$T/missing.csv"
expect_fail fit "no catalog" --json
expect_fail fit "--bootstrap" "$D/fit_catalog_a.csv" --bootstrap abc
expect_fail fit "--bootstrap" "$D/fit_catalog_a.csv" --bootstrap -1
expect_fail fit "--eA" "$D/fit_catalog_a.csv" --eA 1e999
expect_fail fit "--eA" "$D/fit_catalog_a.csv" --eA 0
expect_fail fit "--ci" "$D/fit_catalog_a.csv" --ci 1.5
expect_fail fit "--EA-min" "$D/fit_catalog_a.csv" --EA-min -1
expect_fail fit "--atoms" "$D/fit_catalog_a.csv" --atoms 0
expect_fail fit "unknown" "$D/fit_catalog_a.csv" --bogus
expect_fail fit "corrupt.csv:32:" "$T/corrupt.csv"
expect_fail fit "short.csv:2: 7 fields" "$T/short.csv"
expect_fail fit "no usable" "$T/nofit.csv"
expect_fail fit "at least 20" "$T/few.csv"
expect_fail fit "not an event catalog" "$T/notcat.csv"
expect_fail fit "empty" "$T/empty.csv"
expect_fail fit "--E-IS" "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" --E-IS -4.6
expect_fail fit "--E-IS" "$D/fit_catalog_a.csv" --E-IS x
expect_fail fit "IS energy unknown" "$D/fit_log.event" --E-from-catalog
# a good catalog followed by a bad one: nothing written at all
expect_fail fit "cannot open" "$D/fit_catalog_a.csv" "$T/missing.csv" --out "$T/table.csv"
[ -e "$T/table.csv" ] && { echo "FAIL: partial output written"; fails=$((fails + 1)); }
expect_fail fit "cannot write" "$D/fit_catalog_a.csv" --out "$T/no/such/dir/table.csv"

# calibration and cooling-table classes
printf 'T_K,E_IS_eV_per_atom\n' >"$T/line.csv"
for t in 1500 1400 1300 1200 1100 1000 900 800; do echo "$t,$(awk -v t=$t 'BEGIN{print -4.8+1e-4*t}')" >>"$T/line.csv"; done
printf 'T_K,E_pot\n1000,-4.6\n' >"$T/nocol.csv"
printf 'T_K,E_IS_eV_per_atom\n1000,-4.6\n900,x\n' >"$T/badnum.csv"
expect_fail fit "needs --out" "$D/fit_catalog_a.csv" --calibrate cu56zr44-paper
expect_fail fit "unknown material" "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" --calibrate nosuch --out "$T/m.ini"
expect_fail fit "IS energy" "$D/fit_catalog_a.csv" "$D/fit_log.event" --calibrate cu56zr44-paper --out "$T/m.ini"
# barriers of ~0.03 eV only: the fit ends on m's bound and has no standard errors
awk -F, -v OFS=, '/^#/ || /^search_id/ { print; next } { $7 = -0.03 * log(((NR * 37) % 101 + 0.5) / 101); print }' \
    "$D/fit_catalog_a.csv" >"$T/tiny.csv"
expect_fail fit "parameter bound" "$D/fit_catalog_a.csv" "$T/tiny.csv" --calibrate cu56zr44-paper --out "$T/m.ini"
expect_fail fit "free parameters" "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" --calibrate cu56zr44-paper \
    --calibrate-free W_inf,W_top,W_E0 --out "$T/m.ini"
expect_fail fit "unknown parameter" "$D/fit_catalog_a.csv" --calibrate cu56zr44-paper --calibrate-free W_x --out "$T/m.ini"
[ -e "$T/m.ini" ] && { echo "FAIL: material written on error"; fails=$((fails + 1)); }
expect_fail fit "no transition" --eq-line "$T/line.csv"
expect_fail fit "missing column" --eq-line "$T/nocol.csv"
expect_fail fit "badnum.csv:3: E_IS" --eq-line "$T/badnum.csv"
expect_fail fit "cannot open" --eq-line "$T/missing.csv"
expect_fail fit "--margin" --eq-line "$T/line.csv" --margin -5
expect_fail fit "no catalogs" --eq-line "$T/line.csv" "$D/fit_catalog_a.csv"

[ "$fails" -eq 0 ] && echo "fit_errors: all passed"
exit "$fails"
