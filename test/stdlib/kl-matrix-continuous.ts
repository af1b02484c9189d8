/**
 * Cases of the KL test matrix (kl-matrix.test.ts) for the closed-form pairs of the continuous families of issue 16,
 * each against the float64 closed form written here with the test's own log Γ and ψ (helpers/float64-ref.ts) and,
 * for the multivariate Normal, the covariance formula by Gauss-Jordan. The same pairs are also checked against
 * quadrature of ∫ q log(q/p) in kl-continuous.test.ts.
 */
import { Beta } from '../../stdlib/distributions/beta.js';
import { Dirichlet } from '../../stdlib/distributions/dirichlet.js';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { Exponential } from '../../stdlib/distributions/exponential.js';
import { Gamma } from '../../stdlib/distributions/gamma.js';
import { HalfNormal } from '../../stdlib/distributions/half-normal.js';
import { Laplace } from '../../stdlib/distributions/laplace.js';
import { MultivariateNormalDiag } from '../../stdlib/distributions/multivariate-normal-diag.js';
import { MultivariateNormal } from '../../stdlib/distributions/multivariate-normal.js';
import { digammaRef, inverseAndLogDet, lgammaRef, matmul, transpose } from './helpers/float64-ref.js';

/** The shape of a matrix case (kl-matrix.test.ts's Case), for closed forms: an exact reference, no temperature. */
export interface ContinuousCase {
  readonly rule: string;
  readonly name: string;
  readonly taus: readonly (number | undefined)[];
  readonly build: () => { q: Distribution; p: Distribution; reference: () => { mean: number; se: number } };
}

const exact = (mean: number) => ({ mean, se: 0 });
const sum = (f: (i: number) => number, n: number) => Array.from({ length: n }, (_, i) => f(i)).reduce((s, v) => s + v, 0);
const lbeta = (a: number, b: number) => lgammaRef(a) + lgammaRef(b) - lgammaRef(a + b);

const A = [0.3, 1, 2.5, 7, 40];
const B = [2, 1, 0.4, 3, 0.5];
const A0 = [1, 0.5, 3, 7.5, 35];
const B0 = [1, 2, 0.5, 2, 0.45];
const LOC = [0, -1, 2, 0.5, 0.1];
const LOC0 = [0.3, 1, 2, -0.5, 0.1];

const L = [[1, 0, 0], [0.5, 2, 0], [-0.3, 0.2, 0.7]];
const L0 = [[1.5, 0, 0], [-0.2, 0.8, 0], [0.4, 0.1, 1.1]];
const M = [1, -1, 0.5];
const M0 = [0.2, 0.3, -0.4];
const S0 = [1.1, 0.7, 1.3];

/** KL(N(μ, Σ) ‖ N(μ₀, Σ₀)) = ½[tr(Σ₀⁻¹Σ) + (μ₀-μ)ᵀΣ₀⁻¹(μ₀-μ) - D + log det Σ₀ - log det Σ]. */
function mvnKl64(m: number[], c: number[][], m0: number[], c0: number[][]): number {
  const { inv, logDet: ld0 } = inverseAndLogDet(c0);
  const tr = matmul(inv, c).reduce((s, row, i) => s + row[i], 0);
  const d = m0.map((v, i) => v - m[i]);
  const maha = d.reduce((s, di, i) => s + di * d.reduce((t, dj, j) => t + inv[i][j] * dj, 0), 0);
  return 0.5 * (tr + maha - m.length + ld0 - inverseAndLogDet(c).logDet);
}

export const CONTINUOUS_KL_CASES: ContinuousCase[] = [
  {
    rule: 'gamma-gamma',
    name: 'Gamma vs Gamma, α from 0.3 to 40',
    taus: [undefined],
    build: () => ({
      q: new Gamma({ concentration: A, rate: B }),
      p: new Gamma({ concentration: A0, rate: B0 }),
      reference: () =>
        exact(sum((i) => (A[i] - A0[i]) * digammaRef(A[i]) - lgammaRef(A[i]) + lgammaRef(A0[i]) + A0[i] * Math.log(B[i] / B0[i]) + (A[i] * (B0[i] - B[i])) / B[i], 5)),
    }),
  },
  {
    rule: 'beta-beta',
    name: 'Beta vs Beta',
    taus: [undefined],
    build: () => ({
      q: new Beta({ concentration1: A, concentration0: B }),
      p: new Beta({ concentration1: A0, concentration0: B0 }),
      reference: () =>
        exact(
          sum(
            (i) =>
              lbeta(A0[i], B0[i]) - lbeta(A[i], B[i]) + (A[i] - A0[i]) * digammaRef(A[i]) + (B[i] - B0[i]) * digammaRef(B[i]) +
              (A0[i] - A[i] + B0[i] - B[i]) * digammaRef(A[i] + B[i]),
            5,
          ),
        ),
    }),
  },
  {
    rule: 'dirichlet-dirichlet',
    name: 'Dirichlet vs Dirichlet, K = 5',
    taus: [undefined],
    build: () => {
      const a0 = A.reduce((s, v) => s + v, 0);
      const b0 = A0.reduce((s, v) => s + v, 0);
      return {
        q: new Dirichlet({ concentration: A }),
        p: new Dirichlet({ concentration: A0 }),
        reference: () => exact(lgammaRef(a0) - lgammaRef(b0) + sum((i) => lgammaRef(A0[i]) - lgammaRef(A[i]) + (A[i] - A0[i]) * (digammaRef(A[i]) - digammaRef(a0)), 5)),
      };
    },
  },
  {
    rule: 'exponential-exponential',
    name: 'Exponential vs Exponential',
    taus: [undefined],
    build: () => ({ q: new Exponential({ rate: B }), p: new Exponential({ rate: B0 }), reference: () => exact(sum((i) => Math.log(B[i] / B0[i]) + B0[i] / B[i] - 1, 5)) }),
  },
  {
    rule: 'laplace-laplace',
    name: 'Laplace vs Laplace',
    taus: [undefined],
    build: () => ({
      q: new Laplace({ loc: LOC, scale: B }),
      p: new Laplace({ loc: LOC0, scale: B0 }),
      reference: () => exact(sum((i) => {
        const d = Math.abs(LOC[i] - LOC0[i]);
        return Math.log(B0[i] / B[i]) + d / B0[i] + (B[i] / B0[i]) * Math.exp(-d / B[i]) - 1;
      }, 5)),
    }),
  },
  {
    rule: 'halfnormal-halfnormal',
    name: 'HalfNormal vs HalfNormal',
    taus: [undefined],
    build: () => ({ q: new HalfNormal({ scale: B }), p: new HalfNormal({ scale: B0 }), reference: () => exact(sum((i) => Math.log(B0[i] / B[i]) + B[i] ** 2 / (2 * B0[i] ** 2) - 0.5, 5)) }),
  },
  {
    rule: 'mvn-mvn',
    name: 'MultivariateNormal vs MultivariateNormal (Cholesky)',
    taus: [undefined],
    build: () => ({
      q: new MultivariateNormal({ loc: M, scale_tril: L }),
      p: new MultivariateNormal({ loc: M0, scale_tril: L0 }),
      reference: () => exact(mvnKl64(M, matmul(L, transpose(L)), M0, matmul(L0, transpose(L0)))),
    }),
  },
  {
    rule: 'mvn-mvn',
    name: 'MultivariateNormal vs MultivariateNormalDiag',
    taus: [undefined],
    build: () => ({
      q: new MultivariateNormal({ loc: M, scale_tril: L }),
      p: new MultivariateNormalDiag({ loc: M0, scale_diag: S0 }),
      reference: () => exact(mvnKl64(M, matmul(L, transpose(L)), M0, S0.map((s, i) => S0.map((_, j) => (i === j ? s * s : 0))))),
    }),
  },
];
