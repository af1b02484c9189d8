/**
 * Sample shapes of distribution calls: the event rule of the signature table applied to the typed
 * arguments (stdlib/signatures/types.ts, EventRule), with shape errors that print both shapes.
 */
import { familyNames, hasInfiniteSupport, isCategoricalFamily, isGenGsBase, type DistributionSig } from '../../stdlib/signatures/index.js';
import type { CheckContext } from './context.js';
import { formatCount, MAX_FOLDED_ELEMENTS } from './limits.js';
import { argTensor, broadcastArgs } from './shape-rules.js';
import { broadcastsTo, formatShape, UNKNOWN, type Shape } from './shape.js';
import { flattenConst } from './constant.js';
import type { BoundArgument, DistributionType, ResolvedCall, TensorType } from './types.js';


/** The distribution type of a resolved distribution call, or undefined after reporting an error. */
export function distributionResult(ctx: CheckContext, call: ResolvedCall): DistributionType | undefined {
  const sig = call.sig as DistributionSig;
  const tensors = [...call.args.values()].filter((a) => a.param.kind === 'tensor');
  const make = (sampleShape: Shape | null, eventRank: number): DistributionType => ({
    kind: 'distribution',
    sig,
    call,
    sampleShape,
    eventRank,
  });
  const rule = sig.event;
  switch (rule.kind) {
    case 'elementwise': {
      const shape = broadcastArgs(ctx, sig.name, tensors);
      return shape === undefined ? undefined : make(shape, 0);
    }
    case 'simplex':
    case 'simplex_plus_one':
    case 'index':
    case 'counts': {
      const fromName = rule.from.find((n) => call.args.has(n));
      const from = fromName ? call.args.get(fromName) : undefined;
      if (!from || from.type.kind !== 'tensor') return undefined;
      const shape = from.type.shape;
      if (shape !== null && shape.length === 0) {
        ctx.report('SGM3002', from.span, `'${fromName}' of ${sig.name} needs a category axis`, {
          label: 'has shape [], expected [..., K]',
          help: rule.kind === 'simplex_plus_one' ? 'IGR parameters have K - 1 entries on the last axis' : undefined,
        });
        return undefined;
      }
      for (const other of tensors) {
        if (other === from || other.type.kind !== 'tensor') continue;
        if (!broadcastsTo(other.type.shape, shape)) {
          ctx.report('SGM3002', other.span, `shape mismatch in argument '${other.param.name}' of ${sig.name}`, {
            label: `has shape ${formatShape(other.type.shape)}, expected ${formatShape(shape)} (same as '${fromName}')`,
          });
          return undefined;
        }
      }
      if (shape === null) return make(null, rule.kind === 'index' ? 0 : 1);
      const last = shape[shape.length - 1];
      switch (rule.kind) {
        case 'simplex':
        case 'counts':
          return make(shape, 1);
        case 'simplex_plus_one':
          return make([...shape.slice(0, -1), typeof last === 'number' ? last + 1 : UNKNOWN], 1);
        case 'index':
          return make(shape.slice(0, -1), 0);
      }
      return undefined;
    }
    case 'base':
      return genGsResult(ctx, call, make);
  }
}

/** GenGS: the base's sample shape (explicit form) or the logits' leading axes (implicit form). */
function genGsResult(
  ctx: CheckContext,
  call: ResolvedCall,
  make: (shape: Shape | null, eventRank: number) => DistributionType,
): DistributionType | undefined {
  const base = call.args.get('base');
  const trunc = call.args.get('trunc');
  const cells = truncationCells(trunc);
  // GenGS keeps a table of `cells` probabilities per draw: its size is checked before anything loops over it.
  if (trunc && cells !== undefined && !ctx.checkSize([cells], trunc.span, 'the GenGS truncation')) return undefined;
  if (base) {
    if (base.type.kind !== 'distribution') return undefined;
    const family = base.type.sig.name;
    // Which bases GenGS relaxes (GenGS paper section 4, appendix E) and which need `trunc` are table facts.
    if (!isGenGsBase(base.type.sig)) {
      ctx.report('SGM2107', base.span, `GenGS cannot relax ${family}`, {
        label: 'not a count distribution',
        notes: [`GenGS relaxes: ${familyNames(isGenGsBase).join(', ')}`],
        help: base.type.sig.discrete ? undefined : `${family} is continuous: sample it directly with pathwise gradients`,
      });
      return undefined;
    }
    if (hasInfiniteSupport(base.type.sig) && !trunc) {
      ctx.report('SGM2103', call.node.span, `GenGS over ${family} needs a truncation`, {
        label: `${family} has infinite support`,
        help: `add trunc = n (keeps 0..n-1, the tail mass goes to the last cell) or trunc = lo..hi`,
      });
      return undefined;
    }
    return make(base.type.sampleShape, base.type.eventRank);
  }
  const logits = call.args.get('logits');
  if (!logits || logits.type.kind !== 'tensor') return undefined;
  const shape = (logits.type as TensorType).shape;
  if (shape === null) return make(null, 0);
  if (shape.length === 0) {
    ctx.report('SGM3002', logits.span, 'GenGS logits need a category axis', { label: 'has shape [], expected [..., n]' });
    return undefined;
  }
  const last = shape[shape.length - 1];
  if (cells !== undefined && typeof last === 'number' && last !== cells) {
    ctx.report('SGM3016', logits.span, `GenGS logits have ${last} categories but the truncation has ${cells} cells`, {
      label: `has shape ${formatShape(shape)}`,
      related: trunc ? [{ span: trunc.span, message: `${cells} cells` }] : [],
    });
    return undefined;
  }
  return make(shape.slice(0, -1), 0);
}

/** Number of cells of a `trunc` argument: n, or hi - lo + 1. */
export function truncationCells(trunc: BoundArgument | undefined): number | undefined {
  if (!trunc) return undefined;
  if (trunc.type.kind === 'range') return trunc.type.high - trunc.type.low + 1;
  if (trunc.type.kind === 'tensor' && trunc.type.constant !== undefined) return flattenConst(trunc.type.constant)[0];
  return undefined;
}

/** The K of fit_prior's target (Categorical/OneHotCategorical probabilities), or undefined after reporting. */
export function fitPriorCategories(ctx: CheckContext, call: ResolvedCall): number | undefined {
  const target = call.args.get('target');
  if (!target || target.type.kind !== 'distribution') return undefined;
  const name = target.type.sig.name;
  const probs = argTensor(target.type.call, 'probs') ?? argTensor(target.type.call, 'logits');
  if (!isCategoricalFamily(target.type.sig) || !probs) {
    ctx.report('SGM2107', target.span, `fit_prior needs a categorical target, not ${name}`, {
      label: `expected ${familyNames(isCategoricalFamily).map((n) => `${n}(probs)`).join(' or ')}`,
      help: 'e.g. fit_prior(IGR_I, Categorical(uniform(K)), tau)',
    });
    return undefined;
  }
  const shape = probs.shape;
  const k = shape && shape.length > 0 ? shape[shape.length - 1] : undefined;
  if (typeof k !== 'number' || (shape !== null && shape.length !== 1) || probs.constant === undefined) {
    // Constants are folded up to MAX_FOLDED_ELEMENTS values: a larger K is known but not a constant here.
    const tooMany = typeof k === 'number' && k > MAX_FOLDED_ELEMENTS;
    ctx.report('SGM2109', target.span, 'fit_prior needs constant target probabilities of shape [K]', {
      label: `has shape ${formatShape(shape)}`,
      ...(tooMany ? { notes: [`compile-time constants hold at most ${formatCount(MAX_FOLDED_ELEMENTS)} values`] } : {}),
    });
    return undefined;
  }
  return k;
}
