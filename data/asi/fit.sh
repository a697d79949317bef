#!/usr/bin/env bash
# fit.sh - the fit of docs/engines.md "Amorphous silicon": `pel fit` of the
# activation spectrum (paper eq. 3, W and m free; e_A = 0.5, s = 0.49 eV as
# for Cu-Zr) and of the relaxation spectrum (eq. 5) to the ART catalog, with
# 1000 bootstrap resamples; the same with e_A and s free; then `pel tc` on a
# material made from the fit (W constant at its value, and at the ends of its
# 95 % interval; m rising as the T_c condition assumes, docs/theory.md §4),
# and that condition solved directly.
# Usage: fit.sh CATALOG [INI]   (INI: where the material goes, default asi.ini)
set -eu
PEL=${PEL:-pel}
cat=$1 ini=${2:-asi.ini}
"$PEL" fit "$cat" --bootstrap 1000 --json >fit.json
"$PEL" fit "$cat" --free-eA-s
python3 - fit.json "$ini" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["samples"][0]
E, W, m, eR = r["E_IS_eV_per_atom"], r["W"], r["m_eV"]["value"], r["eR_eV"]["value"]
print("n %d, E_IS %.5f eV/atom: W %.4f (se %.4f, 95%% bootstrap %.4f..%.4f), m %.4f eV, e_R %.4f eV"
      % (r["n_events"], E, W["value"], W["se"], W["ci_lo"], W["ci_hi"], m, eR))
# the T_c condition of docs/theory.md §4 (m unbounded at deep E, W there = w):
# w kT/(kT + e_A) = exp(-e_R/kT), bisected in T (its left side wins below T_c)
k = 8.617333262e-5
def tc(w, eA=0.5):
    f = lambda T: w * k * T / (k * T + eA) - __import__("math").exp(-eR / (k * T))
    if w <= 0: return 0.0
    lo, hi = 1.0, 1e5
    if f(lo) <= 0 or f(hi) >= 0: return float("nan")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return lo
print("T_c condition (e_A 0.5 eV, e_R fitted): W %.4f -> %.1f K; W %.4f -> %.1f K; W %.4f -> %.1f K"
      % (W["value"], tc(W["value"]), W["ci_lo"], tc(W["ci_lo"]), W["ci_hi"], tc(W["ci_hi"])))
for tag, w in (("", W["value"]), ("_lo", W["ci_lo"]), ("_hi", W["ci_hi"])):
    open(sys.argv[2].replace(".ini", tag + ".ini"), "w").write(f"""; a-Si material from data/asi/fit.sh (W = {tag or 'fit'} value; nu and S do not enter T_c)
[material]
name = asi{tag}
[spectrum]
eA = 0.5
s = 0.49
eR = {eR:.10g}
[W]
form = linear
W_0 = {w:.10g}
W_slope = 0
W_E0 = {E:.10g}
[m]
form = linear
m_0 = {max(m, 0.0):.10g}
m_slope = 6
m_E0 = {E:.10g}
[nu]
nu0_per_s = 1e13
S_E = 0
S_E0 = {E:.10g}
S_T = 0
S_T0 = 1000
[range]
E_lo = {E - 2:.10g}
E_hi = {E + 0.2:.10g}
""")
PY
for tag in "" _lo _hi; do
    f=${ini%.ini}$tag.ini
    printf 'T_c (W%s): ' "${tag:-=fit}"
    "$PEL" tc --material "$f" || true
done
