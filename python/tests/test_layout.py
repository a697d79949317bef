"""test_layout.py - the structs and constants the package declares to cffi
(pel/_ffi.py) against the C headers: a C program generated from the cffi
declarations prints sizeof and offsetof of every field as the compiler sees
them in include/pel/*.h; a header change not copied to _ffi.py fails here."""
import os
import shutil
import subprocess

import pytest

from pel._ffi import STRUCTS, ffi, lib

CONSTANTS = ("PEL_OK", "PEL_EINVAL", "PEL_ENOMEM", "PEL_EIO", "PEL_EPARSE", "PEL_ENOROOT",
             "PEL_ENOCONV", "PEL_ENUMERIC", "PEL_EBLOWUP", "PEL_ENOTIMPL", "PEL_ESTATE",
             "PEL_ERROR_MSG_MAX", "PEL_MAX_TYPES")


def c_layout(tmp_path, source_dir):
    cc = os.environ.get("CC") or shutil.which("cc")
    if not cc:
        pytest.skip("no C compiler")
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <pel/pel.h>", "int main(void) {"]
    for s in STRUCTS:
        lines.append(f'printf("{s} %zu\\n", sizeof({s}));')
        for f, _ in ffi.typeof(s).fields:
            lines.append(f'printf("{s}.{f} %zu\\n", offsetof({s}, {f}));')
    for c in CONSTANTS:
        lines.append(f'printf("{c} %ld\\n", (long)({c}));')
    lines += ["return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines) + "\n")
    incs = os.environ.get("PEL_INCLUDE_DIRS", f"{source_dir}/include").split(os.pathsep)
    r = subprocess.run([cc, "-std=c11", *[f"-I{d}" for d in incs], str(src), "-o", str(tmp_path / "layout")],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"pel/_ffi.py names a field the headers lack:\n{r.stderr}"
    out = subprocess.run([str(tmp_path / "layout")], check=True, capture_output=True, text=True).stdout
    return dict(line.rsplit(" ", 1) for line in out.splitlines())


def test_structs_and_constants_match_the_headers(tmp_path, source_dir):
    c = c_layout(tmp_path, source_dir)
    py = {}
    for s in STRUCTS:
        py[s] = ffi.sizeof(s)
        for f, _ in ffi.typeof(s).fields:
            py[f"{s}.{f}"] = ffi.offsetof(s, f)
    for k in CONSTANTS:
        py[k] = getattr(lib, k)
    bad = {k: (py[k], int(c[k])) for k in py if py[k] != int(c[k])}
    assert not bad, f"pel/_ffi.py differs from include/pel (python, C): {bad}"
