#!/usr/bin/env bash
# engine_art.sh - `pel art --engine lammps`: saddle searches on a 63-atom
# Stillinger-Weber diamond Si cell with a vacancy (Debian's Si.sw), every
# force from LAMMPS.  Truth: `lmp` run 0 on each saddle configuration the
# campaign wrote gives the catalog's E_saddle (1e-6 eV) and a force below the
# saddle tolerance.  The full-Hessian and NEB checks of the same searches are
# tests/atoms/test_engine_art.c.  Usage errors: --potential with --engine
# lammps; mpirun with --engine lammps.  Skipped (77) without lmp, Si.sw or
# the LAMMPS engine.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: skipped"; exit 77; }
SW=/usr/share/lammps/potentials/Si.sw
[ -r "$SW" ] || { echo "lammps-data not installed: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
PAIR=(--engine lammps --pair "pair_style sw" --pair "pair_coeff * * $SW Si")
fails=0

awk 'BEGIN { a = 5.431; nc = 2; split("0 0 0 0 .5 .5 .5 0 .5 .5 .5 0 .25 .25 .25 .25 .75 .75 .75 .25 .75 .75 .75 .25", b, " ")
    printf "diamond Si with a vacancy\n\n63 atoms\n1 atom types\n\n0 %.17g xlo xhi\n0 %.17g ylo yhi\n0 %.17g zlo zhi\n\nMasses\n\n1 28.0855\n\nAtoms # atomic\n\n", a*nc, a*nc, a*nc
    for (i = 0; i < nc; i++) for (j = 0; j < nc; j++) for (k = 0; k < nc; k++) for (s = 0; s < 8; s++)
        if (i + j + k + s > 0) printf "%d 1 %.17g %.17g %.17g\n", ++id, (i + b[3*s+1]) * a, (j + b[3*s+2]) * a, (k + b[3*s+3]) * a }' >vac.data

mkdir cfg
"$PEL" art --data vac.data --out cat.csv --centers ids:1,20,40 --searches-per-center 1 --seed 1 \
    --write-configs cfg --quiet "${PAIR[@]}" >out 2>err
rc=$?
grep -q "built without LAMMPS" err && { echo "LAMMPS engine not built: skipped"; exit 77; }
[ "$rc" -eq 0 ] || { echo "FAIL: pel art --engine lammps (rc $rc)"; cat err; exit 1; }
cat out
grep -q "potential_fnv1a=" cat.csv || { echo "FAIL: no input identity in the campaign line"; fails=$((fails + 1)); }
nconv=0
while IFS=, read -r id center status e0 es rest; do
    [ "$status" = converged ] || continue
    xyz=$(printf 'cfg/search_%08d_saddle.xyz' "$id")
    [ -r "$xyz" ] || { echo "FAIL: $xyz missing"; fails=$((fails + 1)); continue; }
    # extended XYZ (cubic Lattice) -> LAMMPS data, then lmp run 0
    awk 'NR == 1 { n = $1 } NR == 2 { match($0, /Lattice="[^"]*"/); split(substr($0, RSTART + 9, RLENGTH - 10), L, " ")
         printf "saddle\n\n%d atoms\n1 atom types\n\n0 %s xlo xhi\n0 %s ylo yhi\n0 %s zlo zhi\n\nMasses\n\n1 28.0855\n\nAtoms # atomic\n\n", n, L[1], L[5], L[9] }
         NR > 2 { printf "%d 1 %s %s %s\n", NR - 2, $2, $3, $4 }' "$xyz" >s.data
    printf 'units metal\natom_style atomic\nread_data s.data\npair_style sw\npair_coeff * * %s Si\nrun 0\nprint "$(pe:%%.17g) $(fnorm:%%.17g)" file s.e screen no\n' "$SW" >s.in
    lmp -in s.in -log none -screen none -nocite || { echo "FAIL: lmp on search $id"; fails=$((fails + 1)); continue; }
    read -r e fn <s.e
    awk -v a="$e" -v b="$es" -v fn="$fn" -v id="$id" 'BEGIN { d = a - b; if (d < 0) d = -d
        printf "search %s: E_saddle %s (pel) %s (lmp), |dE| %.3g eV, |F| %.3g eV/A\n", id, b, a, d, fn
        exit !(d < 1e-6 && fn < 0.05) }' || fails=$((fails + 1))
    nconv=$((nconv + 1))
done < <(tail -n +3 cat.csv)
[ "$nconv" -ge 1 ] || { echo "FAIL: no converged search"; fails=$((fails + 1)); }

"$PEL" art --data vac.data --out x.csv --potential "$SW" "${PAIR[@]}" 2>err
[ $? -eq 2 ] && grep -q "potential is for --engine eam" err || { echo "FAIL: --potential with lammps"; cat err; fails=$((fails + 1)); }
if command -v mpirun >/dev/null 2>&1; then
    mpirun --allow-run-as-root --oversubscribe -np 2 "$PEL" art --data vac.data --out y.csv "${PAIR[@]}" >/dev/null 2>err
    [ $? -ne 0 ] && [ ! -e y.csv ] && grep -q "not under mpirun" err || { echo "FAIL: mpirun art --engine lammps"; cat err; fails=$((fails + 1)); }
fi
[ "$fails" -eq 0 ] && echo "engine_art: all passed ($nconv saddles checked against lmp)"
exit "$fails"
