#!/usr/bin/env bash
# energy_styles.sh - LAMMPS data files in atom_style charge and full (with a
# bond, Bond Coeffs and the topology header lines) give LAMMPS's energy,
# pressure and forces (1e-9 eV/atom, 0.1 bar, 1e-8 eV/A); the style comes
# from "Atoms # style" or, without it, from the column count; charges and
# bonds are ignored with one note on stderr.  Bounded parsing: a small file
# declaring 1e9 atoms, an over-long line and a faster-than-light velocity
# are refused with one line.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$PEL_SOURCE_DIR/tests/cli/lib/expect.sh"
. "$PEL_SOURCE_DIR/tests/cli/lib/lmpcmp.sh"
D="$PEL_SOURCE_DIR/tests/data"
cd "$T" || exit 1
sed 's/^64 atoms/1000000000 atoms/' "$D/cuzr64.data" >huge.data
expect_fail energy "huge.data:3|1000000000 atoms cannot fit" --data huge.data
{ head -3 "$D/cuzr64.data"; printf '%05000d\n' 0; tail -n +4 "$D/cuzr64.data"; } >long.data
expect_fail energy "long.data:4|longer than 4096" --data long.data
awk '/^Velocities/ { v = 1 } v && $1 == 7 { $2 = "1e300" } { print }' "$D/cuzr64.data" >fast.data
expect_fail energy "speed of light" --data fast.data
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: LAMMPS comparisons skipped"; exit "$((fails > 0))"; }

# charge: id type q x y z ix iy iz; full: id mol type q x y z ix iy iz.
awk '/^Atoms/ { print "Atoms # charge"; a = 1; next } /^Velocities/ { a = 0 }
     a && NF == 8 { printf "%s %s %.3f %s %s %s %s %s %s\n", $1, $2, 0.1 * ($1 % 7) - 0.3, $3, $4, $5, $6, $7, $8; next }
     { print }' "$D/cuzr64.data" >charge.data
awk '/^2 atom types/ { print; print "1 bonds"; print "1 bond types"; print "2 extra bond per atom"; next }
     /^Atoms/ { print "Bond Coeffs # harmonic"; print ""; print "1 0.0 2.5"; print ""; print "Atoms # full"; a = 1; next }
     /^Velocities/ { a = 0; v = 1 }
     a && NF == 8 { printf "%s %d %s %.3f %s %s %s %s %s %s\n", $1, 1 + $1 % 3, $2, 0.1 * ($1 % 5), $3, $4, $5, $6, $7, $8; next }
     { print } END { print ""; print "Bonds"; print ""; print "1 1 1 2" }' "$D/cuzr64.data" >full.data
sed 's/^Atoms # charge/Atoms/' charge.data >charge_nocomment.data
for style in charge full; do
    cat >"in_$style.lmp" <<LMP
units metal
atom_style $style
bond_style harmonic
special_bonds lj/coul 1.0 1.0 1.0
read_data $style.data
pair_style eam/fs
pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr
dump d all custom 1 f_$style.dump id fx fy fz
dump_modify d format float %.17g sort id
run 0
print "\$(pe:%.17g) \$(press:%.17g)" file e_$style.txt screen no
LMP
    [ "$style" = charge ] && sed -i -e '/bond_style/d' -e '/special_bonds/d' "in_$style.lmp"
    lmp -in "in_$style.lmp" -log none -screen none -nocite || { echo "FAIL: lmp $style"; exit 1; }
    "$PEL" energy --data "$style.data" --forces >"$style.out" 2>"$style.err" ||
        { echo "FAIL: pel energy $style: $(cat "$style.err")"; fails=$((fails + 1)); }
    lmp_compare "$style.out" "e_$style.txt" "f_$style.dump" 64 "atom_style $style"
    [ "$(wc -l <"$style.err")" -eq 1 ] && grep -q "^pel energy: note: charges" "$style.err" ||
        { echo "FAIL: $style: expected one note on stderr, got: $(cat "$style.err")"; fails=$((fails + 1)); }
done
grep -q "molecule ids, bonds" full.err || { echo "FAIL: full: note lacks molecules/bonds: $(cat full.err)"; fails=$((fails + 1)); }
"$PEL" energy --data charge_nocomment.data --forces >nc.out 2>/dev/null ||
    { echo "FAIL: pel energy (style from column count)"; fails=$((fails + 1)); }
lmp_compare nc.out e_charge.txt f_charge.dump 64 "charge by column count"
sed 's/^Atoms # full/Atoms # sphere/' full.data >sphere.data
expect_fail energy "sphere.data|atom_style sphere is not supported" --data sphere.data
[ "$fails" -eq 0 ] || exit 1
echo "energy_styles: passed"
