#!/usr/bin/env bash
# calibrate_basic.sh - a small `pel calibrate` run end to end: the material
# file loads in every model command, names its inputs with the SHA-256 that
# coreutils' sha256sum computes, carries a covariance that `pel tc` turns
# into an interval around T_c, and recovers e_R of the catalogs' data.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
. "$(dirname "$0")/lib/calib_data.sh"
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
out="$T/cal.ini"
# free: e_R, W_inf, W_E0, m_0, nu0, S_T0 (tables from cu56zr44-paper; W_top, W_dE, m_slope and S_E held)
args=(--md "$T/md_1e13.csv@1e13" --md "$T/md_1e12.csv@1e12" --catalog "$D/fit_catalog_a.csv"
      --catalog "$D/fit_catalog_b.csv" --fix W_top,W_dE,m_slope,S_E --name testcal)
"$PEL" calibrate "${args[@]}" --out "$out" >"$T/report" 2>"$T/err" || fail "calibrate: $(cat "$T/err")"
[ -s "$out" ] || fail "no material written"
# no bootstrap and no hold-out asked: no NaN in their place
! grep -wiq 'nan' "$T/report" "$out" || fail "NaN in the report: $(grep -wi nan "$T/report" "$out" | head -n 2)"
for f in "$T/md_1e13.csv" "$T/md_1e12.csv" "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv"; do
    h=$(sha256sum "$f" | cut -d' ' -f1)
    grep -qF "$h  $f" "$out" || fail "sha256 of $f ($h) not in the material file"
done
grep -q '^\[covariance\]' "$out" || fail "no [covariance] section"
grep -q '^name = testcal' "$out" || fail "name"
# every model command loads it
"$PEL" run --material "$out" --protocol "eq@2000K; cool 300K@1e12K/s" >/dev/null || fail "run on the result"
"$PEL" equilibrium --material "$out" --T 1500:2000:250 >"$T/eq" || fail "equilibrium on the result"
# with a covariance, a 95 % band around E_eq at each T
head -n 1 "$T/eq" | grep -qx 'T_K,Eeq_eV_per_atom,Eeq_lo_eV_per_atom,Eeq_hi_eV_per_atom' || fail "band columns: $(head -n 1 "$T/eq")"
awk -F, 'NR > 1 { n++; if (!($3 < $2 && $2 < $4)) bad = 1 } END { exit !(n == 3 && !bad) }' "$T/eq" || fail "band: $(cat "$T/eq")"
tc=$("$PEL" tc --material "$out") || fail "tc on the result"
set -- $tc
[ $# -eq 3 ] || fail "tc with a covariance should print T_c and an interval: '$tc'"
awk -v a="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(lo <= a && a <= hi && lo < hi) }' || fail "interval $tc"
# the paper preset has no covariance: one number, as before
[ "$("$PEL" tc --material cu56zr44-paper | wc -w)" -eq 1 ] || fail "tc without covariance"
# e_R: the catalogs' E_R means are its maximum-likelihood value (eq. 5),
# pulled only by the tables through D = 0; compare within 3 se
eR=$(awk '/^  eR /{print $2, $4}' "$T/report")
mean=$(awk -F, '!/^#/ && $3 == "converged" { s += $8; n++ } END { printf "%.9f %d", s / n, n }' \
    "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv")
awk -v f="$eR" -v m="$mean" 'BEGIN { split(f, a, " "); split(m, b, " "); exit !(a[2] > 0 && (a[1] - b[1])^2 < 9 * a[2]^2 + (b[1] / sqrt(b[2]))^2 * 9) }' ||
    fail "e_R $eR vs catalog mean $mean"
# JSON report: the same fit, machine-readable
# a start value exactly on its bound (a fit's held W_inf = 0) starts just inside, said once
sed 's/^W_inf = .*/W_inf = 0/' "$out" >"$T/start0.ini"
"$PEL" calibrate "${args[@]}" --start "$T/start0.ini" >/dev/null 2>"$T/err0"
grep -q 'note: W_inf started on its bound; started just inside it' "$T/err0" || fail "start on bound: $(cat "$T/err0")"
! grep -q 'is on or outside its bound' "$T/err0" || fail "start on bound refused: $(cat "$T/err0")"
"$PEL" calibrate "${args[@]}" --json >"$T/j" 2>/dev/null || fail "--json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["material"]=="testcal"; assert len(d["params"])==6, d["params"]; assert d["bic"] > d["aic"]' "$T/j" ||
    fail "json report"
# hold-out: a copy of a fitted table, held out, is predicted with the very
# residuals the fit reports for the table itself; no NaN where the held-out
# table has no fitted noise
cp "$T/md_1e12.csv" "$T/copy_1e12.csv"
"$PEL" calibrate "${args[@]}" --hold-out "$T/copy_1e12.csv@1e12" >"$T/ho" 2>"$T/err" || fail "hold-out: $(cat "$T/err")"
! grep -wiq 'nan' "$T/ho" || fail "NaN in the hold-out report: $(grep -wi nan "$T/ho" | head -n 2)"
fit=$(grep "^table $T/md_1e12.csv:" "$T/ho" | sed 's/.*meV\/atom://')
ho=$(grep "^table $T/copy_1e12.csv (held out, predicted)" "$T/ho" | sed 's/.*meV\/atom://')
[ -n "$fit" ] && [ "$fit" = "$ho" ] || fail "held-out copy '$ho' vs fitted '$fit'"
grep -q '^held-out\|held-out -lnL=' "$T/ho" || fail "no held-out score"
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "calibrate_basic: ok"
