// The KL plan's decisions for pairs of families (issue 13 items 4 and 5): which pairs have no KL (SGM5004), which
// get a closed form now (IGR_I across τ/δ, IGR_SB with ρ on one side, GenGS against a discrete prior).
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';

/** A one-latent model with the given guide and prior distributions for z (and an optional kl line). */
const model = (guide: string, prior: string, extra = '') => `model m(K = 4, tau = 0.1) {
  data x: [B, 3]
  guide {
    z ~ ${guide}
  }
  generative {
    z ~ ${prior}
    x ~ Normal(mu = dense(z, [3]), sigma = 1)
  }
${extra}  maximize elbo
}
`;

const plan = (guide: string, prior: string, extra = '') => {
  const r = checkSource('m.sgm', model(guide, prior, extra));
  return { codes: r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), kl: r.plans[0]?.kl.find((k) => k.latent === 'z') };
};

describe('KL pairs of the family table', () => {
  const noKl: Array<[string, string, string]> = [
    ['RelaxedBernoulli guide, Bernoulli prior', 'RelaxedBernoulli(logits = dense(x, [2]), tau = tau, hard = true)', 'Bernoulli(logits = zeros([2]))'],
    ['GumbelSoftmax guide, OneHotCategorical prior', 'GumbelSoftmax(logits = dense(x, [K]), tau = tau)', 'OneHotCategorical(probs = uniform(K))'],
    ['IGR_I guide, OneHotCategorical prior', 'IGR_I(dense(x, [K - 1]), 1, tau)', 'OneHotCategorical(probs = uniform(K))'],
    ['OneHotCategorical guide, GumbelSoftmax prior', 'OneHotCategorical(logits = dense(x, [K])) with reinforce', 'GumbelSoftmax(probs = uniform(K), tau = tau)'],
    ['Poisson guide, GenGS prior', 'Poisson(rate = softplus(dense(x, [1]))) with reinforce', 'GenGS(base = Poisson(rate = 3 * ones([1])), trunc = 12, tau = tau)'],
    ['RelaxedBernoulli guide, Uniform prior', 'RelaxedBernoulli(logits = dense(x, [2]), tau = tau)', 'Uniform(low = zeros([2]), high = ones([2]))'],
  ];
  for (const [name, guide, prior] of noKl) {
    it(`${name}: SGM5004`, () => {
      expect(plan(guide, prior).codes).toEqual(['SGM5004']);
    });
  }

  it('GenGS guide against its discrete base: the enumerated discrete KL, also when Monte Carlo is requested', () => {
    const g = 'GenGS(base = Poisson(rate = softplus(dense(x, [1]))), trunc = 12, tau = tau)';
    const p = 'Poisson(rate = 3 * ones([1]))';
    expect(plan(g, p)).toMatchObject({ codes: [], kl: { method: 'closed_form', rule: 'gengs-enumerated' } });
    expect(plan(g, p, '  kl(z) = mc(samples = 4)\n')).toMatchObject({ codes: [], kl: { method: 'closed_form', rule: 'gengs-enumerated', overridden: true } });
  });

  it('IGR_I at another τ or δ: closed form of the rescaled Gaussians; IGR_SB with ρ on one side: closed form', () => {
    expect(plan('IGR_I(dense(x, [K - 1]), 1, tau)', 'IGR_I(zeros([K - 1]), 1, 2 * tau, delta = 2)').kl).toMatchObject({ method: 'closed_form', rule: 'igr-i-rescaled' });
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, tau, rho = 0.9)', 'IGR_SB(zeros([K - 1]), 1, tau)').kl).toMatchObject({ method: 'closed_form', rule: 'igr-igr' });
    // IGR_SB at another τ has no affine relation: Monte Carlo, drawn and scored in log space.
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, tau)', 'IGR_SB(zeros([K - 1]), 1, tau / 2)').kl).toMatchObject({ method: 'mc', rule: 'generic-mc' });
  });
});
