import { describe, expect, it } from "vitest";
import { AmountError, bps, duration, formatUnits, fx, parseUnits, short, usd } from "../src/lib/format";

describe("formatUnits", () => {
  it("formats base units exactly, with grouping, truncating extra digits", () => {
    expect(formatUnits(0n, 9)).toBe("0");
    expect(formatUnits(1n, 9)).toBe("0.000000001");
    expect(formatUnits(1_234_567_890_123n, 9)).toBe("1,234.567890123");
    expect(formatUnits(1_999_999_999n, 9, 2)).toBe("1.99");
    expect(formatUnits(-1_500_000_000n, 9)).toBe("−1.5");
    expect(formatUnits(18446744073709551615n, 6)).toBe("18,446,744,073,709.551615");
  });
});

describe("parseUnits", () => {
  it("parses decimal input exactly", () => {
    expect(parseUnits("1.5", 9)).toBe(1_500_000_000n);
    expect(parseUnits(" 1,000 ", 9)).toBe(1_000_000_000_000n);
    expect(parseUnits("0.000000001", 9)).toBe(1n);
    expect(parseUnits(".5", 2)).toBe(50n);
    expect(parseUnits("7.", 0)).toBe(7n);
  });
  it("round-trips with formatUnits", () => {
    for (const v of [0n, 1n, 42n, 10n ** 9n, 123_456_789_012n]) {
      expect(parseUnits(formatUnits(v, 9), 9)).toBe(v);
    }
  });
  it("refuses what it cannot represent instead of rounding", () => {
    expect(() => parseUnits("", 9)).toThrow(AmountError);
    expect(() => parseUnits("abc", 9)).toThrow("Not a number");
    expect(() => parseUnits("-1", 9)).toThrow("Not a number");
    expect(() => parseUnits("1e9", 9)).toThrow("Not a number");
    expect(() => parseUnits("0.0000000001", 9)).toThrow("At most 9 decimal places");
    expect(() => parseUnits("18446744073709551616", 0)).toThrow("too large");
  });
});

describe("display helpers", () => {
  it("reads I80F48 bit patterns", () => {
    expect(fx(1n << 48n)).toBe(1);
    expect(fx(-(3n << 47n))).toBe(-1.5);
    expect(fx("281474976710656")).toBe(1);
    expect(fx(0n)).toBe(0);
  });
  it("formats money, bps, durations and keys with units", () => {
    expect(usd(1234.5)).toBe("$1,234.50");
    expect(usd(-2)).toBe("−$2.00");
    expect(usd(NaN)).toBe("—");
    expect(bps(250)).toBe("2.5 %");
    expect(duration(0)).toBe("now");
    expect(duration(42)).toBe("42 s");
    expect(duration(3 * 60 + 5)).toBe("3 min 05 s");
    expect(duration(2 * 3600 + 5 * 60)).toBe("2 h 05 min");
    expect(duration(86400 + 7200)).toBe("1 d 2 h");
    expect(short("HVau1tZk8ZXjVrjwS7t6Ws3ixGNHykzRwkqfS7pMcsLa")).toBe("HVau…csLa");
  });
});
