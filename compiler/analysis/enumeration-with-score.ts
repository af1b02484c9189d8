/**
 * Enumeration next to score-function nodes. Both are supported together, as Pyro's TraceEnum_ELBO does: the
 * enumerated variable is summed out exactly, weighted by its probabilities, and each score-function node's
 * learning signal is the objective with that sum inside (a per-data-point enumeration: the enumerated ELBO of
 * each data point; a joint enumeration, in flat models or of a guide latent without batch axis: the objective
 * at each configuration, compiler/estimators/enumerate.ts). One combination is not generated: a joint
 * enumeration next to a score-function node with several samples per step (`reinforce(samples = k)`). An automatic enumeration then falls back to the score function, with the reason
 * in the plan; an explicit `with enumerate` that cannot be honoured is SGM5003.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel } from '../semantics/types.js';
import type { EstimatorDecision } from './plan.js';

/** The estimators with unsupported enumeration combinations resolved (fallback) or reported (overrides). */
export function reconcileEnumeration(
  model: CheckedModel,
  estimators: readonly EstimatorDecision[],
  defaultDecay: number,
  diagnostics: Diagnostic[],
): EstimatorDecision[] {
  const enumerated = estimators.find((d) => d.estimator === 'enumerate');
  const multi = estimators.find((d) => d.estimator !== 'enumerate' && d.samples > 1);
  if (!enumerated || !multi || (model.structure !== 'flat' && enumerated.enumeration?.mode !== 'joint')) return [...estimators];
  const st = model.statements.find((s) => s.statement.kind === 'sample' && s.statement.target.text === enumerated.node)?.statement as A.Sample | undefined;
  const why = `'${multi.node}' draws ${multi.samples} score-function samples per step, which a joint enumeration does not combine with`;
  if (enumerated.overridden) {
    diagnostics.push(
      makeDiagnostic('SGM5003', st?.estimator?.span ?? st?.distribution.span ?? model.decl.name.span, `cannot enumerate '${enumerated.node}': ${why}`, {
        label: 'enumeration not possible here',
        help: `use reinforce(samples = 1) on '${multi.node}', or 'with reinforce' on '${enumerated.node}'`,
      }),
    );
    return estimators.filter((d) => d !== enumerated);
  }
  if (st) {
    diagnostics.push(
      makeDiagnostic('SGM4007', st.distribution.span, `'${enumerated.node}' gets score-function (REINFORCE) gradients, which have high variance`, {
        label: `enumerable, but ${why}`,
        help: `use reinforce(samples = 1) on '${multi.node}' to enumerate '${enumerated.node}', or silence this with 'with reinforce'`,
      }),
    );
  }
  return estimators.map((d) =>
    d === enumerated
      ? {
          node: d.node,
          distribution: d.distribution,
          estimator: 'reinforce' as const,
          baseline: 'ema' as const,
          decay: defaultDecay,
          samples: 1,
          reason: `enumerable, but ${why}: score function, EMA baseline (decay ${defaultDecay})`,
          overridden: false,
          line: d.line,
        }
      : d,
  );
}
