#!/usr/bin/env bash
# make_asi.sh - the 216-atom Stillinger-Weber a-Si sample of docs/engines.md:
# melt-quench with `pel md` under mpirun (LAMMPS runs the MD: fix npt, 0 bar),
# then the zero-pressure inherent structure with `pel minimize`, both with the
# LAMMPS engine and Debian's Si.sw.  Run from data/asi/; about 210k MD steps.
set -eu
PEL=${PEL:-pel}
SW=(--engine lammps --pair "pair_style sw" --pair "pair_coeff * * /usr/share/lammps/potentials/Si.sw Si")
MD=(mpirun --allow-run-as-root -np 1 "$PEL" md --ensemble npt --P 0 --thermo 5000)
# melt: 10 ps at 3500 K from diamond Si (velocities seed 7)
"${MD[@]}" --data csi216.data --T 3500 --steps 10000 --seed 7 --out melt.data --thermo-out melt.csv "${SW[@]}"
# cool 3500 -> 1200 K in 100 ps, then 1200 -> 300 K in 100 ps (9e12 K/s)
"${MD[@]}" --data melt.data --T 3500 --T-stop 1200 --steps 100000 --out cool1.data --thermo-out cool1.csv "${SW[@]}"
"${MD[@]}" --data cool1.data --T 1200 --T-stop 300 --steps 100000 --out cool2.data --thermo-out cool2.csv "${SW[@]}"
# zero-pressure inherent structure
"$PEL" minimize --data cool2.data --out asi216.data --box iso "${SW[@]}"
rm -f melt.data cool1.data
