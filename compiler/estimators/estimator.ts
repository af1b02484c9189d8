/**
 * The estimator interface: one gradient estimator of a stochastic node is one module, one file in this folder,
 * exporting one object that implements `EstimatorModule`, registered by one line in registry.ts
 * (docs/architecture.md section 9, "How to add an estimator").
 *
 * A module says everything the compiler asks about its estimator:
 *
 * - **Name.** `kind` is the name written after `with` and the plan's, the graph's, the runtime metadata's and the
 *   web page's `EstimatorKind` (registry.ts derives the type from the registration list). `syntax` is the `with`
 *   clause's signature (aliases, doc, its options with their constraints, defaults and docs): registry.ts turns it
 *   into the signature-table entry (category 'estimator') that the semantic checker (through the pipeline, which
 *   passes `ESTIMATOR_SIGNATURES` down: semantics sits below this folder), the language server and
 *   docs/reference.md read. `display` is the graph page's fill, border and legend label for nodes it estimates
 *   (web/graph-style.ts reads it from the registry). docs/architecture.md section 9 records this placement.
 * - **Analysis** (compiler/analysis/analyze.ts calls these): `fromClause` turns a `with` clause into a decision (or
 *   reports a coded diagnostic and returns undefined: SGM5001 "not applicable", SGM5003 "cannot enumerate");
 *   `automatic` is the rule that picks the estimator without a clause, tried in registration order (the first
 *   module whose rule returns a decision wins; return undefined to never be chosen automatically);
 *   `objectiveProblem` says which objectives it supports (e.g. only `maximize iwae` for a multi-sample
 *   estimator; today `iwae` accepts only estimators that answer undefined here). Decisions carry the reason text
 *   shown by `sgm check --explain`; `label` is the short form in the plan table.
 * - **Code generation** (compiler/codegen asks these, in this order):
 *   1. `create(d, cx)`: statements of the generated `create(options)`, run once: the estimator's own state and
 *      learned parameters (an EMA baseline; an NVIL baseline network on the data; RELAX's control-variate
 *      network; REBAR's η and temperature), registered as variables with `cx.variables` (trainable variables are
 *      optimised with the model's, non-trainable ones checkpointed), and lines to run after each optimizer step
 *      (`cx.afterStep`).
 *   2. `distributionOptions(d, family)`: extra constructor options of the node's distribution (straight-through
 *      asks a relaxation for its hard form).
 *   3. `draw(d, cx)`: how the node draws inside the guide (or a flat model's `forward`): binds the node's value
 *      with `cx.bindValue` (reading `cx.fixed` first lets the objective or an extra evaluation fix the value) and
 *      any per-pass quantities with `cx.bind(role, ...)` (a score-function estimator binds `logq`, its log q of
 *      the draw reduced per data point; REBAR would bind its relaxed draws). Returns 'summed_out' when the node has
 *      no draw in the pass (a per-data-point enumeration sums it out in the objective).
 *   4. `surrogate(d, cx)`: what the node adds to the surrogate loss the optimizer minimises (its gradient is the
 *      estimator's), as statements `loss = tf.add(loss, ...)`. Called once per objective evaluation with the
 *      per-pass values it bound (`cx.value(role)`), the learning signal (a loss: lower is better), and the form of
 *      the evaluation: one pass ('single'), several independent passes (`samples` of the decision > 1:
 *      'samples', arrays over passes), the configurations of a joint enumeration ('enumerated': arrays over
 *      configurations with their probabilities), or the k importance samples of `maximize iwae(samples = k)`
 *      ('iwae': arrays over samples, and the k log weights as the signal; an estimator for iwae answers undefined
 *      from `objectiveProblem` for it, as VIMCO would). In the 'single' form `cx.evaluateAt` evaluates the model once
 *      more with some sampled nodes fixed to other values (MuProp's mean-field point, REBAR's and RELAX's relaxed
 *      draws) and returns the learning signal there. A module without `surrogate` adds nothing (pathwise,
 *      straight-through and enumeration differentiate the objective itself); a module with one is a
 *      "score-function-like" node: the objective collects its `logq` and signal.
 * - **Diagnostics.** Coded compile-time diagnostics come from `fromClause` / `automatic` through
 *   `facts.diagnostics` (e.g. reinforce's SGM4007 variance warning); run-time values an estimator wants reported
 *   (its baseline, a learned temperature) can be added to the step's metrics with `cx.metric` in `surrogate`.
 *
 * Modules write TypeScript text; every helper that names an identifier or imports a runtime function goes through
 * the context, so a module needs no import from compiler/codegen. A module asks the signature table about a family
 * (`cx.sig`, stdlib/signatures/family-facts.ts) and never compares family names. The generated code a module
 * writes may call run-time helpers of runtime/estimators/ (exported from runtime/index.ts, imported with
 * `cx.importRuntime`); its learned parameters are trainable `tf.Variable`s registered with `cx.variables`, drawn
 * from `cx.rng()` so a seed reproduces them.
 */
import type { DistributionSig, ParamSig } from '../../stdlib/signatures/index.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/source.js';
import type * as A from '../syntax/ast.js';
import type { CheckedModel, DistributionType, ResolvedCall } from '../semantics/types.js';
import type { EnumerationPlan, EstimatorDecision, ObjectivePlan } from './decision.js';

/** A decision before the analysis adds the source line. */
export type Decision = Omit<EstimatorDecision, 'line'>;

/** What the analysis knows about a sampled node when it asks an estimator module. */
export interface NodeFacts {
  readonly model: CheckedModel;
  readonly statement: A.Sample;
  readonly dist: DistributionType;
  /** 'posterior': a guide latent; 'sample': a flat model's stochastic variable. */
  readonly role: 'posterior' | 'sample';
  readonly node: string;
  /** The distribution as shown in the plan. */
  readonly distribution: string;
  /** The enumeration the node admits, or the reason it admits none. */
  readonly enumeration: EnumerationPlan | string;
  /** `hard = true` was written on a relaxation. */
  readonly hard: boolean;
  readonly objective: ObjectivePlan;
  /** Where diagnostics go. */
  readonly diagnostics: Diagnostic[];
  /** Span of the `with` clause, else of the distribution. */
  readonly clauseSpan: Span;
}

/** Plain-text helpers shared by the code-writing contexts. */
export interface CodeText {
  /** The checked model (shapes of data and variables: `model.variables.get(name)?.shape`). */
  readonly model: CheckedModel;
  /** Code of a data tensor of the batch (`requireData(batch, name)`), valid inside the model's functions. */
  data(name: string): string;
  /** A string literal. */
  str(s: string): string;
  /** A number literal. */
  literal(n: number): string;
  /** Text made safe for a `//` comment. */
  comment(s: string): string;
  /** Adds a named import from sgm/runtime (or sgm/stdlib) to the module. */
  importRuntime(name: string): void;
  importStdlib(name: string): void;
}

/** The `create(options)` function under construction. */
export interface CreateContext extends CodeText {
  /** An identifier derived from the node's name for a role, allocated once (the same in every context). */
  id(role: string): string;
  /** Appends statements to `create`. */
  setup(...lines: string[]): void;
  /** Adds entries of the variables map: expressions yielding [name, tf.Variable] pairs, spread into the Map. */
  variables(entry: string): void;
  /** Appends a statement to `afterStep()` (run after each optimizer step). */
  afterStep(line: string): void;
  /**
   * The identifier of the RandomStream that draws initial weights (`init`, seeded by options.seed), declared
   * on first use; draws happen in the order of `create`'s statements, after the model's own layers.
   */
  rng(): string;
}

/** The guide (or `forward`) function under construction, at the node's `~` statement. */
export interface DrawContext extends CodeText {
  id(role: string): string;
  /** Identifier of the node's distribution object (already bound). */
  readonly q: string;
  /** Identifier the node's value is bound to. */
  readonly value: string;
  /** The sampler's arguments: `ctx.rng` and the extra leading sample shape, e.g. `ctx.rng, [B]`. */
  readonly sampleArgs: string;
  /** Code of a value the caller fixed for this node (`fixed.<value>`; undefined when not fixed). */
  readonly fixed: string;
  /**
   * Code of a per-role entry of the caller's `fixed` record for this node (`fixed.<id(role)>`; undefined when not
   * given): an extra evaluation passes it with `evaluateAt({ [idOf(node, role)]: code })`, e.g. MuProp's offset of
   * a mean-field value.
   */
  fixedRole(role: string): string;
  /** Signature name of the distribution family (e.g. Bernoulli, IGR_I). */
  readonly family: string;
  /** The family's entry of the signature table (ask it, never compare family names: stdlib/signatures/family-facts.ts). */
  readonly sig: DistributionSig;
  /** The family is a relaxation (its measure is `relaxed_*`): its density is taken from its log-space draw. */
  readonly relaxed: boolean;
  /** Reduces a per-element term to per-data-point totals (a batch axis) or to a scalar, as code. */
  perExample(code: string): string;
  /** Binds the node's value (`const <value> = code;`). */
  bindValue(code: string, comment?: string): void;
  /** Binds a per-pass quantity the surrogate reads back with `value(role)`; returns its identifier. */
  bind(role: string, code: string, comment?: string): string;
}

/** One objective evaluation, as a node's surrogate terms see it. */
export interface SurrogateContext extends CodeText {
  id(role: string): string;
  /**
   * 'single': one pass; `logq` and `signal` are tensors (per data point [B] when `perExample`, else scalars).
   * 'samples': `samples` independent passes; `logq`, `signal` and `value(role)` are arrays over passes (code of a
   * `tf.Tensor[]`). 'enumerated': the configurations of a joint enumeration; `logq` and `signal` are arrays over
   * configurations, `probs` their probabilities (`value(role)` is not available: only log q is collected).
   * 'iwae': under `maximize iwae(samples = k)`, the k importance samples of one evaluation; `logq` and
   * `value(role)` are tensors with a leading sample axis ([k, B, ...]; codegen/emit-iwae.ts), and `signal` is the
   * [k, B] tensor of log importance weights log p(x, z_i) − log q(z_i | x): NOT a loss (higher is better); the
   * bound itself is already differentiated pathwise through the weights (VIMCO builds its per-sample signals from
   * them).
   */
  readonly form: 'single' | 'samples' | 'enumerated' | 'iwae';
  /** log q of the node's draw (its `logq` binding), shaped to match `signal`. */
  readonly logq: string;
  /** The learning signal: the objective's loss (lower is better), per data point when `perExample`. */
  readonly signal: string;
  readonly perExample: boolean;
  /** Number of passes in the 'samples' form. */
  readonly samples: number;
  /** 'enumerated': code of the configurations' probabilities (a `tf.Tensor[]`). */
  readonly probs?: string;
  /** Identifier of the node's value in generated code (its draw's binding). */
  readonly nodeId: string;
  /** Every decision of the plan, in plan order (an estimator that shares work between its nodes finds its peers). */
  readonly decisions: readonly EstimatorDecision[];
  /** The identifier of another node's role (`id(role)` of that node). */
  idOf(node: string, role: string): string;
  /** Code of a node's value in this evaluation ('single' form). */
  valueOf(node: string): string;
  /** A quantity the node's `draw` bound with `bind(role, ...)`, in this evaluation (or an array over passes). */
  value(role: string): string;
  /**
   * 'single' only: statements that evaluate the model again with sampled nodes fixed to the given code (by source
   * name), and the learning signal there (same shape as `signal`); undefined in other forms. Only nodes whose
   * `draw` reads `cx.fixed` take the fixed value (the score-function family and joint enumeration do; pathwise
   * nodes draw afresh). The statements read only `batch`, `ctx`, `dims` and `s` (and the given code), so a module
   * may wrap them in a function of its own, e.g. `(zbar) => { ...lines; return signal; }` with `{ z: 'zbar' }`,
   * to take a gradient with respect to the fixed value (MuProp's Taylor term). Each call allocates fresh names.
   * A key containing `$` is an identifier from `idOf(node, role)`, passed as is: a per-role entry the node's draw
   * reads with `fixedRole(role)` (sgm names never contain `$`).
   */
  readonly evaluateAt?: (fixed: Readonly<Record<string, string>>) => {
    readonly lines: readonly string[];
    readonly signal: string;
    /** Code of a node's value in that evaluation. */
    readonly valueOf: (node: string) => string;
  };
  /** Reports a scalar tensor (code) in the step's metrics under `name`. */
  metric(name: string, code: string): void;
}

/** The `with` clause's signature: the signature-table entry of category 'estimator' without its fixed fields. */
export interface EstimatorSyntax {
  /** Other names accepted after `with` (e.g. `reparam` for pathwise). */
  readonly aliases?: readonly string[];
  /** One paragraph for docs/reference.md and the language server's hover. */
  readonly doc: string;
  /** The clause's options with their constraints, defaults and docs (empty: a bare `with name`). */
  readonly params: readonly ParamSig[];
}

/** How the graph page draws a node with this estimator: CSS colours and the legend's label. */
export interface EstimatorDisplay {
  readonly fill: string;
  readonly border: string;
  readonly label: string;
}

/** One gradient estimator (see the file comment). */
export interface EstimatorModule<K extends string = string> {
  /** The name after `with`; the plan's EstimatorKind. */
  readonly kind: K;
  /** One line for docs and the graph legend. */
  readonly summary: string;
  /**
   * Its run-time part keeps state the step's kernels do not show (an optimizer of its own, running averages, a
   * value read back from the step): the trainer must not record and replay a step of a model using it
   * (runtime/train/replay).
   */
  readonly statefulStep?: true;
  /** Its `with` clause: options with constraints, defaults and docs. */
  readonly syntax: EstimatorSyntax;
  /** Its colours and label on the graph page. */
  readonly display: EstimatorDisplay;

  /** The decision for a `with` clause naming this estimator, or undefined after reporting a diagnostic. */
  fromClause(facts: NodeFacts, clause: ResolvedCall): Decision | undefined;
  /** The automatic rule: a decision when this estimator is the right default for the node, tried in registry order. */
  automatic?(facts: NodeFacts): Decision | undefined;
  /** Why the estimator cannot serve this objective (undefined: it can). */
  objectiveProblem?(objective: ObjectivePlan): string | undefined;
  /** Why this decision cannot be generated next to the plan's other decisions (undefined: it can). */
  planProblem?(d: EstimatorDecision, all: readonly EstimatorDecision[]): string | undefined;
  /** Short form in the plan table (default: the kind). */
  label?(d: EstimatorDecision): string;
  /**
   * When the estimator makes a relaxed family's latent draw the DISCRETE variable the relaxation stands for (RELAX
   * over IGR draws H = h(y) of an IGR_I), the KL rule of that discrete guide against a one-hot categorical prior
   * (an id of stdlib/kl/register-all.ts) and its reason; the analysis then uses it instead of the pair table
   * (compiler/analysis/kl-plan.ts). Undefined: the latent keeps its family's KL.
   */
  discreteKl?(d: EstimatorDecision): { readonly rule: string; readonly reason: string } | undefined;

  create?(d: EstimatorDecision, cx: CreateContext): void;
  distributionOptions?(d: EstimatorDecision, family: string, sig: DistributionSig): Readonly<Record<string, string>>;
  draw(d: EstimatorDecision, cx: DrawContext): 'drawn' | 'summed_out';
  surrogate?(d: EstimatorDecision, cx: SurrogateContext): string[];
}

/** The top-level constant argument `name` of a call, when it is a number known at compile time. */
export function constantOption(call: ResolvedCall, name: string): number | undefined {
  const a = call.args.get(name);
  return a?.type.kind === 'tensor' && typeof a.type.constant === 'number' ? a.type.constant : undefined;
}

/**
 * Why the plan cannot generate a node whose extra evaluation (`what`, e.g. MuProp's mean-field pass) is generated for
 * a single pass of the objective per step: a neighbour drawing several samples, or a joint enumeration.
 */
export function singlePassPlanProblem(what: string, all: readonly EstimatorDecision[]): string | undefined {
  const multi = all.find((e) => e.samples > 1);
  if (multi) return `${what} is generated for one sample per step, but '${multi.node}' draws ${multi.samples}`;
  const joint = all.find((e) => e.enumeration?.mode === 'joint');
  if (joint) return `${what} is not generated inside the joint enumeration of '${joint.node}'`;
  return undefined;
}
