#!/usr/bin/env bash
# analyze.sh - the numbers of docs/engines.md "Amorphous silicon": the
# sample's density, coordination (neighbours within 2.9 A, the first minimum
# of a-Si's g(r)) and bond angles (mean and spread), and the activation energies of the ART catalog
# (converged and redundant rows: mean, median, sd, n; status counts).
# Usage: analyze.sh asi216.data catalog.csv
set -eu
data=$1 cat=$2
awk '/atoms$/ { n = $1 } /xlo xhi/ { L[0] = $2 - $1 } /ylo yhi/ { L[1] = $2 - $1 } /zlo zhi/ { L[2] = $2 - $1 }
     /^Atoms/ { a = 1; next } /^Velocities/ { a = 0 }
     a && NF >= 5 { k++; x[k] = $3; y[k] = $4; z[k] = $5 }
     END { rc = 2.9; for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) {
               dx = x[i] - x[j]; dy = y[i] - y[j]; dz = z[i] - z[j]
               dx -= L[0] * int(dx / L[0] + (dx > 0 ? 0.5 : -0.5)); dy -= L[1] * int(dy / L[1] + (dy > 0 ? 0.5 : -0.5))
               dz -= L[2] * int(dz / L[2] + (dz > 0 ? 0.5 : -0.5))
               if (dx * dx + dy * dy + dz * dz < rc * rc) {
                   c[i]++; bx[i, c[i]] = dx; by[i, c[i]] = dy; bz[i, c[i]] = dz
                   c[j]++; bx[j, c[j]] = -dx; by[j, c[j]] = -dy; bz[j, c[j]] = -dz } }
           # bond angles at every atom (each pair of its bonds)
           for (i = 1; i <= k; i++) for (p = 1; p <= c[i]; p++) for (q = p + 1; q <= c[i]; q++) {
               u = bx[i, p] * bx[i, q] + by[i, p] * by[i, q] + bz[i, p] * bz[i, q]
               u /= sqrt((bx[i, p]^2 + by[i, p]^2 + bz[i, p]^2) * (bx[i, q]^2 + by[i, q]^2 + bz[i, q]^2))
               if (u > 1) u = 1; if (u < -1) u = -1
               th = atan2(sqrt(1 - u * u), u) * 45 / atan2(1, 1); na++; sa += th; sa2 += th * th }
           for (i = 1; i <= k; i++) { h[c[i] + 0]++; s += c[i] }
           printf "atoms %d, volume %.2f A^3/atom, density %.4f g/cm3, mean coordination %.3f (r < 2.9 A)\n",
                  k, L[0] * L[1] * L[2] / k, k * 28.0855 / 0.60221408 / (L[0] * L[1] * L[2]), s / k
           for (q = 0; q <= 8; q++) if (h[q]) printf "  %d-fold: %d (%.1f%%)\n", q, h[q], 100 * h[q] / k
           printf "bond angles: mean %.2f deg, sd %.2f deg (%d angles; tetrahedral 109.47)\n", sa / na, sqrt(sa2 / na - (sa / na)^2), na }' "$data"
tail -n +3 "$cat" | awk -F, '{ st[$3]++; n++ } $3 == "converged" || $3 == "redundant" { e[++m] = $7 }
    END { for (s in st) printf "  %s: %d\n", s, st[s]
          for (i = 1; i <= m; i++) { s1 += e[i]; s2 += e[i] * e[i] }
          # sort for the median and range
          for (i = 2; i <= m; i++) { v = e[i]; for (j = i - 1; j >= 1 && e[j] > v; j--) e[j + 1] = e[j]; e[j + 1] = v }
          med = m % 2 ? e[(m + 1) / 2] : (e[m / 2] + e[m / 2 + 1]) / 2
          printf "searches %d, connected (converged + redundant) %d (%.1f%%)\n", n, m, 100 * m / n
          printf "E_A: mean %.3f eV, median %.3f eV, sd %.3f eV, min %.3f, max %.3f eV, n %d\n",
                 s1 / m, med, sqrt(s2 / m - (s1 / m) ^ 2), e[1], e[m], m
          printf "E_A quartiles: %.3f %.3f eV; fraction below 0.5 eV %.2f\n", e[int(m / 4) + 1], e[int(3 * m / 4) + 1], low(e, m) }
    function low(e, m,   i, c) { for (i = 1; i <= m; i++) c += e[i] < 0.5; return c / m }'
