/** Evaluation of trained models (`sgm eval`): the papers' statistics on held-out data. See evaluate-model.ts. */
export { evaluateModel, EVAL_DEFAULTS, type ModelEvalOptions, type ModelEvalReport, type LogLikelihoodEstimate, type LatentDescription } from './evaluate-model.js';
export { importanceSample, logAddExp, type ImportanceDraw, type ImportanceSampler, type ImportanceResult } from './importance-sampling.js';
export { discretizedSampler, hasUniformVariant, PRIOR_VARIANTS } from './discretized-model.js';
export {
  discreteLatent,
  recoverCategorical,
  relaxedSimplexSample,
  LOG_ZERO,
  type DiscreteLatent,
  type CategoricalLatent,
  type SampledLatent,
  type RecoveredCategorical,
  type RecoveryOptions,
} from './discrete-latent.js';
export { smoothedLogProbs } from './monte-carlo-recovery.js';
export { vertexDistance, summarizeDistances, VertexDistanceAccumulator, VERTEX_THRESHOLD, VERTEX_BIN_WIDTH, type VertexDistanceStats } from './vertex-distance.js';
export { categoriesUsed, CategoriesUsedAccumulator, DEFAULT_RHO, type CategoriesUsedStats } from './categories-used.js';
export { RecoveredAccumulator, type RecoveredDistribution } from './recovered-distributions.js';
export { testElbo, elboFromMetrics, type TestElbo } from './test-elbo.js';
export { formatEvalReport, formatRecovered } from './format-report.js';
export { EvalProgress, formatSeconds, type EvalProgressSink } from './eval-progress.js';
