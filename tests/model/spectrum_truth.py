#!/usr/bin/env python3
"""spectrum_truth.py - high-precision truth for the spectrum closed form
(docs/theory.md §2-3), independent of the C code: Python `decimal` at 60+ digits.

Writes tests/model/spectrum_truth.csv with two kinds of rows:
  F,u,lnF            ln F(u), F(u) = 1 - sqrt(pi) u erfcx(u)  (the M2 bracket)
  Z,W,m,T,lnZ,EA     ln Z and the mean barrier for s = 0.49, e_A = 0.5 eV
Inputs are the exact binary doubles the C test passes; kT is the double
product k*T, as in C.

erfc(x) is evaluated two independent ways:
  x <= 6: erfc = 1 - erf, erf = 2/sqrt(pi) e^{-x^2} sum 2^n x^(2n+1)/(2n+1)!!
          (all terms positive; working precision grows with x^2)
  x > 4:  Laplace continued fraction sqrt(pi) e^{x^2} erfc(x) =
          1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), depth doubled until
          the value changes by < 1e-45 relative
and the script checks they agree on the overlap 4 < x <= 6.
Run:  python3 tests/model/spectrum_truth.py > tests/model/spectrum_truth.csv
"""
import decimal
from decimal import Decimal as D

decimal.getcontext().prec = 80
decimal.getcontext().Emax = 10**9
decimal.getcontext().Emin = -10**9

K_B = 8.617333262e-5  # eV/K, same double as PEL_KB_EV_PER_K
S = 0.49
EA = 0.5


def pi():
    """pi to the current precision (decimal module recipe)."""
    decimal.getcontext().prec += 2
    three = D(3)
    lasts, t, s, n, na, d, da = 0, three, 3, 1, 0, 0, 24
    while s != lasts:
        lasts = s
        n, na = n + na, na + 8
        d, da = d + da, da + 32
        t = (t * n) / d
        s += t
    decimal.getcontext().prec -= 2
    return +s


PI = pi()
SQRT_PI = PI.sqrt()


def erfc_series(x):
    """erfc(x), x >= 0, via 1 - erf with a positive-term series."""
    ctx = decimal.getcontext().copy()
    ctx.prec = 80 + int(float(x) ** 2 / 2.3) + 10
    with decimal.localcontext(ctx):
        x = D(x)
        if x == 0:
            return D(1)
        x2 = x * x
        term = x
        tot = x
        n = 0
        while True:
            n += 1
            term = term * 2 * x2 / (2 * n + 1)
            tot += term
            if term < tot * D(10) ** (-ctx.prec):
                break
        erf = 2 / SQRT_PI * (-x2).exp() * tot
        return +(1 - erf)


def cf_ratio(x, depth):
    """sqrt(pi) e^{x^2} erfc(x) by the Laplace continued fraction."""
    x = D(x)
    t = x
    for n in range(depth, 0, -1):
        t = x + (D(n) / 2) / t
    return 1 / t


def erfcx_sqrtpi(x):
    """sqrt(pi) e^{x^2} erfc(x) for x > 0, converged."""
    x = D(x)
    if x <= 4:
        return SQRT_PI * (x * x).exp() * erfc_series(x)
    depth = 64
    prev = cf_ratio(x, depth)
    while True:
        depth *= 2
        cur = cf_ratio(x, depth)
        if abs(cur - prev) <= abs(cur) * D(10) ** -45:
            return cur
        prev = cur


def bracket(u):
    """F(u) = 1 - sqrt(pi) u erfcx(u), any real u (u <= 0: no cancellation)."""
    u = D(u)
    if u > 0:
        if u <= 4:
            return 1 - u * erfcx_sqrtpi(u)
        # F = R/(u+R) with R the CF tail: compute from the ratio directly
        r = erfcx_sqrtpi(u)
        return 1 - u * r
    # u <= 0: erfc(u) = 2 - erfc(-u)
    v = -u
    erfc_u = 2 - erfc_series(v) if v <= 6 else 2 - erfcx_sqrtpi(v) / SQRT_PI / (v * v).exp()
    return 1 + v * SQRT_PI * (u * u).exp() * erfc_u


def ln_I1_times(mu, s):
    """ln of s^2 e^{-mu^2/2s^2} F(-mu/(s sqrt2)) = ln I1(mu, s)."""
    mu, s = D(mu), D(s)
    u = -mu / (s * D(2).sqrt())
    return -mu * mu / (2 * s * s) + 2 * s.ln() + bracket(u).ln()


def ln_Z(W, m, T):
    W, m = D(W), D(m)
    kT = D(K_B * T)  # the double product, as in C
    s, eA = D(S), D(EA)
    parts = []
    if W > 0:
        parts.append(W * kT / (kT + eA))
    if W < 1:
        mu = m - s * s / kT
        # e^C I1(mu) = e^{-m^2/2s^2} s^2 F(u) (docs/theory.md §3, completing the square)
        lnM2 = (1 - W).ln() + ln_I1_times(mu, s) + (-m / kT + s * s / (2 * kT * kT)) - ln_I1_times(m, s)
        parts.append(lnM2.exp())
    z = sum(parts)
    return z.ln(), kT


def check_overlap():
    for x in ("4.25", "5", "5.5", "6"):
        a = SQRT_PI * (D(x) ** 2).exp() * erfc_series(D(x))
        depth = 64
        prev = cf_ratio(D(x), depth)
        while True:
            depth *= 2
            cur = cf_ratio(D(x), depth)
            if abs(cur - prev) <= abs(cur) * D(10) ** -45:
                break
            prev = cur
        rel = abs(a - cur) / cur
        assert rel < D(10) ** -40, (x, rel)


def main():
    check_overlap()
    print("kind,a,b,c,lnvalue,EA_eV")
    us = []
    for e in range(-3, 5):
        for mant in (1.0, 1.5, 2.0, 3.0, 5.0, 7.0):
            us.append(mant * 10.0 ** e)
    us += [0.25, 0.75, 1.25, 2.5, 3.5, 4.5, 5.5, 6.5, 8.5, 9.5, 12.0, 15.0, 25.0, 40.0]
    us += [-0.5, -1.0, -2.0, -5.0, -10.0]
    for u in sorted(set(us)):
        if u > 2e4:
            continue
        print("F,%r,0,0,%s,0" % (u, format(bracket(u).ln(), ".25e")))
    for W in (0.0, 1e-6, 0.05, 0.5, 0.95, 1.0):
        for m in (-1.0, -0.3, 0.0, 0.7, 1.2, 2.0, 4.0, 10.0):
            for T in (1.0, 10.0, 50.0, 300.0, 760.0, 1500.0, 5000.0):
                lz, kT = ln_Z(W, m, T)
                ea = -kT * lz
                print("Z,%r,%r,%r,%s,%s" % (W, m, T, format(lz, ".25e"), format(ea, ".25e")))


if __name__ == "__main__":
    main()
