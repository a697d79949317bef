#!/usr/bin/env bash
# is_traj.sh - `pel is`: inherent structures of every frame of a trajectory.
#   * MD frames written by LAMMPS (dump with velocities): the frame columns
#     equal LAMMPS's thermo at the same steps (E_pot 1e-9 eV/atom, P 0.1 bar,
#     T_inst 1e-6 K); t_ps = step * --dt, or the dump's ITEM: TIME.
#   * A zero-pressure inherent structure made by LAMMPS (CG with box/relax
#     iso 0) is a fixed point: E_IS equals LAMMPS's energy within 1e-6
#     eV/atom and V_IS its volume within 1e-4 A^3/atom.
#   * Resume: a table cut mid-row is completed to the uninterrupted one; a
#     foreign file as --out is refused and left untouched.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$PEL_SOURCE_DIR/tests/cli/lib/expect.sh"
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: skipped"; exit 0; }
DATA="$PEL_SOURCE_DIR/tests/data/cuzr64.data"
cd "$T" || exit 1
cat >md.lmp <<LMP
units metal
atom_style atomic
read_data $DATA
pair_style eam/fs
pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr
fix 1 all nve
fix p all print 10 "\$(step) \$(pe:%.17g) \$(press:%.17g) \$(temp:%.17g) \$(vol:%.17g)" file thermo.txt screen no
dump d all custom 10 md.dump id type x y z ix iy iz vx vy vz
dump_modify d format float %.17g sort id units yes time yes
run 20
unfix 1
unfix p
undump d
fix r all box/relax iso 0.0
minimize 0 1e-12 20000 200000
minimize 0 1e-12 20000 200000
print "\$(pe:%.17g) \$(vol:%.17g) \$(press:%.17g)" file is.txt screen no
write_dump all custom is.dump id type x y z modify format float %.17g sort id
LMP
lmp -in md.lmp -log none -screen none -nocite || { echo "FAIL: lmp"; exit 1; }
"$PEL" is md.dump --out md.csv --elements Cu,Zr --dt 0.001 >md.out 2>md.err || { echo "FAIL: pel is: $(cat md.err)"; exit 1; }
grep -q '^frames=3 skipped=0 unconverged=0$' md.out || { echo "FAIL: summary: $(cat md.out)"; fails=$((fails + 1)); }
[ "$(grep -c 'pel is: frame' md.err)" -eq 3 ] || { echo "FAIL: progress lines: $(cat md.err)"; fails=$((fails + 1)); }
awk -F, 'NR == FNR { if ($0 !~ /^#/) pe[++k] = $0; next }
     FNR <= 2 { next }
     { split(pe[FNR - 2], t, " ")
       if ($2 != t[1]) { print "FAIL: step " $2 " vs " t[1]; bad = 1 }
       de = $6 - t[2] / 64; dp = $8 - t[3]; dT = $9 - t[4]; dv = $5 - t[5] / 64
       if (de < 0) de = -de; if (dp < 0) dp = -dp; if (dT < 0) dT = -dT; if (dv < 0) dv = -dv
       if (de > 1e-9 || dp > 0.1 || dT > 1e-6 || dv > 1e-9) { print "FAIL: frame " $1 ": dE " de " dP " dp " dT " dT " dV " dv; bad = 1 }
       if ($10 != $2 * 0.001 || $3 != $9 || $11 != 1) { print "FAIL: frame " $1 " t_ps/T_K/converged: " $0; bad = 1 }
       n++ }
     END { if (n != 3) { print "FAIL: " n " rows"; bad = 1 } exit bad }' thermo.txt md.csv || fails=$((fails + 1))

# Without --dt, t_ps is the dump's ITEM: TIME.
"$PEL" is md.dump --out time.csv --elements Cu,Zr >/dev/null 2>&1 || { echo "FAIL: pel is (no --dt)"; fails=$((fails + 1)); }
awk -F, 'FNR > 2 { d = $10 - $2 * 0.001; if (d < 0) d = -d; if ($10 == "" || d > 1e-12) { print "FAIL: t_ps from ITEM: TIME: " $0; bad = 1 } }
         END { exit bad }' time.csv || fails=$((fails + 1))

"$PEL" is is.dump --out is.csv --elements Cu,Zr --ptol 0.1 >/dev/null 2>is.err || { echo "FAIL: pel is (IS): $(cat is.err)"; exit 1; }
awk -F, 'NR == FNR { split($0, t, " "); e = t[1] / 64; v = t[2] / 64; next }
     FNR == 3 { de = $4 - e; dv = $7 - v; if (de < 0) de = -de; if (dv < 0) dv = -dv
                print "LAMMPS IS: dE_IS " de " eV/atom, dV_IS " dv " A^3/atom"
                if (de > 1e-6 || dv > 1e-4 || $11 != 1) { print "FAIL: IS fixed point: " $0; exit 1 } }' is.txt is.csv ||
    fails=$((fails + 1))

# Resume: first row and half of the second kept, as after a kill.
{ head -3 md.csv; sed -n 4p md.csv | head -c 30; } >cut.csv
sed -i "1s|.*|$(head -1 md.csv)|" cut.csv
"$PEL" is md.dump --out cut.csv --elements Cu,Zr --dt 0.001 >cut.out 2>/dev/null || { echo "FAIL: resume exited nonzero"; fails=$((fails + 1)); }
cmp -s cut.csv md.csv || { echo "FAIL: resumed table differs"; diff cut.csv md.csv | head -5; fails=$((fails + 1)); }
grep -q '^frames=2 skipped=1 ' cut.out || { echo "FAIL: resume summary: $(cat cut.out)"; fails=$((fails + 1)); }
printf 'T_K,E\n1,2\n' >foreign.csv
cp foreign.csv foreign.orig
expect_fail is "foreign.csv|not the table of this run" md.dump --out foreign.csv --elements Cu,Zr
cmp -s foreign.csv foreign.orig || { echo "FAIL: foreign file modified"; fails=$((fails + 1)); }
expect_fail is "atom type 1 has neither an element name nor a mass" md.dump --out x.csv
[ ! -e x.csv ] || { echo "FAIL: a failed run left x.csv"; fails=$((fails + 1)); }
expect_fail is "no T_K=" md.dump --out y.csv --elements Cu,Zr --T-column T_K
expect_fail is "one trajectory file is required" --out y.csv
[ "$fails" -eq 0 ] || exit 1
echo "is_traj: passed"
