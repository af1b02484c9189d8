/**
 * The analysis stage (docs/math.md section 10): chooses, at compile time and with a reason, the gradient
 * estimator of every sampled node and the KL method of every latent, honours or rejects `with` and
 * `kl(z) = ...` overrides, and reports the static warnings (low-temperature Gumbel-Softmax, GenGS truncation
 * mass, score-function variance). Pure: reads the checked model and the signature table only.
 */
import { inRelaxationFamily } from '../../stdlib/signatures/index.js';
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type * as A from '../syntax/ast.js';
import { formatShape } from '../semantics/shape.js';
import { namesRead } from '../syntax/names-read.js';
import { truncationCells } from '../semantics/distribution-shapes.js';
import type { CheckedModel, DistributionType } from '../semantics/types.js';
import { constantArg, displayName, elementsPerEvaluation, supportSize } from './describe.js';
import { initialValue } from './initial-values.js';
import { chooseKl } from './kl-plan.js';
import { rejectObservedRelaxedCount } from './relaxed-count-scoring.js';
import type { EnumerationPlan, EstimatorDecision, EvaluatedNode, KlDecision, ObjectivePlan, Plan } from './plan.js';
import { ENUMERATION_LIMIT } from '../estimators/enumerate.js';
import type { NodeFacts } from '../estimators/estimator.js';
import { DEFAULT_EMA_DECAY } from '../estimators/reinforce.js';
import { ESTIMATORS, estimatorModule, estimatorNamed } from '../estimators/registry.js';
import { reconcileEnumeration } from './enumeration-with-score.js';
import { ENUMERATION_PRODUCT_LIMIT, flatEnumerationProblem, groupEnumerations, klOfTiled, mixtureComponentProblem, mixtureOf } from './enumeration-groups.js';
import { clauseFromOption, unknownOverrideTargets, type EstimatorOverrides } from './estimator-overrides.js';
import { perExampleObjective, Separability } from './separability.js';
import { tailMass64 } from './tail-mass.js';

export { DEFAULT_EMA_DECAY, ENUMERATION_LIMIT, ENUMERATION_PRODUCT_LIMIT };
/** GenGS truncation warning threshold (docs/math.md section 10 rule 4). */
export const TAIL_MASS_LIMIT = 1e-3;
/** Gumbel-Softmax temperature warning threshold (docs/math.md section 10 rule 4). */
export const LOW_TEMPERATURE = 0.05;

/** A `~` statement of the model with its distribution and role. */
export interface Sampled {
  readonly statement: A.Sample;
  readonly dist: DistributionType;
  readonly role: 'posterior' | 'prior' | 'likelihood' | 'sample';
}

/** Options of the analysis. */
export interface AnalysisOptions {
  /** Estimators chosen from outside the source, applied exactly as `with` clauses (estimator-overrides.ts). */
  readonly estimatorOverrides?: EstimatorOverrides;
  /** Most joint configurations of the variables enumerated per data point (their product of supports); default 4096. */
  readonly enumerationLimit?: number;
}

/** Runs the analysis on a checked, error-free model. */
export function analyze(model: CheckedModel, options: AnalysisOptions = {}): StageResult<Plan> {
  const diagnostics: Diagnostic[] = [];
  const line = (span: { start: number }) => model.file.position(span.start).line;
  const sampled: Sampled[] = [];
  for (const { statement, role } of model.statements) {
    if (statement.kind !== 'sample' || !role) continue;
    const dist = model.types.get(statement.distribution);
    if (dist?.kind === 'distribution') sampled.push({ statement, dist, role });
  }
  const elboObjective = isBareElbo(model);
  const objective = objectivePlan(model);

  let estimators: EstimatorDecision[] = [];
  const evaluated: EvaluatedNode[] = [];
  for (const s of sampled) {
    if (s.role === 'likelihood') rejectObservedRelaxedCount(model, s.statement, s.dist, diagnostics);
    if (s.role === 'prior' || s.role === 'likelihood') {
      evaluated.push({
        node: s.statement.target.text,
        distribution: displayName(s.dist),
        role: s.role,
        reason:
          s.role === 'prior'
            ? 'prior: evaluated by the KL term; sampled only by `sgm sample`'
            : 'observed: its log-likelihood is evaluated at the data',
        line: line(s.statement.span),
      });
      continue;
    }
    const decision = chooseEstimator(model, s, elboObjective, objective, diagnostics, estimators, options.estimatorOverrides);
    const via = decision && options.estimatorOverrides?.has(decision.node) ? { reason: `${decision.reason} (estimatorOverrides option)` } : {};
    if (decision) estimators.push({ ...decision, ...via, line: line(s.statement.span) });
  }
  const sampledLatents = sampled.filter((s) => s.role === 'posterior' || s.role === 'sample').map((s) => s.statement.target.text);
  unknownOverrideTargets(options.estimatorOverrides, sampledLatents, model.decl.name.span, diagnostics);

  estimators = groupEnumerations(model, estimators, { limit: options.enumerationLimit ?? ENUMERATION_PRODUCT_LIMIT, defaultDecay: DEFAULT_EMA_DECAY, perExample: objective.perExample }, diagnostics);
  estimators = reconcileEnumeration(model, estimators, DEFAULT_EMA_DECAY, diagnostics);

  const kl: KlDecision[] = [];
  for (const z of model.latents) {
    const q = sampled.find((s) => s.role === 'posterior' && s.statement.target.text === z);
    const p = sampled.find((s) => s.role === 'prior' && s.statement.target.text === z);
    if (!q || !p) continue;
    const decision = chooseKl(model, z, q, p, diagnostics);
    if (decision) kl.push(klOfTiled(decision, estimators));
  }
  staticWarnings(model, sampled, diagnostics);
  combinationErrors(model, objective, estimators, diagnostics);
  return { value: { estimators, kl, evaluated, objective }, diagnostics };
}

/** The form of the objective and whether it decomposes per data point. */
function objectivePlan(model: CheckedModel): ObjectivePlan {
  const e = model.objective?.expr;
  const call = e && (e.kind === 'call' || e.kind === 'ident') ? model.calls.get(e) : undefined;
  if (call?.name === 'elbo' && model.objective?.sense === 'maximize') {
    return { form: 'elbo', perExample: new Separability(model).modelSeparable() };
  }
  if (call?.name === 'iwae' && model.objective?.sense === 'maximize') {
    return { form: 'iwae', iwaeSamples: constantArg(call, 'samples') ?? 1, perExample: false };
  }
  return { form: 'expression', perExample: perExampleObjective(model) !== undefined };
}

/** Estimator combinations the code generator does not support, reported instead of miscompiled. */
function combinationErrors(model: CheckedModel, objective: ObjectivePlan, estimators: readonly EstimatorDecision[], diagnostics: Diagnostic[]): void {
  const at = (node: string) => {
    const st = model.statements.find((s) => s.statement.kind === 'sample' && s.statement.target.text === node && s.role !== 'prior');
    return st ? (st.statement as A.Sample).distribution.span : model.decl.name.span;
  };
  for (const e of estimators) {
    const problem = estimatorModule(e.estimator).objectiveProblem?.(objective);
    if (problem !== undefined) {
      diagnostics.push(
        makeDiagnostic('SGM5001', at(e.node), `${problem}; '${e.node}' uses ${e.estimator}`, {
          label: 'not pathwise',
          help: objective.form === 'iwae' ? "use a relaxation (IGR, GumbelSoftmax, GenGS), 'with vimco' under iwae(samples >= 2), or maximize elbo" : 'use a relaxation (IGR, GumbelSoftmax, GenGS) or maximize elbo',
        }),
      );
      continue;
    }
    const clash = estimatorModule(e.estimator).planProblem?.(e, estimators);
    if (clash !== undefined) diagnostics.push(makeDiagnostic('SGM5001', at(e.node), clash, { label: `${e.estimator} not generated here` }));
  }
}

/** `maximize elbo` (or `elbo()`), the objective whose per-data-point terms allow per-example enumeration. */
function isBareElbo(model: CheckedModel): boolean {
  const o = model.objective;
  if (o === undefined || o.sense !== 'maximize') return false;
  return (o.expr.kind === 'ident' && o.expr.name === 'elbo') || (o.expr.kind === 'call' && o.expr.callee.text === 'elbo' && o.expr.args.length === 0);
}

type Decision = Omit<EstimatorDecision, 'line'>;

/**
 * The estimator of a sampled node: the module its `with` clause names, else the first module of the registry
 * whose automatic rule accepts the node (compiler/estimators/registry.ts).
 */
function chooseEstimator(
  model: CheckedModel,
  s: Sampled,
  elboObjective: boolean,
  objective: ObjectivePlan,
  diagnostics: Diagnostic[],
  earlier: readonly EstimatorDecision[],
  overrides?: EstimatorOverrides,
): Decision | undefined {
  const { statement, dist } = s;
  // An estimatorOverrides entry (sgm compare) stands for a `with` clause on this statement and replaces a written one.
  const option = overrides?.get(statement.target.text);
  const clause = option ? clauseFromOption(statement.target.text, option, statement.distribution.span, diagnostics) : statement.estimator ? model.calls.get(statement.estimator) : undefined;
  if (option && !clause) return undefined; // an invalid option, already reported
  const hard = dist.call.args.get('hard');
  const facts: NodeFacts = {
    model,
    statement,
    dist,
    role: s.role === 'posterior' ? 'posterior' : 'sample',
    node: statement.target.text,
    distribution: displayName(dist),
    enumeration: enumerationFor(model, s, elboObjective, earlier),
    hard: hard?.type.kind === 'tensor' && hard.type.constant === true,
    objective,
    diagnostics,
    clauseSpan: option ? statement.distribution.span : (statement.estimator?.span ?? statement.distribution.span),
  };
  const named = clause ? estimatorNamed(clause.name) : undefined;
  if (clause && named) return named.fromClause(facts, clause);
  for (const m of ESTIMATORS) {
    const d = m.automatic?.(facts);
    if (d) return d;
  }
  return undefined;
}

/** The enumeration a node admits, or the reason it admits none. */
function enumerationFor(
  model: CheckedModel,
  s: Sampled,
  elboObjective: boolean,
  earlier: readonly EstimatorDecision[],
): EnumerationPlan | string {
  const sig = s.dist.sig;
  // A mixture's component index is enumerable when its mixture Categorical is (compiler/analysis/enumeration-groups.ts).
  const mixture = mixtureOf(s.dist);
  if (!sig.hasEnumerateSupport && !mixture) return `${sig.name} has ${sig.enumerationSize === 'infinite' ? 'infinite' : 'no enumerable'} support`;
  const k = supportSize(mixture ?? s.dist);
  if (k === undefined) return 'its number of values is not known at compile time';
  const shape = model.variables.get(s.statement.target.text)?.shape ?? null;
  const { count, batched } = elementsPerEvaluation(s.dist, shape);
  if (count === undefined) return `its shape ${formatShape(shape)} is not known at compile time`;
  const joint = earlier.find((d) => d.estimator === 'enumerate' && d.enumeration?.mode === 'joint');
  if (joint || (!batched && earlier.some((d) => d.estimator === 'enumerate'))) return `'${(joint ?? earlier.find((d) => d.estimator === 'enumerate'))!.node}' is already enumerated, and a variable without batch axis is enumerated alone`;
  if (batched) {
    if (count !== 1) return `${count} values per data point give ${k}^${count} configurations`;
    if (shape?.length === 0 || typeof shape?.[0] === 'number') return 'its batch axis is not its first axis';
    if (k > ENUMERATION_LIMIT) return `${k} values exceed the enumeration limit ${ENUMERATION_LIMIT}`;
    if (mixture) return mixtureComponentProblem(s.role, elboObjective) ?? { size: k, mode: 'tiled', component: true };
    if (s.role !== 'posterior') {
      // A flat model's variable is summed out of its loglik terms (compiler/analysis/enumeration-groups.ts).
      const problem = flatEnumerationProblem(model);
      return problem ?? { size: k, mode: 'tiled' };
    }
    if (!elboObjective) return 'a guide latent with a batch axis is enumerated per data point only under `maximize elbo`';
    // Read again by the guide (q(z | x, y)): summed out by tiling the batch, so later guide statements see every value.
    if (readLaterInGuide(model, s.statement)) return { size: k, mode: 'tiled' };
    return { size: k, mode: 'per_example' };
  }
  if (mixture) return `${sig.name}'s component is enumerated for a variable with a batch axis only`;
  const size = k ** count;
  if (size > ENUMERATION_LIMIT) return `${k}^${count} = ${size} configurations exceed the enumeration limit ${ENUMERATION_LIMIT}`;
  return { size, mode: 'joint' };
}

/** Whether a guide statement after `st` reads its variable. */
function readLaterInGuide(model: CheckedModel, st: A.Sample): boolean {
  const name = st.target.text;
  let after = false;
  for (const { statement, block } of model.statements) {
    if (statement === st) {
      after = true;
      continue;
    }
    if (!after || block !== 'guide') continue;
    const exprs = statement.kind === 'assign' ? [statement.value] : statement.kind === 'sample' ? [statement.distribution] : [];
    if (exprs.some((e) => namesRead(e).includes(name))) return true;
  }
  return false;
}

/** Low-temperature Gumbel-Softmax (SGM4005) and GenGS truncation mass at the initial parameters (SGM4006). */
function staticWarnings(model: CheckedModel, sampled: readonly Sampled[], diagnostics: Diagnostic[]): void {
  for (const s of sampled) {
    const call = s.dist.call;
    if (inRelaxationFamily(s.dist.sig, 'concrete')) {
      const tau = call.args.get('tau');
      const lowest = tau ? lowestTemperature(model, tau.expr) : undefined;
      if (lowest !== undefined && lowest < LOW_TEMPERATURE) {
        diagnostics.push(
          makeDiagnostic('SGM4005', tau!.span, `${s.dist.sig.name} at temperature ${lowest}`, {
            label: `below ${LOW_TEMPERATURE}: samples saturate and gradients vanish`,
            help: 'consider IGR_I / IGR_SB, whose Gaussian noise has lighter tails (IGR paper section 3)',
          }),
        );
      }
    }
    if (inRelaxationFamily(s.dist.sig, 'gengs')) genGsTailWarning(model, s, diagnostics);
  }
}

/** The smallest temperature a tau expression reaches: a constant, or a schedule's smaller endpoint. */
function lowestTemperature(model: CheckedModel, e: A.Expr): number | undefined {
  const t = model.types.get(e);
  if (t?.kind === 'tensor' && typeof t.constant === 'number') return t.constant;
  const call = e.kind === 'call' ? model.calls.get(e) : undefined;
  const ends = call?.args.get('endpoints')?.type;
  return ends?.kind === 'transition' ? Math.min(ends.from, ends.to) : undefined;
}

function genGsTailWarning(model: CheckedModel, s: Sampled, diagnostics: Diagnostic[]): void {
  const base = s.dist.call.args.get('base');
  const trunc = s.dist.call.args.get('trunc');
  if (base?.type.kind !== 'distribution' || !trunc) return;
  const params: Record<string, number> = {};
  for (const [name, a] of base.type.call.args) {
    const v = initialValue(model, a.expr);
    if (v === undefined) return; // depends on data or samples: unknown at compile time
    if (name === 'logits') params.probs = 1 / (1 + Math.exp(-v));
    else params[name] = v;
  }
  const logPmf = base.type.sig.count?.logPmf64(params); // the family's float64 pmf, from the table
  if (!logPmf) return;
  // Kept cells: lo..hi, or 0..n-2 plus the last cell n-1 that holds P(X >= n-1) (docs/math.md section 7), so the
  // folded mass of a one-sided truncation is 1 - P(X <= n-2).
  let low = 0;
  let high: number;
  if (trunc.type.kind === 'range') {
    low = trunc.type.low;
    high = trunc.type.high;
  } else {
    const n = truncationCells(trunc);
    if (n === undefined) return;
    high = n - 2;
  }
  const mass = tailMass64(logPmf, low, high);
  if (mass > TAIL_MASS_LIMIT) {
    diagnostics.push(
      makeDiagnostic('SGM4006', trunc.span, `the truncation folds ${mass.toPrecision(3)} of the probability mass into the edge cells`, {
        label: `at the initial parameters (${Object.entries(params).map(([k, v]) => `${k} = ${Number(v.toPrecision(4))}`).join(', ')})`,
        help: `increase trunc so that the folded mass stays below ${TAIL_MASS_LIMIT}`,
      }),
    );
  }
}
