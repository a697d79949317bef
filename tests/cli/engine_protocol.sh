#!/usr/bin/env bash
# engine_protocol.sh - `pel md --protocol`, `pel quench` and `pel is` with
# --engine lammps: on Cu-Zr with LAMMPS's own pair_style eam/fs and
# CuZr_mm.eam.fs, every table equals the one pel's EAM engine writes (the two
# compute the same forces to ~1e-14, so short runs follow the same
# trajectory): E_IS, E_pot, V within 1e-7 relative, P within 0.1 bar plus 1e-6
# relative.  Also the usage errors of quench (--masses) and md --protocol
# (no random liquid).  Skipped (77) without the LAMMPS engine.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
POT=/usr/share/lammps/potentials/CuZr_mm.eam.fs
[ -r "$POT" ] || { echo "CuZr_mm.eam.fs not installed: skipped"; exit 77; }
G="$PEL_SOURCE_DIR/tests/data/art_cuzr250.data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
LMP=(--engine lammps --pair "pair_style eam/fs" --pair "pair_coeff * * $POT Cu Zr")
fails=0
probe=$("$PEL" energy --data "$G" "${LMP[@]}" 2>&1)
case "$probe" in *"built without LAMMPS"*) echo "LAMMPS engine not built: skipped"; exit 77 ;; esac

# same A B: every numeric column of two CSV tables (after # comments) agrees
same() {
    paste -d, <(grep -v '^#' "$1") <(grep -v '^#' "$2") | awk -F, -v what="$3" 'NR == 1 { h = NF / 2; for (k = 1; k <= h; k++) col[k] = $k; next }
        { n++; for (k = 1; k <= h; k++) { a = $k; b = $(k + h); if (a == b) continue
              d = a - b; if (d < 0) d = -d; s = a < 0 ? -a : a
              tol = col[k] ~ /^P_bar/ ? 0.1 + 1e-6 * s : 1e-7 * s + 1e-12
              if (d > tol) { printf "FAIL %s: row %d %s %s vs %s\n", what, n, col[k], a, b; bad = 1 } } }
        END { if (n < 2) { print "FAIL " what ": fewer than 2 rows"; bad = 1 } else printf "%s: %d rows agree\n", what, n; exit bad }'
}

PROT=(--protocol "eq@900; hold 0.05ps; cool 800@1e15" --data "$G" --sample-every-K 100 --sample-every-ps 0.05
      --checkpoint-every 100)
"$PEL" md "${PROT[@]}" --out pe >/dev/null 2>err || { echo "FAIL: md --protocol eam"; cat err; exit 1; }
"$PEL" md "${PROT[@]}" --out pl "${LMP[@]}" >/dev/null 2>err || { echo "FAIL: md --protocol lammps"; cat err; exit 1; }
same pe/protocol.csv pl/protocol.csv "md --protocol" || fails=$((fails + 1))

Q=(--composition Cu56Zr44 --atoms 100 --rate 1e15 --from 1500 --to 1400 --equilibrate 0.05 --sample-every 50 --seed 3)
"$PEL" quench "${Q[@]}" --out qe >/dev/null 2>err || { echo "FAIL: quench eam"; cat err; exit 1; }
"$PEL" quench "${Q[@]}" --out ql --masses 63.546,91.224 "${LMP[@]}" >/dev/null 2>err ||
    { echo "FAIL: quench lammps"; cat err; exit 1; }
same qe/cooling.csv ql/cooling.csv "quench" || fails=$((fails + 1))

"$PEL" md --data "$G" --ensemble nvt --T 900 --steps 50 --seed 2 --thermo 0 --dump t.dump --dump-every 50 \
    --out m.data >/dev/null 2>err || { echo "FAIL: md for the dump"; cat err; exit 1; }
"$PEL" is t.dump --out ie.csv --elements Cu,Zr >/dev/null 2>err || { echo "FAIL: is eam"; cat err; exit 1; }
"$PEL" is t.dump --out il.csv "${LMP[@]}" >/dev/null 2>err || { echo "FAIL: is lammps"; cat err; exit 1; }
same ie.csv il.csv "is" || fails=$((fails + 1))

"$PEL" quench "${Q[@]}" --out qx "${LMP[@]}" 2>err
[ $? -eq 2 ] && grep -q -- "needs --masses" err || { echo "FAIL: quench lammps without --masses"; cat err; fails=$((fails + 1)); }
"$PEL" quench "${Q[@]}" --out qy --masses 63.5 "${LMP[@]}" 2>err
[ $? -eq 2 ] && grep -q -- "--masses '63.5': 2 masses" err || { echo "FAIL: --masses count"; cat err; fails=$((fails + 1)); }
"$PEL" md --protocol "eq@900; hold 1ps" --out pz "${LMP[@]}" 2>err
[ $? -eq 2 ] && grep -q "needs --data" err || { echo "FAIL: md --protocol lammps without --data"; cat err; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "engine_protocol: all passed"
exit "$fails"
