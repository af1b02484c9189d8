/**
 * The fast path of the JS evaluator: a program (with its inputs' modes) compiled once into a JavaScript function
 * with ONE loop over the elements whose body is the program in straight-line code (each instruction a local
 * variable, rounded to float32 with Math.fround exactly where the block evaluator stores to its Float32Array
 * scratch, so both give the same bits). V8 keeps the temporaries in registers: no scratch traffic and no
 * per-instruction loop overhead, 2-4x faster than evaluate.ts on the reference step's programs (bench/NOTES.md
 * change 11). Where code generation is not allowed (a page whose Content-Security-Policy forbids `new Function`),
 * `compileJs` returns null and callers use evaluateProgram.
 */
import { Op } from './expr.js';
import { Mode, type ProgramCode } from './evaluate.js';

/** A compiled program: reads inputs by their modes (parameters in `modes`), writes the outputs' first n entries. */
export type JsKernel = (inputs: readonly Float32Array[], modes: Int32Array, outputs: readonly Float32Array[], n: number) => void;

/** JavaScript of one instruction's value from its operands' names (float64 arithmetic; the caller rounds). */
function expression(op: number, a: string, b: string): string {
  switch (op) {
    case Op.ADD: return `${a} + ${b}`;
    case Op.SUB: return `${a} - ${b}`;
    case Op.MUL: return `${a} * ${b}`;
    case Op.DIV: return `${a} / ${b}`;
    case Op.NEG: return `-${a}`;
    case Op.EXP: return `exp(${a})`;
    case Op.LOG: return `log(${a})`;
    case Op.LOG1P: return `log1p(${a})`;
    case Op.EXPM1: return `expm1(${a})`;
    // Branch-free forms where the data decides the branch (the sign of a logit or pre-activation is a coin flip,
    // and a mispredicted branch costs more than the arithmetic: 5 against 1 ns per value, measured). Same values
    // as evaluate.ts: max(x, 0) = (x + |x|)/2 exactly for every float32 x but -Inf (where x + |x| is NaN; that
    // test is predictable), and +(x > 0) is 1 or 0 without a jump.
    case Op.SOFTPLUS: return `(${a} === -Infinity ? 0 : (${a} + abs(${a})) * 0.5) + log1p(exp(-abs(${a})))`;
    case Op.SIGMOID: return `1 / (1 + exp(-${a}))`;
    case Op.RELU: return `(${a} === -Infinity ? 0 : (${a} + abs(${a})) * 0.5)`;
    case Op.STEP: return `(${a} !== ${a} ? ${a} : +(${a} > 0))`;
    case Op.SQUARE: return `${a} * ${a}`;
    case Op.SQRT: return `sqrt(${a})`;
    case Op.MAX: return `max(${a}, ${b})`;
    case Op.MIN: return `min(${a}, ${b})`;
    case Op.TANH: return `tanh(${a})`;
    case Op.ABS: return `abs(${a})`;
    case Op.GREATER: return `+(${a} > ${b})`;
    case Op.RECIP: return `1 / ${a}`;
    default: throw new Error(`fusion: unknown opcode ${op}`);
  }
}

/** The source of the kernel for `program` with inputs of the given mode kinds. */
function kernelSource(program: ProgramCode, kinds: readonly number[]): string {
  const { code, consts, outRegs } = program;
  const nIn = kinds.length;
  const used = new Set<number>();
  for (let t = 0; t < code.length; t += 4) {
    if (code[t] === Op.CONST) continue;
    if (code[t + 2] >= 0) used.add(code[t + 2]);
    if (code[t + 3] >= 0) used.add(code[t + 3]);
  }
  // An output register may be an input itself (the program copies it); outputs read registers at the end.
  const head: string[] = ['const { exp, log, log1p, expm1, abs, max, min, sqrt, tanh, fround: fr } = Math;'];
  const body: string[] = [];
  const step: string[] = [];
  // The current value name of every register, as the straight-line code assigns them.
  const name = new Map<number, string>();
  const inputUsed = (k: number): boolean => used.has(k) || Array.from(outRegs).includes(k);
  for (let k = 0; k < nIn; k++) {
    if (!inputUsed(k)) continue;
    head.push(`const x${k} = inputs[${k}];`);
    switch (kinds[k]) {
      case Mode.FULL: body.push(`const r${k} = x${k}[i];`); break;
      case Mode.SCALAR: head.push(`const r${k} = x${k}[0];`); break;
      case Mode.ROW:
        // Element i reads x[i % p]: a wrapping counter (no division per element).
        head.push(`const p${k} = modes[${2 * k + 1}]; let j${k} = 0;`);
        body.push(`const r${k} = x${k}[j${k}];`);
        step.push(`if (++j${k} === p${k}) j${k} = 0;`);
        break;
      case Mode.COL:
        // Element i reads x[floor(i / p)]: a run counter.
        head.push(`const p${k} = modes[${2 * k + 1}]; let q${k} = 0, c${k} = 0;`);
        body.push(`const r${k} = x${k}[q${k}];`);
        step.push(`if (++c${k} === p${k}) { c${k} = 0; q${k}++; }`);
        break;
      default: throw new Error(`fusion: unknown input mode ${kinds[k]}`);
    }
    name.set(k, `r${k}`);
  }
  for (let t = 0; t < code.length; t += 4) {
    const [op, dst, a, b] = [code[t], code[t + 1], code[t + 2], code[t + 3]];
    const v = `v${t >> 2}`;
    if (op === Op.CONST) {
      // Constants are float32 already; hoisted out of the loop.
      head.push(`const ${v} = ${Object.is(consts[a], -0) ? '-0' : String(consts[a])};`);
    } else {
      body.push(`const ${v} = fr(${expression(op, name.get(a)!, b >= 0 ? name.get(b)! : '')});`);
    }
    name.set(dst, v);
  }
  outRegs.forEach((r, j) => {
    head.push(`const o${j} = outputs[${j}];`);
    body.push(`o${j}[i] = ${name.get(r)!};`);
  });
  return `${head.join('\n')}\nfor (let i = 0; i < n; i++) {\n${[...body, ...step].join('\n')}\n}`;
}

const kernels = new WeakMap<ProgramCode, Map<string, JsKernel | null>>();
let codegenAllowed = true;

/** The compiled kernel of `program` for inputs of these modes (cached), or null where code generation is refused. */
export function compileJs(program: ProgramCode, modes: Int32Array): JsKernel | null {
  if (!codegenAllowed) return null;
  const kinds: number[] = [];
  for (let k = 0; k < modes.length; k += 2) kinds.push(modes[k]);
  const key = kinds.join(',');
  let byModes = kernels.get(program);
  if (byModes === undefined) kernels.set(program, (byModes = new Map()));
  let fn = byModes.get(key);
  if (fn === undefined) {
    try {
      fn = new Function('inputs', 'modes', 'outputs', 'n', kernelSource(program, kinds)) as JsKernel;
    } catch (e) {
      // EvalError under a Content-Security-Policy without 'unsafe-eval': interpret instead, from now on.
      if (!(e instanceof EvalError)) throw e;
      codegenAllowed = false;
      fn = null;
    }
    byModes.set(key, fn);
  }
  return fn;
}

/** Forces the block evaluator (tests compare the two paths). */
export function setCodegenAllowed(on: boolean): void {
  codegenAllowed = on;
}
