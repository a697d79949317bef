#!/usr/bin/env bash
# triclinic_energy.sh - a triclinic data file written by LAMMPS itself (the
# 64-atom Cu-Zr test cell sheared by change_box to tilts near +-0.47 of the
# 10.3 A box, then relaxed) read by `pel energy --forces`: energy, forces and
# pressure equal LAMMPS run 0 (1e-9 eV/atom, 1e-8 eV/A, 0.1 bar); the cell is
# smaller than two cutoffs.  `pel minimize` keeps the box and its tilts, and
# a tilt beyond LAMMPS's limit is one clear error.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$PEL_SOURCE_DIR/tests/cli/lib/expect.sh"
. "$PEL_SOURCE_DIR/tests/cli/lib/lmpcmp.sh"
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: skipped"; exit 0; }
cd "$T" || exit 1
cat >make.lmp <<LMP
units metal
atom_style atomic
read_data $PEL_SOURCE_DIR/tests/data/cuzr64.data
pair_style eam/fs
pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr
change_box all triclinic
change_box all xy final 4.9 xz final -4.8 yz final 4.7 remap units box
minimize 0 1e-3 200 2000
write_data tri.data
LMP
lmp -in make.lmp -log none -screen none -nocite || { echo "FAIL: lmp (make)"; exit 1; }
grep -q "xy xz yz" tri.data || { echo "FAIL: LAMMPS wrote no triclinic box"; exit 1; }
"$PEL" energy --data tri.data --forces >pel.out || { echo "FAIL: pel energy exited nonzero"; exit 1; }
lmp_run0 tri.data tri || { echo "FAIL: lmp"; exit 1; }
lmp_compare pel.out e_tri.txt f_tri.dump 64 "triclinic 64"
# Minimisation at fixed box writes the same triclinic box back.
"$PEL" minimize --data tri.data --out min.data >min.out 2>&1 || { echo "FAIL: pel minimize: $(cat min.out)"; exit 1; }
tilts() { awk '/xy xz yz/ { print $1 + 0, $2 + 0, $3 + 0 }' "$1"; }
[ "$(tilts min.data)" = "$(tilts tri.data)" ] || { echo "FAIL: minimize changed the tilts"; fails=$((fails + 1)); }
# Beyond LAMMPS's limit (|xy| <= len_x / 2): one line naming file, line and tilt.
sed 's/^.* xy xz yz$/5.2 0 0 xy xz yz/' tri.data >bad.data
expect_fail energy "bad.data:|tilt xy = 5.2 is outside" --data bad.data
[ "$fails" -eq 0 ] || exit 1
echo "triclinic_energy: passed"
