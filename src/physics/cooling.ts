/**
 * Cooling schedules for annealing: temperature as a pure function of the step count, so a
 * node's temperature needs no state beyond its own step counter and replays exactly.
 */

/** A temperature schedule T(t), t = 0, 1, 2, ... */
export interface CoolingSchedule {
  /** "geometric", "logarithmic" or "constant" */
  readonly kind: string;
  /** The schedule's parameters, for reports and scenario round trips. */
  readonly params: Readonly<Record<string, number>>;
  /**
   * Temperature at step t (t ≥ 0, finite).
   * @throws RangeError for a negative or non-finite step.
   */
  temperatureAt(step: number): number;
}

/** A schedule as plain data (e.g. from a scenario file), validated by {@link validateCooling}. */
export type CoolingSpec =
  | { readonly kind: "geometric"; readonly T0: number; readonly alpha: number }
  | { readonly kind: "logarithmic"; readonly c: number }
  | { readonly kind: "constant"; readonly T: number };

function positive(name: string, value: number, kind: string): void {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${kind} cooling: ${name} must be a positive finite number, got ${String(value)}`);
  }
}

/**
 * Check a schedule's parameters: T0 > 0 and 0 < alpha ≤ 1 (geometric), c > 0
 * (logarithmic), T > 0 (constant), all finite. A temperature of 0 is rejected because
 * Metropolis divides by it; a frozen node is the protocol's decision, not a schedule.
 * @throws RangeError naming the offending parameter and value.
 */
export function validateCooling(spec: CoolingSpec): void {
  switch (spec.kind) {
    case "geometric":
      positive("T0", spec.T0, spec.kind);
      if (typeof spec.alpha !== "number" || !(spec.alpha > 0 && spec.alpha <= 1)) {
        throw new RangeError(`geometric cooling: alpha must be in (0, 1], got ${String(spec.alpha)}`);
      }
      return;
    case "logarithmic":
      positive("c", spec.c, spec.kind);
      return;
    case "constant":
      positive("T", spec.T, spec.kind);
      return;
    default:
      throw new RangeError(`unknown cooling schedule kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  }
}

function checkStep(step: number): void {
  if (!(step >= 0) || !Number.isFinite(step)) throw new RangeError(`cooling step must be a finite number ≥ 0, got ${step}`);
}

/**
 * Geometric cooling T(t) = T0·alpha^t, the seed's `temperature *= decay_rate`. Evaluated
 * as one power, so T(t) can differ in the last bits from t repeated multiplications; a
 * bit-exact seed port keeps its own running product. T underflows to 0 after about
 * (ln T0 + 745)/(−ln alpha) steps.
 */
export function geometric(T0: number, alpha: number): CoolingSchedule {
  validateCooling({ kind: "geometric", T0, alpha });
  return {
    kind: "geometric",
    params: { T0, alpha },
    temperatureAt(step: number): number {
      checkStep(step);
      return T0 * alpha ** step;
    },
  };
}

/**
 * Logarithmic cooling (Hajek 1988): T(t) = c / ln(t + 2). Hajek's schedule is c/log(1 + k)
 * for k ≥ 1; step t maps to k = t + 1 so that T(0) = c/ln 2 is finite. The annealing
 * chain reaches a global minimum with probability → 1 iff c is at least the depth of the
 * deepest non-global local minimum.
 */
export function logarithmic(c: number): CoolingSchedule {
  validateCooling({ kind: "logarithmic", c });
  return {
    kind: "logarithmic",
    params: { c },
    temperatureAt(step: number): number {
      checkStep(step);
      return c / Math.log(step + 2);
    },
  };
}

/** Constant temperature T (no annealing: a Metropolis chain at equilibrium). */
export function constant(T: number): CoolingSchedule {
  validateCooling({ kind: "constant", T });
  return {
    kind: "constant",
    params: { T },
    temperatureAt(step: number): number {
      checkStep(step);
      return T;
    },
  };
}

/** Build a schedule from plain data, validating it first. */
export function coolingSchedule(spec: CoolingSpec): CoolingSchedule {
  validateCooling(spec);
  switch (spec.kind) {
    case "geometric":
      return geometric(spec.T0, spec.alpha);
    case "logarithmic":
      return logarithmic(spec.c);
    case "constant":
      return constant(spec.T);
  }
}
