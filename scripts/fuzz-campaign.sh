#!/usr/bin/env bash
# fuzz-campaign.sh [runs] [harness...] - the recorded fuzzing campaign of
# issue 19 (bench/RESULTS.md "fuzz", docs/dev/fuzzing.md): builds build-fuzz
# (clang, libFuzzer + ASan + UBSan) and runs every harness, one at a time, at
# nice 15, until it has made <runs> executions (default 1000000), with a cap
# of 120 minutes per harness.  Each harness continues its corpus in
# build-fuzz/fuzz-corpus/<name>; findings go to build-fuzz/fuzz-crashes/<name>.
# Exit status 0 only when no harness found anything.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1000000}
shift $(($# > 0 ? 1 : 0))
cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_C_COMPILER=clang -DPEL_FUZZ=ON -DPEL_BUILD_TESTS=OFF \
    -DPEL_BUILD_BENCH=OFF -DPEL_PYTHON=OFF >/dev/null
nice -n 15 cmake --build "$here/build-fuzz" -j2 >/dev/null
PEL_FUZZ_RUNS=$runs PEL_FUZZ_NICE=15 exec "$here/tests/fuzz/run.sh" "$here/build-fuzz" 120 "$@"
