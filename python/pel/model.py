"""model.py - the landscape model of Fan, Iwashita & Egami (2017): materials,
the activation spectrum (eq. 3), the mean barrier (eq. 4), the equilibrium
line (eq. 7, D = 0), T_c and the evolution of E along a protocol (eqs. 1-2).
Units: eV, eV/atom, K, s (docs/python.md)."""
import numpy as np

from ._ffi import check, ffi, lib, new_error, path_bytes

_MATERIAL_FIELDS = tuple(f for f, _ in ffi.typeof("pel_material").fields if f != "name")


class Material:
    """A glass-former: the constants e_A, s, e_R and the forms W(E), m(E),
    nu(E,T) of include/pel/material.h (docs/material.md).  Fields are
    attributes (mat.eR, mat.W_inf, ...); as_dict() gives them all."""

    def __init__(self, _cdata=None, **fields):
        self._m = ffi.new("pel_material *")
        if _cdata is not None:
            ffi.memmove(self._m, _cdata, ffi.sizeof("pel_material"))
        for k, v in fields.items():
            setattr(self, k, v)

    @classmethod
    def preset(cls, name="cu56zr44"):
        """A built-in material by name."""
        mat, err = cls(), new_error()
        check(lib.pel_material_preset(name.encode(), mat._m, err), err)
        return mat

    @classmethod
    def load(cls, path):
        """Read an INI file (format in docs/material.md)."""
        mat, err = cls(), new_error()
        check(lib.pel_material_load(path_bytes(path), mat._m, err), err)
        return mat

    def save(self, path):
        """Write an INI file that load() reads back exactly."""
        err = new_error()
        check(lib.pel_material_save(self._m, path_bytes(path), err), err)

    def check(self):
        """Raise PelError naming the first parameter out of range."""
        err = new_error()
        check(lib.pel_material_check(self._m, err), err)

    @property
    def name(self):
        return ffi.string(self._m.name).decode()

    @name.setter
    def name(self, value):
        b = value.encode()
        if len(b) >= ffi.sizeof(self._m.name):
            raise ValueError(f"material name longer than {ffi.sizeof(self._m.name) - 1} bytes")
        self._m.name = b

    def __getattr__(self, key):
        if key in _MATERIAL_FIELDS:
            return getattr(self._m, key)
        raise AttributeError(key)

    def __setattr__(self, key, value):
        if key in _MATERIAL_FIELDS:
            setattr(self._m, key, int(value) if key.endswith("_form") else float(value))
        elif key == "_m" or key == "name":
            object.__setattr__(self, key, value)
        else:
            raise AttributeError(f"pel.Material has no parameter '{key}'")

    def as_dict(self):
        d = {"name": self.name}
        d.update({k: getattr(self._m, k) for k in _MATERIAL_FIELDS})
        return d

    def __eq__(self, other):
        return isinstance(other, Material) and self.as_dict() == other.as_dict()

    def __repr__(self):
        return f"pel.Material({self.as_dict()!r})"

    def W(self, E):
        """W(E), weight of the exponential mode M1 (array in, array out)."""
        return _vectorize(lambda e: lib.pel_material_W(self._m, e), E)

    def m(self, E):
        """m(E), eV: location of the peaked mode M2."""
        return _vectorize(lambda e: lib.pel_material_m(self._m, e), E)

    def spectrum(self, E):
        """(W, m, eA, s) of eq. 3 at inherent-structure energy E (eV/atom)."""
        sp = ffi.new("pel_spectrum *")
        lib.pel_material_spectrum(self._m, float(E), sp)
        return sp.W, sp.m, sp.eA, sp.s


def _vectorize(fn, x):
    a = np.asarray(x, dtype=float)
    out = np.fromiter((fn(v) for v in a.ravel()), dtype=float, count=a.size).reshape(a.shape)
    return out if a.ndim else float(out)


def _spectrum(W, m, eA, s):
    sp = ffi.new("pel_spectrum *", {"W": W, "m": m, "eA": eA, "s": s})
    err = new_error()
    check(lib.pel_spectrum_check(sp, err), err)
    return sp


def spectrum(EA, W, m, eA=0.5, s=0.49):
    """P(E_A) of eq. 3 (1/eV) at the activation energies EA (eV), and its two
    modes: returns (pdf, m1, m2), arrays shaped like EA."""
    sp = _spectrum(W, m, eA, s)
    return (_vectorize(lambda e: lib.pel_spectrum_pdf(sp, e), EA),
            _vectorize(lambda e: lib.pel_spectrum_pdf_m1(sp, e), EA),
            _vectorize(lambda e: lib.pel_spectrum_pdf_m2(sp, e), EA))


def barrier(W, m, T, eA=0.5, s=0.49):
    """Z(T) and the Boltzmann-averaged barrier EA_mean = -kT ln Z (eV) of the
    spectrum (W, m, eA, s) (eqs. 3-4).  T may be an array; returns (Z, EA_mean)."""
    sp, err = _spectrum(W, m, eA, s), new_error()
    Z, EA = ffi.new("double *"), ffi.new("double *")

    def one(t):
        check(lib.pel_spectrum_barrier(sp, t, Z, EA, err), err)
        return Z[0], EA[0]

    Tarr = np.asarray(T, dtype=float)
    res = np.array([one(t) for t in Tarr.ravel()], dtype=float).reshape(Tarr.shape + (2,))
    if Tarr.ndim == 0:
        return float(res[0]), float(res[1])
    return res[..., 0], res[..., 1]


def D(material, E, T):
    """Ageing/rejuvenation balance D(E,T) = EA_mean - e_R (eV, eq. 7); E and T broadcast."""
    Eb, Tb = np.broadcast_arrays(np.asarray(E, dtype=float), np.asarray(T, dtype=float))
    out = np.array([lib.pel_equilibrium_D(material._m, e, t) for e, t in zip(Eb.ravel(), Tb.ravel())],
                   dtype=float).reshape(Eb.shape)
    return out if out.ndim else float(out)


def equilibrium(material, T):
    """E_eq(T), eV/atom: the root of D(E,T) = 0 (eq. 7) at each T (K).
    NaN where no equilibrium exists (T below T_c); other failures raise."""
    err, E = new_error(), ffi.new("double *")

    def one(t):
        st = lib.pel_equilibrium_E(material._m, t, E, err)
        if st == lib.PEL_ENOROOT:
            return np.nan
        check(st, err)
        return E[0]

    return _vectorize(one, T)


def tc(material):
    """Critical temperature T_c (K) below which no equilibrium exists."""
    err, Tc = new_error(), ffi.new("double *")
    check(lib.pel_equilibrium_Tc(material._m, Tc, err), err)
    return Tc[0]


class Trace(dict):
    """The rows of a protocol run as numpy arrays (keys as attributes):
    t_s, T_K, E (eV/atom), dEdt (eV/atom/s), dEdT (eV/atom/K, NaN on holds),
    D (eV), EA_mean (eV), Eeq (eV/atom, NaN below T_c), segment (-1 = start)."""
    __getattr__ = dict.__getitem__


_TRACE_FIELDS = ("t_s", "T_K", "E", "dEdt", "dEdT", "D", "EA_mean", "Eeq", "segment")
# pel_trace_point as a numpy record, offsets from the declared struct
_TRACE_DTYPE = np.dtype({
    "names": list(_TRACE_FIELDS),
    "formats": ["f8"] * 8 + ["i%d" % ffi.sizeof("int")],
    "offsets": [ffi.offsetof("pel_trace_point", k) for k in _TRACE_FIELDS],
    "itemsize": ffi.sizeof("pel_trace_point")})


def run(material, protocol, rtol=None, atol=None, dT_out_K=None, hold_points=None,
        eq_column=True, rate_columns=True):
    """Integrate eqs. 1-2 along `protocol` (the one-line grammar of
    docs/protocol.md, e.g. "eq@2000K; cool 300K@1e10K/s").  Options default
    to the library's (include/pel/evolve.h).  Returns a Trace."""
    err = new_error()
    proto = ffi.new("pel_protocol *")
    check(lib.pel_protocol_parse(protocol.encode(), proto, err), err)
    opts = ffi.new("pel_evolve_opts *")
    lib.pel_evolve_opts_default(opts)
    for k, v in (("rtol", rtol), ("atol", atol), ("dT_out_K", dT_out_K), ("hold_points", hold_points)):
        if v is not None:
            setattr(opts, k, v)
    opts.eq_column, opts.rate_columns = int(bool(eq_column)), int(bool(rate_columns))
    tr = ffi.new("pel_trace *")
    try:
        check(lib.pel_evolve_run(material._m, proto, opts, tr, err), err)
        size = ffi.sizeof("pel_trace_point")
        rows = np.frombuffer(ffi.buffer(tr.p, tr.n * size), dtype=_TRACE_DTYPE) if tr.n else \
            np.zeros(0, dtype=_TRACE_DTYPE)
        out = Trace((k, rows[k].astype(int if k == "segment" else float)) for k in _TRACE_FIELDS)
        return out
    finally:
        lib.pel_trace_clear(tr)
        lib.pel_protocol_clear(proto)
