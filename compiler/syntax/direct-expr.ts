/**
 * The expressions of the direct parser (direct-parse.ts, whose comment has the contract): `unary (op unary)*` nested
 * by precedence as to-ast.ts does, signs, indexing, `^`, literals, calls and arguments, with the depth of each
 * expression tracked for the nesting limit. Gives up (throws GIVE_UP) wherever the full path would report something.
 */
import type { TokenType } from 'chevrotain';
import type { Span } from '../diagnostics/source.js';
import type * as A from './ast.js';
import type { LightToken } from './direct-lex.js';
import { MAX_EXPRESSION_DEPTH } from './nesting.js';
import * as T from './tokens.js';

/** Thrown to leave the fast path (a plain object: no stack trace is captured). */
export const GIVE_UP = { giveUp: true };

/** Binding strength of the infix operators below `^`, by token type (as to-ast.ts's PRECEDENCE by text). */
const PRECEDENCE = new Map<TokenType, number>([
  [T.EqEq, 1], [T.NotEq, 1], [T.Less, 1], [T.LessEq, 1], [T.Greater, 1], [T.GreaterEq, 1],
  [T.Plus, 2], [T.Minus, 2],
  [T.Star, 3], [T.Slash, 3], [T.Percent, 3],
]);

/** Tokens that can start an expression (the first set of the `expression` rule). */
const EXPRESSION_START = new Set<TokenType>([T.Minus, T.Plus, T.NumberLiteral, T.True, T.False, T.Identifier, T.LParen, T.LBracket]);

export const tokenSpan = (t: LightToken): Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });

/** Token helpers and the expression rules; DirectParser adds the declarations and statements. */
export class DirectExpressionReader {
  protected pos = 0;
  /** Depth of the expression the last expression method returned (read right after each call). */
  protected depth = 1;
  /** Operand, depth and operator stacks of `expression` (shared; see there). */
  private readonly values: A.Expr[] = [];
  private readonly depths: number[] = [];
  private readonly ops: LightToken[] = [];

  constructor(protected readonly tokens: readonly LightToken[]) {}

  // ── tokens ────────────────────────────────────────────────────────────────────────────────────

  protected peekType(k = 0): TokenType | undefined {
    return this.tokens[this.pos + k]?.tokenType;
  }

  protected at(type: TokenType): boolean {
    return this.tokens[this.pos]?.tokenType === type;
  }

  protected consume(type: TokenType): LightToken {
    const t = this.tokens[this.pos];
    if (t === undefined || t.tokenType !== type) throw GIVE_UP;
    this.pos++;
    return t;
  }

  /** The span from the token at `from` to the last token consumed. */
  protected spanFrom(from: number): Span {
    const last = this.tokens[this.pos - 1];
    return { start: this.tokens[from].startOffset, end: last.startOffset + last.image.length };
  }

  protected name(t: LightToken): A.Name {
    return { text: t.image, span: tokenSpan(t) };
  }

  /** The depth of a compound node over its children's depths; past the limit to-ast.ts reports SGM1008. */
  protected compound(a: number, b = 0): number {
    const d = Math.max(a, b) + 1;
    if (d > MAX_EXPRESSION_DEPTH) throw GIVE_UP;
    return d;
  }

  /** `compound` over a list of child depths (1 for none). */
  protected compoundOf(childDepths: readonly number[]): number {
    let d = 0;
    for (let i = 0; i < childDepths.length; i++) if (childDepths[i] > d) d = childDepths[i];
    return this.compound(d);
  }

  /** `expr (',' expr)*`; the depth of each element is pushed to `depths` when given. */
  protected expressionList(depths?: number[]): A.Expr[] {
    const out = [this.expression()];
    depths?.push(this.depth);
    while (this.at(T.Comma)) {
      this.pos++;
      out.push(this.expression());
      depths?.push(this.depth);
    }
    return out;
  }

  // ── expressions ───────────────────────────────────────────────────────────────────────────────

  /** `unary (op unary)*` nested by precedence, left-associative (to-ast.ts's `expr`). */
  protected expression(): A.Expr {
    const first = this.unary();
    let prec = PRECEDENCE.get(this.peekType()!);
    if (prec === undefined) return first;
    // The operand and operator stacks are shared by all expressions (a nested one works above `base` and
    // leaves the stacks as it found them), so a chain allocates only its nodes.
    const { values, depths, ops } = this;
    const base = values.length;
    const opBase = ops.length;
    values.push(first);
    depths.push(this.depth);
    while (prec !== undefined) {
      const op = this.tokens[this.pos++];
      const right = this.unary();
      while (ops.length > opBase && PRECEDENCE.get(ops[ops.length - 1].tokenType)! >= prec) this.reduce();
      ops.push(op);
      values.push(right);
      depths.push(this.depth);
      prec = PRECEDENCE.get(this.peekType()!);
    }
    while (ops.length > opBase) this.reduce();
    this.depth = depths.pop()!;
    const e = values.pop()!;
    if (values.length !== base) throw new Error('direct parser: operand stack out of balance');
    return e;
  }

  /** Applies the top operator to the top two operands. */
  private reduce(): void {
    const { values, depths } = this;
    const op = this.ops.pop()!;
    const right = values.pop()!;
    const left = values.pop()!;
    const rd = depths.pop()!;
    const ld = depths.pop()!;
    values.push(this.binary(op.image as A.BinaryOperator, tokenSpan(op), left, right));
    depths.push(this.compound(ld, rd));
  }

  private binary(op: A.BinaryOperator, opSpan: Span, left: A.Expr, right: A.Expr): A.Binary {
    return { kind: 'binary', op, left, right, opSpan, span: { start: left.span.start, end: Math.max(right.span.end, opSpan.end) } };
  }

  /** `('-' | '+')* primary ('[' indexItem,+ ']')* ('^' unary)?` (to-ast.ts's `unary` and `postfix`). */
  private unary(): A.Expr {
    const from = this.pos;
    while (this.at(T.Minus) || this.at(T.Plus)) this.pos++;
    const signsEnd = this.pos;
    let acc = this.primary();
    let depth = this.depth;
    while (this.at(T.LBracket)) {
      this.pos++;
      const items: A.IndexItem[] = [];
      const childDepths = [depth];
      items.push(this.indexItem(childDepths));
      while (this.at(T.Comma)) {
        this.pos++;
        items.push(this.indexItem(childDepths));
      }
      const close = this.consume(T.RBracket);
      acc = { kind: 'index', target: acc, items, span: { start: acc.span.start, end: close.startOffset + 1 } };
      depth = this.compoundOf(childDepths);
    }
    if (this.at(T.Caret)) {
      const caret = this.tokens[this.pos++];
      const exponent = this.unary();
      acc = this.binary('^', tokenSpan(caret), acc, exponent);
      depth = this.compound(depth, this.depth);
    }
    if (signsEnd > from) {
      const end = this.spanFrom(from).end;
      // The innermost sign is the last one: -+x is -(+x); a minus folds into a number literal (as to-ast.ts).
      for (let i = signsEnd - 1; i >= from; i--) {
        const op = this.tokens[i];
        const at: Span = { start: op.startOffset, end };
        if (acc.kind === 'number' && op.image === '-') {
          acc = { kind: 'number', value: -acc.value, text: `-${acc.text}`, span: at };
          depth = 1;
        } else {
          acc = { kind: 'unary', op: op.image as '-' | '+', operand: acc, span: at };
          depth = this.compound(depth);
        }
      }
    }
    this.depth = depth;
    return acc;
  }

  /** One index item; the depths of its expressions are pushed to `childDepths`. */
  private indexItem(childDepths: number[]): A.IndexItem {
    const from = this.pos;
    if (this.at(T.Ellipsis)) {
      this.pos++;
      return { kind: 'ellipsis', span: this.spanFrom(from) };
    }
    let start: A.Expr | undefined;
    if (!this.at(T.Colon)) {
      start = this.expression();
      childDepths.push(this.depth);
      if (!this.at(T.Colon)) return { kind: 'at', index: start, span: this.spanFrom(from) };
    }
    // `: stop? (: step?)?`
    this.pos++;
    let stop: A.Expr | undefined;
    let step: A.Expr | undefined;
    let stopDepth = 0;
    if (EXPRESSION_START.has(this.peekType()!)) {
      stop = this.expression();
      stopDepth = this.depth;
    }
    if (this.at(T.Colon)) {
      this.pos++;
      if (EXPRESSION_START.has(this.peekType()!)) step = this.expression();
    }
    // to-ast.ts lists a slice's children as start, stop, step.
    if (stop) childDepths.push(stopDepth);
    if (step) childDepths.push(this.depth);
    return { kind: 'slice', ...(start ? { start } : {}), ...(stop ? { stop } : {}), ...(step ? { step } : {}), span: this.spanFrom(from) };
  }

  private primary(): A.Expr {
    const from = this.pos;
    const t = this.tokens[this.pos];
    const type = t?.tokenType;
    this.depth = 1;
    if (type === T.Identifier) return this.callOrName();
    this.pos++;
    if (type === T.NumberLiteral) return { kind: 'number', value: Number(t.image), text: t.image, span: tokenSpan(t) };
    if (type === T.True) return { kind: 'bool', value: true, span: tokenSpan(t) };
    if (type === T.False) return { kind: 'bool', value: false, span: tokenSpan(t) };
    if (type === T.LParen) {
      const inner = this.expression();
      this.consume(T.RParen);
      const depth = this.compound(this.depth);
      this.depth = depth;
      return { kind: 'paren', inner, span: this.spanFrom(from) };
    }
    if (type === T.LBracket) {
      const depths: number[] = [];
      const elements = this.at(T.RBracket) ? [] : this.expressionList(depths);
      this.consume(T.RBracket);
      this.depth = this.compoundOf(depths);
      return { kind: 'tensor', elements, span: this.spanFrom(from) };
    }
    throw GIVE_UP;
  }

  private callOrName(): A.Expr {
    const from = this.pos;
    const id = this.tokens[this.pos++];
    const name = this.name(id);
    if (!this.at(T.LParen)) {
      this.depth = 1;
      return { kind: 'ident', name: name.text, span: name.span };
    }
    this.pos++;
    const depths: number[] = [];
    const args = this.at(T.RParen) ? [] : this.argumentList(depths);
    this.consume(T.RParen);
    this.depth = this.compoundOf(depths);
    return { kind: 'call', callee: name, args, span: this.spanFrom(from) };
  }

  /** `argument (',' argument)*`; the depth of each argument's value is pushed to `depths` when given. */
  protected argumentList(depths?: number[]): A.Argument[] {
    const out = [this.argument()];
    depths?.push(this.depth);
    while (this.at(T.Comma)) {
      this.pos++;
      out.push(this.argument());
      depths?.push(this.depth);
    }
    return out;
  }

  /** `(name '=')? expr (('->' | '..') expr)?`; sets `depth` to its value's. */
  private argument(): A.Argument {
    const from = this.pos;
    let name: A.Name | undefined;
    if (this.at(T.Identifier) && this.peekType(1) === T.Equals) {
      name = this.name(this.tokens[this.pos]);
      this.pos += 2;
    }
    let value = this.expression();
    const type = this.peekType();
    if (type === T.Arrow || type === T.DotDot) {
      this.pos++;
      const valueDepth = this.depth;
      const other = this.expression();
      const s = { start: value.span.start, end: other.span.end };
      value = type === T.Arrow ? { kind: 'transition', from: value, to: other, span: s } : { kind: 'range', low: value, high: other, span: s };
      this.depth = this.compound(valueDepth, this.depth);
    }
    return { ...(name ? { name } : {}), value, span: this.spanFrom(from) };
  }
}
