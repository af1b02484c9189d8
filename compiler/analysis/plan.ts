/**
 * The estimator and KL plan of a model (docs/math.md section 10): for every stochastic node how its gradient is
 * estimated, for every latent how its KL term is computed, each with a one-line reason. Produced at compile
 * time by analyze.ts, printed by `sgm check --explain`, emitted into generated code and drawn on the graph.
 */

/** How the gradient through a stochastic node is estimated. */
export type EstimatorKind = 'pathwise' | 'reinforce' | 'enumerate' | 'straight_through';

/** Baseline of a score-function estimator. */
export type BaselineKind = 'ema' | 'loo' | 'none';

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
  /**
   * Enumeration: number of configurations, and whether they are enumerated jointly for the whole objective
   * ('joint': a variable with no batch axis) or per data point ('per_example': one value per data point, ELBO).
   */
  readonly enumeration?: { readonly size: number; readonly mode: 'joint' | 'per_example' };
  readonly reason: string;
  /** Chosen by a `with` clause rather than by the rules. */
  readonly overridden: boolean;
  /** 1-based source line of the statement. */
  readonly line: number;
}

/** The decision for one latent's KL term. */
export interface KlDecision {
  readonly latent: string;
  readonly posterior: string;
  readonly prior: string;
  readonly method: 'closed_form' | 'mc';
  /** Id of the stdlib KL rule (stdlib/kl/rules.ts). */
  readonly rule: string;
  /** Monte Carlo samples (1 for closed form, where it is unused). */
  readonly samples: number;
  readonly reason: string;
  readonly overridden: boolean;
  readonly line: number;
}

/** A row of the plan for a node that is not sampled during training (priors, observed likelihoods). */
export interface EvaluatedNode {
  readonly node: string;
  readonly distribution: string;
  readonly role: 'prior' | 'likelihood';
  readonly reason: string;
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

/** The whole plan. */
export interface Plan {
  readonly estimators: readonly EstimatorDecision[];
  readonly kl: readonly KlDecision[];
  readonly evaluated: readonly EvaluatedNode[];
  readonly objective: ObjectivePlan;
}
