#!/usr/bin/env python3
"""peer_radau.py - SciPy Radau peer for bench_evolve (issue 2 item 7).

Integrates the same equation dE/dT = nu Z D / q (paper eqs. 1-2, docs/theory.md §3-5)
for the five cooling curves 2000 K -> 100 K at 1e13..1e9 K/s with
scipy.integrate.solve_ivp(method="Radau", rtol=1e-10, atol=1e-12), output at
every 1 K, and prints the CPU time and E(100 K) of each, for comparison with
bench_evolve's numbers (speed ratio and an independent check of the final E).
Z is the closed form of docs/theory.md §3 written out here independently of libpel
(erfcx continued fraction for the large-u region).

Needs python3-scipy (Debian), which is NOT a pel dependency: install it by
hand for the measurement (apt-get install python3-scipy) and run
    /usr/bin/python3 bench/peer_radau.py [data/materials/cu56zr44.ini]
"""
import configparser
import math
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq
from scipy.special import erfc

KB = 8.617333262e-5  # eV/K


def load(path):
    cp = configparser.ConfigParser(inline_comment_prefixes=(";",))
    cp.read(path)
    return {k: float(v) for sec in cp.sections() if sec != "material" for k, v in cp[sec].items()}


def log_bracket(u):
    """ln(1 - sqrt(pi) u erfcx(u)), u > 0, without cancellation for large u."""
    if u < 2.0:
        return math.log(1.0 - math.sqrt(math.pi) * u * math.exp(u * u) * erfc(u))
    t = 0.0  # erfc continued fraction: sqrt(pi) erfcx(u) = 1/(u + t)
    for k in range(80, 0, -1):
        t = (k / 2.0) / (u + t)
    return math.log(t / (u + t))


def log_I1(mu, s):
    if mu >= 0.0:
        return math.log(s * s * math.exp(-mu * mu / (2 * s * s))
                        + mu * s * math.sqrt(math.pi / 2) * erfc(-mu / (s * math.sqrt(2))))
    return 2 * math.log(s) - mu * mu / (2 * s * s) + log_bracket(-mu / (s * math.sqrt(2)))


def rate(p, E, T):
    """dE/dt = nu Z D, eV/atom/s."""
    W = p["w_inf"] + (p["w_top"] - p["w_inf"]) / (1 + math.exp(-(E - p["w_e0"]) / p["w_de"]))
    m = p["m_0"] + p["m_slope"] * (p["m_e0"] - E)
    s, eA, kT = p["s"], p["ea"], KB * T
    a = math.log(W) + math.log(kT / (kT + eA))
    b = (math.log1p(-W) - m / kT + s * s / (2 * kT * kT) + log_I1(m - s * s / kT, s) - log_I1(m, s))
    mx = max(a, b)
    lz = mx + math.log(math.exp(a - mx) + math.exp(b - mx))
    lnu = math.log(p["nu0_per_s"]) + p["s_e"] * (E - p["s_e0"]) + p["s_t"] * (1 - p["s_t0"] / T)
    return math.exp(lnu + lz) * (-kT * lz - p["er"])


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "data/materials/cu56zr44.ini"
    p = load(path)
    def Dfun(E, T):
        kT = KB * T
        W = p["w_inf"] + (p["w_top"] - p["w_inf"]) / (1 + math.exp(-(E - p["w_e0"]) / p["w_de"]))
        m = p["m_0"] + p["m_slope"] * (p["m_e0"] - E)
        s, eA = p["s"], p["ea"]
        a = math.log(W) + math.log(kT / (kT + eA))
        b = (math.log1p(-W) - m / kT + s * s / (2 * kT * kT) + log_I1(m - s * s / kT, s) - log_I1(m, s))
        mx = max(a, b)
        return -kT * (mx + math.log(math.exp(a - mx) + math.exp(b - mx))) - p["er"]

    E0 = brentq(Dfun, p["e_lo"], p["e_hi"], xtol=1e-14, rtol=1e-15, args=(2000.0,))
    print(f"peer_radau: E_eq(2000 K) = {E0:.12f} eV/atom")
    total = 0.0
    for q in (1e13, 1e12, 1e11, 1e10, 1e9):
        f = lambda T, y: [rate(p, y[0], T) / -q]  # noqa: E731  T decreasing: dT/dt = -q
        t0 = time.process_time()
        sol = solve_ivp(f, (2000.0, 100.0), [E0], method="Radau", rtol=1e-10, atol=1e-12,
                        t_eval=np.arange(1999.0, 99.5, -1.0))
        dt = time.process_time() - t0
        total += dt
        print(f"  {q:.0e} K/s: Radau {1e3 * dt:8.1f} ms, {sol.nfev:6d} RHS, E(100 K) = {sol.y[0][-1]:.10f}"
              f"  ({sol.message})")
    print(f"  five cooling curves: {1e3 * total:.1f} ms")


if __name__ == "__main__":
    main()
