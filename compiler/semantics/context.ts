/**
 * Mutable state of one check run (the stage itself stays a pure function: `check` creates a context, runs
 * the passes, and returns an immutable result). Holds diagnostics, the type of every expression, resolved
 * calls, and the scopes that decide which names are visible where.
 */
import { FUNCTIONS, findFunction, type FunctionCategory, type FunctionSig } from '../../stdlib/signatures/index.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { makeDiagnostic, type DiagnosticExtras } from '../diagnostics/make.js';
import type { SourceFile, Span } from '../diagnostics/source.js';
import type { DiagnosticCode } from '../diagnostics/catalog.js';
import type * as A from '../syntax/ast.js';
import { DEFAULT_SIZE_LIMITS, describeSize, formatCount, staticElements, type SizeLimits } from './limits.js';
import { numberRange } from './ranges.js';
import type { Shape } from './shape.js';
import type { BlockName, Definition, ExprType, ResolvedCall, TensorType } from './types.js';

/** Where an expression stands; decides which built-ins are allowed (SGM2113). */
export type Position = 'value' | 'objective' | 'estimator' | 'kl_method' | 'baseline' | 'init' | 'shape' | 'hyper' | 'observation';

/** How an expression is being typed. */
export interface ExprContext {
  readonly block: BlockName;
  readonly position: Position;
  /** A distribution is acceptable here (right of ~, or a distribution argument). */
  readonly allowDistribution?: boolean;
  /** Order of the statement being checked (for used-before-defined). */
  readonly order: number;
  /** Names of every block are visible (the objective). */
  readonly anyBlock?: boolean;
}

/** One call of `define` (statements.ts): replaying the calls of a statement re-creates its scope entries. */
export interface DefineCall {
  readonly name: A.Name;
  readonly block: BlockName;
  readonly order: number;
  readonly type: TensorType;
}

/** A Set that can log every `add`, also of a value already present (semantics/reuse.ts replays the adds). */
export class LoggedSet<T> extends Set<T> {
  log: T[] | undefined;
  override add(value: T): this {
    this.log?.push(value);
    return super.add(value);
  }
}

/**
 * The context for an operand where a distribution is not allowed: `ec` itself when it already disallows one (the
 * checker typed every operand through a fresh copy; tens of thousands of short-lived objects on a long model).
 */
export function noDistribution(ec: ExprContext): ExprContext {
  return ec.allowDistribution ? { ...ec, allowDistribution: false } : ec;
}

/** A visible name and its type. */
export interface ScopeEntry {
  readonly type: TensorType;
  readonly definition: Definition;
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Not readonly: the language server's re-use (semantics/reuse.ts) hands the previous version's map in, updated in place. */
  types = new Map<A.Expr, ExprType>();
  /** When set, every node given a type is appended here (semantics/reuse.ts). */
  typeLog: A.Expr[] | undefined;
  readonly calls = new Map<A.Expr, ResolvedCall>();
  readonly hyper = new Map<string, number>();
  /** Hyperparameters whose value is missing or invalid (already reported; uses stay silent). */
  readonly brokenHypers = new Set<string>();
  /** Every definition of every name (pre-pass), for duplicates, used-before-defined and suggestions. */
  readonly definitions = new Map<string, Definition[]>();
  /** Names visible at model level and inside each block, filled as statements are checked. */
  readonly scopes: Record<BlockName, Map<string, ScopeEntry>> = {
    model: new Map(),
    guide: new Map(),
    generative: new Map(),
  };
  /** Type of each variable (for a latent: the first side checked). */
  readonly variables = new Map<string, TensorType>();
  /** Names read anywhere (for unused-variable warnings). */
  readonly used = new LoggedSet<string>();
  readonly runtimeDims = new LoggedSet<string>();
  latents = new Set<string>();
  observed = new Set<string>();

  /** Elements of the params and layer weights checked so far (against limits.maxParamElements). */
  paramElements = 0;
  /** Whether the total-parameter limit was already reported (once per model). */
  paramLimitReported = false;
  /** When set, every `define` of a statement is appended here (the language server's re-use, semantics/reuse.ts). */
  defineLog: DefineCall[] | undefined;

  constructor(
    readonly file: SourceFile,
    readonly limits: SizeLimits = DEFAULT_SIZE_LIMITS,
    /** The `with` signatures (CheckOptions.estimators): the estimator modules declare them, above this stage. */
    readonly estimators: readonly FunctionSig[] = [],
  ) {}

  /** A built-in function by name or alias: the stdlib's table, then the estimators' `with` signatures. */
  findFunction(name: string): FunctionSig | undefined {
    return findFunction(name) ?? this.estimators.find((f) => f.name === name || f.aliases?.includes(name));
  }

  /** Every built-in function of a category (for suggestions), estimators included. */
  functionsOf(category: FunctionCategory): FunctionSig[] {
    return [...FUNCTIONS, ...this.estimators].filter((f) => f.category === category);
  }

  /**
   * Checks one tensor's size against the limits (SGM3017; SGM3018 for the running parameter total when
   * `parameter` is set). Returns false after reporting.
   */
  checkSize(shape: Shape, span: Span, what: string, parameter = false): boolean {
    const n = staticElements(shape);
    if (!(n <= this.limits.maxElements)) {
      this.report('SGM3017', span, `${what} is too large: ${describeSize(shape)}`, {
        label: `more than the limit of ${formatCount(this.limits.maxElements)} elements per tensor`,
        help: 'use smaller sizes, or raise the limit with SGM_MAX_ELEMENTS if the machine has the memory',
      });
      return false;
    }
    if (!parameter) return true;
    this.paramElements += n;
    if (this.paramElements > this.limits.maxParamElements && !this.paramLimitReported) {
      this.paramLimitReported = true;
      this.report('SGM3018', span, `the model has too many parameters: ${formatCount(this.paramElements)} elements up to ${what}`, {
        label: `${what} ${describeSize(shape)} passes the limit of ${formatCount(this.limits.maxParamElements)} parameters`,
        help: 'use smaller sizes, or raise the limit with SGM_MAX_PARAMS if the machine has the memory',
      });
      return false;
    }
    return true;
  }

  /** Records a diagnostic. */
  report(code: DiagnosticCode, span: Span, message: string, extras?: DiagnosticExtras): void {
    this.diagnostics.push(makeDiagnostic(code, span, message, extras));
  }

  /** The type of a number literal or hyperparameter, one object per value (a model repeats the same few numbers). */
  scalarConstant(value: number): TensorType {
    let t = this.scalarConstants.get(value);
    if (t === undefined) {
      t = { kind: 'tensor', shape: [], range: numberRange(value), constant: value, ...(Number.isInteger(value) ? { integer: true } : {}) };
      // A Map treats -0 as 0, but 1 / -0 folds differently: -0 gets its own object every time.
      if (!Object.is(value, -0)) this.scalarConstants.set(value, t);
    }
    return t;
  }

  private readonly scalarConstants = new Map<number, TensorType>();

  /** Records and returns the type of an expression. */
  setType<T extends ExprType>(e: A.Expr, t: T): T {
    this.typeLog?.push(e);
    this.types.set(e, t);
    return t;
  }

  /** Looks a name up as seen from a block: the block's own names, then model-level names. */
  lookup(name: string, block: BlockName): ScopeEntry | undefined {
    return this.scopes[block].get(name) ?? (block === 'model' ? undefined : this.scopes.model.get(name));
  }

  /** Looks a name up in every scope (the objective sees all names). */
  lookupAny(name: string): ScopeEntry | undefined {
    return this.scopes.model.get(name) ?? this.scopes.guide.get(name) ?? this.scopes.generative.get(name);
  }

  /** Every name visible from a block (for suggestions). */
  visibleNames(block: BlockName): string[] {
    return [...new Set([...this.scopes.model.keys(), ...(block === 'model' ? [] : this.scopes[block].keys()), ...this.hyper.keys()])];
  }

  /** Source text of a node, for messages. */
  text(span: Span): string {
    return this.file.slice(span);
  }
}
