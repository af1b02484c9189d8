/**
 * Nesting limits. The parser, the AST builder, the checker and the code generator recurse over expressions,
 * so the depth of an expression is bounded before any of them runs (SGM1008) instead of ending in a stack
 * overflow. Two measures, both far above what a model needs (docs/language.md, "Limits"):
 * - brackets: open `(` and `[` at one point of the file (calls and index brackets included), checked on
 *   the token stream before parsing, together with chains of `^` (the parser nests each exponent);
 * - operations: the depth of the expression tree, where each operator, sign, call, index and bracket is a
 *   level, checked while the AST is built (a long chain `a + b + c + ...` is as deep as it is long).
 * Measured headroom: with Node's default stack the front end and code generator handle about 150 unclosed
 * call brackets and about 1,300 tree levels; the limits stay well below both.
 */
import type { TokenType } from 'chevrotain';
import type { LightToken } from './direct-lex.js';
import * as T from './tokens.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';

/** Most tokens read from one file (a model has a few hundred; 100,000 parse in about a second). */
export const MAX_TOKENS = 100_000;
/**
 * Most statements of one model. Code generation takes about 1 ms per statement, so 6,000 keeps `compile` within
 * seconds, while the generated 5,000-line models of the benchmark and the editor tests still check and compile.
 */
export const MAX_STATEMENTS = 6_000;

/** Most brackets open at once. */
export const MAX_BRACKET_DEPTH = 64;
/** Most levels of an expression tree (operators, signs, calls, indexing, brackets). */
export const MAX_EXPRESSION_DEPTH = 256;

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket]);
/** Tokens that may continue a chain `a ^ -b[0] ^ (c) ^ ...`; any other token ends it (a conservative reading). */
const CHAIN = new Set<TokenType>([T.Caret, T.Plus, T.Minus, T.Identifier, T.NumberLiteral, T.True, T.False, ...OPENERS, ...CLOSERS]);

/** SGM1008 for the first point where brackets or `^` chains nest too deeply, or undefined. Linear time. */
export function checkTokenNesting(tokens: readonly LightToken[]): Diagnostic | undefined {
  // carets[i]: the `^` of the current chain at bracket level i; their sum is the parser's exponent nesting.
  const carets: number[] = [0];
  let caretTotal = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const type = t.tokenType;
    if (OPENERS.has(type)) {
      carets.push(0);
      if (carets.length - 1 > MAX_BRACKET_DEPTH) return tooDeep(t, `more than ${MAX_BRACKET_DEPTH} brackets are open here`);
    } else if (CLOSERS.has(type)) {
      if (carets.length > 1) caretTotal -= carets.pop()!;
    } else if (type === T.Caret) {
      carets[carets.length - 1]++;
      if (++caretTotal > MAX_EXPRESSION_DEPTH) return tooDeep(t, `more than ${MAX_EXPRESSION_DEPTH} exponents are nested here`);
    } else if (!CHAIN.has(type)) {
      caretTotal -= carets[carets.length - 1];
      carets[carets.length - 1] = 0;
    }
  }
  return undefined;
}

function tooDeep(t: LightToken, label: string): Diagnostic {
  return nestingDiagnostic({ start: t.startOffset, end: t.startOffset + t.image.length }, label);
}

/** The SGM1008 diagnostic. */
export function nestingDiagnostic(span: { start: number; end: number }, label: string): Diagnostic {
  return makeDiagnostic('SGM1008', span, 'the expression nests too deeply', {
    label,
    help: 'give inner parts names with = statements',
    notes: [`sgm allows ${MAX_BRACKET_DEPTH} open brackets and ${MAX_EXPRESSION_DEPTH} levels of operations in one expression`],
  });
}
