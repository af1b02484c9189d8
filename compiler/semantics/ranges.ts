/**
 * Value ranges: what the checker knows about the values of a tensor, used to warn when an unconstrained
 * value feeds a parameter that must be positive, in (0, 1) or on the simplex (SGM4004), the way Stan's
 * constrained types catch a scale computed without exp/softplus. A draw's range is the sign fact of its
 * family's support in the signature table (sampleSign, SUPPORT_VALUES); the rules here propagate ranges
 * through functions and arithmetic.
 */
import type { ValueConstraint } from '../../stdlib/signatures/index.js';
import type { ValueRange } from './types.js';

/** Range of the result of a built-in function of one tensor. */
export const FUNCTION_RANGE: Readonly<Record<string, ValueRange>> = {
  exp: 'positive',
  softplus: 'positive',
  sigmoid: 'unit_interval',
  softmax: 'simplex',
  uniform: 'simplex',
  one_hot: 'simplex',
  abs: 'nonnegative',
  square: 'nonnegative',
  relu: 'nonnegative',
  sqrt: 'nonnegative',
};

/** Range of a number. */
export function numberRange(x: number): ValueRange {
  return x > 0 ? (x <= 1 ? 'unit_interval' : 'positive') : x === 0 ? 'nonnegative' : 'real';
}

const isPositive = (r: ValueRange): boolean => r === 'positive';
const isNonneg = (r: ValueRange): boolean => r === 'positive' || r === 'nonnegative' || r === 'unit_interval' || r === 'simplex';

/** Range of a binary arithmetic result. */
export function binaryRange(op: string, a: ValueRange, b: ValueRange): ValueRange {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  const pos = (r: ValueRange) => isPositive(r) || r === 'unit_interval';
  switch (op) {
    case '+':
      return (pos(a) && isNonneg(b)) || (isNonneg(a) && pos(b)) ? 'positive' : isNonneg(a) && isNonneg(b) ? 'nonnegative' : 'real';
    case '*':
    case '/':
      // Products of values in (0, 1] could be zero through underflow; positive is still the right promise.
      return isNonneg(a) && isNonneg(b) ? (a === 'nonnegative' || b === 'nonnegative' ? 'nonnegative' : 'positive') : 'real';
    case '^':
      return isNonneg(a) ? (pos(a) ? 'positive' : 'nonnegative') : 'real';
    default:
      return 'real';
  }
}

/**
 * Range of matmul(a, b): each entry is a sum of products a_ik b_kj over k, so it keeps the sign of the products:
 * non-negative (a sum of non-negative terms, e.g. GenGS counts times exp(...)) or positive; an empty inner axis
 * gives zeros, which are non-negative only.
 */
export function matmulRange(a: ValueRange, b: ValueRange, emptyInner = false, bIsMatrix = false): ValueRange {
  // Simplex rows times a matrix whose rows lie on the simplex (a row-stochastic matrix, e.g. topics) is a convex
  // combination of those rows: again on the simplex. A simplex vector times one: a weighted mean of values in (0, 1].
  if (a === 'simplex' && b === 'simplex' && !emptyInner) return bIsMatrix ? 'simplex' : 'unit_interval';
  const r = binaryRange('*', a, b);
  return emptyInner && r === 'positive' ? 'nonnegative' : r;
}

/** Whether a value range satisfies a parameter constraint; 'unknown' (data) is given the benefit of doubt. */
export function rangeSatisfies(range: ValueRange, constraint: ValueConstraint): boolean {
  if (range === 'unknown') return true;
  switch (constraint) {
    case 'positive':
      return range === 'positive' || range === 'unit_interval' || range === 'simplex';
    case 'nonnegative':
      return isNonneg(range);
    case 'unit_interval':
    case 'open_unit_interval':
      return range === 'unit_interval' || range === 'simplex';
    case 'simplex':
      return range === 'simplex';
    default:
      return true;
  }
}

/** How to fix a range problem, for the help line. */
export function constraintHelp(constraint: ValueConstraint): string | undefined {
  switch (constraint) {
    case 'positive':
    case 'nonnegative':
      return 'wrap it in softplus(...) or exp(...)';
    case 'unit_interval':
    case 'open_unit_interval':
      return 'wrap it in sigmoid(...), or pass logits = ... instead';
    case 'simplex':
      return 'wrap it in softmax(...), or pass logits = ... instead';
    default:
      return undefined;
  }
}

/** Checks a constant against a constraint; returns what is wrong, or undefined when it holds. */
export function constantViolation(values: readonly number[], constraint: ValueConstraint): string | undefined {
  const bad = (pred: (x: number) => boolean, what: string): string | undefined => {
    const x = values.find((v) => !pred(v));
    return x === undefined ? undefined : `${x} is not ${what}`;
  };
  switch (constraint) {
    case 'positive':
      return bad((x) => x > 0, 'positive');
    case 'nonnegative':
      return bad((x) => x >= 0, 'non-negative');
    case 'unit_interval':
      return bad((x) => x >= 0 && x <= 1, 'in [0, 1]');
    case 'open_unit_interval':
      return bad((x) => x > 0 && x < 1, 'in (0, 1)');
    case 'integer':
      return bad(Number.isInteger, 'an integer');
    case 'nonnegative_integer':
      return bad((x) => Number.isInteger(x) && x >= 0, 'a non-negative integer');
    case 'positive_integer':
      return bad((x) => Number.isInteger(x) && x > 0, 'a positive integer');
    case 'boolean':
      return bad((x) => x === 0 || x === 1, 'true or false');
    case 'simplex': {
      const neg = values.find((v) => v < 0);
      if (neg !== undefined) return `${neg} is negative`;
      const sum = values.reduce((a, b) => a + b, 0);
      return Math.abs(sum - 1) > 1e-6 ? `the entries sum to ${sum}, not 1` : undefined;
    }
    case 'real':
    case 'lower_cholesky': // its diagonal is checked by the class (flattened values here have lost the matrix shape)
      return undefined;
  }
}
