#!/usr/bin/env bash
# energy_elements.sh - atom types map to elements explicitly and are checked
# against the file's masses; funcfl potentials equal LAMMPS (pair_style eam).
#   * A Cu-Ni file written by LAMMPS (type 1 Cu, type 2 Ni, no element
#     comments) with CuNi.eam.alloy (elements listed Ni, Cu): pel maps by mass
#     and equals LAMMPS `pair_coeff * * CuNi.eam.alloy Cu Ni` (1e-9 eV/atom,
#     0.1 bar, 1e-8 eV/A); with '# Cu' / '# Ni' comments too.
#   * --elements Ni,Cu (mass 63.546 is not Ni), swapped comments, and the
#     default Cu-Zr potential on the Cu-Ni file are refused with one line
#     naming the type, its mass and the element.
#   * Cu_u3.eam (funcfl) equals LAMMPS on a displaced fcc crystal.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$PEL_SOURCE_DIR/tests/cli/lib/expect.sh"
. "$PEL_SOURCE_DIR/tests/cli/lib/lmpcmp.sh"
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: skipped"; exit 0; }
POT=/usr/share/lammps/potentials
cd "$T" || exit 1

# Reference: LAMMPS builds the sample and evaluates it (run 0).
lammps() { # <data> <pair_style> <pair_coeff args> <tag>
    cat >"ref_$4.lmp" <<LMP
units metal
atom_style atomic
read_data $1
pair_style $2
pair_coeff $3
dump d all custom 1 f_$4.dump id fx fy fz
dump_modify d format float %.17g sort id
run 0
print "\$(pe:%.17g) \$(press:%.17g)" file e_$4.txt screen no
LMP
    lmp -in "ref_$4.lmp" -log none -screen none -nocite || { echo "FAIL: lmp $4"; exit 1; }
}
cat >mk.lmp <<'LMP'
units metal
atom_style atomic
lattice fcc 3.56
region b block 0 4 0 4 0 4
create_box 2 b
create_atoms 1 region b
set type 1 type/fraction 2 0.5 4321
mass 1 63.546
mass 2 58.6934
displace_atoms all random 0.1 0.1 0.1 777 units box
velocity all create 600 99
write_data cuni.data
LMP
lmp -in mk.lmp -log none -screen none -nocite || { echo "FAIL: lmp (sample)"; exit 1; }
lammps cuni.data eam/alloy "* * $POT/CuNi.eam.alloy Cu Ni" cuni
"$PEL" energy --data cuni.data --potential "$POT/CuNi.eam.alloy" --forces >by_mass.out ||
    { echo "FAIL: pel energy (types by mass)"; fails=$((fails + 1)); }
lmp_compare by_mass.out e_cuni.txt f_cuni.dump 256 "Cu-Ni by mass"
sed -e 's/^1 63.546$/1 63.546 # Cu/' -e 's/^2 58.6934$/2 58.6934 # Ni/' cuni.data >named.data
grep -q '# Ni' named.data || { echo "FAIL: could not add element comments"; exit 1; }
"$PEL" energy --data named.data --potential "$POT/CuNi.eam.alloy" --forces >named.out ||
    { echo "FAIL: pel energy (named types)"; fails=$((fails + 1)); }
lmp_compare named.out e_cuni.txt f_cuni.dump 256 "Cu-Ni named"
"$PEL" energy --data cuni.data --potential "$POT/CuNi.eam.alloy" --elements Cu,Ni --forces >listed.out ||
    { echo "FAIL: pel energy --elements Cu,Ni"; fails=$((fails + 1)); }
lmp_compare listed.out e_cuni.txt f_cuni.dump 256 "Cu-Ni --elements"
expect_fail energy "atom type 1|63.546|Ni" --data cuni.data --potential "$POT/CuNi.eam.alloy" --elements Ni,Cu
sed -e 's/# Cu/# X/' -e 's/# Ni/# Cu/' -e 's/# X/# Ni/' named.data >swapped.data
expect_fail energy "atom type 1|63.546|Ni" --data swapped.data --potential "$POT/CuNi.eam.alloy"
expect_fail energy "atom type 2|58.6934|Zr" --data cuni.data
expect_fail energy "element Ni|not in the potential" --data named.data

# funcfl: Cu_u3.eam as LAMMPS `pair_style eam`.
sed -e 's/create_box 2 b/create_box 1 b/' -e '/type\/fraction/d' -e '/mass 2/d' -e 's/63.546/63.55/' \
    -e 's/cuni.data/cu.data/' mk.lmp >mkcu.lmp
lmp -in mkcu.lmp -log none -screen none -nocite || { echo "FAIL: lmp (Cu sample)"; exit 1; }
lammps cu.data eam "1 1 $POT/Cu_u3.eam" cu
"$PEL" energy --data cu.data --potential "$POT/Cu_u3.eam" --forces >cu.out ||
    { echo "FAIL: pel energy (funcfl)"; fails=$((fails + 1)); }
lmp_compare cu.out e_cu.txt f_cu.dump 256 "funcfl Cu_u3"
[ "$fails" -eq 0 ] || exit 1
echo "energy_elements: passed"
