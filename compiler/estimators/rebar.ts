/**
 * REBAR (Tucker, Mnih, Maddison, Lawson, Sohl-Dickstein 2017, arXiv:1703.07370): the score function with the
 * relaxed objective η · f(σ_λ(z)) as control variate, drawn jointly with a conditional relaxed sample z̃ | b, η and
 * the temperature λ tuned by the gradient of the estimator's variance (runtime/estimators/rebar.ts; docs/math.md
 * section 11). Applies to Bernoulli and OneHotCategorical latents (a draw b = H(z) of logistic or Gumbel noise);
 * never chosen automatically. RELAX (relax.ts) is this module with a learned network added.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { DistributionType, ResolvedCall } from '../semantics/types.js';
import type { DistributionSig } from '../../stdlib/signatures/index.js';
import type { EstimatorDecision, OptionValue } from './decision.js';
import { constantOption, singlePassPlanProblem, type CreateContext, type Decision, type DrawContext, type EstimatorModule, type NodeFacts, type SurrogateContext } from './estimator.js';

/**
 * The noise of a family's draw b = H(z) (runtime relaxation-noise.ts), read from the signature table's support:
 * a discrete draw on {0, 1} is a thresholded logistic, a one-hot draw the argmax of Gumbel-perturbed logits. Other
 * supports have no such construction here.
 */
export function relaxationNoise(sig: DistributionSig): 'bernoulli' | 'categorical' | undefined {
  if (!sig.discrete || sig.hasRsample) return undefined;
  return sig.support === 'boolean' ? 'bernoulli' : sig.support === 'one_hot' ? 'categorical' : undefined;
}

/** The estimators whose relaxed value a later latent can take inside an earlier latent's control variate. */
const RELAXED_KINDS = new Set(['rebar', 'relax']);

/**
 * The help of SGM5001 for a score-function estimator on a GenGS latent. A truncated count is a categorical over its
 * cells with the value map cell → count, so the estimators defined on one-hot draws (REBAR, RELAX, MuProp) apply to
 * that form of the same discrete model; GenGS itself is reparameterized and needs none of them.
 */
export function truncatedCountHelp(kind: string): string {
  return (
    `for ${kind}, draw the cell one-hot: c ~ OneHotCategorical(logits = ...) with ${kind}, the count matmul(c, cells) ` +
    'with const cells: [n] = [0, 1, ..., n-1], prior logits log(pmf(Poisson(λ), n)); or drop the clause (pathwise)'
  );
}

/** The help of SGM5001 for a family the estimator does not apply to. */
function familyHelp(kind: string, f: NodeFacts): string {
  const sig = f.dist.sig;
  if (sig.relaxationFamily === 'gengs') return truncatedCountHelp(kind);
  if (sig.support === 'categorical_index') return `write OneHotCategorical(...) (the relaxation needs one-hot values), or use reinforce`;
  if (sig.hasRsample) return `${sig.name} is reparameterized: drop the clause (pathwise is the default)`;
  if (sig.suggestRelaxation) return `relax it with ${sig.suggestRelaxation}, or use reinforce (score function)`;
  return `use reinforce (score function) for ${sig.name}; ${kind} needs Bernoulli or OneHotCategorical`;
}

/**
 * The first latent drawn after this one in the same pass that is discrete and uses neither rebar nor relax (or,
 * with `anyDiscrete`, that is discrete at all: RELAX over IGR does not relax later latents).
 */
export function laterScoreFunctionNode(f: NodeFacts, anyDiscrete = false): { name: string; line: number } | undefined {
  const statements = f.model.statements;
  const at = statements.findIndex((s) => s.statement === f.statement);
  for (const cs of statements.slice(at + 1)) {
    const st = cs.statement;
    if (st.kind !== 'sample' || cs.role !== f.role) continue;
    const t = f.model.types.get(st.distribution);
    if (t?.kind !== 'distribution' || (t as DistributionType).sig.hasRsample) continue;
    const clause = st.estimator ? f.model.calls.get(st.estimator)?.name : undefined;
    if (anyDiscrete || !clause || !RELAXED_KINDS.has(clause)) return { name: st.target.text, line: f.model.file.position(st.span.start).line };
  }
  return undefined;
}

/** Elements of one data point's value: the product of the node's static dims after the batch axis. */
export function valuesPerPoint(f: NodeFacts): number {
  const shape = f.model.variables.get(f.node)?.shape ?? [];
  const dims = shape.filter((d, i) => !(i === 0 && typeof d !== 'number'));
  return dims.reduce((p: number, d) => p * (typeof d === 'number' ? d : 1), 1);
}

/** The options shared by rebar and relax, with their defaults (their modules' `syntax`). */
function relaxationOptions(clause: ResolvedCall): Record<string, OptionValue> {
  return {
    temperature: constantOption(clause, 'temperature') ?? 0.5,
    eta: constantOption(clause, 'eta') ?? 1,
    lr: constantOption(clause, 'lr') ?? 0.001,
  };
}

/**
 * The decision for a `with rebar` / `with relax` clause, or undefined after SGM5001: the family must be relaxable,
 * and every discrete latent drawn after it must also be relaxed (its relaxed value enters this control variate).
 */
export function relaxationDecision(kind: 'rebar' | 'relax', f: NodeFacts, clause: ResolvedCall, extra: Record<string, OptionValue>, what: string): Decision | undefined {
  const family = relaxationNoise(f.dist.sig);
  if (!family) {
    f.diagnostics.push(
      makeDiagnostic('SGM5001', f.clauseSpan, `${kind} does not apply to ${f.dist.sig.name}`, {
        label: `${kind} needs a Bernoulli or OneHotCategorical latent (a draw H(z) of logistic or Gumbel noise)`,
        help: familyHelp(kind, f),
      }),
    );
    return undefined;
  }
  const later = laterScoreFunctionNode(f);
  if (later) {
    f.diagnostics.push(
      makeDiagnostic('SGM5001', f.clauseSpan, `'${later.name}' (line ${later.line}) is drawn after '${f.node}' without a relaxation`, {
        label: `${kind}'s control variate of '${f.node}' evaluates the model with '${later.name}' relaxed; a score-function draw there would bias the gradient`,
        help: `give '${later.name}' 'with rebar' or 'with relax' too`,
      }),
    );
    return undefined;
  }
  const options: Record<string, OptionValue> = { ...relaxationOptions(clause), ...extra, family, size: valuesPerPoint(f) };
  return {
    node: f.node,
    distribution: f.distribution,
    samples: 1,
    estimator: kind,
    options,
    reason: `requested with ${kind}: ${what} (temperature ${options.temperature}, η ${options.eta}, tuned on the variance${options.lr === 0 ? ': off' : ''})`,
    overridden: true,
  };
}

/** Why the plan cannot generate a REBAR/RELAX node: its control variate is generated for a single pass per step. */
export function relaxationPlanProblem(kind: 'rebar' | 'relax', all: readonly EstimatorDecision[]): string | undefined {
  return singlePassPlanProblem(`${kind}'s control variate`, all);
}

/** `const <est> = new <Class>(...)` in create, its variables and its after-step update. */
export function createEstimator(d: EstimatorDecision, cx: CreateContext, construct: string): void {
  cx.setup(`const ${cx.id('estimator')} = ${construct}; // line ${d.line}: ${cx.comment(d.reason)}`);
  cx.variables(`...${cx.id('estimator')}.variables()`);
  cx.afterStep(`${cx.id('estimator')}.update();`);
}

/** Runtime RebarOptions (runtime/estimators/rebar.ts) from the decision: field name → code of its value. */
export function runtimeOptions(d: EstimatorDecision, cx: CreateContext): Record<string, string> {
  const o = d.options ?? {};
  const lr = Number(o.lr);
  return { temperature: cx.literal(Number(o.temperature)), eta: cx.literal(Number(o.eta)), learningRate: cx.literal(lr), tune: String(lr > 0) };
}

/** An object literal from field name → code of its value (in insertion order). */
export function objectCode(fields: Readonly<Record<string, string>>): string {
  return `{ ${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }`;
}

/** The draw: the estimator's sample of the node's logits (a relaxed value inside another latent's control variate). */
export function relaxationDraw(d: EstimatorDecision, cx: DrawContext): 'drawn' {
  const est = cx.id('estimator');
  const logits = cx.bind('logits', `${est}.logitsOf(${cx.q}, ${cx.sampleArgs})`, 'the logits the draw and the surrogate share');
  cx.bindValue(`${cx.fixed} ?? ${est}.sample(${logits}, ctx.rng)`, `${d.estimator}: ${d.reason}`);
  cx.bind('draw', cx.value);
  cx.importStdlib('logProbOfSample');
  // log q of the value (a relaxed value is scored by its log-mass formula: stdlib log-space.ts).
  cx.bind('logq', cx.perExample(`logProbOfSample(${cx.q}, ${cx.value})`), 'log q of the draw');
  return 'drawn';
}

/** The surrogate term: the estimator's surrogate with f at a relaxed value evaluated by evaluateAt. */
export function relaxationSurrogate(d: EstimatorDecision, cx: SurrogateContext): string[] {
  if (cx.form !== 'single' || !cx.evaluateAt) {
    throw new Error(`internal: ${d.estimator} of '${d.node}' needs a single-pass objective (got '${cx.form}')`);
  }
  const est = cx.id('estimator');
  const arg = cx.id('relaxed');
  const at = cx.evaluateAt({ [d.node]: arg });
  cx.metric(`${d.estimator}_eta_${cx.nodeId.replace(/\W/g, '')}`, `${est}.etaValue()`);
  cx.metric(`${d.estimator}_temperature_${cx.nodeId.replace(/\W/g, '')}`, `${est}.temperature()`);
  return [
    `loss = tf.add(loss, ${est}.surrogate({ logits: ${cx.value('logits')}, b: ${cx.value('draw')}, signal: ${cx.signal}, signalAt: (${arg}: tf.Tensor) => { // ${cx.comment(`${d.node}: ${d.reason}`)}`,
    ...at.lines.map((l) => `  ${l}`),
    `  return ${at.signal};`,
    `} })) as tf.Scalar;`,
  ];
}

export const rebar: EstimatorModule<'rebar'> = {
  kind: 'rebar',
  statefulStep: true,
  summary: 'REBAR: score function with the relaxed objective as control variate, tuned to minimise the variance',
  syntax: {
    doc: 'REBAR (Tucker et al. 2017): score function with the relaxed objective as control variate, η and λ tuned to minimise the variance (Bernoulli, OneHotCategorical)',
    params: [
      { name: 'temperature', kind: 'constant', constraint: 'positive', optional: true, default: 0.5, doc: 'initial temperature λ of the relaxation σ_λ' },
      { name: 'eta', kind: 'constant', constraint: 'real', optional: true, default: 1, doc: 'initial scale η of the control variate' },
      { name: 'lr', kind: 'constant', constraint: 'nonnegative', optional: true, default: 0.001, doc: 'Adam learning rate of η and log λ on the variance gradient (0: keep them fixed)' },
    ],
  },
  display: { fill: '#d1495b', border: '#7a1f2c', label: 'REBAR (score function + relaxed control variate)' },

  fromClause(f, clause) {
    return relaxationDecision('rebar', f, clause, {}, 'score function, control variate η·f(σ_λ(z)) with z̃ | b');
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'rebar evaluates a single-sample objective (use elbo)' : undefined;
  },

  planProblem(_d, all) {
    return relaxationPlanProblem('rebar', all);
  },

  label(d) {
    return `rebar (λ ${d.options?.temperature}, η ${d.options?.eta})`;
  },

  create(d, cx) {
    cx.importRuntime('RebarEstimator');
    createEstimator(d, cx, `new RebarEstimator(${cx.str(`rebar/${d.node}`)}, ${cx.str(String(d.options?.family))}, ${objectCode(runtimeOptions(d, cx))})`);
  },

  draw: relaxationDraw,
  surrogate: relaxationSurrogate,
};
