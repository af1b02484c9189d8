// Step replay (runtime/train/replay): a replayed training step must compute exactly what the model's own code
// computes (same bits, same random stream), and every step the recorder cannot vouch for must run normally, with
// the reason in the status. Each case runs the same steps twice from the same seeds, once with the model's replay
// declaration withdrawn (the reference: tfjs' tape every step), and compares losses and weights bit for bit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import { importGeneratedModule } from '../../runtime/model-cache.js';
import { packageRoot } from '../../runtime/package-root.js';
import { RandomStream } from '../../stdlib/random.js';
import { stepReplayStatus, trainStep, type StepOutcome } from '../../runtime/train/step.js';
import type { Batch, ModelInstance, StepContext } from '../../runtime/model-api.js';
import { scalarModelMetadata } from './fixtures/scalar-model-metadata.js';

interface Run {
  readonly outcomes: StepOutcome[];
  readonly weights: Float32Array[];
  readonly status: ReturnType<typeof stepReplayStatus>;
  /** tf.memory().numTensors after each step. */
  readonly tensors: number[];
}

/** Trains `make()`'s model on `batches` (one per step), with replay allowed or not. */
async function run(make: () => Promise<ModelInstance>, batches: readonly Batch[], replay: boolean): Promise<Run> {
  const created = await make();
  const model: ModelInstance = replay ? created : { ...created, replayableStep: false };
  const opt = tf.train.adam(0.01);
  const trainables = [...model.variables.entries()].filter(([, v]) => v.trainable);
  const rng = new RandomStream(17);
  const outcomes: StepOutcome[] = [];
  const tensors: number[] = [];
  batches.forEach((batch, step) => {
    outcomes.push(trainStep(model, batch, { step, rng }, opt, trainables));
    tensors.push(tf.memory().numTensors);
  });
  const weights = trainables.map(([, v]) => v.dataSync() as Float32Array);
  const status = stepReplayStatus(model);
  created.dispose();
  opt.dispose();
  return { outcomes, weights, status, tensors };
}

/** Bit-for-bit equality of two runs' reported numbers and trained weights. */
function expectSameRun(a: Run, b: Run): void {
  expect(a.outcomes.map((o) => [o.loss, o.value, o.gradNorm, o.applied, o.metrics])).toEqual(b.outcomes.map((o) => [o.loss, o.value, o.gradNorm, o.applied, o.metrics]));
  a.weights.forEach((w, k) => {
    let differing = 0;
    w.forEach((v, i) => (differing += Object.is(v, b.weights[k][i]) ? 0 : 1));
    expect(differing).toBe(0);
  });
}

async function compiledModule(path: string) {
  const r = compileSource(path, readFileSync(join(packageRoot(), path), 'utf8'), { sgmVersion: SGM_VERSION });
  return { code: r.code!, module: await importGeneratedModule(r.models[0].name, r.code!, 'ts') };
}

const binary = (seed: number, rows: number): tf.Tensor => tf.tidy(() => tf.cast(tf.less(new RandomStream(seed).uniform([rows, 784]), 0.3), 'float32'));

describe('step replay of a compiled model (igr_vae)', () => {
  it('replays from the third step with the same bits as the normal step, and keeps the tensor count flat', async () => {
    const { code, module } = await compiledModule('models/igr_vae.sgm');
    expect(code).toContain('replayableStep: true');
    const [a, b, small] = [binary(1, 8), binary(2, 8), binary(3, 5)];
    // Alternating batches (new values each step), then a smaller one (the end of an epoch), then the usual shape.
    const batches = [a, b, a, b, a, small, b, a].map((x) => ({ x }));
    const replayed = await run(() => module.create({ seed: 3 }), batches, true);
    const reference = await run(() => module.create({ seed: 3 }), batches, false);
    expect(replayed.status).toMatchObject({ state: 'replaying' });
    expect(reference.status).toMatchObject({ state: 'off' });
    expectSameRun(replayed, reference);
    // Adam's moments exist after the first step; from then on every step leaves the count where it was.
    expect(new Set(replayed.tensors.slice(1)).size).toBe(1);
    expect(replayed.tensors).toEqual(reference.tensors);
    tf.dispose([a, b, small]);
  });

  it('runs the model’s own code when a declared decision on the batch differs (a non-binary x)', async () => {
    const { module } = await compiledModule('models/igr_vae.sgm');
    const [a, b] = [binary(4, 6), binary(5, 6)];
    const odd = tf.tidy(() => tf.mul(binary(6, 6), 0.5)); // values 0 and 0.5: Bernoulli's log-probability is -inf
    const batches = [a, b, a, odd, b].map((x) => ({ x }));
    const replayed = await run(() => module.create({ seed: 5 }), batches, true);
    const reference = await run(() => module.create({ seed: 5 }), batches, false);
    expect(replayed.outcomes[3].applied).toBe(false);
    expectSameRun(replayed, reference);
    expect(replayed.status).toMatchObject({ state: 'replaying', reason: "a decision on the batch's 'x' differs" });
    tf.dispose([a, b, odd]);
  });

  it('is not declared for a model whose objective follows a schedule of the step', () => {
    const path = 'models/gengs_poisson_vae.sgm'; // tau = anneal(1.0 -> 0.3, steps = 20000)
    const r = compileSource(path, readFileSync(join(packageRoot(), path), 'utf8'), { sgmVersion: SGM_VERSION });
    expect(r.code).toContain('ctx.step');
    expect(r.code).not.toContain('replayableStep');
  });
});

/** An objective of the hand-written model: a scalar from the weight, the batch's x and the step context. */
type Body = (w: tf.Variable, x: tf.Tensor, ctx: StepContext) => tf.Tensor;

/** A one-weight model declaring its step replayable, whose objective is `body(w, x, ctx)`. */
function handWritten(body: Body): () => Promise<ModelInstance> {
  return async () => {
    const w = tf.variable(tf.tensor1d([0.5, -0.25, 1]), true, `w${Math.random()}`);
    const variables = new Map([['w', w]]);
    return {
      metadata: scalarModelMetadata('hand', [{ name: 'w', kind: 'param' }], 'w', ['x']),
      variables,
      replayableStep: true,
      objective: (batch: Batch, ctx: StepContext) => {
        const value = body(w, batch.x, ctx) as tf.Scalar;
        return { loss: tf.neg(value), value, metrics: {} };
      },
      trace: () => [],
      guide: () => ({}),
      sample: () => ({}),
      dispose: () => w.dispose(),
    } as ModelInstance;
  };
}

const xs = (n: number) => Array.from({ length: n }, (_, i) => ({ x: tf.tensor1d([i, 1 - i, 0.5 * i]) }));

describe('what keeps a step from being replayed', () => {
  const cases: Array<[string, Body, RegExp]> = [
    ['a random upload not drawn from ctx.rng', (w, x, ctx) => tf.sum(tf.mul(tf.mul(w, x), tf.randomUniform([3], 0, 1, 'float32', ctx.step))), /changes between steps/],
    ['a constant computed from the step number', (w, x, ctx) => tf.sum(tf.mul(tf.mul(w, x), ctx.step + 1)), /changes between steps/],
    ['a branch on a variable’s value', (w, x) => (w.dataSync()[0] > 0 ? tf.sum(tf.mul(w, x)) : tf.sum(tf.sub(w, x))), /reads back the variable 'w/],
    ['a seed taken from the stream directly', (w, x, ctx) => tf.sum(tf.mul(tf.mul(w, x), (ctx.rng.nextSeed() % 7) + 1)), /seeds from the random stream directly/],
    ['a kernel whose output shape depends on values (Unique)', (w, x) => tf.mul(tf.sum(w), tf.sum(tf.unique(x).values)), /output shape depends on its input values/],
    [
      'a variable assigned inside the objective',
      (w, x) => {
        const y = tf.sum(tf.mul(w, x));
        w.assign(tf.add(w, 0));
        return y;
      },
      /assigns the variable/,
    ],
  ];
  for (const [what, body, reason] of cases) {
    it(`keeps the normal step for ${what}, with the reason`, async () => {
      const batches = xs(6);
      const replayed = await run(handWritten(body), batches, true);
      const reference = await run(handWritten(body), batches, false);
      expect(replayed.status?.state).toBe('off');
      expect(replayed.status?.reason).toMatch(reason);
      expectSameRun(replayed, reference);
      tf.dispose(batches.map((b) => b.x));
    });
  }

  it('replays a hand-written step that draws from ctx.rng, with the same draws', async () => {
    const body = (w: tf.Variable, x: tf.Tensor, ctx: StepContext) => tf.sum(tf.mul(tf.add(w, ctx.rng.normal([3])), x));
    const batches = xs(6);
    const replayed = await run(handWritten(body), batches, true);
    const reference = await run(handWritten(body), batches, false);
    expect(replayed.status).toMatchObject({ state: 'replaying' });
    expectSameRun(replayed, reference);
    tf.dispose(batches.map((b) => b.x));
  });

  it('is off when SGM_REPLAY=0', async () => {
    process.env.SGM_REPLAY = '0';
    try {
      const batches = xs(3);
      const r = await run(handWritten((w, x) => tf.sum(tf.mul(w, x))), batches, true);
      expect(r.status).toEqual({ state: 'off', reason: 'SGM_REPLAY=0' });
      tf.dispose(batches.map((b) => b.x));
    } finally {
      delete process.env.SGM_REPLAY;
    }
  });
});
