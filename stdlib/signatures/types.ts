/**
 * Types of the ONE declarative signature table shared by the compiler (argument checks, shape rules,
 * estimator choice) and the stdlib (runtime metadata). Pure data: this folder never imports tfjs, so the
 * compiler can read it without loading a tensor library.
 */

/** What a value passed to a parameter must satisfy (checked statically when the value is a constant). */
export type ValueConstraint =
  | 'real'
  | 'positive'
  | 'nonnegative'
  | 'unit_interval' // [0, 1]
  | 'open_unit_interval' // (0, 1)
  | 'simplex' // non-negative, sums to 1 along the last axis
  | 'integer'
  | 'nonnegative_integer'
  | 'positive_integer'
  | 'boolean'
  | 'lower_cholesky'; // [..., D, D]: only the lower triangle is read, its diagonal must be non-zero (positive by convention)

/** The syntactic/semantic category an argument must have. */
export type ArgKind =
  | 'tensor' // any real-valued expression (tensor or scalar); may depend on data, params, samples
  | 'scalar' // a scalar expression; schedules allowed (evaluated per training step)
  | 'constant' // a compile-time constant number: literals and hyperparameter arithmetic, no schedules
  | 'int_list' // a compile-time list of integers, e.g. layer sizes [512, 256] or a shape [N, K - 1]; a single int is accepted as [n]
  | 'distribution' // a distribution expression, e.g. Poisson(λ) as the base of GenGS
  | 'family' // a bare distribution family name, e.g. IGR_I as the first argument of fit_prior
  | 'range' // an integer n (support 0..n-1) or an inclusive range lo..hi
  | 'transition' // a -> b (the endpoints of a schedule); each endpoint is a constant
  | 'activation' // one of ACTIVATIONS
  | 'variable' // the name of a stochastic variable (kl(z), loglik(x))
  | 'baseline' // a baseline spec for score-function estimators: ema(decay) | loo | none
  | 'choice'; // one of a fixed set of bare names (see ParamSig.choices)

/** One parameter of a function or distribution. Positional order is the order in the list. */
export interface ParamSig {
  readonly name: string;
  readonly kind: ArgKind;
  readonly constraint?: ValueConstraint;
  /** A 'constant' parameter that also takes a schedule of constants (anneal, ramp): fit_prior's tau. */
  readonly schedule?: boolean;
  /** The parameter may be omitted (then `default` applies if given, otherwise it is absent). */
  readonly optional?: boolean;
  readonly default?: number | string | boolean;
  /** For kind 'choice' and 'activation': the allowed bare names. */
  readonly choices?: readonly string[];
  /** Other accepted names (e.g. `temperature` for `tau`). */
  readonly aliases?: readonly string[];
  readonly doc: string;
}

/** Support of a distribution, read by the estimator analysis and the evaluation code. */
export type Support =
  | 'real'
  | 'positive'
  | 'unit_interval'
  | 'simplex' // relaxed one-hot vectors (IGR, Gumbel-Softmax)
  | 'log_simplex' // log of a point of the simplex (ExpConcrete)
  | 'boolean' // {0, 1}
  | 'categorical_index' // {0, ..., K-1}
  | 'one_hot' // one-hot vectors of length K
  | 'nonnegative_integer' // {0, 1, 2, ...}
  | 'integer_interval' // {0, ..., N} (Binomial) or lo..hi (truncated)
  | 'counts' // non-negative integer vectors summing to total_count (Multinomial)
  | 'relaxed_integer'; // real values approximating integers (GenGS: T(GS(π, τ)))

/**
 * How the sample shape follows from the parameter shapes (event rule). `from` names the parameter whose
 * trailing axis holds the K categories.
 *  - elementwise:       sample = broadcast of all tensor params; event rank 0 (Normal, Bernoulli, Poisson)
 *  - simplex:           [..., K] -> [..., K]; event rank 1 (GumbelSoftmax, OneHotCategorical, ExpConcrete)
 *  - simplex_plus_one:  [..., K-1] -> [..., K]; event rank 1 (IGR: K-1 free Gaussian coordinates)
 *  - index:             [..., K] -> [...]; event rank 0, values 0..K-1 (Categorical)
 *  - counts:            [..., K] -> [..., K]; event rank 1 (Multinomial)
 *  - base:              the sample shape of the base distribution argument; event rank 0 (GenGS explicit form)
 *  - categories:        [..., n] logits over the truncated support -> [...]; event rank 0 (GenGS implicit form)
 *  - vector:            [..., D] -> [..., D]; event rank 1, the other tensors broadcast to [..., D] except `matrix`,
 *                       which is [..., D, D] and broadcasts on its batch axes (Dirichlet, MultivariateNormal)
 *  - mixture:           MixtureSameFamily(mixture, components): the components' last batch axis (the last axis of an
 *                       event-rank-0 family, the one before the event axis of a vector family) is the K of the
 *                       mixture Categorical and is summed out; sample = components' batch without K (broadcast with
 *                       the mixture's batch) + components' event axes; event rank = the components'
 */
export type EventRule =
  | { readonly kind: 'elementwise' }
  | { readonly kind: 'simplex'; readonly from: readonly string[] }
  | { readonly kind: 'simplex_plus_one'; readonly from: readonly string[] }
  | { readonly kind: 'index'; readonly from: readonly string[] }
  | { readonly kind: 'counts'; readonly from: readonly string[] }
  | { readonly kind: 'vector'; readonly from: readonly string[]; readonly matrix?: string }
  | { readonly kind: 'base' }
  | { readonly kind: 'mixture' };

/**
 * How many values a discrete distribution can take (for the enumeration rule of docs/math.md section 10):
 * 'two' (Bernoulli), 'last_dim' (Categorical: K), 'total_count_plus_one' (Binomial: N + 1 when N is a
 * constant), 'infinite' (Poisson, Geometric, NegativeBinomial), 'combinatorial' (Multinomial: C(N+K-1, K-1)).
 */
export type EnumerationSize = 'two' | 'last_dim' | 'total_count_plus_one' | 'infinite' | 'combinatorial';

/** How the sampler relates to the discrete variable it stands for. */
export type RelaxationKind =
  | 'none' // an exact distribution (continuous or discrete)
  | 'relaxed_one_hot' // a continuous relaxation of a one-hot categorical (GS, IGR)
  | 'relaxed_binary' // RelaxedBernoulli
  | 'relaxed_count'; // GenGS over a count distribution

/**
 * What the log density (logProb) of a family is taken with respect to, for the KL pair check: a Monte Carlo KL
 * E_q[log q - log p] is a KL only when both logs are densities of the same variable with respect to the same
 * measure (a pmf minus a density is not; issue 13 item 5):
 *  - 'pmf': counting measure (the exact discrete families);
 *  - 'truncated_pmf': GenGS, whose logProb is the pmf of the truncated distribution at the cells (its KL is the
 *    discrete KL of GenGS appendix H; against an exact discrete prior it is the enumerated sum over the cells);
 *  - 'density': Lebesgue density of an exact continuous family (Normal, LogNormal, Uniform);
 *  - 'relaxed_simplex': Lebesgue density on the first K-1 coordinates of the simplex, exact from log z (IGR,
 *    Gumbel-Softmax);
 *  - 'relaxed_log_simplex': density of log z (ExpConcrete);
 *  - 'relaxed_unit_interval': density on (0, 1), exact from logit(z) (RelaxedBernoulli).
 */
export type KlMeasure = 'pmf' | 'truncated_pmf' | 'density' | 'relaxed_simplex' | 'relaxed_log_simplex' | 'relaxed_unit_interval';

/**
 * The family of relaxations a relaxed distribution belongs to, for what the compiler does per family:
 *  - 'igr': Gaussian noise through softmax++ (IGR_I, IGR_SB, IGR_Planar); moment-matched priors (fit_prior);
 *  - 'concrete': Gumbel or logistic noise through a tempered softmax / sigmoid (GumbelSoftmax, ExpConcrete,
 *    RelaxedBernoulli); its samples saturate at low temperature in float32 (warning SGM4005);
 *  - 'gengs': Gumbel-Softmax over the truncated cells of a discrete distribution, mapped to their values (GenGS);
 *    its truncation is checked against the base's tail mass (warning SGM4006).
 */
export type RelaxationFamily = 'igr' | 'concrete' | 'gengs';

/**
 * What sgm knows of the values of a tensor without running the model, from the support of the distribution that
 * drew it (SUPPORT_VALUES) or the function that made it; the shape checker warns (SGM4004) when a value that may
 * break a parameter's constraint feeds it. 'unit_interval' and 'simplex' values also count as positive (sigmoid
 * and softmax are), 'nonnegative' ones do not.
 */
export type SignFact = 'real' | 'positive' | 'nonnegative' | 'unit_interval' | 'simplex';

/** What a count distribution on {0, 1, ...} offers beyond its class (truncated pmfs, the GenGS truncation warning). */
export interface CountFacts {
  /**
   * log p(k) in float64 for parameter values known at compile time (by their table names; a `logits` argument
   * arrives as `probs`), or undefined when a parameter it needs is missing: the compiler's GenGS truncation
   * warning (SGM4006) sums it over the kept cells.
   */
  readonly logPmf64: (params: Readonly<Record<string, number>>) => ((k: number) => number) | undefined;
}

/** Metadata of one distribution, as data (docs/math.md section 10 reads only this). */
export interface DistributionSig {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly doc: string;
  /** Paper and equation where it is defined, cited in generated code and --explain. */
  readonly cite: string;
  readonly params: readonly ParamSig[];
  /** Groups of which exactly one parameter must be given (e.g. probs | logits). */
  readonly exactlyOneOf?: readonly (readonly string[])[];
  readonly support: Support;
  readonly event: EventRule;
  readonly discrete: boolean;
  /** A reparameterized sampler exists (pathwise gradients). */
  readonly hasRsample: boolean;
  readonly hasEnumerateSupport: boolean;
  readonly enumerationSize?: EnumerationSize;
  readonly relaxation: RelaxationKind;
  /** The measure logProb is a density with respect to (KL pair check; see KlMeasure). */
  readonly measure: KlMeasure;
  /** For a discrete distribution without rsample: the relaxation sgm offers instead (for warnings). */
  readonly suggestRelaxation?: string;
  /** Straight-through (hard forward, relaxed backward) is available. */
  readonly straightThrough: boolean;
  /**
   * The distribution owns learned parameters of its own (created once per statement by the code generator),
   * e.g. the planar flow of IGR_Planar.
   */
  readonly ownParams?: 'planar_flow';
  /** The relaxation family of a relaxed distribution (see RelaxationFamily); absent for exact ones. */
  readonly relaxationFamily?: RelaxationFamily;
  /**
   * The mass of the discrete variable the relaxation stands for is available in closed form (up to quadrature) as a
   * differentiable function of the distribution's parameters: 'igr_proposition2' for IGR_I (IGR paper Proposition 2:
   * H = h(y) with y ~ N(μ, σ²)). `with relax` on such a latent draws H and runs RELAX over the relaxation
   * (compiler/estimators/relax.ts); its KL to a one-hot prior is exact (stdlib/kl/igr-discrete-categorical.ts).
   */
  readonly discreteMass?: 'igr_proposition2';
  /**
   * Present for a count distribution on {0, 1, ...} (or 0..N) with an elementwise sampler whose truncated pmf
   * sgm tabulates: `pmf(dist, n)` accepts it, GenGS relaxes it, the GenGS truncation warning evaluates it.
   */
  readonly count?: CountFacts;
  /**
   * GenGS(base = this family) is accepted (GenGS paper section 4, appendix E): the count families and the
   * finite discrete ones whose cells GenGS enumerates (Categorical: a relaxed index; Multinomial: count vectors).
   */
  readonly genGsBase?: boolean;
  /**
   * `fit_prior(this family, target, tau)` is accepted and gives a prior of the family named here, whose Gaussian
   * parameters are moment-matched (docs/math.md section 4): IGR_Planar's prior is an IGR_I on the flow's output.
   */
  readonly fitPriorAs?: string;
  /**
   * A statement using the family, printed in docs/reference.md; it must appear in one of the example models of
   * docs/language.md that the test suite compiles and trains (test/codegen/continuous-families.test.ts).
   */
  readonly example?: string;
}

/** Shape rules of built-in functions; implemented in compiler/semantics/shape-rules.ts. */
export type ShapeRule =
  | 'elementwise' // broadcast of all tensor arguments
  | 'dense' // x [..., F] -> [..., ...units]
  | 'matmul' // [..., n, k] x [k, m] -> [..., n, m] (a vector operand drops its axis)
  | 'mlp' // x [..., F] -> [..., last(sizes)]
  | 'reduce' // drops `axis` (or everything when absent)
  | 'argmax' // drops `axis`
  | 'softmax' // same shape; axis must exist
  | 'flatten' // [B, ...] -> [B, prod(...)]
  | 'reshape' // [B?, ...] -> shape (a leading named dim is kept)
  | 'concat' // concatenates along `axis` (default -1)
  | 'split' // splits along `axis` into `parts` equal pieces (tuple result)
  | 'uniform' // [K] simplex
  | 'one_hot' // [...] -> [..., K]
  | 'fill' // zeros/ones: the given shape
  | 'pmf' // dist's batch shape + [n]: truncated probabilities of a count distribution
  | 'scalar' // a scalar result
  | 'schedule' // a scalar that changes with the training step
  | 'objective_term' // elbo, iwae, loglik, kl: scalar objective terms
  | 'distribution' // returns a distribution (fit_prior)
  | 'directive'; // estimator and KL directives; not values

/** Where a function may be used. */
export type FunctionCategory =
  | 'layer' // creates learned weights at its call site
  | 'elementwise'
  | 'reduction'
  | 'shape'
  | 'constructor'
  | 'schedule'
  | 'objective' // only inside `maximize`/`minimize`
  | 'prior' // returns a distribution
  | 'estimator' // only after `with`
  | 'kl_method' // only on the right of `kl(z) = ...`
  | 'baseline' // only as the baseline argument of reinforce
  | 'init' // only as the initializer of a `param`
  | 'observation'; // only after `data y: [...] with` (partial observation)

/** Metadata of one built-in function. */
export interface FunctionSig {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly doc: string;
  readonly category: FunctionCategory;
  readonly params: readonly ParamSig[];
  /** Accepts any number of tensor arguments (concat). */
  readonly variadic?: boolean;
  readonly shape: ShapeRule;
  /** A bare use without parentheses is allowed (`maximize elbo`, `with pathwise`). */
  readonly bareAllowed?: boolean;
}

/** Activation names accepted by dense/mlp. */
export const ACTIVATIONS = ['identity', 'relu', 'tanh', 'sigmoid', 'softplus', 'elu', 'leaky_relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
