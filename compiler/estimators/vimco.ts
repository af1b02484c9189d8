/**
 * VIMCO (Mnih & Rezende 2016, arXiv:1602.06725, section 3): the multi-sample score function for
 * `maximize iwae(samples = k)`: each of the k draws' log q is weighted by its own learning signal, the bound minus
 * the bound with that draw replaced by the geometric mean of the others (runtime/estimators/vimco.ts;
 * docs/math.md section 11). The automatic choice for a discrete latent without relaxation under iwae with k ≥ 2,
 * which sgm rejected before (SGM5001): the k-sample bound needs per-sample signals, and a single-sample baseline
 * (EMA, NVIL) does not fit a signal shared by k draws.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { Decision, EstimatorModule, NodeFacts } from './estimator.js';
import { scoreFunctionDraw } from './score-draw.js';

function decision(f: NodeFacts, overridden: boolean): Decision {
  const k = f.objective.iwaeSamples ?? 1;
  const why = overridden ? 'requested with vimco' : `${f.dist.sig.name} has no reparameterized sampler under iwae(samples = ${k})`;
  return {
    node: f.node,
    distribution: f.distribution,
    samples: 1,
    estimator: 'vimco',
    reason: `${why}: VIMCO, the ${k}-sample score function with per-sample leave-one-out baselines (the left-out draw replaced by the geometric mean of the others; Mnih & Rezende 2016)`,
    overridden,
  };
}

/** Why VIMCO cannot serve the objective (undefined: it can). */
function problem(f: NodeFacts): string | undefined {
  if (f.objective.form !== 'iwae') return 'vimco estimates the gradient of maximize iwae(samples = k)';
  if ((f.objective.iwaeSamples ?? 1) < 2) return 'vimco needs iwae(samples = k) with k >= 2 (its baselines leave one sample out)';
  return undefined;
}

export const vimco: EstimatorModule<'vimco'> = {
  kind: 'vimco',
  summary: 'multi-sample score function for iwae with per-sample leave-one-out baselines (VIMCO)',
  syntax: {
    doc: 'multi-sample score function for maximize iwae(samples = k), k >= 2, with per-sample leave-one-out baselines (VIMCO: Mnih, Rezende 2016, arXiv:1602.06725)',
    params: [],
  },
  display: { fill: '#f4a259', border: '#96571c', label: 'multi-sample score function (VIMCO)' },

  fromClause(f) {
    const p = problem(f);
    if (p) {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, p, {
          label: 'vimco does not apply',
          help: f.objective.form === 'iwae' ? 'write maximize iwae(samples = 5)' : "write maximize iwae(samples = 5), or use 'with nvil' or 'with reinforce' under elbo",
        }),
      );
      return undefined;
    }
    return decision(f, true);
  },

  automatic(f) {
    if (f.dist.sig.hasRsample || problem(f)) return undefined;
    return decision(f, false);
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' && (objective.iwaeSamples ?? 1) >= 2 ? undefined : 'vimco needs maximize iwae(samples = k) with k >= 2';
  },

  draw(d, cx) {
    return scoreFunctionDraw(d, cx, 'VIMCO term');
  },

  surrogate(d, cx) {
    // The iwae objective's k samples: `signal` is the code of the log weights [k, B], `logq` of this node's log q [k, B].
    if (cx.form !== 'iwae') throw new Error(`internal: vimco in the '${cx.form}' form (the analysis rejects it)`);
    cx.importRuntime('vimcoScoreTerm');
    return [`loss = tf.add(loss, vimcoScoreTerm(${cx.signal}, ${cx.logq})) as tf.Scalar; // ${cx.comment(`${d.node}: ${d.reason}`)}`];
  },
};
