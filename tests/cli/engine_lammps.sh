#!/usr/bin/env bash
# engine_lammps.sh - `pel energy --engine lammps` equals `lmp` run 0 for three
# potential families LAMMPS has and pel does not compute itself: sw (Si.sw)
# and tersoff (Si.tersoff) on a perturbed 64-atom diamond Si cell, and
# eam/alloy (CuNi.eam.alloy, elements listed Ni Cu) on a perturbed 108-atom
# fcc Cu-Ni cell.  Tolerances of issue 17: 1e-9 eV/atom, 1e-8 eV/A per force
# component, 0.1 bar.  Skipped (77) when lmp or the LAMMPS engine is missing.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
command -v lmp >/dev/null 2>&1 || { echo "lmp not installed: skipped"; exit 77; }
POT=/usr/share/lammps/potentials
[ -r "$POT/Si.sw" ] || { echo "lammps-data not installed: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# lattice NAME A NCELL TYPES... : data file of a perturbed cubic crystal
# (deterministic: awk srand(7)), types cycled over the basis sites.
lattice() {
    awk -v kind="$1" -v a="$2" -v nc="$3" -v ntypes="$4" -v m1="$5" -v m2="${6:-0}" 'BEGIN {
        srand(7)
        if (kind == "diamond") { nb = 8; split("0 0 0 0 .5 .5 .5 0 .5 .5 .5 0 .25 .25 .25 .25 .75 .75 .75 .25 .75 .75 .75 .25", b, " ") }
        else { nb = 4; split("0 0 0 0 .5 .5 .5 0 .5 .5 .5 0", b, " ") }
        n = nb * nc * nc * nc; L = a * nc
        printf "perturbed %s\n\n%d atoms\n%d atom types\n\n", kind, n, ntypes
        printf "0 %.17g xlo xhi\n0 %.17g ylo yhi\n0 %.17g zlo zhi\n\nMasses\n\n1 %s\n", L, L, L, m1
        if (ntypes > 1) printf "2 %s\n", m2
        printf "\nAtoms # atomic\n\n"
        id = 0
        for (i = 0; i < nc; i++) for (j = 0; j < nc; j++) for (k = 0; k < nc; k++) for (s = 0; s < nb; s++) {
            id++; t = ntypes > 1 ? 1 + (id * 7 % 5 < 2) : 1
            printf "%d %d %.17g %.17g %.17g\n", id, t, (i + b[3*s+1]) * a + 0.1 + 0.15 * (rand() - 0.5),
                   (j + b[3*s+2]) * a + 0.1 + 0.15 * (rand() - 0.5), (k + b[3*s+3]) * a + 0.1 + 0.15 * (rand() - 0.5)
        }
    }'
}

# check NAME DATA NATOMS LINE... : pel with --pair LINE... against lmp with the same lines
check() {
    local name=$1 data=$2 n=$3
    shift 3
    local args=() l
    for l in "$@"; do args+=(--pair "$l"); done
    "$PEL" energy --data "$data" --forces --engine lammps "${args[@]}" >"$name.pel" ||
        { echo "FAIL $name: pel energy --engine lammps exited nonzero"; exit 1; }
    {
        printf 'units metal\natom_style atomic\nread_data %s\n' "$data"
        printf '%s\n' "$@"
        printf 'dump d all custom 1 %s.dump id fx fy fz\ndump_modify d format float %%.17g sort id\nrun 0\n' "$name"
        printf 'print "$(pe:%%.17g) $(press:%%.17g)" file %s.e screen no\n' "$name"
    } >"$name.in"
    lmp -in "$name.in" -log none -screen none -nocite || { echo "FAIL $name: lmp"; exit 1; }
    awk -v n="$n" -v name="$name" 'NR == FNR { if (FNR == 1) { split($0, a, /[= ]/); e = a[2]; p = a[6] } next }
         FNR == 1 { de = (e - $1) / n; dp = p - $2; if (de < 0) de = -de; if (dp < 0) dp = -dp
                    printf "%s: |dE|/atom = %.3g eV, |dP| = %.3g bar\n", name, de, dp
                    if (de > 1e-9 || dp > 0.1) { print "FAIL " name ": energy or pressure"; bad = 1 } }
         END { exit bad }' "$name.pel" "$name.e" || exit 1
    [ "$(tail -n +2 "$name.pel" | wc -l)" -eq "$n" ] || { echo "FAIL $name: expected $n force lines"; exit 1; }
    paste <(tail -n +2 "$name.pel") <(tail -n "$n" "$name.dump") |
        awk -v name="$name" '{ if ($1 != $5) { print "FAIL " name ": id order"; bad = 1 }
            for (k = 2; k <= 4; k++) { d = $k - $(k + 4); if (d < 0) d = -d; if (d > m) m = d }
            if ($2 * $2 + $3 * $3 + $4 * $4 > big) big = $2 * $2 + $3 * $3 + $4 * $4 }
            END { if (big < 1e-2) { print "FAIL " name ": forces vanish (perturbation lost)"; bad = 1 }
                  if (m > 1e-8) { print "FAIL " name ": max force diff " m; bad = 1 }
                  else printf "%s: max |dF| = %.3g eV/A\n", name, m; exit bad }' || exit 1
}

"$PEL" energy --help | grep -q -- "--engine" || { echo "FAIL: no --engine in pel energy --help"; exit 1; }
lattice diamond 5.431 2 1 28.0855 >si.data
lattice fcc 3.56 3 2 58.6934 63.546 >cuni.data
probe=$("$PEL" energy --data si.data --engine lammps --pair "pair_style zero 3.0" --pair "pair_coeff * *" 2>&1)
case "$probe" in *"built without LAMMPS"*) echo "LAMMPS engine not built: skipped"; exit 77 ;; esac
check sw si.data 64 "pair_style sw" "pair_coeff * * $POT/Si.sw Si"
check tersoff si.data 64 "pair_style tersoff" "pair_coeff * * $POT/Si.tersoff Si"
check eamalloy cuni.data 108 "pair_style eam/alloy" "pair_coeff * * $POT/CuNi.eam.alloy Ni Cu"
echo "engine_lammps: passed"
