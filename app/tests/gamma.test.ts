import { describe, expect, it } from "vitest";
import { gammaScales } from "../src/features/vault/ui/GammaMap";
import type { GammaLevel } from "../src/features/simulation/data-access/sim";

const level = (price: number, trade: number, gamma: number): GammaLevel => ({
  move_frac: price / 100 - 1,
  price,
  net_delta: 0,
  target_delta: 0,
  band: 1,
  trade,
  trade_quote: trade * price,
  gamma_exposure: gamma,
});

describe("gamma map scales", () => {
  it("scales bars by the largest trade either way and keeps zero on the gamma axis", () => {
    const s = gammaScales([level(70, 12, -5), level(100, 0, -20), level(130, -30, -8)]);
    expect(s.maxTrade).toBe(30);
    expect(s.gLo).toBe(-20);
    expect(s.gHi).toBe(0);
  });

  it("never divides by zero on a flat map", () => {
    const s = gammaScales([level(90, 0, 0), level(110, 0, 0)]);
    expect(s.maxTrade).toBeGreaterThan(0);
    expect(s.gHi).toBeGreaterThan(s.gLo);
  });
});
