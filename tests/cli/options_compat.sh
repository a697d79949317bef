#!/usr/bin/env bash
# options_compat.sh - names renamed in 0.2 keep working for one release:
# an old option name gives the same result as its new name (every output
# byte for byte, log lines without their time stamps), with exactly one
# stderr line per old name naming the new one (and none with the new
# names); `pel plot` reads a CSV of pel < 0.2, whose dE/dT column is
# dEdT_eV_per_atom_K, under either name, and a new CSV under the old name,
# with the same figure as the name that is in the file.
set -u
: "${PEL_SOURCE_DIR:?}"
. "$(dirname "$0")/lib/expect.sh"
D=$PEL_SOURCE_DIR/tests/data
# pel plot under LeakSanitizer: fontconfig's caches (tests/plot/lsan.supp)
export LSAN_OPTIONS="suppressions=$PEL_SOURCE_DIR/tests/plot/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
cd "$T" || exit 1
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# same_run <name> <old args> -- <new args> -- <expected stderr of the old run>
# (the common arguments come last, after a second --; outputs in o/ and n/)
same_run() {
    local name=$1 old=() new=() common=() note
    shift
    while [ "$1" != -- ]; do old+=("$1"); shift; done
    shift
    while [ "$1" != -- ]; do new+=("$1"); shift; done
    shift
    note=$1
    shift
    common=("$@")
    rm -rf o n && mkdir o n
    (cd o && "$PEL" "${common[@]}" "${old[@]}" >stdout 2>stderr) || fail "$name (old names): $(cat o/stderr)"
    (cd n && "$PEL" "${common[@]}" "${new[@]}" >stdout 2>stderr) || fail "$name (new names): $(cat n/stderr)"
    [ "$(cat o/stderr)" = "$note" ] || fail "$name: old names gave stderr '$(cat o/stderr)', want '$note'"
    [ -s n/stderr ] && fail "$name: new names gave stderr '$(cat n/stderr)'"
    rm -f o/stderr n/stderr
    # log.txt lines start with the wall-clock time, which checkpoint.bin records
    local f
    for f in $(cd o && find . -name log.txt); do
        cut -d' ' -f2- "o/$f" >"o/$f.t" && cut -d' ' -f2- "n/$f" >"n/$f.t" && rm -f "o/$f" "n/$f"
    done
    diff -r -x checkpoint.bin o n >/dev/null ||
        fail "$name: old and new names give different outputs ($(diff -rq -x checkpoint.bin o n | head -2))"
}

same_run "minimize --algo" --algo cg -- --min-algo cg -- \
    "pel minimize: note: --algo is deprecated, use --min-algo" \
    minimize --data "$D/cuzr64.data" --out min.data --verbose

# md --protocol with --algo, as scripts/campaign-*.sh run it
same_run "md --protocol --algo" --algo cg -- --min-algo cg -- \
    "pel md: note: --algo is deprecated, use --min-algo" \
    md --protocol "eq@800K;hold0.04ps" --data "$D/cuzr64.data" --sample-every-ps 0.02 --seed 2 --out p

same_run "quench --from/--to" --from 1500 --to 1000 -- --T 1500 --T-stop 1000 -- \
    "pel quench: note: --from is deprecated, use --T
pel quench: note: --to is deprecated, use --T-stop" \
    quench --atoms 64 --rate 2e14 --equilibrate 0.1 --sample-every 250 --seed 3 --out q

# an old name is still checked as the new one is, and named as typed
expect_fail quench "--to: expected a number|got '-5'" --to -5 --out q2
expect_fail is "--algo: expected one of fire|cg|lbfgs|got 'newton'" --algo newton x.dump --out is.csv

# pel plot and the renamed CSV column (an old file of pel run and the same
# numbers under the new name)
printf 't_s,T_K,E_eV_per_atom,dEdT_eV_per_atom_K,segment\n0,1000,-4.70,,1\n1e3,900,-4.72,1e-4,1\n2e3,800,-4.74,2e-4,1\n3e3,700,-4.75,1.5e-4,1\n' \
    >old.csv
sed '1s/dEdT_eV_per_atom_K/dEdT_eV_per_atom_per_K/' old.csv >new.csv
plot() { "$PEL" plot "$1" --y "$2" --out "$3" --title t >/dev/null 2>"$3.err" || fail "pel plot $1 --y $2: $(cat "$3.err")"; }
plot old.csv dEdT_eV_per_atom_K old_old.svg
plot old.csv dEdT_eV_per_atom_per_K old_new.svg
plot new.csv dEdT_eV_per_atom_per_K new_new.svg
plot new.csv dEdT_eV_per_atom_K new_old.svg
plot old.csv E_eV_per_atom old_E.svg
cmp -s old_old.svg old_new.svg || fail "pel plot: the new column name on an old CSV plots something else"
cmp -s new_new.svg new_old.svg || fail "pel plot: the old column name on a new CSV plots something else"
cmp -s old_old.svg old_E.svg && fail "pel plot: the dE/dT column plots as E (the comparison above proves nothing)"
[ -s old_new.svg.err ] && fail "pel plot: a note for the new name on an old file: $(cat old_new.svg.err)"
[ "$(cat new_old.svg.err)" = "pel plot: note: column dEdT_eV_per_atom_K is now named dEdT_eV_per_atom_per_K" ] ||
    fail "pel plot: the old name on a new file noted '$(cat new_old.svg.err)'"
expect_fail plot "no column 'dEdT_eV_per_atomK'" old.csv --y dEdT_eV_per_atomK --out x.svg

[ "$fails" -eq 0 ] && echo "options_compat: all checks passed"
exit $((fails > 0))
