"""test_calculator.py - the ASE calculator against LAMMPS `run 0` on
tests/data/cuzr64.data (energy, per-atom forces, the virial pressure tensor),
and against finite differences of its own energy (forces, stress)."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

ase_io = pytest.importorskip("ase.io")
from pel.calculator import DEFAULT_POTENTIAL, EAM  # noqa: E402

import pel  # noqa: E402

NKTV2P = 1.6021765e6  # eV/Å^3 -> bar (LAMMPS metal units)


@pytest.fixture
def atoms(source_dir, tmp_path):
    # ASE 3.22 reads "atoms" in the title line as the atom count: drop the title
    with open(f"{source_dir}/tests/data/cuzr64.data") as f:
        text = f.read().split("\n", 1)[1]
    path = tmp_path / "cuzr64.data"
    path.write_text("pel test sample\n" + text)
    a = ase_io.read(path, format="lammps-data", style="atomic", units="metal", Z_of_type={1: 29, 2: 40})
    a.calc = EAM()
    return a


@pytest.mark.skipif(shutil.which("lmp") is None, reason="LAMMPS (lmp) not installed")
def test_equals_lammps(atoms, source_dir, tmp_path):
    data = f"{source_dir}/tests/data/cuzr64.data"
    (tmp_path / "in.lmp").write_text(f"""units metal
atom_style atomic
read_data {data}
pair_style eam/fs
pair_coeff * * {DEFAULT_POTENTIAL} Cu Zr
compute pv all pressure NULL virial
thermo_style custom step pe c_pv[1] c_pv[2] c_pv[3] c_pv[4] c_pv[5] c_pv[6]
dump d all custom 1 f.dump id fx fy fz
dump_modify d format float %.17g sort id
run 0
print "$(pe:%.17g) $(c_pv[1]:%.17g) $(c_pv[2]:%.17g) $(c_pv[3]:%.17g) $(c_pv[4]:%.17g) $(c_pv[5]:%.17g) $(c_pv[6]:%.17g)" file e.txt screen no
""")
    subprocess.run(["lmp", "-in", "in.lmp", "-log", "none", "-screen", "none", "-nocite"], cwd=tmp_path, check=True)
    vals = [float(v) for v in (tmp_path / "e.txt").read_text().split()]
    pe, p = vals[0], np.array(vals[1:])  # p: xx yy zz xy xz yz, bar
    f_lmp = np.loadtxt(tmp_path / "f.dump", skiprows=9)
    ids = atoms.get_array("id")
    f_lmp = f_lmp[np.argsort(f_lmp[:, 0])]
    assert np.array_equal(f_lmp[:, 0].astype(int), np.sort(ids))
    n = len(atoms)
    assert atoms.get_potential_energy() == pytest.approx(pe, abs=1e-9 * n)
    np.testing.assert_allclose(atoms.get_forces(), f_lmp[ids - 1, 1:], rtol=0, atol=1e-8)
    assert atoms.get_potential_energies().sum() == pytest.approx(pe, abs=1e-9 * n)
    # ASE stress (xx yy zz yz xz xy) is minus the virial pressure
    want = -p[[0, 1, 2, 5, 4, 3]] / NKTV2P
    np.testing.assert_allclose(atoms.get_stress(), want, rtol=0, atol=0.1 / NKTV2P)


def test_forces_and_stress_are_energy_derivatives(atoms):
    f = atoms.get_forces()
    stress = atoms.get_stress(voigt=False)
    h = 1e-5
    for i, k in [(0, 0), (5, 1), (63, 2)]:
        e = []
        for d in (h, -h):
            b = atoms.copy()
            b.calc = atoms.calc
            b.positions[i, k] += d
            e.append(b.get_potential_energy())
        assert -(e[0] - e[1]) / (2 * h) == pytest.approx(f[i, k], abs=1e-6)
    # diagonal stress = (1/V) dE/d(strain); shear needs a tilted cell, which the
    # engine does not take: the LAMMPS test covers the off-diagonal terms
    V, cell0 = atoms.get_volume(), np.array(atoms.cell)
    for k in range(3):
        e = []
        for d in (h, -h):
            b = atoms.copy()
            b.calc = atoms.calc
            eps = np.eye(3)
            eps[k, k] += d
            b.set_cell(cell0 @ eps, scale_atoms=True)
            e.append(b.get_potential_energy())
        assert (e[0] - e[1]) / (2 * h) / V == pytest.approx(stress[k, k], rel=1e-6)


def test_refuses_what_it_cannot_do(atoms):
    from ase.calculators.calculator import PropertyNotImplementedError
    b = atoms.copy()
    b.calc = EAM()
    b.symbols[0] = "Ni"
    with pytest.raises(ValueError, match="Ni"):
        b.get_potential_energy()
    c = atoms.copy()
    c.calc = EAM()
    c.set_cell(np.array(atoms.cell) + np.array([[0, 0.5, 0], [0, 0, 0], [0, 0, 0]]))
    with pytest.raises(PropertyNotImplementedError, match="orthorhombic"):
        c.get_potential_energy()
    with pytest.raises(pel.PelError):
        EAM(potential=os.devnull + "/none.eam.fs")


def test_read_data_equals_ase_reader(atoms, source_dir):
    from pel.calculator import read_data
    b = read_data(f"{source_dir}/tests/data/cuzr64.data")
    assert b.get_chemical_symbols() == atoms.get_chemical_symbols()
    np.testing.assert_array_equal(b.get_array("id"), atoms.get_array("id"))
    np.testing.assert_allclose(b.positions, atoms.positions, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.cell, atoms.cell, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.get_velocities(), atoms.get_velocities(), rtol=1e-7, atol=1e-12)
    b.calc = EAM()
    assert b.get_potential_energy() == atoms.get_potential_energy()


def test_threaded_calculator_exits_cleanly(source_dir):
    """A force call on two OpenMP threads, then interpreter exit: the process
    ends with status 0 (it used to segfault when cffi closed libpel at shutdown
    under the OpenMP worker threads)."""
    code = ("from pel.calculator import EAM, read_data\n"
            f"a = read_data({source_dir + '/tests/data/cuzr64.data'!r})\n"
            "a.calc = EAM(threads=2)\n"
            "print(a.get_potential_energy())\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(pel.__file__)))
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.returncode, r.stderr[-500:])
    from pel.calculator import read_data
    a = read_data(f"{source_dir}/tests/data/cuzr64.data")
    a.calc = EAM(threads=1)
    assert float(r.stdout.split()[-1]) == pytest.approx(a.get_potential_energy(), abs=1e-9)
