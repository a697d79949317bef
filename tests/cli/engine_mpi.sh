#!/usr/bin/env bash
# engine_mpi.sh - `mpirun -np 2 pel md --engine lammps` runs LAMMPS's own MD
# over two ranks (docs/engines.md, "MPI"): it matches -np 1 and, for NVE,
# pel md's own integrator with the forked LAMMPS engine (one process), within
# 1e-8 A in positions and 1e-8 eV in energies after 200 steps of 1500 K SW
# silicon.  Why not bit for bit: two subdomains sum the forces on atoms near
# their boundary in another order (round-off 1e-16, amplified by the chaotic
# dynamics; measured ~1e-14 A).  NPT -np 2 against -np 1 the same.  A LAMMPS
# error is one line and no output file.  Skipped (77) without mpirun, MPI,
# the LAMMPS engine or Si.sw.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
command -v mpirun >/dev/null 2>&1 || { echo "mpirun not installed: skipped"; exit 77; }
SW=/usr/share/lammps/potentials/Si.sw
[ -r "$SW" ] || { echo "lammps-data not installed: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
MPI=(mpirun --allow-run-as-root --oversubscribe -x "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
PAIR=(--engine lammps --pair "pair_style sw" --pair "pair_coeff * * $SW Si")
fails=0

# 216-atom diamond Si, 3x3x3 cells, a = 5.431 A
awk 'BEGIN { a = 5.431; nc = 3; split("0 0 0 0 .5 .5 .5 0 .5 .5 .5 0 .25 .25 .25 .25 .75 .75 .75 .25 .75 .75 .75 .25", b, " ")
    printf "diamond Si\n\n216 atoms\n1 atom types\n\n0 %.17g xlo xhi\n0 %.17g ylo yhi\n0 %.17g zlo zhi\n\nMasses\n\n1 28.0855\n\nAtoms # atomic\n\n", a*nc, a*nc, a*nc
    for (i = 0; i < nc; i++) for (j = 0; j < nc; j++) for (k = 0; k < nc; k++) for (s = 0; s < 8; s++)
        printf "%d 1 %.17g %.17g %.17g\n", ++id, (i + b[3*s+1]) * a, (j + b[3*s+2]) * a, (k + b[3*s+3]) * a }' >si.data

probe=$("${MPI[@]}" -np 1 "$PEL" md --data si.data --ensemble nve --T 10 --steps 0 --out p.data "${PAIR[@]}" 2>&1)
case "$probe" in *"built without"*) echo "pel built without MPI or LAMMPS: skipped"; exit 77 ;; esac

# cmpdata A B TOL: largest |dx| and |dv| between two data files (same atom order)
cmpdata() {
    paste <(awk '/^(Atoms|Velocities)/ { s = $1; next } NF >= 4 && s { print }' "$1") \
          <(awk '/^(Atoms|Velocities)/ { s = $1; next } NF >= 4 && s { print }' "$2") |
        awk -v tol="$3" -v what="$1 vs $2" '{ h = NF / 2; for (k = 2; k <= h; k++) { d = $k - $(k + h); if (d < 0) d = -d; if (d > m) m = d } n++ }
            END { printf "%s: %d lines, max |d| = %.3g\n", what, n, m; exit !(n == 432 && m <= tol) }'
}
# cmpthermo A B TOL: every thermo value (eV, K, bar) within TOL relative
cmpthermo() {
    paste -d, "$1" "$2" | awk -F, -v tol="$3" -v what="$1 vs $2" 'NR > 1 { h = NF / 2; for (k = 2; k <= h; k++) {
            d = $k - $(k + h); if (d < 0) d = -d; s = $k < 0 ? -$k : $k; if (d > tol * (s + 1)) bad = 1; if (d > m) m = d } n++ }
            END { printf "%s: %d rows, max |d| = %.3g\n", what, n, m; exit bad || n < 2 }'
}

ARGS=(--data si.data --T 1500 --steps 200 --seed 5 --thermo 50)
"${MPI[@]}" -np 2 "$PEL" md "${ARGS[@]}" --ensemble nve --out nve2.data "${PAIR[@]}" >nve2.csv 2>err ||
    { echo "FAIL: mpirun -np 2 nve"; cat err; exit 1; }
"${MPI[@]}" -np 1 "$PEL" md "${ARGS[@]}" --ensemble nve --out nve1.data "${PAIR[@]}" >nve1.csv 2>err ||
    { echo "FAIL: mpirun -np 1 nve"; cat err; exit 1; }
"$PEL" md "${ARGS[@]}" --ensemble nve --out nvep.data "${PAIR[@]}" >nvep.csv 2>err ||
    { echo "FAIL: pel md (one process)"; cat err; exit 1; }
cmpdata nve2.data nve1.data 1e-8 || fails=$((fails + 1))
cmpdata nve2.data nvep.data 1e-8 || fails=$((fails + 1))
cmpthermo nve2.csv nve1.csv 1e-10 || fails=$((fails + 1))
cmpthermo nve2.csv nvep.csv 1e-10 || fails=$((fails + 1))
# the atoms moved: the comparison is not of two copies of the start
cmpdata nve2.data si.data 1e-3 >/dev/null && { echo "FAIL: the atoms did not move"; fails=$((fails + 1)); }
# energy conserved by LAMMPS's NVE (Etotal column 5; measured 5e-5 relative, the
# first steps of a crystal started at 1500 K)
awk -F, 'NR == 2 { e0 = $5 } NR > 2 { d = ($5 - e0) / e0; if (d < 0) d = -d; if (d > m) m = d } END { printf "NVE drift %.3g relative\n", m; exit m > 2e-4 }' nve2.csv ||
    { echo "FAIL: NVE energy drift"; fails=$((fails + 1)); }

"${MPI[@]}" -np 2 "$PEL" md "${ARGS[@]}" --ensemble npt --P 0 --out npt2.data "${PAIR[@]}" >npt2.csv 2>err ||
    { echo "FAIL: mpirun -np 2 npt"; cat err; exit 1; }
"${MPI[@]}" -np 1 "$PEL" md "${ARGS[@]}" --ensemble npt --P 0 --out npt1.data "${PAIR[@]}" >npt1.csv 2>err ||
    { echo "FAIL: mpirun -np 1 npt"; cat err; exit 1; }
cmpdata npt2.data npt1.data 1e-8 || fails=$((fails + 1))
cmpthermo npt2.csv npt1.csv 1e-10 || fails=$((fails + 1))
[ "$(awk -F, 'NR == 2 { v0 = $7 } END { print ($7 != v0) }' npt2.csv)" = 1 ] || { echo "FAIL: NPT volume did not change"; fails=$((fails + 1)); }

# --json: rank 0 prints the final state once, as one object; PE and P equal
# `pel energy` on the written data file (1e-8 eV, 1e-4 bar), V its box, and
# the step the run's last
"${MPI[@]}" -np 2 "$PEL" md "${ARGS[@]}" --ensemble npt --P 0 --out js.data --json "${PAIR[@]}" >js.json 2>err ||
    { echo "FAIL: mpirun -np 2 --json"; cat err; exit 1; }
"$PEL" energy --data js.data --json "${PAIR[@]}" >je.json 2>err || { echo "FAIL: pel energy of js.data"; cat err; exit 1; }
python3 - js.json je.json js.data <<'PY' || { echo "FAIL: --json under mpirun"; cat js.json; fails=$((fails + 1)); }
import json, sys
md, en = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
L = {}
for line in open(sys.argv[3]):
    w = line.split()
    if len(w) == 4 and w[2].endswith("lo") and w[3].endswith("hi"):
        L[w[2]] = float(w[1]) - float(w[0])
assert md["step"] == 200, md["step"]
assert abs(md["PE_eV"] - en["E_total_eV"]) < 1e-8, (md["PE_eV"], en["E_total_eV"])
assert abs(md["P_bar"] - en["P_bar"]) < 1e-4, (md["P_bar"], en["P_bar"])
assert abs(md["V_A3"] - L["xlo"] * L["ylo"] * L["zlo"]) < 1e-6 * md["V_A3"], md["V_A3"]
assert abs(md["Etotal_eV"] - md["PE_eV"] - md["KE_eV"]) < 1e-9 * abs(md["Etotal_eV"]), md
print("mpirun --json: PE %.10f eV = pel energy %.10f eV" % (md["PE_eV"], en["E_total_eV"]))
PY

# a LAMMPS error: one line naming it, nonzero exit, no output file
"${MPI[@]}" -np 2 "$PEL" md "${ARGS[@]}" --ensemble nve --out bad.data --engine lammps --pair "pair_style lj/nonsense" >/dev/null 2>err
rc=$?
[ "$rc" -ne 0 ] && [ ! -e bad.data ] && grep -q "^pel md: lammps: Unrecognized pair style 'lj/nonsense'" err ||
    { echo "FAIL: LAMMPS error under mpirun (rc $rc)"; cat err; fails=$((fails + 1)); }
[ "$(grep -c "^pel md: lammps:" err)" -eq 1 ] || { echo "FAIL: expected one error line"; cat err; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "engine_mpi: all passed"
exit "$fails"
