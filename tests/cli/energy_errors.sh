#!/usr/bin/env bash
# energy_errors.sh - every bad-input class of `pel energy` gives a nonzero exit
# and exactly one stderr line "pel energy: ..." naming the problem, no stdout.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D="$PEL_SOURCE_DIR/tests/data"
POT=/usr/share/lammps/potentials/CuZr_mm.eam.fs

hdr='t

3 atoms
2 atom types
0 12 xlo xhi
0 12 ylo yhi
0 12 zlo zhi

Atoms # atomic
'
printf '%s\n1 1 1 1 1\n2 2 5 5 5\n3 1 9 9 9.x\n' "$hdr" >"$T/malformed.data"
printf '%s\n1 1 1 1 1\n2 2 5 5 5\n3 1 9 9 nan\n' "$hdr" >"$T/nan.data"
printf '%s\n1 1 1 1 1\n2 2 5 5 5\n3 1 9 19 9\n' "$hdr" >"$T/outside.data"
printf '%s\n1 1 1 1 1\n2 2 5 5 5\n2 1 9 9 9\n' "$hdr" >"$T/dup.data"
printf '%s\n1 1 0.1 1 1\n2 2 5 5 5\n3 1 11.8 1 1\n' "$hdr" >"$T/overlap.data"
printf '%s\n1 1 1 1 1\n2 2 5 5 5\n' "$hdr" >"$T/short.data"
head -c 3000 "$POT" >"$T/trunc.eam.fs"
sed '7s/^ *[^ ]*/ 1.2.3/' "$POT" >"$T/bad.eam.fs"

expect_fail energy "cannot open data file" --data "$T/missing.data"
expect_fail energy "malformed.data:13" --data "$T/malformed.data"
expect_fail energy "not a finite" --data "$T/nan.data"
expect_fail energy "outside the box" --data "$T/outside.data"
expect_fail energy "duplicate atom id 2" --data "$T/dup.data"
expect_fail energy "atoms 1 and 3" --data "$T/overlap.data" --elements Cu,Zr
expect_fail energy "end of file" --data "$T/short.data"
expect_fail energy "cannot open potential" --data "$D/cuzr64.data" --potential "$T/none.eam.fs"
expect_fail energy "end of file" --data "$D/cuzr64.data" --potential "$T/trunc.eam.fs"
expect_fail energy "bad.eam.fs:7" --data "$D/cuzr64.data" --potential "$T/bad.eam.fs"
expect_fail energy "element Al" --data "$D/cuzr64.data" --elements Cu,Al
expect_fail energy "need 2 names" --data "$D/cuzr64.data" --elements Cu
expect_fail energy "--data is required" --forces
expect_fail energy "--threads" --data "$D/cuzr64.data" --threads zero
expect_fail energy "--threads" --data "$D/cuzr64.data" --threads 0
expect_fail energy "unknown option" --data "$D/cuzr64.data" --bogus
expect_fail energy "needs a value" --data

"$PEL" energy --help >"$T/help" 2>&1 && grep -q -- "--potential" "$T/help" || { echo "FAIL: --help"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "energy_errors: all passed"
