// Issue 16 item 1: MixtureSameFamily against float64 references written here (log-density by a direct
// log Σ w_k N(x | μ_k, σ_k²) in float64, mean and variance by the law of total variance, KL by quadrature),
// sample moments within 4 standard errors, and the estimator/KL plans the compiler picks for it.
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import { MixtureSameFamily } from '../../stdlib/distributions/mixture-same-family.js';
import { MultivariateNormalDiag } from '../../stdlib/distributions/multivariate-normal-diag.js';
import { Normal } from '../../stdlib/distributions/normal.js';
import { explainKl, klDivergence } from '../../stdlib/kl/kl-divergence.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

/** float64 log N(x | m, s²). */
const logNormal64 = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
/** float64 log Σ_k exp(a_k), max-shifted. */
const lse64 = (a: number[]) => {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
};
/** float64 normalised weights of logits. */
const softmax64 = (l: number[]) => {
  const z = lse64(l);
  return l.map((v) => Math.exp(v - z));
};
/** float64 log density of a 1-D Gaussian mixture. */
const mixLogPdf64 = (x: number, logits: number[], mu: number[], s: number[]) => {
  const w = softmax64(logits);
  return lse64(w.map((wk, k) => Math.log(wk) + logNormal64(x, mu[k], s[k])));
};

const LOGITS = [0.3, -1.2, 0.9];
const MU = [-2, 0.5, 3];
const S = [0.5, 1.5, 0.8];
const mix1d = () => new MixtureSameFamily({ mixture: new Categorical({ logits: LOGITS }), components: new Normal({ mu: MU, sigma: S }) });

describe('MixtureSameFamily log density', () => {
  it('1-D Normal components [K = 3]: matches float64, including points far in the tails', () => {
    const xs = [-2, 0, 0.5, 1.7, 3, -40, 60];
    const got = Array.from(mix1d().logProb(tf.tensor1d(xs)).dataSync());
    const want = xs.map((x) => mixLogPdf64(x, LOGITS, MU, S));
    // At x = 60 every component density is below float32's range (log ≈ -5e3): the log-sum-exp must stay finite.
    for (let i = 0; i < xs.length; i++) expect(Math.abs(got[i] - want[i]), `x = ${xs[i]}: ${got[i]} vs ${want[i]}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i])));
  });

  it('MultivariateNormalDiag components [B = 2, K = 2, D = 3] with per-row weights: matches float64', () => {
    const logits = [[0.1, -0.4], [2, -1]];
    const mu = [[[0, 1, -1], [2, 2, 0]], [[-1, 0, 0.5], [1, -2, 3]]];
    const s = [[[1, 0.5, 2], [0.7, 0.7, 0.7]], [[1.2, 0.3, 1], [2, 1, 0.4]]];
    const x = [[0.5, 1.5, -0.2], [0.8, -1.5, 2.5]];
    const d = new MixtureSameFamily({ mixture: new Categorical({ logits }), components: new MultivariateNormalDiag({ loc: mu, scale_diag: s }) });
    expect([d.batchShape, d.eventShape]).toEqual([[2], [3]]);
    const got = Array.from(d.logProb(tf.tensor2d(x)).dataSync());
    for (let b = 0; b < 2; b++) {
      const w = softmax64(logits[b]);
      const want = lse64(w.map((wk, k) => Math.log(wk) + x[b].reduce((acc, xi, i) => acc + logNormal64(xi, mu[b][k][i], s[b][k][i]), 0)));
      expect(Math.abs(got[b] - want), `row ${b}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
    }
  });

  it('gradients of the log density in the far tail are finite (no 0/0 from an underflowed sum)', () => {
    const logits = tf.tensor1d(LOGITS);
    const mu = tf.tensor1d(MU);
    const g = tf.grads((l: tf.Tensor, m: tf.Tensor) =>
      tf.sum(new MixtureSameFamily({ mixture: new Categorical({ logits: l }), components: new Normal({ mu: m, sigma: S }) }).logProb(tf.tensor1d([60, -40]))),
    )([logits, mu]);
    for (const t of g) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describe('MixtureSameFamily moments', () => {
  const w = softmax64(LOGITS);
  const mean64 = w.reduce((a, wk, k) => a + wk * MU[k], 0);
  const var64 = w.reduce((a, wk, k) => a + wk * (S[k] ** 2 + MU[k] ** 2), 0) - mean64 ** 2;

  it('mean() and variance() equal the float64 closed forms', () => {
    const d = mix1d();
    expect(d.mean().dataSync()[0]).toBeCloseTo(mean64, 5);
    expect(d.variance().dataSync()[0]).toBeCloseTo(var64, 4);
  });

  it('20,000 draws: mean and variance within 4 standard errors of the closed forms; component frequencies too', () => {
    const n = 20_000;
    const x = Float64Array.from(mix1d().sample(new RandomStream(11), [n]).dataSync());
    const m = x.reduce((a, v) => a + v, 0) / n;
    const v = x.reduce((a, xi) => a + (xi - m) ** 2, 0) / (n - 1);
    expect(Math.abs(m - mean64) / Math.sqrt(var64 / n)).toBeLessThan(4);
    // SE of the sample variance: sqrt((μ4 - σ⁴) / n), μ4 the fourth central moment (float64, by components).
    const mu4 = w.reduce((a, wk, k) => {
      const d = MU[k] - mean64;
      return a + wk * (d ** 4 + 6 * d ** 2 * S[k] ** 2 + 3 * S[k] ** 4);
    }, 0);
    expect(Math.abs(v - var64) / Math.sqrt((mu4 - var64 ** 2) / n)).toBeLessThan(4);
    // The component separated from the others (μ = 3, σ = 0.8) is picked with probability ≈ w_2 (x > 1.6 is
    // almost only it): a check that draws come from the weights, not from the mean of the components.
    const high = x.filter((xi) => xi > 1.6).length / n;
    const pHigh = w.reduce((a, wk, k) => a + wk * 0.5 * erfc64((1.6 - MU[k]) / (S[k] * Math.SQRT2)), 0);
    expect(Math.abs(high - pHigh) / Math.sqrt((pHigh * (1 - pHigh)) / n)).toBeLessThan(4);
  });

  it('vector components: draws have shape [n, B, D] and per-coordinate means within 4 SE', () => {
    const d = new MixtureSameFamily({
      mixture: new Categorical({ logits: [0, Math.log(3)] }),
      components: new MultivariateNormalDiag({ loc: [[[-1, 4], [2, 0]]], scale_diag: 0.5 }),
    });
    const n = 10_000;
    const x = d.sample(new RandomStream(5), [n]);
    expect(x.shape).toEqual([n, 1, 2]);
    const mean = Array.from(d.mean().dataSync());
    const sd = Array.from(d.variance().dataSync()).map(Math.sqrt);
    expect(mean[0]).toBeCloseTo(0.25 * -1 + 0.75 * 2, 5);
    const emp = Array.from(tf.mean(x, 0).dataSync());
    for (let i = 0; i < 2; i++) expect(Math.abs(emp[i] - mean[i]) / (sd[i] / Math.sqrt(n)), `coordinate ${i}`).toBeLessThan(4);
  });
});

/** float64 complementary error function (Numerical Recipes' erfcc, |error| < 1.2e-7). */
function erfc64(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

describe('MixtureSameFamily KL: no closed form, generic Monte Carlo', () => {
  /** float64 KL by the trapezoid rule on [-30, 30] with step 1e-3. */
  const klQuad = (logQ: (x: number) => number, logP: (x: number) => number) => {
    let s = 0;
    for (let x = -30; x <= 30; x += 1e-3) {
      const lq = logQ(x);
      s += Math.exp(lq) * (lq - logP(x)) * 1e-3;
    }
    return s;
  };

  it('KL(mixture ‖ Normal) and KL(Normal ‖ mixture) by generic MC are within 4 SE of float64 quadrature', () => {
    const p = new Normal({ mu: 0.5, sigma: 2 });
    const m = mix1d();
    expect(explainKl(m, p).rule).toBe('generic-mc');
    expect(explainKl(p, m).rule).toBe('generic-mc');
    const n = 20_000;
    const cases: [string, number, tf.Tensor, number][] = [
      ['mix‖N', klQuad((x) => mixLogPdf64(x, LOGITS, MU, S), (x) => logNormal64(x, 0.5, 2)), klDivergence(m, p, { rng: new RandomStream(3), samples: n }), 0],
      ['N‖mix', klQuad((x) => logNormal64(x, 0.5, 2), (x) => mixLogPdf64(x, LOGITS, MU, S)), klDivergence(p, m, { rng: new RandomStream(4), samples: n }), 1],
    ];
    for (const [name, want, got, seed] of cases) {
      // The SE of the MC mean: the sd of log q - log p over a second set of draws (float64).
      const q = seed === 0 ? m : p;
      const z = q.sample(new RandomStream(20 + seed), [n]);
      const r = Float64Array.from(tf.sub(q.logProb(z), (seed === 0 ? p : m).logProb(z)).dataSync());
      const mean = r.reduce((a, v) => a + v, 0) / n;
      const se = Math.sqrt(r.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) / n);
      expect(Math.abs(got.dataSync()[0] - want) / se, `${name}: MC ${got.dataSync()[0]} vs quadrature ${want}`).toBeLessThan(4);
    }
  });
});

describe('the plans sgm makes for a mixture', () => {
  const plan = (src: string) => {
    const r = compileSource('m.sgm', src, {});
    return { codes: r.diagnostics.map((d) => d.code), code: r.code ?? '' };
  };

  it('a latent mixture in the guide gets REINFORCE (not pathwise) with warning SGM4007; pathwise is refused (SGM5001)', () => {
    const latent = (w: string) => `model m(K = 3) {
  data x: [B, 2]
  guide {
    h = dense(x, [8])
    z ~ MixtureSameFamily(Categorical(logits = dense(h, [2, K])), Normal(dense(h, [2, K]), 1)) ${w}
  }
  generative {
    z ~ Normal(0, 1) : [B, 2]
    x ~ Normal(z, 1)
  }
  maximize elbo
}`;
    const auto = plan(latent(''));
    expect(auto.codes).toEqual(['SGM4007']);
    expect(auto.code).toContain("estimator: 'reinforce'");
    expect(plan(latent('with pathwise')).codes).toContain('SGM5001');
  });

  it('shape rule: Normal components need K on their last axis (SGM3002); a non-Categorical mixture is SGM2107', () => {
    const m = (dist: string) => `model m(K = 3, D = 2) {
  data x: [B, D]
  param w: [K] = 0
  param mu: [K, D] = 0
  x ~ ${dist}
  maximize loglik(x)
}`;
    expect(plan(m('MixtureSameFamily(Categorical(logits = w), MultivariateNormalDiag(mu, 1))')).codes).toEqual([]);
    expect(plan(m('MixtureSameFamily(Categorical(logits = w), Normal(mu, 1))')).codes).toEqual(['SGM3002']);
    expect(plan(m('MixtureSameFamily(Bernoulli(logits = w), MultivariateNormalDiag(mu, 1))')).codes).toEqual(['SGM2107']);
    expect(plan(m('MixtureSameFamily(Categorical(logits = w), Poisson(exp(mu)))')).codes).toEqual(['SGM2107']);
  });
});

describe('MixtureSameFamily score function', () => {
  it('E[(z - b) ∇ log q(z)] over 20,000 draws equals the exact gradient of E[z] (logits and means) within 4 SE', () => {
    const w = softmax64(LOGITS);
    const mean64 = w.reduce((a, wk, k) => a + wk * MU[k], 0);
    // d E[z] / d logit_j = w_j (μ_j - E[z]); d E[z] / d μ_k = w_k.
    const exact = [...w.map((wj, j) => wj * (MU[j] - mean64)), ...w];
    const n = 20_000;
    const logits = tf.tensor1d(LOGITS);
    const mu = tf.tensor1d(MU);
    const z = mix1d().sample(new RandomStream(31), [n]);
    // Per-draw scores: the Jacobian of the n log densities, taken as the gradient of each draw's weighted sum.
    const f = tf.sub(z, mean64); // baseline b = E[z]: E[∇ log q] = 0 keeps the estimate unbiased
    const terms: number[][] = [];
    for (const t of [logits, mu]) {
      const perDraw = tf.tidy(() => {
        // ∇_θ Σ_i f_i log q(z_i) gives the mean numerator; the per-coordinate SE needs per-draw values, so the
        // gradient of each coordinate is also computed on 10 disjoint blocks of draws (block means).
        const blocks = 10;
        const size = n / blocks;
        return Array.from({ length: blocks }, (_, b) => {
          const zb = z.slice([b * size], [size]);
          const fb = f.slice([b * size], [size]);
          const g = tf.grad((theta: tf.Tensor) => {
            const d = new MixtureSameFamily({
              mixture: new Categorical({ logits: t === logits ? theta : logits }),
              components: new Normal({ mu: t === mu ? theta : mu, sigma: S }),
            });
            return tf.div(tf.sum(tf.mul(fb, d.logProb(zb))), size);
          })(t);
          return Array.from(g.dataSync());
        });
      });
      terms.push(...perDraw[0].map((_, k) => perDraw.map((row) => row[k])));
    }
    terms.forEach((blockMeans, j) => {
      const m = blockMeans.reduce((a, v) => a + v, 0) / blockMeans.length;
      const se = Math.sqrt(blockMeans.reduce((a, v) => a + (v - m) ** 2, 0) / (blockMeans.length - 1) / blockMeans.length);
      expect(Math.abs(m - exact[j]) / se, `coordinate ${j}: ${m} vs ${exact[j]}`).toBeLessThan(4);
    });
  });
});

describe('MixtureSameFamily outside every support', () => {
  it('Uniform components: -inf (not NaN) outside all of them, the float64 value inside', async () => {
    const { Uniform } = await import('../../stdlib/distributions/uniform.js');
    const d = new MixtureSameFamily({ mixture: new Categorical({ probs: [0.25, 0.75] }), components: new Uniform({ low: [0, 2], high: [1, 4] }) });
    const got = Array.from(d.logProb(tf.tensor1d([0.5, 3, 1.5, -7])).dataSync());
    expect(got[0]).toBeCloseTo(Math.log(0.25), 5);
    expect(got[1]).toBeCloseTo(Math.log(0.75 / 2), 5);
    expect(got.slice(2)).toEqual([-Infinity, -Infinity]);
  });
});
