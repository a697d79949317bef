#!/usr/bin/env python3
"""make_fit_samples.py - regenerate the small sample catalogs used by
tests/fit/test_catalog_read.c and tests/cli/fit_*.sh (docs/fit.md).

Events are drawn from paper eq. 3 (E_A) and eq. 5 (E_R) with known
parameters, by the standard library's random module (independent of pel):
  fit_catalog_a.csv  pel art format, W=0.10 m=1.2 eV, E_IS=-4.65 eV/atom (comment)
  fit_catalog_b.csv  pel art format, W=0.06 m=1.5 eV, E_IS from E_initial/n_atoms
  fit_log.event      LAMMPS-ARTn log.event (min_artn.cpp, push-over, no pressure)
"""
import math
import random

EA_DECAY, S_WIDTH, E_R = 0.5, 0.49, 0.32


def draw_ea(rng, W, m):
    if rng.random() < W:
        return rng.expovariate(1.0 / EA_DECAY)
    B = max(m, 0.0) + 10 * S_WIDTH
    while True:
        y = rng.gauss(m, S_WIDTH)
        if 0.0 <= y <= B and rng.random() * B < y:
            return y


def pel_csv(path, seed, W, m, n_conv, n_fail, n_red, E0, comments):
    rng = random.Random(seed)
    rows = ["converged"] * n_conv + ["failed_basin"] * n_fail + ["redundant"] * n_red
    rng.shuffle(rows)
    with open(path, "w") as f:
        for c in comments:
            f.write(c + "\n")
        f.write("search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,"
                "eigenvalue_eV_per_A2,force_eV_per_A,force_calls,n_displaced,max_disp_A,wall_s\n")
        for k, st in enumerate(rows):
            center = k // 10
            if st == "failed_basin":
                f.write(f"{k},{center},{st},{E0:.6f},,,,,,,{rng.randint(100, 900)},,,0.5\n")
                continue
            ea = draw_ea(rng, W, m)
            er = rng.expovariate(1.0 / E_R)
            es = E0 + ea
            ef = es - er
            f.write(f"{k},{center},{st},{E0:.6f},{es:.6f},{ef:.6f},{ea:.6f},{er:.6f},"
                    f"{-rng.uniform(0.05, 2.0):.4f},{rng.uniform(0.01, 0.05):.4f},"
                    f"{rng.randint(100, 600)},{rng.randint(1, 30)},{rng.uniform(0.2, 1.5):.4f},0.5\n")


def artn_log(path, seed, W, m, n, eref):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("#  1       2        3       4      5      6       7       8       9    10   11      12     13"
                "        14        15      16       17    18\n")
        f.write("#Event   del-E   egv-sad   nsadl sad-dx sad-dy  sad-dz  sad-dr   ref  sad   min   center"
                "   Eref      Emin     nMove   Efinal    status dr\n")
        f.write("#" + "-" * 136 + "\n")
        ref = 0
        for k in range(1, n + 1):
            ea = draw_ea(rng, W, m)
            er = rng.expovariate(1.0 / E_R)
            emin = eref + ea - er
            acc = 0  # temperature 0: every new minimum rejected, reference kept
            f.write("%5d %9.6f %7.3f" % (k, ea, -rng.uniform(0.05, 2.0)))
            f.write(" %5d %7.2f %7.2f %7.2f %7.2f" % (rng.randint(1, 40), rng.uniform(0, 1), rng.uniform(0, 1),
                                                        rng.uniform(0, 1), rng.uniform(0.3, 1.7)))
            f.write(" %5d %4d %5d %7d %10.3f %10.3f" % (ref, k, k, rng.randint(1, 2000), eref, emin))
            f.write(" %5d" % rng.randint(1, 40))
            f.write(" %12.5f %2d %8.5f\n" % (eref, acc, rng.uniform(0.3, 2.0)))


if __name__ == "__main__":
    pel_csv("fit_catalog_a.csv", 1, 0.10, 1.2, 250, 30, 20, -9300.0,
            ["# pel art catalog (sample for tests)", "# E_IS_eV_per_atom=-4.65", "# n_atoms=2000"])
    pel_csv("fit_catalog_b.csv", 2, 0.06, 1.5, 200, 10, 0, -9400.0, ["# n_atoms=2000"])
    artn_log("fit_log.event", 3, 0.10, 1.2, 60, -9300.123)
