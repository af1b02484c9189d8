/**
 * Compiling an expression DAG (expr.ts) into the shared program format of FUSION-SPEC.md: `code` (4 ints per
 * instruction [op, dst, a, b]), `consts`, `nRegs` and `outRegs`.
 *
 * - Common subexpressions are shared: nodes are canonicalised bottom-up on (op, operands, value), with the operands
 *   of commutative operations sorted, so F.mul(a, b) built twice (or once in the forward and once by the
 *   derivative) is one instruction.
 * - Registers: r0 .. r(nIn-1) are the inputs; each temporary is freed after its last use and reused, so nRegs
 *   (the evaluators' scratch is nRegs × 512 floats) stays near the program's width, not its length. An instruction
 *   may write the register of an operand it reads for the last time: evaluation is elementwise, each element is
 *   read before it is written.
 */
import { BINARY_OPS, COMMUTATIVE_OPS, FExpr, INPUT, Op } from './expr.js';

/** A compiled program: the spec's arrays plus the canonical DAG (for differentiation and the tfjs-op fallback). */
export interface Program {
  readonly code: Int32Array;
  readonly consts: Float32Array;
  readonly nRegs: number;
  readonly nIn: number;
  readonly outRegs: Int32Array;
  /** The canonical output expressions (inputs are INPUT leaves 0 .. nIn-1). */
  readonly outputs: readonly FExpr[];
  /** A process-unique number (cache keys). */
  readonly id: number;
}

let nextProgramId = 0;

/** Canonicalises a DAG: one node per distinct (op, operands, value). */
export class Canonicalizer {
  private readonly byKey = new Map<string, FExpr>();
  private readonly memo = new Map<FExpr, FExpr>();

  canon(e: FExpr): FExpr {
    const done = this.memo.get(e);
    if (done !== undefined) return done;
    // Iterative post-order: deep chains (a long sum built by a loop) must not overflow the call stack.
    const stack: FExpr[] = [e];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (this.memo.has(top)) {
        stack.pop();
        continue;
      }
      const pending = [top.a, top.b].filter((c): c is FExpr => c !== null && !this.memo.has(c));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      let a = top.a === null ? null : this.memo.get(top.a)!;
      let b = top.b === null ? null : this.memo.get(top.b)!;
      if (a !== null && b !== null && COMMUTATIVE_OPS.has(top.op) && b.id < a.id) [a, b] = [b, a];
      // Constants by bit pattern (Object.is tells -0 from 0 and keeps NaN equal to itself).
      const v = top.op === Op.CONST ? (Object.is(top.value, -0) ? '-0' : String(top.value)) : String(top.value);
      const key = `${top.op},${a?.id ?? -1},${b?.id ?? -1},${v}`;
      let node = this.byKey.get(key);
      if (node === undefined) {
        node = a === top.a && b === top.b ? top : new FExpr(top.op, a, b, top.value);
        this.byKey.set(key, node);
      }
      this.memo.set(top, node);
    }
    return this.memo.get(e)!;
  }
}

/** Nodes reachable from `roots` in an order where operands come first (ids increase along the DAG). */
export function reachable(roots: readonly FExpr[]): FExpr[] {
  const seen = new Set<FExpr>();
  const stack = [...roots];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.a !== null) stack.push(e.a);
    if (e.b !== null) stack.push(e.b);
  }
  return [...seen].sort((x, y) => x.id - y.id);
}

/**
 * Compiles `outputs` (expressions over inputs 0 .. nIn-1) into a program. An output may be an input or a constant
 * (the evaluators copy its register).
 */
export function compileProgram(outputs: readonly FExpr[], nIn: number): Program {
  const canon = new Canonicalizer();
  const outs = outputs.map((o) => canon.canon(o));
  const nodes = reachable(outs);
  for (const e of nodes) {
    if (e.op === INPUT && !(Number.isInteger(e.value) && e.value >= 0 && e.value < nIn)) {
      throw new Error(`fusion: input ${e.value} used by a program of ${nIn} inputs`);
    }
  }
  const instrs = nodes.filter((e) => e.op !== INPUT);
  // Last instruction index reading each node; outputs live to the end.
  const lastUse = new Map<FExpr, number>();
  instrs.forEach((e, i) => {
    if (e.a !== null) lastUse.set(e.a, i);
    if (e.b !== null) lastUse.set(e.b, i);
  });
  for (const o of outs) lastUse.set(o, Infinity);
  const reg = new Map<FExpr, number>();
  for (const e of nodes) if (e.op === INPUT) reg.set(e, e.value);
  const free: number[] = [];
  let nRegs = nIn;
  const code = new Int32Array(instrs.length * 4);
  const consts: number[] = [];
  instrs.forEach((e, i) => {
    const ra = e.a === null ? -1 : reg.get(e.a)!;
    const rb = e.b === null ? -1 : reg.get(e.b)!;
    // Operands read for the last time free their temporaries before dst is chosen (dst may reuse one).
    for (const operand of new Set([e.a, e.b])) {
      if (operand !== null && operand.op !== INPUT && lastUse.get(operand) === i) free.push(reg.get(operand)!);
    }
    // The lowest free register: keeps the live set packed at the bottom of the scratch.
    free.sort((x, y) => y - x);
    const dst = free.length > 0 ? free.pop()! : nRegs++;
    reg.set(e, dst);
    let operandA = ra;
    if (e.op === Op.CONST) {
      operandA = consts.length;
      consts.push(e.value);
    } else if (!BINARY_OPS.has(e.op) && rb !== -1) {
      throw new Error('fusion: unary instruction with two operands');
    }
    code.set([e.op, dst, operandA, rb], i * 4);
    // A node computed but never read (cannot happen from `reachable`, kept for safety) frees at once.
    if (!lastUse.has(e)) free.push(dst);
  });
  return {
    code,
    consts: Float32Array.from(consts),
    nRegs,
    nIn,
    outRegs: Int32Array.from(outs.map((o) => reg.get(o)!)),
    outputs: outs,
    id: nextProgramId++,
  };
}
