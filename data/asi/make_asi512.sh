#!/usr/bin/env bash
# make_asi512.sh - the 512-atom a-Si sample of docs/engines.md: melt-quench
# with `pel md` under mpirun (LAMMPS runs the MD in-process, dt 1 fs, fix npt
# at 0 bar), then the zero-pressure inherent structure with `pel minimize`,
# every force from the LAMMPS engine with Debian's Si.sw (original
# Stillinger-Weber).  Run from data/asi/; 0.37 M MD steps.  A stage whose
# output exists is skipped (rerun after a stop).  One MPI rank: on a busy
# machine two ranks wait for each other at every step.
set -eu
PEL=${PEL:-pel}
SWFILE=${SWFILE:-/usr/share/lammps/potentials/Si.sw}
SW=(--engine lammps --pair "pair_style sw" --pair "pair_coeff * * $SWFILE Si")
md() { # md OUT THERMO_CSV OPTIONS...: one NPT stage at 0 bar
    local out=$1 csv=$2
    shift 2
    [ -e "$out" ] || mpirun --allow-run-as-root -np 1 "$PEL" md --ensemble npt --P 0 --thermo 2000 \
        --out "$out" --thermo-out "$csv" "$@" "${SW[@]}"
}
# melt: 10 ps at 3500 K from diamond Si 4x4x4 (velocities seed 7)
md a_melt.data asi512_melt.csv --data csi512.data --T 3500 --steps 10000 --seed 7
# to 2000 K in 15 ps
md a_liq.data asi512_liq.csv --data a_melt.data --T 3500 --T-stop 2000 --steps 15000
# through the glass transition: 2000 -> 1100 K in 300 ps (3e12 K/s)
md a_cool.data asi512_cool.csv --data a_liq.data --T 2000 --T-stop 1100 --steps 300000
# anneal: 20 ps at 1100 K
md a_anneal.data asi512_anneal.csv --data a_cool.data --T 1100 --steps 20000
# to room temperature: 1100 -> 300 K in 25 ps (3.2e13 K/s)
md a_300.data asi512_300.csv --data a_anneal.data --T 1100 --T-stop 300 --steps 25000
# zero-pressure inherent structure
"$PEL" minimize --data a_300.data --out asi512.data --box iso "${SW[@]}"
