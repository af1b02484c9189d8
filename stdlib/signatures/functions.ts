/**
 * The built-in functions of the language, as data: parameters, where they may be used, and the shape rule
 * the checker applies (compiler/semantics/shape-rules.ts). The runtime implements each by the same name.
 */
import { fitPriorFamilies } from './family-facts.js';
import { ACTIVATIONS, type FunctionSig, type ParamSig } from './types.js';

const x: ParamSig = { name: 'x', kind: 'tensor', doc: 'input tensor' };
const axis: ParamSig = {
  name: 'axis',
  kind: 'constant',
  constraint: 'integer',
  optional: true,
  doc: 'axis to reduce (negative counts from the end); all axes when omitted',
};
const unary = (name: string, doc: string, aliases?: string[]): FunctionSig => ({
  name,
  ...(aliases ? { aliases } : {}),
  doc,
  category: 'elementwise',
  params: [x],
  shape: 'elementwise',
});
const reduction = (name: string, doc: string): FunctionSig => ({
  name,
  doc,
  category: 'reduction',
  params: [x, axis],
  shape: 'reduce',
});
const schedule = (name: string, doc: string, kinds: string[]): FunctionSig => ({
  name,
  doc,
  category: 'schedule',
  shape: 'schedule',
  params: [
    { name: 'endpoints', kind: 'transition', doc: 'start -> end values' },
    { name: 'steps', kind: 'constant', constraint: 'positive_integer', doc: 'number of training steps of the change' },
    { name: 'kind', kind: 'choice', choices: kinds, optional: true, default: kinds[0], doc: 'interpolation' },
    {
      name: 'start',
      kind: 'constant',
      constraint: 'nonnegative_integer',
      optional: true,
      default: 0,
      doc: 'training step at which the change begins',
    },
  ],
});
const activation: ParamSig = {
  name: 'act',
  kind: 'activation',
  optional: true,
  choices: ACTIVATIONS,
  aliases: ['activation'],
  doc: 'activation function',
};

/** Every built-in function of the language. */
export const FUNCTIONS: readonly FunctionSig[] = [
  // ── layers: each call site owns its weights (named after the statement) ─────────────────────────
  {
    name: 'dense',
    aliases: ['linear'],
    doc: 'affine layer x W + b; `units` is the output shape of the trailing axes, e.g. [N, K - 1]',
    category: 'layer',
    params: [
      x,
      { name: 'units', kind: 'int_list', doc: 'output size, or output shape of the trailing axes' },
      { ...activation, default: 'identity' },
      { name: 'bias', kind: 'constant', constraint: 'boolean', optional: true, default: true, doc: 'add a bias' },
    ],
    shape: 'dense',
  },
  {
    name: 'mlp',
    doc: 'stack of dense layers with `act` between layers; the last layer uses `out_act` (default identity, so logits stay linear)',
    category: 'layer',
    params: [
      x,
      { name: 'sizes', kind: 'int_list', doc: 'output size of every layer, e.g. [512, 256]' },
      { ...activation, default: 'relu' },
      { ...activation, name: 'out_act', aliases: [], default: 'identity', doc: 'activation of the last layer' },
    ],
    shape: 'mlp',
  },
  {
    name: 'matmul',
    doc: 'matrix product over the last axis of x and the first axis of y: [..., n, k] x [k, m] -> [..., n, m]',
    category: 'elementwise',
    params: [x, { name: 'y', kind: 'tensor', doc: 'right operand [k, m] or [k]' }],
    shape: 'matmul',
  },
  // ── elementwise ───────────────────────────────────────────────────────────────────────────────
  unary('exp', 'e^x'),
  unary('log', 'natural logarithm', ['ln']),
  unary('log1p', 'log(1 + x), accurate near 0'),
  unary('expm1', 'e^x - 1, accurate near 0'),
  unary('abs', 'absolute value'),
  unary('sqrt', 'square root'),
  unary('square', 'x^2'),
  unary('relu', 'max(x, 0)'),
  unary('elu', 'exponential linear unit'),
  unary('leaky_relu', 'max(x, 0.2 x)'),
  unary('softplus', 'log(1 + e^x), computed stably'),
  unary('sigmoid', '1 / (1 + e^-x)'),
  unary('log_sigmoid', 'log sigmoid(x), computed stably'),
  unary('logit', 'log(x / (1 - x))'),
  unary('tanh', 'hyperbolic tangent'),
  unary('lgamma', 'log Γ(x)'),
  unary('stop_gradient', 'the value of x with no gradient flowing back', ['detach']),
  {
    name: 'softmax',
    doc: 'softmax along an axis (default last)',
    category: 'elementwise',
    params: [x, { ...axis, default: -1, doc: 'axis (default -1)' }],
    shape: 'softmax',
  },
  {
    name: 'log_softmax',
    doc: 'log softmax along an axis (default last)',
    category: 'elementwise',
    params: [x, { ...axis, default: -1, doc: 'axis (default -1)' }],
    shape: 'softmax',
  },
  {
    name: 'clip',
    doc: 'clamps x to [low, high]',
    category: 'elementwise',
    params: [
      x,
      { name: 'low', kind: 'constant', doc: 'lower bound' },
      { name: 'high', kind: 'constant', doc: 'upper bound' },
    ],
    shape: 'elementwise',
  },
  {
    name: 'minimum',
    doc: 'elementwise minimum of two tensors',
    category: 'elementwise',
    params: [x, { name: 'y', kind: 'tensor', doc: 'second tensor' }],
    shape: 'elementwise',
  },
  {
    name: 'maximum',
    doc: 'elementwise maximum of two tensors',
    category: 'elementwise',
    params: [x, { name: 'y', kind: 'tensor', doc: 'second tensor' }],
    shape: 'elementwise',
  },
  // ── reductions ────────────────────────────────────────────────────────────────────────────────
  reduction('sum', 'sum over an axis (or all)'),
  reduction('mean', 'mean over an axis (or all)'),
  reduction('max', 'maximum over an axis (or all)'),
  reduction('min', 'minimum over an axis (or all)'),
  reduction('logsumexp', 'log Σ e^x over an axis (or all), computed stably'),
  {
    name: 'argmax',
    doc: 'index of the largest entry along an axis (default last); no gradient',
    category: 'reduction',
    params: [x, { ...axis, default: -1, doc: 'axis (default -1)' }],
    shape: 'argmax',
  },
  // ── shape ─────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'flatten',
    doc: 'keeps the first (batch) axis and flattens the rest: [B, N, K] -> [B, N*K]',
    category: 'shape',
    params: [x],
    shape: 'flatten',
  },
  {
    name: 'reshape',
    doc: 'reshapes the non-batch axes: a leading named dimension (B) is kept',
    category: 'shape',
    params: [x, { name: 'shape', kind: 'int_list', doc: 'new shape of the axes after the batch axis' }],
    shape: 'reshape',
  },
  {
    name: 'concat',
    doc: 'concatenates tensors along an axis (default last); tensors must agree on every other axis',
    category: 'shape',
    params: [{ ...axis, default: -1, doc: 'axis (default -1); named argument only' }],
    variadic: true,
    shape: 'concat',
  },
  {
    name: 'split',
    doc: 'splits x into `parts` equal pieces along an axis (default last): a, b = split(h, 2)',
    category: 'shape',
    params: [
      x,
      { name: 'parts', kind: 'constant', constraint: 'positive_integer', doc: 'number of equal pieces' },
      { ...axis, default: -1, doc: 'axis (default -1)' },
    ],
    shape: 'split',
  },
  // ── constructors ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'uniform',
    doc: 'the uniform probability vector of length K',
    category: 'constructor',
    params: [{ name: 'K', kind: 'constant', constraint: 'positive_integer', doc: 'number of categories' }],
    shape: 'uniform',
  },
  {
    name: 'one_hot',
    doc: 'one-hot encoding of integer indices: [...] -> [..., K]',
    category: 'constructor',
    params: [
      { name: 'indices', kind: 'tensor', constraint: 'nonnegative_integer', doc: 'integer indices' },
      { name: 'K', kind: 'constant', constraint: 'positive_integer', doc: 'number of categories' },
    ],
    shape: 'one_hot',
  },
  {
    name: 'zeros',
    doc: 'a tensor of zeros of a given shape',
    category: 'constructor',
    params: [{ name: 'shape', kind: 'int_list', doc: 'shape' }],
    shape: 'fill',
  },
  {
    name: 'ones',
    doc: 'a tensor of ones of a given shape',
    category: 'constructor',
    params: [{ name: 'shape', kind: 'int_list', doc: 'shape' }],
    shape: 'fill',
  },
  {
    name: 'pmf',
    doc: 'probabilities of 0..n-1 under a count distribution, the tail mass P(X >= n-1) in the last cell (GenGS Definition 1)',
    category: 'constructor',
    params: [
      { name: 'dist', kind: 'distribution', doc: 'a count distribution: Poisson, Binomial, Geometric, NegativeBinomial' },
      { name: 'n', kind: 'constant', constraint: 'positive_integer', doc: 'number of cells' },
    ],
    shape: 'pmf',
  },
  // ── parameter initialisers ────────────────────────────────────────────────────────────────────
  {
    name: 'randn',
    doc: 'param initialiser: independent N(0, std^2) entries',
    category: 'init',
    params: [{ name: 'std', kind: 'constant', constraint: 'positive', optional: true, default: 0.01, doc: 'standard deviation' }],
    shape: 'scalar',
  },
  // ── priors ────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'fit_prior',
    doc: 'an IGR prior whose Gaussian parameters are moment-matched to a discrete target (fitted once, cached)',
    category: 'prior',
    params: [
      { name: 'family', kind: 'family', choices: fitPriorFamilies(), doc: 'the IGR family of the posterior' },
      { name: 'target', kind: 'distribution', doc: 'the discrete target, e.g. Categorical(uniform(K))' },
      {
        name: 'tau',
        kind: 'constant',
        schedule: true,
        constraint: 'positive',
        aliases: ['τ', 'temperature'],
        doc: 'temperature: a constant, or a schedule (anneal, ramp), for which the prior is moment-matched at the current τ',
      },
      { name: 'delta', kind: 'constant', constraint: 'positive', optional: true, default: 1, aliases: ['δ'], doc: 'softmax++ δ' },
      {
        name: 'fit_tau',
        kind: 'constant',
        constraint: 'positive',
        optional: true,
        doc: 'temperature of the moment-matching fit (default: tau); the IGR authors fit at 0.01, where the relaxed mean is the recovered discrete distribution',
      },
    ],
    shape: 'distribution',
  },
  // ── schedules ─────────────────────────────────────────────────────────────────────────────────
  schedule('anneal', 'a value moving from a to b over `steps` training steps (exponential by default), then held', ['exp', 'linear']),
  schedule('ramp', 'a value moving linearly from a to b over `steps` training steps, then held', ['linear']),
  // ── objective terms ───────────────────────────────────────────────────────────────────────────
  {
    name: 'elbo',
    doc: 'evidence lower bound: Σ loglik(observed) - Σ kl(latents), averaged over the batch',
    category: 'objective',
    params: [],
    shape: 'objective_term',
    bareAllowed: true,
  },
  {
    name: 'iwae',
    doc: 'importance-weighted bound with k samples (Burda et al. 2016)',
    category: 'objective',
    params: [{ name: 'samples', kind: 'constant', constraint: 'positive_integer', aliases: ['k'], doc: 'number of importance samples' }],
    shape: 'objective_term',
  },
  {
    name: 'loglik',
    doc: 'log-likelihood log p(x | ...) of an observed variable, averaged over the batch',
    category: 'objective',
    params: [{ name: 'variable', kind: 'variable', doc: 'an observed variable' }],
    shape: 'objective_term',
  },
  {
    name: 'kl',
    doc: 'KL(q(z | ...) || p(z)) of a latent, averaged over the batch; its method is chosen by the compiler',
    category: 'objective',
    params: [{ name: 'variable', kind: 'variable', doc: 'a latent variable' }],
    shape: 'objective_term',
  },
  {
    name: 'logprob',
    doc: "log-probability of a latent's value under its guide distribution, log q(z | ...), one value per data point (event axes summed); for a partially observed variable (data ... with obs_mask(m)) its value is the data",
    category: 'objective',
    params: [{ name: 'variable', kind: 'variable', doc: 'a latent variable (or a partially observed one)' }],
    shape: 'objective_term',
  },
  // Estimators (after `with`) are not here: each estimator module declares its `with` signature
  // (compiler/estimators/*.ts `syntax`; the table of them is compiler/estimators/registry.ts ESTIMATOR_SIGNATURES).
  // ── baselines (inside reinforce) ──────────────────────────────────────────────────────────────
  {
    name: 'ema',
    doc: 'exponential moving average of the learning signal',
    category: 'baseline',
    params: [{ name: 'decay', kind: 'constant', constraint: 'unit_interval', optional: true, default: 0.9, doc: 'decay' }],
    shape: 'directive',
    bareAllowed: true,
  },
  { name: 'loo', doc: 'leave-one-out mean of the other samples', category: 'baseline', params: [], shape: 'directive', bareAllowed: true },
  { name: 'none', doc: 'no baseline', category: 'baseline', params: [], shape: 'directive', bareAllowed: true },
  // ── observation (after `data y: [...] with`) ─────────────────────────────────────────────────
  {
    name: 'obs_mask',
    doc: "partial observation, as Pyro's obs_mask: `data y: [B] with obs_mask(m)` observes y on the rows where the data column m is 1; elsewhere y is a latent (sampled in guide and generative; enumerated per data point)",
    category: 'observation',
    params: [{ name: 'mask', kind: 'variable', doc: 'a data column of 0/1 values whose shape is the leading axes of y’s, e.g. data labelled: [B]' }],
    shape: 'directive',
  },
  // ── KL methods (right of kl(z) = ...) ─────────────────────────────────────────────────────────
  {
    name: 'closed_form',
    aliases: ['analytic'],
    doc: 'closed-form KL from the stdlib registry (an error if no registered pair matches)',
    category: 'kl_method',
    params: [],
    shape: 'directive',
    bareAllowed: true,
  },
  {
    name: 'mc',
    aliases: ['monte_carlo'],
    doc: 'Monte Carlo KL from log densities',
    category: 'kl_method',
    params: [{ name: 'samples', kind: 'constant', constraint: 'positive_integer', optional: true, default: 1, doc: 'samples' }],
    shape: 'directive',
    bareAllowed: true,
  },
];

/** Looks a function up by its name or one of its aliases. */
export function findFunction(name: string): FunctionSig | undefined {
  return FUNCTION_INDEX.get(name);
}

const FUNCTION_INDEX: ReadonlyMap<string, FunctionSig> = new Map(
  FUNCTIONS.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((n) => [n, f] as const)),
);
