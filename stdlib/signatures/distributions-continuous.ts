/**
 * The exact continuous distributions of the signature table (see distributions.ts for how the table is used and
 * how to add a distribution).
 */
import { mu, sigma } from './params.js';
import type { DistributionSig, ParamSig } from './types.js';

/** The fields every exact continuous family with a reparameterized sampler shares. */
const CONTINUOUS = {
  discrete: false,
  hasRsample: true,
  hasEnumerateSupport: false,
  relaxation: 'none',
  measure: 'density',
  straightThrough: false,
} as const;

const positive = (name: string, doc: string, aliases: string[] = []): ParamSig => ({ name, kind: 'tensor', constraint: 'positive', aliases, doc });
const loc: ParamSig = { name: 'loc', kind: 'tensor', constraint: 'real', aliases: ['mu', 'μ'], doc: 'location' };
/** Where the Gamma-based samplers' gradients come from. */
const IMPLICIT = 'implicit reparameterization gradients (Figurnov, Mohamed, Mnih 2018, arXiv:1805.08498)';

export const CONTINUOUS_DISTRIBUTIONS: readonly DistributionSig[] = [
  {
    name: 'Normal',
    aliases: ['Gaussian'],
    doc: 'Normal distribution N(mu, sigma^2), elementwise',
    cite: 'standard',
    params: [mu, sigma],
    support: 'real',
    event: { kind: 'elementwise' },
    discrete: false,
    hasRsample: true,
    hasEnumerateSupport: false,
    relaxation: 'none',
    measure: 'density',
    straightThrough: false,
  },
  {
    name: 'LogNormal',
    doc: 'exp of a Normal(mu, sigma^2), elementwise',
    cite: 'standard',
    params: [mu, sigma],
    support: 'positive',
    event: { kind: 'elementwise' },
    discrete: false,
    hasRsample: true,
    hasEnumerateSupport: false,
    relaxation: 'none',
    measure: 'density',
    straightThrough: false,
  },
  {
    name: 'Uniform',
    doc: 'continuous uniform on [low, high), elementwise',
    cite: 'standard',
    params: [
      { name: 'low', kind: 'tensor', constraint: 'real', doc: 'lower bound' },
      { name: 'high', kind: 'tensor', constraint: 'real', doc: 'upper bound (> low)' },
    ],
    support: 'real',
    event: { kind: 'elementwise' },
    discrete: false,
    hasRsample: true,
    hasEnumerateSupport: false,
    relaxation: 'none',
    measure: 'density',
    straightThrough: false,
  },
  {
    name: 'Gamma',
    doc: 'Gamma distribution with density rate^concentration x^(concentration-1) e^(-rate x) / Γ(concentration) on x > 0, elementwise (mean concentration/rate)',
    cite: `standard; Marsaglia & Tsang 2000 sampler; ${IMPLICIT}`,
    params: [positive('concentration', 'shape α > 0', ['alpha', 'α']), positive('rate', 'inverse scale β > 0 (broadcast with concentration)', ['beta', 'β'])],
    support: 'positive',
    event: { kind: 'elementwise' },
    example: 'rate ~ Gamma(concentration = softplus(dense(h, [D])) + 0.5, rate = softplus(dense(h, [D])) + 0.5)',
    ...CONTINUOUS,
  },
  {
    name: 'Beta',
    doc: 'Beta distribution with density x^(concentration1-1) (1-x)^(concentration0-1) / B on (0, 1), elementwise; drawn as G1/(G1 + G0) from two Gammas',
    cite: `standard; ${IMPLICIT}`,
    params: [
      positive('concentration1', 'a > 0, the exponent of x (mean a/(a + b))', ['alpha', 'α']),
      positive('concentration0', 'b > 0, the exponent of 1 - x', ['beta', 'β']),
    ],
    support: 'unit_interval',
    event: { kind: 'elementwise' },
    example: 'p ~ Beta(2, 2) : [1]',
    ...CONTINUOUS,
  },
  {
    name: 'Dirichlet',
    doc: 'Dirichlet distribution on the simplex over the last axis of concentration; drawn as normalised Gammas (in log space)',
    cite: `standard; ${IMPLICIT}`,
    params: [positive('concentration', 'α > 0, shape [..., K]', ['alpha', 'α'])],
    support: 'simplex',
    event: { kind: 'vector', from: ['concentration'] },
    example: 'theta ~ Dirichlet(softplus(dense(log1p(x), [K])) + 0.1)',
    ...CONTINUOUS,
  },
  {
    name: 'Exponential',
    doc: 'Exponential distribution with density rate e^(-rate x) on x ≥ 0, elementwise; drawn by inversion',
    cite: 'standard',
    params: [positive('rate', 'rate λ > 0 (mean 1/λ)', ['lambda', 'λ'])],
    support: 'positive',
    event: { kind: 'elementwise' },
    example: 'level ~ Exponential(rate = softplus(dense(h, [D])) + 0.5)',
    ...CONTINUOUS,
  },
  {
    name: 'Laplace',
    doc: 'Laplace distribution with density exp(-|x - loc|/scale) / (2 scale), elementwise; drawn by inversion',
    cite: 'standard',
    params: [loc, positive('scale', 'scale b > 0 (broadcast with loc)', ['b'])],
    support: 'real',
    event: { kind: 'elementwise' },
    example: 'z ~ Laplace(dense(h, [Z]), softplus(dense(h, [Z])) + 0.01)',
    ...CONTINUOUS,
  },
  {
    name: 'StudentT',
    doc: "Student's t with df degrees of freedom, shifted by loc and scaled by scale, elementwise; drawn as loc + scale ε/√(V/df), V ~ χ²(df) = 2 Gamma(df/2), so df's gradient is an implicit one",
    cite: `standard; ${IMPLICIT} for df`,
    params: [
      positive('df', 'degrees of freedom ν > 0', ['nu', 'ν']),
      { ...loc, optional: true, default: 0 },
      { ...positive('scale', 'scale σ > 0', ['sigma', 'σ']), optional: true, default: 1 },
    ],
    support: 'real',
    event: { kind: 'elementwise' },
    example: 'x ~ StudentT(df = 4, loc = dense(z, [D]), scale = s + 0.1)',
    ...CONTINUOUS,
  },
  {
    name: 'HalfNormal',
    doc: 'the absolute value of a Normal(0, scale^2), elementwise (mean scale √(2/π))',
    cite: 'standard',
    params: [positive('scale', 'scale σ > 0 of the folded Normal', ['sigma', 'σ'])],
    support: 'positive',
    event: { kind: 'elementwise' },
    example: 's ~ HalfNormal(softplus(dense(h, [1])) + 0.01)',
    ...CONTINUOUS,
  },
  {
    name: 'MultivariateNormal',
    aliases: ['MultivariateNormalTriL'],
    doc: 'multivariate Normal N(loc, L Lᵀ) over the last axis, with L = scale_tril the lower-triangular Cholesky factor of the covariance (torch\'s scale_tril form; TFP\'s MultivariateNormalTriL); drawn as loc + L ε',
    cite: 'standard',
    params: [
      { ...loc, doc: 'mean, shape [..., D]' },
      { name: 'scale_tril', kind: 'tensor', constraint: 'lower_cholesky', doc: 'Cholesky factor L, shape [..., D, D]: only the lower triangle is read, its diagonal must be non-zero (positive by convention, e.g. exp or softplus of a network output)' },
    ],
    support: 'real',
    event: { kind: 'vector', from: ['loc'], matrix: 'scale_tril' },
    example: 'z ~ MultivariateNormal(loc = dense(h, [Z]), scale_tril = eye + 0.1 * dense(h, [Z, Z]))',
    ...CONTINUOUS,
  },
  {
    name: 'MultivariateNormalDiag',
    doc: 'multivariate Normal N(loc, diag(scale_diag²)) over the last axis: Normal(loc, scale_diag) as one event of D coordinates (TFP\'s name; torch writes Independent(Normal(loc, scale), 1))',
    cite: 'standard',
    params: [{ ...loc, doc: 'mean, shape [..., D]' }, positive('scale_diag', 'standard deviations s > 0, broadcast to the shape of loc')],
    support: 'real',
    event: { kind: 'vector', from: ['loc'] },
    example: 'z ~ MultivariateNormalDiag(loc = zeros([Z]), scale_diag = 1)',
    ...CONTINUOUS,
  },
  {
    name: 'MixtureSameFamily',
    doc:
      'mixture of K components of one continuous family (torch.distributions.MixtureSameFamily): the components\' last batch axis ' +
      '(the last axis of Normal\'s parameters, the one before D of a vector family) holds the K components, summed out in log space ' +
      'against the mixture Categorical. Drawn by picking a component then drawing from it: not reparameterized through the choice, so ' +
      'a guide latent with one mixture per data point under maximize elbo has its component enumerated (each component drawn pathwise, ' +
      'weighted by its probability), elsewhere score-function gradients; as a likelihood of observed data it is the exact marginal',
    cite: 'standard (torch.distributions.MixtureSameFamily, TFP MixtureSameFamily)',
    params: [
      { name: 'mixture', kind: 'distribution', aliases: ['mixture_distribution'], doc: 'Categorical(logits | probs) over the K components, shape [..., K]' },
      {
        name: 'components',
        kind: 'distribution',
        aliases: ['component_distribution'],
        doc: 'a continuous family whose last batch axis is K, e.g. Normal(means [K], scales) or MultivariateNormalDiag(means [K, D], scales)',
      },
    ],
    // 'real' is the sign fact that holds for every continuous component family; the data check admits finite reals.
    support: 'real',
    event: { kind: 'mixture' },
    example: 'x ~ MixtureSameFamily(Categorical(logits = w), MultivariateNormalDiag(means, exp(log_scales)))',
    ...CONTINUOUS,
    // The component choice is discrete: no pathwise draw exists; the plan enumerates the component of a guide latent
    // (rsampleComponent, compiler/analysis/enumeration-groups.ts) or gives it REINFORCE (warning SGM4007).
    hasRsample: false,
  },
];
