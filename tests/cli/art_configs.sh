#!/usr/bin/env bash
# art_configs.sh - `pel art --write-configs DIR`: every connected search has
# its saddle and final configuration as extended XYZ in DIR, named in the
# catalog's configs_xyz column, and ASE (python3-ase) reads them back:
#   - energy= and E_A_eV in the comment equal the catalog's E_saddle/E_final/EA;
#   - the box is the data file's, the species its types;
#   - the atoms displaced more than 0.1 Å between the data file and the saddle
#     (minimum image, computed here from the data file) are exactly the
#     catalog's displaced_ids: the positions are the saddle's;
#   - ASE's own EAM calculator (ase.calculators.eam, independent of pel) gives
#     the first saddle the catalog's energy (1e-6 eV) and force norm (1e-5 eV/Å),
#     and a final state its energy and a force norm below 0.01 eV/Å.
# Failed searches have no files and an empty column.
set -u
: "${PEL:?PEL must point to the pel binary}" "${PEL_SOURCE_DIR:?}"
. "$PEL_SOURCE_DIR/tests/cli/lib/expect.sh"
G="$PEL_SOURCE_DIR/tests/data/art_cuzr250.data"
POT=/usr/share/lammps/potentials/CuZr_mm.eam.fs
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import ase.io, ase.calculators.eam' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no python3 with ASE (Debian python3-ase; scripts/setup.sh installs it)"; exit 1; }

mkdir "$T/cfg"
"$PEL" art --data "$G" --potential "$POT" --centers random:3 --searches-per-center 2 --seed 3 --max-calls 1500 \
    --threads 2 --quiet --write-configs "$T/cfg" --out "$T/c.csv" >"$T/out" 2>"$T/err" ||
    { echo "FAIL: pel art --write-configs: $(cat "$T/err")"; exit 1; }

"$PY" - "$T/c.csv" "$G" "$POT" "$T/cfg" <<'PY' || fails=$((fails + 1))
import csv, math, os, sys
import numpy as np
from ase.io import read
from ase.calculators.eam import EAM

cat_path, data_path, pot_path, cfg_dir = sys.argv[1:]
with open(cat_path) as fp:
    assert fp.readline().startswith("# pel art campaign: "), "campaign line"
    rows = list(csv.DictReader(fp))

# the data file, parsed here: box and positions in file order
lines = open(data_path).read().split("\n")
lo, hi = [], []
for l in lines:
    if l.endswith("hi"):
        t = l.split()
        lo.append(float(t[0])); hi.append(float(t[1]))
start = next(i for i, l in enumerate(lines) if l.startswith("Atoms")) + 2
atoms0 = [l.split() for l in lines[start:] if l.strip()]
atoms0 = [t for t in atoms0 if len(t) >= 5][:250]
ids = np.array([int(t[0]) for t in atoms0])
types = [int(t[1]) for t in atoms0]
x0 = np.array([[float(v) for v in t[2:5]] for t in atoms0])
L = np.array(hi) - np.array(lo)

bad = []
def check(cond, msg):
    if not cond:
        bad.append(msg)

connected = [r for r in rows if r["status"] in ("converged", "redundant")]
check(len(connected) >= 2, "fewer than 2 connected searches: %d" % len(connected))
for r in rows:
    if r["status"] not in ("converged", "redundant"):
        check(r["configs_xyz"] == "", "failed search %s names configs" % r["search_id"])
nfiles = len([f for f in os.listdir(cfg_dir) if f.endswith(".xyz")])
check(nfiles == 2 * len(connected), "%d files for %d connected searches" % (nfiles, len(connected)))

eam = EAM(potential=pot_path, form="fs")
for k, r in enumerate(connected):
    names = r["configs_xyz"].split(";")
    check(len(names) == 2, "configs_xyz '%s'" % r["configs_xyz"])
    for which, name, e_col in (("saddle", names[0], "E_saddle_eV"), ("final", names[1], "E_final_eV")):
        a = read(name, format="extxyz")
        check(len(a) == 250 and all(a.pbc), "%s: atoms/pbc" % name)
        check(np.allclose(a.cell.lengths(), L, rtol=0, atol=1e-12), "%s: box" % name)
        check([s for s in a.get_chemical_symbols()] == [("Cu", "Zr")[t - 1] for t in types], "%s: species" % name)
        e = a.get_potential_energy()
        check(abs(e - float(r[e_col])) <= 1e-9 * abs(e), "%s: energy %r vs catalog %s" % (name, e, r[e_col]))
        check(a.info.get("config") == which and a.info.get("event_id") == int(r["search_id"]), "%s: info" % name)
        check(abs(a.info["E_A_eV"] - float(r["EA_eV"])) < 1e-12, "%s: E_A" % name)
        if which == "saddle":
            d = a.positions - x0
            d -= L * np.round(d / L)
            moved = set(int(i) for i in ids[np.linalg.norm(d, axis=1) > 0.1])
            listed = set(int(v) for v in r["displaced_ids"].split(";") if v)
            check(moved == listed, "%s: displaced %s vs catalog %s" % (name, sorted(moved), sorted(listed)))
        # an independent EAM on the first event only (ASE's is slow)
        if k == 0:
            b = a.copy()
            b.calc = eam
            eb, fn = b.get_potential_energy(), float(np.linalg.norm(b.get_forces()))
            check(abs(eb - float(r[e_col])) < 1e-6, "%s: ASE EAM energy %.9f vs %s" % (name, eb, r[e_col]))
            if which == "saddle":
                check(abs(fn - float(r["force_eV_per_A"])) < 1e-5 and fn < 0.05,
                      "%s: ASE |F| %.6f vs catalog %s" % (name, fn, r["force_eV_per_A"]))
            else:
                check(fn < 0.01, "%s: ASE |F| %.6f at the final minimum" % (name, fn))
for m in bad:
    print("FAIL:", m)
sys.exit(1 if bad else 0)
PY

# A resume re-creates nothing already written and names the same files.
cp "$T/c.csv" "$T/c.bak"
"$PEL" art --data "$G" --potential "$POT" --centers random:3 --searches-per-center 2 --seed 3 --max-calls 1500 \
    --threads 2 --quiet --write-configs "$T/cfg" --out "$T/c.csv" --resume >/dev/null 2>"$T/err" ||
    { echo "FAIL: resume: $(cat "$T/err")"; fails=$((fails + 1)); }
cmp -s "$T/c.csv" "$T/c.bak" || { echo "FAIL: resumed catalog differs"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "art_configs: all passed"
exit "$fails"
