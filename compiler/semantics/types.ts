/**
 * The typed level of the two-level tree: what the checker knows about every expression and name. The AST is
 * not modified; the checker returns maps keyed by AST node.
 */
import type { DistributionSig, FunctionSig, ParamSig, SignFact } from '../../stdlib/signatures/index.js';
import type { SourceFile, Span } from '../diagnostics/source.js';
import type * as A from '../syntax/ast.js';
import type { Shape } from './shape.js';

/** What is known about the values of a tensor (for constraint warnings): a sign fact of the table, or nothing (data). */
export type ValueRange = SignFact | 'unknown';

/** A compile-time constant value: a number or a (nested) array of numbers. */
export type ConstValue = number | boolean | readonly ConstValue[];

/** A tensor-valued expression. */
export interface TensorType {
  readonly kind: 'tensor';
  readonly shape: Shape | null;
  readonly range: ValueRange;
  /** The value when known at compile time. */
  readonly constant?: ConstValue;
  /** Changes with the training step (contains anneal/ramp). */
  readonly schedule?: boolean;
  /** Integer-valued (discrete samples, argmax). */
  readonly integer?: boolean;
  /** An objective term (elbo, loglik, kl) or built from one: only valid inside maximize/minimize. */
  readonly objective?: boolean;
}

/** A distribution expression. */
export interface DistributionType {
  readonly kind: 'distribution';
  readonly sig: DistributionSig;
  /** The call that built it (undefined for fit_prior, whose call is in `via`). */
  readonly call: ResolvedCall;
  /** Shape of one draw (batch + event axes), before a `: shape` annotation. */
  readonly sampleShape: Shape | null;
  /** Number of event axes at the end of sampleShape. */
  readonly eventRank: number;
}

/** Other kinds of expressions. */
export type ExprType =
  | TensorType
  | DistributionType
  | { readonly kind: 'family'; readonly name: string }
  | { readonly kind: 'tuple'; readonly items: readonly TensorType[] }
  | { readonly kind: 'directive'; readonly call: ResolvedCall }
  | { readonly kind: 'transition'; readonly from: number; readonly to: number }
  | { readonly kind: 'range'; readonly low: number; readonly high: number }
  | { readonly kind: 'choice'; readonly name: string }
  | { readonly kind: 'error' };

/** An argument bound to its parameter. */
export interface BoundArgument {
  readonly param: ParamSig;
  readonly expr: A.Expr;
  readonly type: ExprType;
  /** Span of the whole argument (incl. `name =`). */
  readonly span: Span;
}

/** A call resolved against the signature table. */
export interface ResolvedCall {
  readonly node: A.Call | A.Identifier;
  readonly kind: 'function' | 'distribution';
  readonly sig: FunctionSig | DistributionSig;
  /** Canonical name (aliases resolved). */
  readonly name: string;
  /** Bound arguments by parameter name (defaults are not materialised; see `argumentValue`). */
  readonly args: ReadonlyMap<string, BoundArgument>;
  /** Extra tensors of a variadic function (concat). */
  readonly rest: readonly BoundArgument[];
}

/** Where a name is defined. */
export type BlockName = 'model' | 'guide' | 'generative';

/** One definition of a name. */
export interface Definition {
  readonly name: string;
  readonly kind: 'hyper' | 'data' | 'param' | 'const' | 'det' | 'stochastic';
  readonly block: BlockName;
  readonly span: Span;
  readonly statement?: A.Statement;
  /** Position in the flattened statement order. */
  readonly order: number;
}

/** A statement with where it stands. */
export interface CheckedStatement {
  readonly statement: A.Statement;
  readonly block: BlockName;
  /**
   * For `~` statements: 'posterior' (guide side of a latent), 'prior' (generative side of a latent),
   * 'likelihood' (an observed data variable), 'sample' (a stochastic variable of a flat model, or a
   * guide/generative variable without counterpart).
   */
  readonly role?: 'posterior' | 'prior' | 'likelihood' | 'sample';
}

/** The output of the checker for one model. */
export interface CheckedModel {
  readonly name: string;
  readonly decl: A.ModelDecl;
  readonly file: SourceFile;
  readonly hyperparameters: Readonly<Record<string, number>>;
  /** Model structure: guide/generative blocks, or a flat stochastic graph. */
  readonly structure: 'blocks' | 'flat';
  readonly statements: readonly CheckedStatement[];
  readonly definitions: ReadonlyMap<string, readonly Definition[]>;
  /** Type of every expression the checker visited. */
  readonly types: ReadonlyMap<A.Expr, ExprType>;
  /** Type of every stochastic or deterministic variable (the guide's for a latent). */
  readonly variables: ReadonlyMap<string, TensorType>;
  /** Resolved call of every call (and of bare directive names like `elbo`). */
  readonly calls: ReadonlyMap<A.Expr, ResolvedCall>;
  readonly latents: readonly string[];
  readonly observed: readonly string[];
  /** Partially observed latents (`data y: [B] with obs_mask(m)`) and their mask columns (docs/language.md). */
  readonly partial: ReadonlyMap<string, string>;
  /** User metrics (`report name = expr`), in source order. */
  readonly reports: readonly A.Report[];
  readonly objective?: A.Objective;
  readonly klOverrides: ReadonlyMap<string, A.KlOverride>;
  /** Named dimensions bound at run time (e.g. B). */
  readonly runtimeDims: readonly string[];
}
