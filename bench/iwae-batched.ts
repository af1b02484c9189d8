/**
 * Issue 16 item 5: the speed-up of `maximize iwae(samples = k)` drawing its k samples in one batched pass over
 * the batch tiled to [k·B, ...] (compiler/codegen/emit-iwae.ts) against the loop of k passes. The same model source
 * (models/gs_vae.sgm and models/igr_vae.sgm with `maximize iwae(samples = 5)`) is generated twice from one plan,
 * once with `objective.batchedSamples` false; both modules train in ONE process with alternating steps (A B, then
 * B A), so the machine's slow periods hit both; the speed-up is the median of the per-pair ratios loop / batched.
 *
 *   npx tsx bench/iwae-batched.ts [--steps 40] [--samples 5] [--models gs_vae,igr_vae]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SGM_VERSION } from '../cli/version.js';
import { generate } from '../compiler/codegen/generate.js';
import { checkSource } from '../compiler/pipeline.js';
import { describeBackend, initBackend } from '../runtime/backend/index.js';
import type { ModelInstance } from '../runtime/model-api.js';
import { importGeneratedModule } from '../runtime/model-cache.js';
import { packageRoot } from '../runtime/package-root.js';
import { trainStep } from '../runtime/train/step.js';
import { RandomStream } from '../stdlib/random.js';
import { tf } from '../stdlib/tf.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const STEPS = Number(arg('steps', '40'));
const K = Number(arg('samples', '5'));
const MODELS = arg('models', 'gs_vae,igr_vae').split(',');
const WARMUP = 5;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The model compiled twice from one plan: the k samples batched, and as a loop. */
async function variants(name: string): Promise<{ batched: ModelInstance; loop: ModelInstance }> {
  const text = readFileSync(join(packageRoot(), `models/${name}.sgm`), 'utf8').replace(/maximize elbo[^\n]*/, `maximize iwae(samples = ${K})`);
  const front = checkSource(`${name}.sgm`, text);
  if (!front.ok) throw new Error(`${name} under iwae does not check: ${front.diagnostics.map((d) => d.message).join('; ')}`);
  const plan = front.plans[0];
  if (!plan.objective.batchedSamples) throw new Error(`${name}: the plan does not batch the iwae samples`);
  const make = async (batchedSamples: boolean, suffix: string) => {
    const code = generate(front.models[0], { ...plan, objective: { ...plan.objective, batchedSamples } }, { sourcePath: `${name}.sgm`, sgmVersion: SGM_VERSION }).value;
    if (!code) throw new Error(`${name}: no code`);
    const module = await importGeneratedModule(`${name}_iwae_${suffix}`, code, 'ts');
    return module.create({ seed: 0, log: () => undefined });
  };
  return { batched: await make(true, 'batched'), loop: await make(false, 'loop') };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  console.log(`backend: ${describeBackend(backend)}; load average ${(await import('node:os')).loadavg()[0].toFixed(2)}; iwae(samples = ${K}), batch 100, ${STEPS} timed pairs after ${WARMUP} warm-up steps`);
  // A fixed binary batch: the timing does not depend on the pixel values.
  const data = new RandomStream(1);
  const x = tf.tidy(() => tf.cast(tf.less(data.uniform([100, 784]), 0.5), 'float32'));
  for (const name of MODELS) {
    const models = await variants(name);
    const runs = (['batched', 'loop'] as const).map((kind) => {
      const model = models[kind];
      const trainables = [...model.variables.entries()].filter(([, v]) => v.trainable);
      return { kind, model, trainables, optimizer: tf.train.adam(1e-3), rng: new RandomStream(7), step: 0, ms: [] as number[], tensors: 0 };
    });
    const stepOnce = (r: (typeof runs)[number], timed: boolean) => {
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      const out = trainStep(r.model, { x }, { step: r.step++, rng: r.rng }, r.optimizer, r.trainables);
      const ms = performance.now() - t0;
      if (!out.applied) throw new Error(`${name} ${r.kind}: non-finite step`);
      if (timed) r.ms.push(ms);
      r.tensors = tf.memory().numTensors - before;
    };
    for (let i = 0; i < WARMUP; i++) for (const r of runs) stepOnce(r, false);
    const ratios: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const order = i % 2 === 0 ? runs : [...runs].reverse();
      for (const r of order) stepOnce(r, true);
      ratios.push(runs[1].ms[i] / runs[0].ms[i]);
    }
    const [b, l] = runs;
    console.log(
      `${name}: batched median ${median(b.ms).toFixed(1)} ms (min ${Math.min(...b.ms).toFixed(1)}), loop median ${median(l.ms).toFixed(1)} ms (min ${Math.min(...l.ms).toFixed(1)}); ` +
        `speed-up (median of ${STEPS} per-pair ratios loop/batched) ${median(ratios).toFixed(2)}x, quartiles ${[0.25, 0.75].map((q) => [...ratios].sort((p, r) => p - r)[Math.floor(q * (ratios.length - 1))].toFixed(2)).join('-')}`,
    );
    for (const r of runs) {
      r.optimizer.dispose();
      r.model.dispose();
    }
  }
  x.dispose();
}

await main();
