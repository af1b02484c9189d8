/**
 * Relaxed samples against their discrete counterparts: for a latent drawn from a relaxation (IGR, Gumbel-
 * Softmax, RelaxedBernoulli, GenGS), the nearest vertex of each draw is its discrete value (the one-hot of the
 * largest coordinate on the simplex; the nearest integer for relaxed binary and count values), and the
 * Euclidean distance to it says how discrete the relaxation already is (it shrinks as τ → 0). For a
 * Gumbel-Softmax or IGR draw, that vertex is exactly the hard sample made from the same noise, since argmax
 * commutes with the softmax.
 */
import { findDistribution } from '../../stdlib/signatures/index.js';
import { summarizeDistances, VERTEX_THRESHOLD } from '../eval/vertex-distance.js';

/** A sampled tensor read back from the backend. */
export interface SampledValues {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** The relaxation of a latent, as the signature table names it. */
export type Relaxation = 'relaxed_one_hot' | 'relaxed_binary' | 'relaxed_count';

/** A relaxed latent's draws summarised for the report's figures. */
export interface RelaxedLatentSummary {
  readonly name: string;
  readonly distribution: string;
  readonly relaxation: Relaxation;
  /** Number of draws (simplex vectors, or scalar values). */
  readonly draws: number;
  /** One-hot relaxations: the mean relaxed mass of each category, and how often it is the nearest vertex. */
  readonly categories?: { readonly relaxedMass: readonly number[]; readonly discreteFraction: readonly number[] };
  /** Binary and count relaxations: the relaxed values and their nearest integers (subsampled to MAX_VALUES). */
  readonly values?: { readonly relaxed: readonly number[]; readonly discrete: readonly number[] };
  /** Distance of each draw to its nearest vertex (subsampled to MAX_VALUES). */
  readonly distances: readonly number[];
  readonly meanDistance: number;
  /** Share of draws within VERTEX_THRESHOLD (0.2) of their vertex: the IGR paper's statistic, as `sgm eval` gives it. */
  readonly shareWithin: number;
  readonly threshold: number;
}

/** Most values kept per series for the histograms (an even stride through the draws: deterministic). */
export const MAX_VALUES = 4000;

/** The relaxation of a distribution name (`fit_prior(IGR_I)` counts as IGR_I), or undefined when it has none. */
export function relaxationOf(distribution: string): Relaxation | undefined {
  const name = /^fit_prior\((\w+)\)$/.exec(distribution)?.[1] ?? distribution;
  const r = findDistribution(name)?.relaxation;
  return r === 'relaxed_one_hot' || r === 'relaxed_binary' || r === 'relaxed_count' ? r : undefined;
}

/** Every `stride`-th element, so at most MAX_VALUES remain. */
function thin(values: readonly number[]): number[] {
  const stride = Math.max(1, Math.ceil(values.length / MAX_VALUES));
  return values.filter((_v, i) => i % stride === 0);
}

/** The summary of one latent's draws (shape [..., K] for one-hot relaxations, any shape otherwise). */
export function summariseRelaxed(name: string, distribution: string, relaxation: Relaxation, sample: SampledValues): RelaxedLatentSummary {
  const v = sample.values;
  if (relaxation === 'relaxed_one_hot') {
    const k = sample.shape[sample.shape.length - 1] ?? 1;
    const draws = Math.floor(v.length / k);
    const mass = new Array<number>(k).fill(0);
    const count = new Array<number>(k).fill(0);
    const distances: number[] = [];
    for (let d = 0; d < draws; d++) {
      let best = 0;
      for (let j = 0; j < k; j++) {
        mass[j] += v[d * k + j];
        if (v[d * k + j] > v[d * k + best]) best = j;
      }
      count[best]++;
      let s = 0;
      for (let j = 0; j < k; j++) s += (v[d * k + j] - (j === best ? 1 : 0)) ** 2;
      distances.push(Math.sqrt(s));
    }
    return {
      name,
      distribution,
      relaxation,
      draws,
      categories: { relaxedMass: mass.map((m) => m / Math.max(1, draws)), discreteFraction: count.map((c) => c / Math.max(1, draws)) },
      ...distanceSummary(distances),
    };
  }
  const relaxed = Array.from(v);
  const discrete = relaxed.map((x) => (relaxation === 'relaxed_binary' ? (x >= 0.5 ? 1 : 0) : Math.round(x)));
  const distances = relaxed.map((x, i) => Math.abs(x - discrete[i]));
  return {
    name,
    distribution,
    relaxation,
    draws: relaxed.length,
    values: { relaxed: thin(relaxed), discrete: thin(discrete) },
    ...distanceSummary(distances),
  };
}

/** The distances kept for the histogram, their mean and the share within the threshold (runtime/eval's summary). */
function distanceSummary(distances: readonly number[]): Pick<RelaxedLatentSummary, 'distances' | 'meanDistance' | 'shareWithin' | 'threshold'> {
  const stats = summarizeDistances(Float32Array.from(distances));
  return { distances: thin(distances), meanDistance: stats?.mean ?? NaN, shareWithin: stats?.shareWithin ?? NaN, threshold: VERTEX_THRESHOLD };
}
