#!/usr/bin/env bash
# options_dialect.sh - every subcommand of `pel --help` rejects the same four
# mistakes (unknown option, option without its value, a value that is not a
# number, a number out of its declared range) with the same words, exit 2, one
# stderr line and nothing on stdout; --help, `pel help CMD`, the man page and
# the bash completion list every option of the command's table
# (pel CMD --list-options); the same for md --protocol, a mode of md with a
# table of its own, documented in md's man page and completion.
set -u
: "${PEL:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run pel, expect exit 2, nothing on stdout and exactly the stderr line $1
# (or, with a leading ~, a line matching the extended regex after it)
want_line() {
    local want=$1
    shift
    "$PEL" "$@" >"$T/out" 2>"$T/err"
    local rc=$? got
    got=$(cat "$T/err")
    if [ "$rc" -ne 2 ] || [ -s "$T/out" ] || [ "$(wc -l <"$T/err")" -ne 1 ]; then
        fail "pel $* -> rc=$rc stdout=$(head -c 100 "$T/out") stderr=$got"
    elif [ "${want#\~}" != "$want" ]; then
        grep -qE -- "${want#\~}" "$T/err" || fail "pel $*: '$got' does not match '${want#\~}'"
    elif [ "$got" != "$want" ]; then
        fail "pel $*: '$got', want '$want'"
    fi
}

# the command list of `pel --help` is the one of `pel --commands`
"$PEL" --help >"$T/help" || fail "pel --help"
listed=$(sed -n '/^commands:/,/^$/p' "$T/help" | awk 'NF { print $1 }' | grep -v '^commands:')
cmds=$("$PEL" --commands)
[ "$listed" = "$cmds" ] || fail "pel --help lists '$listed', pel --commands '$cmds'"
[ "$(echo "$cmds" | wc -l)" -ge 17 ] || fail "only $(echo "$cmds" | wc -l) commands"

"$PEL" --completion >"$T/completion" || fail "pel --completion"
bash -n "$T/completion" || fail "the completion script is not valid bash"

n_number=0 n_range=0
for c in $cmds; do
    "$PEL" "$c" --list-options >"$T/opts" || { fail "pel $c --list-options"; continue; }
    [ -s "$T/opts" ] || fail "$c: empty option table"

    # 1. unknown option
    want_line "pel $c: unknown option '--no-such-option' (see pel $c --help)" "$c" --no-such-option

    # 2. an option without its value (given last)
    opt=$(awk -F'\t' '$2 != "flag" { print $1; exit }' "$T/opts")
    [ -n "$opt" ] && want_line "pel $c: option $opt needs a value" "$c" "$opt"

    # 3. a value that is not a number, 4. a number outside the declared range
    num=$(awk -F'\t' '$2 == "double" || $2 == "long" { print $1 "\t" $2; exit }' "$T/opts")
    if [ -n "$num" ]; then
        n_number=$((n_number + 1))
        o=${num%%$'\t'*}
        want_line "~^pel $c: $o: expected (a number|an integer)( .*)?, got 'abc'\$" "$c" "$o" abc
    fi
    # the first numeric option with a lower bound gets a value far below it,
    # else one with only an upper bound gets a value far above it
    rng=$(awk -F'\t' '($2 == "double" || $2 == "long") && $5 ~ /^(in [\[(]|>)/ { print $1; exit }' "$T/opts")
    bad=-1000000000
    if [ -z "$rng" ]; then
        rng=$(awk -F'\t' '($2 == "double" || $2 == "long") && $5 ~ /^</ { print $1; exit }' "$T/opts")
        bad=1000000000
    fi
    if [ -n "$rng" ]; then
        n_range=$((n_range + 1))
        want_line "~^pel $c: $rng: expected (a number|an integer) (in [\[(][^,]+, [^]\)]+[]\)]|[<>]=? [^ ]+)( [^ ]+)?, got '$bad'\$" \
            "$c" "$rng" "$bad"
    fi

    # help, pel help CMD, the man page and the completion name every option
    "$PEL" "$c" --help >"$T/h" || fail "pel $c --help"
    "$PEL" help "$c" >"$T/h2" || fail "pel help $c"
    cmp -s "$T/h" "$T/h2" || fail "pel help $c differs from pel $c --help"
    "$PEL" --man "$c" >"$T/man" || fail "pel --man $c"
    head -2 "$T/man" | grep -q "^\.TH PEL-$(echo "$c" | tr a-z A-Z) 1" || fail "$c: man page has no .TH line"
    while IFS=$'\t' read -r o _; do
        grep -qE -- "(^| |, )$o( |$)" "$T/h" || fail "$c: $o not in --help"
        grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" "$T/man" || fail "$c: $o not in the man page"
        awk -v c="    $c)" '$0 == c { on = 1; next } on && /^    [a-z]+\)$/ { exit } on' "$T/completion" |
            grep -qF -- "$o" || fail "$c: $o not in the completion"
    done <"$T/opts"
    # groff reads the page without a warning: plain ASCII, non-ASCII as \[uXXXX]
    LC_ALL=C grep -q '[^ -~]' "$T/man" && fail "$c: non-ASCII bytes in the man page"
    if command -v groff >/dev/null; then
        # (lines too long to fill, warning class "break", are a matter of taste)
        groff -man -Tutf8 -ww -Wbreak -z "$T/man" 2>"$T/groff" || fail "$c: groff failed"
        [ -s "$T/groff" ] && fail "$c: groff warnings: $(head -3 "$T/groff")"
    fi
done
# the checks above must have run on most commands, not on none
[ "$n_number" -ge 12 ] || fail "only $n_number commands checked with a bad number"
[ "$n_range" -ge 12 ] || fail "only $n_range commands checked with an out-of-range number"

# md --protocol, a mode of md with a table of its own: the same mistakes in
# the same words, and pel md's man page and completion arm list its options
want_line "pel md: unknown option '--no-such-option' (see pel md --help)" md --protocol x --no-such-option
want_line "pel md: option --sample-every-K needs a value" md --protocol x --sample-every-K
want_line "pel md: --replicas: expected an integer in [1, 1000], got '0'" md --protocol x --replicas 0
want_line "pel md: --sample-every-K: expected a number >= 0 K, got '-5'" md --protocol "eq@800K;hold0.04ps" \
    --composition Cu56Zr44 --atoms 64 --sample-every-K -5 --out "$T/p"
[ -e "$T/p" ] && fail "md --protocol: $T/p made before a usage error"
"$PEL" md --protocol x --list-options >"$T/opts" || fail "pel md --protocol x --list-options"
"$PEL" md --protocol x --help >"$T/h" || fail "pel md --protocol x --help"
"$PEL" --man md >"$T/man" || fail "pel --man md"
awk '$0 == "    md)" { on = 1; next } on && /^    [a-z]+\)$/ { exit } on' "$T/completion" >"$T/md_completion"
[ "$(wc -l <"$T/opts")" -ge 20 ] || fail "md --protocol: only $(wc -l <"$T/opts") options"
while IFS=$'\t' read -r o _; do
    grep -qE -- "(^| |, )$o( |$)" "$T/h" || fail "md --protocol: $o not in its --help"
    grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" "$T/man" || fail "md --protocol: $o not in the man page of md"
    grep -qE -- "(\"| )$o( |\")" "$T/md_completion" || fail "md --protocol: $o not in the completion of md"
done <"$T/opts"
got=$(bash -c '. "$1"; COMP_WORDS=(pel md --sample-every-p); COMP_CWORD=2; _pel; echo "${COMPREPLY[*]}"' _ "$T/completion")
[ "$got" = "--sample-every-ps" ] || fail "completion of 'pel md --sample-every-p': '$got'"
got=$(bash -c '. "$1"; COMP_WORDS=(pel md --min-algo l); COMP_CWORD=3; _pel; echo "${COMPREPLY[*]}"' _ "$T/completion")
[ "$got" = "lbfgs" ] || fail "completion of 'pel md --min-algo l': '$got'"

# a renamed option still works, named as typed in errors and noted on success
want_line "pel quench: --from: expected a number in (0, 1000000) K, got 'x'" quench --from x --out "$T/q"
want_line "pel minimize: --algo: expected one of fire|cg|lbfgs, got 'bfgs'" minimize --algo bfgs --data x --out y
"$PEL" run --protocol "eq@1000K; cool 900K@1e12K/s" --summary >/dev/null 2>"$T/err" || fail "pel run --summary"
[ -s "$T/err" ] && fail "a run without renamed options printed notes: $(cat "$T/err")"

# unknown command, pel help of an unknown command
"$PEL" nosuch >/dev/null 2>"$T/err" && fail "pel nosuch succeeded"
grep -qx "pel: unknown command 'nosuch' (try pel --help)" "$T/err" || fail "pel nosuch: $(cat "$T/err")"
"$PEL" help nosuch >/dev/null 2>"$T/err" && fail "pel help nosuch succeeded"

[ "$fails" -eq 0 ] && echo "options_dialect: all checks passed"
exit $((fails > 0))
