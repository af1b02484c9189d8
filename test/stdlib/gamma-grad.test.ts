// The implicit reparameterization gradient of a Gamma draw (stdlib/special/gamma-grad.ts) against central finite
// differences of a float64 regularized incomplete gamma computed here independently: Simpson's rule on
// ∫ exp(α s - e^s) ds (t = e^s), normalised by the same integral over the whole line (so no log-gamma is shared
// with the code under test), with the upper tail integrated directly for z above the mode.
import { describe, expect, it } from 'vitest';
import { gammaLogSampleGrad64, gammaSampleGrad64 } from '../../stdlib/special/gamma-grad.js';
import { digamma64 } from '../../stdlib/special/gamma64.js';

/** ∫_lo^hi exp(α s - e^s - shift) ds by composite Simpson with n (even) intervals. */
function simpson(alpha: number, lo: number, hi: number, shift: number, n = 40_000): number {
  const h = (hi - lo) / n;
  const f = (s: number) => Math.exp(alpha * s - Math.exp(s) - shift);
  let acc = f(lo) + f(hi);
  for (let i = 1; i < n; i++) acc += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (acc * h) / 3;
}

/** Integration limits in s = log t that hold all but e^-60 of the mass, and the log of the peak value. */
function limits(alpha: number): { lo: number; hi: number; shift: number } {
  const mode = Math.log(alpha);
  return { lo: mode - 70 / alpha - 5, hi: Math.log(alpha + 120 + 40 * Math.sqrt(alpha)), shift: alpha * mode - alpha };
}

/** The lower regularized incomplete gamma P(α, x) (or the upper one, Q, when `upper`). */
function incompleteGamma(alpha: number, x: number, upper: boolean): number {
  const { lo, hi, shift } = limits(alpha);
  const total = simpson(alpha, lo, hi, shift);
  const lx = Math.log(x);
  return (upper ? simpson(alpha, lx, hi, shift) : simpson(alpha, lo, lx, shift)) / total;
}

/** dz/dα = -∂P/∂α / p by central differences in float64; p = x^{α-1} e^{-x} / Γ(α), Γ(α) by the same quadrature. */
function referenceGrad(alpha: number, x: number): number {
  const upper = x >= alpha;
  const h = 1e-4 * Math.min(alpha, 1);
  const dF = (incompleteGamma(alpha + h, x, upper) - incompleteGamma(alpha - h, x, upper)) / (2 * h);
  const { lo, hi, shift } = limits(alpha);
  const logGamma = Math.log(simpson(alpha, lo, hi, shift)) + shift;
  const p = Math.exp((alpha - 1) * Math.log(x) - x - logGamma);
  return (upper ? dF : -dF) / p;
}

describe('implicit reparameterization gradient of Gamma draws', () => {
  const cases: [number, number[]][] = [
    [0.05, [1e-12, 1e-4, 0.05, 0.6, 3]],
    [0.3, [1e-5, 0.01, 0.3, 1.2, 5]],
    [1, [0.01, 0.5, 1.9, 2.1, 6]],
    [2.5, [0.2, 1.5, 3.4, 3.6, 9]],
    [10, [3, 9, 10.9, 11.1, 22]],
    [150, [110, 145, 150.9, 151.1, 200]],
  ];
  for (const [alpha, xs] of cases) {
    it(`matches finite differences of the float64 CDF at α = ${alpha} on both branches`, () => {
      for (const x of xs) {
        const ref = referenceGrad(alpha, x);
        const got = gammaSampleGrad64(alpha, x);
        expect(Math.abs(got - ref)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref)));
      }
    });
  }

  it('is continuous across the switch between the series and the continued fraction (z = α + 1)', () => {
    for (const alpha of [0.2, 3, 40, 2000]) {
      const below = gammaSampleGrad64(alpha, alpha + 1 - 1e-9);
      const above = gammaSampleGrad64(alpha, alpha + 1 + 1e-9);
      expect(Math.abs(below - above)).toBeLessThanOrEqual(1e-7 * Math.abs(above));
    }
  });

  it('works in log space where z underflows: the limit -(log z - ψ(α + 1))/α', () => {
    const logZ = -2000; // e^-2000 is zero even in float64
    const got = gammaLogSampleGrad64(0.01, logZ);
    expect(got).toBeCloseTo(-(logZ - digamma64(1.01)) / 0.01, 6);
    expect(Number.isFinite(gammaLogSampleGrad64(1e-3, -1e4))).toBe(true);
  });

  it('for large α approaches the Gaussian limit dz/dα ≈ 1 + (z - α)/(2α) near the mean', () => {
    // z ≈ α + √α ξ: a Wilson-Hilferty-type expansion gives dz/dα = 1 + (z - α)/(2α) + O(1/α); checked loosely.
    const alpha = 1e4;
    for (const z of [9900, 10000, 10100]) expect(gammaSampleGrad64(alpha, z)).toBeCloseTo(1 + (z - alpha) / (2 * alpha), 3);
  });

  it('is 0, not NaN, for invalid input', () => {
    expect(gammaLogSampleGrad64(0, 1)).toBe(0);
    expect(gammaLogSampleGrad64(2, Infinity)).toBe(0);
    expect(gammaSampleGrad64(2, 0)).toBe(0);
  });
});
