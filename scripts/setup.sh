#!/usr/bin/env bash
# setup.sh - install pel's Debian dependencies (as root, only those missing)
# and build it into $PEL_BUILD (default ./build) with warnings as errors.
# Extra CMake arguments in $PEL_CMAKE_ARGS (they come last and win).  Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${PEL_BUILD:-$here/build}
pkgs=(build-essential cmake pkg-config libgsl-dev libinih-dev libjansson-dev
      libplplot-dev plplot-driver-cairo libcmocka-dev libssl-dev lammps lammps-data liblammps-dev python3
      clang libclang-rt-dev python3-cffi python3-numpy python3-pytest python3-ase
      libopenmpi-dev openmpi-bin man-db groff-base)
# (libssl-dev: SHA-256 provenance of pel calibrate; libclang-rt-dev: libFuzzer, tests/fuzz/)
# (liblammps-dev: the LAMMPS force engine, --engine lammps; docs/engines.md)
# (libopenmpi-dev, openmpi-bin: mpirun -np N pel art, tests/cli/art_mpi.sh)
# (man-db, groff-base: `man pel-art` in tests/install, man page checks in tests/cli/options_dialect.sh)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# shellcheck disable=SC2086
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPEL_WERROR=ON ${PEL_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"${PEL_JOBS:-$(nproc)}" >/dev/null
echo "setup: built $build/pel" >&2
