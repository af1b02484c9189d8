/**
 * sgm/stdlib, browser-safe entry (package.json `exports` condition `browser`, and `default`): the papers'
 * distributions, relaxations, transforms and KL divergences on TensorFlow.js. Everything here runs on any tfjs
 * backend and imports nothing from Node (test/browser/bundle-entries.test.ts checks it); fitted priors are cached
 * in memory, and in IndexedDB after `usePriorCacheInIndexedDb()`. The Node entry, index.ts, adds the cache on
 * disk. See docs/stdlib.md. The papers the comments cite by short names ("IGR
 * paper", "GenGS paper", "Jang et al. 2017", "Maddison et al. 2017", "Rezende & Mohamed 2015", ...) are listed with
 * titles, authors and arXiv ids in docs/math.md section 13.
 */
export { tf } from './tf.js';
export { RandomStream } from './random.js';
export { Distribution, UnsupportedOperationError } from './distributions/distribution.js';
export * from './signatures/index.js';
export { queryKl, KL_RULES, type KlDescription, type KlPlan, type KlRule } from './kl/rules.js';
export type { KlCompute, KlOptions } from './kl/kl-compute.js';
// ── continuous: special/normal, quadrature, transforms, Normal/LogNormal/Uniform, IGR family, fitPrior ──
export {
  normalLogPdf,
  normalLogDensity,
  normalLogCdf,
  normalCdf,
  normalLogSf,
  normalMillsRatio,
  erfcx64,
  normalLogPdf64,
  normalLogCdf64,
  normalCdf64,
  normalMillsRatio64,
  LOG_SQRT_2PI,
} from './special/normal.js';
export {
  gaussLegendre,
  gaussHermite,
  gaussKronrod15,
  integrateGaussLegendre,
  type QuadratureRule,
} from './special/quadrature.js';
export type { ScalarLike } from './transforms/transform-utils.js';
export {
  softmaxPlusPlus,
  logSoftmaxPlusPlus,
  softmaxPlusPlusInverse,
  softmaxPlusPlusInverseLog,
  softmaxPlusPlusLogDet,
  softmaxPlusPlusLogDetFromLog,
} from './transforms/softmax-plus-plus.js';
export {
  stickBreaking,
  logStickBreakingFromLogs,
  logStickBreakingFromLogits,
  stickBreakingInverse,
  stickBreakingLogDet,
  stickBreakingLogDetFromLog1mU,
} from './transforms/stick-breaking.js';
export { sigmoidTransform, logSigmoid, logOneMinusSigmoid, logit, sigmoidLogDet } from './transforms/sigmoid.js';
export {
  planarFlow,
  planarFlowLogDet,
  planarFlowWithLogDet,
  planarFlowInverse,
  planarUHat,
  initPlanarFlowParams,
  type PlanarLayer,
  type FlowResult,
} from './transforms/planar-flow.js';
export { Normal, type NormalParams } from './distributions/normal.js';
export { LogNormal } from './distributions/log-normal.js';
export { Uniform, type UniformParams } from './distributions/uniform.js';
export { Gamma, type GammaParams } from './distributions/gamma.js';
export { Beta, type BetaParams } from './distributions/beta.js';
export { Dirichlet, type DirichletParams } from './distributions/dirichlet.js';
export { Exponential, type ExponentialParams } from './distributions/exponential.js';
export { Laplace, type LaplaceParams } from './distributions/laplace.js';
export { StudentT, type StudentTParams } from './distributions/student-t.js';
export { HalfNormal, type HalfNormalParams } from './distributions/half-normal.js';
export { MultivariateNormal, type MultivariateNormalParams } from './distributions/multivariate-normal.js';
export { MultivariateNormalDiag, type MultivariateNormalDiagParams } from './distributions/multivariate-normal-diag.js';
export { MixtureSameFamily, type MixtureSameFamilyParams } from './distributions/mixture-same-family.js';
export { sampleLogGamma, logStandardGamma } from './distributions/gamma-sampler.js';
export { gammaLogSampleGrad64, gammaSampleGrad64 } from './special/gamma-grad.js';
export { solveLowerTriangular } from './special/triangular.js';
export { IgrBase, type IgrParams, type IgrDraw } from './distributions/igr-base.js';
export { IGR_I } from './distributions/igr-i.js';
export { IGR_SB, IGR_SB_TRUNCATION_RULES, type IgrSbParams, type IgrSbDraw, type IgrSbTruncationRule } from './distributions/igr-sb.js';
export { IGR_Planar, type IgrPlanarParams } from './distributions/igr-planar.js';
export {
  igrHard,
  igrDiscreteProbs,
  igrDiscreteLogProbs,
  igrDiscreteLogProbs64,
  igrDiscreteProbsMonteCarlo,
  igrHardCounts,
  type HardSampler,
} from './igr/discrete-recovery.js';
export { gaussianKl, gaussianKlElementwise } from './kl/gaussian-kl.js';
export { type IgrPlanarKlOptions } from './kl/igr-planar-gaussian-mc.js';
export { fitPrior, type FitPriorOptions, type FitPriorResult, type PriorFamily } from './fit-prior.js';
export { fitPriorSchedule, ScheduledPrior, type ScheduledPriorOptions, type PriorParamsAt } from './fit-prior-schedule.js';
export { setPriorStoreFactory, memoryPriorStore, MemoryPriorStore, type PriorStore, type PriorStoreFactory } from './prior-store.js';
export { usePriorCacheInIndexedDb } from './browser-cache.js';
// ── discrete: special/gamma, discrete distributions, Gumbel-Softmax family, GenGS, KL registry ──
export { lgamma, lgammaDifference, digamma, logFactorial, logBinomial, lgamma64, digamma64, logFactorial64, logBinomial64 } from './special/gamma.js';
export { Bernoulli, type BernoulliParams } from './distributions/bernoulli.js';
export { Categorical, type CategoricalParamsInput } from './distributions/categorical.js';
export { OneHotCategorical } from './distributions/one-hot-categorical.js';
export { Poisson, type PoissonParams } from './distributions/poisson.js';
export { Binomial, type BinomialParams } from './distributions/binomial.js';
export { Geometric, type GeometricParams } from './distributions/geometric.js';
export { NegativeBinomial, type NegativeBinomialParams } from './distributions/negative-binomial.js';
export { Multinomial, type MultinomialParams } from './distributions/multinomial.js';
export {
  ExpConcrete,
  expConcreteLogProb,
  rsampleExpConcrete,
  type ExpConcreteParams,
} from './distributions/exp-concrete.js';
export { GumbelSoftmax, type GumbelSoftmaxParams, type RelaxedDraw } from './distributions/gumbel-softmax.js';
export {
  RelaxedBernoulli,
  type RelaxedBernoulliParams,
  type RelaxedBinaryDraw,
} from './distributions/relaxed-bernoulli.js';
export {
  GenGS,
  MAX_MULTINOMIAL_CELLS,
  type GenGSParams,
  type GenGSDraw,
  type Truncation,
} from './distributions/gen-gs.js';
export {
  truncatedPmf,
  truncatedPmfTwoSided,
  isCountDistribution,
  LOG_MASS_FLOOR,
  type CountDistribution,
  type TruncatedPmf,
} from './truncation.js';
export { KL_COMPUTE } from './kl/register-all.js';
export {
  klDivergence,
  explainKl,
  describeForKl,
  type KlDivergenceOptions,
  type KlExplanation,
} from './kl/kl-divergence.js';
export { categoricalKlFromLogits } from './kl/categorical-categorical.js';
export { asMeanField, isMeanField } from './distributions/mean-field.js';
export {
  logProbOfSample,
  hasLogSpace,
  recordLogSpace,
  logSpaceOf,
  type LogSpaceKind,
  type LogSpaceDraw,
  type LogSpaceDensity,
} from './distributions/log-space.js';
// ── fused elementwise programs: `fuse(inputs, build)` with the builder `F` (generated code fuses chains, issue 19) ──
export { F, FExpr, fuse, type FArg } from './fusion/index.js';
