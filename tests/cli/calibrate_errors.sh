#!/usr/bin/env bash
# calibrate_errors.sh - every refusal of `pel calibrate` is one stderr line and
# a nonzero exit, and no material file is written (issue 14: missing
# columns, a single sample, a parameter on its bound, no convergence, zero
# degrees of freedom, bad options).
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
. "$(dirname "$0")/lib/calib_data.sh"
out="$T/m.ini"
check_no_file() { [ -e "$out" ] && { echo "FAIL: $out written after a refusal"; fails=$((fails + 1)); rm -f "$out"; }; }
md="--md $T/md_1e13.csv@1e13 --md $T/md_1e12.csv@1e12"
cats="--catalog $D/fit_catalog_a.csv --catalog $D/fit_catalog_b.csv"

# catalogs of the M1 mode only (E_A at the exact quantiles of an exponential,
# W = 1): the logistic W's levels run to their bound
for e in -4.60 -4.70; do
    { echo "# E_IS_eV_per_atom=$e"; echo "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV"
      awk 'BEGIN { for (i = 1; i <= 200; i++) printf "%d,0,converged,-1,0,-1,%.9f,%.9f\n", i, -0.5 * log((i - 0.5) / 200), -0.3 * log((i - 0.5) / 200) }'
    } >"$T/m1_$e.csv"
done
printf 'T_K,E_IS_eV_per_atom\n2000,-4.6\n' >"$T/two.csv" # tiny
{ echo "T_K,E_eV_per_atom"; echo "2000,-4.6"; echo "1900,-4.61"; } >"$T/nocol.csv"
{ echo "T_K,E_eq_eV_per_atom"; echo "2000,-4.6"; } >"$T/eq_nose.csv"
{ echo "# n_atoms=2000"; echo "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV"
  echo "1,0,converged,-9300,-9299,-9299.5,1.0,0.5"; } >"$T/one_a.csv"
{ echo "# n_atoms=2000"; echo "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV"
  echo "1,0,converged,-9400,-9399.2,-9399.5,0.8,0.3"; } >"$T/one_b.csv"

expect_fail calibrate "missing column E_IS_eV_per_atom" --md "$T/nocol.csv@1e12" $cats --out "$out"; check_no_file
expect_fail calibrate "missing column E_eq_se_eV_per_atom" --eq-line "$T/eq_nose.csv" $cats --out "$out"; check_no_file
expect_fail calibrate "single data set" --catalog "$D/fit_catalog_a.csv" --fix nu0_per_s,S_E,S_T0 --out "$out"
check_no_file
expect_fail calibrate "bound" --catalog "$T/m1_-4.60.csv" --catalog "$T/m1_-4.70.csv" --forms W=logistic \
    --fix nu0_per_s,S_E,S_T0,m_slope --out "$out"; check_no_file
expect_fail calibrate "no convergence" $md $cats --fix W_inf,W_top,W_E0,W_dE,m_slope --max-iter 3 --out "$out"
check_no_file
expect_fail calibrate "no degrees of freedom" --catalog "$T/one_a.csv" --catalog "$T/one_b.csv" \
    --fix nu0_per_s,S_E,S_T0 --out "$out"; check_no_file
expect_fail calibrate "no protocol table" $cats --out "$out"; check_no_file
expect_fail calibrate "no protocol" --md "$T/md_1e12.csv" $cats --out "$out"; check_no_file
expect_fail calibrate "--protocol must follow" --protocol "eq@2000K; cool 100K@1e12K/s" $cats
expect_fail calibrate "unknown form 'cubic'" $md $cats --forms W=cubic
expect_fail calibrate "--forms" $md $cats --forms X=linear
expect_fail calibrate "unknown parameter 'W_x'" $md $cats --fix W_x
expect_fail calibrate "protocol column" --md "$T/md_1e12.csv" --protocol "eq@2000K; cool 100K@fast" $cats
expect_fail calibrate "outside the protocol" --md "$T/md_1e12.csv" --protocol "eq@2000K; cool 500K@1e12K/s" $cats
expect_fail calibrate "cannot" --catalog "$T/missing.csv" $md
expect_fail calibrate "unknown option" --bogus
expect_fail calibrate "cannot write" $md $cats --fix W_inf,W_top,W_E0,W_dE,m_slope,S_E \
    --out "$T/no/such/dir/m.ini"
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "calibrate_errors: ok"
