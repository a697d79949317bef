#!/usr/bin/env bash
# smoke.sh <harness> <seed dir> <seconds> - a short libFuzzer run of one
# harness from its committed seeds (CTest label "fuzz"; docs/dev/fuzzing.md).
# New inputs go to a scratch corpus, never into the source tree; a crash,
# leak, timeout or out-of-memory fails the test and leaves the reproducer in
# the printed path.
set -u
bin=$1 seeds=$2 secs=$3
# scratch on tmpfs when there is one: parsers that fsync stay fast
work=$(mktemp -d -p "$([ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
TMPDIR=$work "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="${PEL_FUZZ_ARTIFACTS:-$work}/" "$work/corpus" "$seeds" 2>"$work/log"
rc=$?
grep -E '^(#[0-9]+.*DONE|Done [0-9]+ runs)' "$work/log" | tail -1
if [ $rc -ne 0 ]; then
    tail -40 "$work/log"
    exit 1
fi
