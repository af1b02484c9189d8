/**
 * Types indexing and slicing: `x[0]`, `x[:, 1:5:2]`, `x[..., -1]` with compile-time constants, and gather,
 * `means[c]` with `c` an integer-valued tensor (a Categorical sample, an argmax): the indexed axis is replaced by
 * the index's shape, as NumPy's and tf.gather's indexing by one integer array does ([K, D] indexed by c: [B] on
 * axis 0 gives [B, D]). One tensor index per indexing expression. A one-hot or relaxed sample z ([..., K], range
 * simplex) indexes too: its last axis weights the K entries of the indexed axis, which is replaced by z's leading
 * axes (`means[z]` with z: [B, K] gives [B, D]); for an exact one-hot z that is the gather by argmax(z), for a
 * relaxed z the convex combination Σ_k z_k means[k] (= matmul(z, means)), through which a relaxation differentiates.
 */
import { noDistribution, type CheckContext, type ExprContext } from './context.js';
import { type Expr, type Index } from '../syntax/ast.js';
import { formatShape, normalizeAxis, UNKNOWN, type Dim } from './shape.js';
import { tensorType } from './shape-rules.js';
import type { ExprType, TensorType } from './types.js';

const ERROR: ExprType = { kind: 'error' };

/** Types `e` given a typer for sub-expressions and the report for a non-tensor target. */
export function typeIndex(
  ctx: CheckContext,
  e: Index,
  ec: ExprContext,
  typeExpr: (ctx: CheckContext, e: Expr, ec: ExprContext) => ExprType,
  notATensor: (ctx: CheckContext, e: Expr, t: ExprType) => ExprType,
): ExprType {
  const t = typeExpr(ctx, e.target, noDistribution(ec));
  const sub = noDistribution(ec);
  let indexError = false;
  for (const item of e.items) {
    if (item.kind === 'at' && typeExpr(ctx, item.index, sub).kind !== 'tensor') indexError = true;
    if (item.kind === 'slice') for (const x of [item.start, item.stop, item.step]) if (x) typeExpr(ctx, x, sub);
  }
  if (t.kind !== 'tensor') return t.kind === 'error' ? ERROR : notATensor(ctx, e.target, t);
  if (indexError) return ERROR;
  if (!checkSliceBounds(ctx, e)) return ERROR;
  if (!checkTensorIndices(ctx, e)) return ERROR;
  if (t.shape === null) return tensorType(null, t.range);
  const shape = t.shape;
  const ellipses = e.items.filter((i) => i.kind === 'ellipsis').length;
  const explicit = e.items.length - ellipses;
  if (ellipses > 1 || explicit > shape.length) {
    ctx.report('SGM3008', e.span, ellipses > 1 ? 'at most one ... per index' : `too many indices for a tensor of rank ${shape.length}`, {
      label: `the tensor has shape ${formatShape(shape)}`,
    });
    return ERROR;
  }
  const out: Dim[] = [];
  let axis = 0;
  let unknownRank = false;
  for (const item of e.items) {
    if (item.kind === 'ellipsis') {
      const skip = shape.length - explicit;
      out.push(...shape.slice(axis, axis + skip));
      axis += skip;
      continue;
    }
    const d = shape[axis];
    if (item.kind === 'at') {
      const it = ctx.types.get(item.index) as TensorType;
      const idx = it.constant;
      if (typeof idx === 'number' && !Number.isInteger(idx)) {
        ctx.report('SGM3008', item.span, 'an index must be a finite integer', { label: `is ${String(idx)}, at axis ${axis} of ${formatShape(shape)}` });
        return ERROR;
      }
      if (typeof idx === 'number' && typeof d === 'number' && normalizeAxis(idx, d) === undefined) {
        ctx.report('SGM3008', item.span, `index ${idx} is out of range for an axis of size ${d}`, {
          label: `axis ${axis} of ${formatShape(shape)}`,
        });
        return ERROR;
      }
      // A gathered axis is replaced by the index's axes (none for a scalar index); a one-hot index's last axis
      // is the weights over the indexed axis and must match it.
      if (typeof idx !== 'number') {
        if (it.shape === null) unknownRank = true;
        else if (isOneHotIndex(it)) {
          const k = it.shape[it.shape.length - 1];
          if (it.shape.length === 0 || (typeof k === 'number' && typeof d === 'number' && k !== d)) {
            ctx.report('SGM3008', item.span, `a one-hot index with ${String(k ?? 'no')} entries cannot select from an axis of size ${String(d)}`, {
              label: `a one-hot tensor of shape ${formatShape(it.shape)}, at axis ${axis} of ${formatShape(shape)}`,
              help: 'the index\'s last axis holds one weight per entry of the indexed axis: their sizes must agree',
            });
            return ERROR;
          }
          out.push(...it.shape.slice(0, -1));
        } else out.push(...it.shape);
      }
    } else {
      out.push(sliceSize(ctx, item, d));
    }
    axis++;
  }
  out.push(...shape.slice(axis));
  // A relaxed index mixes entries: the result holds integers only when the index is an exact one-hot or integer.
  const mixes = e.items.some((i) => i.kind === 'at' && isOneHotIndex(ctx.types.get(i.index) as TensorType) && !(ctx.types.get(i.index) as TensorType).integer);
  const integer = t.integer && !mixes ? { integer: true } : {};
  return tensorType(unknownRank ? null : out, t.range, { ...(t.schedule ? { schedule: true } : {}), ...integer });
}

/** Whether every non-constant index is an integer-valued tensor, and at most one is; reports otherwise. */
function checkTensorIndices(ctx: CheckContext, e: Index): boolean {
  const tensorIndices = e.items.filter(
    (i): i is Extract<Index['items'][number], { kind: 'at' }> => i.kind === 'at' && typeof (ctx.types.get(i.index) as TensorType).constant !== 'number',
  );
  for (const item of tensorIndices) {
    const it = ctx.types.get(item.index) as TensorType;
    if (it.constant !== undefined || it.schedule || !(it.integer || isOneHotIndex(it))) {
      const what =
        it.constant !== undefined ? 'a constant tensor' : it.schedule ? 'a schedule' : `a real-valued tensor of shape ${formatShape(it.shape)}`;
      ctx.report('SGM3008', item.span, 'an index must be a constant integer, an integer-valued tensor or a one-hot tensor', {
        label: `${what}`,
        help: 'index with a sample of Categorical (or argmax(...)), or with a one-hot or relaxed sample (OneHotCategorical, Gumbel-Softmax, IGR)',
      });
      return false;
    }
  }
  if (tensorIndices.length > 1) {
    ctx.report('SGM3008', tensorIndices[1].span, 'at most one tensor index per indexing expression', {
      label: 'a second tensor index',
      related: [{ span: tensorIndices[0].span, message: 'the first tensor index' }],
      help: 'index one axis at a time: name the first result, then index it',
    });
    return false;
  }
  return true;
}

/** Whether every slice bound (start, stop, step) is a compile-time integer; reports otherwise. */
function checkSliceBounds(ctx: CheckContext, e: Index): boolean {
  for (const item of e.items) {
    if (item.kind !== 'slice') continue;
    for (const x of [item.start, item.stop, item.step]) {
      if (!x) continue;
      const t = ctx.types.get(x);
      if (t?.kind !== 'tensor') return false;
      if (typeof t.constant === 'number' && Number.isInteger(t.constant) && (x !== item.step || t.constant > 0)) continue;
      ctx.report('SGM3008', x.span, x === item.step ? 'a slice step must be a positive integer constant' : 'slice bounds must be integer constants', {
        label: typeof t.constant === 'number' ? `${t.constant}` : 'not known at compile time',
        help: 'slice with numbers or hyperparameters (x[1:K]); to pick entries by a sampled index, index with it: x[c]',
      });
      return false;
    }
  }
  return true;
}

function sliceSize(ctx: CheckContext, item: Extract<Index['items'][number], { kind: 'slice' }>, d: Dim): Dim {
  const c = (x: Expr | undefined) => (x ? (ctx.types.get(x) as TensorType | undefined)?.constant : undefined);
  const start = item.start ? c(item.start) : 0;
  const stop = item.stop ? c(item.stop) : d;
  const step = item.step ? c(item.step) : 1;
  if (!item.start && !item.stop && !item.step) return d;
  if (typeof d !== 'number' || typeof start !== 'number' || typeof stop !== 'number' || typeof step !== 'number' || step <= 0) return UNKNOWN;
  const norm = (x: number) => Math.min(Math.max(x < 0 ? d + x : x, 0), d);
  return Math.max(0, Math.ceil((norm(stop) - norm(start)) / step));
}

/** A one-hot or relaxed one-hot tensor (range simplex: 0/1 flags or weights summing to one on the last axis). */
export function isOneHotIndex(t: TensorType): boolean {
  return t.range === 'simplex' && t.constant === undefined;
}
