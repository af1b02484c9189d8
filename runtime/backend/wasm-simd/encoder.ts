/**
 * A minimal WebAssembly binary encoder: just what sgm's SIMD kernels need (one imported memory, functions with
 * i32/f32/f64/v128 locals, block/loop/br_if, scalar and f32x4/f64x2 arithmetic, loads and stores). sgm builds its
 * kernels' bytes with it at run time, so no WebAssembly toolchain is needed to install or run sgm.
 *
 * Format: the WebAssembly core specification 2.0 (binary format, chapter 5) with the fixed-width SIMD opcodes
 * (prefix 0xFD) and the threads proposal's shared-memory limits flag (0x03).
 */

/** Value types (binary codes). */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number, out: number[]): void {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** Single-byte opcodes used by the kernels. */
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f32Load: 0x2a, f32Store: 0x38, i32Const: 0x41, f32Const: 0x43,
  i32Eq: 0x46, i32GeU: 0x4f, i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Shl: 0x74,
  f32Lt: 0x5d, f32Abs: 0x8b, f32Neg: 0x8c, f32Sqrt: 0x91, f32Add: 0x92, f32Sub: 0x93, f32Mul: 0x94, f32Div: 0x95,
  f64Add: 0xa0, f64Mul: 0xa2, f64PromoteF32: 0xbb,
} as const;

/** SIMD opcodes (after the 0xFD prefix, LEB128-encoded). */
const SIMD = {
  v128Load: 0x00, v128Store: 0x0b, v128Const: 0x0c, i32x4Splat: 0x11, f32x4Splat: 0x13, f32x4ExtractLane: 0x1f,
  f32x4ReplaceLane: 0x20, f64x2ExtractLane: 0x21,
  f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44,
  v128And: 0x4e, v128Or: 0x50, v128Bitselect: 0x52, v128Load64Zero: 0x5d, f64x2PromoteLowF32x4: 0x5f,
  i32x4Shl: 0xab, i32x4ShrS: 0xac, i32x4ShrU: 0xad, i32x4Add: 0xae, i32x4Sub: 0xb1,
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Div: 0xe7,
  f32x4Min: 0xe8, f32x4Max: 0xe9, f32x4Pmin: 0xea, f32x4Pmax: 0xeb,
  f64x2Add: 0xf0, f64x2Mul: 0xf2, i32x4TruncSatF32x4S: 0xf8, f32x4ConvertI32x4S: 0xfa,
} as const;

export type SimdOp = keyof typeof SIMD;
export type ScalarOp = keyof typeof OP;

/**
 * The body of one function: locals are declared through `local`, instructions appended by the methods (stack
 * machine order, as in the text format's flat form). Loads and stores take a static byte offset and an
 * alignment hint (log2 bytes; a hint only, unaligned accesses are correct).
 */
export class FunctionBody {
  readonly code: number[] = [];
  /** Code run once at entry, before `code` (loop-invariant constants: V8 rematerialises a v128.const per use). */
  private readonly prologue: number[] = [];
  private readonly locals: ValType[] = [];
  private readonly constants = new Map<string, number>();

  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[]) {}

  /** Declares a local of type t and returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  op(o: ScalarOp): this {
    this.code.push(OP[o]);
    return this;
  }
  simd(o: SimdOp): this {
    this.code.push(0xfd);
    uleb(SIMD[o], this.code);
    return this;
  }
  get(i: number): this {
    this.code.push(OP.localGet);
    uleb(i, this.code);
    return this;
  }
  set(i: number): this {
    this.code.push(OP.localSet);
    uleb(i, this.code);
    return this;
  }
  tee(i: number): this {
    this.code.push(OP.localTee);
    uleb(i, this.code);
    return this;
  }
  i32(n: number): this {
    this.code.push(OP.i32Const);
    sleb(n, this.code);
    return this;
  }
  f32(x: number): this {
    this.code.push(OP.f32Const, ...new Uint8Array(new Float32Array([x]).buffer));
    return this;
  }
  /** v128.const: four float32 lanes (one value: all four), or four int32 lanes given as `bits`. */
  v128(lanes: number | readonly number[], bits = false): this {
    const values = typeof lanes === 'number' ? [lanes, lanes, lanes, lanes] : lanes;
    this.simd('v128Const');
    const bytes = bits ? new Uint8Array(new Int32Array(values).buffer) : new Uint8Array(new Float32Array(values).buffer);
    this.code.push(...bytes);
    return this;
  }
  /** Pushes a v128 constant kept in a local that the prologue sets once (see v128 for the lanes). */
  v128Hoisted(lanes: number | readonly number[], bits = false): this {
    const key = `${bits ? 'i' : 'f'}${String(lanes)}`;
    let local = this.constants.get(key);
    if (local === undefined) {
      local = this.local(V128);
      this.constants.set(key, local);
      const start = this.code.length;
      this.v128(lanes, bits).set(local);
      this.prologue.push(...this.code.splice(start));
    }
    return this.get(local);
  }
  /** A memory access: `o` is f32Load, f32Store, or a SIMD load/store; static offset in bytes. */
  mem(o: 'f32Load' | 'f32Store' | 'v128Load' | 'v128Store' | 'v128Load64Zero', offset = 0, alignLog2 = 2): this {
    if (o === 'f32Load' || o === 'f32Store') this.op(o);
    else this.simd(o);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }
  lane(o: 'f64x2ExtractLane' | 'f32x4ExtractLane' | 'f32x4ReplaceLane', lane: number): this {
    this.simd(o);
    this.code.push(lane);
    return this;
  }
  /** block/loop with an empty block type. */
  begin(kind: 'block' | 'loop'): this {
    this.code.push(OP[kind], 0x40);
    return this;
  }
  br(o: 'br' | 'brIf', depth: number): this {
    this.code.push(OP[o]);
    uleb(depth, this.code);
    return this;
  }

  /** The function's code entry: locals (run-length by type) and the instructions, terminated by `end`. */
  encode(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body: number[] = [];
    uleb(groups.length, body);
    for (const [count, t] of groups) {
      uleb(count, body);
      body.push(t);
    }
    body.push(...this.prologue, ...this.code, OP.end);
    const out: number[] = [];
    uleb(body.length, out);
    out.push(...body);
    return out;
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

/**
 * A module importing one memory as env.memory (shared or not: a module that imports a shared memory must declare
 * it shared, with a maximum) and exporting the given functions.
 */
export function encodeModule(functions: Record<string, FunctionBody>, sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const entries = Object.entries(functions);
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(entries.length, types);
  for (const [, f] of entries) {
    types.push(0x60);
    uleb(f.params.length, types);
    types.push(...f.params);
    uleb(f.results.length, types);
    types.push(...f.results);
  }
  section(1, types, out);
  const imports: number[] = [];
  uleb(1, imports);
  name('env', imports);
  name('memory', imports);
  // Minimum 0 pages: any current size matches. A shared memory needs a maximum; 65536 pages (4 GiB, all of
  // wasm32's address space) is at least any memory's maximum, so the import always matches.
  imports.push(0x02);
  if (sharedMemory) {
    imports.push(0x03);
    uleb(0, imports);
    uleb(65536, imports);
  } else {
    imports.push(0x00);
    uleb(0, imports);
  }
  section(2, imports, out);
  const funcs: number[] = [];
  uleb(entries.length, funcs);
  entries.forEach((_, i) => uleb(i, funcs));
  section(3, funcs, out);
  const exports: number[] = [];
  uleb(entries.length, exports);
  entries.forEach(([n], i) => {
    name(n, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports, out);
  const code: number[] = [];
  uleb(entries.length, code);
  for (const [, f] of entries) code.push(...f.encode());
  section(10, code, out);
  return new Uint8Array(out);
}
