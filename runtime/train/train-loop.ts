/**
 * Training without files: the same steps as `train` (trainer.ts) — Adam in the trainer's variable order, the batch
 * order of BatchSchedule, the step random stream derived from the seed, the NaN/Inf guard — minus checkpoints,
 * the JSONL log and the progress bar, which need a file system or a terminal. A web page (the playground) and a
 * library user's script call it; given the same seed, model and data, its steps are the trainer's steps, so the
 * first-step loss in a page equals `sgm train`'s on the same backend. Imports nothing from Node.
 */
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import type { BoundData } from '../data/bind.js';
import { deriveSeed } from '../data/js-random.js';
import { UserError } from '../errors.js';
import type { ModelInstance } from '../model-api.js';
import { createAdam, trainableVariables } from './adam.js';
import { BatchSchedule } from './batch-schedule.js';
import { TRAIN_DEFAULTS } from './options.js';
import { trainStep } from './step.js';

/** Options of `trainLoop`. */
export interface TrainLoopOptions {
  readonly steps: number;
  readonly batchSize: number;
  /** Default: the trainer's (TRAIN_DEFAULTS). */
  readonly learningRate?: number;
  readonly seed?: number;
  /** Called after every applied step with its numbers and the step's wall time in milliseconds. */
  readonly onStep?: (report: TrainLoopStep) => void | Promise<void>;
  /** Stops between steps when aborted (status 'interrupted'). */
  readonly signal?: AbortSignal;
  /** Yield to the event loop every this many steps (default 1), so a page stays responsive and can draw. */
  readonly yieldEvery?: number;
}

/** One step's report. */
export interface TrainLoopStep {
  /** Steps done (1-based). */
  readonly step: number;
  readonly loss: number;
  readonly value: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly gradNorm: number;
  /** Wall time of the step (batch, forward, backward, update, read-back), ms. */
  readonly ms: number;
}

/** The result of `trainLoop`. */
export interface TrainLoopSummary {
  readonly status: 'completed' | 'interrupted' | 'non-finite';
  readonly step: number;
  readonly losses: readonly number[];
  /** When a step was not finite: what was not (the update was not applied). */
  readonly failure?: string;
}

/** Trains `model` on `data` for `options.steps` steps (see the module comment). */
export async function trainLoop(model: ModelInstance, data: BoundData, options: TrainLoopOptions): Promise<TrainLoopSummary> {
  const trainables = trainableVariables(model);
  if (trainables.length === 0) throw new UserError(`model '${model.metadata.name}' has no trainable variables: nothing to train`);
  const seed = options.seed ?? TRAIN_DEFAULTS.seed;
  if (data.fixedBatchSize !== undefined && data.fixedBatchSize !== options.batchSize) {
    throw new UserError(`the model's data fixes the batch size to ${data.fixedBatchSize}, but the batch size is ${options.batchSize}`);
  }
  const schedule = new BatchSchedule(data.size, options.batchSize, seed);
  const optimizer = createAdam({
    learningRate: options.learningRate ?? TRAIN_DEFAULTS.learningRate,
    beta1: TRAIN_DEFAULTS.beta1,
    beta2: TRAIN_DEFAULTS.beta2,
  });
  const rng = new RandomStream(deriveSeed(seed, 'steps'));
  const losses: number[] = [];
  const yieldEvery = Math.max(1, options.yieldEvery ?? 1);
  let step = 0;
  try {
    while (step < options.steps) {
      if (options.signal?.aborted) return { status: 'interrupted', step, losses };
      const start = performance.now();
      // Drawn columns (binarize=dynamic) keyed by the seed and the step, as the trainer does: a fresh draw per step.
      const batch = data.batch(schedule.indices(step), { seed, index: step });
      try {
        const out = trainStep(model, batch, { step, rng }, optimizer, trainables);
        if (!out.applied) {
          const what = [...out.badScalars, ...out.badGradients.map((v) => `gradient of ${v}`)].join(', ');
          return { status: 'non-finite', step, losses, failure: `step ${step + 1}: not finite: ${what}; the update was not applied` };
        }
        step++;
        losses.push(out.loss);
        await options.onStep?.({ step, loss: out.loss, value: out.value, metrics: out.metrics, gradNorm: out.gradNorm, ms: performance.now() - start });
      } finally {
        tf.dispose(Object.values(batch));
      }
      // A macrotask, not a microtask: lets the page paint and handle input between steps.
      if (step % yieldEvery === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { status: 'completed', step, losses };
  } finally {
    optimizer.dispose();
  }
}
