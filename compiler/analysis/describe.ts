/**
 * What the analysis needs to know about a sampled distribution: its family, the static keys the KL rules
 * compare (τ, δ, ρ, truncation), its support size for enumeration, and the statement it comes from.
 */
import { hasTotalCountSupport, inRelaxationFamily, type DistributionSig } from '../../stdlib/signatures/index.js';
import type { KlDescription } from '../../stdlib/kl/rules.js';
import type * as A from '../syntax/ast.js';
import { truncationCells } from '../semantics/distribution-shapes.js';
import { flattenConst } from '../semantics/constant.js';
import { isNamedDim } from '../semantics/shape.js';
import type { CheckedModel, DistributionType, ResolvedCall } from '../semantics/types.js';
import { canonicalText } from './canonical.js';

/** The argument of a distribution call (fit_prior: its own arguments, e.g. tau). */
function arg(call: ResolvedCall, name: string) {
  return call.args.get(name);
}

/** The family name as the KL rules know it (fit_prior(IGR_I, ...) is IGR_I; aliases resolved). */
export function familyOf(d: DistributionType): string {
  return d.sig.name;
}

/** The distribution shown to users: `fit_prior(IGR_I)` or the family name. */
export function displayName(d: DistributionType): string {
  return d.call.name === 'fit_prior' ? `fit_prior(${d.sig.name})` : d.sig.name;
}

/** The KL description of a distribution expression, with canonical static keys. */
export function klDescription(model: CheckedModel, d: DistributionType): KlDescription {
  const statics: Record<string, string | undefined> = {};
  const text = (name: string, dflt?: string): string | undefined => {
    const a = arg(d.call, name);
    return a ? canonicalText(model, a.expr) : dflt;
  };
  statics.tau = text('tau');
  statics.delta = text('delta', '1');
  statics.rho = text('rho');
  if (inRelaxationFamily(d.sig, 'gengs')) statics.trunc = genGsCells(model, d);
  // K of an IGR family (K-1 Gaussian coordinates in mu): the IGR_SB support check needs it when δ differs.
  const mu = arg(d.call, 'mu');
  const last = mu?.type.kind === 'tensor' && mu.type.shape && mu.type.shape.length > 0 ? mu.type.shape[mu.type.shape.length - 1] : undefined;
  if (inRelaxationFamily(d.sig, 'igr') && typeof last === 'number') statics.categories = String(last + 1);
  return { family: familyOf(d), statics };
}

/** A key naming the cells of a GenGS: 'n cells from lo' (equal keys: equal truncation). */
function genGsCells(model: CheckedModel, d: DistributionType): string | undefined {
  const trunc = arg(d.call, 'trunc');
  if (trunc?.type.kind === 'range') return `${trunc.type.low}..${trunc.type.high}`;
  const n = truncationCells(trunc);
  if (n !== undefined) return `0..${n - 1}`;
  const base = arg(d.call, 'base');
  if (base?.type.kind === 'distribution' && hasTotalCountSupport(base.type.sig)) {
    const total = base.type.call.args.get('total_count');
    if (total?.type.kind === 'tensor' && typeof total.type.constant === 'number') return `0..${total.type.constant}`;
  }
  const logits = arg(d.call, 'logits');
  if (logits?.type.kind === 'tensor' && logits.type.shape) {
    const last = logits.type.shape[logits.type.shape.length - 1];
    if (typeof last === 'number') return `0..${last - 1}`;
  }
  return canonicalText(model, d.call.node as A.Expr);
}

/** Values per element of a finite discrete distribution (2 for Bernoulli, K for Categorical, N+1 for Binomial). */
export function supportSize(d: DistributionType): number | undefined {
  const sig: DistributionSig = d.sig;
  switch (sig.enumerationSize) {
    case 'two':
      return 2;
    case 'last_dim': {
      const p = arg(d.call, 'probs') ?? arg(d.call, 'logits');
      const shape = p?.type.kind === 'tensor' ? p.type.shape : null;
      const k = shape && shape.length > 0 ? shape[shape.length - 1] : undefined;
      return typeof k === 'number' ? k : undefined;
    }
    case 'total_count_plus_one': {
      const n = arg(d.call, 'total_count');
      const v = n?.type.kind === 'tensor' && n.type.constant !== undefined ? flattenConst(n.type.constant)[0] : undefined;
      return v === undefined ? undefined : v + 1;
    }
    default:
      return undefined;
  }
}

/**
 * Elements of one draw that vary within one data point: the product of the sample shape's numeric axes,
 * excluding event axes (a one-hot vector is one element). `batched` tells whether a run-time axis (B) exists.
 */
export function elementsPerEvaluation(d: DistributionType, shape: readonly (number | string)[] | null): { count: number | undefined; batched: boolean } {
  if (shape === null) return { count: undefined, batched: false };
  const batchAxes = shape.slice(0, shape.length - d.eventRank);
  const batched = batchAxes.some(isNamedDim);
  let count = 1;
  for (const dim of batchAxes) {
    if (typeof dim === 'number') count *= dim;
    else if (!isNamedDim(dim)) return { count: undefined, batched };
  }
  return { count, batched };
}

/** A numeric constant argument of a call (e.g. samples = 4), or undefined. */
export function constantArg(call: ResolvedCall, name: string): number | undefined {
  const a = call.args.get(name);
  return a?.type.kind === 'tensor' && typeof a.type.constant === 'number' ? a.type.constant : undefined;
}
