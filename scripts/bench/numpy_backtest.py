"""The hedging loop of `hedge-research throughput`, as a quant would write it in numpy:
vectorised across paths (scipy.special.ndtr for the normal CDF), sequential in time, the
paths generated beforehand; only the loop is timed.

Same model as the Rust paths (crates/research/src/backtest/fast.rs): one unit of
collateral, a one-year at-the-money protective put (Black-Scholes, r = q = 0), the
Whalley-Wilmott band (3/2 * lambda * S * Gamma^2 / gamma)^(1/3), fees and linear impact on
every trade, and the hedging error against the target book tracked at every step.

    python3 numpy_backtest.py --paths 1000 --steps 2000 [--json]
"""
import argparse
import json
import time

import numpy as np
from scipy.special import ndtr


def run(prices, dt, sigma, fee_bps, risk_aversion, depth):
    steps = prices.shape[0] - 1
    n = prices.shape[1]
    k = prices[0].copy()
    expiry = 1.0
    lam = fee_bps / 1e4
    fee = fee_bps / 1e4

    def book(s, t):
        tau = expiry - t
        vol = sigma * np.sqrt(tau)
        d1 = (np.log(s / k) + 0.5 * sigma * sigma * tau) / vol
        d2 = d1 - vol
        nmd1 = ndtr(-d1)
        value = s + (k * ndtr(-d2) - s * nmd1)
        delta = 1.0 - nmd1
        gamma = np.exp(-0.5 * d1 * d1) / np.sqrt(2.0 * np.pi) / (s * vol)
        return value, delta, gamma

    s = prices[0]
    v, delta, gamma = book(s, 0.0)
    offset = s - v
    h = delta * (s / s) - 1.0
    pnl = np.zeros(n)
    fees = np.zeros(n)
    impact = np.zeros(n)
    sum_e = np.zeros(n)
    sum_e2 = np.zeros(n)
    trades = np.zeros(n, dtype=np.int64)
    for i in range(steps):
        t = dt * i
        value = s + pnl - fees - impact
        nav_units = value / s
        target = nav_units + (delta - 1.0)
        band = np.cbrt(1.5 * lam * s * gamma * gamma / risk_aversion)
        gap = target - (1.0 + h)
        due = np.abs(gap) > band
        trade = np.where(due, gap, 0.0)
        fees += np.abs(trade) * s * fee
        impact += trade * trade * s / depth
        h += trade
        trades += due
        s1 = prices[i + 1]
        pnl += h * (s1 - s)
        v, delta, gamma = book(s1, t + dt)
        err = s1 + pnl - fees - impact - (v + offset)
        sum_e += err
        sum_e2 += err * err
        s = s1
    return trades.sum(), fees.sum()


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--paths", type=int, default=1000)
    a.add_argument("--steps", type=int, default=2000)
    a.add_argument("--sigma", type=float, default=0.8)
    a.add_argument("--fee-bps", type=float, default=5.0)
    a.add_argument("--risk-aversion", type=float, default=1.0)
    a.add_argument("--json", action="store_true")
    args = a.parse_args()
    dt = 1.0 / 24.0 / 365.0
    rng = np.random.default_rng(7)
    z = rng.standard_normal((args.steps, args.paths))
    logs = np.cumsum(-0.5 * args.sigma ** 2 * dt + args.sigma * np.sqrt(dt) * z, axis=0)
    prices = 100.0 * np.exp(np.vstack([np.zeros((1, args.paths)), logs]))
    t0 = time.perf_counter()
    trades, _ = run(prices, dt, args.sigma, args.fee_bps, args.risk_aversion, 1e9)
    many = args.paths * args.steps / (time.perf_counter() - t0)
    one_steps = min(args.steps, 2000)
    t0 = time.perf_counter()
    run(prices[: one_steps + 1, :1], dt, args.sigma, args.fee_bps, args.risk_aversion, 1e9)
    one = one_steps / (time.perf_counter() - t0)
    out = {"paths": args.paths, "steps": args.steps, "numpy_all_paths": many, "numpy_single_path": one, "trades": int(trades)}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"numpy: {many / 1e6:.2f} M steps/s over {args.paths} paths, {one / 1e6:.4f} M steps/s on one path ({trades} trades)")


if __name__ == "__main__":
    main()
