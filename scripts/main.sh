#!/usr/bin/env bash
# main.sh - set up, build and run the main job on the built-in cu56zr44-paper
# material: the paper's thermal protocols as CSV files in ${1:-out}/ plus a
# printed summary table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out}
"$here/scripts/setup.sh"
mkdir -p "$out"
"$here/scripts/paper-protocols.sh" "$here/build/pel" "$out"
"$here/build/pel" figures --material cu56zr44-paper --out "$out/figures" --format png,svg
echo "main: figures in $out/figures/ (spectra, map, hysteresis, truncated: .png, .svg and the .csv of every plotted number)" >&2
