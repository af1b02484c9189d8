/**
 * Step replay: the training step of a compiled model, recorded once and replayed as a flat list of kernel calls.
 *
 * A step through tfjs runs the model's JavaScript, every op's argument checks and shape inference, the gradient
 * tape, the backward closures and the tidy scopes around ~140 kernels; on the reference step that bookkeeping cost
 * more than the kernels outside the GEMMs (docs/performance.md). The kernels themselves are all that a step of a
 * compiled model needs to compute again: its control flow is fixed by the compiler, its inputs are the batch, the
 * variables and the random stream's draws. So the runtime records two consecutive steps (recorder.ts) while they
 * run normally, checks that they agree call for call, and from the third step on replays the kernel list
 * (program.ts): the same kernel functions, attributes, shapes and draws in the same order, hence the same bits.
 *
 * A model opts in through `ModelInstance.replayableStep` (set by the compiler when the objective uses no schedule
 * of the step number and no estimator with state of its own); SGM_REPLAY=0 turns replay off. Anything the
 * recorder or the comparison finds that a replay could get wrong keeps the normal path, with the reason in
 * `status`; a batch of another shape (the last, smaller batch of an epoch) is recorded separately.
 */
import type { RandomStream } from '../../../stdlib/random.js';
import { tf } from '../../../stdlib/tf.js';
import type { Batch } from '../../model-api.js';
import { compileSteps, type Leaf, type RecordedStep, type StepProgram } from './program.js';
import { recordStep } from './recorder.js';

/** What a replayed region returns: tensors (replayed) and JavaScript values (taken from the record). */
export interface RegionResult<M> {
  readonly tensors: tf.Tensor[];
  readonly meta: M;
}

/** Where replay stands for a model. */
export interface ReplayStatus {
  readonly state: 'recording' | 'replaying' | 'off';
  /** Why replay is off (or why the last recording could not be used). */
  readonly reason?: string;
  /** Kernel calls of a replayed step. */
  readonly kernels?: number;
}

/** Records per batch shape before giving up on replaying that shape. */
const MAX_ATTEMPTS = 3;
/** Batch shapes with a program of their own (the full batch and the last, smaller one of an epoch). */
const MAX_SHAPES = 4;
const BACKENDS = new Set(['wasm', 'cpu']);

interface ShapeState {
  pending: (RecordedStep & { readonly meta: string }) | null;
  program: StepProgram | null;
  meta: unknown;
  attempts: number;
  reason?: string;
}

/** The replay state of one model's step; see the module comment. */
export class StepReplayer<M> {
  private readonly shapes = new Map<string, ShapeState>();
  private lastReason: string | undefined;
  /** When set, replayed kernels add their wall times here (StepProgram.run). */
  timing: Map<string, { ms: number; calls: number }> | undefined;

  constructor(
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    private readonly offReason: string | null,
  ) {}

  /** Where replay stands (for progress lines, benches and tests). */
  get status(): ReplayStatus {
    if (this.offReason !== null) return { state: 'off', reason: this.offReason };
    const programs = [...this.shapes.values()].filter((s) => s.program !== null);
    if (programs.length > 0) return { state: 'replaying', kernels: programs[0].program!.kernels, ...(this.lastReason ? { reason: this.lastReason } : {}) };
    const stuck = [...this.shapes.values()].find((s) => s.attempts >= MAX_ATTEMPTS);
    if (stuck) return { state: 'off', reason: stuck.reason };
    return { state: 'recording', ...(this.lastReason ? { reason: this.lastReason } : {}) };
  }

  /** Runs `region` for this step: replayed when a program for this batch shape exists and accepts the batch. */
  run(batch: Batch, rng: RandomStream, region: (rng: RandomStream) => RegionResult<M>): RegionResult<M> {
    if (this.offReason !== null || !BACKENDS.has(tf.getBackend())) return region(rng);
    const key = Object.entries(batch)
      .map(([k, t]) => `${k}:${t.shape.join('x')}`)
      .join(',');
    let state = this.shapes.get(key);
    if (state === undefined) {
      if (this.shapes.size >= MAX_SHAPES) return region(rng);
      state = { pending: null, program: null, meta: undefined, attempts: 0 };
      this.shapes.set(key, state);
    }
    if (state.program !== null) {
      const refusal = state.program.refusal(batch);
      if (refusal === null) return { tensors: state.program.run(batch, rng, this.timing), meta: state.meta as M };
      this.lastReason = refusal;
      return region(rng);
    }
    if (state.attempts >= MAX_ATTEMPTS) return region(rng);
    return this.record(state, batch, rng, region);
  }

  private record(state: ShapeState, batch: Batch, rng: RandomStream, region: (rng: RandomStream) => RegionResult<M>): RegionResult<M> {
    const leaves = new Map<tf.DataId, Leaf>();
    for (const variable of this.variables.values()) leaves.set(variable.dataId, { kind: 'variable', variable });
    for (const [key, t] of Object.entries(batch)) if (!leaves.has(t.dataId)) leaves.set(t.dataId, { kind: 'batch', key });
    const { result, record } = recordStep(rng, region);
    const step = { record, leaves, outputs: result.tensors.map((t) => ({ dataId: t.dataId, shape: [...t.shape], dtype: t.dtype })), meta: JSON.stringify(result.meta) };
    if (state.pending !== null) {
      state.attempts++;
      const verdict = state.pending.meta !== step.meta ? { reason: 'the step returned other values' } : compileSteps(state.pending, step);
      if ('program' in verdict) {
        state.program = verdict.program;
        state.meta = result.meta;
        state.pending = null;
        return result;
      }
      state.reason = verdict.reason;
      this.lastReason = verdict.reason;
    }
    state.pending = record.problems.length > 0 ? null : step;
    if (record.problems.length > 0) {
      state.attempts = MAX_ATTEMPTS;
      state.reason = record.problems.join('; ');
    }
    return result;
  }
}

/** Why a model's step is never replayed (null: it may be). */
export function replayOffReason(replayable: boolean | undefined): string | null {
  if (typeof process !== 'undefined' && process.env?.SGM_REPLAY === '0') return 'SGM_REPLAY=0';
  if (replayable !== true) return 'the model does not declare its step replayable (schedules of the step number, estimators with state, or not compiled by sgm)';
  return null;
}
