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

// The generator's relaxed Monte Carlo KL failures (issue 13 item 4): an IGR_SB prior whose support does not
// contain the guide's draws (stdlib/kl/support.ts; float64 check in test/stdlib/kl-support.test.ts).
describe('KL against an IGR_SB prior: the guide must stay inside its support (SGM5005)', () => {
  const sbPrior = (tau: string, extra = '') => `IGR_SB(zeros([K - 1]), 1, ${tau}${extra})`;
  const refused: Array<[string, string, string]> = [
    ['IGR_I guide', 'IGR_I(dense(x, [K - 1]), 1, tau)', sbPrior('tau')],
    ['IGR_Planar guide', 'IGR_Planar(dense(x, [K - 1]), 1, tau)', sbPrior('tau')],
    ['GumbelSoftmax guide', 'GumbelSoftmax(logits = dense(x, [K]), tau = tau)', sbPrior('tau')],
    ['IGR_SB guide at a smaller τ', 'IGR_SB(dense(x, [K - 1]), 1, tau)', sbPrior('2 * tau')],
    ['IGR_SB guide, prior δ smaller', 'IGR_SB(dense(x, [K - 1]), 1, tau)', sbPrior('tau', ', delta = 0.5')],
    ['IGR_SB guide, prior τ a ramp that starts above the guide\'s', 'IGR_SB(dense(x, [K - 1]), 1, tau)', sbPrior('ramp(1.0 -> 0.05, steps = 20)')],
  ];
  for (const [name, guide, prior] of refused) {
    it(`${name}: SGM5005`, () => {
      expect(plan(guide, prior).codes).toEqual(['SGM5005']);
      // Also when the KL is not summed out (kl(z) = mc) and under iwae: the draws are scored either way.
      expect(plan(guide, prior, '  kl(z) = mc(samples = 4)\n').codes).toEqual(['SGM5005']);
    });
  }

  it('names the reason and the fix', () => {
    const r = checkSource('m.sgm', model('GumbelSoftmax(logits = dense(x, [K]), tau = tau)', sbPrior('tau')));
    const d = r.diagnostics.find((x) => x.code === 'SGM5005');
    expect(d?.notes?.join(' ')).toMatch(/whole simplex.*KL = \+∞/);
    expect(d?.help).toMatch(/IGR_SB guide with the prior's τ and δ/);
  });

  it('accepts guides inside the support: same τ and δ (closed form), a smaller prior τ, a schedule ending above the prior τ', () => {
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, tau)', sbPrior('tau')).kl).toMatchObject({ method: 'closed_form', rule: 'igr-igr' });
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, tau)', sbPrior('tau / 2'))).toMatchObject({ codes: [], kl: { rule: 'generic-mc' } });
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, ramp(1.0 -> 0.5, steps = 20))', sbPrior('0.3'))).toMatchObject({ codes: [], kl: { rule: 'generic-mc' } });
    // An IGR_SB guide against full-support priors.
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, tau)', 'IGR_I(zeros([K - 1]), 1, tau)').codes).toEqual([]);
    expect(plan('IGR_SB(dense(x, [K - 1]), 1, tau)', 'GumbelSoftmax(probs = uniform(K), tau = tau)').codes).toEqual([]);
  });
});

describe('GenGS where a density would be needed', () => {
  const flat = (statement: string, data = 'data y: [B, 3]') => `model m(tau = 0.5) {
  ${data}
  data u: [B, 2]
  ${statement}
  maximize loglik(y)
}
`;
  const codes = (src: string) => checkSource('m.sgm', src).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

  it('a GenGS likelihood of data: SGM5006, with the base distribution as the fix', () => {
    const r = checkSource('m.sgm', flat('y ~ GenGS(base = Poisson(rate = softplus(dense(u, [3]))), trunc = 20, tau = tau)'));
    const d = r.diagnostics.find((x) => x.code === 'SGM5006');
    expect(d?.help).toContain("write 'y ~ Poisson(rate = softplus(dense(u, [3])))'");
    expect(codes(flat('y ~ GenGS(base = Multinomial(total_count = 1, logits = dense(u, [3, 2])), tau = 0.5)', 'data y: [B, 3, 2]'))).toEqual(['SGM5006']);
    const implicit = checkSource('m.sgm', flat('y ~ GenGS(trunc = 1..4, tau = tau, logits = dense(u, [3, 4]))'));
    expect(implicit.diagnostics.find((x) => x.code === 'SGM5006')?.help).toMatch(/Categorical\(logits = dense\(u, \[3, 4\]\)\)/);
    // The base itself is accepted.
    expect(codes(flat('y ~ Poisson(rate = softplus(dense(u, [3])))'))).toEqual([]);
  });

  const vae = (guide: string, prior: string, objective: string) => `model m(tau = 0.5) {
  data x: [B, 3]
  guide {
    z ~ ${guide}
  }
  generative {
    z ~ ${prior}
    x ~ Normal(mu = dense(z, [3]), sigma = 1)
  }
  maximize ${objective}
}
`;
  it('a soft GenGS latent under iwae is accepted (its draws are scored at their discrete cell, gen-gs.ts)', () => {
    const soft = 'GenGS(Multinomial(3, logits = dense(x, [3])), tau = tau)';
    const prior = 'GenGS(Multinomial(3, probs = uniform(3)), tau = tau)';
    expect(codes(vae(soft, prior, 'iwae(samples = 4)'))).toEqual([]);
    expect(codes(vae(soft, prior, 'elbo'))).toEqual([]);
  });
});
