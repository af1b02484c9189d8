/**
 * Fixtures of the continuous families of issue 16 (Gamma, Beta, Dirichlet, Exponential, Laplace, StudentT,
 * HalfNormal, MultivariateNormal, MultivariateNormalDiag), run by distributions.test.ts like the others. Expected
 * log-densities are float64 closed forms evaluated here with the test's own log Γ (helpers/float64-ref.ts) and, for
 * the multivariate Normal, the covariance LLᵀ inverted by Gauss-Jordan (not the Cholesky solve under test). Moments
 * are closed forms, checked within 4 standard errors of 20,000 reparameterized draws.
 */
import { Beta } from '../../stdlib/distributions/beta.js';
import { Dirichlet } from '../../stdlib/distributions/dirichlet.js';
import { Exponential } from '../../stdlib/distributions/exponential.js';
import { Gamma } from '../../stdlib/distributions/gamma.js';
import { HalfNormal } from '../../stdlib/distributions/half-normal.js';
import { Laplace } from '../../stdlib/distributions/laplace.js';
import { MultivariateNormalDiag } from '../../stdlib/distributions/multivariate-normal-diag.js';
import { MultivariateNormal } from '../../stdlib/distributions/multivariate-normal.js';
import { StudentT } from '../../stdlib/distributions/student-t.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import { MixtureSameFamily } from '../../stdlib/distributions/mixture-same-family.js';
import { Normal } from '../../stdlib/distributions/normal.js';
import { tf } from '../../stdlib/tf.js';
import type { DistributionFixture } from './fixtures.js';
import { lgammaRef, matmul, mvnLogDensityRef, transpose } from './helpers/float64-ref.js';

const t1 = (x: number[]): tf.Tensor => tf.tensor1d(x);
const LN2PI = Math.log(2 * Math.PI);

const GAMMA_A = [0.5, 3, 40];
const GAMMA_B = [2, 1, 0.5];
const GAMMA_X = [0.1, 2.5, 75];
const gammaLp = (a: number, b: number, x: number) => a * Math.log(b) + (a - 1) * Math.log(x) - b * x - lgammaRef(a);

const BETA_A = [0.3, 2, 10];
const BETA_B = [0.7, 5, 10];
const BETA_X = [0.05, 0.3, 0.55];
const lbeta = (a: number, b: number) => lgammaRef(a) + lgammaRef(b) - lgammaRef(a + b);
const betaLp = (a: number, b: number, x: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta(a, b);
const betaSd = (a: number, b: number) => Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));

const DIR = [0.2, 1, 3];
const DIR0 = DIR.reduce((s, v) => s + v, 0);
const dirLp = (x: number[]) =>
  lgammaRef(DIR0) - DIR.reduce((s, a) => s + lgammaRef(a), 0) + DIR.reduce((s, a, i) => s + (a - 1) * Math.log(x[i]), 0);

const T_DF = [3, 9];
const T_LOC = [0.5, -1];
const T_SCALE = [2, 0.5];
const tLp = (nu: number, m: number, s: number, x: number) =>
  lgammaRef((nu + 1) / 2) - lgammaRef(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(s) - ((nu + 1) / 2) * Math.log1p(((x - m) / s) ** 2 / nu);

const MVN_LOC = [1, -1, 0.5];
const MVN_L = [
  [1, 0, 0],
  [0.5, 2, 0],
  [-0.3, 0.2, 0.7],
];
const MVN_COV = matmul(MVN_L, transpose(MVN_L));
const MVN_X = [0.2, 0.4, -0.1];

export const FIXTURES_CONTINUOUS: DistributionFixture[] = [
  {
    id: 'Gamma(concentration=[0.5, 3, 40], rate=[2, 1, 0.5])',
    make: () => new Gamma({ concentration: GAMMA_A, rate: GAMMA_B }),
    logProb: [
      { value: () => t1(GAMMA_X), expected: GAMMA_X.map((x, i) => gammaLp(GAMMA_A[i], GAMMA_B[i], x)), tol: 2e-4, source: 'float64 closed form' },
    ],
    moments: { mean: GAMMA_A.map((a, i) => a / GAMMA_B[i]), std: GAMMA_A.map((a, i) => Math.sqrt(a) / GAMMA_B[i]), draws: 20000, zScore: 4, reparameterized: true },
    // With α fixed the standard Gamma draw is common to both sides, so the rate's pathwise gradient (-z/β) is
    // checked by finite differences; α's implicit gradient is checked in continuous-families.test.ts.
    rsampleGradient: { params: [GAMMA_B], build: ([rate]) => new Gamma({ concentration: GAMMA_A, rate }) },
    finite: true,
  },
  {
    id: 'Beta(concentration1=[0.3, 2, 10], concentration0=[0.7, 5, 10])',
    make: () => new Beta({ concentration1: BETA_A, concentration0: BETA_B }),
    logProb: [{ value: () => t1(BETA_X), expected: BETA_X.map((x, i) => betaLp(BETA_A[i], BETA_B[i], x)), tol: 2e-4, source: 'float64 closed form' }],
    moments: { mean: BETA_A.map((a, i) => a / (a + BETA_B[i])), std: BETA_A.map((a, i) => betaSd(a, BETA_B[i])), draws: 20000, zScore: 4, reparameterized: true },
    finite: true,
  },
  {
    id: 'Dirichlet(concentration=[0.2, 1, 3])',
    make: () => new Dirichlet({ concentration: DIR }),
    logProb: [
      { value: () => t1([0.1, 0.3, 0.6]), expected: [dirLp([0.1, 0.3, 0.6])], tol: 2e-4, source: 'float64 closed form' },
      { value: () => tf.tensor2d([[0.01, 0.2, 0.79], [0.5, 0.25, 0.25]]), expected: [dirLp([0.01, 0.2, 0.79]), dirLp([0.5, 0.25, 0.25])], tol: 2e-4, source: 'float64 closed form' },
    ],
    moments: {
      mean: DIR.map((a) => a / DIR0),
      std: DIR.map((a) => Math.sqrt((a * (DIR0 - a)) / (DIR0 * DIR0 * (DIR0 + 1)))),
      draws: 20000,
      zScore: 4,
      reparameterized: true,
    },
    finite: true,
  },
  {
    id: 'Exponential(rate=[0.5, 4])',
    make: () => new Exponential({ rate: [0.5, 4] }),
    logProb: [{ value: () => t1([3, 0.1]), expected: [Math.log(0.5) - 1.5, Math.log(4) - 0.4], tol: 1e-5, source: 'closed form' }],
    moments: { mean: [2, 0.25], std: [2, 0.25], draws: 20000, zScore: 4, reparameterized: true },
    rsampleGradient: { params: [[0.5, 4]], build: ([rate]) => new Exponential({ rate }) },
    finite: true,
  },
  {
    id: 'Laplace(loc=[0, -2], scale=[1, 0.3])',
    make: () => new Laplace({ loc: [0, -2], scale: [1, 0.3] }),
    logProb: [{ value: () => t1([0.7, -2.5]), expected: [-Math.log(2) - 0.7, -Math.log(0.6) - 0.5 / 0.3], tol: 1e-5, source: 'closed form' }],
    moments: { mean: [0, -2], std: [Math.SQRT2, 0.3 * Math.SQRT2], draws: 20000, zScore: 4, reparameterized: true },
    rsampleGradient: { params: [[0, -2], [1, 0.3]], build: ([loc, scale]) => new Laplace({ loc, scale }) },
    finite: true,
  },
  {
    id: 'StudentT(df=[3, 9], loc=[0.5, -1], scale=[2, 0.5])',
    make: () => new StudentT({ df: T_DF, loc: T_LOC, scale: T_SCALE }),
    logProb: [{ value: () => t1([4, -1.2]), expected: [tLp(3, 0.5, 2, 4), tLp(9, -1, 0.5, -1.2)], tol: 2e-4, source: 'float64 closed form' }],
    moments: { mean: T_LOC, std: T_DF.map((nu, i) => T_SCALE[i] * Math.sqrt(nu / (nu - 2))), draws: 20000, zScore: 4, reparameterized: true },
    rsampleGradient: { params: [T_LOC, T_SCALE], build: ([loc, scale]) => new StudentT({ df: T_DF, loc, scale }) },
    finite: true,
  },
  {
    id: 'HalfNormal(scale=[1, 0.2])',
    make: () => new HalfNormal({ scale: [1, 0.2] }),
    logProb: [
      { value: () => t1([0.5, 0.3]), expected: [Math.log(2) - 0.5 * LN2PI - 0.125, Math.log(2) - 0.5 * LN2PI - Math.log(0.2) - 0.5 * 1.5 ** 2], tol: 1e-5, source: 'closed form' },
      { value: () => t1([2, 0]), expected: [Math.log(2) - 0.5 * LN2PI - 2, Math.log(2) - 0.5 * LN2PI - Math.log(0.2)], tol: 1e-5, source: 'closed form, with the edge x = 0' },
    ],
    moments: { mean: [1, 0.2].map((s) => s * Math.sqrt(2 / Math.PI)), std: [1, 0.2].map((s) => s * Math.sqrt(1 - 2 / Math.PI)), draws: 20000, zScore: 4, reparameterized: true },
    rsampleGradient: { params: [[1, 0.2]], build: ([scale]) => new HalfNormal({ scale }) },
    finite: true,
  },
  {
    id: 'MultivariateNormal(loc, scale_tril) in 3 dimensions',
    make: () => new MultivariateNormal({ loc: MVN_LOC, scale_tril: MVN_L }),
    logProb: [
      { value: () => t1(MVN_X), expected: [mvnLogDensityRef(MVN_X, MVN_LOC, MVN_COV)], tol: 1e-4, source: 'float64 from the inverted covariance' },
      {
        value: () => tf.tensor2d([MVN_LOC, [3, 1, -2]]),
        expected: [mvnLogDensityRef(MVN_LOC, MVN_LOC, MVN_COV), mvnLogDensityRef([3, 1, -2], MVN_LOC, MVN_COV)],
        tol: 1e-4,
        source: 'float64 from the inverted covariance',
      },
    ],
    moments: { mean: MVN_LOC, std: MVN_COV.map((row, i) => Math.sqrt(row[i])), draws: 20000, zScore: 4, reparameterized: true },
    rsampleGradient: {
      params: [MVN_LOC, MVN_L.flat()],
      build: ([loc, l]) => new MultivariateNormal({ loc, scale_tril: tf.reshape(l, [3, 3]) }),
    },
    finite: true,
  },
  {
    id: 'MultivariateNormalDiag(loc=[0.3, -0.2], scale_diag=[0.5, 2])',
    make: () => new MultivariateNormalDiag({ loc: [0.3, -0.2], scale_diag: [0.5, 2] }),
    logProb: [
      {
        value: () => t1([0, 1]),
        expected: [-LN2PI - Math.log(0.5) - Math.log(2) - 0.5 * ((0.3 / 0.5) ** 2 + (1.2 / 2) ** 2)],
        tol: 1e-5,
        source: 'closed form',
      },
    ],
    moments: { mean: [0.3, -0.2], std: [0.5, 2], draws: 20000, zScore: 4, reparameterized: true },
    rsampleGradient: { params: [[0.3, -0.2], [0.5, 2]], build: ([loc, scale]) => new MultivariateNormalDiag({ loc, scale_diag: scale }) },
    finite: true,
  },
  {
    // Weights 1/4, 3/4; mean 1/4·(-1) + 3/4·2 = 1.25; variance Σ w (σ² + μ²) - 1.25² = 2.5 (law of total variance).
    id: 'MixtureSameFamily(Categorical(logits=[0, log 3]), Normal(mu=[-1, 2], sigma=[0.5, 1]))',
    make: () => new MixtureSameFamily({ mixture: new Categorical({ logits: [0, Math.log(3)] }), components: new Normal({ mu: [-1, 2], sigma: [0.5, 1] }) }),
    logProb: [
      {
        value: () => t1([0, 2.5, -30]),
        expected: [0, 2.5, -30].map((x) => {
          const a = Math.log(0.25) - 0.5 * ((x + 1) / 0.5) ** 2 - Math.log(0.5) - 0.5 * LN2PI;
          const b = Math.log(0.75) - 0.5 * (x - 2) ** 2 - 0.5 * LN2PI;
          const m = Math.max(a, b);
          return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        }),
        tol: 2e-4,
        source: 'float64 log-sum-exp of the two weighted Normal log densities',
      },
    ],
    moments: { mean: [1.25], std: [Math.sqrt(2.5)], draws: 20000, zScore: 4 },
    finite: true,
  },
];
