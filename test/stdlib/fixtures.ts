/**
 * THE fixture table of the stdlib: one entry per distribution configuration; distributions.test.ts runs every
 * check an entry declares. Expected values come from closed forms or from docs/math.md section 9 (cite the source
 * in `source`). Add entries in your section; keep each entry's sampling checks small (≤ 20k draws).
 */
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import type { tf } from '../../stdlib/tf.js';

export interface LogProbCase {
  /** The value at which to evaluate logProb. */
  readonly value: () => tf.Tensor;
  /** Expected logProb (flattened). */
  readonly expected: readonly number[];
  readonly tol: number;
  /** Where the expected numbers come from (closed form, scipy, docs/math.md section 9, ...). */
  readonly source: string;
}

export interface DistributionFixture {
  /** Case label, e.g. 'Poisson(rate=3)'. */
  readonly id: string;
  readonly make: () => Distribution;
  readonly logProb?: readonly LogProbCase[];
  /**
   * Sample-moment check: the mean of `draws` samples (flattened per batch/event entry) lies within
   * `zScore` standard errors of `mean`, using `std` as the per-draw standard deviation.
   */
  readonly moments?: {
    readonly mean: readonly number[];
    readonly std: readonly number[];
    readonly draws: number;
    readonly zScore?: number;
    /** Use rsample instead of sample. */
    readonly reparameterized?: boolean;
  };
  /**
   * Pathwise-gradient check: with the random stream fixed (common random numbers), the gradient of
   * sum(w ⊙ rsample(θ)) with respect to every parameter tensor equals its central finite difference.
   */
  readonly rsampleGradient?: {
    /** Parameter values θ (one array per tensor parameter). */
    readonly params: readonly (readonly number[])[];
    /** Builds the distribution from parameter tensors (e.g. ([mu, sigma]) => new Normal({ mu, sigma })). */
    readonly build: (params: readonly tf.Tensor[]) => Distribution;
    readonly eps?: number;
    readonly tol?: number;
  };
  /** Check that sample/rsample/logProb (and rsample gradients) have no NaN/Inf. */
  readonly finite?: boolean;
}

// ── continuous, IGR ──
// Expected log-densities are scipy/numpy float64 values (scipy.stats.norm/lognorm, and for the IGR family the
// change of variables log N(y|μ,σ) - log|det J| evaluated by hand in numpy at a chosen y, with z = g(y));
// moments are closed forms, or Proposition 2's docs/math.md section 9 vector for IGR_I at τ = 0.01 (E[z] → P(H) as τ → 0).
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_Planar } from '../../stdlib/distributions/igr-planar.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import { LogNormal } from '../../stdlib/distributions/log-normal.js';
import { Normal } from '../../stdlib/distributions/normal.js';
import { Uniform } from '../../stdlib/distributions/uniform.js';
import { tf as tfS1 } from '../../stdlib/tf.js';

const IGR_MU = [0.5, -0.3, 0.1];
const IGR_SIGMA = [0.9, 0.6, 1.2];
/** The planar layer of the IGR_Planar fixture (û by the ‖w‖² rule). */
const planarLayer = (): { w: tfS1.Tensor; u: tfS1.Tensor; b: tfS1.Tensor } => ({
  w: tfS1.tensor1d([0.8, -0.3, 0.5]),
  u: tfS1.tensor1d([-1.5, 0.4, 0.9]),
  b: tfS1.scalar(0.2),
});
/** Extreme Gaussian means for the stability entries: ±100 and 0 on K-1 = 3 coordinates, two batch rows. */
const EXTREME_MU = [
  [100, -100, 0],
  [-100, -100, -100],
];
// Proposition 2 (docs/math.md section 9): μ = (0.5, -0.3, 0.1), σ = 0.9.
const PROP2 = [0.4896002481, 0.147279772, 0.2799914606, 0.0831285194];
const bern = (p: number): number => Math.sqrt(p * (1 - p));
const v1 = (x: number[]): tfS1.Tensor => tfS1.tensor1d(x);

export const FIXTURES_S1: DistributionFixture[] = [
  {
    id: 'Normal(mu=0.5, sigma=1.5)',
    make: () => new Normal({ mu: 0.5, sigma: 1.5 }),
    logProb: [
      { value: () => v1([0.3, -2, 5]), expected: [-1.3332925302017258, -2.713292530201726, -5.824403641312837], tol: 1e-5, source: 'scipy.stats.norm.logpdf' },
    ],
    moments: { mean: [0.5], std: [1.5], draws: 20000 },
    finite: true,
  },
  {
    id: 'Normal(mu=[0.5, -1], sigma=[1.5, 0.3]) rsample gradient',
    make: () => new Normal({ mu: [0.5, -1], sigma: [1.5, 0.3] }),
    moments: { mean: [0.5, -1], std: [1.5, 0.3], draws: 20000, reparameterized: true },
    rsampleGradient: { params: [[0.5, -1], [1.5, 0.3]], build: ([mu, sigma]) => new Normal({ mu, sigma }) },
  },
  {
    id: 'LogNormal(mu=0.2, sigma=0.8)',
    make: () => new LogNormal({ mu: 0.2, sigma: 0.8 }),
    logProb: [
      { value: () => v1([0.5, 1, 3]), expected: [-0.6258602123790953, -0.727044981890463, -2.425269805984618], tol: 1e-5, source: 'scipy.stats.lognorm.logpdf(x, s=0.8, scale=e^0.2)' },
    ],
    // Closed forms: mean e^{μ+σ²/2}, sd √((e^{σ²}-1) e^{2μ+σ²}).
    moments: { mean: [1.6820276496988864], std: [1.5925887594637904], draws: 20000 },
    rsampleGradient: { params: [[0.2, -0.5], [0.8, 0.3]], build: ([mu, sigma]) => new LogNormal({ mu, sigma }) },
    finite: true,
  },
  {
    id: 'Uniform(low=[-1, 2], high=[1, 5])',
    make: () => new Uniform({ low: [-1, 2], high: [1, 5] }),
    logProb: [{ value: () => v1([0.3, 4.9]), expected: [-Math.log(2), -Math.log(3)], tol: 1e-6, source: 'closed form -log(high - low)' }],
    moments: { mean: [0, 3.5], std: [2 / Math.sqrt(12), 3 / Math.sqrt(12)], draws: 20000 },
    rsampleGradient: { params: [[-1, 2], [1, 5]], build: ([low, high]) => new Uniform({ low, high }) },
    finite: true,
  },
  {
    id: 'IGR_I(mu, sigma, tau=0.5)',
    make: () => new IGR_I({ mu: IGR_MU, sigma: IGR_SIGMA, tau: 0.5 }),
    logProb: [
      {
        // z = softmax++(y = (1, -0.5, 0.3), τ = 0.5): the docs/math.md section 9 vector.
        value: () => v1([0.6984609267624375, 0.03477432191300309, 0.17223834397145785, 0.09452640735310147]),
        expected: [3.2093461717547216],
        tol: 2e-4,
        source: 'numpy: Σ norm.logpdf(y, μ, σ) - log|det J| (docs/math.md section 1 log-det) at y = (1, -0.5, 0.3)',
      },
    ],
    rsampleGradient: {
      params: [IGR_MU, IGR_SIGMA],
      build: ([mu, sigma]) => new IGR_I({ mu, sigma, tau: 0.5 }),
    },
    finite: true,
  },
  {
    id: 'IGR_I(mu, sigma, tau=0.5, delta=0.1)',
    make: () => new IGR_I({ mu: IGR_MU, sigma: IGR_SIGMA, tau: 0.5, delta: 0.1 }),
    logProb: [
      {
        value: () => v1([0.7634068204388854, 0.03800778756168442, 0.18825380417254425, 0.01033158782688585]),
        expected: [5.156283919905008],
        tol: 2e-4,
        source: 'numpy change of variables at y = (1, -0.5, 0.3), δ = 0.1 (docs/math.md section 9 vector)',
      },
    ],
    rsampleGradient: { params: [IGR_MU, IGR_SIGMA], build: ([mu, sigma]) => new IGR_I({ mu, sigma, tau: 0.5, delta: 0.1 }) },
  },
  {
    id: 'IGR_I(mu=(0.5, -0.3, 0.1), sigma=0.9, tau=0.01): E[z] ≈ Proposition 2',
    make: () => new IGR_I({ mu: [0.5, -0.3, 0.1], sigma: 0.9, tau: 0.01 }),
    // At τ = 0.01 the relaxed mean differs from P(H) by O(τ), far inside 5 standard errors of 20k draws.
    moments: { mean: PROP2, std: PROP2.map(bern), draws: 20000, reparameterized: true },
    finite: true,
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `IGR_I stability: tau=${tau}, mu up to ±100`,
      make: () => new IGR_I({ mu: EXTREME_MU, sigma: [0.5, 1, 2], tau }),
      finite: true,
      rsampleGradient: tau === 1 ? { params: [[3, -2, 0.5], [0.5, 1, 2]], build: ([mu, sigma]) => new IGR_I({ mu, sigma, tau }) } : undefined,
    }),
  ),
  {
    id: 'IGR_SB(mu, sigma, tau=0.5)',
    make: () => new IGR_SB({ mu: IGR_MU, sigma: IGR_SIGMA, tau: 0.5 }),
    logProb: [
      {
        // z = softmax++(SB(sigmoid(y)), τ) at y = (0.2, -1, 0.5) (the docs/math.md section 9 stick-breaking input).
        value: () => v1([0.4427165385780641, 0.18780388849637028, 0.2220631040217571, 0.1474164689038085]),
        expected: [7.092905132809763],
        tol: 5e-4,
        source: 'numpy: Σ norm.logpdf(y) - (sigmoid + stick-breaking + softmax++ log-dets) at y = (0.2, -1, 0.5)',
      },
    ],
    rsampleGradient: { params: [IGR_MU, IGR_SIGMA], build: ([mu, sigma]) => new IGR_SB({ mu, sigma, tau: 0.5 }) },
    finite: true,
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `IGR_SB stability: tau=${tau}, mu up to ±100`,
      make: () => new IGR_SB({ mu: EXTREME_MU, sigma: [0.5, 1, 2], tau }),
      finite: true,
    }),
  ),
  {
    id: 'IGR_SB(rho=0.9): countably infinite truncation, 30 sticks',
    make: () => new IGR_SB({ mu: new Array(30).fill(-1), sigma: 1, tau: 0.1, rho: 0.9 }),
    finite: true,
  },
  {
    id: 'IGR_Planar(mu, sigma, tau=0.5, one fixed layer)',
    make: () => new IGR_Planar({ mu: IGR_MU, sigma: IGR_SIGMA, tau: 0.5, flow: [planarLayer()] }),
    logProb: [
      {
        // z = softmax++(f(y)) at y = (1, -0.5, 0.3).
        value: () => v1([0.05911357386129708, 0.05083479156106357, 0.8121670402400063, 0.07788459433763308]),
        expected: [4.125032395043489],
        tol: 5e-4,
        source: 'numpy: Σ norm.logpdf(y) - log|1 + (1 - tanh²) ûᵀw| - softmax++ log-det at y = (1, -0.5, 0.3)',
      },
    ],
    rsampleGradient: {
      params: [IGR_MU, IGR_SIGMA],
      build: ([mu, sigma]) => new IGR_Planar({ mu, sigma, tau: 0.5, flow: [planarLayer()] }),
    },
    finite: true,
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `IGR_Planar stability: tau=${tau}, mu up to ±100, two default layers`,
      make: () => new IGR_Planar({ mu: EXTREME_MU, sigma: [0.5, 1, 2], tau }),
      finite: true,
    }),
  ),
];

// ── discrete, Gumbel-Softmax, GenGS ──
// Expected values below are float64 closed forms written out here (explicit products and sums of logs), not
// calls into the stdlib; docs/math.md section 9 numbers are quoted where they apply.
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { Binomial } from '../../stdlib/distributions/binomial.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import { ExpConcrete } from '../../stdlib/distributions/exp-concrete.js';
import { GenGS } from '../../stdlib/distributions/gen-gs.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { GumbelSoftmax } from '../../stdlib/distributions/gumbel-softmax.js';
import { Multinomial } from '../../stdlib/distributions/multinomial.js';
import { NegativeBinomial } from '../../stdlib/distributions/negative-binomial.js';
import { OneHotCategorical } from '../../stdlib/distributions/one-hot-categorical.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { RelaxedBernoulli } from '../../stdlib/distributions/relaxed-bernoulli.js';
import { tf as tfS2 } from '../../stdlib/tf.js';
import { concreteLogDensity, logFact, logSumExp, softmax } from './helpers/reference-pmf.js';

/** Binary Concrete density (Maddison et al. 2017 eq. (21)): τ α x^{-τ-1}(1-x)^{-τ-1} / (α x^{-τ} + (1-x)^{-τ})². */
const binaryConcreteLogDensity = (logit: number, tau: number, x: number): number => {
  const a = Math.exp(logit);
  return (
    Math.log(tau * a) - (tau + 1) * (Math.log(x) + Math.log(1 - x)) - 2 * Math.log(a * Math.pow(x, -tau) + Math.pow(1 - x, -tau))
  );
};
// docs/math.md section 9: truncated Poisson(3), n = 10.
const POISSON3_PI = [
  0.0497870684, 0.1493612051, 0.2240418077, 0.2240418077, 0.1680313557, 0.1008188134, 0.0504094067, 0.0216040315,
  0.0081015118, 0.0038029921,
];
const POISSON3_MEAN = 2.998513417;
const POISSON3_STD = Math.sqrt(POISSON3_PI.reduce((a, p, k) => a + p * (k - POISSON3_MEAN) ** 2, 0));
const t = (x: number[] | number[][]): tfS2.Tensor => tfS2.tensor(x);
const sd = (p: number): number => Math.sqrt(p * (1 - p));

export const FIXTURES_S2: DistributionFixture[] = [
  {
    id: 'Bernoulli(probs=[0.2, 0.9])',
    make: () => new Bernoulli({ probs: [0.2, 0.9] }),
    logProb: [
      { value: () => t([1, 0]), expected: [Math.log(0.2), Math.log(0.1)], tol: 1e-5, source: 'closed form log p, log(1-p)' },
    ],
    moments: { mean: [0.2, 0.9], std: [sd(0.2), sd(0.9)], draws: 20000 },
    finite: true,
  },
  {
    id: 'Bernoulli(logits=[100, -100])',
    make: () => new Bernoulli({ logits: [100, -100] }),
    logProb: [{ value: () => t([1, 1]), expected: [0, -100], tol: 1e-5, source: 'log σ(±100) = -softplus(∓100)' }],
    finite: true,
  },
  {
    id: 'Categorical(logits=[[1, 2, 3], [0, 0, -1]])',
    make: () => new Categorical({ logits: [[1, 2, 3], [0, 0, -1]] }),
    logProb: [
      {
        value: () => t([2, 0]),
        expected: [3 - logSumExp([1, 2, 3]), 0 - logSumExp([0, 0, -1])],
        tol: 1e-5,
        source: 'closed form ℓ_k - logsumexp(ℓ)',
      },
    ],
    moments: (() => {
      const ps = [softmax([1, 2, 3]), softmax([0, 0, -1])];
      const mean = ps.map((p) => p.reduce((a, v, k) => a + k * v, 0));
      const std = ps.map((p, i) => Math.sqrt(p.reduce((a, v, k) => a + v * (k - mean[i]) ** 2, 0)));
      return { mean, std, draws: 20000 };
    })(),
    finite: true,
  },
  {
    id: 'OneHotCategorical(probs=[0.5, 0.3, 0.2])',
    make: () => new OneHotCategorical({ probs: [0.5, 0.3, 0.2] }),
    logProb: [{ value: () => t([[0, 1, 0], [0, 0, 1]]), expected: [Math.log(0.3), Math.log(0.2)], tol: 1e-5, source: 'log p_k' }],
    moments: { mean: [0.5, 0.3, 0.2], std: [sd(0.5), sd(0.3), sd(0.2)], draws: 20000 },
    finite: true,
  },
  {
    id: 'Poisson(rate=[3, 25])',
    make: () => new Poisson({ rate: [3, 25] }),
    logProb: [
      {
        value: () => t([4, 30]),
        expected: [4 * Math.log(3) - 3 - logFact(4), 30 * Math.log(25) - 25 - logFact(30)],
        tol: 2e-5,
        source: 'closed form k log λ - λ - log k!',
      },
    ],
    // λ = 25 exercises PTRS, λ = 3 inversion.
    moments: { mean: [3, 25], std: [Math.sqrt(3), 5], draws: 20000 },
    finite: true,
  },
  {
    id: 'Binomial(total_count=[20, 200], probs=[0.3, 0.8])',
    make: () => new Binomial({ total_count: [20, 200], probs: [0.3, 0.8] }),
    logProb: [
      {
        value: () => t([5, 150]),
        expected: [
          logFact(20) - logFact(5) - logFact(15) + 5 * Math.log(0.3) + 15 * Math.log(0.7),
          logFact(200) - logFact(150) - logFact(50) + 150 * Math.log(0.8) + 50 * Math.log(0.2),
        ],
        tol: 1e-4,
        source: 'closed form log C(N, k) + k log p + (N-k) log(1-p)',
      },
    ],
    // N p = 6 uses inversion, N min(p, 1-p) = 40 uses BTRS.
    moments: { mean: [6, 160], std: [Math.sqrt(20 * 0.21), Math.sqrt(200 * 0.16)], draws: 20000 },
    finite: true,
  },
  {
    id: 'Geometric(probs=[0.3, 0.9])',
    make: () => new Geometric({ probs: [0.3, 0.9] }),
    logProb: [
      { value: () => t([5, 0]), expected: [5 * Math.log(0.7) + Math.log(0.3), Math.log(0.9)], tol: 1e-5, source: 'k log(1-p) + log p' },
    ],
    moments: { mean: [0.7 / 0.3, 0.1 / 0.9], std: [Math.sqrt(0.7) / 0.3, Math.sqrt(0.1) / 0.9], draws: 20000 },
    finite: true,
  },
  {
    id: 'NegativeBinomial(total_count=[3, 0.5], probs=0.4)',
    make: () => new NegativeBinomial({ total_count: [3, 0.5], probs: 0.4 }),
    logProb: [
      {
        // C(4, 2) 0.4² 0.6³ = 0.20736; r = 0.5, k = 1: Γ(1.5)/(Γ(0.5) 1!) 0.4 · 0.6^0.5 = 0.5 · 0.4 · √0.6.
        value: () => t([2, 1]),
        expected: [Math.log(0.20736), Math.log(0.5 * 0.4 * Math.sqrt(0.6))],
        tol: 1e-5,
        source: 'closed form C(k+r-1, k) p^k (1-p)^r (torch convention)',
      },
    ],
    moments: {
      mean: [2, 0.5 * (0.4 / 0.6)],
      std: [Math.sqrt((3 * 0.4) / 0.36), Math.sqrt((0.5 * 0.4) / 0.36)],
      draws: 20000,
    },
    finite: true,
  },
  {
    id: 'Multinomial(total_count=3, probs=[0.7, 0.2, 0.1])',
    make: () => new Multinomial({ total_count: 3, probs: [0.7, 0.2, 0.1] }),
    logProb: [
      {
        value: () => t([[2, 1, 0], [0, 0, 3]]),
        expected: [Math.log(3 * 0.49 * 0.2), Math.log(0.001)],
        tol: 1e-5,
        source: 'closed form N!/Π x_k! Π p_k^x_k',
      },
    ],
    moments: { mean: [2.1, 0.6, 0.3], std: [Math.sqrt(3 * 0.21), Math.sqrt(3 * 0.16), Math.sqrt(3 * 0.09)], draws: 20000 },
    finite: true,
  },
  {
    id: 'GumbelSoftmax(logits=[1, 0, -1], tau=0.5)',
    make: () => new GumbelSoftmax({ logits: [1, 0, -1], tau: 0.5 }),
    logProb: [
      {
        value: () => t([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]]),
        expected: [concreteLogDensity([1, 0, -1], 0.5, [0.6, 0.3, 0.1]), concreteLogDensity([1, 0, -1], 0.5, [0.2, 0.2, 0.6])],
        tol: 1e-4,
        source: 'Concrete density, GS paper eq. (6) in float64',
      },
    ],
    rsampleGradient: { params: [[1, 0, -1]], build: ([logits]) => new GumbelSoftmax({ logits, tau: 0.5 }) },
    finite: true,
  },
  {
    // Straight-through: the forward values are exact Gumbel-max draws, so their mean is softmax(logits).
    id: 'GumbelSoftmax(logits=[1, 0, -1], tau=0.5, hard)',
    make: () => new GumbelSoftmax({ logits: [1, 0, -1], tau: 0.5, hard: true }),
    moments: { mean: softmax([1, 0, -1]), std: softmax([1, 0, -1]).map(sd), draws: 20000, reparameterized: true },
    finite: true,
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `GumbelSoftmax(logits=[100, -100, 0], tau=${tau})`,
      make: () => new GumbelSoftmax({ logits: [100, -100, 0], tau }),
      finite: true,
    }),
  ),
  {
    id: 'ExpConcrete(logits=[1, 0, -1], tau=0.5)',
    make: () => new ExpConcrete({ logits: [1, 0, -1], tau: 0.5 }),
    logProb: [
      {
        value: () => tfS2.log(t([0.6, 0.3, 0.1])),
        // Change of variables y = log z: ExpConcrete density = Concrete density × Π z_k.
        expected: [concreteLogDensity([1, 0, -1], 0.5, [0.6, 0.3, 0.1]) + Math.log(0.6 * 0.3 * 0.1)],
        tol: 1e-4,
        source: 'Concrete density (Jang et al. eq. (3), IGR v1 eq. (7)) plus Σ log z: the consistency of docs/math.md section 6',
      },
    ],
    rsampleGradient: { params: [[1, 0, -1]], build: ([logits]) => new ExpConcrete({ logits, tau: 0.5 }) },
    finite: true,
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `ExpConcrete(logits=[100, -100, 0], tau=${tau})`,
      make: () => new ExpConcrete({ logits: [100, -100, 0], tau }),
      finite: true,
    }),
  ),
  {
    id: 'RelaxedBernoulli(logits=[0.5, -1], tau=0.5)',
    make: () => new RelaxedBernoulli({ logits: [0.5, -1], tau: 0.5 }),
    logProb: [
      {
        value: () => t([0.3, 0.9]),
        expected: [binaryConcreteLogDensity(0.5, 0.5, 0.3), binaryConcreteLogDensity(-1, 0.5, 0.9)],
        tol: 1e-4,
        source: 'binary Concrete density, Maddison et al. 2017 eq. (21), in float64',
      },
    ],
    rsampleGradient: { params: [[0.5, -1]], build: ([logits]) => new RelaxedBernoulli({ logits, tau: 0.5 }) },
    finite: true,
  },
  {
    id: 'RelaxedBernoulli(logits=[0.5, -1], tau=0.5, hard)',
    make: () => new RelaxedBernoulli({ logits: [0.5, -1], tau: 0.5, hard: true }),
    moments: {
      mean: [1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(1))],
      std: [sd(1 / (1 + Math.exp(-0.5))), sd(1 / (1 + Math.exp(1)))],
      draws: 20000,
      reparameterized: true,
    },
    finite: true,
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `RelaxedBernoulli(logits=[100, -100, 0], tau=${tau})`,
      make: () => new RelaxedBernoulli({ logits: [100, -100, 0], tau }),
      finite: true,
    }),
  ),
  {
    id: 'GenGS(Poisson(3), trunc=10, tau=0.5)',
    make: () => new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau: 0.5 }),
    logProb: [
      {
        value: () => t([4, 9.4, 0.2]),
        expected: [Math.log(POISSON3_PI[4]), Math.log(POISSON3_PI[9]), Math.log(POISSON3_PI[0])],
        tol: 2e-5,
        source: 'docs/math.md section 9 truncated Poisson(3), n = 10 (values rounded to the nearest cell)',
      },
    ],
    rsampleGradient: {
      params: [[3]],
      build: ([rate]) => new GenGS({ base: new Poisson({ rate }), trunc: 10, tau: 0.5 }),
    },
    finite: true,
  },
  {
    // Hard draws are exact draws of the truncated distribution: mean E[Z] of docs/math.md section 9.
    id: 'GenGS(Poisson(3), trunc=10, hard)',
    make: () => new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau: 0.5, hard: true }),
    moments: { mean: [POISSON3_MEAN], std: [POISSON3_STD], draws: 20000, reparameterized: true },
  },
  ...[1, 0.1, 0.01].map(
    (tau): DistributionFixture => ({
      id: `GenGS(logits=[100, -100, 0, 3], tau=${tau})`,
      make: () => new GenGS({ logits: [100, -100, 0, 3], tau }),
      finite: true,
    }),
  ),
  {
    id: 'GenGS(Multinomial(3, [0.7, 0.2, 0.1]), hard)',
    make: () => new GenGS({ base: new Multinomial({ total_count: 3, probs: [0.7, 0.2, 0.1] }), tau: 0.5, hard: true }),
    logProb: [{ value: () => t([2, 1, 0]), expected: [Math.log(3 * 0.49 * 0.2)], tol: 1e-5, source: 'multinomial pmf' }],
    moments: {
      mean: [2.1, 0.6, 0.3],
      std: [Math.sqrt(3 * 0.21), Math.sqrt(3 * 0.16), Math.sqrt(3 * 0.09)],
      draws: 20000,
      reparameterized: true,
    },
    finite: true,
  },
  {
    id: 'GenGS(NegativeBinomial(3, 0.4), trunc=[0, 39], hard)',
    make: () =>
      new GenGS({ base: new NegativeBinomial({ total_count: 3, probs: 0.4 }), trunc: [0, 39], tau: 0.3, hard: true }),
    // The tail beyond 39 is ~1e-10, far below the sampling error, so the untruncated moments apply.
    moments: { mean: [2], std: [Math.sqrt((3 * 0.4) / 0.36)], draws: 20000, reparameterized: true },
    finite: true,
  },
];

/** Every fixture. */
import { FIXTURES_CONTINUOUS } from './fixtures-continuous.js';

export const FIXTURES: readonly DistributionFixture[] = [...FIXTURES_S1, ...FIXTURES_S2, ...FIXTURES_CONTINUOUS];
