/**
 * A relaxed count family (GenGS) as the likelihood of data: SGM5006 (issue 13 item 4; docs/language.md, "GenGS is
 * for latents"). Its latent draws are scored at their discrete cell instead (stdlib/distributions/gen-gs.ts).
 *
 * **Decision:** observed data are not sampled, so there is nothing to relax. GenGS's log-probability is the mass
 * of its TRUNCATED pmf at the cell round(v) (stdlib/distributions/gen-gs.ts), not a density of the relaxed value
 * T(GS(π, τ)) (which has no closed form): as a likelihood it would ignore τ, round fractional data to the nearest
 * cell, give log 0 = -∞ to a count outside the cells, and score the last cell with the folded tail P(X ≥ hi) (a
 * censored, not the base, likelihood). The model the user means is the discrete one; sgm refuses the relaxed
 * family on data and names it: the base (`Poisson(...)` for `GenGS(Poisson(...))`), or `Categorical(logits)` over
 * the cells for the implicit form.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel, DistributionType } from '../semantics/types.js';

/** Reports SGM5006 when `dist` (the distribution of the observed `statement`) is a relaxed count family. */
export function rejectObservedRelaxedCount(model: CheckedModel, statement: A.Sample, dist: DistributionType, diagnostics: Diagnostic[]): void {
  if (dist.sig.measure !== 'truncated_pmf') return;
  const name = statement.target.text;
  const base = dist.call.args.get('base');
  const logits = dist.call.args.get('logits');
  let help: string;
  if (base?.type.kind === 'distribution') {
    help = `write '${name} ~ ${model.file.slice(base.expr.span)}': observed counts are scored by the pmf itself (τ and the truncation play no part for data)`;
  } else if (logits) {
    help = `write '${name} ~ Categorical(logits = ${model.file.slice(logits.expr.span)})' on the cell index (the data minus the truncation's first value)`;
  } else {
    help = `write the discrete distribution that ${dist.sig.name} relaxes`;
  }
  diagnostics.push(
    makeDiagnostic('SGM5006', statement.distribution.span, `'${name}' is data: a relaxed count family cannot be its likelihood`, {
      label: 'relaxed family on observed data',
      notes: [
        `${dist.sig.name} relaxes how a latent count is sampled; its log-probability is the mass of its truncated pmf at the nearest cell, so on data it would ignore τ, round fractional values, give -∞ to counts outside the cells and the folded tail mass to the last cell`,
      ],
      help,
    }),
  );
}

