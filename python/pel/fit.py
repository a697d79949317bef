"""fit.py - event catalogs (pel art CSV or LAMMPS-ARTn log.event) and the
maximum-likelihood fits of eq. 3 (activation) and eq. 5 (relaxation) of
Fan, Iwashita & Egami (2017); method in docs/fit.md."""
import numpy as np

from ._ffi import check, ffi, lib, new_error, path_bytes


def read_catalog(path):
    """The usable (converged) events of a catalog: a dict with arrays EA (eV),
    ER (eV, or None), E_initial (eV, or None), and E_IS_eV_per_atom, n_atoms,
    n_rows, n_skipped."""
    err, pp = new_error(), ffi.new("pel_events **")
    check(lib.pel_events_read(path_bytes(path), pp, err), err)
    ev = pp[0]
    try:
        def arr(p):
            return None if p == ffi.NULL else np.frombuffer(ffi.buffer(p, ev.n * 8), dtype=float).copy()
        return {"EA": arr(ev.EA), "ER": arr(ev.ER), "E_initial": arr(ev.E_initial),
                "E_IS_eV_per_atom": ev.E_IS_eV_per_atom, "n_atoms": ev.n_atoms,
                "n_rows": ev.n_rows, "n_skipped": ev.n_skipped}
    finally:
        lib.pel_events_free(pp)


def _param(p):
    return {"value": p.value, "se": p.se, "ci_lo": p.ci_lo, "ci_hi": p.ci_hi}


def fit(EA, ER=None, eA=None, s=None, free_eA_s=False, EA_min=None, bootstrap=0, ci_level=None,
        seed=None, min_events=None):
    """Fit eq. 3 to the activation energies EA (eV) and, when given, eq. 5 to
    the relaxation energies ER (eV).  Options as include/pel/fit.h (defaults
    from the library: e_A = 0.5 and s = 0.49 eV fixed).  Returns a dict:
    n, W, m, eA, s, eR (each {value, se, ci_lo, ci_hi}), nll, ks_D, ks_p,
    ks_R_D, ks_R_p, n_R, n_boot_ok."""
    opt = ffi.new("pel_fit_options *")
    lib.pel_fit_options_default(opt)
    for k, v in (("eA", eA), ("s", s), ("EA_min", EA_min), ("ci_level", ci_level), ("seed", seed),
                 ("min_events", min_events)):
        if v is not None:
            setattr(opt, k, v)
    opt.free_eA_s, opt.bootstrap = int(bool(free_eA_s)), int(bootstrap)
    ea = np.ascontiguousarray(EA, dtype=float)
    er = None if ER is None else np.ascontiguousarray(ER, dtype=float)
    res, err = ffi.new("pel_fit_result *"), new_error()
    check(lib.pel_fit_events(ffi.from_buffer("double[]", ea), ea.size,
                             ffi.NULL if er is None else ffi.from_buffer("double[]", er),
                             0 if er is None else er.size, opt, res, ffi.NULL, ffi.NULL, err), err)
    out = {k: _param(getattr(res, k)) for k in ("W", "m", "eA", "s", "eR")}
    out.update({k: getattr(res, k) for k in ("n", "nll", "ks_D", "ks_p", "n_boot_ok", "n_R", "ks_R_D", "ks_R_p")})
    return out


def fit_catalog(path, **options):
    """read_catalog(path), then fit() its EA and ER with `options`."""
    ev = read_catalog(path)
    out = fit(ev["EA"], ev["ER"], **options)
    out["E_IS_eV_per_atom"] = ev["E_IS_eV_per_atom"]
    return out
