// Closed-form KL pairs of the continuous families of issue 16 against float64 references computed here without the
// closed forms: ∫ q log(q/p) by Simpson's rule in a variable where both densities are smooth (log x, logit x),
// a 2-D midpoint rule on the simplex for Dirichlet, and for the multivariate Normal the covariance formula with
// inverse and determinant by Gauss-Jordan (not the triangular solves under test). Densities from helpers/float64-ref.ts.
import { describe, expect, it } from 'vitest';
import { Beta } from '../../stdlib/distributions/beta.js';
import { Dirichlet } from '../../stdlib/distributions/dirichlet.js';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { Exponential } from '../../stdlib/distributions/exponential.js';
import { Gamma } from '../../stdlib/distributions/gamma.js';
import { HalfNormal } from '../../stdlib/distributions/half-normal.js';
import { Laplace } from '../../stdlib/distributions/laplace.js';
import { MultivariateNormalDiag } from '../../stdlib/distributions/multivariate-normal-diag.js';
import { MultivariateNormal } from '../../stdlib/distributions/multivariate-normal.js';
import { Normal } from '../../stdlib/distributions/normal.js';
import { explainKl, klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { lgammaDifference } from '../../stdlib/special/gamma.js';
import { digammaRef, inverseAndLogDet, lgammaRef, matmul, transpose } from './helpers/float64-ref.js';

/** ∫_lo^hi f by composite Simpson with n (even) intervals. */
function simpson(f: (t: number) => number, lo: number, hi: number, n = 200_000): number {
  const h = (hi - lo) / n;
  let acc = f(lo) + f(hi);
  for (let i = 1; i < n; i++) acc += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (acc * h) / 3;
}

/** KL(q ‖ p) = ∫ q (log q - log p) for log densities given in the integration variable (Jacobians cancel). */
const klQuad = (lq: (t: number) => number, lp: (t: number) => number, jac: (t: number) => number, lo: number, hi: number) =>
  simpson((t) => {
    const a = lq(t);
    return a === -Infinity ? 0 : Math.exp(a + jac(t)) * (a - lp(t));
  }, lo, hi);

const gammaLp = (a: number, b: number) => (x: number) => a * Math.log(b) + (a - 1) * Math.log(x) - b * x - lgammaRef(a);
const betaLp = (a: number, b: number) => (x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - (lgammaRef(a) + lgammaRef(b) - lgammaRef(a + b));

/** The KL the stdlib computes (one batch element each), and the rule it used. */
function stdlibKl(q: () => Distribution, p: () => Distribution): { value: number[]; rule: string } {
  return tf.tidy(() => {
    const [dq, dp] = [q(), p()];
    return { value: Array.from(klDivergence(dq, dp).dataSync()), rule: explainKl(dq, dp).rule };
  });
}

function expectClose(got: number, want: number, rel = 2e-4, abs = 2e-6): void {
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(rel * Math.abs(want) + abs);
}

describe('closed-form KL of the continuous families against float64 references', () => {
  it('Gamma-Gamma (quadrature in log x)', () => {
    const cases: [number, number, number, number][] = [[0.5, 2, 1.5, 1], [3, 1, 2.5, 0.7], [40, 0.5, 35, 0.45]];
    for (const [a, b, a0, b0] of cases) {
      const { value, rule } = stdlibKl(() => new Gamma({ concentration: a, rate: b }), () => new Gamma({ concentration: a0, rate: b0 }));
      expect(rule).toBe('gamma-gamma');
      const [lq, lp] = [gammaLp(a, b), gammaLp(a0, b0)];
      const want = klQuad((s) => lq(Math.exp(s)), (s) => lp(Math.exp(s)), (s) => s, -200 / a - 10, Math.log(a / b) + 8);
      expectClose(value[0], want, 5e-4);
    }
  });

  it('Beta-Beta (quadrature in logit x)', () => {
    for (const [a, b, a0, b0] of [[0.5, 2, 1, 1], [3, 4, 2.5, 6], [12, 9, 10, 10]]) {
      const { value, rule } = stdlibKl(() => new Beta({ concentration1: a, concentration0: b }), () => new Beta({ concentration1: a0, concentration0: b0 }));
      expect(rule).toBe('beta-beta');
      const x = (t: number) => 1 / (1 + Math.exp(-t));
      const [lq, lp] = [betaLp(a, b), betaLp(a0, b0)];
      // dx/dt = x(1 - x): log x + log(1 - x) = -softplus(-t) - softplus(t).
      const jac = (t: number) => -Math.log1p(Math.exp(-t)) - Math.log1p(Math.exp(t));
      const want = klQuad((t) => lq(x(t)), (t) => lp(x(t)), jac, -60 / Math.min(a, b) - 5, 60 / Math.min(a, b) + 5);
      expectClose(value[0], want, 5e-4);
    }
  });

  it('Dirichlet-Dirichlet (2-D midpoint rule on the simplex)', () => {
    const a = [1.5, 2, 3];
    const b = [2, 1.2, 4];
    const { value, rule } = stdlibKl(() => new Dirichlet({ concentration: a }), () => new Dirichlet({ concentration: b }));
    expect(rule).toBe('dirichlet-dirichlet');
    const lp = (c: number[]) => (x: number[]) =>
      lgammaRef(c.reduce((s, v) => s + v, 0)) - c.reduce((s, v) => s + lgammaRef(v), 0) + c.reduce((s, v, i) => s + (v - 1) * Math.log(x[i]), 0);
    const [lq, lpp] = [lp(a), lp(b)];
    const n = 1200;
    const h = 1 / n;
    let want = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; i + j < n - 1; j++) {
        // Midpoints of the squares strictly inside the triangle x₁ + x₂ < 1 (the cut cells carry negligible mass).
        const x = [(i + 0.5) * h, (j + 0.5) * h];
        const pt = [x[0], x[1], 1 - x[0] - x[1]];
        const l = lq(pt);
        want += Math.exp(l) * (l - lpp(pt)) * h * h;
      }
    }
    expectClose(value[0], want, 2e-3);
  });

  it('Exponential-Exponential and HalfNormal-HalfNormal (quadrature), also for nearly equal parameters', () => {
    for (const [l, l0] of [[0.5, 2], [3, 3.0003]]) {
      const { value, rule } = stdlibKl(() => new Exponential({ rate: l }), () => new Exponential({ rate: l0 }));
      expect(rule).toBe('exponential-exponential');
      const lp = (r: number) => (s: number) => Math.log(r) - r * Math.exp(s);
      expectClose(value[0], klQuad(lp(l), lp(l0), (s) => s, -40, Math.log(60 / l)), 1e-3);
    }
    for (const [s, s0] of [[0.4, 1.3], [2, 2.0002]]) {
      const { value, rule } = stdlibKl(() => new HalfNormal({ scale: s }), () => new HalfNormal({ scale: s0 }));
      expect(rule).toBe('halfnormal-halfnormal');
      const lp = (sc: number) => (x: number) => Math.log(2) - 0.5 * Math.log(2 * Math.PI) - Math.log(sc) - (x * x) / (2 * sc * sc);
      expectClose(value[0], klQuad(lp(s), lp(s0), () => 0, 0, 40 * s), 1e-3);
    }
  });

  it('Laplace-Laplace (quadrature split at both locations)', () => {
    for (const [m, b, m0, b0] of [[0, 1, 0.5, 2], [-1, 0.3, 1, 0.5], [0.2, 1, 0.2, 1.001]]) {
      const { value, rule } = stdlibKl(() => new Laplace({ loc: m, scale: b }), () => new Laplace({ loc: m0, scale: b0 }));
      expect(rule).toBe('laplace-laplace');
      const lp = (mm: number, bb: number) => (x: number) => -Math.log(2 * bb) - Math.abs(x - mm) / bb;
      const cuts = [m - 80 * b, Math.min(m, m0), Math.max(m, m0), m + 80 * b].sort((x, y) => x - y);
      let want = 0;
      for (let k = 0; k + 1 < cuts.length; k++) if (cuts[k + 1] > cuts[k]) want += klQuad(lp(m, b), lp(m0, b0), () => 0, cuts[k], cuts[k + 1]);
      expectClose(value[0], want, 1e-3);
    }
  });

  it('multivariate Normal pairs, Cholesky and diagonal in every combination, against the covariance formula', () => {
    const L = [[1, 0, 0], [0.5, 2, 0], [-0.3, 0.2, 0.7]];
    const L0 = [[1.5, 0, 0], [-0.2, 0.8, 0], [0.4, 0.1, 1.1]];
    const mu = [1, -1, 0.5];
    const mu0 = [0.2, 0.3, -0.4];
    const diag = [0.6, 1.4, 0.9];
    const diag0 = [1.1, 0.7, 1.3];
    const asCov = (l: number[][]) => matmul(l, transpose(l));
    const dcov = (s: number[]) => s.map((v, i) => s.map((_, j) => (i === j ? v * v : 0)));
    /** ½[tr(Σ₀⁻¹Σ) + (μ₀-μ)ᵀΣ₀⁻¹(μ₀-μ) - D + log det Σ₀ - log det Σ], float64 by Gauss-Jordan. */
    const ref = (m: number[], c: number[][], m0: number[], c0: number[][]) => {
      const { inv, logDet: ld0 } = inverseAndLogDet(c0);
      const { logDet } = inverseAndLogDet(c);
      const tr = matmul(inv, c).reduce((s, row, i) => s + row[i], 0);
      const d = m0.map((v, i) => v - m[i]);
      const maha = d.reduce((s, di, i) => s + di * d.reduce((t, dj, j) => t + inv[i][j] * dj, 0), 0);
      return 0.5 * (tr + maha - m.length + ld0 - logDet);
    };
    const tril = (m: number[], l: number[][]) => () => new MultivariateNormal({ loc: m, scale_tril: l });
    const dg = (m: number[], s: number[]) => () => new MultivariateNormalDiag({ loc: m, scale_diag: s });
    const pairs: [() => Distribution, number[][], () => Distribution, number[][]][] = [
      [tril(mu, L), asCov(L), tril(mu0, L0), asCov(L0)],
      [tril(mu, L), asCov(L), dg(mu0, diag0), dcov(diag0)],
      [dg(mu, diag), dcov(diag), tril(mu0, L0), asCov(L0)],
      [dg(mu, diag), dcov(diag), dg(mu0, diag0), dcov(diag0)],
    ];
    for (const [q, c, p, c0] of pairs) {
      const { value, rule } = stdlibKl(q, p);
      expect(rule).toBe('mvn-mvn');
      expect(value).toHaveLength(1);
      expectClose(value[0], ref(mu, c, mu0, c0), 2e-4);
    }
  });

  it('a batch of Cholesky factors gives one KL per batch element', () => {
    const v = tf.tidy(() => {
      const q = new MultivariateNormal({ loc: [[0, 0], [1, 1]], scale_tril: [[[1, 0], [0, 1]], [[2, 0], [0.5, 1]]] });
      const p = new MultivariateNormal({ loc: [0, 0], scale_tril: [[1, 0], [0, 1]] });
      return Array.from(klDivergence(q, p).dataSync());
    });
    // KL(N(μ, Σ) ‖ N(0, I)) = ½(tr Σ + |μ|² - D - log det Σ); Σ = [[4, 1], [1, 1.25]], det = 4.
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeCloseTo(0.5 * (5.25 + 2 - 2 - Math.log(4)), 5);
  });
});

describe('generic Monte Carlo KL across event ranks', () => {
  it('MultivariateNormalDiag against a Normal prior (and the reverse) sums the scalar densities over the event', () => {
    const mu = [0.5, -1, 2];
    const s = [0.7, 1.2, 0.4];
    // Σ_i KL(N(μ_i, s_i²) ‖ N(0, 1)), float64.
    const want = mu.reduce((acc, m, i) => acc + 0.5 * (s[i] ** 2 + m * m - 1) - Math.log(s[i]), 0);
    const [forward, backward, rule] = tf.tidy(() => {
      const q = new MultivariateNormalDiag({ loc: mu, scale_diag: s });
      const p = new Normal({ mu: 0, sigma: 1 });
      const f = klDivergence(q, p, { rng: new RandomStream(5), samples: 100_000 });
      const qn = new Normal({ mu, sigma: s });
      const pm = new MultivariateNormalDiag({ loc: [0, 0, 0], scale_diag: 1 });
      const b = tf.sum(klDivergence(qn, pm, { rng: new RandomStream(6), samples: 100_000 }));
      return [f.dataSync()[0], b.dataSync()[0], explainKl(q, p).rule] as const;
    });
    expect(rule).toBe('generic-mc');
    // The per-draw log-ratio has a standard deviation of about 2.2 here: 4 standard errors of 1e5 draws ≈ 0.03.
    expect(Math.abs(forward - want)).toBeLessThan(0.03);
    expect(Math.abs(backward - want)).toBeLessThan(0.03);
  });
});

describe('lgammaDifference', () => {
  it('equals log Γ(x) - log Γ(y) in float64 to 1e-6 relative to |x - y| + 1e-6, also for nearly equal large arguments', () => {
    const pairs: [number, number][] = [[0.3, 2], [5, 4.2], [1000, 1000.5], [1000, 1000.001], [40, 35], [1e4, 1e4 + 3], [0.01, 0.02]];
    const got = tf.tidy(() => Array.from(lgammaDifference(tf.tensor1d(pairs.map((p) => p[0])), tf.tensor1d(pairs.map((p) => p[1]))).dataSync()));
    pairs.forEach(([x, y], i) => {
      const want = lgammaRef(x) - lgammaRef(y);
      // float32 inputs: x and y are rounded first, so compare with the difference at the rounded values.
      const wantRounded = lgammaRef(Math.fround(x)) - lgammaRef(Math.fround(y));
      expect(Math.abs(got[i] - wantRounded), `${x}, ${y}: ${got[i]} vs ${want}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(wantRounded)) + 1e-6);
    });
  });

  it('makes the Gamma-Gamma KL of nearly equal large concentrations accurate in float32', () => {
    const [a, b, a0, b0] = [1000, 2, 1000.5, 2.001];
    const { value } = stdlibKl(() => new Gamma({ concentration: a, rate: b }), () => new Gamma({ concentration: a0, rate: b0 }));
    const [fa, fb, fa0, fb0] = [a, b, a0, b0].map(Math.fround);
    const want = (fa - fa0) * digammaRef(fa) - lgammaRef(fa) + lgammaRef(fa0) + fa0 * Math.log(fb / fb0) + (fa * (fb0 - fb)) / fb;
    expect(Math.abs(value[0] - want)).toBeLessThan(2e-5);
  });
});
