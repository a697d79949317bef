#!/usr/bin/env bash
# run_errors.sh - `pel run` bad-input classes (issue 2 item 6): each gives a
# nonzero exit and exactly one stderr line "pel run: ..." containing the key
# words (and the protocol column for syntax errors); nothing on stdout, no
# output file left behind.
set -u
. "$(dirname "$0")/lib/expect.sh"
tmp=$T

# protocol syntax errors name the column
expect_fail run "column 9|';'" --protocol "eq@2000 cool 300@1e10"
expect_fail run "column 10|segment" --protocol "eq@2000; warm 300@1e10"
expect_fail run "column 18|'@'" --protocol "eq@2000; cool 300"
expect_fail run "column 4|number" --protocol "eq@abc; cool 300@1e10"
expect_fail run "column 23|unit" --protocol "eq@2000; cool 300@1e10K"
expect_fail run "--protocol" --protocol ""
# out-of-range values: negative or zero rate, T <= 0, wrong direction
expect_fail run "column 19|rate|> 0" --protocol "eq@2000; cool 300@-1e10"
expect_fail run "column 19|rate" --protocol "eq@2000; cool 300@0"
expect_fail run "column 4|temperature|> 0" --protocol "eq@0; cool 300@1e10"
expect_fail run "column 15|temperature|> 0" --protocol "eq@2000; cool -5@1e10"
expect_fail run "column 15|wrong way" --protocol "eq@2000; heat 300@1e10"
expect_fail run "column 15|duration" --protocol "eq@2000; hold -1s"
# equilibrium start below T_c does not exist
expect_fail run "equilibrium|T_c" --material cu56zr44-paper --protocol "eq@500; cool 300@1e10"
# materials: unknown preset, unreadable file, malformed file
expect_fail run "unknown material preset|nosuch" --material nosuch --protocol "eq@2000; cool 300@1e10"
expect_fail run "cannot read|$tmp/none.ini" --material "$tmp/none.ini" --protocol "eq@2000; cool 300@1e10"
printf '[material]\nname = x\n[spectrum]\neA = abc\n' >"$tmp/bad.ini"
expect_fail run "bad.ini:4|eA" --material "$tmp/bad.ini" --protocol "eq@2000; cool 300@1e10"
# options
expect_fail run "--protocol|required"
expect_fail run "--dT" --dT 0 --protocol "eq@2000; cool 300@1e10"
expect_fail run "--dT" --dT 1x --protocol "eq@2000; cool 300@1e10"
expect_fail run "--hold-points" --hold-points 1 --protocol "eq@2000; hold 1s"
expect_fail run "--rtol" --rtol nan --protocol "eq@2000; cool 300@1e10"
expect_fail run "unknown option" --bogus --protocol "eq@2000; cool 300@1e10"
expect_fail run "--out" --csv --json --protocol "eq@2000; cool 300@1e10"
# unwritable output: error, and no file appears
expect_fail run "cannot write|$tmp/nodir/x.csv" --out "$tmp/nodir/x.csv" --protocol "eq@2000; cool 1900@1e10"
[ -e "$tmp/nodir" ] && { echo "FAIL: output directory appeared"; fails=$((fails + 1)); }

if [ "$fails" -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "run_errors: all passed"
