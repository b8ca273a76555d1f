#!/usr/bin/env python3
"""Check how many truncated (Q31) Horner steps each `hedge_math` kernel can afford.

`q62::horner_small::<N, FAST>` multiplies the first FAST steps with operands truncated to
Q31 (one native 64-bit product on sBPF) and the rest exactly in Q62. This script emulates
that integer arithmetic bit for bit with the committed tables (programs/hedge-math/src/
tables.rs) and prints, for every FAST, the worst error against mpmath in I80F48 ulps
(2^-48), over random points of each kernel's domain. primitives.rs uses the largest FAST
that keeps the kernel within one ulp (docs/accuracy.md has the figures).

    python3 scripts/q62_steps.py      # about a minute
"""
import os
import random
import re

import mpmath as mp

mp.mp.dps = 30
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = open(os.path.join(ROOT, "programs/hedge-math/src/tables.rs")).read()
ONE = 1 << 62


def table(name):
    body = SRC.split(f"pub static {name}")[1].split("\n];")[0]
    return [[int(v) for v in row.split(",") if v.strip()] for row in re.findall(r"\[([-\d, ]+)\]", body)]


def mul(a, b):  # q62::mul_small: round to nearest
    return (a * b + (1 << 61)) >> 62


def horner(x, coeffs, fast):  # q62::horner_small
    acc = coeffs[0]
    for i, c in enumerate(coeffs[1:]):
        acc = ((acc >> 31) * (x >> 31) if i < fast else mul(acc, x)) + c
    return acc


def worst(points, f, exact, label, fast_range, used):
    for fast in fast_range:
        w = max(abs(mp.mpf(f(p, fast)) - exact(p)) * mp.power(2, 48) for p in points)
        mark = "  <- used" if fast == used else ""
        print(f"{label}: {fast} truncated steps, worst {mp.nstr(w, 3)} ulp{mark}")


random.seed(7)
# Normal tail and density: x in [0, 8.5), centres j/64, degree 5 (6 coefficients).
tail, pdf = table("NORM_TAIL_Q62"), table("NORM_PDF_Q62")
xs = [random.randrange(0, 17 << 47) for _ in range(4000)]


def norm(rows):
    def f(xb, fast):
        j = (xb + (1 << 41)) >> 42
        v = horner((xb - (j << 42)) << 14, rows[j], fast)
        return max((v + (1 << 13)) >> 14, 0) / mp.power(2, 48)
    return f


to_x = lambda xb: mp.mpf(xb) / mp.power(2, 48)
worst(xs, norm(tail), lambda xb: mp.erfc(to_x(xb) / mp.sqrt(2)) / 2, "normal tail", range(0, 5), 3)
worst(xs, norm(pdf), lambda xb: mp.npdf(to_x(xb)), "normal pdf", range(0, 5), 3)

# exp: 2^(j/256)·e^r for |r| ≤ ln2/512, relative to the Q62 result (ulps of 2^-48).
poly = table("EXP_POLY_Q62")
lim = float(mp.log(2) / 512)
rs = [(random.randrange(256), int(random.uniform(-lim, lim) * 2**62)) for _ in range(4000)]
worst(rs, lambda p, fast: mp.mpf(horner(p[1], poly[p[0]], fast)) / ONE,
      lambda p: mp.power(2, mp.mpf(p[0]) / 256) * mp.exp(mp.mpf(p[1]) / ONE), "exp", range(0, 4), 2)

# ln(1 + r) = r·(1 − r/2 + r²/3 − r³/4) for |r| ≤ 1/2048.
ln1p = [-ONE // 4, ONE // 3, -ONE // 2, ONE]
rs = [random.randrange(-(1 << 51), 1 << 51) for _ in range(4000)]
worst(rs, lambda r, fast: mp.mpf(mul(horner(r, ln1p, fast), r)) / ONE,
      lambda r: mp.log(1 + mp.mpf(r) / ONE), "ln(1+r)", range(0, 4), 2)
