#!/usr/bin/env bash
# engine_cli.sh - --engine/--pair on the commands that take atoms.
# pel minimize and pel md with --engine lammps (pair_style eam/fs on
# CuZr_mm.eam.fs) give what pel's own EAM gives on tests/data/cuzr64.data
# (pel's EAM equals LAMMPS to 1e-14: energy_lammps.sh), and bad engine input
# is one line on stderr with a nonzero exit (a LAMMPS error included: LAMMPS
# runs in a child process and its message comes back).  Skipped (77) when
# pel was built without the LAMMPS engine.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
. "$PEL_SOURCE_DIR/tests/cli/lib/expect.sh"
DATA="$PEL_SOURCE_DIR/tests/data/cuzr64.data"
POTF=/usr/share/lammps/potentials/CuZr_mm.eam.fs
[ -r "$POTF" ] || { echo "lammps-data not installed: skipped"; exit 77; }
cd "$T" || exit 1
LMP=(--engine lammps --pair "pair_style eam/fs" --pair "pair_coeff * * $POTF Cu Zr")
out=$("$PEL" energy --data "$DATA" "${LMP[@]}" 2>&1)
case "$out" in *"built without LAMMPS"*) echo "LAMMPS engine not built: skipped"; exit 77 ;; esac

# usage errors and LAMMPS's own errors: one line naming the problem, nonzero exit
expect_fail energy "--engine|lj" --data "$DATA" --engine lj
expect_fail minimize "--pair is for --engine lammps" --data "$DATA" --out x.data --pair "pair_style sw"
expect_fail md "--potential is for --engine eam" --data "$DATA" --out x.data --ensemble nve --steps 1 \
    --engine lammps --potential "$POTF" --pair "pair_style eam/fs"
expect_fail energy "needs --pair" --data "$DATA" --engine lammps
expect_fail md "--checkpoint|--engine lammps" --data "$DATA" --out x.data --ensemble nve --steps 1 \
    --checkpoint x.ck --thermo 0 "${LMP[@]}"
expect_fail energy "lammps: Unrecognized pair style 'lj/nonsense'" --data "$DATA" --engine lammps \
    --pair "pair_style lj/nonsense 2.5"
expect_fail minimize "lammps: cannot open eam/fs potential file missing.fs" --data "$DATA" --out x.data \
    --engine lammps --pair "pair_style eam/fs" --pair "pair_coeff * * missing.fs Cu Zr"
[ "$fails" -eq 0 ] || exit 1
[ ! -e x.data ] || { echo "FAIL: x.data written after an error"; exit 1; }

# pel minimize: same minimum, same number of force calls
"$PEL" minimize --data "$DATA" --out a.data --verbose >a.txt || { echo "FAIL: minimize eam"; exit 1; }
"$PEL" minimize --data "$DATA" --out b.data --verbose "${LMP[@]}" >b.txt || { echo "FAIL: minimize lammps"; exit 1; }
paste a.txt b.txt | awk '
    NR == 1 { split($1, a, "="); split($2, b, "="); d = a[2] - b[2]; if (d < 0) d = -d
              if (d > 1e-9) { print "FAIL: minimize E/atom differ by " d; bad = 1 } }
    NR == 2 { if ($3 != $8) { print "FAIL: force calls " $3 " vs " $8; bad = 1 } }
    END { exit bad }' || exit 1
# pel md NVT (Nose-Hoover chain, 200 steps): the same thermo table to its printed digits
"$PEL" md --data "$DATA" --ensemble nvt --T 600 --seed 3 --steps 200 --thermo 50 --out a.data >a.csv ||
    { echo "FAIL: md eam"; exit 1; }
"$PEL" md --data "$DATA" --ensemble nvt --T 600 --seed 3 --steps 200 --thermo 50 --out b.data "${LMP[@]}" >b.csv ||
    { echo "FAIL: md lammps"; exit 1; }
[ "$(wc -l <a.csv)" -eq 6 ] && cmp -s a.csv b.csv || { echo "FAIL: md thermo differs:"; diff a.csv b.csv; exit 1; }
echo "engine_cli: passed"
