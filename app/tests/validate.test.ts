import { describe, expect, it } from "vitest";
import { HEDGE_VAULT_CONSTANTS as C } from "../src/generated/hedge_vault";
import { BOUNDS, CoreForm, PAUSE_FLAGS, validateCore } from "../src/features/governance/data-access/validate";

const ok: CoreForm = {
  deltaTargetBps: 0,
  deltaBandBps: 500,
  rebalanceCooldownSecs: 60,
  maxSlippageBps: 100,
  managementFeeBps: 100,
  performanceFeeBps: 1000,
  withdrawalDelaySecs: 86400,
  timelockSecs: 3600,
  depositCap: 1_000_000n,
  minDeposit: 1n,
};

describe("validateCore", () => {
  it("accepts a change within every bound, including the bounds themselves", () => {
    expect(validateCore(ok)).toEqual([]);
    for (const [field, [lo, hi]] of Object.entries(BOUNDS)) {
      expect(validateCore({ ...ok, [field]: lo })).toEqual([]);
      expect(validateCore({ ...ok, [field]: hi })).toEqual([]);
    }
  });

  it("refuses one step past each bound with the program's error name and message", () => {
    const cases: [keyof CoreForm, number, string][] = [
      ["timelockSecs", C.MIN_TIMELOCK_SECS - 1, "TimelockOutOfBounds"],
      ["timelockSecs", C.MAX_TIMELOCK_SECS + 1, "TimelockOutOfBounds"],
      ["managementFeeBps", C.MAX_MANAGEMENT_FEE_BPS + 1, "ManagementFeeTooHigh"],
      ["performanceFeeBps", C.MAX_PERFORMANCE_FEE_BPS + 1, "PerformanceFeeTooHigh"],
      ["withdrawalDelaySecs", C.MAX_WITHDRAWAL_DELAY_SECS + 1, "WithdrawalDelayTooLong"],
      ["deltaTargetBps", C.MIN_DELTA_TARGET_BPS - 1, "DeltaTargetOutOfBounds"],
      ["deltaTargetBps", C.MAX_DELTA_TARGET_BPS + 1, "DeltaTargetOutOfBounds"],
      ["deltaBandBps", C.MIN_DELTA_BAND_BPS - 1, "DeltaBandOutOfBounds"],
      ["deltaBandBps", C.MAX_DELTA_BAND_BPS + 1, "DeltaBandOutOfBounds"],
      ["rebalanceCooldownSecs", C.MAX_REBALANCE_COOLDOWN_SECS + 1, "CooldownTooLong"],
      ["maxSlippageBps", C.MAX_SLIPPAGE_BPS + 1, "SlippageTooHigh"],
      ["deltaBandBps", 1.5, "DeltaBandOutOfBounds"],
    ];
    for (const [field, value, error] of cases) {
      const got = validateCore({ ...ok, [field]: value });
      expect(got.map((v) => [v.field, v.error])).toEqual([[field, error]]);
      expect(got[0].message.length).toBeGreaterThan(5);
    }
  });

  it("checks deposit limits like the program", () => {
    expect(validateCore({ ...ok, minDeposit: 0n })[0].error).toBe("InvalidDepositLimits");
    expect(validateCore({ ...ok, minDeposit: 2n, depositCap: 1n })[0].error).toBe("InvalidDepositLimits");
  });

  it("reports every violation at once", () => {
    expect(validateCore({ ...ok, deltaBandBps: 0, timelockSecs: 1 }).length).toBe(2);
  });

  it("reads the bounds and pause bits from the IDL", () => {
    expect(BOUNDS.deltaBandBps).toEqual([1, 5000]);
    expect(PAUSE_FLAGS.reduce((a, f) => a | f.bit, 0)).toBe(C.ALL);
  });
});
