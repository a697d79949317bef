# calib_data.sh - synthetic inputs for the `pel calibrate` CLI tests (sourced
# after expect.sh; writes into $T).  MD-like tables: the cu56zr44-paper
# model's own cooling at 1e13 and 1e12 K/s every 50 K (pel run), plus a
# deterministic +-1 meV/atom scatter; catalogs: the committed test catalogs.
D="$PEL_SOURCE_DIR/tests/data"
for r in 1e13 1e12; do
    "$PEL" run --material cu56zr44-paper --protocol "eq@2000K; cool 100K@${r}K/s" --csv |
        awk -F, -v q="$r" 'NR == 1 { print "T_K,E_IS_eV_per_atom,t_ps"; next }
            $2 % 50 == 0 { n++; h = sin(n * 12.9898) * 43758.5453; h -= int(h); if (h < 0) h += 1
                printf "%s,%.12f,%.6g\n", $2, $3 + 2e-3 * (h - 0.5), (2000 - $2) / q * 1e12 }' \
        >"$T/md_$r.csv"
done
