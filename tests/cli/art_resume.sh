#!/usr/bin/env bash
# art_resume.sh - `pel art` catalogs: the same seed gives the same catalog
# with 1 or 2 threads; a run killed with SIGKILL (plus a torn last row) and
# continued with --resume ends with exactly the catalog of an uninterrupted
# run: no lost, duplicated or torn rows.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
G="$PEL_SOURCE_DIR/tests/data/art_cuzr250.data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
ARGS=(--data "$G" --centers random:3 --searches-per-center 2 --seed 3 --max-calls 1500 --quiet)

"$PEL" art "${ARGS[@]}" --threads 1 --out "$T/ref.csv" >"$T/ref.out" 2>"$T/ref.err" || {
    echo "FAIL: reference run"; cat "$T/ref.err"; exit 1; }
rows=$(($(wc -l <"$T/ref.csv") - 2))
[ "$rows" -eq 6 ] || { echo "FAIL: reference has $rows rows, expected 6"; fails=$((fails + 1)); }
head -1 "$T/ref.csv" | grep -q '^# pel art campaign: seed=3 searches_per_center=2 ncenters=3 ' ||
    { echo "FAIL: campaign line"; fails=$((fails + 1)); }
sed -n 2p "$T/ref.csv" | grep -q '^search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,eigenvalue_eV_per_A2,force_eV_per_A,force_calls,n_displaced,max_disp_A' ||
    { echo "FAIL: header"; fails=$((fails + 1)); }
grep -q "^searches 6 (resumed 0), converged" "$T/ref.out" || { echo "FAIL: summary line"; cat "$T/ref.out"; fails=$((fails + 1)); }

# Thread-count independence.
"$PEL" art "${ARGS[@]}" --threads 2 --out "$T/t2.csv" >/dev/null 2>&1
cmp -s "$T/ref.csv" "$T/t2.csv" || { echo "FAIL: 2 threads differ from 1"; diff "$T/ref.csv" "$T/t2.csv" | head; fails=$((fails + 1)); }

# Kill after the first rows land, tear the last line, resume.
"$PEL" art "${ARGS[@]}" --threads 2 --out "$T/k.csv" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    [ -f "$T/k.csv" ] && [ "$(wc -l <"$T/k.csv")" -ge 4 ] && break
    sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
have=$(($(wc -l <"$T/k.csv") - 2))
printf '5,77,conver' >>"$T/k.csv"
"$PEL" art "${ARGS[@]}" --threads 2 --out "$T/k.csv" --resume >"$T/k.out" 2>"$T/k.err" || {
    echo "FAIL: resume"; cat "$T/k.err"; fails=$((fails + 1)); }
grep -q "torn" "$T/k.err" || { echo "FAIL: torn row not reported"; cat "$T/k.err"; fails=$((fails + 1)); }
grep -q "(resumed $have)" "$T/k.out" || { echo "FAIL: expected $have resumed rows"; cat "$T/k.out"; fails=$((fails + 1)); }
cmp -s "$T/ref.csv" "$T/k.csv" || { echo "FAIL: resumed catalog differs"; diff "$T/ref.csv" "$T/k.csv" | head; fails=$((fails + 1)); }

# Regression (issue 19): a resume with another seed merged two campaigns into
# one catalog.  Now it is refused, naming the difference, the file untouched
# (torn last row included); so is another kick norm or another data file.
printf '5,77,conver' >>"$T/k.csv"
cp "$T/k.csv" "$T/k.bak"
for other in "--seed 4" "--kick 0.4" "--searches-per-center 3" "--max-calls 1400"; do
    # shellcheck disable=SC2086
    "$PEL" art "${ARGS[@]}" $other --out "$T/k.csv" --resume >"$T/o.out" 2>"$T/o.err"
    rc=$?
    if [ "$rc" -eq 0 ] || ! grep -q "another campaign" "$T/o.err" || ! cmp -s "$T/k.csv" "$T/k.bak"; then
        echo "FAIL: resume with $other: rc=$rc $(cat "$T/o.err")"; fails=$((fails + 1))
    fi
done
sed 's/^\(5 \)/\1/' "$G" >"$T/g2.data"
printf '\n' >>"$T/g2.data" # same atoms, other bytes: another data file
"$PEL" art "${ARGS[@]/$G/$T/g2.data}" --out "$T/k.csv" --resume >"$T/o.out" 2>"$T/o.err"
if [ $? -eq 0 ] || ! grep -q "data_fnv1a=" "$T/o.err" || ! cmp -s "$T/k.csv" "$T/k.bak"; then
    echo "FAIL: resume with another data file: $(cat "$T/o.err")"; fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] && echo "art_resume: all passed (killed after $have rows)"
exit "$fails"
