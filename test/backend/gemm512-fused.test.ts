// What the AVX-512 GEMM (native/src/gemm512.c) does besides the product, each against the unfused computation
// written here, bit for bit (bench/NOTES.md change 18):
//  - the forward epilogue (bias, relu) applied as the micro-kernel stores C equals the plain product followed by
//    float32 `c + bias[j]` and `x > 0 ? x : 0`;
//  - the dense backward pass with dY gated by act'(Y) while packing (no stored G) equals the GEMMs of G = dY·act'(Y)
//    computed here in float32, and dbias the sequential float32 column sums of G;
//  - packed operands reused by a thread across the chunks of one GEMM are never reused by the next GEMM, even on
//    the same arrays with new contents;
// on 1, 2 and 3 threads. Skipped, with the reason printed, without the addon or without AVX-512.
import { afterAll, describe, expect, it } from 'vitest';
import { nativeThreadCount } from '../../runtime/backend/index.js';
import type { SgmNative } from '../../runtime/backend/native-addon.js';
import { avx512GemmAddon, lcgValues } from './helpers.js';

const { addon, initial, skipReason } = avx512GemmAddon(['denseGrad']);

function itAvx512(name: string, fn: (a: SgmNative) => void): void {
  if (skipReason !== null) console.warn(`skipped "${name}": ${skipReason}`);
  it.skipIf(skipReason !== null)(name, () => {
    if (addon === null) return;
    addon.gemmKernel?.('avx512');
    try {
      fn(addon);
    } finally {
      if (initial !== undefined) addon.gemmKernel?.(initial);
      addon.threads(nativeThreadCount());
    }
  });
}

afterAll(() => {
  if (initial !== undefined) addon?.gemmKernel?.(initial);
  addon?.threads(nativeThreadCount());
});

const values = lcgValues;

/** Whether two float32 arrays hold the same bits (NaN payloads and the sign of zero included). */
function sameBits(x: Float32Array, y: Float32Array): boolean {
  return x.length === y.length && Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
}

function gemm(x: SgmNative, ta: boolean, tb: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array,
  bias: Float32Array | null = null, activation = 0): Float32Array {
  const c = new Float32Array(m * n).fill(Number.NaN);
  x.gemm(ta, tb, 1, m, n, k, a, 0, b, 0, c, bias, activation, 0);
  return c;
}

// The step's forward shapes (100 rows; k = 784 is 4 k blocks, 513 three) and odd edges (columns not a multiple of 16).
const FORWARD: [number, number, number][] = [[100, 512, 784], [100, 180, 256], [100, 784, 512], [33, 47, 513], [9, 17, 3]];

describe('AVX-512 GEMM: epilogue in the micro-kernel store', () => {
  itAvx512('bias and relu give the bits of the product followed by float32 c + bias[j], then x > 0 ? x : 0', (x) => {
    for (const [m, n, k] of FORWARD) {
      const a = values(m * k, m + k);
      const b = values(k * n, n + 3 * k);
      const bias = values(n, n);
      bias[1] = -0; // -0 + -0 stays -0 under linear; relu makes it +0
      const plain = gemm(x, false, false, m, n, k, a, b);
      const linear = new Float32Array(m * n);
      const relu = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const v = Math.fround(plain[i * n + j] + bias[j]);
          linear[i * n + j] = v;
          relu[i * n + j] = v > 0 ? v : 0;
        }
      }
      for (const threads of [1, 2, 3]) {
        x.threads(threads);
        expect(sameBits(gemm(x, false, false, m, n, k, a, b, bias, 0), linear), `linear ${m}x${n}x${k}, ${threads} threads`).toBe(true);
        expect(sameBits(gemm(x, false, false, m, n, k, a, b, bias, 1), relu), `relu ${m}x${n}x${k}, ${threads} threads`).toBe(true);
        const noBias = plain.map((v) => (v > 0 ? v : 0));
        expect(sameBits(gemm(x, false, false, m, n, k, a, b, null, 1), noBias), `relu, no bias ${m}x${n}x${k}`).toBe(true);
      }
    }
  });
});

/** G = dY ∘ act'(Y) in float32, as dense_grad.c's elementwise pass: relu dY·step(Y) (NaN for NaN), sigmoid dY·(Y(1-Y)). */
function gateOf(dy: Float32Array, y: Float32Array, act: 1 | 3): Float32Array {
  const f = Math.fround;
  return dy.map((d, i) => (act === 1 ? f(d * (y[i] > 0 ? 1 : Number.isNaN(y[i]) ? y[i] : 0)) : f(d * f(y[i] * f(1 - y[i])))));
}

describe('AVX-512 GEMM: the dense backward pass with dY gated while packing', () => {
  // [m (batch), n (layer outputs), k (layer inputs)]: the step's first and last layers and odd edges; 6×20×5 makes
  // both GEMMs matrix-vector-like (a side below 8), which stay with OpenBLAS on a gated copy (kernels.c).
  const SHAPES: [number, number, number][] = [[100, 512, 784], [100, 784, 512], [100, 180, 256], [37, 45, 129], [9, 20, 8], [6, 20, 5]];
  itAvx512('dX, dW and dbias equal the GEMMs of G computed here and its sequential float32 column sums', (x) => {
    for (const [m, n, k] of SHAPES) {
      for (const act of [1, 3] as const) {
        const a = values(m * k, 1 + m); // X: m×k
        const b = values(k * n, 2 + n); // W: k×n
        const dy = values(m * n, 3 + k);
        const y = values(m * n, 4 + k).map((v) => (act === 3 ? Math.fround((v + 1) / 2) : v)); // sigmoid outputs in (0, 1)
        y[5] = Number.NaN; // relu: step(NaN) = NaN
        dy[6] = -0.5;
        y[6] = 0; // a negative dY times 0: -0
        const g = gateOf(dy, y, act);
        const dxRef = gemm(x, false, true, m, k, n, g, b); // G·Wᵀ
        const dwRef = gemm(x, true, false, k, n, m, a, g); // Xᵀ·G
        const dbRef = new Float32Array(n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dbRef[j] = Math.fround(dbRef[j] + g[i * n + j]);
        for (const threads of [1, 2, 3]) {
          x.threads(threads);
          const dx = new Float32Array(m * k).fill(Number.NaN);
          const dw = new Float32Array(k * n).fill(Number.NaN);
          const db = new Float32Array(n).fill(Number.NaN);
          x.denseGrad?.(false, false, m, n, k, a, b, dy, y, act, dx, dw, db);
          const at = `${m}x${n}x${k} act ${act}, ${threads} threads`;
          expect(sameBits(dx, dxRef), `dX ${at}`).toBe(true);
          expect(sameBits(dw, dwRef), `dW ${at}`).toBe(true);
          expect(sameBits(db, dbRef), `dbias ${at}`).toBe(true);
          // And without dX (the first layer's case), and without dbias.
          const dw2 = new Float32Array(k * n);
          x.denseGrad?.(false, false, m, n, k, a, b, dy, y, act, null, dw2, null);
          expect(sameBits(dw2, dwRef), `dW alone ${at}`).toBe(true);
        }
      }
    }
  });
});

describe('AVX-512 GEMM: packed operands are reused only within one GEMM', () => {
  itAvx512('a second GEMM on the same arrays with new contents sees the new contents', (x) => {
    // 100×512×784 is cut into 4 chunks of 128 columns, all run by one thread on 1 thread: A is packed once for them.
    // 784×512×100 (dW) into 8 chunks of rows sharing B. Then the same arrays are overwritten and multiplied again.
    for (const [ta, m, n, k] of [[false, 100, 512, 784], [true, 784, 512, 100]] as const) {
      for (const threads of [1, 2]) {
        x.threads(threads);
        const a = values(m * k, 21);
        const b = values(k * n, 22);
        const c = new Float32Array(m * n);
        x.gemm(ta, false, 1, m, n, k, a, 0, b, 0, c, null, 0, 0);
        a.set(values(m * k, 23));
        b.set(values(k * n, 24));
        x.gemm(ta, false, 1, m, n, k, a, 0, b, 0, c, null, 0, 0);
        const fresh = gemm(x, ta, false, m, n, k, values(m * k, 23), values(k * n, 24));
        expect(sameBits(c, fresh), `${m}x${n}x${k} ta ${ta}, ${threads} threads`).toBe(true);
      }
    }
  });
});
