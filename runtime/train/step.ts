/**
 * One optimizer step: the objective and its gradients, every reported scalar read back in one transfer, the
 * finiteness check, and (only when everything is finite) Adam's update and the model's after-step hook.
 * Every tensor the step creates is disposed before it returns: tf.memory().numTensors is the same after
 * every step once Adam's moment slots exist (test/runtime/trainer.test.ts checks it).
 */
import { tf } from '../../stdlib/tf.js';
import type { Batch, ModelInstance, StepContext } from '../model-api.js';
import { sumOfSquares } from '../backend/sum-of-squares.js';
import { nonFiniteGradients } from './nan-guard.js';
import { replayOffReason, StepReplayer, type RegionResult, type ReplayStatus } from './replay/index.js';

/** The numbers of a step, and what was not finite if anything. */
export interface StepOutcome {
  readonly loss: number;
  readonly value: number;
  readonly metrics: Record<string, number>;
  /** Global L2 norm of the gradients. */
  readonly gradNorm: number;
  /** True when the update was applied (loss, value, metrics and gradients all finite). */
  readonly applied: boolean;
  /** Names among loss, value and the metrics whose value is not finite. */
  readonly badScalars: string[];
  /** Trainable variables with a non-finite gradient entry. */
  readonly badGradients: string[];
}

/** The tensors of a step before any read-back: the stats vector and the gradients present, by variable name. */
interface StepMeta {
  readonly metricNames: string[];
  /** Names of the variables with a gradient, in the order of the gradient tensors after the stats. */
  readonly gradNames: string[];
}

/** Replay state per model and list of trainables (runtime/train/replay). */
const replayers = new WeakMap<ModelInstance, { trainables: ReadonlyArray<[string, tf.Variable]>; replayer: StepReplayer<StepMeta> }>();

function replayerFor(model: ModelInstance, trainables: ReadonlyArray<[string, tf.Variable]>): StepReplayer<StepMeta> {
  const known = replayers.get(model);
  if (known !== undefined && known.trainables.length === trainables.length && known.trainables.every(([, v], i) => v === trainables[i][1])) return known.replayer;
  const replayer = new StepReplayer<StepMeta>(model.variables, replayOffReason(model.replayableStep));
  replayers.set(model, { trainables, replayer });
  return replayer;
}

/** Where step replay stands for a model trained with trainStep (undefined before its first step). */
export function stepReplayStatus(model: ModelInstance): ReplayStatus | undefined {
  return replayers.get(model)?.replayer.status;
}

/**
 * Tells `note` whether `model`'s steps are replayed, once that is known (after two recorded steps); silent for a
 * model that does not declare a replayable step.
 */
export function replayNote(model: ModelInstance, note: (line: string) => void): void {
  const s = stepReplayStatus(model);
  if (s?.state === 'replaying') note(`step replay: on (${s.kernels} kernels per step)`);
  else if (s !== undefined && model.replayableStep === true) note(`step replay: off: ${s.reason ?? 'still recording'}`);
}

/** Collects the wall time of each replayed kernel of `model`'s steps into `timing` (undefined: stop). */
export function timeReplayedKernels(model: ModelInstance, timing: Map<string, { ms: number; calls: number }> | undefined): void {
  const entry = replayers.get(model);
  if (entry !== undefined) entry.replayer.timing = timing;
}

/**
 * The objective's gradients and the step's scalars [loss, value, ...metrics, gradient norm] as one vector: what
 * a step computes before it reads anything back. Recorded and replayed as a whole (runtime/train/replay).
 */
function stepTensors(model: ModelInstance, batch: Batch, ctx: StepContext, trainables: ReadonlyArray<[string, tf.Variable]>): RegionResult<StepMeta> {
  let metricNames: string[] = [];
  let kept: tf.Tensor[] = [];
  const { value: loss, grads } = tf.variableGrads(() => {
    const r = model.objective(batch, ctx);
    metricNames = Object.keys(r.metrics);
    // The forward pass runs inside a tidy that keeps only the loss: keep the reported scalars too.
    kept = [r.value, ...metricNames.map((k) => r.metrics[k])].map((t) => tf.keep(t));
    return r.loss;
  }, trainables.map(([, v]) => v));
  const present = trainables.filter(([, v]) => grads[v.name] !== undefined).map(([, v]) => v.name);
  try {
    const stats = tf.tidy(() => {
      // One kernel and one pass over the gradients where sgm registered it (sum-of-squares.ts), not 2n + 1.
      const norm = tf.sqrt(sumOfSquares(present.map((name) => grads[name])));
      return tf.stack([loss, ...kept, norm].map((t) => tf.reshape(t, [])));
    });
    return { tensors: [stats, ...present.map((name) => grads[name])], meta: { metricNames, gradNames: present } };
  } catch (e) {
    tf.dispose(grads);
    throw e;
  } finally {
    tf.dispose(kept);
    loss.dispose();
  }
}

/** Runs one training step on `batch` (see the module comment); the caller owns and disposes the batch. */
export function trainStep(
  model: ModelInstance,
  batch: Batch,
  ctx: StepContext,
  optimizer: tf.Optimizer,
  trainables: ReadonlyArray<[string, tf.Variable]>,
): StepOutcome {
  const { tensors, meta } = replayerFor(model, trainables).run(batch, ctx.rng, (rng) => stepTensors(model, batch, { ...ctx, rng }, trainables));
  const [stats, ...gradList] = tensors;
  const grads: tf.NamedTensorMap = Object.fromEntries(meta.gradNames.map((name, i) => [name, gradList[i]]));
  try {
    const v = Array.from(stats.dataSync());
    const metrics = Object.fromEntries(meta.metricNames.map((k, i) => [k, v[2 + i]]));
    const [lossValue, value] = v;
    const gradNorm = v[v.length - 1];
    const badScalars = [['loss', lossValue] as const, ['value', value] as const, ...Object.entries(metrics)]
      .filter(([, x]) => !Number.isFinite(x))
      .map(([k]) => k);
    // A NaN/Inf entry makes the norm non-finite, so a finite norm clears every gradient in one pass; only a
    // non-finite norm (which squares of huge but finite entries can also overflow to) needs the per-variable check.
    const badGradients = Number.isFinite(gradNorm) ? [] : nonFiniteGradients(grads, trainables);
    const applied = badScalars.length === 0 && badGradients.length === 0;
    if (applied) {
      // Every trainable in its fixed position, so Adam's slot i always belongs to variable i (adam.ts).
      // A variable the loss does not reach has no gradient; tfjs' Adam skips its update.
      optimizer.applyGradients(trainables.map(([, variable]) => ({ name: variable.name, tensor: grads[variable.name] as tf.Tensor })));
      model.afterStep?.();
    }
    return { loss: lossValue, value, metrics, gradNorm, applied, badScalars, badGradients };
  } finally {
    tf.dispose(tensors);
  }
}
