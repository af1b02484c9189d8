/**
 * Seeded random streams. tfjs' random ops accept a per-call seed; a RandomStream turns one user seed into a
 * reproducible sequence of per-call seeds (splitmix32), so a run with the same seed and the same sequence of
 * sampling calls draws the same numbers on every backend that implements the ops in JS (CPU, WASM).
 * `state`/`fromState` let a checkpoint resume the stream exactly.
 */
import { normalValues, uniformValues } from './random-fill.js';
import { tf } from './tf.js';

/** Smallest float32 uniform we allow: keeps -log(-log u) finite (float32 tiny is ~1.2e-38). */
export const UNIFORM_TINY = 1e-20;
/**
 * Largest uniform we allow. tfjs draws in float64 and rounds to float32, so a draw just below 1 can round to
 * exactly 1, making -log(-log u) = +inf (a NaN after softmax). 1 - 1e-7 stays below 1 - 2^-24 + 2^-25 after
 * rounding, so u < 1 always.
 */
export const UNIFORM_HIGH = 1 - 1e-7;

/** Elements of a shape; a bad dimension is the same error tfjs' random ops give. */
function sizeOf(shape: number[]): number {
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new Error(`Tensor must have a shape comprised of non-negative integers, got shape [${shape}].`);
  return shape.reduce((p, d) => p * d, 1);
}

export class RandomStream {
  private counter: number;

  constructor(
    readonly seed: number,
    counter = 0,
  ) {
    if (!Number.isFinite(seed)) throw new RangeError(`RandomStream seed must be a finite number, got ${seed}`);
    this.counter = counter;
  }

  /** Restores a stream saved with `state()`. */
  static fromState(state: { seed: number; counter: number }): RandomStream {
    return new RandomStream(state.seed, state.counter);
  }

  /** The position of the stream, enough to resume it exactly. */
  state(): { seed: number; counter: number } {
    return { seed: this.seed, counter: this.counter };
  }

  /** The next per-call integer seed (splitmix32 of seed and counter). */
  nextSeed(): number {
    let z = (Math.imul(this.seed | 0, 0x9e3779b9) + Math.imul(++this.counter, 0x85ebca6b)) | 0;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** An independent child stream (e.g. one per stochastic node) derived from this one. */
  fork(): RandomStream {
    return new RandomStream(this.nextSeed());
  }

  /** Standard normal draws of the given shape. */
  normal(shape: number[]): tf.Tensor {
    // tfjs' randomNormal draws, bit for bit, at a third of its cost (random-fill.ts).
    return tf.tensor(normalValues(sizeOf(shape), this.nextSeed()), shape, 'float32');
  }

  /** Uniform draws on [low, high). */
  uniform(shape: number[], low = 0, high = 1): tf.Tensor {
    return tf.tensor(uniformValues(sizeOf(shape), low, high, this.nextSeed()), shape, 'float32');
  }

  /** Uniform draws on [UNIFORM_TINY, UNIFORM_HIGH]: strictly inside (0, 1), safe inside log(-log u) and log1p(-u). */
  openUniform(shape: number[]): tf.Tensor {
    return this.uniform(shape, UNIFORM_TINY, UNIFORM_HIGH);
  }

  /** Standard Gumbel draws g = -log(-log u) (Gumbel-Max trick). */
  gumbel(shape: number[]): tf.Tensor {
    return tf.tidy(() => tf.neg(tf.log(tf.neg(tf.log(this.openUniform(shape))))));
  }

  /** Standard logistic draws log u - log(1 - u) (RelaxedBernoulli noise). */
  logistic(shape: number[]): tf.Tensor {
    return tf.tidy(() => {
      const u = this.openUniform(shape);
      return tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
    });
  }
}
