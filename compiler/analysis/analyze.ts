/**
 * The analysis stage (docs/math.md section 10): chooses, at compile time and with a reason, the gradient
 * estimator of every sampled node and the KL method of every latent, honours or rejects `with` and
 * `kl(z) = ...` overrides, and reports the static warnings (low-temperature Gumbel-Softmax, GenGS truncation
 * mass, score-function variance). Pure: reads the checked model and the signature table only.
 */
import { familyNames, inRelaxationFamily } from '../../stdlib/signatures/index.js';
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type * as A from '../syntax/ast.js';
import { formatShape } from '../semantics/shape.js';
import { namesRead } from '../syntax/names-read.js';
import { truncationCells } from '../semantics/distribution-shapes.js';
import type { CheckedModel, DistributionType, ResolvedCall } from '../semantics/types.js';
import { constantArg, displayName, elementsPerEvaluation, supportSize } from './describe.js';
import { initialValue } from './initial-values.js';
import { chooseKl } from './kl-plan.js';
import { rejectObservedRelaxedCount } from './relaxed-count-scoring.js';
import type { EstimatorDecision, EvaluatedNode, KlDecision, ObjectivePlan, Plan } from './plan.js';
import { reconcileEnumeration } from './enumeration-with-score.js';
import { perExampleObjective, Separability } from './separability.js';
import { tailMass64 } from './tail-mass.js';

/** Largest number of configurations enumerated per objective evaluation (docs/math.md section 10 rule 2). */
export const ENUMERATION_LIMIT = 32;
/** Default decay of the exponential-moving-average baseline (Pyro's decaying average uses 0.90). */
export const DEFAULT_EMA_DECAY = 0.9;
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

/** Runs the analysis on a checked, error-free model. */
export function analyze(model: CheckedModel): StageResult<Plan> {
  const diagnostics: Diagnostic[] = [];
  const line = (span: { start: number }) => model.file.position(span.start).line;
  const sampled: Sampled[] = [];
  for (const { statement, role } of model.statements) {
    if (statement.kind !== 'sample' || !role) continue;
    const dist = model.types.get(statement.distribution);
    if (dist?.kind === 'distribution') sampled.push({ statement, dist, role });
  }
  const elboObjective = isBareElbo(model);

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
    const decision = chooseEstimator(model, s, elboObjective, diagnostics, estimators);
    if (decision) estimators.push({ ...decision, line: line(s.statement.span) });
  }

  estimators = reconcileEnumeration(model, estimators, DEFAULT_EMA_DECAY, diagnostics);

  const kl: KlDecision[] = [];
  for (const z of model.latents) {
    const q = sampled.find((s) => s.role === 'posterior' && s.statement.target.text === z);
    const p = sampled.find((s) => s.role === 'prior' && s.statement.target.text === z);
    if (!q || !p) continue;
    const decision = chooseKl(model, z, q, p, diagnostics);
    if (decision) kl.push(decision);
  }
  staticWarnings(model, sampled, diagnostics);
  const objective = objectivePlan(model);
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
  if (objective.form === 'iwae') {
    for (const e of estimators.filter((d) => d.estimator !== 'pathwise')) {
      diagnostics.push(
        makeDiagnostic('SGM5001', at(e.node), `iwae needs reparameterized latents; '${e.node}' uses ${e.estimator}`, {
          label: 'not pathwise',
          help: 'use a relaxation (IGR, GumbelSoftmax, GenGS) or maximize elbo',
        }),
      );
    }
  }
}

/** `maximize elbo` (or `elbo()`), the objective whose per-data-point terms allow per-example enumeration. */
function isBareElbo(model: CheckedModel): boolean {
  const o = model.objective;
  if (o === undefined || o.sense !== 'maximize') return false;
  return (o.expr.kind === 'ident' && o.expr.name === 'elbo') || (o.expr.kind === 'call' && o.expr.callee.text === 'elbo' && o.expr.args.length === 0);
}

type Decision = Omit<EstimatorDecision, 'line'>;

function chooseEstimator(model: CheckedModel, s: Sampled, elboObjective: boolean, diagnostics: Diagnostic[], earlier: readonly EstimatorDecision[]): Decision | undefined {
  const { statement, dist } = s;
  const node = statement.target.text;
  const distribution = displayName(dist);
  const sig = dist.sig;
  const base = { node, distribution, samples: 1 };
  const override = statement.estimator ? model.calls.get(statement.estimator) : undefined;
  const hard = dist.call.args.get('hard');
  const hardOn = hard?.type.kind === 'tensor' && hard.type.constant === true;
  const report = (code: 'SGM5001' | 'SGM5003', message: string, label: string, help?: string) =>
    diagnostics.push(makeDiagnostic(code, statement.estimator?.span ?? statement.distribution.span, message, { label, ...(help ? { help } : {}) }));
  const enumeration = enumerationFor(model, s, elboObjective, earlier);

  if (override) {
    switch (override.name) {
      case 'pathwise':
        if (!sig.hasRsample) {
          report('SGM5001', `pathwise gradients need a reparameterized sampler; ${sig.name} has none`, 'not reparameterizable', sig.suggestRelaxation ? `use ${sig.suggestRelaxation}` : undefined);
          return undefined;
        }
        return { ...base, estimator: 'pathwise', reason: 'requested with pathwise', overridden: true };
      case 'straight_through':
        if (!sig.straightThrough) {
          report('SGM5001', `straight-through needs a relaxation with a hard sample; ${sig.name} is not one`, 'no straight-through form', `relaxations: ${familyNames((d) => d.straightThrough).join(', ')}`);
          return undefined;
        }
        return { ...base, estimator: 'straight_through', reason: 'requested with straight_through: one-hot forward pass, relaxed backward pass', overridden: true };
      case 'enumerate':
        if (typeof enumeration === 'string') {
          report('SGM5003', `cannot enumerate '${node}': ${enumeration}`, 'enumeration not possible', sig.suggestRelaxation ? `or use ${sig.suggestRelaxation}` : undefined);
          return undefined;
        }
        return { ...base, estimator: 'enumerate', enumeration, reason: `requested with enumerate: exact sum over ${enumeration.size} configurations`, overridden: true };
      case 'reinforce': {
        const samples = constantArg(override, 'samples') ?? 1;
        const b = override.args.get('baseline');
        const bCall = b?.type.kind === 'directive' ? b.type.call : undefined;
        const baseline = (bCall?.name ?? (samples > 1 ? 'loo' : 'ema')) as 'ema' | 'loo' | 'none';
        if (baseline === 'loo' && samples < 2) {
          report('SGM5001', 'the leave-one-out baseline needs samples >= 2', 'loo with one sample', 'write reinforce(baseline = loo, samples = 4), or use baseline = ema(0.9)');
          return undefined;
        }
        const decay = baseline === 'ema' ? (bCall ? (constantArg(bCall, 'decay') ?? DEFAULT_EMA_DECAY) : DEFAULT_EMA_DECAY) : undefined;
        return {
          ...base,
          samples,
          estimator: 'reinforce',
          baseline,
          ...(decay === undefined ? {} : { decay }),
          reason: `requested with reinforce: score function, ${baselineText(baseline, decay)}${samples > 1 ? `, ${samples} samples` : ''}`,
          overridden: true,
        };
      }
    }
  }

  if (sig.hasRsample) {
    if (hardOn) return { ...base, estimator: 'straight_through', reason: 'hard = true: one-hot forward pass, relaxed backward pass', overridden: false };
    return { ...base, estimator: 'pathwise', reason: `${sig.name} has a reparameterized sampler`, overridden: false };
  }
  if (typeof enumeration !== 'string') {
    return {
      ...base,
      estimator: 'enumerate',
      enumeration,
      reason: `finite support: exact sum over ${enumeration.size} configurations${enumeration.mode === 'per_example' ? ' per data point' : ''} (limit ${ENUMERATION_LIMIT})`,
      overridden: false,
    };
  }
  const relax = sig.suggestRelaxation ? `; use ${sig.suggestRelaxation} for lower variance` : '';
  diagnostics.push(
    makeDiagnostic('SGM4007', statement.distribution.span, `'${node}' gets score-function (REINFORCE) gradients, which have high variance`, {
      label: `${sig.name} has no reparameterized sampler; ${enumeration}`,
      ...(sig.suggestRelaxation ? { help: `use ${sig.suggestRelaxation}, or silence this with 'with reinforce'` } : {}),
    }),
  );
  return {
    ...base,
    estimator: 'reinforce',
    baseline: 'ema',
    decay: DEFAULT_EMA_DECAY,
    reason: `discrete without relaxation and not enumerable (${enumeration}): score function, ${baselineText('ema', DEFAULT_EMA_DECAY)}${relax}`,
    overridden: false,
  };
}

function baselineText(b: 'ema' | 'loo' | 'none', decay: number | undefined): string {
  return b === 'ema' ? `EMA baseline (decay ${decay})` : b === 'loo' ? 'leave-one-out baseline' : 'no baseline';
}


/** The enumeration a node admits, or the reason it admits none. */
function enumerationFor(
  model: CheckedModel,
  s: Sampled,
  elboObjective: boolean,
  earlier: readonly EstimatorDecision[],
): { size: number; mode: 'joint' | 'per_example' } | string {
  const sig = s.dist.sig;
  if (!sig.hasEnumerateSupport) return `${sig.name} has ${sig.enumerationSize === 'infinite' ? 'infinite' : 'no enumerable'} support`;
  const k = supportSize(s.dist);
  if (k === undefined) return 'its number of values is not known at compile time';
  if (earlier.some((d) => d.estimator === 'enumerate')) return 'only one enumerated variable per model is supported';
  const shape = model.variables.get(s.statement.target.text)?.shape ?? null;
  const { count, batched } = elementsPerEvaluation(s.dist, shape);
  if (count === undefined) return `its shape ${formatShape(shape)} is not known at compile time`;
  if (batched) {
    if (count !== 1) return `${count} values per data point give ${k}^${count} configurations`;
    if (s.role !== 'posterior' || !elboObjective) return 'a variable with a batch axis is enumerated per data point only under `maximize elbo`';
    if (readLaterInGuide(model, s.statement)) return 'the guide reads it after sampling it (per-data-point enumeration sums it out of the generative part only)';
    if (k > ENUMERATION_LIMIT) return `${k} values exceed the enumeration limit ${ENUMERATION_LIMIT}`;
    return { size: k, mode: 'per_example' };
  }
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
