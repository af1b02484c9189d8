/**
 * The estimator and KL plan of a model (docs/math.md section 10): for every stochastic node how its gradient is
 * estimated, for every latent how its KL term is computed, each with a one-line reason. Produced at compile
 * time by analyze.ts, printed by `sgm check --explain`, emitted into generated code and drawn on the graph.
 */

export type { BaselineKind, EnumerationPlan, EstimatorDecision, EstimatorKind, ObjectivePlan, OptionValue } from '../estimators/decision.js';
import type { EstimatorDecision, ObjectivePlan } from '../estimators/decision.js';

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

/** The whole plan. */
export interface Plan {
  readonly estimators: readonly EstimatorDecision[];
  readonly kl: readonly KlDecision[];
  readonly evaluated: readonly EvaluatedNode[];
  readonly objective: ObjectivePlan;
}
