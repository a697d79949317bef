#!/usr/bin/env bash
# md_resume_identity.sh - `pel md --resume` only continues its own run: the
# checkpoint records the identity (size and hashes) of the thermo and dump
# files it cuts back and of the data file and potential the run started from.
# A resume naming an unrelated thermo or dump file, another data file or
# another potential is refused with one line and every file left untouched;
# a resume with the right files still matches the uninterrupted run.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D="$PEL_SOURCE_DIR/tests/data/cuzr64.data"
POT=/usr/share/lammps/potentials/CuZr_mm.eam.fs

A="--ensemble nvt --T 900 --seed 3 --steps 1000 --thermo 10 --dump-every 250 --checkpoint-every 500 --threads 1"
cp "$D" "$T/in.data"
cp "$POT" "$T/pot.eam.fs"
"$PEL" md --data "$T/in.data" --potential "$T/pot.eam.fs" $A --out "$T/ref.data" --thermo-out "$T/ref.thermo" \
    --dump "$T/ref.dump" --checkpoint "$T/ref.ck" 2>/dev/null || { echo "FAIL: reference run"; fails=$((fails + 1)); }
# A finished run's checkpoint (at step 1000) resumes to the same outputs.
"$PEL" md --data "$T/in.data" --potential "$T/pot.eam.fs" $A --out "$T/again.data" --thermo-out "$T/ref.thermo" \
    --dump "$T/ref.dump" --checkpoint "$T/ref.ck" --resume 2>/dev/null || { echo "FAIL: resume"; fails=$((fails + 1)); }
cmp -s "$T/ref.data" "$T/again.data" || { echo "FAIL: resumed data differs"; fails=$((fails + 1)); }

# unrelated files: bigger than the checkpoint's record, so only the identity can tell
seq 1 100000 >"$T/notes.txt"
cp "$T/notes.txt" "$T/notes.orig"
cp "$T/ref.dump" "$T/dump.orig"
cp "$T/ref.thermo" "$T/thermo.orig"
cp "$T/ref.ck" "$T/ck.orig"
R=(--potential "$T/pot.eam.fs" $A --out "$T/x.data" --checkpoint "$T/ref.ck" --resume)
expect_fail md "--thermo-out|not the file" --data "$T/in.data" "${R[@]}" --thermo-out "$T/notes.txt" --dump "$T/ref.dump"
expect_fail md "--dump|not the file" --data "$T/in.data" "${R[@]}" --thermo-out "$T/ref.thermo" --dump "$T/notes.txt"
# another data file with the same number of atoms (other positions)
sed 's/^\(1 [0-9] \)\([0-9.-]*\)/\1 0.5/' "$T/in.data" >"$T/other.data"
cmp -s "$T/in.data" "$T/other.data" && { echo "FAIL: test set-up: other.data equals in.data"; fails=$((fails + 1)); }
expect_fail md "--data|not the file" --data "$T/other.data" "${R[@]}" --thermo-out "$T/ref.thermo" --dump "$T/ref.dump"
# another potential: the same file with one table value changed
awk 'NR == 10 { $1 = $1 * 1.000001 } { print }' "$POT" >"$T/other.eam.fs"
expect_fail md "--potential|not the file" --data "$T/in.data" --potential "$T/other.eam.fs" \
    $A --out "$T/x.data" --checkpoint "$T/ref.ck" --resume --thermo-out "$T/ref.thermo" --dump "$T/ref.dump"
for f in notes:notes.txt dump:ref.dump thermo:ref.thermo ck:ref.ck; do
    cmp -s "$T/${f%%:*}.orig" "$T/${f#*:}" || { echo "FAIL: ${f#*:} was changed by a refused resume"; fails=$((fails + 1)); }
done
[ -e "$T/x.data" ] && { echo "FAIL: a refused resume wrote --out"; fails=$((fails + 1)); }

# a checkpoint whose header declares 15 GiB in a 32-byte file: refused as
# corrupt from its size, before anything is allocated from the declaration
printf 'PELMCHK1\x00\x00\x00\xc0\x03\x00\x00\x00xxxxxxxxxxxxxxxx' >"$T/big.ck"
expect_fail md "corrupt" --data "$T/in.data" --potential "$T/pot.eam.fs" $A --out "$T/x.data" \
    --thermo-out "$T/ref.thermo" --dump "$T/ref.dump" --checkpoint "$T/big.ck" --resume

[ "$fails" -eq 0 ] && echo "md_resume_identity: all checks passed"
exit $((fails > 0))
