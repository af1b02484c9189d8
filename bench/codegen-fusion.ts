/**
 * Fusion in the generated code (issue 19 item 1, bench/NOTES.md "Change 11c"): a model compiled with and without
 * `fuse`, the same weights (seed 0) and batch. Prints the kernels of one objective evaluation with its gradient
 * (tf.profile; Adam is the same in both) and the CPU time per step of the two alternated step by step (the median
 * of per-pair ratios, robust on a shared machine).
 *
 *   npx tsx bench/codegen-fusion.ts [models/jointvae.sgm ...] [--backend wasm|cpu] [--no-native] [--pairs 30]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSource } from '../compiler/compile.js';
import { SGM_VERSION } from '../cli/version.js';
import { initBackend } from '../runtime/backend/index.js';
import type { ModelInstance } from '../runtime/model-api.js';
import { importGeneratedModule } from '../runtime/model-cache.js';
import { packageRoot } from '../runtime/package-root.js';
import { RandomStream } from '../stdlib/random.js';
import { tf } from '../stdlib/tf.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const backend = flag('--backend', 'wasm') as 'wasm' | 'cpu';
const pairs = Number(flag('--pairs', '30'));
const native = !args.includes('--no-native');
const models = args.filter((a) => a.endsWith('.sgm'));
await initBackend(backend, { native });

async function create(path: string, fuse: boolean, tag: string): Promise<ModelInstance> {
  const r = compileSource(path, readFileSync(join(packageRoot(), path), 'utf8'), { sgmVersion: SGM_VERSION, fuse });
  if (!r.code) throw new Error(`${path} does not compile`);
  const module = await importGeneratedModule(`${r.models[0].name}_${tag}`, r.code, 'ts');
  return module.create({ seed: 0 });
}

/** A batch of 100 binary rows for every data declaration (the models measured read binarized images). */
function batchOf(model: ModelInstance): Record<string, tf.Tensor> {
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Object.fromEntries(model.metadata.data.map((d) => {
    const shape = d.shape.map((x) => (typeof x === 'number' ? x : 100));
    const n = shape.reduce((a, b) => a * b, 1);
    return [d.name, tf.tensor(Float32Array.from({ length: n }, () => (u() < 0.3 ? 1 : 0)), shape)];
  }));
}

function step(model: ModelInstance, batch: Record<string, tf.Tensor>, i: number): number {
  const vars = [...model.variables.values()].filter((v) => v.trainable);
  return tf.tidy(() => {
    const { value } = tf.variableGrads(() => model.objective(batch, { step: i, rng: new RandomStream(i) }).loss, vars);
    return value.dataSync()[0];
  });
}

for (const path of models.length > 0 ? models : ['models/igr_vae.sgm', 'models/jointvae.sgm']) {
  const fused = await create(path, true, 'fused');
  const plain = await create(path, false, 'plain');
  const batch = batchOf(plain);
  for (let i = 0; i < 3; i++) {
    step(fused, batch, i);
    step(plain, batch, i);
  }
  const kernels = async (m: ModelInstance) => {
    const p = await tf.profile(() => step(m, batch, 0));
    const fusedKernels = p.kernels.filter((k) => k.name === 'SgmFused').length;
    return { total: p.kernels.length, fusedKernels };
  };
  const kf = await kernels(fused);
  const kp = await kernels(plain);
  const ratios: number[] = [];
  const cpu = (m: ModelInstance, i: number) => {
    const t = process.cpuUsage();
    step(m, batch, i);
    const d = process.cpuUsage(t);
    return (d.user + d.system) / 1000;
  };
  const times: { fused: number[]; plain: number[] } = { fused: [], plain: [] };
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so neither always pays the other's garbage.
    const [a, b] = i % 2 === 0 ? [cpu(fused, i), cpu(plain, i)] : [0, 0].map((_, j) => (j === 0 ? cpu(plain, i) : cpu(fused, i))).reverse();
    times.fused.push(a);
    times.plain.push(b);
    ratios.push(a / b);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(
    `${path} (${backend}${backend === 'wasm' && native ? ' + native if built' : ''}): kernels per objective+gradient: fused ${kf.total} (${kf.fusedKernels} SgmFused), unfused ${kp.total}; ` +
      `CPU ms per step median fused ${median(times.fused).toFixed(2)}, unfused ${median(times.plain).toFixed(2)}, median ratio ${median(ratios).toFixed(3)} (${pairs} pairs)`,
  );
  fused.dispose();
  plain.dispose();
  tf.dispose(Object.values(batch));
}
