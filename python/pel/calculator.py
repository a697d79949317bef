"""calculator.py - an ASE calculator on pel's EAM engine (LAMMPS eam/fs and
eam/alloy, include/pel/eam.h): energy, per-atom energies, forces and stress
equal to the C library's, which equal LAMMPS's.  Orthorhombic periodic cells
only (the engine's box).  Units: eV, Å, eV/Å, eV/Å^3 (ASE's)."""
import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes

from ._ffi import check, ffi, lib, new_error, path_bytes

DEFAULT_POTENTIAL = "/usr/share/lammps/potentials/CuZr_mm.eam.fs"


class EAM(Calculator):
    """EAM(potential=path, threads=1).  The potential's element names map the
    atoms' chemical symbols; a symbol the potential lacks raises PelError."""

    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress"]

    def __init__(self, potential=DEFAULT_POTENTIAL, threads=1, **kwargs):
        super().__init__(**kwargs)
        err, pp = new_error(), ffi.new("pel_eam **")
        check(lib.pel_eam_read_auto(path_bytes(potential), pp, err), err)
        self._pot = ffi.gc(pp, lib.pel_eam_free)  # frees the potential with the calculator
        self.potential = str(potential)
        self.threads = int(threads)
        self.elements = [ffi.string(lib.pel_eam_element(pp[0], i)).decode()
                         for i in range(lib.pel_eam_nelements(pp[0]))]

    def _system(self, atoms):
        """A pel_system holding `atoms`: one type per potential element present."""
        if not atoms.pbc.all():
            raise PropertyNotImplementedError("pel.EAM: the cell must be periodic in x, y and z")
        cell = np.asarray(atoms.cell)
        if np.any(np.abs(cell - np.diag(np.diag(cell))) > 1e-12 * np.abs(cell).max()):
            raise PropertyNotImplementedError("pel.EAM: the cell must be orthorhombic (a diagonal matrix)")
        symbols = atoms.get_chemical_symbols()
        missing = sorted(set(symbols) - set(self.elements))
        if missing:
            raise ValueError(f"pel.EAM: {self.potential} has no element {', '.join(missing)}"
                             f" (it has {', '.join(self.elements)})")
        present = [e for e in self.elements if e in set(symbols)]
        err, sp = new_error(), ffi.new("pel_system **")
        check(lib.pel_system_new(sp, len(atoms), len(present), err), err)
        sys = sp[0]
        for t, e in enumerate(present):
            sys.elem[t] = e.encode()
            sys.mass[t] = lib.pel_eam_mass(self._pot[0], self.elements.index(e))
        n = len(atoms)
        index = {e: t for t, e in enumerate(present)}
        ffi.buffer(sys.type, n * ffi.sizeof("int"))[:] = \
            np.array([index[e] for e in symbols], dtype=np.intc).tobytes()
        ffi.buffer(sys.id, n * 8)[:] = np.arange(1, n + 1, dtype=np.int64).tobytes()
        ffi.buffer(sys.x, 3 * n * 8)[:] = np.ascontiguousarray(atoms.positions, dtype=float).tobytes()
        for k in range(3):
            sys.lo[k], sys.len[k] = 0.0, cell[k, k]
        lib.pel_system_wrap(sys)
        return sp

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        n = len(self.atoms)
        sp = self._system(self.atoms)
        err, cp = new_error(), ffi.new("pel_calc **")
        try:
            check(lib.pel_calc_new(cp, self._pot[0], sp[0], 0.0, self.threads, err), err)
            f = np.zeros((n, 3))
            e_atom = np.zeros(n)
            out = ffi.new("pel_forces *")
            out.f = ffi.from_buffer("double[]", f)
            out.e_atom = ffi.from_buffer("double[]", e_atom)
            check(lib.pel_calc_compute(cp[0], sp[0], out, err), err)
            V = lib.pel_system_volume(sp[0])
            w = list(out.virial)  # sum r_ij (x) f_ij: xx yy zz xy xz yz, eV
        finally:
            lib.pel_calc_free(cp)
            lib.pel_system_free(sp)
        self.results["energy"] = self.results["free_energy"] = out.energy
        self.results["energies"] = e_atom
        self.results["forces"] = f
        # ASE stress (Voigt xx yy zz yz xz xy) = -virial / V (LAMMPS' pressure without kinetic part)
        self.results["stress"] = -np.array([w[0], w[1], w[2], w[5], w[4], w[3]]) / V


def read_data(path, elements=None):
    """A LAMMPS data file (atom_style atomic) read by pel's reader, as ASE
    Atoms: symbols from `elements` ("Cu,Zr" or a list, in type order) or the
    file's Masses comments ("1 63.546 # Cu"); positions as in the file,
    velocities (Å/ps in the file) as ASE momenta, LAMMPS ids in the "id" array."""
    if elements is not None and not isinstance(elements, str):
        elements = ",".join(elements)
    err, sp = new_error(), ffi.new("pel_system **")
    check(lib.pel_system_read_data(path_bytes(path), ffi.NULL if elements is None else elements.encode(),
                                   sp, err), err)
    try:
        sys = sp[0]
        n = sys.n
        names = [ffi.string(sys.elem[t]).decode() for t in range(sys.ntypes)]
        if not all(names):
            raise ValueError(f"pel.read_data: {path}: element of type {names.index('') + 1} unknown"
                             " (Masses comment like '1 63.546 # Cu', or elements='Cu,Zr')")
        types = np.frombuffer(ffi.buffer(sys.type, n * ffi.sizeof("int")), dtype=np.intc)
        x = np.frombuffer(ffi.buffer(sys.x, 3 * n * 8), dtype=float).reshape(n, 3)
        lo, length = np.array(list(sys.lo)), np.array(list(sys.len))
        atoms = Atoms([names[t] for t in types], positions=x - lo, cell=np.diag(length), pbc=True)
        atoms.set_masses([sys.mass[t] for t in types])
        atoms.set_array("id", np.frombuffer(ffi.buffer(sys.id, n * 8), dtype=np.int64).copy())
        if sys.has_velocities:
            from ase.units import fs
            v = np.frombuffer(ffi.buffer(sys.v, 3 * n * 8), dtype=float).reshape(n, 3)
            atoms.set_velocities(v / (1000 * fs))  # Å/ps -> ASE velocity units
        return atoms
    finally:
        lib.pel_system_free(sp)
