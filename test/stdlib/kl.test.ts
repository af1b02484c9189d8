// KL divergences: every closed form against an independent float64 computation, the Monte Carlo estimators
// against quadrature within a confidence bound, stability at τ = 0.01, and the dispatcher's choices.
import { describe, expect, it } from 'vitest';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import { ExpConcrete } from '../../stdlib/distributions/exp-concrete.js';
import { GenGS } from '../../stdlib/distributions/gen-gs.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { GumbelSoftmax } from '../../stdlib/distributions/gumbel-softmax.js';
import { OneHotCategorical } from '../../stdlib/distributions/one-hot-categorical.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { RelaxedBernoulli } from '../../stdlib/distributions/relaxed-bernoulli.js';
import { explainKl, klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { klGenGSGenGS } from '../../stdlib/kl/gengs-gengs.js';
import { KL_COMPUTE } from '../../stdlib/kl/register-all.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { geometricPmf, poissonPmf, softmax } from './helpers/reference-pmf.js';

const read = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const categoricalKl = (q: readonly number[], p: readonly number[]): number =>
  q.reduce((a, qk, k) => (qk > 0 ? a + qk * Math.log(qk / p[k]) : a), 0);

/**
 * KL between the logit-space densities of two binary Concretes (logistic with location ℓ/τ, scale 1/τ) and the
 * standard deviation of log q - log p under q, by the midpoint rule in float64.
 */
function binaryConcreteKl(lq: number, tq: number, lp: number, tp: number): { kl: number; sd: number } {
  const logLogistic = (l: number, t: number, y: number): number => {
    const a = l - t * y;
    return Math.log(t) + a - 2 * (a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a)));
  };
  let m1 = 0;
  let m2 = 0;
  const h = 1e-3;
  for (let y = lq / tq - 80 / tq; y < lq / tq + 80 / tq; y += h / tq) {
    const lqy = logLogistic(lq, tq, y);
    const d = lqy - logLogistic(lp, tp, y);
    m1 += Math.exp(lqy) * d * (h / tq);
    m2 += Math.exp(lqy) * d * d * (h / tq);
  }
  return { kl: m1, sd: Math.sqrt(m2 - m1 * m1) };
}

describe('closed forms', () => {
  it('Categorical-Categorical (and OneHotCategorical, batched) equals Σ q log(q/p) in float64', () => {
    const q = [[0.2, 0.5, 0.3], [0, 0.4, 0.6]];
    const p = [0.1, 0.6, 0.3];
    const got = read(tf.tidy(() => klDivergence(new Categorical({ probs: q }), new OneHotCategorical({ probs: p }))));
    q.forEach((row, b) => expect(Math.abs(got[b] - categoricalKl(row, p))).toBeLessThan(1e-6));
  });

  it('Bernoulli-Bernoulli equals the float64 formula and stays finite (with gradients) at logits ±100', () => {
    const got = read(tf.tidy(() => klDivergence(new Bernoulli({ probs: [0.3, 0.9] }), new Bernoulli({ probs: 0.6 }))));
    [0.3, 0.9].forEach((qk, b) => expect(Math.abs(got[b] - categoricalKl([qk, 1 - qk], [0.6, 0.4]))).toBeLessThan(1e-6));
    tf.tidy(() => {
      const f = (l: tf.Tensor): tf.Scalar =>
        tf.sum(klDivergence(new Bernoulli({ logits: l }), new Bernoulli({ logits: [-100, 100, 0] }))) as tf.Scalar;
      const { value, grad } = tf.valueAndGrad(f)(tf.tensor([100, -100, 3]));
      // KL(σ(100) ‖ σ(-100)) = 100·σ(100)·2 - ... ≈ 200 (two opposite near-certain coins).
      expect(Math.abs(value.dataSync()[0] - (200 + categoricalKl(softmax([3, 0]), [0.5, 0.5])))).toBeLessThan(1e-3);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('Poisson-Poisson equals the enumeration sum Σ_k p(k) log(p(k)/q(k)) in float64', () => {
    const got = read(tf.tidy(() => klDivergence(new Poisson({ rate: [0.5, 4, 30] }), new Poisson({ rate: 6 }))));
    [0.5, 4, 30].forEach((lambda, b) => {
      let sum = 0;
      for (let k = 0; k < 200; k++) {
        const pk = poissonPmf(lambda, k);
        if (pk > 0) sum += pk * (Math.log(pk) - Math.log(poissonPmf(6, k)));
      }
      expect(Math.abs(got[b] - sum)).toBeLessThan(2e-5 * Math.max(1, sum));
    });
  });

  it('GenGS-GenGS with the same truncation is the categorical KL of the truncated pmfs', () => {
    const truncated = (lambda: number): number[] => {
      const head = Array.from({ length: 9 }, (_, k) => poissonPmf(lambda, k));
      return [...head, 1 - head.reduce((a, b) => a + b, 0)];
    };
    const got = read(
      tf.tidy(() =>
        klDivergence(
          new GenGS({ base: new Poisson({ rate: 3 }), trunc: 10, tau: 0.5 }),
          new GenGS({ base: new Poisson({ rate: 5 }), trunc: 10, tau: 1 }),
        ),
      ),
    );
    expect(Math.abs(got[0] - categoricalKl(truncated(3), truncated(5)))).toBeLessThan(1e-5);
    // Different cells: the pair computation refuses, the dispatcher falls back (see below).
    expect(() =>
      tf.tidy(() => klGenGSGenGS(new GenGS({ logits: [0, 1] }), new GenGS({ logits: [0, 1, 2] }), {})),
    ).toThrow(RangeError);
  });
});

describe('Monte Carlo estimators', () => {
  const S = 20000;

  it('RelaxedBernoulli pair (logit space) is within 5 standard errors of quadrature', () => {
    const ref = binaryConcreteKl(1.5, 0.5, -0.5, 0.8);
    const got = read(
      tf.tidy(() =>
        klDivergence(new RelaxedBernoulli({ logits: 1.5, tau: 0.5 }), new RelaxedBernoulli({ logits: -0.5, tau: 0.8 }), {
          rng: new RandomStream(1),
          samples: S,
        }),
      ),
    );
    expect(Math.abs(got[0] - ref.kl)).toBeLessThan((5 * ref.sd) / Math.sqrt(S));
  });

  it('Concrete pair (log space, K = 2) is within 5 standard errors of the binary-Concrete quadrature', () => {
    // KL of the K = 2 Concretes equals that of the binary Concretes with ℓ = ℓ1 - ℓ2 (same map to z1).
    const ref = binaryConcreteKl(1.5, 0.5, -0.5, 0.8);
    const got = read(
      tf.tidy(() =>
        klDivergence(new GumbelSoftmax({ logits: [1.5, 0], tau: 0.5 }), new ExpConcrete({ logits: [0, 0.5], tau: 0.8 }), {
          rng: new RandomStream(2),
          samples: S,
        }),
      ),
    );
    expect(Math.abs(got[0] - ref.kl)).toBeLessThan((5 * ref.sd) / Math.sqrt(S));
  });

  it('generic MC (Poisson ‖ Geometric, no rsample) is within 5 standard errors of the enumeration sum', () => {
    let kl = 0;
    let m2 = 0;
    for (let k = 0; k < 100; k++) {
      const d = Math.log(poissonPmf(3, k)) - Math.log(geometricPmf(0.3, k));
      kl += poissonPmf(3, k) * d;
      m2 += poissonPmf(3, k) * d * d;
    }
    const sd = Math.sqrt(m2 - kl * kl);
    const got = read(
      tf.tidy(() => klDivergence(new Poisson({ rate: 3 }), new Geometric({ probs: 0.3 }), { rng: new RandomStream(3), samples: S })),
    );
    expect(Math.abs(got[0] - kl)).toBeLessThan((5 * sd) / Math.sqrt(S));
  });

  it('GS KL at τ = 0.01 with logits ±100: finite values and gradients; batch shapes broadcast', () => {
    tf.tidy(() => {
      const f = (l: tf.Tensor, t: tf.Tensor): tf.Scalar =>
        tf.sum(
          klDivergence(new GumbelSoftmax({ logits: l, tau: t }), new GumbelSoftmax({ logits: [[0, 0, 0], [100, -100, 0]], tau: 0.01 }), {
            rng: new RandomStream(4),
            samples: 16,
          }),
        ) as tf.Scalar;
      const l = tf.tensor([100, -100, 0]);
      const t = tf.scalar(0.01);
      const value = f(l, t);
      expect(value.shape).toEqual([]);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      const grads = tf.grads(f)([l, t]);
      expect(grads.every((g) => Array.from(g.dataSync()).every(Number.isFinite))).toBe(true);
      const shaped = klDivergence(new GumbelSoftmax({ logits: [1, 0, 0], tau: 0.5 }), new GumbelSoftmax({ logits: [[0, 0, 0], [0, 1, 0]], tau: 0.5 }), {
        rng: new RandomStream(5),
      });
      expect(shaped.shape).toEqual([2]);
    });
  });

  it('Monte Carlo without a random stream is an error that names the rule', () => {
    expect(() => tf.tidy(() => klDivergence(new GumbelSoftmax({ logits: [0, 1], tau: 1 }), new GumbelSoftmax({ logits: [0, 0], tau: 1 })))).toThrow(
      /concrete-concrete-mc.*rng/,
    );
  });
});

describe('dispatcher', () => {
  const plan = (q: () => Parameters<typeof explainKl>[0], p: () => Parameters<typeof explainKl>[1]) =>
    tf.tidy(() => {
      const e = explainKl(q(), p());
      return { method: e.method, rule: e.rule, reason: e.reason };
    });

  it('picks the documented rule for each pair', () => {
    expect(plan(() => new Categorical({ probs: [0.5, 0.5] }), () => new OneHotCategorical({ probs: [0.2, 0.8] })).rule).toBe('categorical-categorical');
    expect(plan(() => new Bernoulli({ probs: 0.5 }), () => new Bernoulli({ probs: 0.2 })).rule).toBe('bernoulli-bernoulli');
    expect(plan(() => new Poisson({ rate: 1 }), () => new Poisson({ rate: 2 }))).toMatchObject({ method: 'closed_form', rule: 'poisson-poisson' });
    expect(
      plan(
        () => new GenGS({ base: new Poisson({ rate: 1 }), trunc: 10 }),
        () => new GenGS({ logits: tf.zeros([10]), trunc: 10, tau: 0.3 }),
      ).rule,
    ).toBe('gengs-gengs');
    expect(plan(() => new GumbelSoftmax({ logits: [0, 1], tau: 0.1 }), () => new ExpConcrete({ logits: [0, 0], tau: 1 }))).toMatchObject({
      method: 'mc',
      rule: 'concrete-concrete-mc',
    });
    expect(plan(() => new RelaxedBernoulli({ logits: 0, tau: 0.1 }), () => new RelaxedBernoulli({ logits: 1, tau: 0.1 })).rule).toBe(
      'relaxed-bernoulli-mc',
    );
  });

  it('falls back to generic Monte Carlo with the reason', () => {
    const differentCells = plan(
      () => new GenGS({ base: new Poisson({ rate: 1 }), trunc: 10 }),
      () => new GenGS({ base: new Poisson({ rate: 1 }), trunc: [0, 11] }),
    );
    // GenGS with other cells: the enumerated discrete KL over q's cells (rule gengs-enumerated), not generic MC.
    expect(differentCells.rule).toBe('gengs-enumerated');
    const noPair = plan(() => new Poisson({ rate: 1 }), () => new Geometric({ probs: 0.5 }));
    expect(noPair).toMatchObject({ method: 'mc', rule: 'generic-mc' });
    expect(noPair.reason).toMatch(/no registered pair for Poisson-Geometric/);
  });

  it('honours a forced method and reports a rule whose computation is not registered', () => {
    tf.tidy(() => {
      const q = new Poisson({ rate: 1 });
      const p = new Poisson({ rate: 2 });
      expect(explainKl(q, p, { method: 'mc' })).toMatchObject({ rule: 'generic-mc', method: 'mc' });
      expect(explainKl(q, p, { method: 'mc' }).reason).toMatch(/requested instead of the closed form \(poisson-poisson\)/);
      const gs = new GumbelSoftmax({ logits: [0, 1], tau: 1 });
      expect(() => explainKl(gs, gs, { method: 'closed_form' })).toThrow(/no closed-form KL for GumbelSoftmax/);
      const withoutPoisson = Object.fromEntries(Object.entries(KL_COMPUTE).filter(([id]) => id !== 'poisson-poisson'));
      const fallback = explainKl(q, p, {}, withoutPoisson);
      expect(fallback.rule).toBe('generic-mc');
      expect(fallback.reason).toMatch(/rule 'poisson-poisson' has no registered computation yet/);
    });
  });

  it('forced Monte Carlo on a closed-form pair agrees with the closed form', () => {
    const [closed, mc] = tf.tidy(() => {
      const q = new Categorical({ probs: [0.2, 0.5, 0.3] });
      const p = new Categorical({ probs: [0.4, 0.4, 0.2] });
      return [klDivergence(q, p).dataSync()[0], klDivergence(q, p, { method: 'mc', rng: new RandomStream(6), samples: 20000 }).dataSync()[0]];
    });
    // Per-draw log-ratio has sd < 0.7 here; 5 standard errors of 20000 draws is < 0.025.
    expect(Math.abs(mc - closed)).toBeLessThan(0.025);
  });

  it('describes statics canonically: tau as a number and as a tensor agree', () => {
    tf.tidy(() => {
      const a = explainKl(new GumbelSoftmax({ logits: [0, 1], tau: 0.1 }), new GumbelSoftmax({ logits: [0, 1], tau: tf.scalar(0.1) }));
      expect(a.q.statics.tau).toBe(a.p.statics.tau);
    });
  });
});
