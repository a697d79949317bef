#!/usr/bin/env bash
# options_json.sh - --json of the commands that print results gives the same
# numbers as their text output (same run, same seed): barrier, tc, energy
# (with forces), minimize, md, md --protocol, quench, is, isotherm, art.  The
# JSON is parsed by python3's json module; numbers printed with 17 digits
# must be equal, those of text with fewer digits agree to that precision.
set -u
: "${PEL:?}" "${PEL_SOURCE_DIR:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D=$PEL_SOURCE_DIR/tests/data
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# same <what> <text file> <json file> <python: text -> dict> <rel tol>: every key
# of the parsed text equals the JSON value (ints exactly, reals to rel tol)
same() {
    python3 - "$@" <<'PY' || fails=$((fails + 1))
import json, math, sys
what, tfile, jfile, parse, tol = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
text = open(tfile).read()
j = json.load(open(jfile))
want = eval(parse, {"text": text, "json": json, "math": math})
bad = []
for k, v in want.items():
    g = j
    for part in k.split("/"):
        g = g[int(part)] if isinstance(g, list) else g[part]
    if isinstance(v, int) and not isinstance(v, bool):
        ok = g == v
    else:
        ok = math.isclose(float(g), float(v), rel_tol=tol, abs_tol=tol * 1e-3)
    if not ok:
        bad.append(f"{k}: json {g!r}, text {v!r}")
if not want:
    bad.append("nothing compared")
if bad:
    print(f"FAIL: {what}: " + "; ".join(bad))
    sys.exit(1)
PY
}
KV='{k: (int(v) if v.lstrip("-").isdigit() else float(v)) for k, v in (w.split("=") for w in text.split() if "=" in w)}'

# barrier: Z=<v> EA=<v> D=<v>
"$PEL" barrier --W 0.3 --m 1.2 --T 800 >"$T/b.txt" && "$PEL" barrier --W 0.3 --m 1.2 --T 800 --json >"$T/b.json" ||
    fail "barrier"
same barrier "$T/b.txt" "$T/b.json" \
    '{("EA_mean_eV" if k == "EA" else "D_eV" if k == "D" else k): v for k, v in '"$KV"'.items()}' 0

# tc: one number
"$PEL" tc >"$T/tc.txt" && "$PEL" tc --json >"$T/tc.json" || fail "tc"
same tc "$T/tc.txt" "$T/tc.json" '{"Tc_K": float(text.split()[0])}' 0

# energy with forces: the first line's keys and every force component
"$PEL" energy --data "$D/cuzr64.data" --forces >"$T/e.txt" &&
    "$PEL" energy --data "$D/cuzr64.data" --forces --json >"$T/e.json" || fail "energy"
same energy "$T/e.txt" "$T/e.json" \
    'dict([(k, float(v)) for k, v in (w.split("=") for w in text.splitlines()[0].split())] +
          [(f"f_eV_per_A/{i}/{c}", float(x)) for i, l in enumerate(text.splitlines()[1:]) for c, x in enumerate(l.split()[1:])] +
          [(f"id/{i}", int(l.split()[0])) for i, l in enumerate(text.splitlines()[1:])])' 0

# minimize --verbose: E per atom, then P, fmax, force calls, iterations, V
"$PEL" minimize --data "$D/cuzr64.data" --out "$T/m1.data" --min-algo cg --verbose >"$T/m.txt" &&
    "$PEL" minimize --data "$D/cuzr64.data" --out "$T/m2.data" --min-algo cg --json >"$T/m.json" || fail "minimize"
same minimize "$T/m.txt" "$T/m.json" "$KV" 0
cmp -s "$T/m1.data" "$T/m2.data" || fail "minimize: --json changed the minimum written"

# md: the last thermo line (12 digits) is the final state of --json
MD="--data $D/cuzr64.data --ensemble nvt --T 600 --steps 40 --thermo 20 --seed 5"
"$PEL" md $MD --out "$T/md1.data" >"$T/md.txt" && "$PEL" md $MD --out "$T/md2.data" --json >"$T/md.json" || fail "md"
same md "$T/md.txt" "$T/md.json" \
    'dict(zip(text.splitlines()[0].split(","), [int(x) if i == 0 else float(x) for i, x in enumerate(text.splitlines()[-1].split(","))]))' 1e-11
grep -q '^{' "$T/md.json" || fail "md --json: stdout does not start with the object"

# md --dump + is: frames=<n> skipped=<n> unconverged=<n>
"$PEL" md $MD --out "$T/md3.data" --thermo 0 --dump "$T/md.dump" --dump-every 20 >/dev/null || fail "md --dump"
"$PEL" is "$T/md.dump" --out "$T/is1.csv" --elements Cu,Zr >"$T/is.txt" 2>/dev/null &&
    "$PEL" is "$T/md.dump" --out "$T/is2.csv" --elements Cu,Zr --json >"$T/is.json" 2>/dev/null || fail "is"
same is "$T/is.txt" "$T/is.json" "$KV" 0

# md --protocol: "replica 1: <n> samples, last E_IS_eV_per_atom=<v>"
MP="--protocol eq@800K;hold0.04ps --data $D/cuzr64.data --sample-every-ps 0.02 --seed 2"
"$PEL" md $MP --out "$T/p1" >"$T/p.txt" 2>/dev/null && "$PEL" md $MP --out "$T/p2" --json >"$T/p.json" 2>/dev/null ||
    fail "md --protocol"
same "md --protocol" "$T/p.txt" "$T/p.json" \
    '{"replicas/0/replica": int(text.split()[1].rstrip(":")), "replicas/0/samples": int(text.split()[2]),
      "replicas/0/E_IS_last_eV_per_atom": float(text.split("=")[1])}' 0

# quench: E_IS_eV_per_atom=<v> V_IS_A3_per_atom=<v> samples=<n>
Q="--atoms 64 --rate 2e14 --T 1500 --T-stop 1000 --equilibrate 0.1 --sample-every 250 --seed 3"
"$PEL" quench $Q --out "$T/q1" >"$T/q.txt" 2>/dev/null && "$PEL" quench $Q --out "$T/q2" --json >"$T/q.json" 2>/dev/null ||
    fail "quench"
same quench "$T/q.txt" "$T/q.json" "$KV" 0

# isotherm: the CSV row (header from --header) against the object
python3 - "$T" <<'PY'
import os, sys
hdr = "T_K,E_IS_eV_per_atom,V_A3_per_atom,E_pot_eV_per_atom,V_IS_A3_per_atom,P_bar,T_inst_K,t_ps,IS_converged,segment"
for side, e0 in (("above", 0.02), ("below", -0.02)):
    os.makedirs(f"{sys.argv[1]}/{side}")
    with open(f"{sys.argv[1]}/{side}/protocol.csv", "w") as f:
        f.write(hdr + "\n")
        for i in range(100):
            e = -4.66 + e0 * 0.8 ** i + 0.001 * ((i * 7919) % 13 - 6) / 6
            f.write(f"1100,{e!r},17.8,-4.5,17.2,0,1100,{1 + 2 * i},1,1\n")
PY
"$PEL" isotherm --above "$T/above" --below "$T/below" --header >"$T/i.txt" 2>/dev/null
rc1=$?
"$PEL" isotherm --above "$T/above" --below "$T/below" --json >"$T/i.json" 2>/dev/null
rc2=$?
[ "$rc1" = "$rc2" ] || fail "isotherm: exit $rc1 with text, $rc2 with --json"
same isotherm "$T/i.txt" "$T/i.json" \
    'dict((k, int(v) if k in ("n_replicas", "met") else float(v)) for k, v in zip(*[l.split(",") for l in text.splitlines()]))' 1e-6

# art: the summary line
A="--data $D/art_cuzr250.data --centers ids:5 --searches-per-center 2 --max-calls 3000 --quiet --seed 4"
"$PEL" art $A --out "$T/a1.csv" >"$T/a.txt" 2>/dev/null && "$PEL" art $A --out "$T/a2.csv" --json >"$T/a.json" 2>/dev/null ||
    fail "art"
same art "$T/a.txt" "$T/a.json" \
    'dict(zip(["searches", "resumed", "converged", "redundant", "failed"],
              [int(x) for x in __import__("re").findall(r"(?:searches|resumed|converged|redundant|failed) (\d+)", text)]))' 0
python3 - "$T/a.txt" "$T/a.json" <<'PY' || fails=$((fails + 1))
import json, re, sys
t, j = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
per, conv, sad = (float(x) for x in re.search(r"per search (\d+), per converged search (\d+) \((\d+)", t).groups())
if (round(j["force_calls_per_search"]), round(j["force_calls_per_converged"]), round(j["force_calls_to_saddle"])) != (per, conv, sad):
    print(f"FAIL: art force calls: {t.strip()} vs {j}")
    sys.exit(1)
PY

[ "$fails" -eq 0 ] && echo "options_json: all checks passed"
exit $((fails > 0))
