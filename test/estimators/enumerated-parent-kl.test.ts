// A latent enumerated per data point whose value another latent's prior reads (found by the model generator,
// issue 13: "Operands could not be broadcast together with shapes 2,3,3 and 2,3" with reinforce(samples = 2)).
// Guide q(e | x) q(z | e), z enumerated; prior p(z) p(e | z). Two defects of the generated objective: q(k) of
// a [B, 1] latent was not summed over its axis (a [B, B] broadcast, silently wrong with one sample), and e's
// sampled log-ratio log q(e) - log p(e | z) was taken at z = the first support value, outside the sum over z.
// Now every KL term that depends on z is inside Σ_k q(k) [...]. Checked against exact float64 enumeration.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { initBackend } from '../../runtime/backend/index.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { loadGenerated } from '../codegen/load-generated.js';

const P = { a: 2, b: -1, c: -3, d: 1.5, f: 2.5, g: 0.4, h: -1.2, k: 3, l: -2, m: -0.5 };

const source = (samples: number) => `model enumpar(a = ${P.a}, b = ${P.b}, c = ${P.c}, d = ${P.d}, f = ${P.f}, g = ${P.g}, h = ${P.h}, k = ${P.k}, l = ${P.l}, m = ${P.m}) {
  data x: [B, 1]
  guide {
    e ~ Bernoulli(logits = a * x + b) with reinforce(baseline = none${samples > 1 ? `, samples = ${samples}` : ''})
    z ~ Bernoulli(logits = c * e + d)
  }
  generative {
    z ~ Bernoulli(logits = g + 0 * x)
    e ~ Bernoulli(logits = f * z + h)
    x ~ Bernoulli(logits = k * e + l * z + m)
  }
  maximize elbo
}
`;

beforeAll(async () => {
  await initBackend('cpu');
});

const logSigmoid = (t: number) => (t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t)));
const logBern = (v: number, t: number) => (v === 1 ? logSigmoid(t) : logSigmoid(-t));

/** Exact ELBO of one data point: Σ_{e,z} q(e|x) q(z|e) [log p(x|e,z) + log p(e|z) + log p(z) - log q(e|x) - log q(z|e)]. */
function exactElbo(x: number): number {
  let elbo = 0;
  for (const e of [0, 1]) {
    for (const z of [0, 1]) {
      const lq = logBern(e, P.a * x + P.b) + logBern(z, P.c * e + P.d);
      elbo += Math.exp(lq) * (logBern(x, P.k * e + P.l * z + P.m) + logBern(e, P.f * z + P.h) + logBern(z, P.g) - lq);
    }
  }
  return elbo;
}

describe('a latent enumerated per data point, read by another latent\'s prior', () => {
  it('is enumerated, and the other latent gets the sampled log-ratio', () => {
    const plan = checkSource('enumpar.sgm', source(1)).plans[0];
    expect(plan.estimators.find((e) => e.node === 'z')?.estimator).toBe('enumerate');
    expect(plan.kl.find((k) => k.latent === 'e')?.rule).toBe('sampled-log-ratio');
  });

  for (const samples of [1, 2]) {
    it(`reinforce(samples = ${samples}): the ELBO estimate is within 4 standard errors of exact enumeration`, async () => {
      const module = await loadGenerated(source(samples), `enumpar${samples}`);
      const model = await module.create({ seed: 0 });
      try {
        const n = 500;
        const xs = Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : 0));
        const batch = { x: tf.tensor2d(xs, [n, 1]) };
        const values: number[] = [];
        for (let seed = 0; seed < 40; seed++) {
          values.push(tf.tidy(() => model.objective(batch, { step: 0, rng: new RandomStream(seed) }).value.dataSync()[0]));
        }
        tf.dispose(batch.x);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const se = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) / values.length);
        const truth = (exactElbo(1) + exactElbo(0)) / 2;
        expect(se).toBeGreaterThan(0);
        expect(Math.abs(mean - truth)).toBeLessThan(4 * se);
      } finally {
        model.dispose();
      }
    });
  }
});
