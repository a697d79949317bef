#!/usr/bin/env bash
# test.sh - set up, build and run the whole test suite (what CI runs), then
# every suite but the one labelled slow again under AddressSanitizer + UBSan.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
cd "$here/build"
ctest --output-on-failure -j2 --timeout 900
# Sanitizer configuration: same sources, -fsanitize=address,undefined.
PEL_BUILD="$here/build-asan" PEL_CMAKE_ARGS="-DPEL_SANITIZE=ON -DPEL_BUILD_BENCH=OFF" "$here/scripts/setup.sh"
cd "$here/build-asan"
ctest --output-on-failure -j2 -LE slow --timeout 900
