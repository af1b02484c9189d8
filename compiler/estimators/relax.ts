/**
 * RELAX (Grathwohl, Choi, Wu, Roeder, Duvenaud 2018, arXiv:1711.00123, Algorithm 2): REBAR's estimator (rebar.ts)
 * with a learned control variate c_φ(z) = η · f(σ_λ(z)) + r_ρ(z), r_ρ one ReLU hidden layer, φ trained by the
 * gradient of the estimator's variance (runtime/estimators/relax.ts; docs/math.md section 11). Same families and
 * rules as rebar; never chosen automatically.
 */
import { constantOption, type EstimatorModule } from './estimator.js';
import { createEstimator, relaxationDecision, relaxationDraw, relaxationPlanProblem, relaxationSurrogate, runtimeOptions } from './rebar.js';

export const relax: EstimatorModule<'relax'> = {
  kind: 'relax',
  summary: 'RELAX: REBAR with a learned control-variate network, trained to minimise the variance',
  syntax: {
    doc: 'RELAX (Grathwohl et al. 2018): REBAR plus a learned control-variate network r_ρ(z), trained on the variance gradient (Bernoulli, OneHotCategorical)',
    params: [
      { name: 'hidden', kind: 'constant', constraint: 'positive_integer', optional: true, default: 50, doc: 'hidden units of the control-variate network (one ReLU layer)' },
      { name: 'temperature', kind: 'constant', constraint: 'positive', optional: true, default: 0.5, doc: 'initial temperature λ of the relaxation σ_λ' },
      { name: 'eta', kind: 'constant', constraint: 'real', optional: true, default: 1, doc: 'initial scale η of the relaxed objective in the control variate' },
      { name: 'lr', kind: 'constant', constraint: 'nonnegative', optional: true, default: 0.001, doc: 'Adam learning rate of η, log λ and the network on the variance gradient (0: keep them fixed)' },
    ],
  },
  display: { fill: '#c9a227', border: '#6e5812', label: 'RELAX (score function + learned control variate)' },

  fromClause(f, clause) {
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
    return `relax (${d.options?.hidden} hidden, λ ${d.options?.temperature})`;
  },

  create(d, cx) {
    cx.importRuntime('RelaxEstimator');
    const o = d.options ?? {};
    const options = runtimeOptions(d, cx).replace(/ }$/, `, hidden: ${cx.literal(Number(o.hidden))} }`);
    createEstimator(
      d,
      cx,
      `new RelaxEstimator(${cx.str(`relax/${d.node}`)}, ${cx.str(String(o.family))}, ${cx.literal(Number(o.size))}, ${cx.rng()}, ${options})`,
    );
  },

  draw: relaxationDraw,
  surrogate: relaxationSurrogate,
};
