#!/usr/bin/env bash
# run_errors.sh - `pel run` bad-input classes (issue 2 item 6): each gives a
# nonzero exit and exactly one stderr line "pel run: ..." containing the key
# words (and the protocol column for syntax errors); nothing on stdout, no
# output file left behind.
set -u
: "${PEL:?PEL must point to the pel binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_fail <words (|-separated, all must appear)> <args...>
expect_fail() {
  local words=$1; shift
  "$PEL" run "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$? nl
  nl=$(wc -l <"$tmp/err")
  if [ "$rc" -eq 0 ] || [ "$nl" -ne 1 ] || ! grep -q '^pel run: ' "$tmp/err" || [ -s "$tmp/out" ]; then
    echo "FAIL ($*): rc=$rc lines=$nl stderr=$(cat "$tmp/err") stdout=$(head -c 200 "$tmp/out")"
    fails=$((fails + 1)); return
  fi
  local IFS='|' w
  for w in $words; do
    if ! grep -qF -- "$w" "$tmp/err"; then
      echo "FAIL ($*): '$w' not in: $(cat "$tmp/err")"; fails=$((fails + 1)); return
    fi
  done
}

# protocol syntax errors name the column
expect_fail "column 9|';'" --protocol "eq@2000 cool 300@1e10"
expect_fail "column 10|segment" --protocol "eq@2000; warm 300@1e10"
expect_fail "column 18|'@'" --protocol "eq@2000; cool 300"
expect_fail "column 4|number" --protocol "eq@abc; cool 300@1e10"
expect_fail "column 23|unit" --protocol "eq@2000; cool 300@1e10K"
expect_fail "column 1|start" --protocol ""
# out-of-range values: negative or zero rate, T <= 0, wrong direction
expect_fail "column 19|rate|> 0" --protocol "eq@2000; cool 300@-1e10"
expect_fail "column 19|rate" --protocol "eq@2000; cool 300@0"
expect_fail "column 4|temperature|> 0" --protocol "eq@0; cool 300@1e10"
expect_fail "column 15|temperature|> 0" --protocol "eq@2000; cool -5@1e10"
expect_fail "column 15|wrong way" --protocol "eq@2000; heat 300@1e10"
expect_fail "column 15|duration" --protocol "eq@2000; hold -1s"
# equilibrium start below T_c does not exist
expect_fail "equilibrium|T_c" --protocol "eq@500; cool 300@1e10"
# materials: unknown preset, unreadable file, malformed file
expect_fail "unknown material preset|nosuch" --material nosuch --protocol "eq@2000; cool 300@1e10"
expect_fail "cannot read|$tmp/none.ini" --material "$tmp/none.ini" --protocol "eq@2000; cool 300@1e10"
printf '[material]\nname = x\n[spectrum]\neA = abc\n' >"$tmp/bad.ini"
expect_fail "bad.ini:4|eA" --material "$tmp/bad.ini" --protocol "eq@2000; cool 300@1e10"
# options
expect_fail "--protocol|required"
expect_fail "--dT" --dT 0 --protocol "eq@2000; cool 300@1e10"
expect_fail "--dT" --dT 1x --protocol "eq@2000; cool 300@1e10"
expect_fail "--hold-points" --hold-points 1 --protocol "eq@2000; hold 1s"
expect_fail "--rtol" --rtol nan --protocol "eq@2000; cool 300@1e10"
expect_fail "bad option" --bogus --protocol "eq@2000; cool 300@1e10"
expect_fail "--out" --csv --json --protocol "eq@2000; cool 300@1e10"
# unwritable output: error, and no file appears
expect_fail "cannot write|$tmp/nodir/x.csv" --out "$tmp/nodir/x.csv" --protocol "eq@2000; cool 1900@1e10"
[ -e "$tmp/nodir" ] && { echo "FAIL: output directory appeared"; fails=$((fails + 1)); }

if [ "$fails" -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "run_errors: all passed"
