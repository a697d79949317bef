"""test_fit.py - fits from Python against samples drawn (by numpy, not pel)
from known parameters of eq. 3 and eq. 5, and catalog reading against the
rows of a committed sample file counted here."""
import csv
import math

import numpy as np
import pytest

import pel

TRUE = {"W": 0.3, "m": 1.0, "eA": 0.5, "s": 0.49, "eR": 0.3}


def draw_EA(rng, n, W, m, eA, s):
    """eq. 3: M1 exponential with probability W, else E e^{-(E-m)^2/2s^2} on E >= 0
    by rejection from a normal proposal (acceptance E / bound)."""
    out = []
    bound = m + 8 * s
    while len(out) < n:
        if rng.random() < W:
            out.append(rng.exponential(eA))
            continue
        while True:  # an M2 draw: retry until accepted
            y = rng.normal(m, s)
            if 0.0 <= y <= bound and rng.random() * bound < y:
                out.append(y)
                break
    return np.array(out)


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(20170601)
    EA = draw_EA(rng, 3000, TRUE["W"], TRUE["m"], TRUE["eA"], TRUE["s"])
    ER = rng.exponential(TRUE["eR"], size=EA.size)
    return EA, ER


def test_fit_recovers_known_parameters(sample):
    EA, ER = sample
    r = pel.fit(EA, ER)
    assert r["n"] == r["n_R"] == EA.size
    for k in ("W", "m", "eR"):
        p = r[k]
        assert p["se"] > 0 and abs(p["value"] - TRUE[k]) < 4 * p["se"], (k, p)
    # eq. 5's MLE is the mean, with standard error e_R / sqrt(n)
    assert r["eR"]["value"] == pytest.approx(ER.mean(), rel=1e-12)
    assert r["eR"]["se"] == pytest.approx(ER.mean() / math.sqrt(ER.size), rel=1e-3)
    assert r["eA"]["value"] == 0.5 and r["eA"]["se"] == 0.0
    assert r["ks_p"] > 1e-3


def test_fit_catalog_file_equals_array_fit(sample, tmp_path):
    EA, ER = sample
    path = tmp_path / "events.csv"
    with open(path, "w") as f:
        f.write("# E_IS_eV_per_atom=-4.7\nsearch_id,status,EA_eV,ER_eV\n")
        for i, (a, r) in enumerate(zip(EA, ER)):
            f.write(f"{i},converged,{a!r},{r!r}\n")
        f.write(f"{EA.size},lost_curvature,,\n")
    ev = pel.read_catalog(path)
    assert ev["n_rows"] == EA.size + 1 and ev["n_skipped"] == 1
    np.testing.assert_array_equal(ev["EA"], EA)
    rf, ra = pel.fit_catalog(path, bootstrap=5, seed=3), pel.fit(EA, ER, bootstrap=5, seed=3)
    assert rf["E_IS_eV_per_atom"] == -4.7
    for k in ("W", "m", "eR"):
        assert rf[k] == ra[k]
    assert ra["n_boot_ok"] == 5 and ra["W"]["ci_lo"] < ra["W"]["value"] < ra["W"]["ci_hi"]


def test_read_committed_catalog(source_dir):
    path = f"{source_dir}/tests/data/fit_catalog_a.csv"
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    conv = [r for r in rows if r["status"] == "converged"]
    ev = pel.read_catalog(path)
    assert ev["n_rows"] == len(rows) and ev["n_skipped"] == len(rows) - len(conv)
    np.testing.assert_array_equal(ev["EA"], [float(r["EA_eV"]) for r in conv])
    assert ev["n_atoms"] == 2000 and ev["E_IS_eV_per_atom"] == -4.65


def test_fit_errors():
    with pytest.raises(pel.PelError, match="20"):
        pel.fit([0.5] * 5)
    with pytest.raises(pel.PelError):
        pel.read_catalog("/nonexistent/events.csv")
