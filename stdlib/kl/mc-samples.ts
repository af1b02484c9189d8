/** Shared argument handling of the Monte Carlo KL estimators. */
import type { RandomStream } from '../random.js';
import type { KlOptions } from './kl-compute.js';

/** The random stream and sample count of a Monte Carlo KL (a stream is required; samples default to 1). */
export function mcSettings(options: KlOptions, rule: string): { rng: RandomStream; samples: number } {
  if (!options.rng) throw new TypeError(`KL by Monte Carlo (${rule}) needs options.rng, a RandomStream`);
  const samples = options.samples ?? 1;
  if (!(Number.isInteger(samples) && samples >= 1)) {
    throw new RangeError(`KL by Monte Carlo (${rule}): samples must be a positive integer, got ${samples}`);
  }
  return { rng: options.rng, samples };
}
