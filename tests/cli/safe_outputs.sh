#!/usr/bin/env bash
# safe_outputs.sh - outputs are never lost or half-written in silence: a
# write error on stdout (/dev/full) or on an --out file (file size limit,
# standing in for a full disk) is one line on stderr and a nonzero exit, the
# old target is left untouched with no temporary file beside it, a target
# that is not a regular file (here a FIFO) is refused and left as it is, and
# a truncated PLplot picture is never renamed into place.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D="$PEL_SOURCE_DIR/tests/data/cuzr64.data"
# sanitizer builds: fontconfig (under PLplot's cairo driver) never frees its caches
export LSAN_OPTIONS="suppressions=$PEL_SOURCE_DIR/tests/plot/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# expect_write_fail <cmd> <words> <args...>: like expect_fail, but stdout may
# be /dev/full (the caller redirects): exactly one "pel <cmd>: " line on stderr.
expect_stdout_full() {
    local cmd=$1 words=$2
    shift 2
    "$PEL" "$cmd" "$@" >/dev/full 2>"$T/err"
    local rc=$? nl
    nl=$(wc -l <"$T/err")
    if [ "$rc" -eq 0 ] || [ "$nl" -ne 1 ] || ! grep -q "^pel $cmd: .*$words" "$T/err"; then
        echo "FAIL: pel $cmd $* >/dev/full -> rc=$rc lines=$nl stderr: $(cat "$T/err")"
        fails=$((fails + 1))
    fi
}
P="eq@2000K; cool 1500K@1e12K/s"
expect_stdout_full run "standard output" --protocol "$P" --json
expect_stdout_full run "standard output" --protocol "$P" --summary
expect_stdout_full run "stdout" --protocol "$P" --csv
expect_stdout_full equilibrium "standard output" --T 800:900:50
expect_stdout_full equilibrium "standard output" --T 800:900:50 --json
expect_stdout_full map "standard output" --E -5:-4.9:0.05 --T 800:900:50
expect_stdout_full minimize "standard output" --data "$D" --out "$T/min.data"
expect_stdout_full energy "output" --data "$D"
expect_stdout_full md "standard output" --data "$D" --ensemble nve --steps 10 --out "$T/md.data"
expect_stdout_full art "standard output" --data "$PEL_SOURCE_DIR/tests/data/art_cuzr250.data" --centers ids:5 \
    --searches-per-center 1 --max-calls 200 --threads 1 --quiet --out "$T/art.csv"

# A FIFO (like /dev/null, not a regular file) is refused and stays a FIFO.
mkfifo "$T/fifo"
for c in "equilibrium --T 800:900:50" "map --E -5:-4.9:0.05 --T 800:900:50" "run --protocol eq@900K"; do
    expect_fail ${c%% *} "not a regular file" ${c#* } --out "$T/fifo"
done
expect_fail minimize "not a regular file" --data "$D" --out "$T/fifo"
[ -p "$T/fifo" ] || { echo "FAIL: the FIFO was replaced"; fails=$((fails + 1)); }
ln -s "$T/victim" "$T/link"
echo keep >"$T/victim"
expect_fail equilibrium "not a regular file" --T 800:900:50 --out "$T/link"
[ "$(cat "$T/victim")" = keep ] && [ -L "$T/link" ] || { echo "FAIL: symlink target written"; fails=$((fails + 1)); }

# A write that fails part-way (file size limit of 8 KiB, SIGXFSZ ignored so
# that write() returns EFBIG as on a full disk): one line, old file intact.
limited() { (trap '' XFSZ; ulimit -f 8; exec "$PEL" "$@"); }
expect_limited() {
    local cmd=$1 words=$2 target=$3
    shift 3
    echo "old contents" >"$target"
    limited "$cmd" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq 0 ] || [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -q "^pel $cmd: .*$words" "$T/err"; then
        echo "FAIL: pel $cmd $* (8 KiB limit) -> rc=$rc stderr: $(cat "$T/err")"
        fails=$((fails + 1))
    fi
    [ "$(cat "$target")" = "old contents" ] || { echo "FAIL: $target changed"; fails=$((fails + 1)); }
    if ls -A "$(dirname "$target")" | grep -q '\.tmp\.'; then
        echo "FAIL: temporary file left beside $target"
        fails=$((fails + 1))
    fi
}
mkdir "$T/o"
expect_limited equilibrium "cannot write" "$T/o/eq.csv" --T 800:1400:1 --out "$T/o/eq.csv"
expect_limited map "cannot write" "$T/o/map.csv" --E -5:-4.7:0.01 --T 800:900:10 --out "$T/o/map.csv"
expect_limited run "cannot write" "$T/o/run.csv" --protocol "$P" --out "$T/o/run.csv"
"$PEL" run --protocol "$P" --out "$T/trace.csv" || { echo "FAIL: run"; fails=$((fails + 1)); }
for fmt in png svg pdf; do
    expect_limited plot "incomplete picture" "$T/o/p.$fmt" "$T/trace.csv" --x T_K --y E_eV_per_atom \
        --out "$T/o/p.$fmt"
done

[ "$fails" -eq 0 ] && echo "safe_outputs: all checks passed"
exit $((fails > 0))
