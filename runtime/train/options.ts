/** Training options, their defaults (docs/runtime.md, "Training options") and their validation. */
import type { tf } from '../../stdlib/tf.js';
import { UserError } from '../errors.js';
import type { AdamSettings } from './adam.js';
import { parseLrSchedule } from './lr-schedule.js';
import type { ProgressOptions } from './progress.js';

/** What the trainer reports after every step (for callers that watch training, e.g. tests of tensor leaks). */
export interface StepReport {
  /** Completed steps, counted from 1. */
  readonly step: number;
  readonly loss: number;
  readonly value: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly gradNorm: number;
}

/** Options of `train`. Only `steps` and `batchSize` are required. */
export interface TrainOptions {
  /** Total optimizer steps of the run; a resumed run continues until it has done this many. */
  readonly steps: number;
  readonly batchSize: number;
  /** Seed of batch order and of every sampler of the steps (the model's initialisation has its own seed). */
  readonly seed?: number;
  readonly learningRate?: number;
  /**
   * Learning-rate schedule (lr-schedule.ts), e.g. 'warmup(500) * cosine(steps=20000)': the rate at step t is
   * learningRate · f(t), logged as the metric `lr`. A resumed run keeps the checkpoint's schedule.
   */
  readonly lrSchedule?: string;
  readonly beta1?: number;
  readonly beta2?: number;
  /** Adam's epsilon; default the backend's (1e-7 on CPU/WASM). */
  readonly epsilon?: number;
  /** Write a `train` record to the log every this many steps (and at the first and last step). */
  readonly logEvery?: number;
  /** Evaluate on the test data every this many steps (0: only at the end). */
  readonly evalEvery?: number;
  /** Evaluate on at most this many test batches (default: all). */
  readonly evalBatches?: number;
  /** Run directory for checkpoints and the log; none: nothing is written to disk unless `logFile` is given. */
  readonly checkpointDir?: string;
  /** Checkpoint every this many steps (0: only at the end); the end of the run always writes one. */
  readonly checkpointEvery?: number;
  /** Continue the run in `checkpointDir` from its checkpoint. */
  readonly resume?: boolean;
  /** Start afresh even if `checkpointDir` already holds a checkpoint (it is replaced at the first save). */
  readonly overwrite?: boolean;
  /** JSONL log path; default `<checkpointDir>/train.jsonl`. */
  readonly logFile?: string;
  /** Progress display options, or false for none. */
  readonly progress?: ProgressOptions | false;
  /** Called after every completed step; a returned promise is awaited before the next step. */
  readonly onStep?: (report: StepReport) => unknown;
  /** Stops training at the next step boundary, writing a checkpoint (e.g. on SIGINT). */
  readonly signal?: AbortSignal;
  /**
   * Makes the optimizer (default: tfjs' Adam, `createAdam`). Any subclass of tfjs' AdamOptimizer with its state
   * layout (e.g. the backend's fused Adam) keeps checkpoints exact; both runs of a resume must use the same one.
   */
  readonly createOptimizer?: (settings: AdamSettings) => tf.AdamOptimizer;
  /** Milliseconds clock for rates and ETA (injectable for tests); default performance.now. */
  readonly clock?: () => number;
}

/** Defaults of the optional numeric options. */
export const TRAIN_DEFAULTS = {
  seed: 0,
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  logEvery: 10,
  evalEvery: 500,
  checkpointEvery: 500,
} as const;

/**
 * How often the loop yields to the event loop, in ms: often enough that Ctrl-C (SIGINT → abort, handled there)
 * stops training within about a second, rarely enough that V8's idle-time full GCs, which a yield lets run, do
 * not run every step. Yielding after every step cost 4-5 ms per step of extra mark-compact GC on the reference
 * VAE (19 instead of 7 full GCs in 100 steps; 9 % of a 53 ms WASM step, 30 % of a 17 ms native one; bench/NOTES.md
 * change 10).
 */
export const YIELD_EVERY_MS = 1000;

/** Checks every numeric option; a bad one is a one-line UserError naming it. */
export function validateTrainOptions(o: TrainOptions): void {
  wholeNumber('steps', o.steps, 1);
  wholeNumber('batch size', o.batchSize, 1);
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new UserError(`seed must be a whole number, got ${o.seed}`);
  if (o.learningRate !== undefined && !(o.learningRate > 0 && Number.isFinite(o.learningRate))) {
    throw new UserError(`learning rate must be a finite number > 0, got ${o.learningRate}`);
  }
  if (o.lrSchedule !== undefined) parseLrSchedule(o.lrSchedule);
  for (const [name, b] of [['beta1', o.beta1], ['beta2', o.beta2]] as const) {
    if (b !== undefined && !(b >= 0 && b < 1)) throw new UserError(`${name} must be in [0, 1), got ${b}`);
  }
  if (o.epsilon !== undefined && !(o.epsilon > 0)) throw new UserError(`epsilon must be > 0, got ${o.epsilon}`);
  for (const [name, v] of [
    ['log interval', o.logEvery],
    ['eval interval', o.evalEvery],
    ['checkpoint interval', o.checkpointEvery],
  ] as const) {
    if (v !== undefined) wholeNumber(name, v, 0);
  }
  if (o.evalBatches !== undefined) wholeNumber('eval batches', o.evalBatches, 1);
  if (o.resume && o.checkpointDir === undefined) throw new UserError('--resume needs the run directory that holds the checkpoint (--checkpoint DIR)');
  if (o.resume && o.overwrite) throw new UserError('--resume and --overwrite contradict each other');
}

function wholeNumber(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new UserError(`${name} must be a whole number >= ${min}, got ${v}`);
}
