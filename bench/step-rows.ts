/**
 * The training steps the benchmark times, one function each. Adding a row is one entry here: a name, and a
 * factory that builds the step on the active backend and returns `{ step, dispose }`. `baseline: true` marks the
 * hand-written step; each row's ratio is taken against the hand-written row with the same optimizer
 * (yardstickOf); `compiled: true` marks a row that must stay within 1.05x of it (issue 6, "zero overhead").
 */
import { tf } from '../stdlib/tf.js';
import { fusedAdam } from '../runtime/backend/index.js';
import { RandomStream } from '../stdlib/random.js';
import { trainStep } from '../runtime/train/step.js';
import type { ModelInstance } from '../runtime/model-api.js';
import { loadCompiledForBench } from './compiled-model.js';
import { createReferenceVae, randomBinaryBatch, type LayerStyle } from './reference-vae.js';

/** One timed step and its cleanup. */
export interface BenchStep {
  /** Runs one training step (synchronously finished when it returns: the loss is read). */
  step(): void;
  dispose(): void;
  /** The model a compiled row trains (its replayed kernels are timed by bench/profile-step.ts). */
  readonly model?: ModelInstance;
}

/** A row of the step table. */
export interface StepRow {
  readonly id: string;
  readonly description: string;
  /** The hand-written yardstick of the ratio column. */
  readonly baseline?: boolean;
  /** A compiled model, held to ratio <= 1.05 against the baseline. */
  readonly compiled?: boolean;
  /** Rows that only make sense with sgm's backend fixes installed (e.g. those using FusedAdam). */
  readonly needsFixes?: boolean;
  create(seed: number): Promise<BenchStep>;
}

/** The hand-written reference step with a layer style and an optimizer. */
function referenceRow(layers: LayerStyle, optimizer: 'adam' | 'fusedAdam') {
  return async (seed: number): Promise<BenchStep> => {
    const x = randomBinaryBatch(seed + 1);
    const opt = optimizer === 'fusedAdam' ? fusedAdam(1e-3) : tf.train.adam(1e-3);
    const vae = createReferenceVae(seed, { layers, optimizer: opt });
    return {
      step: () => void vae.step(x),
      dispose: () => {
        vae.dispose();
        opt.dispose();
        x.dispose();
      },
    };
  };
}

/** The hand-written row a step is compared with: the one with the same optimizer (tf.train.adam or FusedAdam). */
export function yardstickOf(rowId: string): string {
  return rowId.includes('+ fusedAdam') ? 'hand-written + fusedAdam' : 'hand-written';
}

/** Every row, in table order. */
export const STEP_ROWS: readonly StepRow[] = [
  {
    id: 'hand-written',
    description: 'IGR VAE step in plain tfjs (matMul + add + act per layer, tf.train.adam)',
    baseline: true,
    create: referenceRow('plain', 'adam'),
  },
  {
    id: 'hand-written + fusedAdam',
    description: 'the same step with sgm FusedAdamOptimizer (one kernel per variable)',
    needsFixes: true,
    create: referenceRow('plain', 'fusedAdam'),
  },
  {
    id: 'sgm nn layers + fusedAdam',
    description: 'the same step through runtime/nn dense/mlp (fused kernels), as generated code calls them',
    needsFixes: true,
    create: referenceRow('sgm-nn', 'fusedAdam'),
  },
  {
    id: 'compiled igr_vae',
    description: 'models/igr_vae.sgm through `sgm compile`, trained by the runtime\'s step (replayed kernels) with tf.train.adam',
    compiled: true,
    // Generated code runs on sgm's runtime, whose dense layers call _FusedMatMul directly with sgm's registered
    // gradient; on tfjs as shipped (the "stock" configuration) WASM's _FusedMatMul aborts in that backward pass
    // ("memory access out of bounds", measured 2026-12-01), so the row is only meaningful with the fixes.
    needsFixes: true,
    create: compiledRow('adam'),
  },
  {
    id: 'compiled igr_vae + fusedAdam',
    description: 'the compiled model with sgm FusedAdamOptimizer',
    compiled: true,
    needsFixes: true,
    create: compiledRow('fusedAdam'),
  },
  {
    id: 'compiled igr_vae + fusedAdam, no replay',
    description: 'the same without step replay: objective, tape and gradients through tfjs on every step',
    needsFixes: true,
    create: compiledRow('fusedAdam', false),
  },
];

/**
 * The compiled reference model's step as `sgm train` runs it: the runtime's trainStep (the objective and its
 * gradients, the gradient norm and the NaN/Inf guard in one read-back, the optimizer update), whose kernels are
 * replayed from the third step on (runtime/train/replay) unless `replay` is false.
 */
function compiledRow(optimizer: 'adam' | 'fusedAdam', replay = true) {
  return async (seed: number): Promise<BenchStep> => {
    const module = await loadCompiledForBench('models/igr_vae.sgm');
    const created = await module.create({ seed });
    // The same instance with the replay declaration withdrawn: the step through tfjs' tape every time.
    const model = replay ? created : { ...created, replayableStep: false };
    const x = randomBinaryBatch(seed + 1);
    const opt = optimizer === 'fusedAdam' ? fusedAdam(1e-3) : tf.train.adam(1e-3);
    const trainables = [...model.variables.entries()].filter(([, v]) => v.trainable);
    const rng = new RandomStream(seed + 2);
    let step = 0;
    return {
      model,
      step: () => {
        const out = trainStep(model, { x }, { step: step++, rng }, opt, trainables);
        if (!out.applied) throw new Error(`bench step ${step} not applied: ${[...out.badScalars, ...out.badGradients].join(', ')}`);
      },
      dispose: () => {
        created.dispose();
        opt.dispose();
        x.dispose();
      },
    };
  };
}
