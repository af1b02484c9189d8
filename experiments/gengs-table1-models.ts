/**
 * The models of the GenGS Table 1 comparison (experiments/gengs-table1.ts), generated from one template: a VAE on
 * binarized MNIST whose N = 32 latent dimensions each follow a count prior truncated to 0..trunc-1 (GenGS
 * Definition 1: the tail mass folded into the last cell), encoder 784-256 and decoder 32-256-784 (one hidden ReLU
 * layer each: models/gengs_poisson_vae.sgm's 784-512-256 / 32-256-512-784 cost 2.5× more per step, which the
 * shared 2-core machine could not give 72 runs).
 *
 * Two forms of the same discrete model:
 *  - the GenGS rows relax the count: `z ~ GenGS(...)` in guide and prior, the KL that of the truncated pmfs (GenGS
 *    appendix H). Explicit inference: the encoder outputs the count distribution's parameter (a Poisson rate, a
 *    Geometric success probability); implicit inference: logits over the truncated support (GenGS section 4.1);
 *  - the score-function rows (REINFORCE, NVIL, MuProp, VIMCO, REBAR, RELAX) draw the count's CELL as a one-hot
 *    vector `c ~ OneHotCategorical(logits = dense(h, [N, trunc]))` under the prior
 *    `OneHotCategorical(logits = log(pmf(prior, trunc)))` (the same truncated pmf) and feed the decoder the count
 *    `matmul(c, cells)` with cells = [0, 1, ..., trunc-1]. This is the discrete model of the GenGS rows with the
 *    implicit (categorical over the support) posterior. Why not `GenGS(...) with rebar`: REBAR, RELAX and MuProp
 *    are defined on Bernoulli and one-hot categorical draws (a GenGS latent is reparameterized, so sgm rejects the
 *    clause with SGM5001); a truncated count IS a categorical over its cells with a value map, which is what this
 *    form writes, so every baseline runs on the same footing (REINFORCE, NVIL and VIMCO accept GenGS too, but then
 *    six baselines would use two model forms).
 *
 * Truncation: 12 cells for the Poisson priors (folded tail P(X ≥ 11) = 1e-5 for λ = 2, 3e-4 for λ = 3), 26 for
 * Geometric(0.25) (0.75^25 = 7.5e-4; 12 cells would fold 4%, SGM4006). τ anneals 1 → 0.3 over the run (the
 * experiment replaces the template's 20,000 steps by the run's length, as experiments/count-vaes.ts does).
 */

/** A prior of the table. */
export interface Prior {
  readonly key: 'pois2' | 'pois3' | 'geom025';
  readonly label: string;
  /** The prior as an sgm distribution expression. */
  readonly expr: string;
  readonly trunc: number;
  /** Explicit inference: the guide's count distribution with its parameter from the encoder's last layer `h`. */
  readonly explicit: string;
}

export const PRIORS: readonly Prior[] = [
  // softplus + 0.001: a positive rate however negative the pre-activation (the +0.001 keeps λ away from 0, where the pmf is a point mass).
  { key: 'pois2', label: 'Poisson(2)', expr: 'Poisson(2)', trunc: 12, explicit: 'Poisson(softplus(dense(h, [N])) + 0.001)' },
  { key: 'pois3', label: 'Poisson(3)', expr: 'Poisson(3)', trunc: 12, explicit: 'Poisson(softplus(dense(h, [N])) + 0.001)' },
  // Geometric through logits: log p = log σ(ℓ) stays finite in float32 where probs = σ(ℓ) would round to 1.
  { key: 'geom025', label: 'Geometric(0.25)', expr: 'Geometric(probs = 0.25)', trunc: 26, explicit: 'Geometric(logits = dense(h, [N]))' },
];

/** An estimator of the table (a column of the paper's Table 1). */
export interface Estimator {
  readonly key: 'reinforce' | 'nvil' | 'muprop' | 'vimco' | 'rebar' | 'relax' | 'gengs_ex' | 'gengs_im';
  readonly label: string;
  /** Relative cost of a step (measured seconds per step on this machine, REINFORCE = 1). */
  readonly cost: number;
}

export const ESTIMATORS: readonly Estimator[] = [
  { key: 'reinforce', label: 'REINFORCE (EMA baseline)', cost: 1 },
  { key: 'nvil', label: 'NVIL', cost: 1.5 },
  { key: 'muprop', label: 'MuProp', cost: 1.5 },
  { key: 'vimco', label: 'VIMCO(5)', cost: 4.5 },
  { key: 'rebar', label: 'REBAR', cost: 3.6 },
  { key: 'relax', label: 'RELAX', cost: 4.4 },
  { key: 'gengs_ex', label: 'GenGS (explicit)', cost: 3.3 },
  { key: 'gengs_im', label: 'GenGS (implicit)', cost: 1.5 },
];

/** The GenGS paper's Table 1 (MNIST), test negative ELBO ± its spread, by prior and estimator (REINFORCE: RF*). */
export const PAPER: Readonly<Record<Prior['key'], Readonly<Record<Estimator['key'], string>>>> = {
  pois2: { reinforce: '122.81 ± 2.41 (RF*)', nvil: '129.34 ± 4.72', muprop: '125.43 ± 2.27', vimco: '122.55 ± 3.28', rebar: '123.44 ± 2.54', relax: '122.71 ± 1.92', gengs_ex: '103.18 ± 0.92', gengs_im: '96.04 ± 1.44' },
  pois3: { reinforce: '123.12 ± 2.21 (RF*)', nvil: '130.24 ± 3.32', muprop: '125.92 ± 1.81', vimco: '121.15 ± 2.57', rebar: '120.62 ± 2.31', relax: '119.84 ± 2.18', gengs_ex: '105.15 ± 1.71', gengs_im: '96.01 ± 1.27' },
  geom025: { reinforce: '127.90 ± 1.97 (RF*)', nvil: '135.90 ± 2.38', muprop: '137.90 ± 2.14', vimco: '127.21 ± 2.55', rebar: '135.12 ± 2.74', relax: '136.80 ± 3.06', gengs_ex: '98.43 ± 0.81', gengs_im: '92.52 ± 1.62' },
};

/** The paper's mean negative ELBO (for the rankings). */
export function paperMean(prior: Prior['key'], estimator: Estimator['key']): number {
  return Number.parseFloat(PAPER[prior][estimator]);
}

/** The model source for one cell, its τ schedule over `steps`. */
export function modelSource(prior: Prior, estimator: Estimator, steps: number): string {
  const tau = `tau = anneal(1.0 -> 0.3, steps = ${steps})`;
  const name = `gengs_t1_${prior.key}_${estimator.key}`;
  const head = [`model ${name}(N = 32, trunc = ${prior.trunc}) {`, '  data x: [B, 784]'];
  const encoder = '    h = mlp(x, [256], act = relu, out_act = relu)';
  const decoder = '    x ~ Bernoulli(logits = mlp(z, [256, 784], act = relu))';
  if (estimator.key === 'gengs_ex' || estimator.key === 'gengs_im') {
    const guide = estimator.key === 'gengs_ex' ? `GenGS(${prior.explicit}, trunc = trunc, ${tau})` : `GenGS(logits = dense(h, [N, trunc]), trunc = trunc, ${tau})`;
    return [
      ...head,
      '',
      '  guide {',
      encoder,
      `    z ~ ${guide}`,
      '  }',
      '',
      '  generative {',
      `    z ~ GenGS(${prior.expr}, trunc = trunc, ${tau}) : [N]`,
      decoder,
      '  }',
      '',
      '  maximize elbo',
      '}',
      '',
    ].join('\n');
  }
  const cells = Array.from({ length: prior.trunc }, (_, i) => i).join(', ');
  return [
    ...head,
    `  const cells: [${prior.trunc}] = [${cells}]`,
    '',
    '  guide {',
    encoder,
    `    c ~ OneHotCategorical(logits = dense(h, [N, trunc])) with ${estimator.key}`,
    '  }',
    '',
    '  generative {',
    `    c ~ OneHotCategorical(logits = log(pmf(${prior.expr}, trunc))) : [N, trunc]`,
    '    z = matmul(c, cells)',
    decoder,
    '  }',
    '',
    `  maximize ${estimator.key === 'vimco' ? 'iwae(samples = 5)' : 'elbo'}`,
    '}',
    '',
  ].join('\n');
}
