// The IGR distributions (docs/math.md section 3): density by change of variables against a sampling histogram,
// exact densities from the latent at low τ, stability with gradients at τ ∈ {1, 0.1, 0.01} and μ = ±100,
// straight-through, the countably infinite truncation, shapes and argument checks.
import { describe, expect, it } from 'vitest';
import type { IgrBase } from '../../stdlib/distributions/igr-base.js';
import { IGR_I } from '../../stdlib/distributions/igr-i.js';
import { IGR_Planar } from '../../stdlib/distributions/igr-planar.js';
import { IGR_SB } from '../../stdlib/distributions/igr-sb.js';
import { igrDiscreteProbs } from '../../stdlib/igr/discrete-recovery.js';
import { klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { allFinite } from './helpers/jacobian.js';

const oneLayer = (w: number, u: number, b: number) => [{ w: tf.tensor1d([w]), u: tf.tensor1d([u]), b: tf.scalar(b) }];
type Make = (mu: tf.Tensor | number[] | number[][], sigma: tf.Tensor | number[], tau: number) => IgrBase;
const FAMILIES: readonly [string, Make][] = [
  ['IGR_I', (mu, sigma, tau) => new IGR_I({ mu, sigma, tau })],
  ['IGR_SB', (mu, sigma, tau) => new IGR_SB({ mu, sigma, tau })],
  ['IGR_Planar', (mu, sigma, tau) => new IGR_Planar({ mu, sigma, tau })],
];

describe('IGR density: change of variables vs sampling histogram (K = 2, τ = 1)', () => {
  const cases: [string, () => IgrBase][] = [
    ['IGR_I', () => new IGR_I({ mu: [0.4], sigma: [0.8], tau: 1 })],
    ['IGR_SB', () => new IGR_SB({ mu: [0.4], sigma: [0.8], tau: 1 })],
    ['IGR_Planar', () => new IGR_Planar({ mu: [0.4], sigma: [0.8], tau: 1, flow: oneLayer(1.3, 0.9, -0.2) })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: bin frequencies of z₁ match ∫ exp(logProb) over each bin within 5 standard errors`, () => {
      const draws = 20000;
      const bins = 10;
      tf.tidy(() => {
        const d = make();
        const z1 = Array.from(tf.slice(d.rsample(new RandomStream(17), [draws]), [0, 0], [draws, 1]).dataSync());
        const lo = Math.min(...z1);
        const hi = Math.max(...z1);
        const width = (hi - lo) / bins;
        const counts = new Array<number>(bins).fill(0);
        for (const v of z1) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
        // Simpson with 64 panels per bin on the density of z₁ (z₂ = 1 - z₁ is determined for K = 2).
        const n = 64;
        const grid = Array.from({ length: bins * n + 1 }, (_, i) => lo + (i * width) / n);
        const dens = Array.from(tf.exp(d.logProb(tf.stack([tf.tensor1d(grid), tf.sub(1, tf.tensor1d(grid))], 1))).dataSync());
        for (let b = 0; b < bins; b++) {
          let s = dens[b * n] + dens[(b + 1) * n];
          for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * dens[b * n + i];
          const mass = (s * width) / n / 3;
          const freq = counts[b] / draws;
          expect(Math.abs(freq - mass)).toBeLessThanOrEqual(5 * Math.sqrt((mass * (1 - mass)) / draws) + 2e-3);
        }
      });
    });
  }
});

describe('IGR densities at low temperature', () => {
  for (const [name, make] of FAMILIES) {
    it(`${name}: logProb(z) = logProbFromLatent(y) at τ = 0.5; logProbFromLog(log z) stays exact at τ = 0.01`, () => {
      tf.tidy(() => {
        const mid = make([0.5, -0.3, 0.1], [0.9, 0.6, 1.2], 0.5).rsampleDetailed(new RandomStream(2), [50]);
        const d = make([0.5, -0.3, 0.1], [0.9, 0.6, 1.2], 0.5);
        const diff = tf.max(tf.abs(tf.sub(d.logProb(mid.z), d.logProbFromLatent(mid.y)))).dataSync()[0];
        expect(diff).toBeLessThan(5e-3);
        const cold = make([0.5, -0.3, 0.1], [0.9, 0.6, 1.2], 0.01);
        const draw = cold.rsampleDetailed(new RandomStream(3), [50]);
        const exact = cold.logProbFromLatent(draw.y);
        const fromLog = cold.logProbFromLog(draw.logZ);
        expect(allFinite(exact.dataSync())).toBe(true);
        // Relative agreement: both are ~10³ here (the -(K-1) log τ and Σ log g terms are large).
        const rel = tf.max(tf.div(tf.abs(tf.sub(exact, fromLog)), tf.add(tf.abs(exact), 1))).dataSync()[0];
        expect(rel).toBeLessThan(1e-3);
      });
    });
  }
});

describe('stability: τ ∈ {1, 0.1, 0.01}, μ up to ±100', () => {
  const extreme = [
    [100, -100, 0],
    [-100, -100, -100],
    [100, 100, 99.99],
  ];
  for (const [name, make] of FAMILIES) {
    for (const tau of [1, 0.1, 0.01]) {
      it(`${name} at τ = ${tau}: samples, log-probs and their gradients are finite`, () => {
        tf.tidy(() => {
          const mu = tf.tensor2d(extreme);
          const sigma = tf.tensor1d([0.5, 1, 2]);
          const draw = make(mu, sigma, tau).rsampleDetailed(new RandomStream(5), [16]);
          for (const t of [draw.z, draw.logZ, draw.y, draw.x, draw.hard]) expect(allFinite(t.dataSync())).toBe(true);
          const d = make(mu, sigma, tau);
          expect(allFinite(d.logProb(draw.z).dataSync())).toBe(true);
          expect(allFinite(d.logProbFromLatent(draw.y).dataSync())).toBe(true);
          const f = (m: tf.Tensor, s: tf.Tensor): tf.Scalar => {
            const q = make(m, s, tau);
            const r = q.rsampleDetailed(new RandomStream(5), [16]);
            const w = tf.linspace(0.5, 1.5, 4);
            return tf.add(tf.sum(tf.mul(r.z, w)), tf.mean(q.logProbFromLatent(r.y))) as tf.Scalar;
          };
          const grads = tf.grads(f)([mu, sigma]);
          for (const g of grads) expect(allFinite(g.dataSync())).toBe(true);
        });
      });
    }
  }
});

describe('IGR sampling API', () => {
  it.each(FAMILIES)('%s: rsample (the training path, no extras) draws exactly rsampleDetailed(...).z for one seed', (_, make) => {
    tf.tidy(() => {
      const d = make([[0.5, -0.3, 0.1], [2, -1, 0]], [0.9, 0.6, 1.2], 0.3);
      const z = d.rsample(new RandomStream(11), [4]);
      const detailed = d.rsampleDetailed(new RandomStream(11), [4]).z;
      expect(z.shape).toEqual(detailed.shape);
      expect(Array.from(z.dataSync())).toEqual(Array.from(detailed.dataSync()));
    });
  });

  it('shapes: rsample [...sampleShape, ...batch, K]; logProb [...sampleShape, ...batch]; sample has no gradient', () => {
    tf.tidy(() => {
      const d = new IGR_I({ mu: [[0.5, -0.3, 0.1], [0, 0, 0]], sigma: 1, tau: 0.5 });
      expect(d.batchShape).toEqual([2]);
      expect(d.eventShape).toEqual([4]);
      const z = d.rsample(new RandomStream(1), [5, 3]);
      expect(z.shape).toEqual([5, 3, 2, 4]);
      expect(d.logProb(z).shape).toEqual([5, 3, 2]);
      const sums = Array.from(tf.sum(z, -1).dataSync());
      sums.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-5));
      const g = tf.grad((m: tf.Tensor) => tf.sum(new IGR_I({ mu: m, sigma: 1, tau: 0.5 }).sample(new RandomStream(1), [4])))(tf.zeros([3]));
      expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
    });
  });

  it('straight-through: the forward value is h(x), the gradient is that of the relaxed z', () => {
    tf.tidy(() => {
      const mu = tf.tensor1d([0.5, -0.3, 0.1]);
      const w = tf.tensor1d([1, 2, 3, 4]);
      const st = new IGR_I({ mu, sigma: 0.9, tau: 0.5 }).rsampleStraightThrough(new RandomStream(8), [10]);
      const detailed = new IGR_I({ mu, sigma: 0.9, tau: 0.5 }).rsampleDetailed(new RandomStream(8), [10]);
      expect(Array.from(st.dataSync())).toEqual(Array.from(detailed.hard.dataSync()));
      const gSt = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(new IGR_I({ mu: m, sigma: 0.9, tau: 0.5 }).rsampleStraightThrough(new RandomStream(8), [10]), w)))(mu);
      const gZ = tf.grad((m: tf.Tensor) => tf.sum(tf.mul(new IGR_I({ mu: m, sigma: 0.9, tau: 0.5 }).rsample(new RandomStream(8), [10]), w)))(mu);
      Array.from(gSt.dataSync()).forEach((v, i) => expect(Math.abs(v - gZ.dataSync()[i])).toBeLessThan(1e-6));
    });
  });

  it('IGR_SB with rho reports the categories each draw uses and the quantile truncation', () => {
    tf.tidy(() => {
      // Both rules recounted in float64 from the draw: the paper's sums z = g(y, τ) (IGR v2 eq. (19)), the
      // authors' code sums the sticks w; 1 + #{k : cumsum_k ≤ ρ} of the first 30 entries (at most 30), plus
      // softmax++'s category.
      const recount = (rows: number[][]) =>
        rows.map((row) => {
          let cum = 0;
          let below = 0;
          for (const v of row.slice(0, 30)) if ((cum += v) <= 0.9) below++;
          return Math.min(below + 1, 30) + 1;
        });
      for (const rule of ['softmax', 'sticks'] as const) {
        const d = new IGR_SB({ mu: new Array(30).fill(-1.5), sigma: 0.5, tau: 0.1, rho: 0.9, ...(rule === 'sticks' ? { truncationRule: rule } : {}) });
        expect(d.truncationRule).toBe(rule);
        const draw = d.rsampleDetailed(new RandomStream(4), [200]);
        expect(draw.z.shape).toEqual([200, 31]);
        const used = Array.from((draw.categoriesUsed as tf.Tensor).dataSync());
        expect(used).toEqual(recount((rule === 'sticks' ? draw.x : draw.z).arraySync() as number[][]));
        const sorted = [...used].sort((a, b) => a - b);
        expect(draw.truncation).toBe(sorted[Math.ceil(0.7 * 200) - 1]);
        expect((draw.truncatedZ as tf.Tensor).shape).toEqual([200, draw.truncation as number]);
        expect(draw.truncation).toBeLessThan(31);
      }
      const finite = new IGR_SB({ mu: [0, 0], sigma: 1, tau: 0.5 }).rsampleDetailed(new RandomStream(1));
      expect(finite.categoriesUsed).toBeUndefined();
      expect(() => new IGR_SB({ mu: [0, 0], sigma: 1, tau: 0.5, truncationRule: 'w' as 'sticks' })).toThrow(RangeError);
    });
  });

  it('IGR_SB truncation at low τ: the paper rule stops at the chosen category, the sticks rule near the cap (issue 13 item 8)', () => {
    tf.tidy(() => {
      // A fit that puts its mass on category 50 (as Poisson(50)'s mode): sticks 0..49 small (sigmoid(-6) ≈ 0.0025),
      // stick 50 large (sigmoid(4) ≈ 0.98), the rest small. At τ = 0.01, z is nearly one-hot at 50, so its
      // cumulative mass passes ρ = 0.99 there: 51 sticks + 1 = 52 categories. The sticks' own cumulative mass is
      // ≈ 0.98 after stick 50 and creeps up by 0.25% of the remainder per stick: it never reaches 0.99 before K.
      const K = 100;
      const mu = Array.from({ length: K - 1 }, (_, k) => (k === 50 ? 4 : -6));
      const paper = new IGR_SB({ mu, sigma: 0.1, tau: 0.01, rho: 0.99 }).rsampleDetailed(new RandomStream(2), [500]);
      const code = new IGR_SB({ mu, sigma: 0.1, tau: 0.01, rho: 0.99, truncationRule: 'sticks' }).rsampleDetailed(new RandomStream(2), [500]);
      const values = (t: tf.Tensor) => Array.from(t.dataSync());
      expect(new Set(values(paper.categoriesUsed as tf.Tensor))).toEqual(new Set([52]));
      expect(Math.min(...values(code.categoriesUsed as tf.Tensor))).toBeGreaterThan(90);
    });
  });

  it('rejects invalid parameters', () => {
    expect(() => new IGR_I({ mu: [0, 1], sigma: [1, 0], tau: 0.5 })).toThrow(RangeError);
    expect(() => new IGR_I({ mu: [0, 1], sigma: 1, tau: 0 })).toThrow(RangeError);
    expect(() => new IGR_I({ mu: [0, 1], sigma: 1, tau: 0.5, delta: 0 })).toThrow(RangeError);
    expect(() => new IGR_SB({ mu: [0, 1], sigma: 1, tau: 0.5, rho: 1 })).toThrow(RangeError);
    expect(() => tf.tidy(() => void new IGR_Planar({ mu: [0, 1], sigma: 1, tau: 0.5, flow: oneLayer(1, 1, 0) }))).toThrow(RangeError);
  });

  it('IGR_Planar keeps its flow and defaults to 2 seeded layers', () => {
    tf.tidy(() => {
      const a = new IGR_Planar({ mu: [0, 1, 2], sigma: 1, tau: 0.5 });
      const b = new IGR_Planar({ mu: [0, 1, 2], sigma: 1, tau: 0.5, layers: 3 });
      expect(a.layers).toBe(2);
      expect(b.flow.length).toBe(3);
      expect(Array.from(a.flow[0].w.dataSync())).toEqual(Array.from(b.flow[0].w.dataSync()));
    });
  });

  it('leaks no tensors: sampling, densities, KL, straight-through, recovery (τ given as a scalar tensor)', () => {
    const mu = tf.tensor2d([[0.5, -0.3, 0.1], [1, 2, -3]]);
    const sigma = tf.scalar(0.7);
    const tau = tf.scalar(0.3);
    const dists: IgrBase[] = [
      new IGR_I({ mu, sigma, tau }),
      new IGR_SB({ mu, sigma, tau, rho: 0.9 }),
      new IGR_Planar({ mu, sigma, tau, flow: [] }),
    ];
    const rng = new RandomStream(1);
    const before = tf.memory().numTensors;
    for (const d of dists) {
      const draw = d.rsampleDetailed(rng, [4]);
      tf.dispose([d.rsample(rng, [3]), d.sample(rng), d.rsampleStraightThrough(rng), d.logProb(draw.z), d.logProbFromLog(draw.logZ)]);
      tf.dispose(Object.values(draw).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
      tf.dispose(klDivergence(d, d, { rng, samples: 2 }));
    }
    tf.dispose(igrDiscreteProbs(mu, sigma));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([mu, sigma, tau]);
  });
});

