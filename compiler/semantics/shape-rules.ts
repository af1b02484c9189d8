/**
 * Result types of built-in functions, one rule per ShapeRule of the signature table. Each rule reads the
 * already-typed arguments of a resolved call and reports shape errors that print both shapes.
 */
import { familyNames, isCountBase, type FunctionSig } from '../../stdlib/signatures/index.js';
import type { Span } from '../diagnostics/source.js';
import type { CheckContext } from './context.js';
import { flattenConst } from './constant.js';
import { MAX_FOLDED_ELEMENTS } from './limits.js';
import { FUNCTION_RANGE, matmulRange } from './ranges.js';
import { broadcast, formatShape, isNamedDim, normalizeAxis, numel, UNKNOWN, type Dim, type Shape } from './shape.js';
import type { BoundArgument, ConstValue, ExprType, ResolvedCall, TensorType, ValueRange } from './types.js';

/** A tensor type. */
export function tensorType(shape: Shape | null, range: ValueRange, extra: Partial<TensorType> = {}): TensorType {
  return { kind: 'tensor', shape, range, ...extra };
}

const ERROR: ExprType = { kind: 'error' };

/** The tensor type of a bound argument, if it is one. */
export function argTensor(call: ResolvedCall, name: string): TensorType | undefined {
  const t = call.args.get(name)?.type;
  return t?.kind === 'tensor' ? t : undefined;
}

/** The constant value of a bound argument (undefined when absent or not constant). */
export function argConst(call: ResolvedCall, name: string): ConstValue | undefined {
  return argTensor(call, name)?.constant;
}

/** A constant argument as a list of integers (int_list parameters accept a single int too). */
export function argIntList(call: ResolvedCall, name: string): number[] | undefined {
  const v = argConst(call, name);
  return v === undefined ? undefined : flattenConst(v);
}

/** A constant integer argument, or the parameter's default. */
export function argInt(call: ResolvedCall, name: string): number | undefined {
  const v = argConst(call, name);
  if (typeof v === 'number') return v;
  const p = call.sig.params.find((q) => q.name === name);
  return typeof p?.default === 'number' ? p.default : undefined;
}

/** Combined schedule/objective flags of every tensor argument. */
function inheritedFlags(args: Iterable<BoundArgument>): Partial<TensorType> {
  let schedule = false;
  let objective = false;
  for (const a of args) {
    if (a.type.kind !== 'tensor') continue;
    schedule ||= a.type.schedule === true;
    objective ||= a.type.objective === true;
  }
  // One shared object for the common case (no flags): this runs for every function call of a model.
  if (!schedule && !objective) return NO_FLAGS;
  return { ...(schedule ? { schedule: true } : {}), ...(objective ? { objective: true } : {}) };
}

const NO_FLAGS: Partial<TensorType> = Object.freeze({});

/** Broadcasts every tensor argument, reporting the first incompatible pair (SGM3001). */
export function broadcastArgs(ctx: CheckContext, what: string, args: readonly BoundArgument[]): Shape | null | undefined {
  let shape: Shape | null = [];
  let from: BoundArgument | undefined;
  for (const a of args) {
    if (a.type.kind !== 'tensor') continue;
    const r = broadcast(shape, a.type.shape);
    if (!r.ok) {
      ctx.report('SGM3001', a.span, `arguments of ${what} cannot be broadcast together`, {
        label: `has shape ${formatShape(a.type.shape)}`,
        related: from ? [{ span: from.span, message: `has shape ${formatShape(shape)}` }] : [],
      });
      return undefined;
    }
    if (r.suspicious) {
      ctx.report('SGM4003', a.span, `unexpected broadcast in ${what}`, {
        label: `${formatShape(a.type.shape)} with ${formatShape(shape)} gives ${formatShape(r.shape)}: ${r.suspicious}`,
      });
    }
    shape = r.shape;
    from = a;
  }
  return shape;
}

/** The typed result of a built-in function call. */
export function functionResult(ctx: CheckContext, call: ResolvedCall, span: Span): ExprType {
  const sig = call.sig as FunctionSig;
  const all = [...call.args.values(), ...call.rest];
  const flags = inheritedFlags(all);
  const x = argTensor(call, 'x');
  const xArg = call.args.get('x');
  switch (sig.shape) {
    case 'elementwise': {
      const tensors = all.filter((a) => a.param.kind === 'tensor');
      const shape = broadcastArgs(ctx, call.name, tensors);
      if (shape === undefined) return ERROR;
      const range: ValueRange = FUNCTION_RANGE[call.name] ?? (call.name === 'clip' || call.name === 'stop_gradient' ? (x?.range ?? 'real') : 'real');
      return tensorType(shape, range, flags);
    }
    case 'softmax': {
      if (!x) return ERROR;
      if (x.shape !== null && axisOrReport(ctx, call, x.shape, -1) === undefined) return ERROR;
      return tensorType(x.shape, call.name === 'softmax' ? 'simplex' : 'real', flags);
    }
    case 'reduce':
    case 'argmax': {
      if (!x) return ERROR;
      const given = call.args.has('axis') || sig.shape === 'argmax';
      if (!given) return tensorType([], reduceRange(call.name, x.range), flags);
      if (x.shape === null) return tensorType(null, 'real', flags);
      const axis = axisOrReport(ctx, call, x.shape, sig.shape === 'argmax' ? -1 : undefined);
      if (axis === undefined) return ERROR;
      const shape = x.shape.filter((_, i) => i !== axis);
      return sig.shape === 'argmax'
        ? tensorType(shape, 'nonnegative', { ...flags, integer: true })
        : tensorType(shape, reduceRange(call.name, x.range), flags);
    }
    case 'flatten': {
      if (!x || x.shape === null) return tensorType(null, x?.range ?? 'real', flags);
      if (x.shape.length === 0) {
        ctx.report('SGM3004', xArg!.span, 'flatten needs at least one axis', { label: 'has shape []' });
        return ERROR;
      }
      const rest = x.shape.slice(1);
      return tensorType([x.shape[0], numel(rest) ?? UNKNOWN], x.range, flags);
    }
    case 'reshape': {
      const target = argIntList(call, 'shape');
      if (!x || !target) return ERROR;
      if (x.shape === null) return tensorType(null, x.range, flags);
      const keepBatch = x.shape.length > 0 && isNamedDim(x.shape[0]);
      const tail = keepBatch ? x.shape.slice(1) : x.shape;
      // NumPy's -1 ("infer this axis") is not part of the language: the batch axis is kept on its own, every other
      // size is written out, so the shape checker knows each one.
      if (target.some((d) => d < 0)) {
        ctx.report('SGM3009', call.args.get('shape')!.span, 'reshape sizes must be positive: -1 (infer an axis) is not supported', {
          label: `${formatShape(target)}`,
          help: `write every size out${keepBatch ? ' after the batch axis, which is kept' : ''}${numel(tail) !== undefined ? `: they must multiply to ${numel(tail)}` : ''}`,
        });
        return ERROR;
      }
      const before = numel(tail);
      const after = numel(target);
      if (before !== undefined && after !== undefined && before !== after) {
        ctx.report('SGM3009', call.args.get('shape')!.span, 'reshape changes the number of elements', {
          label: `${formatShape(target)} holds ${after} elements, ${formatShape(tail)} holds ${before}`,
        });
        return ERROR;
      }
      return tensorType(keepBatch ? [x.shape[0], ...target] : target, x.range, flags);
    }
    case 'concat':
      return concatResult(ctx, call, flags);
    case 'split': {
      const parts = argInt(call, 'parts');
      if (!x || parts === undefined || !ctx.checkSize([parts], span, 'the number of parts')) return ERROR;
      if (x.shape === null) return { kind: 'tuple', items: Array.from({ length: parts }, () => tensorType(null, x.range, flags)) };
      const axis = axisOrReport(ctx, call, x.shape, -1);
      if (axis === undefined) return ERROR;
      const d = x.shape[axis];
      let piece: Dim = UNKNOWN;
      if (typeof d === 'number') {
        if (d % parts !== 0) {
          ctx.report('SGM3011', xArg!.span, `cannot split an axis of size ${d} into ${parts} equal parts`, {
            label: `has shape ${formatShape(x.shape)}`,
          });
          return ERROR;
        }
        piece = d / parts;
      }
      const shape = x.shape.map((s, i) => (i === axis ? piece : s));
      return { kind: 'tuple', items: Array.from({ length: parts }, () => tensorType(shape, x.range, flags)) };
    }
    case 'uniform': {
      const k = argInt(call, 'K');
      if (k === undefined || !ctx.checkSize([k], span, 'uniform(K)')) return ERROR;
      // Folded only while small (MAX_FOLDED_ELEMENTS): the value is known anyway, a large array is not needed.
      return tensorType([k], 'simplex', k <= MAX_FOLDED_ELEMENTS ? { constant: Array<number>(k).fill(1 / k) } : {});
    }
    case 'one_hot': {
      const k = argInt(call, 'K');
      const idx = argTensor(call, 'indices');
      if (k === undefined || !idx) return ERROR;
      return tensorType(idx.shape === null ? null : [...idx.shape, k], 'simplex', flags);
    }
    case 'fill': {
      const shape = argIntList(call, 'shape');
      if (!shape) return ERROR;
      const v = call.name === 'ones' ? 1 : 0;
      return tensorType(shape, v === 1 ? 'positive' : 'nonnegative');
    }
    case 'dense':
    case 'mlp':
      return layerResult(ctx, call, span, flags);
    case 'matmul': {
      const y = argTensor(call, 'y');
      if (!x || !y) return ERROR;
      if (x.shape === null || y.shape === null) return tensorType(null, matmulRange(x.range, y.range), flags);
      const k = x.shape[x.shape.length - 1];
      const ky = y.shape[0];
      if (x.shape.length === 0 || y.shape.length === 0 || y.shape.length > 2 || (k !== ky && k !== UNKNOWN && ky !== UNKNOWN)) {
        ctx.report('SGM3002', call.args.get('y')!.span, 'matmul operands do not fit', {
          label: `${formatShape(x.shape)} times ${formatShape(y.shape)}: the last axis of x must equal the first axis of y`,
        });
        return ERROR;
      }
      return tensorType([...x.shape.slice(0, -1), ...y.shape.slice(1)], matmulRange(x.range, y.range, k === 0, y.shape.length === 2), flags);
    }
    case 'pmf': {
      const dist = call.args.get('dist')?.type;
      const n = argInt(call, 'n');
      if (dist?.kind !== 'distribution' || n === undefined) return ERROR;
      if (!isCountBase(dist.sig)) {
        const counts = familyNames(isCountBase);
        ctx.report('SGM2107', call.args.get('dist')!.span, `pmf needs a count distribution, not ${dist.sig.name}`, {
          label: `expected ${counts.slice(0, -1).join(', ')} or ${counts[counts.length - 1]}`,
        });
        return ERROR;
      }
      return tensorType(dist.sampleShape === null ? null : [...dist.sampleShape, n], 'simplex', flags);
    }
    case 'scalar':
      return tensorType([], 'real', flags);
    case 'schedule': {
      const tr = call.args.get('endpoints')?.type;
      const positive = tr?.kind === 'transition' && tr.from > 0 && tr.to > 0;
      return tensorType([], positive ? 'positive' : 'real', { schedule: true });
    }
    case 'objective_term': {
      if (call.name !== 'logprob') return tensorType([], 'real', { objective: true });
      // logprob(z): one value per data point (the event axes summed), so it can be weighted per row.
      const v = call.args.get('variable');
      const shape = v?.expr.kind === 'ident' ? ctx.variables.get(v.expr.name)?.shape : undefined;
      if (shape === undefined || shape === null) return tensorType(null, 'real', { objective: true });
      return tensorType(shape.length > 0 && typeof shape[0] === 'string' ? [shape[0]] : [], 'real', { objective: true });
    }
    case 'distribution':
    case 'directive':
      return ERROR; // handled by the caller (expressions.ts)
  }
}

function reduceRange(name: string, r: ValueRange): ValueRange {
  if (name === 'logsumexp') return 'real';
  if (r === 'simplex') return name === 'sum' ? 'positive' : 'nonnegative';
  return r;
}

/** The normalised `axis` argument (or `dflt` when absent), reporting SGM3004 when out of range. */
function axisOrReport(ctx: CheckContext, call: ResolvedCall, shape: Shape, dflt: number | undefined): number | undefined {
  const raw = argConst(call, 'axis') ?? dflt;
  if (typeof raw !== 'number') return undefined;
  const axis = normalizeAxis(raw, shape.length);
  if (axis === undefined) {
    const at = call.args.get('axis')?.span ?? call.args.get('x')?.span ?? call.node.span;
    ctx.report('SGM3004', at, `axis ${raw} is out of range for a tensor of rank ${shape.length}`, {
      label: `the tensor has shape ${formatShape(shape)}`,
    });
  }
  return axis;
}

function concatResult(ctx: CheckContext, call: ResolvedCall, flags: Partial<TensorType>): ExprType {
  const parts = call.rest.filter((a) => a.type.kind === 'tensor');
  if (parts.length === 0) {
    ctx.report('SGM2103', call.node.span, 'concat needs at least one tensor', { label: 'nothing to concatenate' });
    return ERROR;
  }
  const shapes = parts.map((p) => (p.type as TensorType).shape);
  if (shapes.some((s) => s === null)) return tensorType(null, 'real', flags);
  const first = shapes[0]!;
  const axis = axisOrReport(ctx, call, first, -1);
  if (axis === undefined) return ERROR;
  let size: Dim = 0;
  for (let i = 0; i < parts.length; i++) {
    const s = shapes[i]!;
    const mismatch = s.length !== first.length || s.some((d, j) => j !== axis && d !== first[j] && d !== UNKNOWN && first[j] !== UNKNOWN);
    if (mismatch) {
      ctx.report('SGM3010', parts[i].span, 'tensors to concatenate disagree on an axis other than the concatenation axis', {
        label: `has shape ${formatShape(s)}`,
        related: [{ span: parts[0].span, message: `has shape ${formatShape(first)}` }],
      });
      return ERROR;
    }
    const d = s[axis];
    size = typeof size === 'number' && typeof d === 'number' ? size + d : UNKNOWN;
  }
  return tensorType(
    first.map((d, j) => (j === axis ? size : d)),
    'real',
    flags,
  );
}

function layerResult(ctx: CheckContext, call: ResolvedCall, span: Span, flags: Partial<TensorType>): ExprType {
  const x = argTensor(call, 'x');
  const sizes = argIntList(call, call.name === 'mlp' ? 'sizes' : 'units');
  if (!x || !sizes) return ERROR;
  const bad = sizes.length === 0 ? 'an empty list' : sizes.find((s) => !Number.isInteger(s) || s <= 0);
  if (bad !== undefined) {
    ctx.report('SGM3015', call.args.get(call.name === 'mlp' ? 'sizes' : 'units')!.span, `layer size ${bad} is not a positive integer`, {
      label: 'invalid size',
    });
    return ERROR;
  }
  if (x.shape === null) return tensorType(null, 'real', flags);
  const last = x.shape[x.shape.length - 1];
  if (x.shape.length === 0 || typeof last !== 'number') {
    ctx.report('SGM3007', call.args.get('x')!.span, `${call.name} needs the size of the input's last axis at compile time`, {
      label: `has shape ${formatShape(x.shape)}`,
      help: x.shape.length > 1 ? 'flatten(...) the input first, or use a hyperparameter for the feature size' : undefined,
    });
    return ERROR;
  }
  // Weight matrices (and biases) of each layer: parameters, checked against both limits.
  const widths = call.name === 'mlp' ? [last, ...sizes] : [last, sizes.reduce((a, b) => a * b, 1)];
  for (let i = 1; i < widths.length; i++) {
    if (!ctx.checkSize([widths[i - 1], widths[i]], span, `the weight matrix of ${call.name} layer ${i}`, true)) return ERROR;
    ctx.paramElements += widths[i];
  }
  const out = call.name === 'mlp' ? [sizes[sizes.length - 1]] : sizes;
  const act = call.args.get(call.name === 'mlp' ? 'out_act' : 'act');
  const actName = act?.type.kind === 'choice' ? act.type.name : 'identity';
  const range: ValueRange = FUNCTION_RANGE[actName] ?? 'real';
  return tensorType([...x.shape.slice(0, -1), ...out], range, flags);
}
