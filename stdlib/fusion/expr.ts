/**
 * Expressions of a fused elementwise program (FUSION-SPEC.md): the opcodes both evaluators share (fixed numbers),
 * the expression nodes (a DAG over the program's inputs and float32 constants) and the builder `F`.
 * Building folds constants: an operation whose operands are all constants becomes the constant it evaluates to
 * (computed by the same scalar code as the JS evaluator, so folding never changes a result), and the neutral
 * cases x + 0, x - 0, x · 1, x / 1 return x itself (exact in float32, except that -0 + 0 is +0, which no log-density
 * or gradient tells apart). Common subexpressions are shared when the program is compiled (program.ts).
 */

/** Opcodes (FUSION-SPEC.md; the C evaluator uses the same numbers). */
export const Op = {
  CONST: 0,
  ADD: 1,
  SUB: 2,
  MUL: 3,
  DIV: 4,
  NEG: 5,
  EXP: 6,
  LOG: 7,
  LOG1P: 8,
  EXPM1: 9,
  SOFTPLUS: 10,
  SIGMOID: 11,
  RELU: 12,
  STEP: 13,
  SQUARE: 14,
  SQRT: 15,
  MAX: 16,
  MIN: 17,
  TANH: 18,
  ABS: 19,
  GREATER: 20,
  RECIP: 21,
} as const;

/** Marker op of an input leaf (never emitted as an instruction: inputs are registers 0 .. nIn-1). */
export const INPUT = -1;

/** Names of the opcodes, by number (for messages and tests). */
export const OP_NAMES: readonly string[] = Object.keys(Op);

/** Operations of two operands. */
export const BINARY_OPS: ReadonlySet<number> = new Set([Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAX, Op.MIN, Op.GREATER]);

/** Binary operations whose operands commute (their canonical form sorts the operands). */
export const COMMUTATIVE_OPS: ReadonlySet<number> = new Set([Op.ADD, Op.MUL, Op.MAX, Op.MIN]);

/** A node of an expression DAG. Immutable; `id` increases with creation, so children have smaller ids. */
export class FExpr {
  private static nextId = 0;
  readonly id = FExpr.nextId++;
  constructor(
    /** Opcode, or INPUT for an input leaf. */
    readonly op: number,
    readonly a: FExpr | null,
    readonly b: FExpr | null,
    /** The constant's value (CONST) or the input's index (INPUT); 0 otherwise. */
    readonly value: number,
  ) {}
}

/** An operand of the builder: an expression or a number (a float32 constant). */
export type FArg = FExpr | number;

/** An input leaf. */
export function inputExpr(index: number): FExpr {
  return new FExpr(INPUT, null, null, index);
}

/** A float32 constant. */
export function constExpr(value: number): FExpr {
  return new FExpr(Op.CONST, null, null, Math.fround(value));
}

const asExpr = (x: FArg): FExpr => (typeof x === 'number' ? constExpr(x) : x);
const isConst = (x: FExpr, v?: number): boolean => x.op === Op.CONST && (v === undefined || Object.is(x.value, v));

/** Softplus in float64: max(x, 0) + log1p(exp(-|x|)), finite for every finite x (no overflow of exp). */
export function softplus64(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Sigmoid in float64 from the side where exp cannot overflow. */
export function sigmoid64(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * One operation on scalars in float64, as the JS evaluator computes it before storing to float32 (evaluate.ts
 * inlines the same formulas; the folding of constants uses this one). NaN handling follows tfjs' CPU kernels:
 * STEP and RELU keep NaN, MAX and MIN propagate it, GREATER of NaN is 0.
 */
export function scalarOp(op: number, a: number, b: number): number {
  switch (op) {
    case Op.ADD: return a + b;
    case Op.SUB: return a - b;
    case Op.MUL: return a * b;
    case Op.DIV: return a / b;
    case Op.NEG: return -a;
    case Op.EXP: return Math.exp(a);
    case Op.LOG: return Math.log(a);
    case Op.LOG1P: return Math.log1p(a);
    case Op.EXPM1: return Math.expm1(a);
    case Op.SOFTPLUS: return softplus64(a);
    case Op.SIGMOID: return sigmoid64(a);
    case Op.RELU: return a > 0 ? a : a === a ? 0 : a;
    case Op.STEP: return a > 0 ? 1 : a === a ? 0 : a;
    case Op.SQUARE: return a * a;
    case Op.SQRT: return Math.sqrt(a);
    case Op.MAX: return Math.max(a, b);
    case Op.MIN: return Math.min(a, b);
    case Op.TANH: return Math.tanh(a);
    case Op.ABS: return Math.abs(a);
    case Op.GREATER: return a > b ? 1 : 0;
    case Op.RECIP: return 1 / a;
    default: throw new Error(`fusion: no scalar form of opcode ${op}`);
  }
}

/** A node of `op` on a (and b), folded when every operand is a constant or the operation is neutral. */
export function makeExpr(op: number, a: FArg, b?: FArg): FExpr {
  const x = asExpr(a);
  const y = b === undefined ? null : asExpr(b);
  if (BINARY_OPS.has(op) !== (y !== null)) throw new Error(`fusion: ${OP_NAMES[op]} takes ${BINARY_OPS.has(op) ? 2 : 1} operands`);
  if (isConst(x) && (y === null || isConst(y))) return constExpr(scalarOp(op, x.value, y === null ? 0 : y.value));
  if (y !== null) {
    if ((op === Op.ADD || op === Op.SUB) && isConst(y, 0)) return x;
    if (op === Op.ADD && isConst(x, 0)) return y;
    if ((op === Op.MUL || op === Op.DIV) && isConst(y, 1)) return x;
    if (op === Op.MUL && isConst(x, 1)) return y;
  }
  return new FExpr(op, x, y, 0);
}

const unary = (op: number) => (a: FArg): FExpr => makeExpr(op, a);
const binary = (op: number) => (a: FArg, b: FArg): FExpr => makeExpr(op, a, b);

/** The expression builder: each function returns a new node (or a folded constant). Semantics = tfjs' op. */
export const F = {
  add: binary(Op.ADD),
  sub: binary(Op.SUB),
  mul: binary(Op.MUL),
  div: binary(Op.DIV),
  neg: unary(Op.NEG),
  exp: unary(Op.EXP),
  log: unary(Op.LOG),
  log1p: unary(Op.LOG1P),
  expm1: unary(Op.EXPM1),
  softplus: unary(Op.SOFTPLUS),
  sigmoid: unary(Op.SIGMOID),
  relu: unary(Op.RELU),
  step: unary(Op.STEP),
  square: unary(Op.SQUARE),
  sqrt: unary(Op.SQRT),
  max: binary(Op.MAX),
  min: binary(Op.MIN),
  tanh: unary(Op.TANH),
  abs: unary(Op.ABS),
  /** 1 where a > b, else 0 (also 0 where either is NaN). */
  greater: binary(Op.GREATER),
  /** 1 / a. */
  recip: unary(Op.RECIP),
  /** A constant (numbers are accepted wherever an FExpr is). */
  const: (v: number): FExpr => constExpr(v),
} as const;
