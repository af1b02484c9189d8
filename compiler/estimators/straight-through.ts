/**
 * Straight-through gradients: the forward pass uses the hard (one-hot, or discretized) value of a relaxation,
 * the backward pass the relaxed sample's gradient (Bengio et al. 2013, arXiv:1308.3432; with Gumbel-Softmax,
 * Jang et al. 2017, arXiv:1611.01144). A relaxation built with `hard = true` draws its hard form from `rsample`;
 * a relaxation without that parameter (the IGR family) has its own `rsampleStraightThrough` (the signature table
 * says which: stdlib/signatures/family-facts.ts). Nothing is added to the surrogate loss.
 */
import { familyNames, straightThroughByHardFlag } from '../../stdlib/signatures/index.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { EstimatorModule } from './estimator.js';

export const straightThrough: EstimatorModule<'straight_through'> = {
  kind: 'straight_through',
  summary: 'hard (one-hot) forward pass, relaxed backward pass',
  syntax: {
    doc: 'hard (one-hot) forward pass, relaxed backward pass',
    params: [],
  },
  display: { fill: '#2f7fc1', border: '#174a75', label: 'straight-through' },

  fromClause(f) {
    if (!f.dist.sig.straightThrough) {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, `straight-through needs a relaxation with a hard sample; ${f.dist.sig.name} is not one`, {
          label: 'no straight-through form',
          help: `relaxations: ${familyNames((d) => d.straightThrough).join(', ')}`,
        }),
      );
      return undefined;
    }
    return {
      node: f.node,
      distribution: f.distribution,
      samples: 1,
      estimator: 'straight_through',
      reason: 'requested with straight_through: one-hot forward pass, relaxed backward pass',
      overridden: true,
    };
  },

  automatic(f) {
    if (!f.dist.sig.hasRsample || !f.hard) return undefined;
    return { node: f.node, distribution: f.distribution, samples: 1, estimator: 'straight_through', reason: 'hard = true: one-hot forward pass, relaxed backward pass', overridden: false };
  },

  objectiveProblem(objective) {
    return objective.form === 'iwae' ? 'iwae needs reparameterized latents' : undefined;
  },

  distributionOptions(_d, _family, sig): Readonly<Record<string, string>> {
    return straightThroughByHardFlag(sig) ? { hard: 'true' } : {};
  },

  draw(d, cx) {
    const sampler = straightThroughByHardFlag(cx.sig) ? 'rsample' : 'rsampleStraightThrough';
    cx.bindValue(`${cx.q}.${sampler}(${cx.sampleArgs})`, `${d.estimator}: ${d.reason}`);
    return 'drawn';
  },
};
