#!/usr/bin/env python3
"""Generate the independent high-precision reference vectors for hedge-math.

Every input is first rounded to an I80F48 value (a multiple of 2^-48) and written as
its exact decimal expansion, so the Rust side parses bit-identical inputs. References
are computed with mpmath at 50 significant digits from the closed-form formulas.

    pip install mpmath==1.3.0
    python3 scripts/gen_vectors.py            # rewrites programs/hedge-math/tests/data/*.csv

The output is committed; the Rust tests only read it.
"""
import csv
import os
import random
from decimal import Decimal, getcontext

import mpmath as mp

mp.mp.dps = 50
getcontext().prec = 120
FRAC = 2**48
OUT = os.path.join(os.path.dirname(__file__), "..", "programs", "hedge-math", "tests", "data")
SEED = 20261122
N_BS = 4000
N_PRIM = 1500


def q48(x):
    """Round x to the nearest I80F48 and return (mpf value, exact decimal string)."""
    bits = int(mp.nint(mp.mpf(x) * FRAC))
    exact = Decimal(bits) / Decimal(FRAC)
    return mp.mpf(bits) / FRAC, format(exact.normalize(), "f")


def fmt(v):
    return mp.nstr(v, 30) if v != 0 else "0"


def bsm(kind, s, k, vol, t, r, q):
    sq = mp.sqrt(t)
    d1 = (mp.log(s / k) + (r - q + vol**2 / 2) * t) / (vol * sq)
    d2 = d1 - vol * sq
    dq, dr = mp.exp(-q * t), mp.exp(-r * t)
    pdf = mp.npdf(d1)
    gamma = dq * pdf / (s * vol * sq)
    vega = s * dq * pdf * sq
    decay = -s * dq * pdf * vol / (2 * sq)
    if kind == "call":
        price = s * dq * mp.ncdf(d1) - k * dr * mp.ncdf(d2)
        delta = dq * mp.ncdf(d1)
        theta = decay - r * k * dr * mp.ncdf(d2) + q * s * dq * mp.ncdf(d1)
    else:
        price = k * dr * mp.ncdf(-d2) - s * dq * mp.ncdf(-d1)
        delta = -dq * mp.ncdf(-d1)
        theta = decay + r * k * dr * mp.ncdf(-d2) - q * s * dq * mp.ncdf(-d1)
    return price, delta, gamma, vega, theta


def log_uniform(rng, lo, hi):
    return mp.exp(rng.uniform(float(mp.log(lo)), float(mp.log(hi))))


def bs_rows(rng):
    hour = mp.mpf(1) / (365 * 24)
    corners = []
    for s in (0.1, 200000):
        for m in (0.5, 2):
            for vol in (0.05, 2.5):
                for t in (hour, 2):
                    corners.append((s, s * m, vol, t, 0.15, -0.05))
                    corners.append((s, s * m, vol, t, -0.02, 0.12))
    for i in range(N_BS):
        if i < len(corners):
            s, k, vol, t, r, q = corners[i]
        else:
            s = log_uniform(rng, 0.1, 200000)
            k = s * rng.uniform(0.5, 2.0)
            vol = rng.uniform(0.05, 2.5)
            t = log_uniform(rng, hour, 2)
            r = rng.uniform(-0.02, 0.15)
            q = rng.uniform(-0.05, 0.12)
        vals = [q48(x) for x in (s, k, vol, t, r, q)]
        kind = "call" if i % 2 == 0 else "put"
        out = bsm(kind, *[v for v, _ in vals])
        yield [kind] + [txt for _, txt in vals] + [fmt(x) for x in out]


def prim_rows(rng):
    fns = {
        "exp": (lambda: rng.uniform(-34, 54), mp.exp),
        "ln": (lambda: log_uniform(rng, mp.mpf(2) ** -40, mp.mpf(10) ** 20), mp.log),
        "sqrt": (lambda: log_uniform(rng, mp.mpf(2) ** -40, mp.mpf(10) ** 20), mp.sqrt),
        "cbrt": (lambda: log_uniform(rng, mp.mpf(2) ** -40, mp.mpf(10) ** 20), mp.cbrt),
        "pdf": (lambda: rng.uniform(-12, 12), mp.npdf),
        "cdf": (lambda: rng.uniform(-12, 12), mp.ncdf),
    }
    for name, (draw, f) in fns.items():
        for _ in range(N_PRIM):
            x, txt = q48(draw())
            yield [name, txt, fmt(f(x))]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(SEED)
    with open(os.path.join(OUT, "bs_vectors.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "spot", "strike", "vol", "t_years", "r", "q",
                    "price", "delta", "gamma", "vega", "theta"])
        for n, row in enumerate(bs_rows(rng)):
            w.writerow(row)
            if n % 1000 == 999:
                print(f"bs_vectors: {n + 1}/{N_BS}")
    with open(os.path.join(OUT, "primitives.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["func", "x", "y"])
        for row in prim_rows(rng):
            w.writerow(row)
    print(f"primitives: {6 * N_PRIM} rows")


if __name__ == "__main__":
    main()
