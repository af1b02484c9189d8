/**
 * A fused elementwise program (FUSION-SPEC.md: `code` of [op, dst, a, b] quadruples over registers, `consts`,
 * input broadcast modes FULL/SCALAR/ROW/COL) compiled to a WebAssembly SIMD function on the WASM backend's heap:
 * registers become v128 locals, so a program is one loop over the output's elements, four at a time, that reads
 * each input and writes each output once, with no scratch memory at all. Compiled once per (program, modes, memory).
 *
 * Numerics: +, −, ×, ÷, √, min, max, abs, neg are IEEE float32 operations, each rounded as the JS evaluator's
 * float64-then-float32 (the double rounding is exact for these), so arithmetic programs give the JS evaluator's
 * values bit for bit (NaN payloads aside); exp, log, softplus and sigmoid are the native addon's vector math
 * (vmath.ts), within 1-3 float32 ulps of the JS evaluator's Math.* in float64; log1p(t) is log(u) + (t − (u−1))/u
 * with u = 1 + t (the addon's softplus correction), expm1 Kahan's (u − 1)·x/log u, tanh t/(t + 2) with
 * t = expm1(2|x|): ≤ 2-3 ulps (tested). An unknown opcode gives null (the caller keeps its JS evaluator).
 */
import { encodeModule, FunctionBody, I32, V128, type ValType } from './encoder.js';
import { expInline, expm1Inline, logInline, sigmoid, softplus, tanhInline, vectorOps, type Emit } from './vmath.js';

/** The arrays of a program the compiler reads (stdlib/fusion's ProgramCode). */
export interface FusedProgramCode {
  readonly code: Int32Array;
  readonly consts: Float32Array;
  readonly nRegs: number;
  readonly outRegs: Int32Array;
}

/** Runs the compiled program: byte offsets of the inputs (in mode order) and outputs in the heap, n elements. */
export type CompiledProgram = (inputs: readonly number[], outputs: readonly number[], n: number) => void;

/** Opcodes (FUSION-SPEC.md). */
const OP = {
  CONST: 0, ADD: 1, SUB: 2, MUL: 3, DIV: 4, NEG: 5, EXP: 6, LOG: 7, LOG1P: 8, EXPM1: 9, SOFTPLUS: 10, SIGMOID: 11,
  RELU: 12, STEP: 13, SQUARE: 14, SQRT: 15, MAX: 16, MIN: 17, TANH: 18, ABS: 19, GREATER: 20, RECIP: 21,
} as const;
const MODE = { FULL: 0, SCALAR: 1, ROW: 2, COL: 3 } as const;

/** Emits the body of one instruction as an emitter of its v128 value, or null for an opcode not compiled. */
function instruction(o: ReturnType<typeof vectorOps>, op: number, a: Emit, b: Emit, constant: number): Emit | null {
  switch (op) {
    case OP.CONST: return o.k(constant);
    case OP.ADD: return o.add(a, b);
    case OP.SUB: return o.sub(a, b);
    case OP.MUL: return o.mul(a, b);
    case OP.DIV: return o.div(a, b);
    case OP.NEG: return o.neg(a);
    case OP.EXP: return expInline(o, o.let(a));
    case OP.LOG: return logInline(o, o.let(a));
    case OP.LOG1P: {
      const u = o.let(o.add(o.k(1), a));
      const logU = o.let(logInline(o, u));
      // u = 0 (t = −1) and u = ∞ have no correction term (0/0, ∞/∞): log(u) is the answer there.
      const plain = o.or(o.eq(u, o.k(0)), o.eq(u, o.k(Infinity)));
      return o.select(plain, logU, o.add(logU, o.div(o.sub(a, o.sub(u, o.k(1))), u)));
    }
    case OP.SOFTPLUS: return softplus(o, o.let(a));
    case OP.SIGMOID: return sigmoid(o, o.let(a));
    case OP.RELU: return o.max(o.k(0), a); // Math.max(0, x): NaN stays NaN
    case OP.STEP: return o.select(o.ne(a, a), a, o.and(o.gt(a, o.k(0)), o.k(1)));
    case OP.SQUARE: return o.mul(a, a);
    case OP.SQRT: return o.sqrt(a);
    case OP.MAX: return o.max(a, b); // NaN-propagating, +0 over −0: Math.max
    case OP.MIN: return o.min(a, b);
    case OP.ABS: return o.abs(a);
    case OP.GREATER: return o.and(o.gt(a, b), o.k(1));
    case OP.RECIP: return o.div(o.k(1), a);
    case OP.EXPM1: return expm1Inline(o, o.let(a));
    case OP.TANH: return tanhInline(o, o.let(a));
    default: return null; // unknown
  }
}

/**
 * Groups of four values per iteration of the main loop, their instructions interleaved (vmath.ts vectorOps).
 * Measured on 78,400 values (ms, 1 / 2 / 4 / 8 groups): softplus 0.54 / 0.42 / 0.34 / 0.28, expm1 0.56 / 0.39 /
 * 0.30 / 0.31, exp 0.12 / 0.12 / 0.10 / 0.10. Four, and one for long programs: the code grows with the groups.
 */
function groupsFor(program: FusedProgramCode): number {
  return program.code.length / 4 > 64 ? 1 : 4;
}

/** The program's loops; null when an opcode is not compiled. */
function programBody(program: FusedProgramCode, modes: Int32Array): FunctionBody | null {
  const nIn = modes.length / 2;
  const nOut = program.outRegs.length;
  const f = new FunctionBody(new Array<ValType>(nIn + nOut + 1).fill(I32), []);
  const o = vectorOps(f);
  const n = nIn + nOut;
  const i = f.local(I32);
  const end = f.local(I32);
  const GROUPS = groupsFor(program);
  // Register r of group g is the local regs[r][g].
  const regs = Array.from({ length: program.nRegs }, () => Array.from({ length: GROUPS }, () => f.local(V128)));
  const state = Array.from({ length: nIn }, (_, k) => {
    const [mode, p] = [modes[2 * k], modes[2 * k + 1]];
    if (mode === MODE.SCALAR) {
      const s = f.local(V128);
      f.get(k).mem('f32Load').simd('f32x4Splat').set(s);
      return { mode, p, s, j: -1, q: -1, r: -1 };
    }
    // ROW: j is the byte offset in the row; COL: q the byte offset of the value, r the elements used of its run.
    return { mode, p, s: -1, j: f.local(I32), q: f.local(I32), r: f.local(I32) };
  });
  const c = f.local(I32);
  const advanceRow = (j: number, step: number, p: number): void =>
    void f.i32(0).get(j).i32(step).op('i32Add').tee(j).get(j).i32(4 * p).op('i32Eq').op('select').set(j);
  const advanceCol = (q: number, r: number, step: number, p: number): void => {
    f.get(r).i32(step).op('i32Add').tee(r).i32(p).op('i32Eq').set(c);
    f.i32(0).get(r).get(c).op('select').set(r);
    f.get(q).get(c).i32(2).op('i32Shl').op('i32Add').set(q);
  };
  const scalarAt = (k: number, offset: number): void => void f.get(k).get(offset).op('i32Add').mem('f32Load');
  /**
   * Loads the inputs of `groups` groups of four elements into their registers (vector), or of one element into
   * every lane (the tail). Broadcast inputs move on group by group (or lane by lane where they gather).
   */
  const load = (vector: boolean, groups: number): void => {
    for (let g = 0; g < groups; g++) {
      state.forEach((st, k) => {
        if (st.mode === MODE.SCALAR) {
          f.get(st.s);
        } else if (st.mode === MODE.FULL) {
          f.get(k).get(i).op('i32Add').mem(vector ? 'v128Load' : 'f32Load', 16 * g);
          if (!vector) f.simd('f32x4Splat');
        } else if (vector && st.p % 4 === 0) {
          // Four elements of one row (a row of 4m values never wraps inside a group) or one column value.
          if (st.mode === MODE.ROW) {
            f.get(k).get(st.j).op('i32Add').mem('v128Load');
            advanceRow(st.j, 16, st.p);
          } else {
            scalarAt(k, st.q);
            f.simd('f32x4Splat');
            advanceCol(st.q, st.r, 4, st.p);
          }
        } else {
          for (let lane = 0; lane < (vector ? 4 : 1); lane++) {
            scalarAt(k, st.mode === MODE.ROW ? st.j : st.q);
            if (lane === 0) f.simd('f32x4Splat');
            else f.lane('f32x4ReplaceLane', lane);
            if (st.mode === MODE.ROW) advanceRow(st.j, 4, st.p);
            else advanceCol(st.q, st.r, 1, st.p);
          }
        }
        f.set(regs[k][g]);
      });
    }
  };
  const body = (groups: number): boolean => {
    const { code, consts } = program;
    o.setGroups(groups);
    for (let t = 0; t < code.length; t += 4) {
      const [op, dst, a, b] = [code[t], code[t + 1], code[t + 2], code[t + 3]];
      const e = instruction(o, op, o.get(regs[a] ?? []), o.get(regs[b] ?? []), op === OP.CONST ? consts[a] : 0);
      if (e === null) return false;
      for (let g = 0; g < groups; g++) {
        e(g);
        f.set(regs[dst][g]);
      }
    }
    return true;
  };
  /** One loop: `groups` groups of four values per iteration (vector), or one value (the tail). */
  const loop = (vector: boolean, groups: number): boolean => {
    const step = vector ? 16 * groups : 4;
    f.get(n).i32(vector ? -4 * groups : -1).op('i32And').i32(2).op('i32Shl').set(end);
    f.begin('block').begin('loop');
    f.get(i).get(end).op('i32GeU').br('brIf', 1);
    load(vector, groups);
    if (!body(groups)) return false;
    for (let g = 0; g < groups; g++) {
      program.outRegs.forEach((reg, j) => {
        f.get(nIn + j).get(i).op('i32Add').get(regs[reg][g]);
        if (vector) f.mem('v128Store', 16 * g);
        else f.lane('f32x4ExtractLane', 0).mem('f32Store');
      });
    }
    f.get(i).i32(step).op('i32Add').set(i);
    f.br('br', 0).op('end').op('end');
    return true;
  };
  // GROUPS·4 values at a time, then 4 at a time, then one at a time.
  if (!loop(true, GROUPS)) return null;
  if (GROUPS > 1) loop(true, 1);
  loop(false, 1);
  return f;
}

/**
 * The module's `run`, or null where the engine refuses to compile it: a browser's main thread may cap synchronous
 * compilation at a few KB (a long program's module is larger) and a Content-Security-Policy may forbid it.
 */
function instantiate(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): ((...args: number[]) => void) | null {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.run as (...args: number[]) => void;
  } catch {
    return null;
  }
}

const compiled = new WeakMap<WebAssembly.Memory, WeakMap<FusedProgramCode, Map<string, CompiledProgram | null>>>();

/**
 * `program` with inputs in `modes` ([mode, parameter] pairs) as a function over `memory`, or null when it has an
 * opcode this compiler does not know, the engine has no WebAssembly SIMD or refuses to compile the module.
 */
export function compileProgram(program: FusedProgramCode, modes: Int32Array, memory: WebAssembly.Memory): CompiledProgram | null {
  let byProgram = compiled.get(memory);
  if (byProgram === undefined) compiled.set(memory, (byProgram = new WeakMap()));
  let byModes = byProgram.get(program);
  if (byModes === undefined) byProgram.set(program, (byModes = new Map()));
  const key = modes.join(',');
  if (byModes.has(key)) return byModes.get(key)!;
  const main = programBody(program, modes);
  let run: CompiledProgram | null = null;
  if (main !== null) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = encodeModule({ run: main }, shared);
    const fn = WebAssembly.validate(bytes) ? instantiate(bytes, memory) : null;
    if (fn !== null) {
      run = (inputs, outputs, n) => {
        if (n > 0) fn(...inputs, ...outputs, n);
      };
    }
  }
  byModes.set(key, run);
  return run;
}
