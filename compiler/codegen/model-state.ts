/**
 * The state of one model's code generation, shared by the emitters of its parts (emit-create.ts, emit-functions.ts,
 * emit-blocks.ts, emit-flat.ts, emit-objective.ts): the name table, identifiers allocated per purpose, the
 * statements of `create`, the functions, and what the estimators' draws bound. Structured records, so no emitter
 * reads generated text back.
 */
import type * as A from '../syntax/ast.js';
import { isNamedDim, type Dim } from '../semantics/shape.js';
import type { CheckedModel, CheckedStatement, DistributionType } from '../semantics/types.js';
import type { EstimatorDecision, KlDecision, Plan } from '../analysis/plan.js';
import type { CodeText } from '../estimators/estimator.js';
import { estimatorModule } from '../estimators/registry.js';
import { EmitContext, literal } from './emit-expr.js';
import type { Fn } from './fn.js';
import { commentText, member, NameTable, propKey, str } from './names.js';

/** The model functions whose returned values `trace` lists. */
export type FunctionKind = 'shared' | 'guide' | 'generative' | 'forward';

/** Shared state and helpers of one model's code generation. */
export class ModelState {
  readonly names = new NameTable();
  readonly cx: EmitContext;
  /** Statements of `create` before the functions (weights, params, priors, estimators' state). */
  readonly setup: string[] = [];
  readonly variableEntries: string[] = [];
  readonly functions: string[] = [];
  readonly ids = new Map<string, string>();
  /** Source names each model function returns, in statement order, with their identifiers (for `trace`). */
  readonly traced = new Map<FunctionKind, Array<[string, string]>>();
  /** Objective terms that are scalars (KL of a latent without batch axis), which tf.addN cannot add to [B] terms. */
  readonly scalarTerms = new Set<string>();
  /** Statements of afterStep(), from the estimators' `create`. */
  readonly afterStep: string[] = [];
  /** Per node, the roles of the per-pass quantities its estimator's draw bound (e.g. 'logq'). */
  readonly bound = new Map<string, string[]>();
  /** Tensors created in `create` outside the hoisted constants (fitted priors), disposed with the model. */
  readonly disposables: string[] = [];
  /** Number of extra model evaluations requested by estimators (suffixes their identifiers). */
  extraEvaluations = 0;
  /** `const init = new RandomStream(options.seed)` is among the setup statements. */
  initRng = false;

  constructor(
    readonly model: CheckedModel,
    readonly plan: Plan,
    /** Fuse chains of elementwise operations into one kernel each (emit-fusion.ts). */
    fuse = true,
  ) {
    this.names.reserveSource([...model.definitions.keys()]);
    this.cx = new EmitContext(model, this.names, fuse);
  }

  /** The identifier derived from source name `name` for a purpose key (e.g. 'z.q' -> `z$q`), allocated once. */
  id(key: string, name: string, role: string): string {
    let id = this.ids.get(key);
    if (!id) {
      id = this.names.derived(name, role);
      this.ids.set(key, id);
    }
    return id;
  }

  line(span: A.Expr['span'] | { start: number }): number {
    return this.model.file.position(span.start).line;
  }

  /** Source text for a comment: whitespace collapsed, comment-safe. */
  src(span: { start: number; end: number }): string {
    return commentText(this.model.file.slice(span).replace(/\s+/g, ' '));
  }

  estimator(node: string): EstimatorDecision | undefined {
    return this.plan.estimators.find((e) => e.node === node);
  }

  /** The decisions whose estimator adds surrogate terms (score-function-like nodes), in plan order. */
  scored(): EstimatorDecision[] {
    return this.plan.estimators.filter((e) => estimatorModule(e.estimator).surrogate !== undefined);
  }

  /** Code helpers for estimator modules (compiler/estimators/estimator.ts). */
  codeText(): CodeText {
    return {
      model: this.model,
      data: (name) => this.data(name),
      str,
      literal,
      comment: commentText,
      importRuntime: (n) => void this.cx.imports.runtime.add(n),
      importStdlib: (n) => void this.cx.imports.stdlib.add(n),
    };
  }

  /** The identifier of a node's role, allocated once (the same key in every context). */
  nodeId(node: string): (role: string) => string {
    return (role) => this.id(`${node}.${role}`, node, role);
  }

  /** A `fixed` argument of guide or forward: values by the node's identifier. */
  fixedLiteral(fixed: Readonly<Record<string, string>>): string {
    // A key with `$` is already an identifier (a node's per-role entry, SurrogateContext.evaluateAt).
    return `{ ${Object.entries(fixed).map(([n, code]) => `${n.includes('$') ? n : this.names.source(n)}: ${code}`).join(', ')} }`;
  }

  /** The ids a run of several passes returns for the scored nodes (each quantity their draws bound). */
  runFields(scored: readonly EstimatorDecision[], from: string): string {
    return scored.flatMap((e) => (this.bound.get(e.node) ?? []).map((role) => this.nodeId(e.node)(role)).map((id) => `${id}: ${from}.${id}`)).join(', ');
  }

  klOf(latent: string): KlDecision | undefined {
    return this.plan.kl.find((k) => k.latent === latent);
  }

  /** Records the source names a function returns (for `trace`). */
  recordTrace(kind: 'shared' | 'guide' | 'generative' | 'forward', fn: Fn): void {
    this.traced.set(kind, [...fn.scope.values].filter(([, id]) => fn.returns.has(id)));
  }

  /** `trace`'s list: [source name, value] of every source name the functions return, in order. */
  traceList(parts: ReadonlyArray<['shared' | 'guide' | 'generative' | 'forward', string]>): string {
    // A latent appears in guide and generative with the same value (the guide's draw): listed once.
    const seen = new Set<string>();
    const entries = parts.flatMap(([kind, v]) =>
      (this.traced.get(kind) ?? []).filter(([name]) => !seen.has(name) && seen.add(name)).map(([name, id]) => `[${str(name)}, ${v}.${id}]`),
    );
    return `[${entries.join(', ')}]`;
  }

  /**
   * reduce(a - b) for two log densities of latent z's draw, or reduce(a) - reduce(b) when its guide and prior
   * families have different event ranks (a MultivariateNormalDiag against a Normal prior): their log densities then
   * have different ranks, and each is summed over its own axes before they meet.
   */
  logRatio(z: string, reduce: string, a: string, b: string): string {
    const ranks = new Set(
      this.model.statements
        .filter((x) => (x.role === 'posterior' || x.role === 'prior') && x.statement.kind === 'sample' && x.statement.target.text === z)
        .map((x) => (x.statement.kind === 'sample' ? this.distType(x.statement)?.eventRank : undefined)),
    );
    return ranks.size > 1 ? `tf.sub(${reduce}(${a}), ${reduce}(${b}))` : `${reduce}(tf.sub(${a}, ${b}))`;
  }

  distType(st: A.Sample): DistributionType | undefined {
    const t = this.model.types.get(st.distribution);
    return t?.kind === 'distribution' ? t : undefined;
  }

  /** A dimension as code: a number, or the run-time dimension from `dims`. */
  dimCode(d: Dim): string {
    if (typeof d === 'number') return String(d);
    if (isNamedDim(d)) {
      this.cx.imports.runtime.add('requireDim');
      return `requireDim(dims, ${str(d)})`;
    }
    throw new Error('internal: unknown dimension in generated shape');
  }

  /** Extra leading sample dimensions that make a distribution's natural shape the variable's shape. */
  sampleShape(natural: readonly Dim[] | null, full: readonly Dim[] | null): string {
    if (!natural || !full || full.length <= natural.length) return '';
    return `, [${full.slice(0, full.length - natural.length).map((d) => this.dimCode(d)).join(', ')}]`;
  }

  /**
   * The sample arguments that draw observed variable `x` in its data annotation's shape (`data x: [B, D]` with a
   * distribution of natural shape [D] draws [n, D] in `sample`, not one [D] draw).
   */
  observedSampleArgs(x: string): string {
    const st = this.model.statements.find((s) => s.statement.kind === 'sample' && s.statement.target.text === x)?.statement;
    const d = st?.kind === 'sample' ? this.distType(st) : undefined;
    return `ctx.rng${d ? this.sampleShape(d.sampleShape, this.model.variables.get(x)?.shape ?? null) : ''}`;
  }

  sharedStatements(): CheckedStatement[] {
    return this.model.statements.filter((s) => s.block === 'model' && s.statement.kind === 'assign');
  }

  /** Reduces a term to per-data-point totals (a batch axis) or to a scalar. */
  perExampleReducer(shape: readonly Dim[] | null): string {
    if (shape && shape.length > 0 && isNamedDim(shape[0])) {
      this.cx.imports.runtime.add('sumToBatch');
      return 'sumToBatch';
    }
    return 'tf.sum';
  }

  latentsLiteral(g: string): string {
    return `{ ${this.model.latents.map((z) => `${propKey(z)}: ${this.latentValue(z, g)}`).join(', ')} }`;
  }

  latentValue(z: string, g: string): string {
    const est = this.estimator(z);
    const id = this.names.source(z);
    // A latent summed out per data point has no draw in the guide; the objective supplies its values.
    if (est?.enumeration?.mode === 'per_example') return `${g}.${this.ids.get(`${z}.q`)}.sample(ctx.rng)`;
    return `${g}.${id}`;
  }

  /** A data tensor of the batch (a one-line error when the batch lacks it); `batch` names another batch (a tiled one). */
  data(name: string, batch = 'batch'): string {
    this.cx.imports.runtime.add('requireData');
    return `requireData(${batch}, ${str(name)})`;
  }

  sum(ids: readonly string[]): string {
    if (ids.length === 0) return 'tf.scalar(0)';
    if (ids.length === 1) return ids[0];
    // tf.addN needs equal shapes: a term of a latent without batch axis is a scalar next to per-data-point ones.
    if (ids.some((id) => this.scalarTerms.has(id))) return ids.slice(1).reduce((a, id) => `tf.add(${a}, ${id})`, ids[0]);
    return `tf.addN([${ids.join(', ')}])`;
  }

  /**
   * The log q a score-function term multiplies with its signal. A per-data-point signal pairs with log q(z_b) of
   * the same data point. A batch-total signal F(z_1..z_B) needs the log density of every draw it depends on:
   * ∇ E[F] = E[F ∇ Σ_b log q(z_b)] (the score of the product of independent draws), so log q is summed over the
   * batch (a scalar per run; stacked runs then match the stacked signals).
   */
  batchLogq(logq: string, perExample: boolean): string {
    return perExample ? logq : `tf.sum(${logq})`;
  }
}

/**
 * Reads latent `name` from the `latents` record. TypeScript types a property named like a member of
 * Object.prototype (`constructor`, `toString`, ...) as that member even on a string-indexed record, so such a
 * name is read with a cast; at run time the record holds it as an own property.
 */
export function latentRead(name: string): string {
  return name in Object.prototype ? `(latents[${str(name)}] as unknown as tf.Tensor)` : member('latents', name);
}
