#!/usr/bin/env bash
# engine_checkpoint.sh - the checkpoints of `pel quench` and `pel md
# --protocol` record the force engine and the start box's tilts, and a
# --resume with another is refused with one line (exit nonzero):
#  - pel's EAM with another potential (a copy of CuZr_mm.eam.fs with one
#    table value changed), or the same potential through --engine lammps;
#  - --engine lammps with other --pair lines, or back to pel's EAM;
#  - a triclinic start whose tilt changed (the positions, lengths and
#    velocities unchanged);
#  - the same options resume and reach the uninterrupted run's table;
#  - a checkpoint written before the engine was recorded (tests/data/
#    checkpoint_v1, a 100-atom `pel quench` stopped at step 50 by that
#    build) still resumes with pel's EAM and reaches the table of an
#    uninterrupted run of this build, and is refused with --engine lammps.
# The LAMMPS cases are skipped when pel was built without LAMMPS.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
POT=/usr/share/lammps/potentials/CuZr_mm.eam.fs
[ -r "$POT" ] || { echo "CuZr_mm.eam.fs not installed: skipped"; exit 77; }
LMP=(--engine lammps --pair "pair_style eam/fs" --pair "pair_coeff * * $POT Cu Zr")
have_lammps=1
case "$("$PEL" energy --data "$PEL_SOURCE_DIR/tests/data/cuzr64.data" "${LMP[@]}" 2>&1)" in
*"built without LAMMPS"*) have_lammps=0 ;;
esac

# another potential: line 10 of the file (the first F(rho) values) scaled
awk 'NR == 10 { $1 = $1 * 1.001 } { print }' "$POT" >"$T/other.eam.fs"
cmp -s "$POT" "$T/other.eam.fs" && { echo "FAIL: the copy of the potential is not changed"; exit 1; }

Q=(--composition Cu56Zr44 --atoms 100 --rate 1e15 --T 1500 --T-stop 1400 --equilibrate 0.05 --sample-every 50 --seed 3
   --checkpoint-every 50)
"$PEL" quench "${Q[@]}" --out "$T/qref" >/dev/null 2>"$T/err" || { echo "FAIL: quench reference"; cat "$T/err"; exit 1; }
"$PEL" quench "${Q[@]}" --out "$T/q" --stop-after 50 >/dev/null 2>&1
[ -s "$T/q/checkpoint.bin" ] || { echo "FAIL: no checkpoint after --stop-after 50"; exit 1; }
cp -r "$T/q" "$T/q0"
expect_fail quench "checkpoint.bin|pel's EAM engine and another potential" "${Q[@]}" --out "$T/q" --resume \
    --potential "$T/other.eam.fs"
if [ "$have_lammps" = 1 ]; then
    expect_fail quench "checkpoint.bin|written with pel's EAM engine|this run: the LAMMPS engine" "${Q[@]}" \
        --out "$T/q" --resume --masses 63.546,91.224 "${LMP[@]}"
fi
# the refusals left the run resumable
"$PEL" quench "${Q[@]}" --out "$T/q" --resume >/dev/null 2>"$T/err" || { echo "FAIL: quench resume"; cat "$T/err"; fails=$((fails + 1)); }
cmp -s "$T/q/cooling.csv" "$T/qref/cooling.csv" || { echo "FAIL: resumed cooling.csv differs"; fails=$((fails + 1)); }

# the version-1 checkpoint: pel's EAM only
cp -r "$PEL_SOURCE_DIR/tests/data/checkpoint_v1" "$T/v1"
if [ "$have_lammps" = 1 ]; then
    expect_fail quench "checkpoint.bin|older than the engine record|--engine eam" "${Q[@]}" --out "$T/v1" --resume \
        --masses 63.546,91.224 "${LMP[@]}"
fi
"$PEL" quench "${Q[@]}" --out "$T/v1" --resume >/dev/null 2>"$T/err" || { echo "FAIL: resume of the version-1 checkpoint"; cat "$T/err"; fails=$((fails + 1)); }
cmp -s "$T/v1/cooling.csv" "$T/qref/cooling.csv" || { echo "FAIL: cooling.csv from the version-1 checkpoint differs"; fails=$((fails + 1)); }

# md --protocol from a triclinic start
# (the orthogonal cell sheared: x += xy y/Ly + xz z/Lz, y += yz z/Lz, so every
# atom stays inside; the second file differs in xy by 1e-4 A only)
awk '/xlo xhi/ { L[1] = $2 - $1 } /ylo yhi/ { L[2] = $2 - $1 } /zlo zhi/ { L[3] = $2 - $1; print; print "0.8 -0.5 0.3 xy xz yz"; next }
     /^Atoms/ { a = 1 } /^Velocities/ { a = 0 }
     a && NF >= 5 { $3 += 0.8 * $4 / L[2] - 0.5 * $5 / L[3]; $4 += 0.3 * $5 / L[3]; $3 = sprintf("%.15g", $3); $4 = sprintf("%.15g", $4) }
     { print }' "$PEL_SOURCE_DIR/tests/data/cuzr64.data" >"$T/tri.data"
sed 's/^0.8 -0.5 0.3 xy xz yz$/0.7999 -0.5 0.3 xy xz yz/' "$T/tri.data" >"$T/tri2.data"
cmp -s "$T/tri.data" "$T/tri2.data" && { echo "FAIL: the tilt was not changed"; exit 1; }
A=(--protocol "eq@1200K; hold 0.1ps; cool 1100K@1e15K/s" --sample-every-K 50 --sample-every-ps 0.05 --checkpoint-every 50
   --threads 1)
"$PEL" md "${A[@]}" --data "$T/tri.data" --out "$T/pref" >/dev/null 2>"$T/err" || { echo "FAIL: protocol reference"; cat "$T/err"; exit 1; }
"$PEL" md "${A[@]}" --data "$T/tri.data" --out "$T/p" --stop-after 50 >/dev/null 2>&1
[ -s "$T/p/checkpoint.bin" ] || { echo "FAIL: no protocol checkpoint"; exit 1; }
expect_fail md "checkpoint.bin|other parameters|start and its box" "${A[@]}" --data "$T/tri2.data" --out "$T/p" --resume
expect_fail md "checkpoint.bin|another potential" "${A[@]}" --data "$T/tri.data" --out "$T/p" --resume \
    --potential "$T/other.eam.fs"
"$PEL" md "${A[@]}" --data "$T/tri.data" --out "$T/p" --resume >/dev/null 2>"$T/err" || { echo "FAIL: protocol resume"; cat "$T/err"; fails=$((fails + 1)); }
cmp -s "$T/p/protocol.csv" "$T/pref/protocol.csv" || { echo "FAIL: resumed protocol.csv differs"; fails=$((fails + 1)); }

# md --protocol with the LAMMPS engine: other --pair lines, or pel's EAM
if [ "$have_lammps" = 1 ]; then
    D=(--data "$PEL_SOURCE_DIR/tests/data/cuzr64.data")
    "$PEL" md "${A[@]}" "${D[@]}" --out "$T/l" --stop-after 50 "${LMP[@]}" >/dev/null 2>&1
    [ -s "$T/l/checkpoint.bin" ] || { echo "FAIL: no LAMMPS protocol checkpoint"; exit 1; }
    expect_fail md "checkpoint.bin|the LAMMPS engine and other --pair lines" "${A[@]}" "${D[@]}" --out "$T/l" --resume \
        --engine lammps --pair "pair_style eam/fs" --pair "pair_coeff * * $T/other.eam.fs Cu Zr"
    expect_fail md "checkpoint.bin|written with the LAMMPS engine|this run: pel's EAM engine" "${A[@]}" "${D[@]}" \
        --out "$T/l" --resume
    "$PEL" md "${A[@]}" "${D[@]}" --out "$T/l" --resume "${LMP[@]}" >/dev/null 2>"$T/err" ||
        { echo "FAIL: LAMMPS protocol resume"; cat "$T/err"; fails=$((fails + 1)); }
    [ -s "$T/l/protocol.csv" ] || { echo "FAIL: no table after the LAMMPS resume"; fails=$((fails + 1)); }
fi

[ "$fails" -eq 0 ] || exit 1
echo "engine_checkpoint: passed"
