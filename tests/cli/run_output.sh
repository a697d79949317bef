#!/usr/bin/env bash
# run_output.sh - `pel run` output forms: the CSV header names every column
# and unit, no nan/inf anywhere, empty fields only where a quantity does not
# exist (dE/dT on holds, E_eq below T_c); --out writes the same CSV atomically;
# --json is valid JSON whose numbers agree with the CSV; same input, same bytes.
set -euo pipefail
: "${PEL:?PEL must point to the pel binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
P="eq@2000K; cool 300K@1e10K/s; hold 1us; heat 1200K@1e12K/s"

"$PEL" run --protocol "$P" --csv >"$tmp/a.csv"
head -1 "$tmp/a.csv" | grep -qx 't_s,T_K,E_eV_per_atom,dEdT_eV_per_atom_K,D_eV,dEdt_eV_per_atom_s,EA_mean_eV,Eeq_eV_per_atom,segment'
! grep -qiE 'nan|inf' "$tmp/a.csv"
# rows: start + 1700 cooling rows + 200 hold rows + 900 heating rows
[ "$(($(wc -l <"$tmp/a.csv") - 1))" -eq $((1 + 1700 + 200 + 900)) ]
# every row has 9 fields; dEdT empty exactly on the start row and hold rows
awk -F, 'NR>1 { if (NF != 9) exit 1; if (($4 == "") != ($9 == 0 || $9 == 2)) exit 2 }' "$tmp/a.csv"
# Eeq empty below T_c = 760 K, present above 800 K
awk -F, 'NR>1 { if ($2 < 760 && $8 != "") exit 1; if ($2 > 800 && $8 == "") exit 2 }' "$tmp/a.csv"

"$PEL" run --protocol "$P" --out "$tmp/b.csv" --json >"$tmp/s.json"
cmp "$tmp/a.csv" "$tmp/b.csv"
ls "$tmp" | grep -q tmp && { echo "temporary file left behind"; exit 1; }
python3 - "$tmp/s.json" "$tmp/a.csv" <<'PY'
import csv, json, sys
s = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
last = rows[-1]
assert abs(s["final_E_eV_per_atom"] - float(last["E_eV_per_atom"])) < 1e-9, s
assert s["final_T_K"] == 1200.0 and len(s["segments"]) == 3
emin = min(float(r["E_eV_per_atom"]) for r in rows)
assert abs(s["min_E_eV_per_atom"] - emin) < 1e-9
assert 780 <= s["departure_T_K"] <= 1150, s["departure_T_K"]
assert s["segments"][1]["kind"] == "hold" and s["segments"][1]["dEdT_peak_eV_per_atom_K"] is None
PY
# reproducible: same input, same bytes
"$PEL" run --protocol "$P" >"$tmp/c.csv"
cmp "$tmp/a.csv" "$tmp/c.csv"
# --help works and mentions the grammar
"$PEL" run --help | grep -q protocol
echo "run_output: all passed"
