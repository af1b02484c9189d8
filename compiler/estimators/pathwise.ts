/**
 * Pathwise (reparameterization) gradients: the node is drawn with `rsample`, a differentiable function of its
 * parameters and parameter-free noise, so the objective's own gradient flows through the draw and nothing is
 * added to the surrogate loss (Kingma & Welling 2014, arXiv:1312.6114). The automatic choice for every family
 * with a reparameterized sampler (the relaxations IGR, Gumbel-Softmax, GenGS and the continuous families).
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { EstimatorModule } from './estimator.js';

export const pathwise: EstimatorModule<'pathwise'> = {
  kind: 'pathwise',
  summary: 'reparameterization gradient through rsample',
  syntax: {
    aliases: ['reparam'],
    doc: 'reparameterization gradient through rsample',
    params: [],
  },
  display: { fill: '#3a9d5d', border: '#1d5c33', label: 'pathwise (reparameterized)' },

  fromClause(f) {
    const sig = f.dist.sig;
    if (!sig.hasRsample) {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, `pathwise gradients need a reparameterized sampler; ${sig.name} has none`, {
          label: 'not reparameterizable',
          ...(sig.suggestRelaxation ? { help: `use ${sig.suggestRelaxation}` } : {}),
        }),
      );
      return undefined;
    }
    return { node: f.node, distribution: f.distribution, samples: 1, estimator: 'pathwise', reason: 'requested with pathwise', overridden: true };
  },

  automatic(f) {
    if (!f.dist.sig.hasRsample) return undefined;
    return { node: f.node, distribution: f.distribution, samples: 1, estimator: 'pathwise', reason: `${f.dist.sig.name} has a reparameterized sampler`, overridden: false };
  },

  draw(d, cx) {
    cx.bindValue(`${cx.q}.rsample(${cx.sampleArgs})`, `${d.estimator}: ${d.reason}`);
    return 'drawn';
  },
};
