#!/usr/bin/env bash
# art.sh - the ART campaign on asi216.data of docs/engines.md: 60 random
# centres x 5 searches, seed 1, every force from LAMMPS (Stillinger-Weber,
# Debian's Si.sw), three searches at a time.  Resumable: add --resume after a
# stop.  Then: ./analyze.sh asi216.data asi216_art.csv
set -eu
PEL=${PEL:-pel}
nice -n 10 "$PEL" art --data asi216.data --out asi216_art.csv --centers random:60 --searches-per-center 5 \
    --seed 1 --threads 3 --engine lammps \
    --pair "pair_style sw" --pair "pair_coeff * * /usr/share/lammps/potentials/Si.sw Si" "$@"
