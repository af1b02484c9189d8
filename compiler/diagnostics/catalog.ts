/**
 * The catalog of every diagnostic sgm reports: code, severity and a one-line explanation (used by
 * `sgm explain CODE` and docs/diagnostics.md). Codes by range: 1xxx syntax, 2xxx names, arguments and model
 * structure, 3xxx shapes, 4xxx static warnings, 5xxx estimator and KL analysis. Command-line mistakes
 * (missing file, bad --set) are one-line errors, not diagnostics.
 * Every code has at least one case in test/cases/bad/.
 */
import type { Severity } from './diagnostic.js';

interface CatalogEntry {
  readonly severity: Severity;
  readonly title: string;
  readonly explanation: string;
}

const entry = (severity: Severity, title: string, explanation: string): CatalogEntry => ({ severity, title, explanation });

export const CATALOG = {
  // ── 1xxx syntax ──────────────────────────────────────────────────────────────────────────────
  SGM1001: entry('error', 'unexpected character', 'The lexer met a character that starts no token of the language.'),
  SGM1002: entry('error', 'unterminated block comment', 'A /* comment is never closed with */.'),
  SGM1003: entry('error', 'syntax error', 'The parser expected a different token here. Every syntax error of a file is reported in one run.'),
  SGM1004: entry('error', 'invalid statement form', 'Left of = stands a name, a list of names (a, b = split(h, 2)) or kl(latent); left of ~ exactly one name; with follows only ~ statements.'),
  SGM1005: entry('error', 'declaration inside a block', 'data, param and const declarations belong at model level, outside guide and generative blocks.'),
  SGM1006: entry('error', 'no model', 'A .sgm file must contain a `model name(...) { ... }`.'),
  SGM1007: entry('error', 'invalid number', 'A number literal that JavaScript cannot represent as a finite double.'),
  SGM1008: entry('error', 'nesting too deep', 'An expression holds at most 64 open brackets and 256 levels of operations (each operator, sign, call and index is a level); name inner parts with = statements.'),
  SGM1009: entry('error', 'input too long', 'A file holds at most 100,000 tokens and a model at most 6,000 statements (docs/language.md, Limits): far beyond any model, they keep checking and compiling within seconds.'),
  // ── 2xxx names ───────────────────────────────────────────────────────────────────────────────
  SGM2001: entry('error', 'undefined name', 'A name is used that no declaration, statement or hyperparameter defines.'),
  SGM2002: entry('error', 'duplicate definition', 'A name is defined twice. A latent may be sampled once in guide and once in generative; a data variable may be sampled once in generative.'),
  SGM2003: entry('error', 'used before defined', 'Statements run in order: a name can only be used after the statement that defines it.'),
  SGM2004: entry('error', 'unknown hyperparameter', '--set names a hyperparameter the model does not declare.'),
  SGM2005: entry('error', 'hyperparameter without value', 'A hyperparameter has no default and no --set value.'),
  SGM2006: entry('error', 'unknown function or distribution', 'A call names no built-in function or distribution.'),
  SGM2007: entry('error', 'name not visible here', 'guide can use data, params, consts and its own names; generative can use data, params, consts, its own names and latents (after their prior).'),
  SGM2008: entry('error', 'invalid hyperparameter value', 'A hyperparameter must be a finite number (from its default or --set).'),
  SGM2009: entry('error', 'duplicate model', 'Two models in one file have the same name.'),
  // ── 21xx arguments ───────────────────────────────────────────────────────────────────────────
  SGM2101: entry('error', 'too many arguments', 'A call passes more positional arguments than the signature has parameters.'),
  SGM2102: entry('error', 'unknown argument name', 'A named argument matches no parameter of the function or distribution.'),
  SGM2103: entry('error', 'missing argument', 'A required parameter is not given.'),
  SGM2104: entry('error', 'argument given twice', 'A parameter is given twice (positionally and by name, or by two aliases).'),
  SGM2105: entry('error', 'exactly one of', 'Some distributions take exactly one parameter of a group, e.g. probs or logits.'),
  SGM2106: entry('error', 'constraint violated', 'A constant argument violates the parameter\'s constraint (e.g. positive, simplex, integer).'),
  SGM2107: entry('error', 'wrong kind of argument', 'The parameter expects another kind of argument: a distribution, a family name, a list of integers, a variable name, ...'),
  SGM2108: entry('error', 'schedule where a constant is required', 'anneal/ramp vary with the training step; this parameter is fixed at compile time.'),
  SGM2109: entry('error', 'not a compile-time constant', 'The value must be known at compile time (literals, hyperparameters and consts).'),
  SGM2110: entry('error', 'distribution used as a value', 'A distribution can only stand right of ~ or as a distribution argument (GenGS base, fit_prior target).'),
  SGM2111: entry('error', 'positional argument after named argument', 'Positional arguments come first.'),
  SGM2112: entry('error', 'unknown choice', 'The parameter accepts one of a fixed set of names.'),
  SGM2113: entry('error', 'misplaced built-in', 'Some built-ins belong to one place: objective terms in maximize/minimize, estimators after with, KL methods right of kl(z) =, baselines inside reinforce, initialisers in param declarations, layers (dense, mlp) in guide or generative.'),
  // ── 22xx model structure ─────────────────────────────────────────────────────────────────────
  SGM2201: entry('error', 'latent without prior', 'A variable sampled in guide must have a prior: sample it in generative too.'),
  SGM2202: entry('error', 'generative variable neither observed nor inferred', 'A variable sampled in generative must be data (observed) or sampled in guide (a latent).'),
  SGM2203: entry('error', 'loglik of a non-observed variable', 'loglik(x) needs x to be data sampled in generative (or in a flat model).'),
  SGM2204: entry('error', 'kl of a non-latent', 'kl(z) needs z to be sampled in both guide and generative.'),
  SGM2205: entry('error', 'data sampled in guide', 'The guide is q(latents | data); data variables are observed in generative.'),
  SGM2206: entry('error', 'duplicate KL override', 'kl(z) = ... is given twice for the same latent.'),
  SGM2207: entry('error', 'not a distribution', 'The right side of ~ must be a distribution.'),
  SGM2208: entry('error', 'duplicate block', 'A model has at most one guide block and one generative block.'),
  SGM2209: entry('error', 'elbo without guide and generative', 'elbo, iwae and kl need a guide block and a generative block.'),
  SGM2210: entry('error', 'observed variable is never data', 'A variable used as observed (loglik, likelihood) must be declared with data.'),
  SGM2211: entry('error', 'blocks mixed with top-level sampling', 'A model with guide/generative blocks samples only inside them.'),
  SGM2212: entry('error', 'invalid partial observation', "`data y: [B] with obs_mask(m)` needs m to be another data column whose shape is the leading axes of y's (one 0/1 value per data point), and y to be sampled in guide (q on its unobserved rows) and in generative (its prior)."),
  SGM2213: entry('error', 'invalid report', 'A report is a scalar with a name of its own (not loss, value, elbo, iwae, objective, lr, loglik_*, kl_*) computed from data, params, consts, model-level and guide values and logprob(z); generative values and the other objective terms are not available to it.'),
  // ── 23xx directives ──────────────────────────────────────────────────────────────────────────
  SGM2301: entry('error', 'unknown estimator', 'with takes one of: pathwise, reinforce(baseline, samples), straight_through, enumerate.'),
  SGM2302: entry('error', 'unknown KL method', 'kl(z) = takes closed_form or mc(samples = k).'),
  // ── 24xx objectives ──────────────────────────────────────────────────────────────────────────
  SGM2401: entry('error', 'no objective', 'A model needs one `maximize` or `minimize` statement.'),
  SGM2402: entry('error', 'more than one objective', 'A model has exactly one objective; combine terms in one expression.'),
  // ── 3xxx shapes ──────────────────────────────────────────────────────────────────────────────
  SGM3001: entry('error', 'shapes cannot be broadcast', 'Elementwise operations broadcast from the right: each pair of axes must be equal or one of them 1.'),
  SGM3002: entry('error', 'shape mismatch in argument', 'An argument\'s shape does not fit the parameter (e.g. sigma must broadcast with mu).'),
  SGM3003: entry('error', 'declared shape does not match', 'The inferred shape cannot be broadcast to the shape written after the colon.'),
  SGM3004: entry('error', 'axis out of range', 'An axis argument is outside the tensor\'s rank.'),
  SGM3005: entry('error', 'shape not known at compile time', 'param and const shapes, layer sizes and event sizes must be numbers after hyperparameter substitution.'),
  SGM3006: entry('error', 'objective is not a scalar', 'maximize/minimize need a scalar; reduce with sum or mean.'),
  SGM3007: entry('error', 'unknown layer input size', 'dense and mlp need the size of the input\'s last axis at compile time.'),
  SGM3008: entry('error', 'bad index', 'Too many indices, an index outside a known axis size, a non-integer index, or more than one tensor index. A tensor index must hold category numbers (a Categorical sample, argmax) or be one-hot or relaxed (a OneHotCategorical, Gumbel-Softmax or IGR sample) with a last axis the size of the indexed axis.'),
  SGM3009: entry('error', 'reshape size mismatch', 'reshape must keep the number of elements.'),
  SGM3010: entry('error', 'concat shape mismatch', 'Concatenated tensors must have the same rank and agree on every axis except the concatenation axis.'),
  SGM3011: entry('error', 'split size mismatch', 'split(x, parts) needs the axis size to be a multiple of parts; the names on the left must be as many as the parts.'),
  SGM3012: entry('error', 'observed shape mismatch', 'The likelihood of a data variable must produce the data\'s declared shape.'),
  SGM3013: entry('error', 'prior shape mismatch', 'A latent\'s prior must broadcast to the shape its guide samples.'),
  SGM3014: entry('error', 'ragged tensor literal', 'The rows of a tensor literal must have equal shapes.'),
  SGM3015: entry('error', 'invalid dimension', 'A dimension must be a positive integer or a named dimension.'),
  SGM3016: entry('error', 'wrong event size', 'The number of categories implied by an argument disagrees with another argument (e.g. GenGS logits vs trunc).'),
  SGM3017: entry('error', 'tensor too large', 'A tensor (a param, a layer weight matrix, a value, a sample) has more elements than the limit, 2^26 by default (SGM_MAX_ELEMENTS); named dimensions such as B count as 1.'),
  SGM3018: entry('error', 'too many parameters', 'The params and layer weights of a model together have more elements than the limit, 2^27 by default (SGM_MAX_PARAMS).'),
  // ── 4xxx static warnings ─────────────────────────────────────────────────────────────────────
  SGM4001: entry('warning', 'unused variable', 'A variable is defined but nothing uses it.'),
  SGM4002: entry('warning', 'named dimension looks like a misspelled hyperparameter', 'Names in shapes that are not hyperparameters are bound at run time; this one is close to a hyperparameter.'),
  SGM4003: entry('warning', 'unexpected broadcast', 'A legal broadcast that puts a run-time (named) dimension on two axes, e.g. [B] with [B, 1] gives [B, B]: usually a bug.'),
  SGM4004: entry('warning', 'value may violate a constraint', 'The parameter needs positive/(0,1)/simplex values and the argument is not constrained to them (e.g. wrap it in softplus).'),
  SGM4005: entry('warning', 'Gumbel-Softmax at low temperature', 'Below τ = 0.05 Gumbel-Softmax samples saturate to one-hot vectors in float32 and their gradients vanish (IGR paper section 3); sgm keeps GS densities in log space (ExpConcrete), but IGR relaxations behave better at low τ.'),
  SGM4006: entry('warning', 'truncation drops probability mass', 'At the initial parameters the mass GenGS folds into its edge cells exceeds 1e-3: increase trunc.'),
  SGM4007: entry('warning', 'high-variance score-function gradient', 'A discrete variable without a reparameterized sampler gets REINFORCE gradients; a relaxation would give lower variance.'),
  SGM4008: entry('warning', 'latent without KL', 'A latent is sampled in guide and generative but the objective never uses kl(z) or elbo.'),
  // ── 5xxx estimator and KL analysis ───────────────────────────────────────────────────────────
  SGM5001: entry('error', 'estimator not applicable', 'The requested estimator does not apply to this distribution or objective (pathwise needs a reparameterized sampler, straight_through a relaxation, loo several samples, vimco maximize iwae(samples >= 2), muprop a Bernoulli or OneHotCategorical latent and a per-data-point objective, nvil data for its baseline network; a discrete latent under iwae needs samples >= 2). Also reported for an `estimatorOverrides` compile option (as used by `sgm compare`) that names an unknown estimator, argument or latent.'),
  SGM5002: entry('error', 'closed-form KL not available', 'kl(z) = closed_form was requested but no registered pair matches; the reason names what differs.'),
  SGM5003: entry('error', 'enumeration not possible', 'Enumeration needs a finite support of at most 32 values per element; a variable without batch axis, at most 32 joint configurations and no other enumerated variable, and not next to reinforce(samples = k > 1); a variable with a batch axis, one value per data point and either the elbo objective (a guide latent) or a flat model whose objective reads it only through the loglik of its one observed variable, with no other sampled variable beside it; a per-data-point enumeration that tiles the batch (a latent the guide reads again, or several enumerated latents) is combined with one-sample reinforce nodes only, under a per-data-point objective. Only an explicit `with enumerate` is refused: the compiler\'s own choice falls back to the score function with the reason.'),
  SGM5004: entry('error', 'no KL between these distributions', "The guide's distribution and the prior of a latent have log-probabilities of different kinds (e.g. a relaxed density against a pmf: RelaxedBernoulli against Bernoulli, GumbelSoftmax or IGR against Categorical, GenGS prior against a discrete guide), so log q - log p is no KL. Give the latent a relaxed prior of the guide's family at the same temperature, or a discrete guide."),
  SGM5005: entry('error', 'no finite KL: the prior has a smaller support', "The guide's draws land, with positive probability, where the prior has density 0, so KL(q || p) = +infinity and a Monte Carlo estimate of it is not finite. The one relaxed family whose support is not the whole simplex is IGR_SB (softmax++ of sticks w > 0 with sum(w) < 1): an IGR_I, IGR_Planar or Gumbel-Softmax guide against an IGR_SB prior, or an IGR_SB guide whose draws reach sticks the prior's tau and delta exclude (a larger prior tau, or a smaller prior delta). Give the guide IGR_SB with the prior's tau and delta (closed-form KL), or give the prior the guide's family."),
  SGM5006: entry('error', 'relaxed count family on observed data', "GenGS relaxes how a latent count is sampled; observed data are not sampled, so there is nothing to relax. Its log-probability is the mass of its truncated pmf at the nearest cell, which on data would ignore tau, round fractional values, give -infinity to counts outside the cells and the folded tail mass to the last cell. Write the discrete distribution it relaxes (y ~ Poisson(...) for y ~ GenGS(Poisson(...))), or Categorical(logits) over the cells for the implicit form."),
  SGM5007: entry('error', 'too many enumerated configurations', 'The variables enumerated per data point are summed out jointly, one evaluation of the model per joint configuration on a copy of the batch, so the product of their supports is the number of rows per data point; it is limited to 4096 (the `enumerationLimit` compile option; the environment variable SGM_ENUMERATION_LIMIT for the CLI). The span is the enumeration that passes the limit, the related spans the ones counted before it. Raise the limit, or give the variable a relaxation or the score function.'),
  SGM5008: entry('error', 'partial observation or logprob not generated', "A partially observed variable (data y with obs_mask(m)) is summed out per data point: it needs a finite support, one value per data point, maximize elbo (or elbo + E) and a closed-form KL against its prior. logprob(z) needs a latent with one value per pass: the data of a partially observed z, or a guide draw (an enumerated latent has none); a report or the E of elbo + E cannot read an enumerated latent either."),
} as const satisfies Record<string, CatalogEntry>;

/** A code of the catalog. */
export type DiagnosticCode = keyof typeof CATALOG;

/** Every code, in order. */
export const DIAGNOSTIC_CODES = Object.keys(CATALOG) as DiagnosticCode[];
