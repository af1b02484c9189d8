// The native addon's fused-program evaluator (native/src/fused.c) on whole programs: random programs against a
// float32 reference evaluator written here (bit-exact for the exactly rounded opcodes, within float32 rounding with
// the transcendental ones), the four broadcast modes, several outputs, in-place outputs, a chain against tfjs' own
// ops, results bit-identical on 1, 2 and 3 threads and across block and chunk boundaries, and bad calls throwing.
import { describe, expect } from 'vitest';
import { tf } from '../../stdlib/tf.js';
import type { SgmNative } from '../../runtime/backend/native-addon.js';
import { expectClose, itWithAddon } from './helpers.js';

type Fused = NonNullable<SgmNative['fused']>;
interface Program {
  code: Int32Array;
  consts: Float32Array;
  nRegs: number;
  inputs: Float32Array[];
  modes: Int32Array;
  outRegs: Int32Array;
  n: number;
}

const FULL = 0;
const SCALAR = 1;
const ROW = 2;
const COL = 3;
const EXACT_UNARY = [5, 12, 13, 14, 15, 19, 21];
const EXACT_BINARY = [1, 2, 3, 4, 16, 17, 20];
const TRANSCENDENTAL = [6, 7, 8, 9, 10, 11, 18];

/** The opcodes in float64 JS, rounded to float32 by the Float32Array registers of `evaluate`. */
const REF: Record<number, (a: number, b: number) => number> = {
  1: (a, b) => a + b,
  2: (a, b) => a - b,
  3: (a, b) => a * b,
  4: (a, b) => a / b,
  5: (a) => -a,
  6: Math.exp,
  7: Math.log,
  8: Math.log1p,
  9: Math.expm1,
  10: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
  11: (a) => 1 / (1 + Math.exp(-a)),
  12: (a) => Math.max(0, a),
  13: (a) => (Number.isNaN(a) ? NaN : a > 0 ? 1 : 0),
  14: (a) => a * a,
  15: Math.sqrt,
  16: Math.max,
  17: Math.min,
  18: Math.tanh,
  19: Math.abs,
  20: (a, b) => (a > b ? 1 : 0),
  21: (a) => 1 / a,
};

/** The reference evaluator: the program element by element, each register a Float32Array (float32 rounding). */
function evaluate(p: Program): Float32Array[] {
  const regs: Float32Array[] = [];
  const at = (k: number, i: number): number => {
    const [mode, q] = [p.modes[2 * k], p.modes[2 * k + 1]];
    const x = p.inputs[k];
    return mode === FULL ? x[i] : mode === SCALAR ? x[0] : mode === ROW ? x[i % q] : x[Math.floor(i / q)];
  };
  for (let k = 0; k < p.inputs.length; k++) regs[k] = Float32Array.from({ length: p.n }, (_, i) => at(k, i));
  for (let j = 0; j < p.code.length; j += 4) {
    const [op, d, a, b] = p.code.subarray(j, j + 4);
    const out = new Float32Array(p.n);
    if (op === 0) out.fill(p.consts[a]);
    else for (let i = 0; i < p.n; i++) out[i] = REF[op](regs[a][i], b >= 0 ? regs[b][i] : NaN);
    regs[d] = out;
  }
  return Array.from(p.outRegs, (r) => regs[r]);
}

function run(fused: Fused, p: Program, outputs = Array.from(p.outRegs, () => new Float32Array(p.n))): Float32Array[] {
  fused(p.code, p.consts, p.nRegs, p.inputs, p.modes, outputs, p.outRegs, p.n);
  return outputs;
}

/** A seeded generator: uniform in [0, 1) and standard normal. */
function rng(seed: number): { u: () => number; normal: () => number; int: (k: number) => number } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, normal, int: (k) => Math.floor(u() * k) };
}

/** A random program over an output [rows, cols] with inputs in random modes, reusing temporaries now and then. */
function randomProgram(seed: number, unary: number[], binary: number[], rows: number, cols: number): Program {
  const g = rng(seed);
  const nIn = 1 + g.int(4);
  const n = rows * cols;
  const modes: number[] = [];
  const inputs: Float32Array[] = [];
  for (let k = 0; k < nIn; k++) {
    const mode = k === 0 ? FULL : g.int(4);
    const [len, q] = mode === FULL ? [n, 0] : mode === SCALAR ? [1, 0] : mode === ROW ? [cols, cols] : [rows, cols];
    modes.push(mode, q);
    inputs.push(Float32Array.from({ length: len }, () => 2 * g.normal()));
  }
  const nTemps = 3 + g.int(8);
  const nRegs = nIn + nTemps;
  const written = Array.from({ length: nIn }, (_, k) => k);
  const code: number[] = [];
  const consts: number[] = [];
  const steps = 4 + g.int(16);
  for (let s = 0; s < steps; s++) {
    const d = nIn + g.int(nTemps);
    const pick = (): number => written[g.int(written.length)];
    const kind = g.u();
    if (kind < 0.1) {
      consts.push(g.normal() * 3);
      code.push(0, d, consts.length - 1, -1);
    } else if (kind < 0.5) {
      code.push(unary[g.int(unary.length)], d, pick(), -1);
    } else {
      code.push(binary[g.int(binary.length)], d, pick(), pick());
    }
    if (!written.includes(d)) written.push(d);
  }
  const nOut = 1 + g.int(3);
  const outRegs = Int32Array.from({ length: nOut }, (_, k) => (k === 0 ? code[code.length - 3] : written[g.int(written.length)]));
  return { code: Int32Array.from(code), consts: Float32Array.from(consts), nRegs, inputs, modes: Int32Array.from(modes), outRegs, n };
}

const SHAPES: Array<[number, number]> = [[1, 1], [3, 5], [7, 300], [1, 513], [100, 784], [100, 180], [33, 17], [2, 4097]];

/** Both arrays equal bit for bit, NaNs of any payload equal. */
function sameBits(a: Float32Array, b: Float32Array): string {
  for (let i = 0; i < a.length; i++) {
    if (!(Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return `index ${i}: ${a[i]} vs ${b[i]}`;
  }
  return 'equal';
}

/** Runs f with the pool at `count` threads, restoring the previous count. */
function withThreads<T>(addon: SgmNative, count: number, f: () => T): T {
  const before = addon.threads();
  addon.threads(count);
  try {
    return f();
  } finally {
    addon.threads(before);
  }
}

describe('native fused programs: random programs against the reference evaluator', () => {
  itWithAddon('programs of the exactly rounded opcodes equal the float32 reference bit for bit (60 programs)', (addon) => {
    withThreads(addon, 2, () => {
      for (let seed = 1; seed <= 60; seed++) {
        const [rows, cols] = SHAPES[seed % SHAPES.length];
        const p = randomProgram(seed, EXACT_UNARY, EXACT_BINARY, rows, cols);
        const expected = evaluate(p);
        run(addon.fused!, p).forEach((o, k) => expect(sameBits(o, expected[k]), `seed ${seed}, output ${k}`).toBe('equal'));
      }
    });
  });

  itWithAddon('programs with exp, log, log1p, expm1, softplus, sigmoid, tanh agree within float32 rounding (60 programs)', (addon) => {
    // Each transcendental opcode is within 1-3 ulp (native-fused-ops.test.ts); a chain of them can amplify that by
    // its condition number, so the check is relative 1e-4 with an absolute floor of 1e-6 (2^-24 is 6e-8).
    withThreads(addon, 2, () => {
      for (let seed = 101; seed <= 160; seed++) {
        const [rows, cols] = SHAPES[seed % SHAPES.length];
        const p = randomProgram(seed, [...TRANSCENDENTAL, 5, 14, 19], [1, 2, 3], rows, cols);
        const expected = evaluate(p);
        run(addon.fused!, p).forEach((o, k) => {
          const a = o.map((v) => (Number.isFinite(v) ? v : 0));
          const b = expected[k].map((v) => (Number.isFinite(v) ? v : 0));
          expect(sameBits(o.map((v) => (Number.isFinite(v) ? 0 : v)), expected[k].map((v) => (Number.isFinite(v) ? 0 : v))), `seed ${seed}: inf/NaN places`).toBe('equal');
          expectClose(a, b, 1e-4, 1e-6);
        });
      }
    });
  });
});

describe('native fused programs: modes, outputs, threads', () => {
  itWithAddon('FULL, SCALAR, ROW and COL inputs over shapes that do not divide the block of 512', (addon) => {
    for (const [rows, cols] of [[7, 300], [100, 784], [3, 1], [1, 1000], [1025, 3]]) {
      const n = rows * cols;
      const g = rng(rows * 1000 + cols);
      const x = Float32Array.from({ length: n }, g.normal);
      const [s, row, col] = [Float32Array.of(g.normal()), Float32Array.from({ length: cols }, g.normal), Float32Array.from({ length: rows }, g.normal)];
      // out = ((x + row) * col) - s
      const p: Program = {
        code: Int32Array.from([1, 4, 0, 2, 3, 5, 4, 3, 2, 6, 5, 1]),
        consts: new Float32Array(0),
        nRegs: 7,
        inputs: [x, s, row, col],
        modes: Int32Array.from([FULL, 0, SCALAR, 0, ROW, cols, COL, cols]),
        outRegs: Int32Array.of(6),
        n,
      };
      const expected = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.fround(Math.fround(x[i] + row[i % cols]) * col[Math.floor(i / cols)]) - s[0]));
      expect(sameBits(run(addon.fused!, p)[0], expected), `[${rows}, ${cols}]`).toBe('equal');
    }
  });

  itWithAddon('several outputs: temporaries, an input register, a broadcast input, and an output written over its own FULL input', (addon) => {
    const [rows, cols] = [20, 97];
    const n = rows * cols;
    const g = rng(7);
    const x = Float32Array.from({ length: n }, g.normal);
    const row = Float32Array.from({ length: cols }, g.normal);
    // r2 = exp(x), r3 = r2 * row, outputs: r3, r0 (x itself), r1 (the row, broadcast), r2.
    const p: Program = { code: Int32Array.from([6, 2, 0, -1, 3, 3, 2, 1]), consts: new Float32Array(0), nRegs: 4, inputs: [x, row], modes: Int32Array.from([FULL, 0, ROW, cols]), outRegs: Int32Array.from([3, 0, 1, 2]), n };
    const [o3, o0, o1, o2] = run(addon.fused!, p);
    const [e3, , , e2] = evaluate(p);
    expect(sameBits(o0, x)).toBe('equal');
    expect(sameBits(o1, Float32Array.from({ length: n }, (_, i) => row[i % cols]))).toBe('equal');
    expectClose(o2, e2, 3e-7, 0);
    expectClose(o3, e3, 6e-7, 0);
    // In place: the output is x's own array (a FULL input), as tfjs may do when it reuses a buffer.
    const inPlace = x.slice();
    run(addon.fused!, { ...p, inputs: [inPlace, row], outRegs: Int32Array.of(3) }, [inPlace]);
    expect(sameBits(inPlace, o3)).toBe('equal');
    // In place with the input read after the output's value exists: exp(x) goes to x's array, then x·exp(x).
    const again = x.slice();
    const other = new Float32Array(n);
    run(addon.fused!, { ...p, code: Int32Array.from([6, 2, 0, -1, 3, 3, 2, 0]), inputs: [again, row], outRegs: Int32Array.from([2, 3]) }, [again, other]);
    expect(sameBits(again, o2)).toBe('equal');
    expect(sameBits(other, Float32Array.from(x, (v, i) => v * o2[i]))).toBe('equal');
  });

  itWithAddon('a softplus/sigmoid chain equals the same tfjs ops within float32 rounding', (addon) => {
    const [rows, cols] = [100, 784];
    const g = rng(11);
    const [x, y, b] = [Float32Array.from({ length: rows * cols }, () => 3 * g.normal()), Float32Array.from({ length: rows * cols }, g.u), Float32Array.from({ length: cols }, g.normal)];
    // l = x + b; out0 = y * l - softplus(l); out1 = sigmoid(l) - y; out2 = max(l, 0) * 0.5
    const p: Program = {
      code: Int32Array.from([1, 3, 0, 2, 3, 4, 1, 3, 10, 5, 3, -1, 2, 6, 4, 5, 11, 7, 3, -1, 2, 8, 7, 1, 0, 9, 0, -1, 16, 4, 3, 9, 0, 5, 1, -1, 3, 10, 4, 5]),
      consts: Float32Array.from([0, 0.5]),
      nRegs: 11,
      inputs: [x, y, b],
      modes: Int32Array.from([FULL, 0, FULL, 0, ROW, cols]),
      outRegs: Int32Array.from([6, 8, 10]),
      n: rows * cols,
    };
    const outs = withThreads(addon, 2, () => run(addon.fused!, p));
    tf.tidy(() => {
      const [tx, ty, tb] = [tf.tensor2d(x, [rows, cols]), tf.tensor2d(y, [rows, cols]), tf.tensor1d(b)];
      const l = tf.add(tx, tb);
      const refs = [tf.sub(tf.mul(ty, l), tf.softplus(l)), tf.sub(tf.sigmoid(l), ty), tf.mul(tf.maximum(l, 0), 0.5)];
      refs.forEach((r, k) => expectClose(outs[k], r.dataSync() as Float32Array, 2e-6, 2e-7));
    });
  });

  itWithAddon('gives bit-identical results on 1, 2 and 3 threads, and the same values whatever n cuts the blocks', (addon) => {
    const n = 200_003;
    const g = rng(5);
    const x = Float32Array.from({ length: n }, () => 4 * g.normal());
    const y = Float32Array.from({ length: n }, () => 4 * g.normal());
    const col = Float32Array.from({ length: Math.ceil(n / 13) }, g.normal);
    // Every opcode once, on bounded values: r3 = col ... down to the output r25.
    const ops = [[6, 0], [7, 1], [8, 2], [9, 3], [10, 4], [11, 5], [12, 6], [13, 7], [14, 8], [15, 9], [5, 10], [18, 11], [19, 12], [21, 13]];
    const code: number[] = [0, 3, 0, -1];
    const unary = ops.map(([op], k) => [op, 4 + k, k % 3, -1]);
    code.push(...unary.flat());
    let acc = 3;
    let reg = 4 + ops.length;
    for (const [op, k] of [[1, 0], [2, 1], [3, 2], [4, 3], [16, 4], [17, 5], [20, 6], [1, 7], [1, 8], [1, 9], [1, 10], [1, 11], [1, 12], [1, 13]]) {
      code.push(op, reg, acc, 4 + k);
      acc = reg++;
    }
    const p: Program = { code: Int32Array.from(code), consts: Float32Array.of(0.25), nRegs: reg, inputs: [x, y, col], modes: Int32Array.from([FULL, 0, FULL, 0, COL, 13]), outRegs: Int32Array.from([acc, 4, 15]), n };
    const [one, two, three] = [1, 2, 3].map((t) => withThreads(addon, t, () => run(addon.fused!, p)));
    one.forEach((o, k) => {
      expect(sameBits(two[k], o), `output ${k}, 2 threads`).toBe('equal');
      expect(sameBits(three[k], o), `output ${k}, 3 threads`).toBe('equal');
    });
    // A shorter n runs inline with other block and chunk boundaries: its values are the prefix of the long run.
    for (const m of [1, 511, 777, 5000, 100_001]) {
      const short = withThreads(addon, 2, () => run(addon.fused!, { ...p, n: m }));
      short.forEach((o, k) => expect(sameBits(o, one[k].subarray(0, m)), `n = ${m}, output ${k}`).toBe('equal'));
    }
  });
});

describe('native fused programs: bad calls', () => {
  itWithAddon('throws a JS error for every malformed call and keeps working afterwards', (addon) => {
    const fused = addon.fused!;
    const x = new Float32Array(10);
    const out = new Float32Array(10);
    const ok: Program = { code: Int32Array.from([6, 1, 0, -1]), consts: new Float32Array(0), nRegs: 2, inputs: [x], modes: Int32Array.from([FULL, 0]), outRegs: Int32Array.of(1), n: 10 };
    const call = (p: Partial<Program>, outputs: unknown = [out]) => () => {
      const q = { ...ok, ...p };
      (fused as (...args: unknown[]) => void)(q.code, q.consts, q.nRegs, q.inputs, q.modes, outputs, q.outRegs, q.n);
    };
    const many = 1100; // CONSTs kept live at once: more than the 1,024 the stack scratch holds
    const bigCode = [...Array.from({ length: many }, (_, k) => [0, 1 + k, 0, -1]), ...Array.from({ length: many - 1 }, (_, k) => [1, many + 1 + k, k === 0 ? 1 : many + k, 2 + k])].flat();
    const bad: Array<[string, () => void]> = [
      ['too few arguments', () => (fused as (...args: unknown[]) => void)(ok.code)],
      ['code not an Int32Array', call({ code: new Float32Array(4) as unknown as Int32Array })],
      ['code length not a multiple of 4', call({ code: Int32Array.from([6, 1, 0]) })],
      ['unknown opcode', call({ code: Int32Array.from([22, 1, 0, -1]) })],
      ['negative opcode', call({ code: Int32Array.from([-1, 1, 0, -1]) })],
      ['writes an input', call({ code: Int32Array.from([6, 0, 0, -1]) })],
      ['writes past nRegs', call({ code: Int32Array.from([6, 2, 0, -1]) })],
      ['reads a register not yet written', call({ code: Int32Array.from([1, 1, 0, 1]), nRegs: 2 })],
      ['reads a negative register', call({ code: Int32Array.from([1, 1, 0, -1]) })],
      ['CONST past the constants', call({ code: Int32Array.from([0, 1, 0, -1]) })],
      ['output register never written', call({ nRegs: 3, outRegs: Int32Array.of(2) })],
      ['nRegs 0', call({ nRegs: 0 })],
      ['nRegs too large', call({ nRegs: 70_000 })],
      ['nRegs not an integer', call({ nRegs: 2.5 })],
      ['n negative', call({ n: -1 })],
      ['n not an integer', call({ n: 2.5 })],
      ['n NaN', call({ n: NaN })],
      ['n beyond the input', call({ n: 11 })],
      ['n beyond the output', call({ n: 10 }, [new Float32Array(9)])],
      ['inputs not an array', call({ inputs: x as unknown as Float32Array[] })],
      ['an input not a Float32Array', call({ inputs: [new Float64Array(10) as unknown as Float32Array] })],
      ['modes of the wrong length', call({ modes: Int32Array.from([FULL]) })],
      ['unknown mode', call({ modes: Int32Array.from([4, 0]) })],
      ['ROW with period 0', call({ modes: Int32Array.from([ROW, 0]) })],
      ['COL with a negative period', call({ modes: Int32Array.from([COL, -3]) })],
      ['COL with a negative period and n = 0', call({ modes: Int32Array.from([COL, -3]), n: 0 })],
      ['COL input too short', call({ inputs: [new Float32Array(2)], modes: Int32Array.from([COL, 3]) })],
      ['outRegs of the wrong length', call({ outRegs: Int32Array.from([1, 1]) })],
      ['an output overlapping another', call({ outRegs: Int32Array.from([1, 1]) }, [out, out.subarray(0)])],
      ['an output overlapping an input at another offset', call({ inputs: [new Float32Array(out.buffer, 4, 9)], n: 9 })],
      ['an output over a ROW input', call({ inputs: [out.subarray(0, 5)], modes: Int32Array.from([ROW, 5]) })],
      ['no outputs', call({ outRegs: new Int32Array(0) }, [])],
      ['more than 1024 live values', call({ code: Int32Array.from(bigCode), consts: Float32Array.of(1), nRegs: 2 * many + 1, outRegs: Int32Array.of(2 * many - 1) })],
    ];
    for (const [why, f] of bad) expect(f, why).toThrow(/sgm_native\.fused/);
    // An empty output (a zero-size trailing dimension gives a ROW or COL period of 0) is no error and writes nothing.
    call({ inputs: [new Float32Array(3)], modes: Int32Array.from([COL, 0]), n: 0 }, [new Float32Array(0)])();
    call({ inputs: [new Float32Array(0)], modes: Int32Array.from([ROW, 0]), n: 0 }, [new Float32Array(0)])();
    // The well-formed call still works, and the limit case above is fine with fewer live values.
    call({})();
    expect(sameBits(out, new Float32Array(10).fill(1))).toBe('equal');
    const fewer = 600;
    const code = [...Array.from({ length: fewer }, (_, k) => [0, 1 + k, 0, -1]), ...Array.from({ length: fewer - 1 }, (_, k) => [1, fewer + 1 + k, k === 0 ? 1 : fewer + k, 2 + k])].flat();
    call({ code: Int32Array.from(code), consts: Float32Array.of(1), nRegs: 2 * fewer, outRegs: Int32Array.of(2 * fewer - 1) })();
    expect(out[0]).toBe(fewer);
  });
});
