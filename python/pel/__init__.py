"""pel - the potential-energy-landscape model of glass ageing and rejuvenation
(Y. Fan, T. Iwashita, T. Egami, Nat. Commun. 8, 15417 (2017)) and pel's
atomistic engine, from Python over libpel (docs/python.md).

    import pel
    mat = pel.Material.preset("cu56zr44")
    tr = pel.run(mat, "eq@2000K; cool 300K@1e10K/s")    # tr.T_K, tr.E, tr.dEdT, tr.t_s
    Z, EA = pel.barrier(W=0.05, m=1.2, T=760)
    from pel.calculator import EAM                       # ASE calculator (needs ase)
"""
from ._ffi import PelError, ffi, lib
from .fit import fit, fit_catalog, read_catalog
from .model import D, Material, Trace, barrier, equilibrium, run, spectrum, tc

__version__ = ffi.string(lib.pel_version()).decode()

__all__ = ["PelError", "Material", "Trace", "barrier", "spectrum", "D", "equilibrium", "tc", "run",
           "read_catalog", "fit", "fit_catalog", "version", "__version__"]


def version():
    """Version of the loaded libpel ("MAJOR.MINOR.PATCH")."""
    return __version__
