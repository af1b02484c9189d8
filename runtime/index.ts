/**
 * sgm/runtime: what generated model modules, library users and the CLI use at run time. See docs/api.md and
 * docs/runtime.md.
 */
export type * from './model-api.js';
export { UserError, isUserError, exitCodeFor, formatError } from './errors.js';

// ── compile + import a model in one call (runtime/load-model.ts) ──
export {
  loadModel,
  compileForLoading,
  importCompiledModel,
  modelCacheDir,
  ModelCompileError,
  type LoadModelOptions,
  type LoadedModel,
  type ModelSource,
} from './load-model.js';

// ── training (runtime/train) ──
export { train, checkRunDir, valueLabel, type TrainData, type TrainSummary, type TrainStatus } from './train/trainer.js';
export { TRAIN_DEFAULTS, validateTrainOptions, type TrainOptions, type StepReport } from './train/options.js';
export { createAdam, type AdamSettings } from './train/adam.js';
export { evaluateObjective, type EvalOptions, type EvalResult } from './train/evaluate.js';
export { ProgressBar, formatProgressLine, type ProgressOptions, type ProgressStream } from './train/progress.js';
export { JsonlLog, parseJsonl, type LogRecord } from './train/jsonl-log.js';
export { BatchSchedule } from './train/batch-schedule.js';

// ── checkpoints (runtime/checkpoint) ──
export * from './checkpoint/format.js';
export { writeCheckpoint, ensureWritableDir, writeFileAtomic } from './checkpoint/write.js';
export { readCheckpoint, readManifest, verifyCheckpoint, findCheckpoint, disposeCheckpoint, type LoadedCheckpoint } from './checkpoint/read.js';
export { validateManifest, manifestChecksum, type FieldProblem } from './checkpoint/manifest-schema.js';
export { loadModelWeights, restoreVariables, checkModelStamp, modelStamp, variableEntries } from './checkpoint/model-state.js';
export { modelHash } from './checkpoint/model-hash.js';

// ── data (runtime/data) ──
export { makeDataset, takeRows, type Dataset, type Column, type TruthArray } from './data/dataset.js';
export { loadDataset, describeDatasets, DATASETS, DATA_FILE_EXTENSIONS } from './data/registry.js';
export { bindData, bindModelData, formatShape, type BoundData, type BoundDeclaration } from './data/bind.js';
export { splitDataset, DEFAULT_TEST_FRACTION, type Split, type SplitOptions } from './data/split.js';
export { loadMnist, MNIST_SIZE, MNIST_BINARIZE_THRESHOLD } from './data/mnist.js';
export { loadFashionMnist, FASHION_MNIST_SIZE } from './data/fashion-mnist.js';
export { loadCsv, parseCsv } from './data/csv.js';
export { loadJson } from './data/json.js';
export { loadNpy, parseNpy, encodeNpy, type NpyArray } from './data/npy.js';
export {
  syntheticPoisson,
  syntheticBinomial,
  syntheticNegativeBinomial,
  syntheticMultinomial,
  type SyntheticOptions,
} from './data/synthetic.js';
export { syntheticTopicCorpus, TOPIC_CORPUS_DEFAULTS, type TopicCorpusOptions } from './data/topic-corpus.js';

// ── commands the CLI calls (runtime/commands) ──
export { runTrain, type TrainCommandOptions } from './commands/train.js';
export { runSample, writeSamples, type SampleCommandOptions, type SampledArray } from './commands/sample.js';
export { runEval, type EvalCommandOptions } from './commands/eval.js';
export type { CommandIo } from './commands/command-io.js';
export { compareEstimators, type CompareOptions } from './compare/compare.js';
export { formatCompare, compareChart, type CompareReport, type NodeComparison, type EstimatorRow, type Reference } from './compare/report.js';
export { gradientDraws, measureAgainst, type DrawOptions, type GradientDraws, type Measurement } from './compare/measure.js';
export { summarize, accuracy, type GradientSummary, type Accuracy, type Estimate } from './compare/gradient-stats.js';

// ── evaluation (runtime/eval) ──
export * from './eval/index.js';

// ── what generated model modules call (compiler/codegen) ──
export { dense, mlp, initDense, initMlp, variablesOf, type DenseWeights } from './nn/index.js';
export { sumToBatch, stopGradient, matmulLast, planarFlowVariables, truncatedPmfOf, requireData, requireDim, select, type AxisSelection } from './ops/index.js';
export { EmaBaseline, leaveOneOut, scoreFunctionTerm, expectation, jointConfigurations } from './estimators/index.js';
export { anneal, ramp, type AnnealKind } from './schedules.js';
export { initBackend, type BackendName, type BackendInfo } from './backend/index.js';
