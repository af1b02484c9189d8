/**
 * The truncated tail mass of a count distribution at compile time (float64), for the GenGS truncation warning
 * (docs/math.md section 10 rule 4): P(X ≥ n - 1) for trunc = n, or P(X < lo) + P(X > hi) for trunc = lo..hi.
 * The float64 log pmf of each count family is a fact of the signature table (`count.logPmf64`).
 */

/** Mass outside the kept cells: below `low` plus at or above `high + 1` (the cells low..high are kept). */
export function tailMass64(logPmf: (k: number) => number, low: number, high: number): number {
  let inside = 0;
  let previous = Infinity;
  for (let k = low; k <= high; k++) {
    const p = Math.exp(logPmf(k));
    inside += p;
    // These pmfs are unimodal: past the mode the terms only shrink, and once below 1e-18 (float64 cannot
    // register them in a sum near 1) the rest of a long truncation is skipped, so the loop ends after
    // about mode + a few standard deviations instead of `high` steps.
    if (p < previous && p < 1e-18 && k > low) break;
    previous = p;
  }
  return Math.max(0, 1 - inside);
}
