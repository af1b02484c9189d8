// Issue 13 item 1: every sampler and log-density can run on the gradient tape. tfjs registers no gradient for
// comparisons (Less, Greater, Equal, ...), so one inside a sampler or a support mask on a path from a parameter
// makes tf.grad throw "gradient function not found" at the first training step. Score-function estimators
// differentiate log q at a draw made from parameters on the tape; pathwise ones differentiate through rsample.
import { describe, expect, it } from 'vitest';
import { Bernoulli } from '../../stdlib/distributions/bernoulli.js';
import { Binomial } from '../../stdlib/distributions/binomial.js';
import { Categorical } from '../../stdlib/distributions/categorical.js';
import type { Distribution } from '../../stdlib/distributions/distribution.js';
import { Geometric } from '../../stdlib/distributions/geometric.js';
import { Multinomial } from '../../stdlib/distributions/multinomial.js';
import { NegativeBinomial } from '../../stdlib/distributions/negative-binomial.js';
import { OneHotCategorical } from '../../stdlib/distributions/one-hot-categorical.js';
import { Poisson } from '../../stdlib/distributions/poisson.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { FIXTURES } from './fixtures.js';

/** The gradient of Σ logProb(draw(d)) with respect to θ, where d is built from θ on the tape. */
function gradientThroughDraw(theta: readonly number[], build: (t: tf.Tensor) => Distribution, draw: (d: Distribution, rng: RandomStream) => tf.Tensor): number[] {
  return tf.tidy(() => {
    const t = tf.tensor1d([...theta]);
    const g = tf.grad((x: tf.Tensor) => {
      const d = build(x);
      return tf.sum(d.logProb(draw(d, new RandomStream(3))));
    })(t);
    return Array.from(g.dataSync());
  });
}

const LOGITS = [0.3, -1.2, 2];
const DISCRETE: Array<[string, (t: tf.Tensor) => Distribution]> = [
  ['Bernoulli', (t) => new Bernoulli({ logits: t })],
  ['Categorical', (t) => new Categorical({ logits: t })],
  ['OneHotCategorical', (t) => new OneHotCategorical({ logits: t })],
  ['Poisson', (t) => new Poisson({ rate: tf.exp(t) })],
  ['Binomial', (t) => new Binomial({ total_count: 5, logits: t })],
  ['Geometric', (t) => new Geometric({ logits: t })],
  ['NegativeBinomial', (t) => new NegativeBinomial({ total_count: 3, logits: t })],
  ['Multinomial', (t) => new Multinomial({ total_count: 4, logits: t })],
];

describe('score function: log q at a draw, both made from parameters on the tape', () => {
  it.each(DISCRETE)('%s', (_name, build) => {
    const g = gradientThroughDraw(LOGITS, build, (d, rng) => d.sample(rng));
    expect(g).toHaveLength(3);
    expect(g.every(Number.isFinite)).toBe(true);
    // The score is not identically zero: the draw carries no gradient, log q does.
    expect(g.some((v) => v !== 0)).toBe(true);
  });
});

describe('pathwise: log q at a reparameterized draw, on the tape', () => {
  const cases = FIXTURES.filter((f) => f.rsampleGradient).map((f) => [f.id, f.rsampleGradient!] as const);
  it.each(cases)('%s', (_id, spec) => {
    const g = tf.tidy(() => {
      const params = spec.params.map((p) => tf.tensor1d([...p]));
      const grads = tf.grads((...ps: tf.Tensor[]) => {
        const d = spec.build(ps);
        return tf.sum(d.logProb(d.rsample(new RandomStream(5))));
      })(params);
      return grads.map((x) => Array.from(x.dataSync()));
    });
    expect(g.flat().every(Number.isFinite)).toBe(true);
  });
});
