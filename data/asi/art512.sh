#!/usr/bin/env bash
# art512.sh - the ART campaign on asi512.data of docs/engines.md: 100 random
# centres x 3 searches, seed 1, every force from LAMMPS (Stillinger-Weber,
# Debian's Si.sw), two searches at a time (latency-bound: a LAMMPS child
# process per search thread).  Resumable: add --resume after a
# stop.  Then: ./analyze.sh asi512.data asi512_art.csv
set -eu
PEL=${PEL:-pel}
nice -n 10 "$PEL" art --data asi512.data --out asi512_art.csv --centers random:100 --searches-per-center 3 \
    --seed 1 --threads 2 --engine lammps \
    --pair "pair_style sw" --pair "pair_coeff * * /usr/share/lammps/potentials/Si.sw Si" "$@"
