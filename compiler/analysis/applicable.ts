/**
 * Which estimators apply to a node: the analysis itself decides, by honouring each registered estimator as an
 * override of that node alone (estimator-overrides.ts) and keeping those it accepts without an error. `sgm compare`
 * reads its list from here, so an estimator registered in compiler/estimators/registry.ts (and accepted by the analysis)
 * appears in the comparison without further edits.
 */
import { hasErrors } from '../diagnostics/diagnostic.js';
import type { CheckedModel } from '../semantics/types.js';
import { analyze } from './analyze.js';
import { estimatorNames, type EstimatorOverride } from './estimator-overrides.js';
import type { EstimatorDecision } from './plan.js';

/** One estimator the analysis accepts for a node, with its decision (reason, baseline, samples). */
export interface ApplicableEstimator {
  readonly override: EstimatorOverride;
  readonly decision: EstimatorDecision;
}

/** The analysis's decision for `node` with `override` (undefined: the automatic choice), or the first error's message. */
export function decisionWith(model: CheckedModel, node: string, override: EstimatorOverride | undefined): EstimatorDecision | string {
  const r = analyze(model, override ? { estimatorOverrides: new Map([[node, override]]) } : {});
  if (hasErrors(r.diagnostics)) {
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    return `${e.code} ${e.message}${e.label ? `: ${e.label}` : ''}`;
  }
  const d = r.value.estimators.find((x) => x.node === node);
  if (!d) return `'${node}' is not a sampled latent`;
  if (override && d.estimator !== override.kind) return `the analysis chose ${d.estimator} instead of ${override.kind}`;
  return d;
}

/** Every registered estimator the analysis accepts for `node`, each with its default options. */
export function applicableEstimators(model: CheckedModel, node: string): ApplicableEstimator[] {
  const out: ApplicableEstimator[] = [];
  for (const kind of estimatorNames()) {
    const decision = decisionWith(model, node, { kind });
    if (typeof decision !== 'string') out.push({ override: { kind }, decision });
  }
  return out;
}
