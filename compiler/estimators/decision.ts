/**
 * What the analysis decides for one sampled node, and the objective's form: the data an estimator module reads
 * and writes (compiler/estimators/estimator.ts). compiler/analysis/plan.ts re-exports these types as part of the
 * plan; they live here so that the estimator modules sit below the analysis (docs/architecture.md section 2).
 */
import type { EstimatorKind } from './registry.js';

export type { EstimatorKind };

/** Baseline of a score-function estimator. */
export type BaselineKind = 'ema' | 'loo' | 'none';

/** How an enumerated node is summed out: for the whole objective, or once per data point (ELBO only). */
export interface EnumerationPlan {
  /** Number of configurations. */
  readonly size: number;
  /**
   * 'joint': a variable with no batch axis; 'per_example': one value per data point, under `maximize elbo`, summed
   * out of the generative terms by one evaluation per value; 'tiled': one value per data point, summed out by one
   * evaluation on the batch tiled once per joint configuration of every tiled variable (their product of supports):
   * a guide latent that later guide statements read, several enumerated latents, or a flat model's variable summed
   * out of `loglik` (runtime/estimators/tiled-enumeration.ts).
   */
  readonly mode: 'joint' | 'per_example' | 'tiled';
  /**
   * The node is a mixture (MixtureSameFamily) latent whose component index is enumerated ('tiled' only): each copy
   * draws from one component, pathwise, weighted by the mixture's probability of it.
   */
  readonly component?: boolean;
}

/** An estimator option's value as written in a `with` clause (after defaults), for estimators beyond the four. */
export type OptionValue = number | string | boolean;

/** The decision for one sampled node (a guide latent or a flat model's stochastic variable). */
export interface EstimatorDecision {
  readonly node: string;
  readonly distribution: string;
  readonly estimator: EstimatorKind;
  /** Score function: the baseline and its EMA decay. */
  readonly baseline?: BaselineKind;
  readonly decay?: number;
  /** Samples per data point (reinforce with loo needs > 1). */
  readonly samples: number;
  /** Enumeration: number of configurations and mode. */
  readonly enumeration?: EnumerationPlan;
  /**
   * Further options of the estimator, by the name written in its `with` clause, defaults filled in (an
   * estimator module's own options: e.g. a learned baseline's hidden sizes). The four original estimators use
   * the typed fields above instead.
   */
  readonly options?: Readonly<Record<string, OptionValue>>;
  readonly reason: string;
  /** Chosen by a `with` clause rather than by the rules. */
  readonly overridden: boolean;
  /** 1-based source line of the statement. */
  readonly line: number;
}

/** How the objective is evaluated. */
export interface ObjectivePlan {
  /** `maximize elbo`, `maximize iwae(samples = k)`, or any other expression. */
  readonly form: 'elbo' | 'iwae' | 'expression';
  readonly iwaeSamples?: number;
  /**
   * The objective's per-data-point form, when it decomposes over the batch: ELBO terms, or `mean(e)` /
   * `sum(e)` with `e` computed independently per data point. Score-function estimators then use
   * per-data-point learning signals; otherwise the batch total.
   */
  readonly perExample: boolean;
}
