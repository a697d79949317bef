#!/usr/bin/env bash
# art_mpi.sh - `mpirun -np 2 pel art` runs one campaign over two processes
# and writes, byte for byte, the catalog of the one-process run with the same
# seed; a rank killed with SIGKILL (the job dies with it) and the campaign
# continued with --resume on 2 processes loses and duplicates nothing: the
# same catalog again.  Skipped when mpirun is absent or pel has no MPI.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
command -v mpirun >/dev/null 2>&1 || { echo "mpirun not installed: skipped"; exit 0; }
G="$PEL_SOURCE_DIR/tests/data/art_cuzr250.data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
# 8 centres x 2: long enough that a kill after the first rows lands mid-run
N=16
ARGS=(--data "$G" --centers random:8 --searches-per-center 2 --seed 3 --max-calls 1500 --quiet)
# Under the sanitizer build, LeakSanitizer reports OpenMPI's own allocations
# that outlive MPI_Finalize (not pel's): leak checking is off for the ranks.
MPI=(mpirun --allow-run-as-root --oversubscribe -x "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" -np 2)

"$PEL" art "${ARGS[@]}" --out "$T/ref.csv" >/dev/null 2>"$T/ref.err" || {
    echo "FAIL: one-process run"; cat "$T/ref.err"; exit 1; }
"${MPI[@]}" "$PEL" art "${ARGS[@]}" --out "$T/mpi.csv" >"$T/mpi.out" 2>"$T/mpi.err"
rc=$?
if grep -q "built without MPI" "$T/mpi.err"; then echo "pel built without MPI: skipped"; exit 0; fi
[ "$rc" -eq 0 ] || { echo "FAIL: mpirun -np 2 (rc $rc)"; cat "$T/mpi.err"; exit 1; }
cmp -s "$T/ref.csv" "$T/mpi.csv" || { echo "FAIL: 2-process catalog differs"; diff "$T/ref.csv" "$T/mpi.csv" | head; fails=$((fails + 1)); }
# one summary line, from rank 0 alone
[ "$(grep -c "^searches $N (resumed 0)" "$T/mpi.out")" -eq 1 ] || { echo "FAIL: summary"; cat "$T/mpi.out"; fails=$((fails + 1)); }

# Kill rank 1 once rows have landed, tear the last line, resume on 2 ranks.
"${MPI[@]}" "$PEL" art "${ARGS[@]}" --out "$T/k.csv" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
    [ -f "$T/k.csv" ] && [ "$(wc -l <"$T/k.csv")" -ge 4 ] && break
    sleep 0.05
done
victim=
for c in $(pgrep -P "$pid"); do
    tr '\0' '\n' <"/proc/$c/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && victim=$c
done
if [ -n "$victim" ]; then kill -9 "$victim"; else echo "note: rank 1 not found, killing mpirun"; kill -9 "$pid"; fi
wait "$pid" 2>/dev/null
have=$(($(wc -l <"$T/k.csv") - 2))
[ "$have" -lt "$N" ] || { echo "FAIL: the job was not stopped by the kill ($have rows)"; fails=$((fails + 1)); }
printf '5,77,conver' >>"$T/k.csv"
"${MPI[@]}" "$PEL" art "${ARGS[@]}" --out "$T/k.csv" --resume >"$T/k.out" 2>"$T/k.err" || {
    echo "FAIL: resume on 2 processes"; cat "$T/k.err"; fails=$((fails + 1)); }
grep -q "(resumed $have)" "$T/k.out" || { echo "FAIL: expected $have resumed rows"; cat "$T/k.out"; fails=$((fails + 1)); }
cmp -s "$T/ref.csv" "$T/k.csv" || { echo "FAIL: resumed catalog differs"; diff "$T/ref.csv" "$T/k.csv" | head; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "art_mpi: all passed (rank 1 killed after $have rows)"
exit "$fails"
