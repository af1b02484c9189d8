/**
 * Emits TypeScript for typed expressions of a checked model: tfjs calls for arithmetic and built-ins, the
 * runtime's layers, stdlib distributions, and hoisting of what does not change per step (constant tensors into
 * `create`, schedules once per step at the top of a function).
 */
import { findFunction } from '../../stdlib/signatures/index.js';
import type * as A from '../syntax/ast.js';
import { flattenConst, formatNumber } from '../semantics/constant.js';
import { isNamedDim, normalizeAxis, type Dim } from '../semantics/shape.js';
import { isOneHotIndex } from '../semantics/indexing.js';
import type { ConstValue, ResolvedCall, TensorType } from '../semantics/types.js';
import { type EmitContext, type Scope } from './emit-context.js';
import { emitFused } from './emit-fusion.js';
import { commentText, member, propKey, str } from './names.js';

export { EmitContext, Imports, type HoistedConstant, type LayerSite, type Scope } from './emit-context.js';

/** tfjs unary ops by language name. */
const UNARY_TF: Readonly<Record<string, string>> = {
  exp: 'tf.exp',
  log: 'tf.log',
  ln: 'tf.log',
  log1p: 'tf.log1p',
  expm1: 'tf.expm1',
  abs: 'tf.abs',
  sqrt: 'tf.sqrt',
  square: 'tf.square',
  relu: 'tf.relu',
  elu: 'tf.elu',
  softplus: 'tf.softplus',
  sigmoid: 'tf.sigmoid',
  tanh: 'tf.tanh',
};

/** Helpers from sgm's packages, by the name generated code imports. */
const UNARY_SGM: Readonly<Record<string, { fn: string; from: 'stdlib' | 'runtime' }>> = {
  log_sigmoid: { fn: 'logSigmoid', from: 'stdlib' },
  logit: { fn: 'logit', from: 'stdlib' },
  lgamma: { fn: 'lgamma', from: 'stdlib' },
  stop_gradient: { fn: 'stopGradient', from: 'runtime' },
  detach: { fn: 'stopGradient', from: 'runtime' },
};

const BINARY_TF: Readonly<Record<string, string>> = {
  '+': 'tf.add',
  '-': 'tf.sub',
  '*': 'tf.mul',
  '/': 'tf.div',
  '%': 'tf.mod',
  '^': 'tf.pow',
  '==': 'tf.equal',
  '!=': 'tf.notEqual',
  '<': 'tf.less',
  '<=': 'tf.lessEqual',
  '>': 'tf.greater',
  '>=': 'tf.greaterEqual',
};

/** Built-ins that are terms of the objective, emitted by the model emitter's objectiveTerm. */
const OBJECTIVE_TERMS: ReadonlySet<string> = new Set(['elbo', 'iwae', 'loglik', 'kl', 'logprob']);

/** A JS literal for a constant (numbers and nested arrays); NaN, ±Infinity and -0 included. */
export function literal(v: ConstValue): string {
  if (typeof v === 'number') {
    if (Object.is(v, -0)) return '-0';
    return Number.isFinite(v) ? formatNumber(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  }
  if (typeof v === 'boolean') return String(v);
  return `[${v.map(literal).join(', ')}]`;
}

/** A shape for tf.reshape: named (run-time) axes become -1 when there is exactly one, else `${x}.shape[i]`. */
export function reshapeTarget(shape: readonly Dim[], of: string): string {
  const dynamic = shape.filter((d) => typeof d !== 'number').length;
  return `[${shape.map((d, i) => (typeof d === 'number' ? literal(d) : dynamic === 1 ? '-1' : `${of}.shape[${i}]`)).join(', ')}]`;
}

/** Emits expressions within one scope. */
export class ExprEmitter {
  constructor(
    private readonly cx: EmitContext,
    private readonly scope: Scope,
    /** How objective terms (elbo, loglik, kl, iwae) read: only set while emitting the objective. */
    private readonly objectiveTerm?: (call: ResolvedCall) => string,
  ) {}

  /** TypeScript for an expression. */
  expr(e: A.Expr): string {
    const t = this.cx.model.types.get(e);
    // Compile-time constants: numbers stay JS numbers (tf ops accept them), arrays become hoisted tensors.
    if (t?.kind === 'tensor' && t.constant !== undefined && !t.schedule) {
      if (e.kind === 'ident' && Object.hasOwn(this.cx.model.hyperparameters, e.name)) return this.hyper(e.name);
      if (typeof t.constant === 'number' || typeof t.constant === 'boolean') return literal(t.constant);
      return this.cx.constant(e.kind === 'ident' ? { source: e.name } : 'constant', `tf.tensor(${literal(t.constant)})`);
    }
    // A chain of elementwise operations: one fused kernel (emit-fusion.ts), its other operands emitted here.
    if (this.cx.fused && (e.kind === 'unary' || e.kind === 'binary' || e.kind === 'call')) {
      const fused = emitFused(this.cx.model, this.cx.fused, this.cx.imports, e, (x) => this.expr(x), literal);
      if (fused !== undefined) return fused;
    }
    switch (e.kind) {
      case 'number':
        return literal(e.value);
      case 'bool':
        return String(e.value);
      case 'paren':
        return this.expr(e.inner);
      case 'ident': {
        // A bare objective term inside an expression (`maximize elbo + 1`) is the call `elbo()`.
        const bare = this.cx.model.calls.get(e);
        if (bare && bare.kind !== 'distribution' && OBJECTIVE_TERMS.has(bare.name) && this.objectiveTerm) return this.objectiveTerm(bare);
        return this.name(e.name);
      }
      case 'unary':
        return e.op === '-' ? `tf.neg(${this.expr(e.operand)})` : this.expr(e.operand);
      case 'binary': {
        const op = `${BINARY_TF[e.op]}(${this.expr(e.left)}, ${this.expr(e.right)})`;
        return ['==', '!=', '<', '<=', '>', '>='].includes(e.op) ? `tf.cast(${op}, 'float32')` : op;
      }
      case 'tensor':
        return `tf.stack([${e.elements.map((x) => this.expr(x)).join(', ')}])`;
      case 'index':
        return this.index(e);
      case 'call':
        return this.call(e);
      case 'transition':
      case 'range':
      case 'error':
        throw new Error(`internal: cannot emit a ${e.kind} expression`);
    }
  }

  /** A module-level hyperparameter constant. */
  hyper(name: string): string {
    return member('hyper', name);
  }

  /** The identifier holding a source name in this scope. */
  name(name: string): string {
    const v = this.scope.values.get(name) ?? this.scope.resolve(name);
    if (v === undefined) throw new Error(`internal: '${name}' is not available in this generated function`);
    return v;
  }

  /** `x[...]` as select(x, [one entry per axis]) with the ellipsis expanded (the rank is known statically). */
  private index(e: A.Index): string {
    const target = this.expr(e.target);
    const shape = this.cx.tensorType(e.target)?.shape ?? null;
    if (shape === null) throw new Error('internal: indexing needs a known rank');
    const num = (x: A.Expr | undefined): number | null => {
      if (!x) return null;
      const c = this.cx.tensorType(x)?.constant;
      if (typeof c !== 'number') throw new Error('internal: index must be constant');
      return c;
    };
    // A constant index selects; any other index (an integer-valued tensor, checked by semantics) gathers.
    const at = (x: A.Expr): string => {
      const t = this.cx.tensorType(x);
      if (typeof t?.constant === 'number') return String(t.constant);
      return t && isOneHotIndex(t) ? `{ oneHot: ${this.expr(x)} }` : this.expr(x);
    };
    const explicit = e.items.filter((i) => i.kind !== 'ellipsis').length;
    const spec: string[] = [];
    for (const item of e.items) {
      if (item.kind === 'ellipsis') for (let i = 0; i < shape.length - explicit; i++) spec.push('null');
      else if (item.kind === 'at') spec.push(at(item.index));
      else if (!item.start && !item.stop && !item.step) spec.push('null');
      else spec.push(`[${num(item.start)}, ${num(item.stop)}, ${num(item.step) ?? 1}]`);
    }
    while (spec.length > 0 && spec[spec.length - 1] === 'null') spec.pop();
    this.cx.imports.runtime.add('select');
    const source = this.cx.model.file.slice(e.span).replace(/\s+/g, ' ');
    // A gather names its source expression in the run-time error for an index outside the axis.
    const gathers = e.items.some((i) => i.kind === 'at' && typeof this.cx.tensorType(i.index)?.constant !== 'number');
    if (gathers) return `select(${target}, [${spec.join(', ')}], ${str(source)})`;
    return `select(${target}, [${spec.join(', ')}]) /* ${commentText(source)} */`;
  }

  private call(e: A.Call): string {
    const call = this.cx.model.calls.get(e);
    if (!call) throw new Error(`internal: unresolved call ${e.callee.text}`);
    if (call.kind === 'distribution') return this.distribution(call);
    const arg = (name: string): string => {
      const a = call.args.get(name);
      if (!a) throw new Error(`internal: missing argument ${name} of ${call.name}`);
      return this.expr(a.expr);
    };
    const optConst = (name: string): number | undefined => {
      const a = call.args.get(name);
      const c = a?.type.kind === 'tensor' ? a.type.constant : undefined;
      return typeof c === 'number' ? c : undefined;
    };
    const xShape = this.cx.tensorType(call.args.get('x')?.expr ?? e)?.shape ?? null;
    const axisArg = (dflt: number | undefined): string => {
      const a = optConst('axis') ?? dflt;
      return a === undefined ? '' : `, ${literal(a)}`;
    };
    const name = call.name;
    if (UNARY_TF[name]) return `${UNARY_TF[name]}(${arg('x')})`;
    const sgm = UNARY_SGM[name];
    if (sgm) {
      (sgm.from === 'stdlib' ? this.cx.imports.stdlib : this.cx.imports.runtime).add(sgm.fn);
      return `${sgm.fn}(${arg('x')})`;
    }
    switch (name) {
      case 'leaky_relu':
        return `tf.leakyRelu(${arg('x')}, 0.2)`;
      case 'softmax':
        return `tf.softmax(${arg('x')}${axisArg(-1)})`;
      case 'log_softmax':
        return `tf.logSoftmax(${arg('x')}${axisArg(-1)})`;
      case 'clip':
        return `tf.clipByValue(${arg('x')}, ${arg('low')}, ${arg('high')})`;
      case 'minimum':
        return `tf.minimum(${arg('x')}, ${arg('y')})`;
      case 'maximum':
        return `tf.maximum(${arg('x')}, ${arg('y')})`;
      case 'matmul':
        this.cx.imports.runtime.add('matmulLast');
        return `matmulLast(${arg('x')}, ${arg('y')})`;
      case 'sum':
      case 'mean':
      case 'max':
      case 'min':
        return `tf.${name}(${arg('x')}${axisArg(undefined)})`;
      case 'logsumexp':
        return `tf.logSumExp(${arg('x')}${axisArg(undefined)})`;
      case 'argmax':
        return `tf.cast(tf.argMax(${arg('x')}${axisArg(-1)}), 'float32')`;
      case 'flatten': {
        if (!xShape) throw new Error('internal: flatten needs a known rank');
        const rest = xShape.slice(1);
        const n = rest.every((d): d is number => typeof d === 'number') ? rest.reduce((a, b) => a * b, 1) : -1;
        return `tf.reshape(${arg('x')}, ${reshapeTarget([xShape[0], n === -1 ? '?' : n], arg('x'))})`;
      }
      case 'reshape': {
        const out = this.cx.tensorType(e)?.shape;
        if (!out) throw new Error('internal: reshape needs a known shape');
        return `tf.reshape(${arg('x')}, ${reshapeTarget(out, arg('x'))})`;
      }
      case 'concat': {
        const shape = this.cx.tensorType(e)?.shape;
        const a = optConst('axis') ?? -1;
        const axis = shape ? (normalizeAxis(a, shape.length) ?? a) : a;
        return `tf.concat([${call.rest.map((r) => this.expr(r.expr)).join(', ')}], ${literal(axis)})`;
      }
      case 'split':
        return `tf.split(${arg('x')}, ${literal(optConst('parts') ?? NaN)}${axisArg(-1)})`;
      case 'one_hot':
        return `tf.cast(tf.oneHot(tf.cast(${arg('indices')}, 'int32'), ${literal(optConst('K') ?? NaN)}), 'float32')`;
      case 'uniform': {
        const k = optConst('K')!;
        return this.cx.constant(`uniform_${k}`, `tf.fill([${literal(k)}], ${literal(1 / k)})`);
      }
      case 'zeros':
      case 'ones': {
        const shape = flattenConst((call.args.get('shape')!.type as TensorType).constant!);
        return this.cx.constant(name, `tf.${name}([${shape.map(literal).join(', ')}])`);
      }
      case 'pmf': {
        this.cx.imports.runtime.add('truncatedPmfOf');
        const dist = call.args.get('dist')!;
        const code = `truncatedPmfOf(${this.distributionOf(dist.expr)}, ${literal(optConst('n') ?? NaN)})`;
        const t = this.cx.tensorType(e);
        const constantParams = dist.type.kind === 'distribution' && [...dist.type.call.args.values()].every((a) => a.type.kind === 'tensor' && a.type.constant !== undefined);
        return constantParams && t && !t.schedule ? this.cx.constant('pmf', code) : code;
      }
      case 'dense':
      case 'mlp':
        return this.layer(e, call, xShape);
      case 'anneal':
      case 'ramp':
        return this.schedule(e, call);
      case 'elbo':
      case 'iwae':
      case 'loglik':
      case 'kl':
      case 'logprob':
        if (!this.objectiveTerm) throw new Error(`internal: ${name} outside the objective`);
        return this.objectiveTerm(call);
      default:
        throw new Error(`internal: no code for built-in ${name}`);
    }
  }

  private layer(e: A.Call, call: ResolvedCall, xShape: readonly Dim[] | null): string {
    const site = this.cx.layers.get(e);
    if (!site) throw new Error('internal: layer without weights');
    this.cx.imports.runtime.add(site.kind);
    const x = this.expr(call.args.get('x')!.expr);
    const choice = (p: string, dflt: string): string => {
      const a = call.args.get(p);
      return a?.type.kind === 'choice' ? a.type.name : dflt;
    };
    if (site.kind === 'mlp') return `mlp(${x}, ${site.id}, ${str(choice('act', 'relu'))}, ${str(choice('out_act', 'identity'))})`;
    const code = `dense(${x}, ${site.id}.W, ${site.id}.b, ${str(choice('act', 'identity'))})`;
    const out = this.cx.tensorType(e)?.shape;
    const units = flattenConst((call.args.get('units')!.type as TensorType).constant!);
    // dense maps the last axis to prod(units); a shaped output such as [N, K - 1] is a reshape of it.
    if (units.length > 1 && out && xShape) return `tf.reshape(${code}, ${reshapeTarget(out, x)})`;
    return code;
  }

  /** A schedule evaluated once per step at the top of the function (a number; no tensor per step). */
  private schedule(e: A.Call, call: ResolvedCall): string {
    const key = this.cx.model.file.slice(e.span);
    const existing = this.scope.hoisted.get(key);
    if (existing) return existing;
    const id = this.cx.names.fresh('schedule');
    this.scope.prelude.push(`const ${id} = ${this.scheduleCall(call)}; // ${commentText(key.replace(/\s+/g, ' '))}`);
    this.scope.hoisted.set(key, id);
    return id;
  }

  /** The runtime call computing a schedule's value at `ctx.step` (a number). */
  scheduleCall(call: ResolvedCall): string {
    this.cx.imports.runtime.add(call.name);
    this.cx.readsStep = true;
    const ends = call.args.get('endpoints')!.type;
    if (ends.kind !== 'transition') throw new Error('internal: schedule without endpoints');
    const steps = (call.args.get('steps')!.type as TensorType).constant;
    const kind = call.args.get('kind');
    const kindName = kind?.type.kind === 'choice' ? kind.type.name : call.name === 'anneal' ? 'exp' : 'linear';
    const start = call.args.get('start');
    const startValue = start?.type.kind === 'tensor' && typeof start.type.constant === 'number' ? start.type.constant : 0;
    return `${call.name}(ctx.step, ${literal(ends.from)}, ${literal(ends.to)}, ${literal(steps ?? NaN)}, ${str(kindName)}, ${literal(startValue)})`;
  }

  /** `new Dist({ ... })` for a distribution expression (a call of a distribution). */
  distributionOf(e: A.Expr, extra: Record<string, string> = {}): string {
    const call = this.cx.model.calls.get(e);
    if (!call || call.kind !== 'distribution') throw new Error('internal: not a distribution call');
    return this.distribution(call, extra);
  }

  /** `new Dist({ param: value, ... })`; `extra` adds or replaces entries (hard, flow). */
  distribution(call: ResolvedCall, extra: Record<string, string> = {}): string {
    this.cx.imports.stdlib.add(call.name);
    const entries = new Map<string, string>();
    for (const [name, a] of call.args) {
      const key = propKey(name);
      if (a.type.kind === 'distribution') entries.set(key, this.distribution(a.type.call));
      else if (a.type.kind === 'range') entries.set(key, `[${literal(a.type.low)}, ${literal(a.type.high)}]`);
      else if (a.type.kind === 'tensor' && a.type.constant !== undefined && !a.type.schedule && typeof a.type.constant !== 'object') entries.set(key, this.expr(a.expr));
      else entries.set(key, this.expr(a.expr));
    }
    for (const [k, v] of Object.entries(extra)) entries.set(k, v);
    return `new ${call.name}({ ${[...entries].map(([k, v]) => (k === v ? k : `${k}: ${v}`)).join(', ')} })`;
  }
}

/** Whether a built-in is known (for the internal consistency check of the emitter). */
export function hasEmitter(name: string): boolean {
  return UNARY_TF[name] !== undefined || UNARY_SGM[name] !== undefined || findFunction(name) !== undefined;
}

/** Whether a shape has a named (run-time) leading axis. */
export function hasBatchAxis(shape: readonly Dim[] | null): boolean {
  return shape !== null && shape.length > 0 && isNamedDim(shape[0]);
}
