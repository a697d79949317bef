#!/usr/bin/env bash
# energy_lammps.sh - `pel energy --forces` prints the fixed form and agrees
# with LAMMPS run 0 on tests/data/cuzr64.data (velocities: kinetic pressure;
# nonzero image flags; 10 A box smaller than two cutoffs).  Tolerances of
# issue 3: 1e-9 eV/atom, 1e-8 eV/A per force component, 0.1 bar.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: skipped"; exit 0; }
DATA="$PEL_SOURCE_DIR/tests/data/cuzr64.data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
"$PEL" energy --data "$DATA" --forces >pel.out || { echo "FAIL: pel energy exited nonzero"; exit 1; }
head -1 pel.out | grep -Eq '^E_total_eV=[-0-9.e+]+ E_per_atom_eV=[-0-9.e+]+ P_bar=[-0-9.e+]+$' ||
    { echo "FAIL: first line format: $(head -1 pel.out)"; exit 1; }
[ "$(wc -l <pel.out)" -eq 65 ] || { echo "FAIL: expected 65 lines"; exit 1; }
cat >in.lmp <<LMP
units metal
atom_style atomic
read_data $DATA
pair_style eam/fs
pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr
dump d all custom 1 f.dump id fx fy fz
dump_modify d format float %.17g sort id
run 0
print "\$(pe:%.17g) \$(press:%.17g)" file e.txt screen no
LMP
lmp -in in.lmp -log none -screen none -nocite || { echo "FAIL: lmp"; exit 1; }
awk -v n=64 'NR == FNR { if (FNR == 1) { split($0, a, /[= ]/); e = a[2]; p = a[6] } next }
     FNR == 1 { el = $1; pl = $2;
                de = (e - el) / n; dp = p - pl; if (de < 0) de = -de; if (dp < 0) dp = -dp;
                if (de > 1e-9 || dp > 0.1) { print "FAIL: E/atom diff " de " P diff " dp; bad = 1 } }
     END { exit bad }' pel.out e.txt || exit 1
tail -n 64 f.dump >lmp.f
tail -n 64 pel.out >pel.f
paste pel.f lmp.f | awk '{ if ($1 != $5) { print "FAIL: id order"; bad = 1 }
    for (k = 2; k <= 4; k++) { d = $k - $(k + 4); if (d < 0) d = -d; if (d > m) m = d } }
    END { if (m > 1e-8) { print "FAIL: max force diff " m; bad = 1 } else print "max |df| = " m " eV/A"; exit bad }' || exit 1
echo "energy_lammps: passed"
