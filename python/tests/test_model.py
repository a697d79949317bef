"""test_model.py - the model from Python against independent truths: the
barrier and the spectrum against numpy quadrature of eq. 3, the equilibrium
line against D = 0 evaluated by quadrature from the material's forms
(docs/material.md), T_c as the edge of existence, a protocol run against the
pel program's CSV and against its own E(T) slope."""
import csv
import io
import math
import re
import subprocess

import numpy as np
import pytest

import pel

KB = 8.617333262e-5  # eV/K, include/pel/util.h


def log_I1(mu, s):
    return math.log(s * s * math.exp(-mu * mu / (2 * s * s)) + mu * s * math.sqrt(math.pi / 2)
                    * math.erfc(-mu / (s * math.sqrt(2))))


def pdf_numpy(EA, W, m, eA, s):
    """eq. 3 written out: W/eA e^{-E/eA} + (1-W)/I1(m,s) E e^{-(E-m)^2/(2s^2)}."""
    return W / eA * np.exp(-EA / eA) + (1 - W) * np.exp(-log_I1(m, s)) * EA * np.exp(-(EA - m) ** 2 / (2 * s * s))


def simpson(y, h):
    """Composite Simpson rule on an odd number of equally spaced points."""
    return float(h / 3 * (y[0] + y[-1] + 4 * np.sum(y[1:-1:2]) + 2 * np.sum(y[2:-1:2])))


def Z_quad(W, m, T, eA=0.5, s=0.49):
    """Z(T) = int_0^inf P(E_A) e^{-E_A/kT} dE_A by Simpson's rule on a fine grid."""
    x = np.linspace(0.0, max(m, 0.0) + 30 * s + 40 * eA, 400_001)
    y = pdf_numpy(x, W, m, eA, s) * np.exp(-x / (KB * T))
    return simpson(y, x[1] - x[0])


def test_version(source_dir):
    with open(f"{source_dir}/CMakeLists.txt") as f:
        want = re.search(r"project\(pel VERSION ([0-9.]+)", f.read()).group(1)
    assert pel.version() == want == pel.__version__


@pytest.mark.parametrize("W,m,T", [(0.05, 1.2, 760.0), (0.5, 0.3, 300.0), (1.0, 2.0, 1500.0), (0.0, -0.5, 2000.0)])
def test_barrier_against_quadrature(W, m, T):
    Z, EA = pel.barrier(W, m, T)
    Zq = Z_quad(W, m, T)
    assert Z == pytest.approx(Zq, rel=1e-8)
    assert EA == pytest.approx(-KB * T * math.log(Zq), rel=1e-8)


def test_barrier_array_shape():
    T = np.array([[300.0, 600.0], [900.0, 1200.0]])
    Z, EA = pel.barrier(0.1, 1.0, T)
    assert Z.shape == EA.shape == T.shape
    assert EA[1, 1] == pytest.approx(pel.barrier(0.1, 1.0, 1200.0)[1], rel=0, abs=0)


def test_spectrum_modes_and_normalisation():
    W, m, eA, s = 0.2, 1.1, 0.5, 0.49
    x = np.linspace(0.0, 25.0, 50_001)
    pdf, m1, m2 = pel.spectrum(x, W, m, eA, s)
    np.testing.assert_allclose(m1, W / eA * np.exp(-x / eA), rtol=1e-12, atol=0)
    np.testing.assert_allclose(pdf, pdf_numpy(x, W, m, eA, s), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(pdf, m1 + m2, rtol=1e-14)
    assert simpson(pdf, x[1] - x[0]) == pytest.approx(1.0, abs=1e-9)


def test_equilibrium_is_the_zero_of_D():
    mat = pel.Material.preset("cu56zr44-paper")
    T = np.array([900.0, 1200.0, 2000.0])
    E = pel.equilibrium(mat, T)
    assert E.shape == T.shape and np.all(np.isfinite(E))
    for Ei, Ti in zip(E, T):
        # W(E), m(E) from the forms of docs/material.md, then eq. 4 by quadrature
        W = mat.W_inf + (mat.W_top - mat.W_inf) / (1 + math.exp(-(Ei - mat.W_E0) / mat.W_dE))
        m = mat.m_0 + mat.m_slope * (mat.m_E0 - Ei)
        assert mat.W(Ei) == pytest.approx(W, rel=1e-14) and mat.m(Ei) == pytest.approx(m, rel=1e-14)
        EA_mean = -KB * Ti * math.log(Z_quad(W, m, Ti, mat.eA, mat.s))
        assert EA_mean - mat.eR == pytest.approx(0.0, abs=1e-8)
        assert pel.D(mat, Ei, Ti) == pytest.approx(0.0, abs=1e-10)


def test_tc_is_the_edge_of_the_equilibrium_line():
    mat = pel.Material.preset("cu56zr44-paper")
    Tc = pel.tc(mat)
    assert 300.0 < Tc < 2000.0
    below, above = pel.equilibrium(mat, [Tc * (1 - 1e-6), Tc * (1 + 1e-6)])
    assert math.isnan(below) and math.isfinite(above)


def test_run_matches_the_pel_program(pel_cli):
    mat = pel.Material.preset("cu56zr44-paper")
    proto = "eq@2000K; cool 300K@1e10K/s; heat 950K@1e12K/s; hold 1e-3 s"
    tr = pel.run(mat, proto)
    out = subprocess.run([pel_cli, "run", "--material", "cu56zr44-paper", "--protocol", proto, "--csv"],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(tr.E)
    cols = {"t_s": "t_s", "T_K": "T_K", "E": "E_eV_per_atom", "dEdt": "dEdt_eV_per_atom_s"}
    for key, col in cols.items():
        np.testing.assert_allclose(tr[key], [float(r[col]) for r in rows], rtol=1e-13, atol=1e-300)
    assert tr.segment[0] == -1 and tr.segment[-1] == 2
    # starts on the equilibrium line; dE/dT on the cooling ramp is the slope of E(T)
    assert tr.E[0] == pytest.approx(pel.equilibrium(mat, 2000.0), abs=1e-9)
    cool = np.flatnonzero(tr.segment == 0)
    slope = np.gradient(tr.E[cool], tr.T_K[cool])
    np.testing.assert_allclose(tr.dEdT[cool][1:-1], slope[1:-1], rtol=0, atol=2e-7)
    hold = tr.segment == 2
    assert np.all(np.isnan(tr.dEdT[hold])) and np.all(np.diff(tr.t_s) > 0)


def test_material_round_trip(tmp_path, source_dir):
    mat = pel.Material.preset("cu56zr44")
    assert pel.Material.load(f"{source_dir}/data/materials/cu56zr44.ini") == mat
    mat.eR = 0.31
    mat.name = "mine"
    mat.save(tmp_path / "mine.ini")
    back = pel.Material.load(tmp_path / "mine.ini")
    assert back == mat and back.eR == 0.31 and back.name == "mine"
    assert pel.Material(name="x", **{k: v for k, v in mat.as_dict().items() if k != "name"}).eR == 0.31


def test_errors_carry_the_library_message(tmp_path):
    with pytest.raises(pel.PelError) as e:
        pel.barrier(1.5, 1.0, 500.0)
    assert e.value.code == pel.lib.PEL_EINVAL and "W" in str(e.value)
    with pytest.raises(pel.PelError, match="protocol column"):
        pel.run(pel.Material.preset(), "eq@2000K; cool 3000K@1e10K/s")
    (tmp_path / "bad.ini").write_text("[spectrum]\nnot_a_key = 1\n")
    with pytest.raises(pel.PelError, match="bad.ini"):
        pel.Material.load(tmp_path / "bad.ini")
    with pytest.raises(pel.PelError):
        pel.Material.preset("no-such-glass")
    with pytest.raises(AttributeError):
        pel.Material().eRR = 1.0
