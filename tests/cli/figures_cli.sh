#!/usr/bin/env bash
# figures_cli.sh - `pel figures` and `pel plot` from the command line: one
# successful run with size/format checks, and every bad-input class gives a
# nonzero exit with exactly one stderr line naming the problem.
set -u
PEL=${PEL:?PEL must point to the pel binary}
# sanitizer builds: fontconfig (under PLplot's cairo driver) never frees its caches
if [ -n "${PEL_SOURCE_DIR:-}" ]; then
    export LSAN_OPTIONS="suppressions=$PEL_SOURCE_DIR/tests/plot/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_error KEYWORD CMD...: nonzero exit, one stderr line containing KEYWORD
expect_error() {
    local key=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    local n
    n=$(wc -l <"$tmp/err")
    if [ "$rc" -eq 0 ]; then fail "'$*' exited 0"; return; fi
    if [ "$n" -ne 1 ]; then fail "'$*' wrote $n stderr lines:"; cat "$tmp/err"; return; fi
    grep -q -- "$key" "$tmp/err" || fail "'$*': stderr lacks '$key': $(cat "$tmp/err")"
    grep -q "^pel " "$tmp/err" || fail "'$*': stderr not of the form 'pel <cmd>: ...'"
}

# PNG signature and IHDR size (big-endian at bytes 16..23)
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}'; }
png_sig() { od -An -tx1 -N8 "$1" | tr -d ' \n'; }

# --- success: one figure, two formats, custom size ---------------------------
if "$PEL" figures --only spectra,map --format png,svg --size 500x400 --out "$tmp/figs" >"$tmp/list" 2>"$tmp/err"; then
    for f in spectra map; do
        [ -s "$tmp/figs/$f.csv" ] || fail "$f.csv missing"
        [ "$(png_sig "$tmp/figs/$f.png")" = "89504e470d0a1a0a" ] || fail "$f.png is not a PNG"
        [ "$(png_size "$tmp/figs/$f.png")" = "500x400" ] || fail "$f.png size $(png_size "$tmp/figs/$f.png")"
        grep -q '<svg[^>]* width="500pt" height="400pt"' "$tmp/figs/$f.svg" || fail "$f.svg root size"
        grep -qx "$tmp/figs/$f.png" "$tmp/list" || fail "$f.png not listed on stdout"
    done
    [ -e "$tmp/figs/hysteresis.png" ] && fail "--only drew hysteresis"
    ls "$tmp/figs" | grep -q tmp && fail "temporary files left behind"
else
    fail "pel figures failed: $(cat "$tmp/err")"
fi
"$PEL" figures --help | grep -q "truncated" || fail "--help lacks the figure list"

# --- bad input ---------------------------------------------------------------
expect_error "unknown format" "$PEL" figures --format jpg --out "$tmp/x"
expect_error "unknown material" "$PEL" figures --material nosuchglass --out "$tmp/x"
expect_error "nosuch.ini" "$PEL" figures --material ./nosuch.ini --out "$tmp/x"
touch "$tmp/afile"
expect_error "not a directory" "$PEL" figures --out "$tmp/afile"
expect_error "cannot create" "$PEL" figures --out "$tmp/no/such/dir"
expect_error "--md" "$PEL" figures --md "$tmp/missing_quench.csv" --out "$tmp/x"
expect_error "--events" "$PEL" figures --events "$tmp/missing_catalog.csv" --out "$tmp/x"
expect_error "--size" "$PEL" figures --size 12x10 --out "$tmp/x"
expect_error "--size" "$PEL" figures --size big --out "$tmp/x"
expect_error "--only: expected figure names" "$PEL" figures --only nosuchfig --out "$tmp/x"
expect_error "unknown option" "$PEL" figures --bogus
printf 'a,b\n1,2\n' >"$tmp/notquench.csv"
expect_error "E_IS_eV_per_atom" "$PEL" figures --only map --md "$tmp/notquench.csv" --out "$tmp/x"

# --- pel plot ------------------------------------------------------------------
printf 't_s,T_K,E_eV_per_atom\n0,1000,-4.70\n1,900,-4.72\n2,800,-4.74\n' >"$tmp/run.csv"
if "$PEL" plot "$tmp/run.csv" --y E_eV_per_atom --size 400x300 >/dev/null 2>"$tmp/err"; then
    [ "$(png_size "$tmp/run.png")" = "400x300" ] || fail "pel plot size"
else
    fail "pel plot failed: $(cat "$tmp/err")"
fi
expect_error "nope" "$PEL" plot "$tmp/run.csv" --y nope
expect_error "missing.csv" "$PEL" plot "$tmp/missing.csv"
expect_error "extension" "$PEL" plot "$tmp/run.csv" --out "$tmp/run.gif"
expect_error "one CSV" "$PEL" plot
printf 't_s,T_K\n0,abc\n' >"$tmp/bad.csv"
expect_error "T_K" "$PEL" plot "$tmp/bad.csv" --x t_s --y T_K

[ "$fails" -eq 0 ] && echo "figures_cli: all passed"
exit $((fails > 0))
