/**
 * Step replay on a generated model (runtime/train/replay): the same steps from the same seeds, once with the
 * model's replay declaration and once with it withdrawn, must report the same numbers and leave the same weights,
 * bit for bit. A model that declares its step replayable but is not replayed must say why.
 */
import type { CompiledModelModule, ModelInstance } from '../../runtime/model-api.js';
import { createAdam, trainableVariables } from '../../runtime/train/adam.js';
import { stepReplayStatus, trainStep } from '../../runtime/train/step.js';
import { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';
import type { GeneratedModel } from './model-arb.js';
import { syntheticBatch } from './synthetic-batch.js';

/** Steps per run: two recorded, then replayed ones. */
const STEPS = 4;

interface Run {
  readonly numbers: string;
  readonly weights: Float32Array[];
  readonly status: ReturnType<typeof stepReplayStatus>;
}

async function run(module: CompiledModelModule, m: GeneratedModel, batchSize: number, cacheDir: string, replay: boolean): Promise<Run> {
  const created = await module.create({ seed: 0, cacheDir });
  const model: ModelInstance = replay ? created : { ...created, replayableStep: false };
  const optimizer = createAdam({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999 });
  try {
    const trainables = trainableVariables(model);
    const rng = new RandomStream(1);
    const numbers: unknown[] = [];
    for (let step = 0; step < STEPS; step++) {
      const batch = syntheticBatch(m.data, batchSize, step + 1);
      try {
        const out = trainStep(model, batch, { step, rng }, optimizer, trainables);
        numbers.push([out.loss, out.value, out.gradNorm, out.applied, out.metrics]);
      } finally {
        tf.dispose(Object.values(batch));
      }
    }
    // JSON keeps NaN apart from numbers only as null; the steps before this were finite (run-model checks them).
    return { numbers: JSON.stringify(numbers), weights: [...created.variables.values()].map((v) => v.dataSync() as Float32Array), status: stepReplayStatus(model) };
  } finally {
    optimizer.dispose();
    created.dispose();
  }
}

/** What differs between the replayed and the normal steps of `m` (null: nothing), for a model declaring replay. */
export async function replayDifference(module: CompiledModelModule, m: GeneratedModel, batchSize: number, cacheDir: string): Promise<string | null> {
  const replayed = await run(module, m, batchSize, cacheDir, true);
  const reference = await run(module, m, batchSize, cacheDir, false);
  if (replayed.status?.state === 'off' && !replayed.status.reason) return 'replay is off without a reason';
  if (replayed.numbers !== reference.numbers) return `the replayed steps report ${replayed.numbers}, the normal steps ${reference.numbers} (replay ${JSON.stringify(replayed.status)})`;
  for (let k = 0; k < replayed.weights.length; k++) {
    const [a, b] = [replayed.weights[k], reference.weights[k]];
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], b[i])) return `weight ${k}[${i}] is ${a[i]} after replayed steps and ${b[i]} after normal ones (replay ${JSON.stringify(replayed.status)})`;
    }
  }
  return null;
}
