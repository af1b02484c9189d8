/**
 * Issue 16 item 5: the speed-up of `maximize iwae(samples = k)` drawing its k samples in one batched pass over
 * the batch tiled to [k·B, ...] (compiler/codegen/emit-iwae.ts) against the loop of k passes. The same model source
 * (models/gs_vae.sgm and models/igr_vae.sgm with `maximize iwae(samples = 5)`) is generated twice from one plan,
 * once with `objective.batchedSamples` false; both modules train in ONE process with alternating steps (A B, then
 * B A), so the machine's slow periods hit both; the speed-up is the median of the per-pair ratios loop / batched.
 * Each step is timed in wall-clock time and in this process's CPU time (user + system, all threads): on a machine
 * shared by other jobs the CPU time measures the work a step does, the wall time also the waiting for a core.
 * Run with SGM_THREADS=1 to make the CPU time the single-thread work.
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
      return { kind, model, trainables, optimizer: tf.train.adam(1e-3), rng: new RandomStream(7), step: 0, ms: [] as number[], cpu: [] as number[], tensors: 0 };
    });
    const stepOnce = (r: (typeof runs)[number], timed: boolean) => {
      const before = tf.memory().numTensors;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = trainStep(r.model, { x }, { step: r.step++, rng: r.rng }, r.optimizer, r.trainables);
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (!out.applied) throw new Error(`${name} ${r.kind}: non-finite step`);
      if (timed) {
        r.ms.push(ms);
        r.cpu.push((c.user + c.system) / 1000);
      }
      r.tensors = tf.memory().numTensors - before;
    };
    for (let i = 0; i < WARMUP; i++) for (const r of runs) stepOnce(r, false);
    for (let i = 0; i < STEPS; i++) {
      const order = i % 2 === 0 ? runs : [...runs].reverse();
      for (const r of order) stepOnce(r, true);
    }
    const [b, l] = runs;
    const quartiles = (xs: readonly number[]) => [0.25, 0.75].map((q) => [...xs].sort((p, r) => p - r)[Math.floor(q * (xs.length - 1))].toFixed(2)).join('-');
    const line = (what: string, key: 'ms' | 'cpu') => {
      const ratios = b[key].map((v, i) => l[key][i] / v);
      return `${what}: batched median ${median(b[key]).toFixed(1)} ms (min ${Math.min(...b[key]).toFixed(1)}), loop median ${median(l[key]).toFixed(1)} ms (min ${Math.min(...l[key]).toFixed(1)}); speed-up ${median(ratios).toFixed(2)}x (median of ${STEPS} per-pair ratios loop/batched; quartiles ${quartiles(ratios)})`;
    };
    console.log(`${name}, ${b.tensors} vs ${l.tensors} tensors left per step\n  wall ${line('time', 'ms')}\n  CPU  ${line('time', 'cpu')}`);
    for (const r of runs) {
      r.optimizer.dispose();
      r.model.dispose();
    }
  }
  x.dispose();
}

await main();
