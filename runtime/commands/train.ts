/**
 * `sgm train`: everything between the parsed command line and the trainer. Loads and splits the dataset,
 * binds it to the model's `data` declarations, creates the model, trains, and reports. Every user mistake is
 * found before anything is written and thrown as a one-line UserError (exit 1); a run stopped by the NaN/Inf
 * guard returns exit code 1 with its message on stderr; the first Ctrl-C stops at the next step with a
 * checkpoint (a second one kills as usual).
 */
import { bindModelData } from '../data/bind.js';
import { loadDataset } from '../data/registry.js';
import { DEFAULT_TEST_FRACTION, splitDataset } from '../data/split.js';
import { readManifest } from '../checkpoint/read.js';
import type { CompiledModelModule } from '../model-api.js';
import { TRAIN_DEFAULTS, validateTrainOptions, type TrainOptions } from '../train/options.js';
import { checkRunDir, lockRunFolder, train, type TrainData, type TrainSummary } from '../train/trainer.js';
import type { CommandIo } from './command-io.js';

/** The options of `sgm train` (CLI flag in brackets). */
export interface TrainCommandOptions {
  /** Dataset spec [--data]: a name (mnist, mnist-binarized, fashion-mnist, synthetic:...) or a .csv/.json/.npy path. */
  readonly data: string;
  /** Total steps [--steps]. */
  readonly steps: number;
  /** Batch size [--batch]. */
  readonly batch: number;
  /** Seed of model initialisation, batch order and sampling [--seed]; default 0. */
  readonly seed?: number;
  /** Adam [--lr, --beta1, --beta2]. */
  readonly lr?: number;
  /** Learning-rate schedule [--lr-schedule] (train/lr-schedule.ts). */
  readonly lrSchedule?: string;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Run directory for checkpoints and the log [--checkpoint DIR]. */
  readonly checkpoint?: string;
  /** Continue the run in --checkpoint [--resume]. */
  readonly resume?: boolean;
  /** Replace a checkpoint already in --checkpoint [--overwrite]. */
  readonly overwrite?: boolean;
  /** Intervals in steps [--checkpoint-every, --eval-every, --log-every]. */
  readonly checkpointEvery?: number;
  readonly evalEvery?: number;
  readonly logEvery?: number;
  /** Evaluate on at most this many test batches [--eval-batches]. */
  readonly evalBatches?: number;
  /** Held-out fraction [--test-fraction], default 0.1; and the split's seed [--split-seed], default 0. */
  readonly testFraction?: number;
  readonly splitSeed?: number;
  /** JSONL log path [--log]; default <checkpoint>/train.jsonl. */
  readonly log?: string;
  /** Print the summary as one JSON object on stdout instead of a line of text [--json]. */
  readonly json?: boolean;
  /** No progress display and no notes on stderr; errors and the summary are still printed [--quiet]. */
  readonly quiet?: boolean;
  /** Install a SIGINT handler for a graceful stop (default true). */
  readonly catchSigint?: boolean;
  /**
   * Called once when the first step has run (every check passed, the run directory is in use): the CLI
   * writes the model's source and plan into the run directory there, for `sgm report` and `sgm eval`.
   */
  readonly onStarted?: () => void;
}

/** Runs `sgm train` for a compiled model module; resolves to the exit code (0, or 1 after the NaN/Inf guard) and the summary. */
export async function runTrain(
  module: CompiledModelModule,
  options: TrainCommandOptions,
  io: CommandIo,
): Promise<{ exitCode: 0 | 1; summary: TrainSummary }> {
  const controller = new AbortController();
  const trainOptions: TrainOptions = {
    steps: options.steps,
    batchSize: options.batch,
    ...defined({
      seed: options.seed,
      learningRate: options.lr,
      lrSchedule: options.lrSchedule,
      beta1: options.beta1,
      beta2: options.beta2,
      checkpointDir: options.checkpoint,
      resume: options.resume,
      overwrite: options.overwrite,
      checkpointEvery: options.checkpointEvery,
      evalEvery: options.evalEvery,
      logEvery: options.logEvery,
      evalBatches: options.evalBatches,
      logFile: options.log,
    }),
    progress: options.quiet ? false : { stream: { write: io.stderr, isTTY: io.isTty } },
    signal: controller.signal,
    ...(options.onStarted ? { onStep: once(options.onStarted) } : {}),
  };
  // Every user mistake surfaces here, before the model is created and before anything is written.
  validateTrainOptions(trainOptions);
  const dataset = loadDataset(options.data);
  // Bind the whole dataset once first, so a mismatch names the dataset's own size, not the training split's.
  bindModelData(module.metadata, dataset);
  const split = splitDataset(dataset, { testFraction: options.testFraction ?? DEFAULT_TEST_FRACTION, seed: options.splitSeed ?? 0 });
  const data = {
    train: bindModelData(module.metadata, split.train),
    ...(split.test ? { test: bindModelData(module.metadata, split.test) } : {}),
  };
  // The run folder is locked before it is inspected: another training on it is refused here, with its pid.
  const lock = options.checkpoint === undefined ? undefined : lockRunFolder(options.checkpoint, trainOptions);
  try {
    checkRunDir(trainOptions);
    return await createAndTrain(module, options, trainOptions, data, dataset.name, controller, io);
  } finally {
    lock?.release();
  }
}

/** The part of runTrain after every check: creates the model and trains it. */
async function createAndTrain(
  module: CompiledModelModule,
  options: TrainCommandOptions,
  trainOptions: TrainOptions,
  data: TrainData,
  datasetName: string,
  controller: AbortController,
  io: CommandIo,
): Promise<{ exitCode: 0 | 1; summary: TrainSummary }> {
  // A resumed run re-creates the model with its original seed (its weights are then replaced by the checkpoint's).
  const seed = options.resume ? readManifest(options.checkpoint!).manifest.settings.seed : (options.seed ?? TRAIN_DEFAULTS.seed);
  const note = (m: string): void => {
    if (!options.quiet) io.stderr(`${m}\n`);
  };
  const model = await module.create({ seed, log: note });
  const onSigint = (): void => {
    io.stderr('\ninterrupt: stopping after this step and writing a checkpoint (Ctrl-C again to kill)\n');
    controller.abort();
    process.removeListener('SIGINT', onSigint);
  };
  if (options.catchSigint ?? true) process.on('SIGINT', onSigint);
  try {
    note(`training ${module.metadata.name} on ${datasetName}: ${data.train.size} training rows, ${data.test?.size ?? 0} test rows`);
    // On resume, train() compares a --seed given explicitly with the checkpoint's (and refuses another).
    const summary = await train(model, data, options.resume ? trainOptions : { ...trainOptions, seed });
    const failed = summary.status === 'non-finite';
    if (failed) io.stderr(`error: ${summary.message}\n`);
    if (options.json) io.stdout(`${JSON.stringify({ model: module.metadata.name, dataset: datasetName, ...summary })}\n`);
    else if (!failed) io.stdout(`${summary.message}\n`);
    return { exitCode: failed ? 1 : 0, summary };
  } finally {
    process.removeListener('SIGINT', onSigint);
    model.dispose();
  }
}

/** The entries of `o` whose value is not undefined (so defaults apply under exactOptionalPropertyTypes-style spreads). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A function that calls `f` the first time only. */
function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
