/**
 * Float64 plain-JS log-gamma and relatives, with no tfjs import: used as test references, by JS-side
 * samplers, and by the compiler's static analysis (truncation tail mass at compile time).
 */

/** ½ log(2π). */
const HALF_LOG_2PI = 0.9189385332046728;

// Lanczos approximation (g = 7, 9 terms): relative error below 1e-15 for x ≥ 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log |Γ(x)| in float64 (Lanczos; reflection formula for x < 0.5). */
export function lgamma64(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma64(1 - x);
  const xm = x - 1;
  let a = LANCZOS[0];
  const t = xm + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (xm + i);
  return HALF_LOG_2PI + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

// Summing logs is exact to a few ulps for small k and independent of the Lanczos coefficients.
const LOG_FACTORIAL_TABLE: readonly number[] = (() => {
  const table = [0];
  for (let k = 1; k < 256; k++) table.push(table[k - 1] + Math.log(k));
  return table;
})();

/** log k! in float64 for integer k ≥ 0 (exact sums of logs below 256, Lanczos above). */
export function logFactorial64(k: number): number {
  if (k < LOG_FACTORIAL_TABLE.length) return LOG_FACTORIAL_TABLE[k];
  return lgamma64(k + 1);
}

/** log C(n, k) in float64. */
export function logBinomial64(n: number, k: number): number {
  return lgamma64(n + 1) - lgamma64(k + 1) - lgamma64(n - k + 1);
}

/**
 * ψ(x) = d/dx log Γ(x) in float64 for x > 0: the recurrence ψ(x) = ψ(x + 1) - 1/x up to x ≥ 10, then the
 * asymptotic series (Abramowitz & Stegun 6.3.18) through the x^-10 term, whose remainder is below 1e-13 there.
 */
export function digamma64(x: number): number {
  let shift = 0;
  let z = x;
  while (z < 10) {
    shift += 1 / z;
    z += 1;
  }
  const z2 = 1 / (z * z);
  const series = z2 * (1 / 12 - z2 * (1 / 120 - z2 * (1 / 252 - z2 * (1 / 240 - z2 * (1 / 132)))));
  return Math.log(z) - 0.5 / z - series - shift;
}
