/**
 * The JS evaluator of a fused program over plain Float32Arrays (the CPU backend's arrays or views of the WASM
 * heap; runtime/backend/fused-kernel.ts). numexpr-style: the n output elements are taken in blocks of 512; each
 * input is loaded into its scratch register (by its broadcast mode), then every instruction is one tight loop over
 * the block, so a block's temporaries (nRegs × 512 floats) stay in L1 and memory is read and written once.
 *
 * Numerics: each instruction computes in float64 and the scratch stores float32, i.e. every operation's result is
 * rounded to float32 as tfjs' kernels round theirs. +, -, ×, ÷ and sqrt are then correctly rounded (float64 has more
 * than twice float32's precision, so the double rounding is exact), the same values as tfjs' CPU kernels; exp, log,
 * log1p, expm1, tanh come from Math.* in float64 and are within one float32 rounding of tfjs' float32 kernels.
 */
import { Op } from './expr.js';

/** Elements per block (FUSION-SPEC.md). */
export const BLOCK = 512;

/** Broadcast modes of an input (FUSION-SPEC.md). */
export const Mode = { FULL: 0, SCALAR: 1, ROW: 2, COL: 3 } as const;

/** The arrays of a program that the evaluators read (a subset of Program). */
export interface ProgramCode {
  readonly code: Int32Array;
  readonly consts: Float32Array;
  readonly nRegs: number;
  readonly outRegs: Int32Array;
}

let scratch = new Float32Array(0);

/**
 * Runs `program` over n elements: inputs[k] read by modes[2k] (mode) and modes[2k+1] (parameter), output j written
 * to outputs[j][0 .. n). Outputs must not alias inputs.
 */
export function evaluateProgram(
  program: ProgramCode,
  inputs: readonly Float32Array[],
  modes: Int32Array,
  outputs: readonly Float32Array[],
  n: number,
): void {
  const { code, consts, nRegs, outRegs } = program;
  if (scratch.length < nRegs * BLOCK) scratch = new Float32Array(nRegs * BLOCK);
  const s = scratch;
  const nInstr = code.length >> 2;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    for (let k = 0; k < inputs.length; k++) loadInput(s, k * BLOCK, inputs[k], modes[2 * k], modes[2 * k + 1], start, len);
    for (let t = 0; t < nInstr; t++) {
      const op = code[4 * t];
      const d = code[4 * t + 1] * BLOCK;
      const a = code[4 * t + 2] * BLOCK;
      const b = code[4 * t + 3] * BLOCK;
      switch (op) {
        case Op.CONST: s.fill(consts[code[4 * t + 2]], d, d + len); break;
        case Op.ADD: for (let i = 0; i < len; i++) s[d + i] = s[a + i] + s[b + i]; break;
        case Op.SUB: for (let i = 0; i < len; i++) s[d + i] = s[a + i] - s[b + i]; break;
        case Op.MUL: for (let i = 0; i < len; i++) s[d + i] = s[a + i] * s[b + i]; break;
        case Op.DIV: for (let i = 0; i < len; i++) s[d + i] = s[a + i] / s[b + i]; break;
        case Op.NEG: for (let i = 0; i < len; i++) s[d + i] = -s[a + i]; break;
        case Op.EXP: for (let i = 0; i < len; i++) s[d + i] = Math.exp(s[a + i]); break;
        case Op.LOG: for (let i = 0; i < len; i++) s[d + i] = Math.log(s[a + i]); break;
        case Op.LOG1P: for (let i = 0; i < len; i++) s[d + i] = Math.log1p(s[a + i]); break;
        case Op.EXPM1: for (let i = 0; i < len; i++) s[d + i] = Math.expm1(s[a + i]); break;
        case Op.SOFTPLUS:
          // max(x, 0) + log1p(exp(-|x|)): exp never overflows; NaN stays NaN.
          for (let i = 0; i < len; i++) {
            const x = s[a + i];
            s[d + i] = (x > 0 ? x : x === x ? 0 : x) + Math.log1p(Math.exp(-Math.abs(x)));
          }
          break;
        case Op.SIGMOID:
          // 1 / (1 + e^-x) in float64: e^-x overflows to +Inf only where the float32 result is 0 anyway.
          for (let i = 0; i < len; i++) s[d + i] = 1 / (1 + Math.exp(-s[a + i]));
          break;
        case Op.RELU: for (let i = 0; i < len; i++) s[d + i] = Math.max(0, s[a + i]); break;
        case Op.STEP:
          for (let i = 0; i < len; i++) {
            const x = s[a + i];
            s[d + i] = x > 0 ? 1 : x === x ? 0 : x;
          }
          break;
        case Op.SQUARE: for (let i = 0; i < len; i++) { const x = s[a + i]; s[d + i] = x * x; } break;
        case Op.SQRT: for (let i = 0; i < len; i++) s[d + i] = Math.sqrt(s[a + i]); break;
        case Op.MAX: for (let i = 0; i < len; i++) s[d + i] = Math.max(s[a + i], s[b + i]); break;
        case Op.MIN: for (let i = 0; i < len; i++) s[d + i] = Math.min(s[a + i], s[b + i]); break;
        case Op.TANH: for (let i = 0; i < len; i++) s[d + i] = Math.tanh(s[a + i]); break;
        case Op.ABS: for (let i = 0; i < len; i++) s[d + i] = Math.abs(s[a + i]); break;
        case Op.GREATER: for (let i = 0; i < len; i++) s[d + i] = s[a + i] > s[b + i] ? 1 : 0; break;
        case Op.RECIP: for (let i = 0; i < len; i++) s[d + i] = 1 / s[a + i]; break;
        default: throw new Error(`fusion: unknown opcode ${op}`);
      }
    }
    for (let j = 0; j < outRegs.length; j++) outputs[j].set(s.subarray(outRegs[j] * BLOCK, outRegs[j] * BLOCK + len), start);
  }
}

/** Loads elements start .. start+len of input x (by its mode) into s[at .. at+len). */
function loadInput(s: Float32Array, at: number, x: Float32Array, mode: number, p: number, start: number, len: number): void {
  switch (mode) {
    case Mode.FULL:
      s.set(x.subarray(start, start + len), at);
      return;
    case Mode.SCALAR:
      s.fill(x[0], at, at + len);
      return;
    case Mode.ROW: {
      // Element i reads x[i % p]: runs of the row, wrapping.
      let j = start % p;
      for (let i = 0; i < len; i++) {
        s[at + i] = x[j];
        if (++j === p) j = 0;
      }
      return;
    }
    case Mode.COL: {
      // Element i reads x[floor(i / p)]: runs of one value.
      let q = Math.floor(start / p);
      let r = start - q * p;
      for (let i = 0; i < len; i++) {
        s[at + i] = x[q];
        if (++r === p) {
          r = 0;
          q++;
        }
      }
      return;
    }
    default:
      throw new Error(`fusion: unknown input mode ${mode}`);
  }
}
