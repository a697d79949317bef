# lmpcmp.sh - compare `pel energy --forces` output with a LAMMPS run 0
# (sourced).  lmp_compare <pel.out> <e.txt> <f.dump> <n> [label]:
#   e.txt holds "pe press" (%.17g) and f.dump "id fx fy fz" sorted by id;
#   tolerances 1e-9 eV/atom, 0.1 bar, 1e-8 eV/A per component.  Increments
#   $fails on a mismatch.
lmp_compare() {
    local pel=$1 etxt=$2 dump=$3 n=$4 label=${5:-}
    if ! awk -v n="$n" -v label="$label" 'NR == FNR { if (FNR == 1) { split($0, a, /[= ]/); e = a[2]; p = a[6] } next }
        FNR == 1 { de = (e - $1) / n; dp = p - $2; if (de < 0) de = -de; if (dp < 0) dp = -dp
                   if (de > 1e-9 || dp > 0.1) { print "FAIL: " label " E/atom diff " de " P diff " dp; exit 1 } }' \
        "$pel" "$etxt"; then
        fails=$((fails + 1))
        return
    fi
    if ! tail -n "$n" "$pel" | paste - <(tail -n "$n" "$dump") | awk -v label="$label" '
        { if ($1 != $5) { print "FAIL: " label " id order"; bad = 1 }
          for (k = 2; k <= 4; k++) { d = $k - $(k + 4); if (d < 0) d = -d; if (d > m) m = d } }
        END { if (m > 1e-8 || NR == 0) { print "FAIL: " label " max force diff " m; bad = 1 }
              else print label ": max |df| = " m " eV/A"; exit bad }'; then
        fails=$((fails + 1))
    fi
}
#
# lmp_run0 <data> <tag>: LAMMPS run 0 of <data> with the Cu-Zr potential,
#   writing e_<tag>.txt and f_<tag>.dump for lmp_compare; 1 if lmp fails.
lmp_run0() {
    local data=$1 tag=$2
    cat >"in_$tag.lmp" <<LMP
units metal
atom_style atomic
read_data $data
pair_style eam/fs
pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr
dump d all custom 1 f_$tag.dump id fx fy fz
dump_modify d format float %.17g sort id
run 0
print "\$(pe:%.17g) \$(press:%.17g)" file e_$tag.txt screen no
LMP
    lmp -in "in_$tag.lmp" -log none -screen none -nocite
}
