/**
 * sgm/runtime, Node entry (package.json `exports` condition `node`): what generated model modules, library users
 * and the CLI use at run time: everything of the browser-safe entry (browser.ts) plus what needs Node (files,
 * checkpoints, logs, named data sets, the model cache, backends with the native kernels). See docs/api.md and
 * docs/runtime.md.
 */
export * from './browser.js';
export { exitCodeFor, formatError } from './errors.js';

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
export { validateTrainOptions, type TrainOptions, type StepReport } from './train/options.js';
export { ProgressBar, formatProgressLine, type ProgressOptions, type ProgressStream } from './train/progress.js';
export { JsonlLog, parseJsonl, type LogRecord } from './train/jsonl-log.js';

// ── checkpoints (runtime/checkpoint) ──
export * from './checkpoint/format.js';
export { writeCheckpoint, ensureWritableDir, writeFileAtomic } from './checkpoint/write.js';
export { readCheckpoint, readManifest, verifyCheckpoint, findCheckpoint, disposeCheckpoint, type LoadedCheckpoint } from './checkpoint/read.js';
export { validateManifest, manifestChecksum, type FieldProblem } from './checkpoint/manifest-schema.js';
export { loadModelWeights, restoreVariables, checkModelStamp, modelStamp, variableEntries } from './checkpoint/model-state.js';
export { modelHash } from './checkpoint/model-hash.js';

// ── data (runtime/data) ──
export { loadDataset, describeDatasets, DATASETS, DATA_FILE_EXTENSIONS } from './data/registry.js';
export { loadMnist, MNIST_SIZE, MNIST_BINARIZE_THRESHOLD } from './data/mnist.js';
export { loadFashionMnist, FASHION_MNIST_SIZE } from './data/fashion-mnist.js';
export { loadCsv } from './data/csv.js';
export { loadJson } from './data/json.js';
export { loadNpy, parseNpy, encodeNpy, type NpyArray } from './data/npy.js';

// ── commands the CLI calls (runtime/commands) ──
export { runTrain, type TrainCommandOptions } from './commands/train.js';
export { runSample, writeSamples, type SampleCommandOptions, type SampledArray } from './commands/sample.js';
export { runEval, type EvalCommandOptions } from './commands/eval.js';
export type { CommandIo } from './commands/command-io.js';

// ── backends in Node (runtime/backend) ──
export { initBackend, type BackendName, type BackendInfo } from './backend/index.js';
