/**
 * Schedules of the language (`anneal(a -> b, steps = n, kind = exp|linear, start = s)`, `ramp(a -> b, ...)`),
 * evaluated per training step as plain numbers: generated code computes each schedule once per step and
 * passes the number on, so schedules allocate no tensors.
 */

/** Interpolation of anneal: exponential (geometric, the usual temperature annealing) or linear. */
export type AnnealKind = 'exp' | 'linear';

/**
 * The value at `step` of a schedule moving from `from` to `to` over `steps` steps starting at `start`, then held.
 * Exponential interpolation is geometric, from·(to/from)^t; it needs both endpoints of one sign and non-zero
 * (otherwise it falls back to linear, which is what a user writing 0 -> 1 means).
 */
export function anneal(step: number, from: number, to: number, steps: number, kind: AnnealKind = 'exp', start = 0): number {
  const t = Math.min(1, Math.max(0, (step - start) / Math.max(1, steps)));
  if (kind === 'exp' && from * to > 0) return from * Math.pow(to / from, t);
  return from + (to - from) * t;
}

/** A linear ramp from `from` to `to` over `steps` steps starting at `start`, then held (JointVAE capacities). */
export function ramp(step: number, from: number, to: number, steps: number, kind: 'linear' = 'linear', start = 0): number {
  return anneal(step, from, to, steps, kind, start);
}
