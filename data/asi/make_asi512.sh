#!/usr/bin/env bash
# make_asi512.sh - the 512-atom a-Si sample of docs/engines.md: melt-quench
# with `pel md` under mpirun (LAMMPS runs the MD in-process, dt 1 fs, fix nvt
# or npt at 0 bar), then the zero-pressure inherent structure with `pel
# minimize`, every force from the LAMMPS engine with the modified
# Stillinger-Weber potential of Vink et al. (Si_vink.sw).  Run from data/asi/;
# 0.56 M MD steps.  A stage whose output exists is skipped (rerun after a stop).
# One MPI rank: on a busy machine two ranks wait for each other at every step.
set -eu
PEL=${PEL:-pel}
SW=(--engine lammps --pair "pair_style sw" --pair "pair_coeff * * Si_vink.sw Si")
md() { # md OUT THERMO_CSV OPTIONS...: one stage
    local out=$1 csv=$2
    shift 2
    [ -e "$out" ] || mpirun --allow-run-as-root -np 1 "$PEL" md --thermo 2000 --out "$out" --thermo-out "$csv" "$@" "${SW[@]}"
}
# melt: 10 ps NVT at 3500 K at the crystal's volume (at 0 bar this
# potential's liquid boils at 3500 K), from diamond Si 4x4x4, velocities seed 7
md a_melt.data asi512_melt.csv --ensemble nvt --data csi512.data --T 3500 --steps 10000 --seed 7
# the liquid at 0 bar: 2500 -> 2000 K in 25 ps
md a_liq.data asi512_liq.csv --ensemble npt --P 0 --data a_melt.data --T 2500 --T-stop 2000 --steps 25000
# through the glass transition: 2000 -> 1050 K in 400 ps (2.4e12 K/s), two runs
md a_cool1.data asi512_cool1.csv --ensemble npt --P 0 --data a_liq.data --T 2000 --T-stop 1525 --steps 200000
md a_cool2.data asi512_cool2.csv --ensemble npt --P 0 --data a_cool1.data --T 1525 --T-stop 1050 --steps 200000
# anneal: 50 ps at 1050 K
md a_anneal.data asi512_anneal.csv --ensemble npt --P 0 --data a_cool2.data --T 1050 --steps 50000
# to room temperature: 1050 -> 300 K in 75 ps (1e13 K/s)
md a_300.data asi512_300.csv --ensemble npt --P 0 --data a_anneal.data --T 1050 --T-stop 300 --steps 75000
# zero-pressure inherent structure
"$PEL" minimize --data a_300.data --out asi512.data --box iso "${SW[@]}"
