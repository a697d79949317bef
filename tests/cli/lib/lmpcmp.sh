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
