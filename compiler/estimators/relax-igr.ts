/**
 * The IGR variant of the `relax` estimator (relax.ts): `z ~ IGR_I(mu, sigma, tau) with relax` makes the latent the
 * DISCRETE variable H = h(y), y ~ N(μ, σ²), that IGR_I relaxes (Proposition 1), with the mass α(μ, σ) of
 * Proposition 2, and estimates its gradient by RELAX with the IGR relaxation softmax++(y/τ) in the control variate
 * (IGR paper appendix D, eq. 39: Potapczynski, Loaiza-Ganem, Cunningham, "Invertible Gaussian Reparameterization:
 * Revisiting the Gumbel-Softmax", arXiv:1912.09588; runtime/estimators/relax-igr.ts). Its KL against a one-hot
 * categorical prior is the exact discrete KL of α(μ, σ) (stdlib/kl/igr-discrete-categorical.ts). Helpers of the
 * `relax` module, not a module of their own.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { ResolvedCall } from '../semantics/types.js';
import type { EstimatorDecision } from './decision.js';
import { constantOption, type CreateContext, type Decision, type DrawContext, type NodeFacts, type SurrogateContext } from './estimator.js';
import { createEstimator, laterScoreFunctionNode, objectCode, valuesPerPoint } from './rebar.js';

/** The decision option that marks the IGR variant. */
export const IGR_RELAXATION = 'igr';

/** The family's discrete mass is Proposition 2's (the signature table's `discreteMass`). */
export function relaxesIgr(f: NodeFacts): boolean {
  return f.dist.sig.discreteMass === 'igr_proposition2';
}

/** The decision of `with relax` on an IGR_I latent, or undefined after SGM5001. */
export function igrRelaxDecision(f: NodeFacts, clause: ResolvedCall): Decision | undefined {
  const later = laterScoreFunctionNode(f, true);
  if (later) {
    f.diagnostics.push(
      makeDiagnostic('SGM5001', f.clauseSpan, `'${later.name}' (line ${later.line}) is a discrete latent drawn after '${f.node}'`, {
        label: `relax over IGR evaluates its control variate with '${f.node}' relaxed and every later latent reparameterized`,
        help: `give '${later.name}' a relaxation (IGR, GumbelSoftmax), or draw it before '${f.node}'`,
      }),
    );
    return undefined;
  }
  const ignored = ['temperature'].filter((o) => clause.args.has(o));
  const shape = f.model.variables.get(f.node)?.shape ?? [];
  const k = shape[shape.length - 1];
  const values = valuesPerPoint(f);
  // The control network reads the Gaussian y: K − 1 coordinates per variable (the value has K).
  const size = typeof k === 'number' && k > 1 ? (values / k) * (k - 1) : values;
  const hidden = constantOption(clause, 'hidden') ?? 50;
  const eta = constantOption(clause, 'eta') ?? 1;
  const lr = constantOption(clause, 'lr') ?? 0.001;
  const nodes = constantOption(clause, 'nodes') ?? 64;
  return {
    node: f.node,
    distribution: f.distribution,
    samples: 1,
    estimator: 'relax',
    options: { relaxation: IGR_RELAXATION, hidden, eta, lr, nodes, size },
    reason:
      `requested with relax on ${f.dist.sig.name}: RELAX over IGR (IGR paper appendix D): the latent is the discrete h(y), y ~ N(μ, σ²), ` +
      `with Proposition 2's mass α(μ, σ) (${nodes}-node quadrature); score function in α plus the control variate η·f(softmax++(y/τ)) + r(y) (${hidden} hidden units) ` +
      `at the same y (η ${eta}, tuned on the variance${lr === 0 ? ': off' : ''})` +
      (ignored.length > 0 ? `; 'temperature' is not used (the relaxation's τ is the distribution's)` : ''),
    overridden: true,
  };
}

export function isIgrDecision(d: EstimatorDecision): boolean {
  return d.options?.relaxation === IGR_RELAXATION;
}

export function igrCreate(d: EstimatorDecision, cx: CreateContext): void {
  cx.importRuntime('RelaxIgrEstimator');
  const o = d.options ?? {};
  const options = objectCode({ hidden: cx.literal(Number(o.hidden)), eta: cx.literal(Number(o.eta)), learningRate: cx.literal(Number(o.lr)), nodes: cx.literal(Number(o.nodes)) });
  createEstimator(d, cx, `new RelaxIgrEstimator(${cx.str(`relax/${d.node}`)}, ${cx.literal(Number(o.size))}, ${cx.rng()}, ${options})`);
}

/** The draw: H from the IGR_I's μ and σ, and log α_H (Proposition 2) as the node's log q. */
export function igrDraw(d: EstimatorDecision, cx: DrawContext): 'drawn' {
  const est = cx.id('estimator');
  cx.bind('igr', `${est}.attach(${cx.q})`, 'the IGR_I whose μ, σ, τ and δ the surrogate reads; its KL shares the step\'s quadrature');
  cx.bindValue(`${cx.fixed} ?? ${est}.sample(${cx.q}, ${cx.sampleArgs})`, `relax: ${d.reason}`);
  cx.bind('draw', cx.value);
  cx.bind('logq', cx.perExample(`${est}.logProbOf(${cx.q}, ${cx.value})`), 'log α of the draw (Proposition 2)');
  return 'drawn';
}

export function igrSurrogate(d: EstimatorDecision, cx: SurrogateContext): string[] {
  if (cx.form !== 'single' || !cx.evaluateAt) {
    throw new Error(`internal: relax of '${d.node}' needs a single-pass objective (got '${cx.form}')`);
  }
  const est = cx.id('estimator');
  const q = cx.value('igr');
  const arg = cx.id('relaxed');
  const at = cx.evaluateAt({ [d.node]: arg });
  cx.metric(`relax_eta_${cx.nodeId.replace(/\W/g, '')}`, `${est}.etaValue()`);
  return [
    `loss = tf.add(loss, ${est}.surrogate({ mu: ${q}.mu, sigma: ${q}.sigma, tau: ${q}.tau, delta: ${q}.delta, b: ${cx.value('draw')}, signal: ${cx.signal}, signalAt: (${arg}: tf.Tensor) => { // ${cx.comment(`${d.node}: ${d.reason}`)}`,
    ...at.lines.map((l) => `  ${l}`),
    `  return ${at.signal};`,
    `} })) as tf.Scalar;`,
  ];
}
