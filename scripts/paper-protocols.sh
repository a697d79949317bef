#!/usr/bin/env bash
# paper-protocols.sh <pel-binary> <outdir> [material]
# Runs the paper's thermal protocols (docs/theory.md §5; Fan, Iwashita & Egami 2017,
# Figs. 3-5) on a material (default: the built-in cu56zr44-paper preset), writes
# one CSV trace per protocol into <outdir> (columns: docs/protocol.md, `pel
# run --help`) and prints a summary table:
#   T_depart  where cooling from equilibrium leaves E_eq (|E - E_eq| > 1e-3 eV/atom)
#   E_min     lowest E of the run and its T: the first row within 1e-9 eV/atom of
#             it (on heating: the ageing minimum D, on E_eq; on a cooling curve:
#             where the glass has frozen to that precision)
#   peak      largest dE/dT of the run (configurational heat capacity) and its T
#   E_peak    truncated scans only: highest E on the final cooling and its T
#             (it lies on E_eq: the anomalous peak of Fig. 5)
set -euo pipefail
if [ $# -lt 2 ] || [ "$1" = "--help" ]; then
  echo "usage: $0 <pel-binary> <outdir> [material]" >&2
  exit 2
fi
pel=$1 out=$2 mat=${3:-cu56zr44-paper}
mkdir -p "$out"

names=() protos=()
add() { names+=("$1"); protos+=("$2"); }
# Fig. 3: cooling curves from equilibrium at 2000 K
for r in 1e13 1e12 1e11 1e10 1e9; do
  add "cool_$r" "eq@2000K; cool 100K@${r}K/s"
done
# Fig. 4: cooling then heating at 1e10 K/s (A-B-C-D-B-A); heating at 1e12 K/s
# from the same 1e10 glass C, then cooling at 1e12 K/s (C-D'-B'-A-B'-C')
add "fig4_cool_heat_1e10" "eq@2000K; cool 300K@1e10K/s; heat 2000K@1e10K/s"
add "fig4_heat_cool_1e12" "eq@2000K; cool 300K@1e10K/s; heat 2000K@1e12K/s; cool 300K@1e12K/s"
# Fig. 5: truncated scans at 1e12 K/s from glass C, turning between the
# heating minimum and the rejoin point; 1200 K is the normal (untruncated) case
for Tt in 850 900 950 1000 1050 1200; do
  add "fig5_turn_${Tt}K" "eq@2000K; cool 300K@1e10K/s; heat ${Tt}K@1e12K/s; cool 300K@1e12K/s"
done

printf '%-22s %9s %11s %7s %11s %7s %11s %7s  %s\n' protocol T_depart_K E_min_eV T_K \
  peak_dEdT T_K E_peak_eV T_K "(material $mat; CSVs in $out)"
for i in "${!names[@]}"; do
  n=${names[$i]} p=${protos[$i]}
  summary=$("$pel" run --material "$mat" --protocol "$p" --out "$out/$n.csv" --summary)
  # line 1: "... min E <E> eV/atom at <T> K; leaves E_eq on cooling at <T|-> K"
  # then a header and one row per segment (columns: see `pel run --summary`)
  echo "$summary" | awk -v name="$n" '
    NR == 1 {
      for (i = 1; i <= NF; i++) {
        if ($i == "min" && $(i+1) == "E") { emin = $(i+2); temin = $(i+5) }
        if ($i == "cooling" && $(i+1) == "at") tdep = $(i+2)
      }
    }
    NR > 2 {
      if ($10 != "-" && (peak == "" || $10 + 0 > peak + 0)) { peak = $10; tpeak = $11 }
      last_emax = $8; last_temax = $9; nseg++
    }
    END {
      if (name !~ /^fig5/ || name ~ /1200K/) { last_emax = "-"; last_temax = "-" }
      printf "%-22s %9s %11s %7s %11s %7s %11s %7s\n", name, tdep, emin, temin, peak, tpeak, last_emax, last_temax
    }'
done
