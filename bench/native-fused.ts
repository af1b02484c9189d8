// One 6-instruction elementwise program (the Bernoulli log-likelihood of logits x + b and its gradient:
// l = x + b; lp = y·l - softplus(l); d = sigmoid(l) - y) run three ways, back to back in one process:
//   - the addon's fused evaluator (native/src/fused.c), one call, on 1 and on 2 pool threads;
//   - stdlib/fusion's JS evaluators of the same program (what SgmFused runs without the addon: the program
//     compiled to one JS loop, jit.ts, and the block evaluator used where code generation is refused);
//   - the same chain as six separate tfjs WASM kernels (stock kernels, and with the addon's Softplus/Sigmoid),
//     as the sum of per-kernel minima over profiled runs, and as wall time per chain.
// Shapes: [100, 784] (the reference VAE's likelihood) and [100, 20, 9] (its latent logits).
//   npx tsx bench/native-fused.ts [rounds]
import { tf } from '../stdlib/tf.js';
import { initBackend, loadNativeAddon, removeSpeedFixes, applySpeedFixes } from '../runtime/backend/index.js';
import { compileJs, evaluateProgram } from '../stdlib/fusion/index.js';

const rounds = Number(process.argv[2] ?? 5);
const loaded = loadNativeAddon();
if (!('addon' in loaded) || loaded.addon.fused === undefined) {
  console.log(`the native addon with fused() is needed (${'reason' in loaded ? loaded.reason : 'an older build without fused'})`);
  process.exit(0);
}
const addon = loaded.addon;
const fused = addon.fused!;
await initBackend('wasm', { native: true });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const CODE = Int32Array.from([1, 3, 0, 2, 10, 4, 3, -1, 3, 5, 1, 3, 2, 6, 5, 4, 11, 7, 3, -1, 2, 8, 7, 1]);

for (const shape of [[100, 784], [100, 20, 9]]) {
  const n = shape.reduce((p, d) => p * d, 1);
  const last = shape[shape.length - 1];
  const x = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 250 - 2);
  const y = Float32Array.from({ length: n }, (_, i) => ((i * 104729) % 1000) / 1000);
  const b = Float32Array.from({ length: last }, (_, i) => (i % 7) / 7 - 0.5);
  const outs = [new Float32Array(n), new Float32Array(n)];
  const modes = Int32Array.from([0, 0, 0, 0, 2, last]);
  const callFused = (): void => fused(CODE, new Float32Array(0), 9, [x, y, b], modes, outs, Int32Array.from([6, 8]), n);
  const program = { code: CODE, consts: new Float32Array(0), nRegs: 9, outRegs: Int32Array.from([6, 8]) };
  const jit = compileJs(program, modes);
  const jsTimes: Record<string, number[]> = { 'one loop (jit.ts)': [], blocks: [] };
  for (let i = 0; i < 20 * rounds; i++) {
    let t = performance.now();
    if (jit !== null) jit([x, y, b], modes, outs, n);
    jsTimes['one loop (jit.ts)'].push(performance.now() - t);
    t = performance.now();
    evaluateProgram(program, [x, y, b], modes, outs, n);
    jsTimes.blocks.push(performance.now() - t);
  }

  // Native: blocks of 200 calls per thread count, alternated over the rounds; min and median per call.
  const times: Record<number, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) {
    for (const threads of [1, 2]) {
      addon.threads(threads);
      for (let i = 0; i < 20; i++) callFused();
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        callFused();
        times[threads].push(performance.now() - t);
      }
    }
  }
  addon.threads(2);

  // tfjs WASM: the chain as ops; per-kernel minima over profiled runs, and the wall time of the chain.
  const tx = tf.tensor(x, shape);
  const ty = tf.tensor(y, shape);
  const tb = tf.tensor1d(b);
  const chain = (): tf.Tensor[] => {
    const l = tf.add(tx, tb);
    return [tf.sub(tf.mul(ty, l), tf.softplus(l)), tf.sub(tf.sigmoid(l), ty)];
  };
  const wasm = async (label: string): Promise<string> => {
    const best = new Map<string, number>();
    const walls: number[] = [];
    for (let r = 0; r < rounds * 4; r++) {
      const info = await tf.profile(() => tf.tidy(() => chain()));
      const per = new Map<string, number>();
      info.kernels.forEach((k, i) => per.set(`${i}:${k.name}`, k.kernelTimeMs as number));
      for (const [k, v] of per) best.set(k, Math.min(best.get(k) ?? Infinity, v));
      for (let i = 0; i < 50; i++) {
        const t = performance.now();
        tf.dispose(tf.tidy(chain));
        walls.push(performance.now() - t);
      }
    }
    const sum = [...best.values()].reduce((s, v) => s + v, 0);
    return `${label}: ${best.size} kernels, sum of minima ${sum.toFixed(3)} ms, wall median ${median(walls).toFixed(3)} ms (min ${Math.min(...walls).toFixed(3)})`;
  };
  removeSpeedFixes('wasm');
  const stock = await wasm('tfjs WASM, stock kernels');
  applySpeedFixes('wasm', true);
  addon.threads(2);
  const withAddon = await wasm('tfjs WASM + addon Softplus/Sigmoid (2 threads)');
  tf.dispose([tx, ty, tb]);

  console.log(`[${shape.join(', ')}] (${n} values)`);
  for (const t of [1, 2]) {
    console.log(`  native fused, ${t} thread${t > 1 ? 's' : ''}: min ${Math.min(...times[t]).toFixed(4)} ms, median ${median(times[t]).toFixed(4)} ms per call`);
  }
  for (const [label, ts] of Object.entries(jsTimes)) {
    if (label !== 'blocks' && jit === null) continue;
    console.log(`  JS evaluator, ${label}, 1 thread: min ${Math.min(...ts).toFixed(4)} ms, median ${median(ts).toFixed(4)} ms per call`);
  }
  console.log(`  ${stock}`);
  console.log(`  ${withAddon}`);
}
