#!/usr/bin/env bash
# test.sh - set up, build and run the whole test suite (what CI runs), then
# every suite but the one labelled slow again under AddressSanitizer + UBSan,
# then build (without running) a Release tree and a clang tree, all with
# warnings as errors, then a short libFuzzer run of every parser harness
# (tests/fuzz/, clang).  Prints the time of each stage.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
stage() { echo "test.sh: $1 done after $SECONDS s" >&2; }
"$here/scripts/setup.sh"
cd "$here/build"
ctest --output-on-failure -j2 --timeout 900
stage "build + ctest"
# Sanitizer configuration: same sources, -fsanitize=address,undefined.
PEL_BUILD="$here/build-asan" PEL_CMAKE_ARGS="-DPEL_SANITIZE=ON -DPEL_BUILD_BENCH=OFF" "$here/scripts/setup.sh"
cd "$here/build-asan"
ctest --output-on-failure -j2 -LE slow --timeout 900
stage "asan build + ctest"
# What users build: Release (-O3 finds other warnings) and clang; compile only.
PEL_BUILD="$here/build-release" PEL_JOBS=2 PEL_CMAKE_ARGS="-DCMAKE_BUILD_TYPE=Release" "$here/scripts/setup.sh"
stage "release build"
CC=clang PEL_BUILD="$here/build-clang" PEL_JOBS=2 "$here/scripts/setup.sh"
stage "clang build"
# Fuzz smoke: each parser harness for PEL_FUZZ_SECONDS (10 s) from its committed seeds.
PEL_BUILD="$here/build-fuzz" PEL_JOBS=2 \
  PEL_CMAKE_ARGS="-DCMAKE_C_COMPILER=clang -DPEL_FUZZ=ON -DPEL_BUILD_TESTS=OFF -DPEL_BUILD_BENCH=OFF -DPEL_PYTHON=OFF" \
  "$here/scripts/setup.sh"
(cd "$here/build-fuzz" && ctest --output-on-failure -j2 -L fuzz --timeout 300)
stage "fuzz build + smoke"
