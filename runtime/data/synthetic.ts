/**
 * Synthetic count data with a seed: i.i.d. Poisson, Binomial, NegativeBinomial and Multinomial draws (the
 * stdlib's exact samplers, stdlib/distributions/count-samplers.ts), the
 * targets of the GenGS synthetic experiment (docs/math.md section 8: Poisson(20), Binomial(20, .3),
 * Multinomial(3, [.7, .2, .1]), NegBinomial(3, .4)). Every dataset has one feature column `x` and records its
 * true parameters in `truth`.
 */
import {
  UniformSource,
  sampleBinomial,
  sampleMultinomial,
  sampleNegativeBinomial,
  samplePoisson,
} from '../../stdlib/distributions/count-samplers.js';
import { RandomStream } from '../../stdlib/random.js';
import { UserError } from '../errors.js';
import { makeDataset, type Dataset } from './dataset.js';
import { deriveSeed } from './js-random.js';

/** Options common to every synthetic generator. */
export interface SyntheticOptions {
  /** Number of draws (rows). */
  readonly count: number;
  /** Seed of the draws (independent of the training seed). */
  readonly seed: number;
  /** Dataset name to record; default: a `synthetic:` spec of the parameters. */
  readonly name?: string;
}

/** `count` draws of Poisson(rate) as column `x` of shape [count]. */
export function syntheticPoisson(options: SyntheticOptions & { readonly rate: number }): Dataset {
  requirePositive('rate', options.rate);
  const src = sourceFor(options, 'poisson');
  return scalarDataset(options, `synthetic:poisson?rate=${options.rate}`, () => samplePoisson(options.rate, src), {
    rate: [options.rate],
  });
}

/** `count` draws of Binomial(trials, p) as column `x` of shape [count]. */
export function syntheticBinomial(options: SyntheticOptions & { readonly trials: number; readonly p: number }): Dataset {
  requireCount('trials', options.trials);
  requireProbability('p', options.p);
  const src = sourceFor(options, 'binomial');
  return scalarDataset(
    options,
    `synthetic:binomial?trials=${options.trials}&p=${options.p}`,
    () => sampleBinomial(options.trials, options.p, src),
    { trials: [options.trials], p: [options.p] },
  );
}

/** `count` draws of NegativeBinomial(r, p) (successes before r failures, mean r p / (1 - p)) as column `x`. */
export function syntheticNegativeBinomial(options: SyntheticOptions & { readonly r: number; readonly p: number }): Dataset {
  requirePositive('r', options.r);
  requireProbability('p', options.p);
  if (options.p === 1) throw new UserError('synthetic negbinomial: p must be below 1 (the mean r p / (1 - p) is infinite at p = 1)');
  const src = sourceFor(options, 'negbinomial');
  return scalarDataset(
    options,
    `synthetic:negbinomial?r=${options.r}&p=${options.p}`,
    () => sampleNegativeBinomial(options.r, options.p, src),
    { r: [options.r], p: [options.p] },
  );
}

/** `count` draws of Multinomial(trials, probs) as column `x` of shape [count, K]. */
export function syntheticMultinomial(
  options: SyntheticOptions & { readonly trials: number; readonly probs: readonly number[] },
): Dataset {
  requireCount('trials', options.trials);
  const { probs } = options;
  if (probs.length < 2 || probs.some((p) => !(p >= 0)) || !(probs.reduce((a, b) => a + b, 0) > 0)) {
    throw new UserError(`synthetic multinomial: probs must be at least two non-negative numbers, not all zero; got ${probs.join(',')}`);
  }
  requireCount('count', options.count);
  const src = sourceFor(options, 'multinomial');
  const k = probs.length;
  const total = probs.reduce((a, b) => a + b, 0);
  const normalized = probs.map((p) => p / total);
  const values = new Float32Array(options.count * k);
  for (let i = 0; i < options.count; i++) values.set(sampleMultinomial(options.trials, normalized, src), i * k);
  return makeDataset(
    options.name ?? `synthetic:multinomial?trials=${options.trials}&probs=${probs.join(',')}`,
    { x: { values, rowShape: [k] } },
    { truth: { trials: truthScalar(options.trials), probs: { values: Float32Array.from(normalized), shape: [k] } } },
  );
}

function scalarDataset(
  options: SyntheticOptions,
  defaultName: string,
  draw: () => number,
  truth: Record<string, number[]>,
): Dataset {
  requireCount('count', options.count);
  const values = new Float32Array(options.count);
  for (let i = 0; i < options.count; i++) values[i] = draw();
  const truthArrays = Object.fromEntries(Object.entries(truth).map(([k, v]) => [k, truthScalar(v[0])]));
  return makeDataset(options.name ?? defaultName, { x: { values, rowShape: [] } }, { truth: truthArrays });
}

function truthScalar(v: number): { values: Float32Array; shape: number[] } {
  return { values: Float32Array.of(v), shape: [] };
}

/** The uniforms of a generator: a function of (seed, generator), so two generators never share draws. */
export function sourceFor(options: { readonly seed: number }, generator: string): UniformSource {
  return new UniformSource(new RandomStream(deriveSeed(options.seed, `synthetic:${generator}`)));
}

/** Rejects a count that is not a whole number >= 1. */
export function requireCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new UserError(`synthetic data: ${name} must be a whole number >= 1, got ${value}`);
}

/** Rejects a value that is not a finite number > 0. */
export function requirePositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new UserError(`synthetic data: ${name} must be a finite number > 0, got ${value}`);
}

function requireProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new UserError(`synthetic data: ${name} must be a probability in [0, 1], got ${value}`);
}
