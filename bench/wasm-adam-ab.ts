/**
 * In-process A/B of Adam on WASM without the native addon (bench/NOTES.md, change 14): tfjs' Adam (13 kernels per
 * variable) against FusedAdamOptimizer's WASM SIMD kernel, alternating step by step so that both see the same
 * machine; prints medians of wall and CPU time and the median of the per-pair ratios.
 *   npx tsx bench/wasm-adam-ab.ts [pairs]
 * Part 1: the update alone, on variables shaped like the reference VAE's (1.2 M weights), same gradients.
 * Part 2: the whole 'compiled igr_vae + fusedAdam' step, with the SIMD kernels unregistered for the A steps (then
 * FusedAdamOptimizer is tfjs' Adam) and registered again for the B steps.
 * Part 3: the gradient norm's Σg² over the same 1.2 M values: the JS loop over the heap that SgmSumOfSquares ran on
 * WASM before (sum-of-squares.ts, written out here) against the SIMD kernel.
 */
import { tf } from '../stdlib/tf.js';
import { fusedAdam, initBackend } from '../runtime/backend/index.js';
import { FUSED_ADAM_IN_PLACE_KERNEL, FUSED_ADAM_KERNEL } from '../runtime/backend/fused-adam.js';
import { heapOffset, wasmSimdKernels } from '../runtime/backend/wasm-simd/heap.js';
import { STEP_ROWS } from './step-rows.js';

const pairs = Number(process.argv[2] ?? 40);
await initBackend('wasm', { native: false });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times `f` in wall ms and CPU ms (all threads). */
function timed(f: () => void): [number, number] {
  const [t, c] = [performance.now(), process.cpuUsage()];
  f();
  const cpu = process.cpuUsage(c);
  return [performance.now() - t, (cpu.user + cpu.system) / 1000];
}

/** Alternates a and b `pairs` times after `warm` pairs; prints the medians. */
function ab(label: string, a: () => void, b: () => void, warm = 5): void {
  const rows: [number, number, number, number][] = [];
  for (let i = 0; i < warm + pairs; i++) {
    const [wa, ca] = timed(a);
    const [wb, cb] = timed(b);
    if (i >= warm) rows.push([wa, ca, wb, cb]);
  }
  const col = (k: number): number[] => rows.map((r) => r[k]);
  const ratios = rows.map((r) => r[2] / r[0]);
  console.log(
    `${label}: A wall ${median(col(0)).toFixed(2)} ms (min ${Math.min(...col(0)).toFixed(2)}), cpu ${median(col(1)).toFixed(2)}; ` +
      `B wall ${median(col(2)).toFixed(2)} ms (min ${Math.min(...col(2)).toFixed(2)}), cpu ${median(col(3)).toFixed(2)}; ` +
      `median B/A ${median(ratios).toFixed(3)} over ${pairs} pairs`,
  );
}

const row = STEP_ROWS.find((r) => r.id === 'compiled igr_vae + fusedAdam')!;
const s = await row.create(1);
s.step();
const shapes = Object.values(tf.engine().registeredVariables)
  .filter((v) => v.trainable)
  .map((v) => v.shape);
console.log(`${shapes.length} variables, ${shapes.reduce((n, sh) => n + tf.util.sizeFromShape(sh), 0)} weights`);

// Part 1: the update alone.
const make = (): tf.Variable[] => shapes.map((sh, i) => tf.variable(tf.randomNormal(sh, 0, 0.1, 'float32', i)));
const [va, vb] = [make(), make()];
const grads = shapes.map((sh, i) => tf.randomNormal(sh, 0, 1, 'float32', 100 + i));
const [oa, ob] = [tf.train.adam(1e-3), fusedAdam(1e-3)];
const feed = (vs: tf.Variable[]) => vs.map((v, i) => ({ name: v.name, tensor: grads[i] }));
ab('Adam update (A tfjs, B WASM SIMD in place)', () => oa.applyGradients(feed(va)), () => ob.applyGradients(feed(vb)));

// Part 3: Σ g², the JS loop over heap views (four float64 sums, as sum-of-squares.ts had it) against the kernel.
const backend = tf.backend();
const simd = wasmSimdKernels(backend)!;
const jsLoop = (x: Float32Array): number => {
  let [a0, a1, a2, a3] = [0, 0, 0, 0];
  const n4 = x.length - (x.length % 4);
  for (let i = 0; i < n4; i += 4) {
    a0 += x[i] * x[i];
    a1 += x[i + 1] * x[i + 1];
    a2 += x[i + 2] * x[i + 2];
    a3 += x[i + 3] * x[i + 3];
  }
  for (let i = n4; i < x.length; i++) a0 += x[i] * x[i];
  return a0 + a1 + a2 + a3;
};
const heap = (backend as unknown as { wasm: { HEAPF32: Float32Array } }).wasm;
const sums = [0, 0];
ab(
  'sum of squares (A JS loop, B WASM SIMD)',
  () => (sums[0] = grads.reduce((t, g) => t + jsLoop(new Float32Array(heap.HEAPF32.buffer, heapOffset(backend, g), g.size)), 0)),
  () => (sums[1] = grads.reduce((t, g) => t + simd.sumOfSquares(heapOffset(backend, g), g.size), 0)),
);
if (sums[0] !== sums[1]) throw new Error(`sums differ: ${sums[0]} vs ${sums[1]}`);

// Part 2: the step.
const kernels = [FUSED_ADAM_KERNEL, FUSED_ADAM_IN_PLACE_KERNEL].map((k) => tf.getKernel(k, 'wasm'));
const stock = (): void => {
  for (const k of kernels) tf.unregisterKernel(k.kernelName, 'wasm');
  s.step();
  for (const k of kernels) tf.registerKernel(k);
};
ab("'compiled igr_vae + fusedAdam' step (A tfjs Adam, B WASM SIMD)", stock, () => s.step());
s.dispose();
