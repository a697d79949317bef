# expect.sh - shared set-up and checks for the CLI test scripts (sourced, not
# run).  Needs PEL (the pel binary); makes the scratch dir $T (removed on exit)
# and starts the failure count $fails at 0.
#
: "${PEL:?PEL must point to the pel binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
#
# expect_fail <cmd> <words> <args...>
#   `pel <cmd> <args...>` must exit nonzero with exactly one stderr line that
#   starts "pel <cmd>: " and contains every '|'-separated word of <words>, and
#   print nothing on stdout (the bad-input contract of every subcommand).
expect_fail() {
    local cmd=$1 words=$2
    shift 2
    "$PEL" "$cmd" "$@" >"$T/out" 2>"$T/err"
    local rc=$? nl
    nl=$(wc -l <"$T/err")
    if [ "$rc" -eq 0 ] || [ "$nl" -ne 1 ] || ! grep -q "^pel $cmd: " "$T/err" || [ -s "$T/out" ]; then
        echo "FAIL: pel $cmd $* -> rc=$rc lines=$nl stderr: $(cat "$T/err") stdout: $(head -c 200 "$T/out")"
        fails=$((fails + 1))
        return
    fi
    local IFS='|' w
    for w in $words; do
        if ! grep -qF -- "$w" "$T/err"; then
            echo "FAIL: pel $cmd $*: '$w' not in: $(cat "$T/err")"
            fails=$((fails + 1))
            return
        fi
    done
}
