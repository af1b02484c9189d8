/**
 * The training loop (docs/runtime.md): Adam on minibatches in a seeded order, progress display, JSONL log,
 * periodic evaluation on held-out data, atomic checkpoints with exact resume, and the NaN/Inf guard.
 *
 * Step numbering: `StepContext.step` is 0-based (the step being computed, at which schedules are evaluated);
 * logs, messages and checkpoints count completed steps from 1, so the checkpoint "at step 500" has done
 * steps 0..499 and resumes with ctx.step = 500.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import { deriveSeed } from '../data/js-random.js';
import type { BoundData } from '../data/bind.js';
import { UserError } from '../errors.js';
import type { ModelInstance } from '../model-api.js';
import type { CheckpointManifest, ManifestContent, TrainingSettings } from '../checkpoint/format.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from '../checkpoint/format.js';
import { checkModelStamp, modelStamp, restoreVariables, variableEntries } from '../checkpoint/model-state.js';
import { disposeCheckpoint, findCheckpoint, readCheckpoint, readManifest, verifyCheckpoint } from '../checkpoint/read.js';
import { ensureWritableDir, writeCheckpoint } from '../checkpoint/write.js';
import { lockRunDir, type RunLock } from '../checkpoint/lock.js';
import { adamEpsilon, adamState, createAdam, restoreAdam, trainableVariables } from './adam.js';
import { BatchSchedule } from './batch-schedule.js';
import { evaluateObjective, type EvalResult } from './evaluate.js';
import { JsonlLog } from './jsonl-log.js';
import { parseLrSchedule, setLearningRate } from './lr-schedule.js';
import { describeNonFinite, findNonFiniteNode } from './nan-guard.js';
import { TRAIN_DEFAULTS, YIELD_EVERY_MS, validateTrainOptions, type TrainOptions } from './options.js';
import { ProgressBar } from './progress.js';
import { replayNote, trainStep } from './step.js';

/** The data of a run: the bound training set and, optionally, held-out data for evaluation. */
export interface TrainData {
  readonly train: BoundData;
  readonly test?: BoundData;
}

/** Why training stopped. */
export type TrainStatus = 'completed' | 'non-finite' | 'interrupted';

/** What `train` returns. The CLI exits 0 when status is 'completed' or 'interrupted', 1 on 'non-finite'. */
export interface TrainSummary {
  readonly status: TrainStatus;
  /** Completed steps when this session started (0, or the checkpoint's step on resume). */
  readonly startStep: number;
  /** Completed steps when it stopped. */
  readonly step: number;
  /** The last completed step's numbers (undefined when no step ran). */
  readonly loss?: number;
  readonly value?: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly lastEval?: EvalResult & { readonly step: number };
  /** The last checkpoint on disk (written now or kept from before). */
  readonly checkpoint?: { readonly dir: string; readonly step: number };
  /** Set when the NaN/Inf guard stopped training. */
  readonly failure?: { readonly step: number; readonly node?: string; readonly line?: number; readonly message: string };
  readonly settings: TrainingSettings;
  /** One line for the user, e.g. "trained igr_vae to step 3000: loss 98.12 | elbo -98.12; test elbo -101.3". */
  readonly message: string;
}

/** The label of the objective's value in progress lines and logs: the objective's text when it is a name. */
export function valueLabel(model: ModelInstance): string {
  const text = model.metadata.objective.text.trim();
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(text) ? text : 'objective';
}

/**
 * The label of the minimised quantity in progress lines: with a score-function estimator the loss is a surrogate
 * whose gradient is the estimator's (its value is not the negative objective), so it is shown as `surrogate`.
 */
export function lossLabel(model: ModelInstance): string {
  return model.metadata.nodes.some((n) => n.estimator === 'reinforce') ? 'surrogate' : 'loss';
}

/**
 * Trains `model` on `data` (see the module comment); user mistakes throw UserError before anything is written.
 * The run folder is locked for the whole training (checkpoint/lock.ts): a second training on it is refused.
 */
export async function train(model: ModelInstance, data: TrainData, options: TrainOptions): Promise<TrainSummary> {
  validateTrainOptions(options);
  const lock = options.checkpointDir === undefined ? undefined : lockRunFolder(options.checkpointDir, options);
  try {
    return await trainLocked(model, data, options);
  } finally {
    lock?.release();
  }
}

/**
 * Creates run folder `dir` if needed (not for a resume, which needs a checkpoint there) and takes its lock (a
 * no-op handle when this process holds it already, as `sgm train` does from before its checks); a stale lock
 * taken over is noted on the progress stream.
 */
export function lockRunFolder(dir: string, options: Pick<TrainOptions, 'progress' | 'resume'> = {}): RunLock {
  // A resume needs a checkpoint there: say so before creating anything.
  if (options.resume) readManifest(dir);
  ensureWritableDir(dir);
  const stream = options.progress === false ? undefined : (options.progress?.stream ?? process.stderr);
  return lockRunDir(dir, (line) => stream?.write(`note: ${line}\n`));
}

async function trainLocked(model: ModelInstance, data: TrainData, options: TrainOptions): Promise<TrainSummary> {
  const dir = options.checkpointDir;
  const clock = options.clock ?? (() => performance.now());
  const trainables = trainableVariables(model);
  if (trainables.length === 0) throw new UserError(`model '${model.metadata.name}' has no trainable variables: nothing to train`);

  // Settings: a resumed run takes those that define it from the checkpoint (resumeSettings).
  const resumeFrom = options.resume ? readManifest(dir!) : undefined;
  const resumed = resumeFrom ? resumeSettings(resumeFrom.manifest.settings, options, resumeFrom.dir) : undefined;
  const settings: TrainingSettings = resumed?.settings ?? {
    seed: options.seed ?? TRAIN_DEFAULTS.seed,
    batchSize: options.batchSize,
    learningRate: options.learningRate ?? TRAIN_DEFAULTS.learningRate,
    ...(options.lrSchedule !== undefined ? { lrSchedule: parseLrSchedule(options.lrSchedule).text } : {}),
    beta1: options.beta1 ?? TRAIN_DEFAULTS.beta1,
    beta2: options.beta2 ?? TRAIN_DEFAULTS.beta2,
    epsilon: options.epsilon ?? Number.NaN, // filled in from the optimizer below
  };
  // The rate at step t is learningRate · f(t), a pure function of the step: a resume continues it exactly.
  const lrSchedule = settings.lrSchedule === undefined ? undefined : parseLrSchedule(settings.lrSchedule);
  const fixed = data.train.fixedBatchSize;
  if (fixed !== undefined && fixed !== settings.batchSize) {
    const spec = data.train.bindings.find((b) => b.spec.shape[0] === fixed)!.spec;
    throw new UserError(`data '${spec.name}' (line ${spec.line}) fixes the batch size to ${fixed}, but the batch size is ${settings.batchSize}`);
  }
  const schedule = new BatchSchedule(data.train.size, settings.batchSize, settings.seed);
  const fingerprint = data.train.fingerprint();
  if (resumeFrom) checkResumable(resumeFrom.manifest, resumeFrom.dir, model, data.train, fingerprint, options.steps);
  checkRunDir(options);

  const optimizer = (options.createOptimizer ?? createAdam)(settings.epsilon > 0 ? settings : { ...settings, epsilon: undefined });
  const finalSettings: TrainingSettings = { ...settings, epsilon: adamEpsilon(optimizer) };
  let rng = new RandomStream(deriveSeed(finalSettings.seed, 'steps'));
  let startStep = 0;
  let lastCheckpoint: { dir: string; step: number } | undefined;
  if (resumeFrom) {
    const ckpt = readCheckpoint(resumeFrom.dir);
    try {
      // Adam first: it only touches the fresh optimizer, and restoreVariables assigns only after all its checks,
      // so a refused checkpoint leaves the model as it was.
      await restoreAdam(optimizer, ckpt.manifest.optimizer, ckpt.tensors, trainables, ckpt.dir);
      restoreVariables(model, ckpt.tensors, ckpt.dir);
    } finally {
      disposeCheckpoint(ckpt);
    }
    rng = RandomStream.fromState(ckpt.manifest.rng);
    startStep = ckpt.manifest.step;
    lastCheckpoint = { dir: ckpt.dir, step: startStep };
  }

  const logPath = options.logFile ?? (dir !== undefined ? join(dir, 'train.jsonl') : undefined);
  const log = logPath === undefined ? undefined : openLog(logPath, dir, resumeFrom?.manifest);
  const label = valueLabel(model);
  try {
    log?.write({
      type: resumeFrom ? 'resume' : 'start',
      step: startStep,
      time: new Date().toISOString(),
      model: model.metadata.name,
      dataset: data.train.datasetName,
      trainSize: data.train.size,
      testSize: data.test?.size ?? 0,
      settings: finalSettings,
      ...(resumed?.changed ? { changed: { learningRate: resumed.changed.learningRate } } : {}),
      targetSteps: options.steps,
      ...(model.metadata.reports ? { reports: model.metadata.reports } : {}),
    });
  } catch (error) {
    // The log cannot be written (e.g. a full disk): nothing has run yet; release what was made.
    log?.close();
    optimizer.dispose();
    throw error;
  }
  const progress =
    options.progress === false
      ? undefined
      : new ProgressBar(options.progress ?? {}, { totalSteps: options.steps, startStep, valueLabel: label, lossLabel: lossLabel(model), clock });
  const note = (line: string): void => progress?.note(line);
  if (resumeFrom) note(`resuming from ${resumeFrom.dir} at step ${startStep}`);
  if (resumed?.changed) note(resumed.changed.message);

  const evalEvery = options.evalEvery ?? TRAIN_DEFAULTS.evalEvery;
  const ckptEvery = options.checkpointEvery ?? TRAIN_DEFAULTS.checkpointEvery;
  const logEvery = options.logEvery ?? TRAIN_DEFAULTS.logEvery;
  let last: { loss: number; value: number; metrics: Record<string, number> } | undefined;
  let lastEval: (EvalResult & { step: number }) | undefined;
  let failure: TrainSummary['failure'];
  let status: TrainStatus = 'completed';
  let step = startStep;
  let lastYield = performance.now();

  const evaluate = (): void => {
    if (!data.test) return;
    const r = evaluateObjective(model, data.test, {
      batchSize: finalSettings.batchSize,
      seed: finalSettings.seed,
      step,
      ...(options.evalBatches !== undefined ? { maxBatches: options.evalBatches } : {}),
    });
    lastEval = { ...r, step };
    log?.write({ type: 'eval', step, value: r.value, metrics: r.metrics, batches: r.batches, examples: r.examples });
    note(`eval at step ${step}: test ${label} ${r.value.toPrecision(6)} (${r.examples} examples)`);
  };
  const save = async (): Promise<void> => {
    if (dir === undefined) return;
    log?.write({ type: 'checkpoint', step, dir: join(dir, 'checkpoint') });
    const adam = await adamState(optimizer, trainables);
    const manifest: ManifestContent = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      step,
      settings: finalSettings,
      rng: rng.state(),
      data: {
        datasetName: data.train.datasetName,
        fingerprint,
        size: data.train.size,
        batchesPerEpoch: schedule.batchesPerEpoch,
        ...schedule.position(step),
      },
      model: modelStamp(model.metadata),
      optimizer: adam.scalars,
      metrics: last ? { loss: last.loss, value: last.value, ...last.metrics } : {},
      ...(log ? { log: { file: logReference(log.path, dir), bytes: log.bytes() } } : {}),
      targetSteps: options.steps,
      createdAt: new Date().toISOString(),
    };
    // A fresh run's first save replaces another run's checkpoint (--overwrite): that one is not kept as previous.
    const samePrevious = resumeFrom !== undefined || lastCheckpoint !== undefined;
    lastCheckpoint = { dir: await writeCheckpoint(dir, manifest, [...variableEntries(model), ...adam.tensors], { samePrevious }), step };
    note(`checkpoint at step ${step}: ${lastCheckpoint.dir}`);
  };

  try {
    while (step < options.steps) {
      if (options.signal?.aborted) {
        status = 'interrupted';
        break;
      }
      // Drawn columns (binarize=dynamic) are keyed by the run's seed and the step: a resumed run draws the same.
      const batch = data.train.batch(schedule.indices(step), { seed: finalSettings.seed, index: step });
      const rngBefore = rng.state();
      const lr = lrSchedule ? finalSettings.learningRate * lrSchedule.factor(step) : undefined;
      if (lr !== undefined) setLearningRate(optimizer, lr);
      try {
        const stepped = trainStep(model, batch, { step, rng }, optimizer, trainables);
        if (step === startStep + 2) replayNote(model, note);
        // The rate this step used is a metric (`lr`): logged, in the progress line and in the report's schedules.
        const out = lr === undefined ? stepped : { ...stepped, metrics: { ...stepped.metrics, lr } };
        if (!out.applied) {
          const replay = { step, rng: RandomStream.fromState(rngBefore) };
          const found = findNonFiniteNode(model, batch, replay);
          const what = describeNonFinite(found, out.badGradients, out.badScalars);
          const kept = lastCheckpoint ? `the last good checkpoint (step ${lastCheckpoint.step}) is kept in ${lastCheckpoint.dir}` : 'no checkpoint was written';
          failure = {
            step: step + 1,
            ...(found ? { node: found.node, ...(found.line !== undefined ? { line: found.line } : {}) } : {}),
            message: `step ${step + 1}: ${what}; training stopped before applying this update, ${kept}`,
          };
          log?.write({ type: 'non_finite', loss: out.loss, value: out.value, metrics: out.metrics, ...failure });
          status = 'non-finite';
          break;
        }
        step++;
        last = { loss: out.loss, value: out.value, metrics: out.metrics };
        await options.onStep?.({ step, ...last, gradNorm: out.gradNorm });
        // The run's first and last steps and every logEvery-th: the same steps whether or not the run was resumed.
        if (step % Math.max(logEvery, 1) === 0 || step === options.steps || step === 1) {
          log?.write({ type: 'train', step, loss: out.loss, value: out.value, metrics: out.metrics, gradNorm: out.gradNorm, stepsPerSecond: progress?.rate(step) });
        }
        progress?.update(step, last);
      } finally {
        tf.dispose(Object.values(batch));
      }
      if (evalEvery > 0 && step % evalEvery === 0 && step < options.steps) evaluate();
      if (ckptEvery > 0 && step % ckptEvery === 0 && step < options.steps) await save();
      // Let signal handlers (SIGINT → abort) run between steps, once a second (YIELD_EVERY_MS); real time, not
      // options.clock, which tests replace.
      if (performance.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    if (status !== 'non-finite') {
      if (status === 'completed' && lastEval?.step !== step) evaluate();
      if (lastCheckpoint?.step !== step) await save();
    }
  } finally {
    progress?.finish();
    try {
      if (log?.writable) log.write({ type: 'end', step, status, time: new Date().toISOString() });
    } finally {
      log?.close();
      optimizer.dispose();
    }
  }

  const summary: TrainSummary = {
    status,
    startStep,
    step,
    ...(last ? { loss: last.loss, value: last.value } : {}),
    metrics: last?.metrics ?? {},
    ...(lastEval ? { lastEval } : {}),
    ...(lastCheckpoint ? { checkpoint: lastCheckpoint } : {}),
    ...(failure ? { failure } : {}),
    settings: finalSettings,
    message: '',
  };
  return { ...summary, message: summarize(model, summary, label) };
}

/**
 * Checks the run directory before any work (the CLI calls it before creating the model): with `resume` it
 * must hold a checkpoint; without, it must not (unless `overwrite`); either way it must be writable.
 */
export function checkRunDir(options: Pick<TrainOptions, 'checkpointDir' | 'resume' | 'overwrite'>): void {
  const dir = options.checkpointDir;
  if (dir === undefined) return;
  // Resuming: every file of the checkpoint is verified (schema, sizes, checksums) before anything is written.
  if (options.resume) verifyCheckpoint(dir);
  else if (findCheckpoint(dir) !== undefined && !options.overwrite) {
    let step: number;
    try {
      step = readManifest(dir).manifest.step;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      throw new UserError(`'${dir}' already holds a damaged checkpoint (${error.message}): pass --overwrite to start afresh, or use another directory`);
    }
    throw new UserError(`'${dir}' already holds a checkpoint (step ${step}): pass --resume to continue it, --overwrite to start afresh, or use another directory`);
  }
  ensureWritableDir(dir);
}

/** A change of setting on resume, as the log records it. */
interface SettingChange {
  readonly learningRate: { readonly from: number; readonly to: number };
  readonly message: string;
}

/**
 * The settings of a resumed run: the checkpoint's, except the learning rate, which may be changed (a common
 * step in a long run: continue with a smaller rate; it is said on stderr and recorded in the log's `resume`
 * record, and the next checkpoint holds the new rate). The seed and Adam's betas and epsilon define the random
 * streams and Adam's running state, so another value given explicitly is refused. The batch size always comes
 * from the checkpoint (the CLI's --batch has a default, so it cannot tell "given" from "not given").
 */
function resumeSettings(saved: TrainingSettings, options: TrainOptions, dir: string): { settings: TrainingSettings; changed?: SettingChange } {
  const fixed = [
    ['seed', '--seed', options.seed, saved.seed],
    ['beta1', '--beta1', options.beta1, saved.beta1],
    ['beta2', '--beta2', options.beta2, saved.beta2],
    ['epsilon', 'epsilon', options.epsilon, saved.epsilon],
  ] as const;
  for (const [, flag, given, kept] of fixed) {
    if (given !== undefined && given !== kept) {
      throw new UserError(`checkpoint '${dir}' was trained with ${flag} ${kept}; a resumed run keeps it (only --lr may change on --resume): drop ${flag} ${given}, or start a new run`);
    }
  }
  // The schedule is part of the run (a resume continues it at the checkpoint's step): another one is refused.
  if (options.lrSchedule !== undefined) {
    const given = parseLrSchedule(options.lrSchedule).text;
    if (given !== (saved.lrSchedule ?? 'constant')) {
      throw new UserError(`checkpoint '${dir}' was trained with --lr-schedule '${saved.lrSchedule ?? 'constant'}'; a resumed run continues it: drop --lr-schedule '${options.lrSchedule}', or start a new run`);
    }
  }
  const lr = options.learningRate;
  if (lr === undefined || lr === saved.learningRate) return { settings: saved };
  return {
    settings: { ...saved, learningRate: lr },
    changed: {
      learningRate: { from: saved.learningRate, to: lr },
      message: `learning rate changed on resume: ${lr} from here on (the checkpoint was trained with ${saved.learningRate})`,
    },
  };
}

function checkResumable(
  manifest: CheckpointManifest,
  ckptDir: string,
  model: ModelInstance,
  train: BoundData,
  fingerprint: string,
  steps: number,
): void {
  checkModelStamp(manifest, model.metadata, ckptDir);
  if (manifest.data.fingerprint !== fingerprint) {
    throw new UserError(
      `checkpoint '${ckptDir}' was trained on other data ('${manifest.data.datasetName}', ${manifest.data.size} rows; now '${train.datasetName}', ${train.size} rows, or other values or split): resuming would not continue the same run`,
    );
  }
  if (manifest.step > steps) throw new UserError(`checkpoint '${ckptDir}' is at step ${manifest.step}, past the requested ${steps} steps`);
}

/** Opens the run's log: afresh for a new run; on resume, cut back to its size at the checkpoint. */
function openLog(path: string, dir: string | undefined, manifest: CheckpointManifest | undefined): JsonlLog {
  const savedPath = manifest?.log && dir !== undefined ? resolve(dir, manifest.log.file) : undefined;
  if (manifest === undefined) return JsonlLog.open(path, { truncateTo: 0 });
  return JsonlLog.open(path, savedPath === resolve(path) ? { truncateTo: manifest.log!.bytes } : {});
}

/** The log path as the manifest records it: relative to the run directory when inside it. */
function logReference(path: string, dir: string): string {
  const rel = relative(dir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

function summarize(model: ModelInstance, s: TrainSummary, label: string): string {
  if (s.failure) return s.failure.message;
  const parts = [`${s.status === 'interrupted' ? 'interrupted' : 'trained'} ${model.metadata.name} at step ${s.step}`];
  if (s.loss !== undefined) parts.push(`${lossLabel(model)} ${s.loss.toPrecision(6)}, ${label} ${s.value!.toPrecision(6)}`);
  if (s.lastEval) parts.push(`test ${label} ${s.lastEval.value.toPrecision(6)}`);
  if (s.checkpoint) parts.push(`checkpoint ${s.checkpoint.dir}`);
  return parts.join('; ');
}
