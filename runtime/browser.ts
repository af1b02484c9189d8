/**
 * sgm/runtime, browser-safe entry (package.json `exports` condition `browser`, and `default`): what generated
 * model modules call, training without files (train-loop.ts), evaluation, data from memory (CSV text, arrays,
 * synthetic draws) and the page's backend selection (WebGPU, WebGL, WASM, CPU). Imports nothing from Node;
 * test/browser/bundle-entries.test.ts bundles it for the browser and fails on any Node import. The Node entry,
 * index.ts, adds files: checkpoints, logs, named data sets on disk, the model cache, the native kernels.
 * See docs/api.md and docs/runtime.md.
 */
export type * from './model-api.js';
export { UserError, isUserError } from './errors.js';

// ── training without files (runtime/train) ──
export { trainLoop, type TrainLoopOptions, type TrainLoopStep, type TrainLoopSummary } from './train/train-loop.js';
export { trainStep, type StepOutcome } from './train/step.js';
export { TRAIN_DEFAULTS } from './train/options.js';
export { createAdam, trainableVariables, type AdamSettings } from './train/adam.js';
export { evaluateObjective, type EvalOptions, type EvalResult } from './train/evaluate.js';
export { BatchSchedule } from './train/batch-schedule.js';

// ── data in memory (runtime/data) ──
export { makeDataset, takeRows, type Dataset, type Column, type TruthArray } from './data/dataset.js';
export { bindData, bindModelData, formatShape, type BoundData, type BoundDeclaration } from './data/bind.js';
export { splitDataset, DEFAULT_TEST_FRACTION, type Split, type SplitOptions } from './data/split.js';
export { parseCsv } from './data/parse-csv.js';
export {
  syntheticPoisson,
  syntheticBinomial,
  syntheticNegativeBinomial,
  syntheticMultinomial,
  type SyntheticOptions,
} from './data/synthetic.js';
export { syntheticTopicCorpus, TOPIC_CORPUS_DEFAULTS, type TopicCorpusOptions } from './data/topic-corpus.js';

// ── evaluation (runtime/eval) ──
export * from './eval/index.js';

// ── what generated model modules call (compiler/codegen) ──
export { dense, mlp, initDense, initMlp, ownedVariable, variablesOf, type DenseWeights } from './nn/index.js';
export { sumToBatch, stopGradient, matmulLast, planarFlowVariables, truncatedPmfOf, requireData, requireDim, select, splitSamples, type AxisSelection, type OneHotIndex } from './ops/index.js';
// Every estimator's run-time helpers (a new estimator adds its export to runtime/estimators/index.ts only).
export * from './estimators/index.js';
export { anneal, ramp, type AnnealKind } from './schedules.js';

// ── backends in a page (runtime/backend) ──
export {
  initBrowserBackend,
  currentBrowserBackend,
  describeBrowserBackend,
  BROWSER_BACKEND_ORDER,
  type BrowserBackendOptions,
} from './backend/select-backend-browser.js';
export { formatBackendLine, type BackendInfo, type BackendName } from './backend/backend-report.js';
