/**
 * What stdlib code tells a step recorder (runtime/train/replay) while a training step is being recorded.
 *
 * The runtime may record the kernels of one training step and replay them for the following steps without
 * running the model's JavaScript again (docs/performance.md, "Step replay"). A replay is only right when the
 * JavaScript made the same decisions it made while recording. A decision that depends on the VALUES of a tensor
 * (a read-back) therefore has to be declared here, with a check the replay can run on the next step's tensor
 * instead: the replay runs the check first and falls back to the model's own code when it gives another answer.
 * A read-back that is not declared (and not of a value fixed for the whole run) makes the step not replayable.
 *
 * Nothing here costs anything when no recorder is active (one null check).
 */
import type { tf } from './tf.js';

/** The recorder's side of the hooks (implemented by runtime/train/replay/recorder.ts). */
export interface StepRecorderHooks {
  /** The step's control flow took the branch where `check(t)` returned `result`. */
  decision(t: tf.Tensor, check: (t: tf.Tensor) => boolean, result: boolean): void;
}

/**
 * The active recorder lives on globalThis under a registered symbol, not in a module variable: a generated model
 * imported from the model cache under tsx can load its own copy of this module (as CommonJS), and a hook set in
 * the runtime's copy must still reach it.
 */
const KEY = Symbol.for('sgm.stepRecorder');
const slot = globalThis as { [KEY]?: StepRecorderHooks | null };

/** Installs `hooks` as the active recorder (null: none); returns the previous one. */
export function setStepRecorder(hooks: StepRecorderHooks | null): StepRecorderHooks | null {
  const previous = slot[KEY] ?? null;
  slot[KEY] = hooks;
  return previous;
}

/**
 * Runs `check(t)` (which may read t's values back) and declares the decision to an active recorder: a replay of the
 * step re-runs `check` on the corresponding tensor of its own batch and replays only when the answer is the same.
 * `check` must depend on nothing but t's values.
 */
export function decideOn(t: tf.Tensor, check: (t: tf.Tensor) => boolean): boolean {
  const result = check(t);
  slot[KEY]?.decision(t, check, result);
  return result;
}
