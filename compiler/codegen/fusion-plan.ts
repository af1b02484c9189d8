/**
 * Which sub-expressions of a model run as one fused elementwise kernel (stdlib/fusion: `fuse(inputs, build)`),
 * decided on the typed AST alone (no generated text is read back). A chain is a maximal tree of elementwise
 * operations that the fusion builder `F` has: `+ - * /`, unary minus, `x^2`, `>` and `<` (1 or 0, as the tfjs
 * comparison cast to float32 is), the built-ins exp, log, log1p, expm1, softplus, sigmoid, relu, square,
 * sqrt, tanh, abs, minimum and maximum, and log_sigmoid and logit (the stdlib's chains of those ops, written
 * out). Everything else inside the chain (dense, sum, indexing, objective terms, other built-ins) is an input of
 * the fused call; numbers known at compile time are constants of the program.
 *
 * Never fused: a chain of a single operation (one tfjs op is already one kernel), an operation whose value the
 * checker types as integer-valued (counts, indices: exact integer arithmetic stays with tfjs' ops), and constants
 * (folded by the checker). A schedule (`Cd = ramp(...)`, a JS number per step) is an input like a tensor: fuse
 * takes numbers. Inputs that are the same source name are passed once (emit-fusion.ts also merges inputs whose
 * code is the same).
 */
import type * as A from '../syntax/ast.js';
import type { CheckedModel, TensorType } from '../semantics/types.js';

/** The builder's operations the generated code uses (names of `F`'s methods, stdlib/fusion). */
export type FusedOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'softplus' | 'sigmoid' | 'relu'
  | 'square' | 'sqrt' | 'tanh' | 'abs' | 'max' | 'min' | 'greater';

/** A node of a fused program: an input (index into FusedChain.inputs), a constant, or an operation. */
export type FusedNode =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'const'; readonly value: number; /** The hyperparameter it is, when it is one. */ readonly hyper?: string }
  | { readonly kind: 'op'; readonly op: FusedOp; readonly args: readonly FusedNode[] };

/** A chain to emit as one `fuse(...)` call. */
export interface FusedChain {
  readonly root: A.Expr;
  readonly tree: FusedNode;
  /** The input expressions, in first-use order (emitted as ordinary code). */
  readonly inputs: readonly A.Expr[];
  /** Number of elementwise operations in the chain (at least 2). */
  readonly ops: number;
}

const BINARY: Readonly<Partial<Record<A.BinaryOperator, FusedOp>>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };

/** Built-ins of one tensor argument `x` by canonical name (aliases such as `ln` are resolved by the checker). */
const UNARY_CALLS: Readonly<Record<string, FusedOp>> = {
  exp: 'exp',
  log: 'log',
  log1p: 'log1p',
  expm1: 'expm1',
  softplus: 'softplus',
  sigmoid: 'sigmoid',
  relu: 'relu',
  square: 'square',
  sqrt: 'sqrt',
  tanh: 'tanh',
  abs: 'abs',
};

/** Built-ins of two tensor arguments `x`, `y`. */
const BINARY_CALLS: Readonly<Record<string, FusedOp>> = { minimum: 'min', maximum: 'max' };

const op = (name: FusedOp, ...args: FusedNode[]): FusedNode => ({ kind: 'op', op: name, args });

/**
 * Built-ins of one argument that the stdlib computes as a fixed chain of tfjs ops (stdlib/transforms/sigmoid.ts),
 * written here as the same chain of F's operations (the same roundings), with the number of operations.
 */
const COMPOSITE_CALLS: Readonly<Record<string, { readonly node: (x: FusedNode) => FusedNode; readonly ops: number }>> = {
  // logSigmoid(y) = -softplus(-y)
  log_sigmoid: { node: (x) => op('neg', op('softplus', op('neg', x))), ops: 3 },
  // logit(u) = log(u) - log1p(-u)
  logit: { node: (x) => op('sub', op('log', x), op('log1p', op('neg', x))), ops: 4 },
};

/** An operation of F's (or a fixed chain of them) with its operands, before the type rules. */
interface Operation {
  readonly operands: A.Expr[];
  /** The program node, given the operands' nodes. */
  readonly node: (args: FusedNode[]) => FusedNode;
  /** Number of elementwise operations it stands for. */
  readonly ops: number;
}

const single = (name: FusedOp, operands: A.Expr[]): Operation => ({ operands, node: (args) => op(name, ...args), ops: 1 });

/** The operation of an expression and its operands, when it is one F has (before the type rules). */
function operation(model: CheckedModel, e: A.Expr): Operation | undefined {
  switch (e.kind) {
    case 'unary':
      return e.op === '-' ? single('neg', [e.operand]) : undefined;
    case 'binary': {
      const name = BINARY[e.op];
      if (name) return single(name, [e.left, e.right]);
      // x^2 is tfjs' pow(x, 2) = x * x in float32 (exact before the one rounding), as square is.
      if (e.op === '^' && constantOf(model, e.right) === 2) return single('square', [e.left]);
      // a > b and b < a: tf.cast(tf.greater(a, b), 'float32'), 1 or 0 (0 when either is NaN, as F.greater).
      if (e.op === '>') return single('greater', [e.left, e.right]);
      if (e.op === '<') return single('greater', [e.right, e.left]);
      return undefined;
    }
    case 'call': {
      const call = model.calls.get(e);
      if (!call || call.kind !== 'function' || call.rest.length > 0) return undefined;
      const x = call.args.get('x')?.expr;
      if (!x) return undefined;
      const unary = UNARY_CALLS[call.name];
      if (unary && call.args.size === 1) return single(unary, [x]);
      const composite = COMPOSITE_CALLS[call.name];
      if (composite && call.args.size === 1) return { operands: [x], node: ([a]) => composite.node(a), ops: composite.ops };
      const binary = BINARY_CALLS[call.name];
      const y = call.args.get('y')?.expr;
      if (binary && y && call.args.size === 2) return single(binary, [x, y]);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The expression under parentheses and unary plus. */
function strip(e: A.Expr): A.Expr {
  let x = e;
  while (x.kind === 'paren' || (x.kind === 'unary' && x.op === '+')) x = x.kind === 'paren' ? x.inner : x.operand;
  return x;
}

function tensorType(model: CheckedModel, e: A.Expr): TensorType | undefined {
  const t = model.types.get(e);
  return t?.kind === 'tensor' ? t : undefined;
}

/** A number known at compile time (a literal, a hyperparameter, a folded constant); never a schedule. */
function constantOf(model: CheckedModel, e: A.Expr): number | undefined {
  const t = tensorType(model, e);
  return t && !t.schedule && typeof t.constant === 'number' ? t.constant : undefined;
}

/** Whether `e` is an operation that may be part of a fused chain (its operands are then walked). */
function fusable(model: CheckedModel, e: A.Expr): Operation | undefined {
  const o = operation(model, e);
  if (!o) return undefined;
  const t = tensorType(model, e);
  // Constants are folded by the checker; integer-valued results keep tfjs' exact integer ops.
  if (!t || t.constant !== undefined || t.integer) return undefined;
  // Every operand is a tensor or a number: a constant array becomes an input (the hoisted tensor), a schedule
  // (`Cd = ramp(...)`, a JS number each step) an input that fuse makes a scalar.
  if (o.operands.some((x) => !tensorType(model, x) || typeof tensorType(model, x)?.constant === 'boolean')) return undefined;
  return o;
}

/**
 * The fused chain rooted at `e`, or undefined when `e` is not the root of a chain of at least two elementwise
 * operations with at least one tensor input. The emitter asks at every expression it emits, top-down, so the
 * first node that answers is the root of a maximal chain (its inputs are emitted as ordinary expressions and
 * may hold chains of their own, e.g. under a `sum`).
 */
export function fusedChain(model: CheckedModel, e: A.Expr): FusedChain | undefined {
  const root = strip(e);
  if (!fusable(model, root)) return undefined;
  const inputs: A.Expr[] = [];
  const byName = new Map<string, number>();
  let ops = 0;
  const input = (x: A.Expr): FusedNode => {
    // The same source name is the same tensor within one expression: one input.
    if (x.kind === 'ident') {
      const known = byName.get(x.name);
      if (known !== undefined) return { kind: 'input', index: known };
      byName.set(x.name, inputs.length);
    }
    inputs.push(x);
    return { kind: 'input', index: inputs.length - 1 };
  };
  const walk = (node: A.Expr): FusedNode => {
    const x = strip(node);
    const c = constantOf(model, x);
    if (c !== undefined) return x.kind === 'ident' && Object.hasOwn(model.hyperparameters, x.name) ? { kind: 'const', value: c, hyper: x.name } : { kind: 'const', value: c };
    const o = fusable(model, x);
    if (!o) return input(x);
    ops += o.ops;
    return o.node(o.operands.map(walk));
  };
  const tree = walk(root);
  if (ops < 2 || inputs.length === 0) return undefined;
  return { root, tree, inputs, ops };
}

/**
 * The builder expression of a program, `F.add(F.softplus(x0), 0.1)`; `constant` prints a constant (a number, or
 * the module's `hyper.gamma` for a hyperparameter).
 */
export function builderCode(node: FusedNode, constant: (c: Extract<FusedNode, { kind: 'const' }>) => string, param: (i: number) => string = (i) => `x${i}`): string {
  switch (node.kind) {
    case 'input':
      return param(node.index);
    case 'const':
      return constant(node);
    case 'op':
      return `F.${node.op}(${node.args.map((a) => builderCode(a, constant, param)).join(', ')})`;
  }
}
