/**
 * RELAX (Grathwohl, Choi, Wu, Roeder, Duvenaud 2018, arXiv:1711.00123, Algorithm 2): REBAR's estimator (rebar.ts)
 * with a learned control variate c_φ(z) = η · f(σ_λ(z)) + r_ρ(z), r_ρ one ReLU hidden layer, φ trained by the
 * gradient of the estimator's variance (runtime/estimators/relax.ts; docs/math.md section 11). Same families and
 * rules as rebar; never chosen automatically.
 *
 * On an IGR_I latent (`z ~ IGR_I(mu, sigma, tau) with relax`) it is RELAX over IGR (IGR paper appendix D): the
 * latent becomes the discrete variable the IGR relaxes and the IGR is the control variate's relaxation
 * (relax-igr.ts; docs/language.md, "Estimators").
 */
import { constantOption, type EstimatorModule } from './estimator.js';
import { createEstimator, objectCode, relaxationDecision, relaxationDraw, relaxationPlanProblem, relaxationSurrogate, runtimeOptions } from './rebar.js';
import { igrCreate, igrDraw, igrRelaxDecision, igrSurrogate, isIgrDecision, relaxesIgr } from './relax-igr.js';

export const relax: EstimatorModule<'relax'> = {
  kind: 'relax',
  statefulStep: true,
  summary: 'RELAX: REBAR with a learned control-variate network, trained to minimise the variance (on IGR_I: RELAX over IGR)',
  syntax: {
    doc: 'RELAX (Grathwohl et al. 2018): REBAR plus a learned control-variate network r_ρ(z), trained on the variance gradient (Bernoulli, OneHotCategorical; on IGR_I: RELAX over IGR, IGR paper appendix D)',
    params: [
      { name: 'hidden', kind: 'constant', constraint: 'positive_integer', optional: true, default: 50, doc: 'hidden units of the control-variate network r_ρ (one ReLU layer)' },
      { name: 'temperature', kind: 'constant', constraint: 'positive', optional: true, default: 0.5, doc: "initial temperature λ of the relaxation σ_λ (tuned); unused on IGR_I (its τ is the distribution's)" },
      { name: 'eta', kind: 'constant', constraint: 'real', optional: true, default: 1, doc: 'initial scale η of the relaxed objective in the control variate (tuned)' },
      { name: 'lr', kind: 'constant', constraint: 'nonnegative', optional: true, default: 0.001, doc: 'Adam learning rate of η, log λ and r_ρ on the variance gradient (0: keep them fixed)' },
      { name: 'nodes', kind: 'constant', constraint: 'positive_integer', optional: true, default: 64, doc: "IGR_I only (RELAX over IGR): Gauss-Legendre nodes of Proposition 2's quadrature (fewer: faster, accurate while σ_k/σ_j stays small)" },
    ],
  },
  display: { fill: '#c9a227', border: '#6e5812', label: 'RELAX (score function + learned control variate)' },

  fromClause(f, clause) {
    if (relaxesIgr(f)) return igrRelaxDecision(f, clause);
    const hidden = constantOption(clause, 'hidden') ?? 50;
    return relaxationDecision('relax', f, clause, { hidden }, `score function, control variate η·f(σ_λ(z)) + r(z) (${hidden} hidden units) with z̃ | b`);
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'relax evaluates a single-sample objective (use elbo)' : undefined;
  },

  planProblem(_d, all) {
    return relaxationPlanProblem('relax', all);
  },

  label(d) {
    return isIgrDecision(d) ? `relax over IGR (${d.options?.hidden} hidden)` : `relax (${d.options?.hidden} hidden, λ ${d.options?.temperature})`;
  },

  discreteKl(d) {
    return isIgrDecision(d)
      ? { rule: 'igr-discrete-categorical', reason: "the guide draws the discrete h(y) (relax over IGR): exact KL of Proposition 2's α(μ, σ) to the categorical prior (quadrature)" }
      : undefined;
  },

  create(d, cx) {
    if (isIgrDecision(d)) return igrCreate(d, cx);
    cx.importRuntime('RelaxEstimator');
    const o = d.options ?? {};
    const options = objectCode({ ...runtimeOptions(d, cx), hidden: cx.literal(Number(o.hidden)) });
    createEstimator(
      d,
      cx,
      `new RelaxEstimator(${cx.str(`relax/${d.node}`)}, ${cx.str(String(o.family))}, ${cx.literal(Number(o.size))}, ${cx.rng()}, ${options})`,
    );
  },

  draw(d, cx) {
    return isIgrDecision(d) ? igrDraw(d, cx) : relaxationDraw(d, cx);
  },

  surrogate(d, cx) {
    return isIgrDecision(d) ? igrSurrogate(d, cx) : relaxationSurrogate(d, cx);
  },
};
