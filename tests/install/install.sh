#!/usr/bin/env bash
# install.sh - `cmake --install` of the built tree into a temporary prefix,
# then the prefix is moved (everything must be relocatable) and used as a user
# would: the README's C example (the ```c block under "## Library") compiled
# through pkg-config (shared, and --static against libpel.a) and through
# find_package(pel) in a small CMake project; pel.h compiled as C++; the
# installed pel run.  Every program's output is compared with the installed
# `pel run` for the same protocol, and every version with project(VERSION);
# then the installed Python package runs the README's Python example.
# Env: PEL_BUILD_DIR (configured and built tree), PEL_SOURCE_DIR; CC, CXX,
# PEL_PYTHON3 (a python3 with cffi, numpy, ase: the README's Python example) optional.
set -u
B=${PEL_BUILD_DIR:?PEL_BUILD_DIR must point at the build tree}
S=${PEL_SOURCE_DIR:?PEL_SOURCE_DIR must point at the source tree}
CC=${CC:-cc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }

version=$(sed -n 's/^project(pel VERSION \([0-9.]*\).*/\1/p' "$S/CMakeLists.txt")
[ -n "$version" ] || die "no project(pel VERSION ...) in CMakeLists.txt"
major=${version%%.*}

cmake --install "$B" --prefix "$T/staged" >"$T/install.log" 2>&1 || die "cmake --install: $(tail -3 "$T/install.log")"
mv "$T/staged" "$T/prefix"
P=$T/prefix
libdir=$(dirname "$(find "$P" -name pel.pc | head -1)")
libdir=${libdir%/pkgconfig}
[ -f "$libdir/pkgconfig/pel.pc" ] || die "pel.pc not installed"
export PKG_CONFIG_PATH=$libdir/pkgconfig
export LD_LIBRARY_PATH=$libdir

# the library: one libpel, shared with SONAME libpel.so.MAJOR, and static
soname=$(readelf -d "$libdir/libpel.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libpel.so.$major" ] || fail "SONAME '$soname', want libpel.so.$major"
[ -f "$libdir/libpel.a" ] || fail "libpel.a not installed"
[ -f "$P/include/pel/version.h" ] || fail "pel/version.h not installed"
[ "$(pkg-config --modversion pel)" = "$version" ] || fail "pkg-config --modversion: $(pkg-config --modversion pel)"
grep -q "^#define PEL_VERSION_STRING \"$version\"" "$P/include/pel/version.h" || fail "PEL_VERSION_STRING is not $version"
grep -q "^version: $version\$" "$S/CITATION.cff" || fail "CITATION.cff version is not $version"

# the installed program finds its library after the move (RPATH $ORIGIN)
out=$(env -u LD_LIBRARY_PATH "$P/bin/pel" --version 2>&1) || fail "installed pel --version: $out"
[ "$out" = "pel $version" ] || fail "pel --version printed '$out', want 'pel $version'"
env -u LD_LIBRARY_PATH "$P/bin/pel" run --material cu56zr44 --protocol "eq@2000K; cool 300K@1e10K/s" --csv >"$T/run.csv" ||
    die "installed pel run failed"
E_ref=$(tail -1 "$T/run.csv" | cut -d, -f3)
# "pel VERSION: E(300 K) = E eV/atom" with E equal to pel run's last row (6 decimals)
want=$(printf 'pel %s: E(300 K) = %.6f eV/atom' "$version" "$E_ref")

# the README's example, exactly as written
awk '/^## Library/ { lib = 1 } lib && /^```c/ { code = 1; next } code && /^```/ { exit } code' "$S/README.md" >"$T/ex.c"
[ -s "$T/ex.c" ] || die "no \`\`\`c block under '## Library' in README.md"
check_ex() { # name binary
    local got
    got=$("$2" 2>&1) || { fail "$1: exit $?: $got"; return; }
    [ "$got" = "$want" ] || fail "$1 printed '$got', want '$want'"
}

# pkg-config, shared: the README's command line
# shellcheck disable=SC2046
if $CC "$T/ex.c" $(pkg-config --cflags --libs pel) -o "$T/ex_pc" 2>"$T/cc.log"; then
    readelf -d "$T/ex_pc" | grep -q "NEEDED.*libpel.so.$major" || fail "ex_pc does not use libpel.so.$major"
    check_ex pkg-config "$T/ex_pc"
else
    fail "cc ex.c \$(pkg-config --cflags --libs pel): $(head -5 "$T/cc.log")"
fi
# pkg-config --static: libpel.a (-l:libpel.a) and everything it needs from Libs.private/Requires.private
libs=$(pkg-config --static --libs pel)
# shellcheck disable=SC2046,SC2086
if $CC "$T/ex.c" $(pkg-config --cflags pel) ${libs/-lpel /-l:libpel.a } -o "$T/ex_pcs" 2>"$T/cc.log"; then
    readelf -d "$T/ex_pcs" | grep -q "NEEDED.*libpel" && fail "ex_pcs links libpel.so, not libpel.a"
    check_ex "pkg-config --static" "$T/ex_pcs"
else
    fail "cc ex.c -l:libpel.a \$(pkg-config --static --libs pel): $(head -5 "$T/cc.log")"
fi

# find_package(pel) in a user's CMake project
if cmake -S "$S/tests/install/consumer" -B "$T/consumer" -DCMAKE_PREFIX_PATH="$P" -DEX_SOURCE="$T/ex.c" \
        -DCMAKE_C_COMPILER="$CC" >"$T/cm.log" 2>&1 && cmake --build "$T/consumer" >>"$T/cm.log" 2>&1; then
    check_ex "find_package pel::pel" "$T/consumer/ex_shared"
    readelf -d "$T/consumer/ex_static" | grep -q "NEEDED.*libpel" && fail "pel::pel_static links libpel.so"
    check_ex "find_package pel::pel_static" "$T/consumer/ex_static"
else
    fail "find_package(pel) project: $(grep -i -m5 error "$T/cm.log")"
fi

# C++: every public header compiles and links with C linkage
CXX=${CXX:-c++}
if command -v "$CXX" >/dev/null; then
    # shellcheck disable=SC2046
    if "$CXX" -std=c++11 -Wall -Wextra -Werror "$S/tests/install/cxx_header.cpp" $(pkg-config --cflags --libs pel) \
            -o "$T/cxx" 2>"$T/cxx.log"; then
        got=$("$T/cxx") || fail "C++ program failed: $got"
    else
        fail "pel.h as C++: $(head -5 "$T/cxx.log")"
    fi
else
    echo "install.sh: no C++ compiler, C++ check skipped" >&2
fi
# each header declares its functions inside extern "C" (the C++ program above
# calls only a few), and pel.h includes every header
for h in "$P"/include/pel/*.h; do
    n=$(basename "$h")
    [ "$n" = pel.h ] && continue
    grep -q 'extern "C" {' "$h" || fail "$n has no extern \"C\" guard"
    grep -q "#include \"pel/$n\"" "$P/include/pel/pel.h" || fail "pel.h does not include $n"
done

# the installed Python package finds the relocated libpel by itself; the
# README's Python example (```python under "## Python") runs as written from
# the source tree and prints the installed pel's mean barrier and energy
py=${PEL_PYTHON3:-}
pydir=$(find "$P" -name _install.py -path "*/pel/*" | head -1)
if [ -n "$py" ] && [ -n "$pydir" ]; then
    pydir=$(dirname "$(dirname "$pydir")")
    awk '/^## Python/ { sec = 1 } sec && /^```python/ { code = 1; next } code && /^```/ { exit } code' "$S/README.md" >"$T/ex.py"
    [ -s "$T/ex.py" ] || fail "no \`\`\`python block under '## Python' in README.md"
    if (cd "$S" && env -u LD_LIBRARY_PATH -u PEL_LIBRARY PYTHONPATH="$pydir" "$py" "$T/ex.py") >"$T/py.out" 2>&1; then
        EA=$(env -u LD_LIBRARY_PATH "$P/bin/pel" barrier --W 0.05 --m 1.2 --T 760 | sed 's/.*EA=\([^ ]*\).*/\1/')
        E=$(cd "$S" && env -u LD_LIBRARY_PATH "$P/bin/pel" energy --data tests/data/cuzr64.data | sed 's/^E_total_eV=\([^ ]*\).*/\1/')
        grep -qF "$(printf 'EA = %.6f eV' "$EA")" "$T/py.out" || fail "README Python example: EA is not pel barrier's $EA: $(cat "$T/py.out")"
        grep -qF "$(printf 'E(300 K) = %.6f eV/atom' "$E_ref")" "$T/py.out" || fail "README Python example: E(300 K) is not pel run's: $(cat "$T/py.out")"
        grep -qF "$(printf 'E = %.9f eV' "$E")" "$T/py.out" || fail "README Python example: E is not pel energy's $E: $(cat "$T/py.out")"
    else
        fail "README Python example with the installed package: $(tail -5 "$T/py.out")"
    fi
else
    echo "install.sh: no python3 with cffi/numpy or no installed package, Python check skipped" >&2
fi

# man pages and bash completion generated from the option tables: `man pel-art`
# finds the installed page, which documents every option; completion completes
# commands and options
if command -v man >/dev/null; then
    page=$(MANPATH=$P/share/man man -w pel-art 2>&1) || fail "man -w pel-art: $page"
    [ "$page" = "$P/share/man/man1/pel-art.1" ] || fail "man -w pel-art found '$page'"
    MANPATH=$P/share/man MANWIDTH=100 man pel-art 2>/dev/null | grep -q -- "--searches-per-center" ||
        fail "man pel-art lacks --searches-per-center"
fi
for c in $(env -u LD_LIBRARY_PATH "$P/bin/pel" --commands); do
    [ -f "$P/share/man/man1/pel-$c.1" ] || fail "man page pel-$c.1 not installed"
done
[ -f "$P/share/man/man1/pel.1" ] || fail "man page pel.1 not installed"
comp=$P/share/bash-completion/completions/pel
if [ -f "$comp" ]; then
    got=$(bash -c '. "$1"; COMP_WORDS=(pel mini); COMP_CWORD=1; _pel; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$got" = "minimize" ] || fail "completion of 'pel mini': '$got'"
    got=$(bash -c '. "$1"; COMP_WORDS=(pel art --searches); COMP_CWORD=2; _pel; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$got" = "--searches-per-center" ] || fail "completion of 'pel art --searches': '$got'"
    got=$(bash -c '. "$1"; COMP_WORDS=(pel minimize --min-algo l); COMP_CWORD=3; _pel; echo "${COMPREPLY[*]}"' _ "$comp")
    [ "$got" = "lbfgs" ] || fail "completion of 'pel minimize --min-algo l': '$got'"
else
    fail "bash completion not installed"
fi

[ "$fails" -eq 0 ] || exit 1
echo "install.sh: ok (pel $version installed, relocated, used through pkg-config, --static, find_package, C++, Python)"
