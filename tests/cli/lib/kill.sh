# kill.sh - kill -9 at random moments, for the kill_*.sh resume tests (sourced
# after expect.sh, not run).
#
# The kill moments come from bash's RANDOM seeded by kill_seed, so a test is
# reproducible up to the machine's speed.  No timing assumption can fail a
# test: a run that ends before its kill simply tested nothing at that point;
# kill_chain counts the kills that landed mid-run and requires at least one.
#
# kill_seed <n>
kill_seed() { RANDOM=$1; }
#
# kill_chain <name> <attempts> <max-ms> <count-fn> <fresh-array> <resume-array>
#   Start the command in the array named <fresh-array>; once <count-fn> (a
#   function printing a progress count: output lines, 0 while there is no
#   checkpoint) exceeds its value at the start, wait a random 0..<max-ms> ms
#   and kill -9 it; continue with the command in <resume-array>, killed the
#   same way, up to <attempts> kills, then run the resume to the end.  The
#   outputs are then those of one run, interrupted up to <attempts> times.
kill_chain() {
    local name=$1 attempts=$2 max=$3 count=$4 i base pid st ms polls kills=0 done=0
    local -n first=$5 again=$6
    local -a cmd=("${first[@]}")
    for ((i = 0; i < attempts; i++)); do
        base=$("$count")
        # exec: $! must be pel itself, not a subshell that would leave pel running
        (exec "${cmd[@]}" >/dev/null 2>"$T/kill.err") &
        pid=$!
        polls=0
        while kill -0 "$pid" 2>/dev/null && [ "$("$count")" -le "$base" ] && [ $((polls += 1)) -lt 6000 ]; do
            sleep 0.01
        done
        ms=$((RANDOM % (max + 1)))
        sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
        kill -9 "$pid" 2>/dev/null
        { wait "$pid"; } 2>/dev/null
        st=$?
        if [ "$st" -ne 137 ]; then
            [ "$st" -eq 0 ] || { echo "FAIL: $name: ${cmd[*]} exited $st: $(tail -3 "$T/kill.err")"; fails=$((fails + 1)); }
            done=1
            break
        fi
        kills=$((kills + 1))
        cmd=("${again[@]}")
    done
    if [ "$done" -eq 0 ]; then
        "${again[@]}" >/dev/null 2>"$T/kill.err" || { echo "FAIL: $name: final resume: $(tail -3 "$T/kill.err")"; fails=$((fails + 1)); }
    fi
    echo "$name: $kills of $attempts kills landed mid-run"
    if [ "$kills" -lt 1 ]; then
        echo "FAIL: $name: no kill landed while the run was going (nothing was tested)"
        fails=$((fails + 1))
    fi
}
#
# lines <file>: its line count, 0 when it does not exist.
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
#
# same <ref> <got> <what>: byte-for-byte equality, else a FAIL line and a diff.
same() {
    if ! cmp -s "$1" "$2"; then
        echo "FAIL: $3 differs from the uninterrupted run"
        diff "$1" "$2" | head -5
        fails=$((fails + 1))
    fi
}
