#!/usr/bin/env bash
# model_queries.sh - the fixed output forms of `pel barrier | spectrum |
# equilibrium | tc | map` (issue 2 item 4) and one case per bad-input class
# (item 6): nonzero exit, exactly one stderr line naming the problem.
# Env: PEL = built pel binary.
set -u
PEL=${PEL:?PEL must point at the built pel binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# close A B RTOL ATOL: |A-B| <= ATOL + RTOL*|B|
close() { awk -v a="$1" -v b="$2" -v r="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= t + r * m) }'; }

# bad KEY cmd...: must fail with exactly one stderr line containing KEY
bad() {
    local key=$1
    shift
    if "$PEL" "$@" >"$tmp/out" 2>"$tmp/err"; then
        fail "'pel $*' succeeded"
        return
    fi
    local n
    n=$(wc -l <"$tmp/err")
    [ "$n" -eq 1 ] || fail "'pel $*': $n stderr lines: $(cat "$tmp/err")"
    grep -qF -- "$key" "$tmp/err" || fail "'pel $*': stderr lacks '$key': $(cat "$tmp/err")"
    grep -q "^pel " "$tmp/err" || fail "'pel $*': stderr not 'pel <cmd>: ...'"
    [ -s "$tmp/out" ] && fail "'pel $*' printed on stdout while failing"
}

# ---- barrier: one line Z=.. EA=.. D=.., reference values of docs/spectrum.md ----------
out=$("$PEL" barrier --W 0.05 --m 1.2 --T 760) || fail "barrier reference run"
[[ $out =~ ^Z=([^ ]+)\ EA=([^ ]+)\ D=([^ ]+)$ ]] || fail "barrier form: '$out'"
close "${BASH_REMATCH[1]}" 0.006064564034096949 1e-12 0 || fail "barrier Z: $out"
close "${BASH_REMATCH[2]}" 0.3343544601835224 0 1e-12 || fail "barrier EA: $out"
close "${BASH_REMATCH[3]}" 0.0143544601835224 0 1e-12 || fail "barrier D = EA - 0.32: $out"
z=$(echo "${BASH_REMATCH[1]}" | sed 's/e.*//; s/[-.]//g; s/^0*//')
[ ${#z} -eq 17 ] || fail "barrier Z not 17 significant digits: $out"
out=$("$PEL" barrier --W 0 --m 2.0 --T 300 --eR 0.4) || fail "barrier W=0"
[[ $out =~ ^Z=([^ ]+)\ EA=([^ ]+)\ D=([^ ]+)$ ]] || fail "barrier form: '$out'"
close "${BASH_REMATCH[1]}" 1.0517185754546601e-07 1e-12 0 || fail "barrier Z (W=0): $out"
close "${BASH_REMATCH[3]}" "$(awk -v e="${BASH_REMATCH[2]}" 'BEGIN{printf "%.17g", e - 0.4}')" 0 1e-15 || fail "--eR: $out"
"$PEL" barrier --W 0.05 --m 1.2 --T 760 --json >"$tmp/j" || fail "barrier --json"
for k in '"Z"' '"EA_mean_eV"' '"D_eV"' '"T_K"'; do grep -q "$k" "$tmp/j" || fail "barrier json lacks $k"; done
# extremes of the accuracy range never print NaN/inf
for args in "--W 0 --m 10 --T 1" "--W 1 --m -1 --T 5000" "--W 0.5 --m 10 --T 1e5" "--W 0 --m -50 --T 3" "--W 0 --m 1000 --T 10"; do
    # shellcheck disable=SC2086
    out=$("$PEL" barrier $args) || fail "barrier $args failed"
    echo "$out" | grep -qiE 'nan|inf' && fail "barrier $args printed '$out'"
done

# ---- spectrum: CSV header, P = P_M1 + P_M2, JSON summary ------------------
"$PEL" spectrum --material cu56zr44-paper --E -4.7 --EA 0:1:0.25 >"$tmp/s.csv" || fail "spectrum csv"
[ "$(head -1 "$tmp/s.csv")" = "EA_eV,P_per_eV,P_M1_per_eV,P_M2_per_eV" ] || fail "spectrum header"
[ "$(wc -l <"$tmp/s.csv")" -eq 6 ] || fail "spectrum rows (want 5 + header)"
awk -F, 'NR > 1 { d = $2 - $3 - $4; if (d < 0) d = -d; if (d > 1e-15 * $2 || $2 <= 0 && $1 > 0) exit 1 }' "$tmp/s.csv" ||
    fail "spectrum P != P_M1 + P_M2"
"$PEL" spectrum --E -4.7 --T 800 --json >"$tmp/j" || fail "spectrum --json"
for k in '"W"' '"m_eV"' '"W0_per_eV2"' '"EA_mean_eV"'; do grep -q "$k" "$tmp/j" || fail "spectrum json lacks $k"; done

# ---- tc, equilibrium: empty below T_c, a root above, D(E_eq) = 0 ----------
tc=$("$PEL" tc --material cu56zr44-paper) || fail "tc"
[[ $tc =~ ^[0-9.e+]+$ ]] || fail "tc form: '$tc'"
"$PEL" tc --json | grep -q '"Tc_K"' || fail "tc --json"
lo=$(awk -v t="$tc" 'BEGIN{printf "%.6f", t - 0.01}')
"$PEL" equilibrium --material cu56zr44-paper --T "$lo:$((${tc%.*} + 300)):100" >"$tmp/e.csv" || fail "equilibrium"
[ "$(head -1 "$tmp/e.csv")" = "T_K,Eeq_eV_per_atom" ] || fail "equilibrium header"
sed -n 2p "$tmp/e.csv" | grep -qE '^[0-9.]+,$' || fail "equilibrium below T_c not empty: $(sed -n 2p "$tmp/e.csv")"
row=$(sed -n 3p "$tmp/e.csv")
T=${row%,*}
E=${row#*,}
[ -n "$E" ] || fail "equilibrium above T_c empty"
D=$("$PEL" map --material cu56zr44-paper --T "$T:$T:1" --E "$E:$E:1" | sed -n 2p | cut -d, -f3)
close "$D" 0 0 1e-10 || fail "D(E_eq) = $D at T = $T"
"$PEL" equilibrium --T 800:900:50 --json | grep -q '"Eeq_eV_per_atom"' || fail "equilibrium --json"

# ---- map: long format, E outer, T inner -----------------------------------
"$PEL" map --T 500:1000:250 --E -5:-4.6:0.2 >"$tmp/m.csv" || fail "map"
[ "$(head -1 "$tmp/m.csv")" = "E_eV_per_atom,T_K,D_eV" ] || fail "map header"
[ "$(wc -l <"$tmp/m.csv")" -eq 10 ] || fail "map rows (want 9 + header)"
[ "$(sed -n 2p "$tmp/m.csv" | cut -d, -f1-2)" = "-5,500" ] || fail "map first row"
[ "$(sed -n 3p "$tmp/m.csv" | cut -d, -f1-2)" = "-5,750" ] || fail "map order (T inner)"
"$PEL" map --T 500:1000:250 --E -5:-4.6:0.2 --json | grep -q '"D_eV"' || fail "map --json"
# --out writes atomically; a failed write leaves nothing behind
"$PEL" map --T 500:600:100 --E -5:-4.9:0.1 --out "$tmp/m2.csv" || fail "map --out"
cmp -s "$tmp/m2.csv" <("$PEL" map --T 500:600:100 --E -5:-4.9:0.1) || fail "map --out differs from stdout"
bad "nodir" map --T 500:600:100 --E -5:-4.9:0.1 --out "$tmp/nodir/x.csv"
[ -e "$tmp/nodir" ] && fail "map --out created a directory"

# ---- --help of each -------------------------------------------------------
for c in barrier spectrum equilibrium tc map; do
    "$PEL" "$c" --help | grep -q "^usage: pel $c" || fail "$c --help"
done

# ---- bad input, one class per line ----------------------------------------
bad "--W" barrier --W abc --m 1 --T 300               # malformed number
bad "--T" barrier --W 0.1 --m 1 --T 300K              # trailing garbage
bad "--W" barrier --W 1.5 --m 1 --T 300               # W > 1
bad "--W" barrier --W -0.1 --m 1 --T 300              # W < 0
bad "--T" barrier --W 0.1 --m 1 --T 0                 # T = 0
bad "--T" barrier --W 0.1 --m 1 --T -5                # T < 0
bad "--T" barrier --W 0.1 --m 1 --T 2e5               # T > 1e5
bad "--s" barrier --W 0.1 --m 1 --T 300 --s 0         # s <= 0
bad "--eA" barrier --W 0.1 --m 1 --T 300 --eA -1      # eA <= 0
bad "--m" barrier --W 0.1 --m nan --T 300             # NaN is not a number
bad "--T" barrier --W 0.1 --m 1 --T inf               # inf is not a number
bad "required" barrier --W 0.1 --m 1                  # missing --T
bad "bogus" barrier --bogus 1                         # unknown option
bad "extra" barrier --W 0.1 --m 1 --T 300 extra       # stray argument
bad "nope" spectrum --material nope --E -4.7          # unknown preset
bad "--E" spectrum --E x                              # malformed E
bad "--EA" spectrum --E -4.7 --EA -1:1:0.1            # negative barrier grid
bad "--T" spectrum --E -4.7 --T 0 --json              # T <= 0
bad "missing.ini" tc --material "$tmp/missing.ini"    # unreadable file
bad "nope" tc --material nope
bad "--T" equilibrium --T 1000:500:10                 # from > to
bad "--T" equilibrium --T 500:1000:0                  # step 0
bad "--T" equilibrium --T a:b:c                       # malformed range
bad "--T" equilibrium --T 0:100:50                    # T = 0 in grid
bad "--T" equilibrium --T 500:1000                    # not from:to:step
bad "nope" equilibrium --material nope --T 800:900:50
bad "required" map --T 500:600:100                    # missing --E
bad "--E" map --T 500:600:100 --E -5:-6:0.1           # from > to
bad "--T" map --T -5:600:100 --E -5:-4:0.5            # T <= 0
bad "points" map --T 1:1e5:1e-3 --E -5:-4:0.5         # grid too large

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)" >&2
    exit 1
fi
echo "model_queries: all checks passed"
