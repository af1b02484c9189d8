// Gauss-Legendre and Gauss-Hermite rules: known small rules, polynomial exactness, and a Gaussian integral.
import { describe, expect, it } from 'vitest';
import { gaussHermite, gaussLegendre, integrateGaussLegendre } from '../../stdlib/special/quadrature.js';

const SQRT_PI = Math.sqrt(Math.PI);
// ∫ e^{-x²} x^{2m} dx = Γ(m + 1/2) = (2m-1)!! √π / 2^m.
const hermiteMoment = (m: number): number => {
  let v = SQRT_PI;
  for (let i = 1; i <= m; i++) v *= (2 * i - 1) / 2;
  return v;
};

describe('gaussLegendre', () => {
  it('reproduces the 3-point rule (0, ±√(3/5); 8/9, 5/9)', () => {
    const { nodes, weights } = gaussLegendre(3);
    expect(Array.from(nodes)).toEqual([expect.closeTo(-Math.sqrt(0.6), 14), expect.closeTo(0, 14), expect.closeTo(Math.sqrt(0.6), 14)]);
    expect(Array.from(weights)).toEqual([expect.closeTo(5 / 9, 14), expect.closeTo(8 / 9, 14), expect.closeTo(5 / 9, 14)]);
  });

  it('is exact for x^k, k ≤ 2n-1, for n up to 64', () => {
    for (const n of [1, 2, 5, 16, 64]) {
      for (let k = 0; k <= 2 * n - 1; k += n > 5 ? 7 : 1) {
        const want = k % 2 === 1 ? 0 : 2 / (k + 1);
        expect(Math.abs(integrateGaussLegendre((x) => x ** k, -1, 1, n) - want)).toBeLessThan(1e-13);
      }
    }
  });

  it('maps to [a, b]: ∫_0^π sin = 2', () => {
    expect(Math.abs(integrateGaussLegendre(Math.sin, 0, Math.PI, 20) - 2)).toBeLessThan(1e-14);
  });

  it('caches rules by n', () => {
    expect(gaussLegendre(12)).toBe(gaussLegendre(12));
  });
});

describe('gaussHermite', () => {
  it('reproduces the 2-point rule (±1/√2, √π/2 each)', () => {
    const { nodes, weights } = gaussHermite(2);
    expect(nodes[0]).toBeCloseTo(-Math.SQRT1_2, 14);
    expect(nodes[1]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(weights[0]).toBeCloseTo(SQRT_PI / 2, 14);
  });

  it('is exact for even moments x^{2m}, 2m ≤ 2n-1, for n up to 100', () => {
    for (const n of [3, 10, 40, 100]) {
      const { nodes, weights } = gaussHermite(n);
      expect(nodes.every((x, i) => i === 0 || x > nodes[i - 1])).toBe(true);
      for (let m = 0; 2 * m <= Math.min(2 * n - 1, 30); m += 3) {
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * m);
        expect(Math.abs(s - hermiteMoment(m)) / hermiteMoment(m)).toBeLessThan(1e-12);
      }
    }
  });

  it('computes E[cos(Y)] for Y ~ N(0.3, 0.8²) = cos(0.3) e^{-0.32}', () => {
    const { nodes, weights } = gaussHermite(30);
    let s = 0;
    for (let i = 0; i < nodes.length; i++) s += weights[i] * Math.cos(0.3 + Math.SQRT2 * 0.8 * nodes[i]);
    expect(Math.abs(s / SQRT_PI - Math.cos(0.3) * Math.exp(-0.32))).toBeLessThan(1e-14);
  });
});
