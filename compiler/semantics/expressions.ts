/**
 * Types expressions: names (with scope and used-before-defined checks), literals, arithmetic with
 * broadcasting, indexing, and calls of built-in functions and distributions against the signature table.
 */
import {
  findDistribution,
  fitPriorResultFamily,
  type DistributionSig,
  type FunctionSig,
  type ParamSig,
} from '../../stdlib/signatures/index.js';
import type { Span } from '../diagnostics/source.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { assertNever, type Argument, type Call, type Expr, type Identifier } from '../syntax/ast.js';
import { matchArguments } from './bind-arguments.js';
import { CONSTANT_FUNCTIONS, foldBinary, foldUnary } from './constant.js';
import { noDistribution, type CheckContext, type ExprContext } from './context.js';
import { distributionResult, fitPriorCategories } from './distribution-shapes.js';
import { binaryRange } from './ranges.js';
import { broadcast, formatShape } from './shape.js';
import { functionResult, tensorType } from './shape-rules.js';
import { typeIndex } from './indexing.js';
import { checkPlacement, reportUnknownCallee, reportUnresolvedName } from './call-diagnostics.js';
import { checkTensorArgument } from './argument-checks.js';
import type { BoundArgument, ConstValue, ExprType, ResolvedCall, TensorType } from './types.js';

const ERROR: ExprType = { kind: 'error' };

/** Argument kinds whose erroneous value makes the call's result unknowable. */
const POISONING_KINDS: ReadonlySet<ParamSig['kind']> = new Set(['tensor', 'scalar', 'constant', 'int_list', 'distribution', 'range', 'transition']);

/** Types an expression (recording the type of it and every sub-expression). */
export function typeExpr(ctx: CheckContext, e: Expr, ec: ExprContext): ExprType {
  return ctx.setType(e, withinSizeLimit(ctx, e, typeExprInner(ctx, e, ec)));
}

/** A value or a distribution's sample larger than the per-tensor limit is an error here, where it arises (SGM3017). */
function withinSizeLimit(ctx: CheckContext, e: Expr, t: ExprType): ExprType {
  if (t.kind === 'tensor' && t.shape !== null) return ctx.checkSize(t.shape, e.span, 'this value') ? t : ERROR;
  if (t.kind === 'distribution' && t.sampleShape !== null) return ctx.checkSize(t.sampleShape, e.span, `a sample of ${t.sig.name}`) ? t : ERROR;
  return t;
}

function typeExprInner(ctx: CheckContext, e: Expr, ec: ExprContext): ExprType {
  switch (e.kind) {
    case 'number':
      return ctx.scalarConstant(e.value);
    case 'bool':
      return tensorType([], 'nonnegative', { constant: e.value });
    case 'ident':
      return typeName(ctx, e, ec);
    case 'paren':
      return typeExpr(ctx, e.inner, ec);
    case 'unary': {
      const t = typeExpr(ctx, e.operand, noDistribution(ec));
      if (t.kind !== 'tensor') return notATensor(ctx, e.operand, t);
      const constant = t.constant === undefined ? undefined : e.op === '-' ? foldUnary((x) => -x, t.constant) : t.constant;
      return { ...t, range: e.op === '-' ? 'real' : t.range, ...(constant === undefined ? {} : { constant }) };
    }
    case 'binary':
      return typeBinary(ctx, e, ec);
    case 'tensor':
      return typeTensorLiteral(ctx, e.elements, e.span, ec);
    case 'index':
      return typeIndex(ctx, e, ec, typeExpr, notATensor);
    case 'call':
      return typeCall(ctx, e, ec);
    case 'transition':
      ctx.report('SGM2107', e.span, "'a -> b' is only valid as the first argument of anneal or ramp", { label: 'not a value' });
      return ERROR;
    case 'range':
      ctx.report('SGM2107', e.span, "'lo..hi' is only valid as the trunc argument of GenGS", { label: 'not a value' });
      return ERROR;
    case 'error':
      return ERROR;
    default:
      return assertNever(e);
  }
}

function notATensor(ctx: CheckContext, e: Expr, t: ExprType): ExprType {
  if (t.kind === 'distribution') {
    ctx.report('SGM2110', e.span, `the distribution ${t.sig.name} is used as a value`, {
      label: 'a distribution, not a tensor',
      help: 'sample it first: name ~ Dist(...), then use the name',
    });
  } else if (t.kind === 'tuple') {
    ctx.report('SGM3011', e.span, `this expression returns ${t.items.length} tensors`, {
      label: 'unpack it first',
      help: `a, b = split(...)`,
    });
  }
  return ERROR;
}

function typeName(ctx: CheckContext, e: Identifier, ec: ExprContext): ExprType {
  const hyper = ctx.hyper.get(e.name);
  if (hyper !== undefined) return ctx.scalarConstant(hyper);
  if (ctx.brokenHypers.has(e.name)) return ERROR; // its own diagnostic says why
  const entry = ec.anyBlock ? ctx.lookupAny(e.name) : ctx.lookup(e.name, ec.block);
  if (entry) {
    ctx.used.add(e.name);
    return entry.type;
  }
  // A bare built-in that needs no parentheses (elbo, pathwise, closed_form, ema, loo, none); after `with` and
  // right of `kl(z) =` every bare name is read as a directive, so a misspelt one gets SGM2301/SGM2302.
  const fn = ctx.findFunction(e.name);
  const directivePosition = ec.position === 'estimator' || ec.position === 'kl_method' || ec.position === 'baseline';
  if (fn?.bareAllowed || directivePosition) {
    return typeCall(ctx, { kind: 'call', callee: { text: e.name, span: e.span }, args: [], span: e.span }, ec, e);
  }
  reportUnresolvedName(ctx, e.name, e.span, ec);
  return ERROR;
}

const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const INTEGER_OPS: ReadonlySet<string> = new Set(['+', '-', '*']);

function typeBinary(ctx: CheckContext, e: Extract<Expr, { kind: 'binary' }>, ec: ExprContext): ExprType {
  const sub = noDistribution(ec);
  const l = typeExpr(ctx, e.left, sub);
  const r = typeExpr(ctx, e.right, sub);
  if (l.kind !== 'tensor') return l.kind === 'error' ? ERROR : notATensor(ctx, e.left, l);
  if (r.kind !== 'tensor') return r.kind === 'error' ? ERROR : notATensor(ctx, e.right, r);
  const b = broadcast(l.shape, r.shape);
  if (!b.ok) {
    ctx.report('SGM3001', e.opSpan, `shapes ${formatShape(l.shape)} and ${formatShape(r.shape)} cannot be broadcast for '${e.op}'`, {
      label: `axis ${b.axis} differs`,
      related: [
        { span: e.left.span, message: `has shape ${formatShape(l.shape)}` },
        { span: e.right.span, message: `has shape ${formatShape(r.shape)}` },
      ],
    });
    return ERROR;
  }
  if (b.suspicious) {
    ctx.report('SGM4003', e.opSpan, `unexpected broadcast for '${e.op}'`, {
      label: `${formatShape(l.shape)} ${e.op} ${formatShape(r.shape)} gives ${formatShape(b.shape)}: ${b.suspicious}`,
      help: 'index or reshape one side so the axes line up',
    });
  }
  const constant = l.constant !== undefined && r.constant !== undefined ? foldBinary(e.op, l.constant, r.constant) : undefined;
  const comparison = COMPARISONS.has(e.op);
  const range = comparison ? 'nonnegative' : binaryRange(e.op, l.range, r.range);
  const schedule = l.schedule || r.schedule;
  const objective = l.objective || r.objective;
  const integer = l.integer && r.integer && INTEGER_OPS.has(e.op);
  // The plain case without the spread objects below (every operator of a model is typed here); same keys, same
  // order. When an operand's type is that very type (x + 1 with x real), it is shared: types are immutable
  // values (compared by value, e.g. in reuse.ts), and fewer live objects make the checker's garbage collection cheaper.
  if (constant === undefined && !schedule && !objective && !integer) {
    if (b.shape === l.shape && range === l.range && isPlainTensor(l)) return l;
    if (b.shape === r.shape && range === r.range && isPlainTensor(r)) return r;
    return { kind: 'tensor', shape: b.shape, range };
  }
  return tensorType(b.shape, range, {
    ...(constant === undefined ? {} : { constant }),
    ...(schedule ? { schedule: true } : {}),
    ...(objective ? { objective: true } : {}),
    ...(integer ? { integer: true } : {}),
  });
}

/** A tensor type with only kind, shape and range. */
function isPlainTensor(t: TensorType): boolean {
  return t.constant === undefined && t.schedule === undefined && t.integer === undefined && t.objective === undefined;
}

function typeTensorLiteral(ctx: CheckContext, elements: readonly Expr[], span: Span, ec: ExprContext): ExprType {
  const items = elements.map((el) => typeExpr(ctx, el, noDistribution(ec)));
  if (items.some((t) => t.kind !== 'tensor')) return ERROR;
  const ts = items as TensorType[];
  const inner = ts[0]?.shape ?? [];
  for (let i = 1; i < ts.length; i++) {
    const s = ts[i].shape;
    if (s === null || inner === null || s.length !== inner.length || s.some((d, j) => d !== inner[j])) {
      ctx.report('SGM3014', elements[i].span, 'rows of a tensor literal must have equal shapes', {
        label: `has shape ${formatShape(s)}`,
        related: [{ span: elements[0].span, message: `has shape ${formatShape(inner)}` }],
      });
      return ERROR;
    }
  }
  const constants = ts.map((t) => t.constant);
  const constant = constants.every((c) => c !== undefined) ? (constants as ConstValue[]) : undefined;
  const range = ts.every((t) => t.range === 'positive' || t.range === 'unit_interval') ? 'positive' : 'real';
  void span;
  return tensorType([elements.length, ...(inner ?? [])], range, {
    ...(constant === undefined ? {} : { constant }),
    ...(ts.some((t) => t.schedule) ? { schedule: true } : {}),
  });
}

// ── calls ────────────────────────────────────────────────────────────────────────────────────────

/** Types a call of a built-in function or distribution. `bare` is the identifier of a bare directive. */
export function typeCall(ctx: CheckContext, e: Call, ec: ExprContext, bare?: Identifier): ExprType {
  const name = e.callee.text;
  const dist = findDistribution(name);
  const fn = dist ? undefined : ctx.findFunction(name);
  if (!dist && !fn) {
    for (const a of e.args) typeArgumentLoosely(ctx, a, ec);
    reportUnknownCallee(ctx, e, ec);
    return ERROR;
  }
  const sig = (dist ?? fn)!;
  if (fn?.variadic && listOfTensors(ctx, e, ec)) return ERROR;
  const key = bare ?? e;
  if (!checkPlacement(ctx, e, ec, dist, fn)) {
    for (const a of e.args) typeArgumentLoosely(ctx, a, ec);
    return ERROR;
  }
  const m = matchArguments(ctx, sig.name, sig.params, dist?.exactlyOneOf, e, fn?.variadic ?? false);
  const args = new Map<string, BoundArgument>();
  // The result is still computed after argument mistakes (a misspelt activation, an extra argument) so that
  // independent errors further on are reported too; only an erroneous value that the result depends on
  // (a tensor, a constant, a distribution) poisons it, to avoid follow-on errors.
  let ok = true;
  for (const [pname, { param, arg }] of m.matched) {
    const type = typeArgument(ctx, sig, param, arg, ec);
    if (type.kind === 'error' && POISONING_KINDS.has(param.kind)) ok = false;
    args.set(pname, { param, expr: arg.value, type, span: arg.span });
  }
  // Arguments the matcher could not place are still typed, so the names they read count as used.
  // (Each argument is placed at most once, so when the counts agree every one was: no set to build.)
  if (m.matched.size + m.rest.length !== e.args.length) {
    const placed = new Set<Argument>([...[...m.matched.values()].map((x) => x.arg), ...m.rest]);
    for (const a of e.args) if (!placed.has(a)) typeArgumentLoosely(ctx, a, ec);
  }
  const rest = m.rest.map((arg): BoundArgument => {
    const type = typeExpr(ctx, arg.value, noDistribution(ec));
    if (type.kind !== 'tensor') {
      ok = false;
      if (type.kind !== 'error') notATensor(ctx, arg.value, type);
    }
    return { param: { name: 'x', kind: 'tensor', doc: 'tensor' }, expr: arg.value, type, span: arg.span };
  });
  const call: ResolvedCall = { node: key, kind: dist ? 'distribution' : 'function', sig, name: sig.name, args, rest };
  ctx.calls.set(key, call);
  if (!ok) return ERROR;
  if (dist) return distributionResult(ctx, call) ?? ERROR;
  if (fn!.shape === 'directive') return { kind: 'directive', call };
  if (fn!.shape === 'distribution') return fitPriorResult(ctx, call) ?? ERROR;
  const result = functionResult(ctx, call, e.span);
  return result.kind === 'tensor' ? foldConstantCall(call, result) : result;
}

/** Constant-folds a pure function of constants (log(5) in a param initialiser, sqrt(K) in a shape). */
function foldConstantCall(call: ResolvedCall, result: TensorType): TensorType {
  const f = CONSTANT_FUNCTIONS[call.name];
  const x = call.args.get('x')?.type;
  if (!f || x?.kind !== 'tensor' || x.constant === undefined) return result;
  const constant = foldUnary(f, x.constant);
  return constant === undefined ? result : { ...result, constant };
}

function fitPriorResult(ctx: CheckContext, call: ResolvedCall): ExprType | undefined {
  const family = call.args.get('family')?.type;
  const k = fitPriorCategories(ctx, call);
  if (family?.kind !== 'family' || k === undefined) return undefined;
  // The table says which family the fitted prior has (fitPriorAs): fit_prior(IGR_Planar, ...) gives the Gaussian
  // prior on the flow output, an IGR_I prior (docs/math.md section 4).
  const sig = fitPriorResultFamily(family.name)!;
  return { kind: 'distribution', sig, call, sampleShape: [k], eventRank: 1 };
}

/** Types an argument of an unresolved call, so names inside it still count as used and get checked. */
/**
 * `concat([a, b])`, the NumPy/tfjs habit, for a variadic function that takes its tensors as separate arguments:
 * a tensor literal of non-scalar tensors as the first argument is reported (SGM2107) with the call written the
 * sgm way; typed as a literal it would stack a and b on a new axis, or fail as a ragged literal.
 */
function listOfTensors(ctx: CheckContext, e: Call, ec: ExprContext): boolean {
  const first = e.args[0];
  if (!first || first.name || first.value.kind !== 'tensor') return false;
  const list = first.value;
  const types = list.elements.map((x) => typeExpr(ctx, x, noDistribution(ec)));
  if (!types.some((t) => t.kind === 'tensor' && (t.shape === null || t.shape.length > 0))) return false;
  for (const a of e.args.slice(1)) typeArgumentLoosely(ctx, a, ec);
  const items = list.elements.map((x) => ctx.text(x.span));
  const rest = e.args.slice(1).map((a) => ctx.text(a.span));
  ctx.report('SGM2107', list.span, `${e.callee.text} takes the tensors as separate arguments, not as a list`, {
    label: 'a tensor literal of tensors',
    help: `write ${e.callee.text}(${[...items, ...rest].join(', ')})${rest.length === 0 ? ' (axis = -1 by default; concat(a, b, axis = 0) for another axis)' : ''}`,
  });
  return true;
}

function typeArgumentLoosely(ctx: CheckContext, a: Argument, ec: ExprContext): void {
  if (a.value.kind === 'ident' && !ctx.lookup(a.value.name, ec.block) && !ctx.hyper.has(a.value.name)) return;
  typeExpr(ctx, a.value, { ...ec, allowDistribution: true, position: ec.position === 'estimator' || ec.position === 'kl_method' ? 'value' : ec.position });
}

/** Types one argument according to its parameter kind and checks the parameter's constraint. */
function typeArgument(ctx: CheckContext, sig: FunctionSig | DistributionSig, param: ParamSig, arg: Argument, ec: ExprContext): ExprType {
  const v = arg.value;
  // The parameter as messages name it; built only when a message needs it (this runs for every argument).
  const what = (): string => `'${param.name}' of ${sig.name}`;
  // The common case first: a tensor argument.
  if (param.kind === 'tensor' || param.kind === 'scalar' || param.kind === 'constant' || param.kind === 'int_list') return typeTensorArgument(ctx, param, v, ec, what);
  const wrongKind = (expected: string): ExprType => {
    ctx.report('SGM2107', v.span, `${what()} expects ${expected}`, { label: `got ${ctx.text(v.span)}` });
    return ctx.setType(v, ERROR);
  };
  switch (param.kind) {
    case 'activation':
    case 'choice': {
      const choices = param.choices ?? [];
      if (v.kind !== 'ident') return wrongKind(`one of ${choices.join(', ')}`);
      if (!choices.includes(v.name)) {
        const suggestion = didYouMean(v.name, choices);
        ctx.report('SGM2112', v.span, `${what()} must be one of ${choices.join(', ')}`, {
          label: `unknown ${param.kind}`,
          ...(suggestion ? { help: suggestion } : {}),
        });
        return ctx.setType(v, ERROR);
      }
      return ctx.setType(v, { kind: 'choice', name: v.name });
    }
    case 'family': {
      const choices = param.choices ?? [];
      if (v.kind !== 'ident') return wrongKind(`a distribution family name (${choices.join(', ')})`);
      if (!choices.includes(v.name)) {
        const suggestion = didYouMean(v.name, choices);
        ctx.report('SGM2112', v.span, `${what()} must be one of ${choices.join(', ')}`, {
          label: 'not a supported family',
          ...(suggestion ? { help: suggestion } : {}),
        });
        return ctx.setType(v, ERROR);
      }
      return ctx.setType(v, { kind: 'family', name: v.name });
    }
    case 'variable': {
      if (v.kind !== 'ident') return wrongKind('a variable name');
      const t = typeExpr(ctx, v, { ...ec, position: 'value' });
      return t;
    }
    case 'distribution': {
      const t = typeExpr(ctx, v, { ...ec, allowDistribution: true, position: 'value' });
      if (t.kind === 'error') return t;
      return t.kind === 'distribution' ? t : wrongKind('a distribution, e.g. Poisson(λ)');
    }
    case 'transition': {
      if (v.kind !== 'transition') return wrongKind("endpoints 'a -> b'");
      const from = constantNumber(ctx, v.from, ec, what());
      const to = constantNumber(ctx, v.to, ec, what());
      if (from === undefined || to === undefined) return ctx.setType(v, ERROR);
      return ctx.setType(v, { kind: 'transition', from, to });
    }
    case 'range': {
      if (v.kind === 'range') {
        const low = constantNumber(ctx, v.low, ec, what());
        const high = constantNumber(ctx, v.high, ec, what());
        if (low === undefined || high === undefined) return ctx.setType(v, ERROR);
        if (!Number.isInteger(low) || !Number.isInteger(high) || low < 0 || high <= low) {
          ctx.report('SGM2106', v.span, `${what()} must be lo..hi with integers 0 <= lo < hi`, { label: `got ${low}..${high}` });
          return ctx.setType(v, ERROR);
        }
        return ctx.setType(v, { kind: 'range', low, high });
      }
      const n = constantNumber(ctx, v, ec, what());
      if (n === undefined) return ERROR;
      if (!Number.isInteger(n) || n < 2) {
        ctx.report('SGM2106', v.span, `${what()} must be an integer >= 2 (number of cells) or lo..hi`, { label: `got ${n}` });
        return ERROR;
      }
      return ctx.types.get(v)!;
    }
    case 'baseline': {
      const call: Call = v.kind === 'call' ? v : { kind: 'call', callee: { text: v.kind === 'ident' ? v.name : '', span: v.span }, args: [], span: v.span };
      if (v.kind !== 'call' && v.kind !== 'ident') return wrongKind('ema(decay), loo or none');
      const fn = ctx.findFunction(call.callee.text);
      if (fn?.category !== 'baseline') {
        const options = ctx.functionsOf('baseline').map((f) => f.name);
        const suggestion = didYouMean(call.callee.text, options);
        ctx.report('SGM2112', v.span, `${what()} must be one of ${options.join(', ')}`, {
          label: 'unknown baseline',
          ...(suggestion ? { help: suggestion } : {}),
        });
        return ctx.setType(v, ERROR);
      }
      return ctx.setType(v, typeCall(ctx, call, { ...ec, position: 'baseline' }, v.kind === 'ident' ? v : undefined));
    }
  }
}

/** A tensor-valued argument: typed as a value, then its kind, constness and constraint checked. */
function typeTensorArgument(ctx: CheckContext, param: ParamSig, v: Expr, ec: ExprContext, what: () => string): ExprType {
  const position = ec.position === 'estimator' || ec.position === 'kl_method' || ec.position === 'baseline' ? 'value' : ec.position;
  // The caller's context when it already says the same (no copy per argument).
  const sub: ExprContext = !ec.allowDistribution && position === ec.position ? ec : { ...ec, allowDistribution: false, position };
  const t = typeExpr(ctx, v, sub);
  if (t.kind === 'error') return t;
  if (t.kind !== 'tensor') return notATensor(ctx, v, t);
  return checkTensorArgument(ctx, what, param, v, t);
}

/** A constant number (for schedule endpoints and ranges), reporting SGM2108/SGM2109. */
function constantNumber(ctx: CheckContext, e: Expr, ec: ExprContext, what: string): number | undefined {
  const t = typeExpr(ctx, e, { ...ec, allowDistribution: false, position: 'value' });
  if (t.kind !== 'tensor') return undefined;
  if (t.schedule) {
    ctx.report('SGM2108', e.span, `${what} needs constant endpoints`, { label: 'a schedule' });
    return undefined;
  }
  if (typeof t.constant !== 'number') {
    ctx.report('SGM2109', e.span, `${what} must be known at compile time`, { label: 'not a constant number' });
    return undefined;
  }
  return t.constant;
}
