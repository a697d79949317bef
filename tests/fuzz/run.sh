#!/usr/bin/env bash
# run.sh <build-dir> <minutes> [harness...] - a fuzzing campaign: each
# harness (default: all fuzz_* in <build-dir>) runs for <minutes> under
# libFuzzer at nice $PEL_FUZZ_NICE (19), or until $PEL_FUZZ_RUNS executions
# when that is set (whichever comes first), one harness at a time, growing
# <build-dir>/fuzz-corpus/<name> from the
# committed seeds; crashes, leaks, hangs (> 10 s) and out-of-memory (> 2 GB)
# land in <build-dir>/fuzz-crashes/<name>/.  One summary line per harness:
# executions, executions/s, coverage (libFuzzer's cov and ft), corpus size,
# findings.  docs/dev/fuzzing.md has the details.
set -u
build=$(cd "$1" && pwd) minutes=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for b in "$build"/fuzz_*; do [ -x "$b" ] && names+=("$(basename "$b" | sed 's/^fuzz_//')"); done
fi
status=0
for n in "${names[@]}"; do
    corpus="$build/fuzz-corpus/$n" crashes="$build/fuzz-crashes/$n"
    mkdir -p "$corpus" "$crashes"
    log="$build/fuzz-$n.log"
    # scratch files on tmpfs when there is one: parsers that fsync stay fast
    scratch=$(mktemp -d -p "$([ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
    TMPDIR=$scratch nice -n "${PEL_FUZZ_NICE:-19}" "$build/fuzz_$n" -max_total_time=$((minutes * 60)) \
        ${PEL_FUZZ_RUNS:+-runs=$PEL_FUZZ_RUNS} -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" \
        "$corpus" "$src/corpus/$n" >"$log" 2>&1
    rc=$?
    rm -rf "$scratch"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | tr -d ':' | tr ' ' '=' | sed 's/=ft=/ ft=/')
    found=$(find "$crashes" -type f | wc -l)
    printf '%-17s rc=%d executions=%s exec_per_s=%s %s corpus=%s findings=%s\n' "$n" "$rc" "${execs:-?}" \
        "${rate:-?}" "${cov:-cov=?}" "$(find "$corpus" -type f | wc -l)" "$found"
    [ "$rc" -eq 0 ] && [ "$found" -eq 0 ] || status=1
done
exit $status
