#!/usr/bin/env bash
# fit_basic.sh - `pel fit` on the sample catalogs of tests/data (drawn from
# eq. 3 with W=0.10, m=1.2 eV and W=0.06, m=1.5 eV; e_R=0.32 eV by
# make_fit_samples.py): table and JSON agree, the true values lie within
# 3 standard errors, E_IS conventions, --out, same seed same bootstrap.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
D="$PEL_SOURCE_DIR/tests/data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$PEL" fit --help | grep -q "usage: pel fit" || fail "--help"

"$PEL" fit "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" "$D/fit_log.event" --atoms 2000 >"$T/t.csv" 2>"$T/err" ||
    fail "table run: $(cat "$T/err")"
[ "$(wc -l <"$T/t.csv")" -eq 4 ] || fail "table should have a header and 3 rows"
head -1 "$T/t.csv" | grep -q '^sample,format,n_events,n_skipped,E_IS_eV_per_atom,W,W_se,' || fail "header"
! grep -qi 'nan\|inf' "$T/t.csv" || fail "non-finite value printed"

# column helper: value of column named $2 in data row $1 (1-based)
col() { awk -F, -v r="$1" -v c="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==c) k=i} NR==r+1{print $k}' "$T/t.csv"; }
within() { awk -v v="$1" -v t="$2" -v se="$3" 'BEGIN{d=v-t; if(d<0)d=-d; exit !(se>0 && d<=3*se)}'; }
within "$(col 1 W)" 0.10 "$(col 1 W_se)" || fail "sample a: W $(col 1 W) +- $(col 1 W_se) vs 0.10"
within "$(col 1 m_eV)" 1.2 "$(col 1 m_se_eV)" || fail "sample a: m $(col 1 m_eV) vs 1.2"
within "$(col 2 W)" 0.06 "$(col 2 W_se)" || fail "sample b: W $(col 2 W) vs 0.06"
within "$(col 2 m_eV)" 1.5 "$(col 2 m_se_eV)" || fail "sample b: m $(col 2 m_eV) vs 1.5"
within "$(col 3 m_eV)" 1.2 "$(col 3 m_se_eV)" || fail "log.event: m $(col 3 m_eV) vs 1.2"
for r in 1 2 3; do within "$(col $r eR_eV)" 0.32 "$(col $r eR_se_eV)" || fail "row $r: e_R $(col $r eR_eV)"; done
[ "$(col 1 n_events)" = 250 ] && [ "$(col 1 n_skipped)" = 50 ] || fail "sample a counts"
[ "$(col 3 format)" = lammps-artn ] || fail "log.event not detected"
# E_IS: comment (-4.65), E_initial/N (-9400/2000), Eref/N (-9300.123/2000)
[ "$(col 1 E_IS_eV_per_atom)" = -4.65 ] || fail "E_IS from comment"
[ "$(col 2 E_IS_eV_per_atom)" = -4.7 ] || fail "E_IS from n_atoms"
[ "$(col 3 E_IS_eV_per_atom)" = -4.6500615 ] || fail "E_IS from --atoms"
# without --atoms the log.event E_IS is unknown: empty cell, not an error
"$PEL" fit "$D/fit_log.event" | awk -F, 'NR==2{exit !($5=="")}' || fail "unknown E_IS should be empty"
"$PEL" fit "$D/fit_catalog_a.csv" --E-IS -4.5 | awk -F, 'NR==2{exit !($5=="-4.5")}' || fail "--E-IS"

# JSON: same numbers as the table; bootstrap reproducible with a seed; --out
"$PEL" fit "$D/fit_catalog_a.csv" --json --bootstrap 50 --seed 7 --out "$T/a.json" 2>/dev/null || fail "json run"
"$PEL" fit "$D/fit_catalog_a.csv" --json --bootstrap 50 --seed 7 >"$T/b.json" 2>/dev/null || fail "json run 2"
cmp -s "$T/a.json" "$T/b.json" || fail "same seed gave different output"
python3 - "$T/a.json" "$(col 1 W)" <<'PY' || fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["samples"][0]
W = s["W"]
assert abs(W["value"] - float(sys.argv[2])) < 1e-8, W
assert W["ci_lo"] < W["value"] < W["ci_hi"], W
assert s["eA_eV"]["ci_lo"] is None and s["eA_eV"]["se"] == 0  # fixed
assert s["n_events"] == 250 and s["bootstrap_ok"] >= 45
PY

# free e_A and s, and a cutoff: still recovers m
"$PEL" fit "$D/fit_catalog_a.csv" --free-eA-s --EA-min 0.1 >"$T/t.csv" || fail "free run"
within "$(col 1 m_eV)" 1.2 "$(col 1 m_se_eV)" || fail "free: m $(col 1 m_eV)"
within "$(col 1 s_eV)" 0.49 "$(col 1 s_se_eV)" || fail "free: s $(col 1 s_eV)"

# a torn last row (killed writer) is ignored with a warning
{ cat "$D/fit_catalog_b.csv"; printf '999,3,converged,-9400.0,-9399'; } >"$T/torn.csv"
"$PEL" fit "$T/torn.csv" >/dev/null 2>"$T/err" || fail "torn file rejected"
grep -q "warning" "$T/err" || fail "no warning for a torn row"

# calibration: samples a (E=-4.65, m=1.2) and b (E=-4.70, m=1.5) imply
# m_slope = 6 eV per eV/atom and m_0 = 1.2 eV at m_E0 = -4.65 of cu56zr44
"$PEL" fit "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" --calibrate cu56zr44-paper --out "$T/cal.ini" \
    >/dev/null 2>"$T/err" || fail "calibrate: $(cat "$T/err")"
awk -F' = ' '$1=="m_0"{m0=$2} $1=="m_slope"{ms=$2} END{exit !(m0>1.05 && m0<1.35 && ms>3 && ms<9)}' "$T/cal.ini" ||
    fail "calibrated m(E) off: $(grep '^m_' "$T/cal.ini" | tr '\n' ' ')"

# equilibrium points of a broken-line cooling curve (T_g = 700 K)
printf 'T_K,E_IS_eV_per_atom,V_A3_per_atom\n' >"$T/cool.csv"
for t in $(seq 1500 -50 300); do
    awk -v t=$t 'BEGIN{d=t-700; printf "%d,%.8f,17\n", t, -4.7+(d>0?1e-4*d:2e-5*d)}' >>"$T/cool.csv"
done
"$PEL" fit --eq-line "$T/cool.csv" --margin 75 >"$T/eq.csv" || fail "eq-line run"
grep -q '^# T_g_K=700 ' "$T/eq.csv" || fail "T_g: $(head -1 "$T/eq.csv")"
[ "$(grep -c '^[0-9]' "$T/eq.csv")" -eq 15 ] || fail "eq-line should keep 1500..800 K (T >= T_g + 75)"

# The decoupling tests: E_A-E_R correlation per catalog and one e_R across
# catalogs, against Python's own statistics on the same events (both sample
# catalogs draw E_R independently of E_A with one e_R, 0.32 eV).
"$PEL" fit "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" --tests "$T/tests.csv" >"$T/t.csv" 2>"$T/err" ||
    fail "--tests run: $(cat "$T/err")"
python3 - "$D/fit_catalog_a.csv" "$D/fit_catalog_b.csv" "$T/t.csv" "$T/tests.csv" <<'PY' || fail "--tests numbers"
import csv, math, statistics, sys
def events(path):
    rows = [r for r in csv.DictReader(l for l in open(path) if not l.startswith("#"))]
    return [(float(r["EA_eV"]), float(r["ER_eV"])) for r in rows if r["status"] == "converged"]
a, b = events(sys.argv[1]), events(sys.argv[2])
table = list(csv.DictReader(open(sys.argv[3])))
for ev, row in zip((a, b), table):
    r = statistics.correlation([e for e, _ in ev], [x for _, x in ev])
    assert abs(float(row["r_EA_ER"]) - r) < 1e-9, (row["r_EA_ER"], r)
    assert float(row["r_EA_ER_p"]) > 1e-3 and float(row["rho_EA_ER_p"]) > 1e-3, row
tests = {(t["test"], t["quantity"]): t for t in csv.DictReader(open(sys.argv[4]))}
ma, mb = statistics.fmean(x for _, x in a), statistics.fmean(x for _, x in b)
m = statistics.fmean([x for _, x in a] + [x for _, x in b])
lr = 2 * (len(a) * math.log(m / ma) + len(b) * math.log(m / mb))
t = tests[("one_eR_likelihood_ratio", "eR")]
assert abs(float(t["statistic"]) - lr) < 1e-9 * max(1, lr), (t, lr)
assert abs(float(t["p"]) - math.erfc(math.sqrt(lr / 2))) < 1e-9, t  # chi^2, 1 df
assert abs(float(t["estimate"]) - m) < 1e-9 and t["unit"] == "eV" and t["df"] == "1", t
assert float(tests[("one_eR_kruskal_wallis", "eR")]["p"]) > 1e-3
assert ("trend_vs_E_IS", "eR") in tests and ("constant", "W") in tests
PY
out=$("$PEL" fit "$D/fit_catalog_a.csv" --tests "$T/x.csv" 2>&1)
[ $? -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && [ ! -e "$T/x.csv" ] || fail "--tests with one catalog: $out"

[ "$fails" -eq 0 ] && echo "fit_basic: all passed"
exit "$fails"
