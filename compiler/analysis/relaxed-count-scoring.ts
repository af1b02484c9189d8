/**
 * Where GenGS's log-probability (the mass of its truncated pmf at the nearest cell, not a density of its relaxed
 * value) would be taken at a value it does not score correctly (issue 13 item 4; docs/language.md, GenGS):
 *  - as the likelihood of data: SGM5006;
 *  - at a soft relaxed draw, in `iwae` weights or the sampled log-ratio KL of a hierarchical prior: SGM5007.
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

/** Whether a GenGS draw is soft (hard is not the constant true): its value lies between cells. */
function softGenGs(dist: DistributionType): boolean {
  if (dist.sig.measure !== 'truncated_pmf') return false;
  const hard = dist.call.args.get('hard');
  return !(hard?.type.kind === 'tensor' && hard.type.constant === true);
}

/**
 * Reports SGM5007 when the guide's GenGS draw of `statement` is soft and `use` scores it with log q(z) - log p(z):
 * the pmf at the nearest cell of a point between cells is no density of that point (a relaxed Multinomial count
 * vector rounds to a vector of another total, whose mass is 0: -∞ weights, NaN gradients). With hard = true the
 * forward value is a cell, an exact draw of the truncated distribution, and the pmf ratio is the discrete weight
 * (iwae still refuses it: it takes pathwise latents only, SGM5001).
 * Returns whether it reported.
 */
export function rejectSoftGenGsScore(statement: A.Sample, dist: DistributionType, use: 'iwae' | 'log-ratio', diagnostics: Diagnostic[]): boolean {
  if (!softGenGs(dist)) return false;
  const name = statement.target.text;
  const where = use === 'iwae' ? 'the iwae weights' : `the sampled log-ratio KL of '${name}' (its prior reads a variable the guide draws from '${name}')`;
  diagnostics.push(
    makeDiagnostic('SGM5007', statement.distribution.span, `${where} would score the relaxed draw of '${name}' with a pmf`, {
      label: 'soft GenGS draw',
      notes: [
        `${dist.sig.name}'s log-probability is the mass of its truncated pmf at the nearest cell, not a density of its relaxed value, so log q(${name}) - log p(${name}) at a soft draw is no importance weight (-∞ where the draw rounds to no cell)`,
      ],
      help:
        use === 'iwae'
          ? `maximize elbo (GenGS's KL is then the exact sum over its cells), or give '${name}' a relaxation with a density of its draws (GumbelSoftmax, IGR)`
          : `add hard = true (the log-ratio is then taken at an exact draw of the truncated distribution), or make the prior of '${name}' read nothing the guide draws from '${name}' (then the KL is the exact sum over the cells)`,
    }),
  );
  return true;
}
