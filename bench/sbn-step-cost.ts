/**
 * The cost of one training step of each sigmoid-belief-net estimator (models/sbn_<estimator>.sgm, 200-200
 * Bernoulli units, batch 100), measured in ONE process with the models stepped round-robin, so every estimator
 * sees the same machine load. Reported per step: the median wall-clock time and the median CPU time of this
 * process (user + system, all threads; with SGM_THREADS=1 the single-thread work), and steps/s = 1000 / median
 * CPU ms, the rate on an otherwise idle core. `sgm train` prints wall-clock steps/s, which on a shared machine
 * measures the load as much as the estimator.
 *
 *   SGM_THREADS=1 npx tsx bench/sbn-step-cost.ts [--rounds 20] [--estimators reinforce,nvil,...]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '../experiments/lib/load-model.js';
import { describeBackend, initBackend } from '../runtime/backend/index.js';
import type { ModelInstance } from '../runtime/model-api.js';
import { packageRoot } from '../runtime/package-root.js';
import { trainStep } from '../runtime/train/step.js';
import { RandomStream } from '../stdlib/random.js';
import { tf } from '../stdlib/tf.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const ROUNDS = Number(arg('rounds', '20'));
const ESTIMATORS = arg('estimators', 'reinforce,nvil,muprop,rebar,relax,vimco,unordered_set')
  .split(',')
  .filter((e) => existsSync(join(packageRoot(), `models/sbn_${e}.sgm`)));
const WARMUP = 3;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const backend = await initBackend();
  console.log(`backend: ${describeBackend(backend)}; load average ${(await import('node:os')).loadavg()[0].toFixed(2)}; batch 100, ${ROUNDS} round-robin rounds after ${WARMUP} warm-up steps`);
  const data = new RandomStream(1);
  // A fixed binary batch: the cost does not depend on the pixel values.
  const x = tf.tidy(() => tf.cast(tf.less(data.uniform([100, 784]), 0.5), 'float32'));
  const runs: Array<{ e: string; model: ModelInstance; trainables: Array<[string, tf.Variable]>; optimizer: tf.Optimizer; rng: RandomStream; step: number; ms: number[]; cpu: number[] }> = [];
  for (const e of ESTIMATORS) {
    const model = await (await loadModelFile(`models/sbn_${e}.sgm`)).create({ seed: 0, log: () => undefined });
    runs.push({ e, model, trainables: [...model.variables.entries()].filter(([, v]) => v.trainable), optimizer: tf.train.adam(1e-3), rng: new RandomStream(3), step: 0, ms: [] as number[], cpu: [] as number[] });
  }
  const stepOnce = (r: (typeof runs)[number], timed: boolean) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = trainStep(r.model, { x }, { step: r.step++, rng: r.rng }, r.optimizer, r.trainables);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (!out.applied) throw new Error(`${r.e}: non-finite step`);
    if (timed) {
      r.ms.push(ms);
      r.cpu.push((c.user + c.system) / 1000);
    }
  };
  for (let i = 0; i < WARMUP; i++) for (const r of runs) stepOnce(r, false);
  for (let i = 0; i < ROUNDS; i++) for (const r of i % 2 === 0 ? runs : [...runs].reverse()) stepOnce(r, true);
  const base = median(runs[0].cpu);
  console.log('| estimator | wall ms/step (median) | CPU ms/step (median) | steps/s (1000 / CPU ms) | CPU vs first row |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of runs) {
    const cpu = median(r.cpu);
    console.log(`| ${r.e} | ${median(r.ms).toFixed(1)} | ${cpu.toFixed(1)} | ${(1000 / cpu).toFixed(1)} | ${(cpu / base).toFixed(2)} |`);
    r.optimizer.dispose();
    r.model.dispose();
  }
  x.dispose();
}

await main();
