/**
 * Straight-through gradients: the forward pass uses the hard (one-hot, or discretized) value of a relaxation,
 * the backward pass the relaxed sample's gradient (Bengio et al. 2013, arXiv:1308.3432; with Gumbel-Softmax,
 * Jang et al. 2017, arXiv:1611.01144). A relaxation built with `hard = true` draws its hard form from `rsample`;
 * the IGR family has its own `rsampleStraightThrough`. Nothing is added to the surrogate loss.
 */
import { makeDiagnostic } from '../diagnostics/make.js';
import type { EstimatorModule } from './estimator.js';

/** Families whose straight-through draw is `rsampleStraightThrough` rather than the hard form of `rsample`. */
const IGR_FAMILY = new Set(['IGR_I', 'IGR_SB', 'IGR_Planar']);

export const straightThrough: EstimatorModule<'straight_through'> = {
  kind: 'straight_through',
  summary: 'hard (one-hot) forward pass, relaxed backward pass',
  options: [],

  fromClause(f) {
    if (!f.dist.sig.straightThrough) {
      f.diagnostics.push(
        makeDiagnostic('SGM5001', f.clauseSpan, `straight-through needs a relaxation with a hard sample; ${f.dist.sig.name} is not one`, {
          label: 'no straight-through form',
          help: 'relaxations: IGR_I, IGR_SB, IGR_Planar, GumbelSoftmax, RelaxedBernoulli, GenGS',
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

  distributionOptions(_d, family): Readonly<Record<string, string>> {
    return IGR_FAMILY.has(family) ? {} : { hard: 'true' };
  },

  draw(d, cx) {
    const sampler = IGR_FAMILY.has(cx.family) ? 'rsampleStraightThrough' : 'rsample';
    cx.bindValue(`${cx.q}.${sampler}(${cx.sampleArgs})`, `${d.estimator}: ${d.reason}`);
    return 'drawn';
  },
};
