/**
 * Compile-time constants: hyperparameter arithmetic, literals and a few pure functions of constants
 * (log, exp, sqrt, ...). Used for shapes, hyperparameter defaults, constant arguments and canonical keys.
 */
import type { ConstValue } from './types.js';

/** Pure scalar functions that fold at compile time. */
export const CONSTANT_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  exp: Math.exp,
  log: Math.log,
  ln: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  abs: Math.abs,
  square: (x) => x * x,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  logit: (x) => Math.log(x / (1 - x)),
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
};

/** Applies a binary operator to two constants elementwise (arrays must have equal shapes or be scalars). */
export function foldBinary(op: string, a: ConstValue, b: ConstValue): ConstValue | undefined {
  if (typeof a === 'number' && typeof b === 'number') return foldNumbers(op, a, b);
  if (Array.isArray(a) && typeof b === 'number') return mapConst(a, (x) => foldBinary(op, x, b));
  if (typeof a === 'number' && Array.isArray(b)) return mapConst(b, (y) => foldBinary(op, a, y));
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    const out: ConstValue[] = [];
    for (let i = 0; i < a.length; i++) {
      const v = foldBinary(op, a[i], b[i]);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  return undefined;
}

function mapConst(xs: readonly ConstValue[], f: (x: ConstValue) => ConstValue | undefined): ConstValue | undefined {
  const out: ConstValue[] = [];
  for (const x of xs) {
    const v = f(x);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

function foldNumbers(op: string, a: number, b: number): number | boolean | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return undefined;
  }
}

/** Applies a unary function to a constant elementwise. */
export function foldUnary(f: (x: number) => number, v: ConstValue): ConstValue | undefined {
  if (typeof v === 'number') return f(v);
  if (Array.isArray(v)) return mapConst(v, (x) => foldUnary(f, x));
  return undefined;
}

/** Every number of a constant, flattened. */
export function flattenConst(v: ConstValue): number[] {
  if (typeof v === 'number') return [v];
  if (typeof v === 'boolean') return [v ? 1 : 0];
  return v.flatMap((x) => flattenConst(x));
}

/** A constant as canonical text (used as a static key, e.g. for KL rule matching). */
export function formatConst(v: ConstValue): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  return `[${v.map(formatConst).join(', ')}]`;
}

/** A number as short, exact-enough text: integers plainly, others with up to 12 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(12)));
}
