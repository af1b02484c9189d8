/**
 * The base of the relaxed distributions (GumbelSoftmax, ExpConcrete, RelaxedBernoulli, GenGS): `sample` is
 * the reparameterised draw with its gradient stopped, as in torch's relaxed distributions.
 */
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import { Distribution } from './distribution.js';
import { stopGradient } from './discrete-params.js';
import { hasLogSpace, recordLogSpace } from './log-space.js';

/** A distribution whose `sample` is `rsample` without gradient. */
export abstract class ReparameterizedDistribution extends Distribution {
  /** A reparameterised draw: [...sampleShape, ...batchShape, ...eventShape]. */
  abstract override rsample(rng: RandomStream, sampleShape?: readonly number[]): tf.Tensor;

  /** The same draw as rsample, with no gradient to the parameters. */
  sample(rng: RandomStream, sampleShape: readonly number[] = []): tf.Tensor {
    if (!hasLogSpace(this)) return tf.tidy(() => stopGradient(this.rsample(rng, sampleShape)));
    // Keep the draw's log-space representation (without gradient) for logProbOfSample (log-space.ts).
    const space = this.logSpace;
    const [value, rep] = tf.tidy(() => {
      const d = this.rsampleLogSpace(rng, sampleShape);
      return [stopGradient(d.value), stopGradient(d.rep)];
    });
    return recordLogSpace(value, space, rep);
  }
}
