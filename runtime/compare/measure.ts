/**
 * Independent draws of a model's gradient estimate at fixed parameters: each draw evaluates the surrogate loss
 * (runtime/model-api.ts, `objective(...).loss`, whose gradient is the planned estimators' gradient) with its own
 * random stream and differentiates it with respect to the chosen variables. Used by `sgm compare` and by the
 * GenGS synthetic experiment.
 */
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { deriveSeed } from '../data/js-random.js';
import { UserError } from '../errors.js';
import type { Batch, ModelInstance } from '../model-api.js';
import { accuracy, summarize, type Accuracy, type GradientSummary } from './gradient-stats.js';

/** Memory the stored draws of one estimator may take (they are kept for the statistics' second pass). */
export const MAX_DRAW_BYTES = 1024 * 2 ** 20;

/** Options of `gradientDraws`. */
export interface DrawOptions {
  /** Number of independent gradient estimates. */
  readonly draws: number;
  /** Seed of the draws' random streams (draw d uses deriveSeed(seed, purpose, d)). */
  readonly seed: number;
  /** Names the streams apart: two measurements with different purposes draw independent noise. */
  readonly purpose: string;
  /** Training step the schedules (τ of a relaxation) are evaluated at. */
  readonly step: number;
  /**
   * Objective evaluations before measuring, each followed by `afterStep()`, at the same parameters: they warm
   * up EMA baselines (which then stay frozen during the draws, so every draw is independent and unbiased).
   */
  readonly warmup: number;
}

/** The draws, flattened over the variables in order, and the time each took. */
export interface GradientDraws {
  /** float32 as the backend computes them (exact copies; half the memory of float64). */
  readonly draws: Float32Array[];
  /** Mean wall-clock milliseconds of one objective-and-gradient evaluation (data read back included). */
  readonly msPerGradient: number;
}

/** Draws of d loss / d variables (a variable with no path to the loss contributes zeros). */
export function gradientDraws(model: ModelInstance, batch: Batch, variables: readonly tf.Variable[], o: DrawOptions): GradientDraws {
  const size = variables.reduce((a, v) => a + v.size, 0);
  if (size * o.draws * 4 > MAX_DRAW_BYTES) {
    throw new UserError(
      `${o.draws} draws of ${size} gradient coordinates need ${Math.ceil((size * o.draws * 4) / 2 ** 20)} MiB (limit ${MAX_DRAW_BYTES / 2 ** 20} MiB): use fewer --draws or --reference-draws`,
    );
  }
  for (let i = 0; i < o.warmup; i++) {
    tf.tidy(() => {
      model.objective(batch, { step: o.step, rng: new RandomStream(deriveSeed(o.seed, `${o.purpose}/warmup`, i)) });
    });
    model.afterStep?.();
  }
  const draws: Float32Array[] = [];
  const start = performance.now();
  for (let d = 0; d < o.draws; d++) {
    const flat = new Float32Array(size);
    tf.tidy(() => {
      const rng = new RandomStream(deriveSeed(o.seed, o.purpose, d));
      const { grads } = tf.variableGrads(() => model.objective(batch, { step: o.step, rng }).loss, [...variables]);
      let at = 0;
      for (const v of variables) {
        const g = grads[v.name];
        if (g) flat.set(g.dataSync(), at);
        at += v.size;
      }
    });
    draws.push(flat);
  }
  return { draws, msPerGradient: (performance.now() - start) / Math.max(1, o.draws) };
}

/** Draws summarised against a reference gradient: what one row of `sgm compare` holds. */
export interface Measurement {
  readonly summary: GradientSummary;
  readonly accuracy: Accuracy;
  readonly msPerGradient: number;
}

/** `gradientDraws`, then their mean, trace variance, bias and MSE against `reference` (± `stderr`). */
export function measureAgainst(
  model: ModelInstance,
  batch: Batch,
  variables: readonly tf.Variable[],
  reference: { readonly gradient: readonly number[]; readonly stderr: readonly number[] },
  o: DrawOptions,
): Measurement {
  const { draws, msPerGradient } = gradientDraws(model, batch, variables, o);
  return fromDraws(draws, msPerGradient, reference);
}

/** Summarises draws against a reference. */
export function fromDraws(draws: readonly Float32Array[], msPerGradient: number, reference: { readonly gradient: readonly number[]; readonly stderr: readonly number[] }): Measurement {
  const summary = summarize(draws);
  return { summary, accuracy: accuracy(draws, summary, reference.gradient, reference.stderr), msPerGradient };
}
