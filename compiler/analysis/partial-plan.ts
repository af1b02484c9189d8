/**
 * What the code generator supports for partial observation and logprob (docs/language.md "Partial observation"):
 * a partially observed latent is summed out per data point (enumeration) with a closed-form KL, so its labelled
 * rows take the observed value's weight and -log p(y) exactly; `logprob(z)` needs one value of z per pass (the
 * data for a partially observed z, else a guide draw, which an enumerated latent does not have).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { Span } from '../diagnostics/source.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel } from '../semantics/types.js';
import { childExprs } from '../syntax/names-read.js';
import { elboExtra } from './elbo-extra.js';
import type { EstimatorDecision, KlDecision } from './plan.js';

/** SGM5008 for a partially observed latent that is not enumerated per data point or has no closed-form KL, and for logprob of an enumerated latent. */
export function partialObservationErrors(model: CheckedModel, estimators: readonly EstimatorDecision[], kl: readonly KlDecision[], diagnostics: Diagnostic[]): void {
  const guideSpan = (z: string): Span =>
    (model.statements.find((s) => s.role === 'posterior' && s.statement.kind === 'sample' && s.statement.target.text === z)?.statement as A.Sample | undefined)?.distribution.span ?? model.decl.name.span;
  for (const [z] of model.partial) {
    const e = estimators.find((d) => d.node === z);
    if (e && (e.estimator !== 'enumerate' || (e.enumeration?.mode !== 'per_example' && e.enumeration?.mode !== 'tiled'))) {
      diagnostics.push(
        makeDiagnostic('SGM5008', guideSpan(z), `partially observed '${z}' must be enumerated per data point; it uses ${e.estimator}`, {
          label: `${e.estimator}: ${e.reason}`,
          help: 'a partially observed variable needs a finite support (Categorical, Bernoulli, ...), one value per data point and maximize elbo (or elbo + E)',
        }),
      );
      continue;
    }
    const k = kl.find((d) => d.latent === z);
    if (k && k.method !== 'closed_form') {
      diagnostics.push(makeDiagnostic('SGM5008', guideSpan(z), `partially observed '${z}' needs a closed-form KL; it has ${k.method}`, { label: k.reason, help: 'give guide and prior a registered pair (Categorical-Categorical, Bernoulli-Bernoulli)' }));
    }
  }
  for (const [node, call] of model.calls) {
    if (call.name !== 'logprob') continue;
    const v = call.args.get('variable');
    const z = v?.expr.kind === 'ident' ? v.expr.name : '';
    if (!model.latents.includes(z)) {
      diagnostics.push(makeDiagnostic('SGM5008', v?.span ?? node.span, `logprob(${z}): '${z}' is not a latent`, { label: 'logprob reads the guide distribution of a latent', help: 'for an observed variable use loglik(x)' }));
      continue;
    }
    const e = estimators.find((d) => d.node === z);
    if (e?.estimator === 'enumerate' && !model.partial.has(z)) {
      diagnostics.push(makeDiagnostic('SGM5008', v?.span ?? node.span, `logprob(${z}): '${z}' is summed out (enumerated), it has no single value`, { label: 'enumerated', help: `use kl(${z}) or elbo, or give '${z}' another estimator` }));
    }
  }
  // A report or the extra term of `elbo + E` reading an enumerated latent: the pass holds every value of it (one
  // per tiled copy, or the last of the loop), so a mean over it would be the mean of its support, not of q.
  const enumerated = (z: string) => !model.partial.has(z) && estimators.some((d) => d.node === z && d.estimator === 'enumerate');
  const readsEnumerated = (e: A.Expr, where: string): void => {
    if (model.calls.get(e)?.name === 'logprob') return; // checked above
    if (e.kind === 'ident' && enumerated(e.name)) {
      diagnostics.push(
        makeDiagnostic('SGM5008', e.span, `${where} reads '${e.name}', which is summed out (enumerated): it has no single value`, {
          label: 'enumerated',
          help: `give '${e.name}' another estimator, or read a value of the guide that does not hold its draw (e.g. the logits of its distribution)`,
        }),
      );
    }
    childExprs(e).forEach((c) => readsEnumerated(c, where));
  };
  for (const r of model.reports) readsEnumerated(r.expr, `report '${r.name.text}'`);
  const extra = elboExtra(model);
  if (extra) readsEnumerated(extra.extra, 'the extra term of the objective');
}
