/**
 * `maximize elbo + E` (or `elbo - E`, `E + elbo`) with E free of the other objective terms: the ELBO keeps its
 * per-data-point form (so a latent with a batch axis is still enumerated per data point) and E, a scalar of
 * data, params, consts, guide values and `logprob(v)`, is added once. This is how Kingma et al. 2014
 * (arXiv:1406.5298) eq. 9 is written: `maximize elbo + alpha * mean(labelled * logprob(y))`.
 */
import { childExprs } from '../syntax/names-read.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel } from '../semantics/types.js';

/** The extra term of an `elbo ± E` objective and its sign, or undefined for any other objective. */
export function elboExtra(model: CheckedModel): { readonly extra: A.Expr; readonly sign: 1 | -1 } | undefined {
  const o = model.objective;
  if (o === undefined || o.sense !== 'maximize') return undefined;
  const e = unparen(o.expr);
  if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-')) return undefined;
  const isElbo = (x: A.Expr): boolean => model.calls.get(unparen(x))?.name === 'elbo';
  const [extra, sign]: [A.Expr, 1 | -1] | [undefined, 1] = isElbo(e.left) ? [e.right, e.op === '+' ? 1 : -1] : e.op === '+' && isElbo(e.right) ? [e.left, 1] : [undefined, 1];
  if (extra === undefined || !standsAlone(model, extra)) return undefined;
  return { extra, sign };
}

/** E reads no generative value and no objective term but logprob (each is evaluated once, outside any enumeration). */
function standsAlone(model: CheckedModel, e: A.Expr): boolean {
  if (e.kind === 'ident') {
    const defs = model.definitions.get(e.name) ?? [];
    if (defs.length > 0 && defs.every((d) => d.block === 'generative')) return false;
  }
  const call = model.calls.get(e);
  if (call && call.kind === 'function' && 'category' in call.sig && call.sig.category === 'objective' && call.name !== 'logprob') return false;
  return childExprs(e).every((c) => standsAlone(model, c));
}

function unparen(e: A.Expr): A.Expr {
  return e.kind === 'paren' ? unparen(e.inner) : e;
}
