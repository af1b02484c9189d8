/**
 * The base class of every distribution. Metadata (parameters, constraints, support, event rule, hasRsample,
 * enumeration) lives in the signature table (stdlib/signatures) and is exposed as `signature`; numerical
 * methods are implemented per distribution, one file each in this folder.
 *
 * Shapes: `batchShape` is the broadcast shape of the parameters without the event axes; `eventShape` is the
 * shape of one draw (e.g. [K] for a relaxed one-hot). `sample(rng, sampleShape)` returns
 * [...sampleShape, ...batchShape, ...eventShape]; `logProb(value)` sums over the event axes.
 */
import type { DistributionSig } from '../signatures/index.js';
import type { RandomStream } from '../random.js';
import { tf } from '../tf.js';

/** Raised when a method is not defined for a distribution (the compiler normally rules these out). */
export class UnsupportedOperationError extends Error {
  constructor(distribution: string, operation: string) {
    super(`${distribution} has no ${operation}`);
    this.name = 'UnsupportedOperationError';
  }
}

export abstract class Distribution {
  /** The entry of this distribution in the signature table. */
  abstract readonly signature: DistributionSig;
  /** Shape of the independent parameters' broadcast, without event axes. */
  abstract readonly batchShape: readonly number[];
  /** Shape of a single event (draw). */
  abstract readonly eventShape: readonly number[];

  /** The language name (e.g. 'IGR_I'). */
  get name(): string {
    return this.signature.name;
  }

  /** A draw with no gradient to the parameters: [...sampleShape, ...batchShape, ...eventShape]. */
  abstract sample(rng: RandomStream, sampleShape?: readonly number[]): tf.Tensor;

  /** A reparameterized draw (gradients flow to the parameters). */
  rsample(_rng: RandomStream, _sampleShape?: readonly number[]): tf.Tensor {
    throw new UnsupportedOperationError(this.name, 'reparameterized sampler (rsample)');
  }

  /** Log density/mass of `value`, summed over the event axes: shape [...sampleShape, ...batchShape]. */
  abstract logProb(value: tf.Tensor): tf.Tensor;

  /** Mean, where it has a closed form. */
  mean(): tf.Tensor {
    throw new UnsupportedOperationError(this.name, 'closed-form mean');
  }

  /** Entropy, where it has a closed form; shape batchShape. */
  entropy(): tf.Tensor {
    throw new UnsupportedOperationError(this.name, 'closed-form entropy');
  }

  /** Every value of a finite support, stacked on a new leading axis: [n, ...batchShape, ...eventShape]. */
  enumerateSupport(): tf.Tensor {
    throw new UnsupportedOperationError(this.name, 'finite support to enumerate');
  }
}
