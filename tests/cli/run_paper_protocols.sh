#!/usr/bin/env bash
# run_paper_protocols.sh - the README's main job (scripts/paper-protocols.sh)
# works end to end: one CSV per protocol, a summary table whose numbers agree
# with the CSVs, and the orderings of docs/theory.md §5 visible in it.
set -euo pipefail
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PEL_SOURCE_DIR/scripts/paper-protocols.sh" "$PEL" "$tmp/out" >"$tmp/table"
[ "$(ls "$tmp/out"/*.csv | wc -l)" -eq 13 ]
[ "$(wc -l <"$tmp/table")" -eq 14 ]
# departure temperatures: in [780, 1150] K and falling with the rate
awk '$1 ~ /^cool_/ { if ($2 < 780 || $2 > 1150) exit 1; if (NR > 2 && $2 >= prev) exit 2; prev = $2 }' "$tmp/table"
# final E of each cooling curve in the table's E_min column equals the CSV's last row
for r in 1e13 1e9; do
  want=$(awk -v n="cool_$r" '$1 == n { print $3 }' "$tmp/table")
  tail -1 "$tmp/out/cool_$r.csv" | awk -F, -v w="$want" '{ d = $3 - w; if (d < 0) d = -d; exit !(d < 5e-7) }'
done
# truncated scans: the peak on the final cooling lies below the turning T
awk '$1 ~ /^fig5_turn_(850|900|950|1000|1050)K$/ { t = $1; gsub(/[^0-9]/, "", t); t = substr(t, 2);
     if ($8 == "-" || $8 + 0 >= t + 0) exit 1 }' "$tmp/table"
echo "run_paper_protocols: all passed"
