/**
 * The abstract syntax tree: readonly discriminated unions on `kind`, every node with its span. Built from the
 * Chevrotain CST by one visitor (to-ast.ts). Semantic information (shapes, resolved signatures) is not stored
 * here: the checker returns it keyed by node (compiler/semantics/types.ts), so this tree stays the untyped
 * level of the two-level design.
 */
import type { Span } from '../diagnostics/source.js';

/** A name with its own span (for carets under just the name). */
export interface Name {
  readonly text: string;
  readonly span: Span;
}

// ── expressions ────────────────────────────────────────────────────────────────────────────────

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  /** The text as written (e.g. '1e-3'), for canonical printing. */
  readonly text: string;
  readonly span: Span;
}

export interface BoolLiteral {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly span: Span;
}

export interface Identifier {
  readonly kind: 'ident';
  readonly name: string;
  readonly span: Span;
}

/** One argument of a call, positional (no name) or named (`tau = 0.5`). */
export interface Argument {
  readonly name?: Name;
  readonly value: Expr;
  readonly span: Span;
}

export interface Call {
  readonly kind: 'call';
  readonly callee: Name;
  readonly args: readonly Argument[];
  readonly span: Span;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
  readonly opSpan: Span;
  readonly span: Span;
}

export interface Unary {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly operand: Expr;
  readonly span: Span;
}

/** `[a, b, c]`: a tensor literal (nested for higher rank). */
export interface TensorLiteral {
  readonly kind: 'tensor';
  readonly elements: readonly Expr[];
  readonly span: Span;
}

/** One entry of an index list. */
export type IndexItem =
  | { readonly kind: 'at'; readonly index: Expr; readonly span: Span }
  | { readonly kind: 'slice'; readonly start?: Expr; readonly stop?: Expr; readonly step?: Expr; readonly span: Span }
  | { readonly kind: 'ellipsis'; readonly span: Span };

export interface Index {
  readonly kind: 'index';
  readonly target: Expr;
  readonly items: readonly IndexItem[];
  readonly span: Span;
}

/** `a -> b`: the endpoints of a schedule (anneal, ramp). */
export interface Transition {
  readonly kind: 'transition';
  readonly from: Expr;
  readonly to: Expr;
  readonly span: Span;
}

/** `lo..hi`: an inclusive integer range (GenGS two-sided truncation). */
export interface Range {
  readonly kind: 'range';
  readonly low: Expr;
  readonly high: Expr;
  readonly span: Span;
}

/** A parenthesised expression (kept so spans and canonical text follow the source). */
export interface Paren {
  readonly kind: 'paren';
  readonly inner: Expr;
  readonly span: Span;
}

/** Stands in for an expression the parser could not read (after a syntax error). */
export interface ErrorExpr {
  readonly kind: 'error';
  readonly span: Span;
}

export type Expr =
  | NumberLiteral
  | BoolLiteral
  | Identifier
  | Call
  | Binary
  | Unary
  | TensorLiteral
  | Index
  | Transition
  | Range
  | Paren
  | ErrorExpr;

// ── statements and declarations ────────────────────────────────────────────────────────────────

/** `[B, N, K - 1]` */
export interface ShapeExpr {
  readonly dims: readonly Expr[];
  readonly span: Span;
}

export interface DataDecl {
  readonly kind: 'data';
  readonly name: Name;
  readonly shape: ShapeExpr;
  /** `with obs_mask(m)`: observed where the data column m is 1, a latent elsewhere (partial observation). */
  readonly observation?: Expr;
  readonly span: Span;
}

export interface ParamDecl {
  readonly kind: 'param';
  readonly name: Name;
  readonly shape: ShapeExpr;
  readonly init?: Expr;
  readonly span: Span;
}

export interface ConstDecl {
  readonly kind: 'const';
  readonly name: Name;
  readonly shape?: ShapeExpr;
  readonly value: Expr;
  readonly span: Span;
}

/** `h = expr [: shape]` or `a, b = split(h, 2)`: deterministic. */
export interface Assign {
  readonly kind: 'assign';
  readonly targets: readonly Name[];
  readonly value: Expr;
  readonly shape?: ShapeExpr;
  readonly span: Span;
}

/** `z ~ Dist(...) [: shape] [with estimator]`: stochastic. */
export interface Sample {
  readonly kind: 'sample';
  readonly target: Name;
  readonly distribution: Expr;
  readonly shape?: ShapeExpr;
  readonly estimator?: Expr;
  readonly span: Span;
}

/** `kl(z) = mc(samples = 8)`: how the KL of a latent is computed. */
export interface KlOverride {
  readonly kind: 'kl_override';
  readonly variable: Name;
  readonly method: Expr;
  readonly span: Span;
}

export type Statement = DataDecl | ParamDecl | ConstDecl | Assign | Sample | KlOverride;

export interface Block {
  readonly kind: 'block';
  readonly which: 'guide' | 'generative';
  readonly keywordSpan: Span;
  readonly statements: readonly Statement[];
  readonly span: Span;
}

export interface Objective {
  readonly kind: 'objective';
  readonly sense: 'maximize' | 'minimize';
  readonly expr: Expr;
  readonly span: Span;
}

/** `report name = expr`: a user metric, computed with the objective, logged and evaluated, never optimized. */
export interface Report {
  readonly kind: 'report';
  readonly name: Name;
  readonly expr: Expr;
  readonly span: Span;
}

export type ModelItem = Statement | Block | Objective | Report;

export interface Hyperparameter {
  readonly name: Name;
  readonly default?: Expr;
  readonly span: Span;
}

export interface ModelDecl {
  readonly kind: 'model';
  readonly name: Name;
  readonly hyperparameters: readonly Hyperparameter[];
  readonly items: readonly ModelItem[];
  readonly span: Span;
}

export interface Program {
  readonly kind: 'program';
  readonly models: readonly ModelDecl[];
  readonly span: Span;
}

/** For exhaustive switches: a compile error when a case is missing. */
export function assertNever(x: never): never {
  throw new Error(`unexpected node: ${JSON.stringify(x)}`);
}
