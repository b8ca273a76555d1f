// Client-side validation of a governance change, with the program's own hard bounds (read
// from the IDL's constants) and the program's own error names, so the form refuses what
// `VaultParams::validate` would refuse before anything is signed. The program stays the
// authority: the change is also simulated before it is sent.
import { HEDGE_VAULT_CONSTANTS as C, HEDGE_VAULT_ERRORS } from "../../../generated/hedge_vault";

/** The core parameters the governance form edits (units as on-chain). */
export interface CoreForm {
  /** Delta target (bps of the collateral's underlying exposure). */
  deltaTargetBps: number;
  /** Band half-width (bps). */
  deltaBandBps: number;
  /** Minimum seconds between rebalances. */
  rebalanceCooldownSecs: number;
  /** Maximum slippage of a hedge trade (bps). */
  maxSlippageBps: number;
  /** Management fee (bps per year). */
  managementFeeBps: number;
  /** Performance fee (bps of gains over the high-water mark). */
  performanceFeeBps: number;
  /** Withdrawal delay (seconds). */
  withdrawalDelaySecs: number;
  /** Timelock of future changes (seconds). */
  timelockSecs: number;
  /** Deposit cap (collateral base units). */
  depositCap: bigint;
  /** Minimum deposit (collateral base units). */
  minDeposit: bigint;
}

/** One violated rule: the field, the program's error name and its message. */
export interface Violation {
  field: keyof CoreForm;
  error: string;
  message: string;
}

function errorNamed(name: string): { name: string; msg: string } {
  const e = Object.values(HEDGE_VAULT_ERRORS).find((x) => x.name === name);
  if (!e) throw new Error(`no error ${name} in the IDL`);
  return e;
}

function v(field: keyof CoreForm, error: string): Violation {
  return { field, error, message: errorNamed(error).msg };
}

const isInt = (x: number) => Number.isInteger(x);

/** Hard bounds for the form's inputs, from the IDL. */
export const BOUNDS = {
  deltaTargetBps: [C.MIN_DELTA_TARGET_BPS, C.MAX_DELTA_TARGET_BPS],
  deltaBandBps: [C.MIN_DELTA_BAND_BPS, C.MAX_DELTA_BAND_BPS],
  rebalanceCooldownSecs: [0, C.MAX_REBALANCE_COOLDOWN_SECS],
  maxSlippageBps: [0, C.MAX_SLIPPAGE_BPS],
  managementFeeBps: [0, C.MAX_MANAGEMENT_FEE_BPS],
  performanceFeeBps: [0, C.MAX_PERFORMANCE_FEE_BPS],
  withdrawalDelaySecs: [0, C.MAX_WITHDRAWAL_DELAY_SECS],
  timelockSecs: [C.MIN_TIMELOCK_SECS, C.MAX_TIMELOCK_SECS],
} as const satisfies Partial<Record<keyof CoreForm, readonly [number, number]>>;

const within = (x: number, [lo, hi]: readonly [number, number]) => isInt(x) && x >= lo && x <= hi;

/**
 * Every rule of `VaultParams::validate` that concerns the form's fields, in the
 * program's order. Empty when the change is acceptable.
 */
export function validateCore(f: CoreForm): Violation[] {
  const out: Violation[] = [];
  if (!within(f.timelockSecs, BOUNDS.timelockSecs)) out.push(v("timelockSecs", "TimelockOutOfBounds"));
  if (!within(f.managementFeeBps, BOUNDS.managementFeeBps)) out.push(v("managementFeeBps", "ManagementFeeTooHigh"));
  if (!within(f.performanceFeeBps, BOUNDS.performanceFeeBps)) out.push(v("performanceFeeBps", "PerformanceFeeTooHigh"));
  if (!within(f.withdrawalDelaySecs, BOUNDS.withdrawalDelaySecs))
    out.push(v("withdrawalDelaySecs", "WithdrawalDelayTooLong"));
  if (!(f.minDeposit > 0n && f.minDeposit <= f.depositCap)) out.push(v("minDeposit", "InvalidDepositLimits"));
  if (!within(f.deltaTargetBps, BOUNDS.deltaTargetBps)) out.push(v("deltaTargetBps", "DeltaTargetOutOfBounds"));
  if (!within(f.deltaBandBps, BOUNDS.deltaBandBps)) out.push(v("deltaBandBps", "DeltaBandOutOfBounds"));
  if (!within(f.rebalanceCooldownSecs, BOUNDS.rebalanceCooldownSecs))
    out.push(v("rebalanceCooldownSecs", "CooldownTooLong"));
  if (!within(f.maxSlippageBps, BOUNDS.maxSlippageBps)) out.push(v("maxSlippageBps", "SlippageTooHigh"));
  return out;
}

/** The pause flags, from the IDL, in bit order. */
export const PAUSE_FLAGS: { bit: number; name: string; label: string }[] = [
  { bit: C.DEPOSIT, name: "DEPOSIT", label: "Deposits" },
  { bit: C.REQUEST_WITHDRAW, name: "REQUEST_WITHDRAW", label: "Withdraw requests" },
  { bit: C.COMPLETE_WITHDRAW, name: "COMPLETE_WITHDRAW", label: "Withdraw completion" },
  { bit: C.REBALANCE, name: "REBALANCE", label: "Rebalances" },
  { bit: C.UPDATE_VOL, name: "UPDATE_VOL", label: "Vol updates" },
  { bit: C.CLAIM_FEES, name: "CLAIM_FEES", label: "Fee claims" },
  { bit: C.MARGIN, name: "MARGIN", label: "Margin moves" },
];
