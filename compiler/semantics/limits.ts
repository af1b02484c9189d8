/**
 * Size limits checked statically, before anything is allocated: a model whose tensors would not fit in memory
 * gets a coded diagnostic (SGM3017, SGM3018) naming the shape instead of an out-of-memory crash at compile or
 * run time. Named (run-time) dimensions such as the batch size B count as 1: only what the model fixes at
 * compile time is checked. docs/language.md ("Limits") documents the defaults and how to change them.
 */
import { formatShape, type Shape } from './shape.js';

/** Limits on the sizes a model may declare. */
export interface SizeLimits {
  /** Elements of any one tensor (a param, a layer's weight matrix, a value, a distribution's sample). */
  readonly maxElements: number;
  /** Elements of all params and layer weights together (what training keeps, plus two Adam moments each). */
  readonly maxParamElements: number;
}

/**
 * 2^26 elements is 256 MiB in float32 per tensor; 2^27 parameters are 512 MiB, 1.5 GiB with Adam's two
 * moments. sgm's reference models stay below 2^21 parameters.
 */
export const DEFAULT_SIZE_LIMITS: SizeLimits = { maxElements: 2 ** 26, maxParamElements: 2 ** 27 };

/**
 * Constant folding keeps array values (uniform(K), tensor literals and arithmetic on them) only up to this
 * many elements: larger constants stay unfolded tensors, so checking never builds a large JavaScript array
 * and generated code never holds a large literal.
 */
export const MAX_FOLDED_ELEMENTS = 2 ** 16;

/** The elements a shape fixes at compile time: numbers multiply, named and unknown dimensions count as 1. */
export function staticElements(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d === 'number') n *= d;
  }
  return n;
}

/** "[20, 99999] (1999980 elements)" with a readable count. */
export function describeSize(shape: Shape): string {
  return `${formatShape(shape)} (${formatCount(staticElements(shape))} elements)`;
}

/** 67108864 as "67,108,864"; huge counts in exponent form. */
export function formatCount(n: number): string {
  return n < 1e15 ? Math.round(n).toLocaleString('en-US') : n.toExponential(2);
}

/** Reads a positive integer limit (environment variable or option); undefined for a malformed value. */
export function parseLimit(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?(e\d+)?\s*$/i.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
