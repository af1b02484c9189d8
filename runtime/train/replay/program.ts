/**
 * A replayable step program: the kernel calls of a recorded training step (recorder.ts), to be run again on the
 * next step's batch, variables and random draws without the model's JavaScript, tfjs' gradient tape or its op
 * wrappers. Every kernel is the same function with the same attributes, inputs of the same shapes and the same
 * random draws in the same order, so a replayed step computes bit for bit what the recorded code would.
 *
 * A program is built only from two consecutive records that agree call for call (same kernels, attributes, shapes,
 * the same wiring between them, the same constants, the same random recipes), and only when nothing in them reads
 * back a value that changes between steps without a declared decision (stdlib/step-record.ts). Its `run` refuses
 * (returns null) when the next step differs in what it can see: another backend, a batch of another shape, a model
 * tensor that was disposed, a declared decision that comes out the other way.
 */
import type { RandomStream } from '../../../stdlib/random.js';
import { tf } from '../../../stdlib/tf.js';
import type { RecordedUpload, StepRecord } from './recorder.js';

type DataId = tf.DataId;

/**
 * Kernels whose output shape depends on the values of their inputs (boolean masks, box selection, unique values,
 * sparse and ragged tensors): a recorded call of one says nothing about the next step's shapes.
 */
const VALUE_SHAPED_KERNELS = new Set([
  'Where',
  'NonMaxSuppressionV3',
  'NonMaxSuppressionV4',
  'NonMaxSuppressionV5',
  'Unique',
  'SparseFillEmptyRows',
  'SparseReshape',
  'SparseSegmentMean',
  'SparseSegmentSum',
  'SparseToDense',
  'StringNGrams',
  'StringSplit',
  'StringToHashBucketFast',
  'RaggedGather',
  'RaggedRange',
  'RaggedTensorToTensor',
]);

/** What a step's inputs are, known before recording: the model's variables and the batch's tensors. */
export type Leaf = { readonly kind: 'variable'; readonly variable: tf.Variable } | { readonly kind: 'batch'; readonly key: string };

/** A recorded step with its leaves and the tensors it returned. */
export interface RecordedStep {
  readonly record: StepRecord;
  readonly leaves: ReadonlyMap<DataId, Leaf>;
  readonly outputs: readonly tf.TensorInfo[];
}

/** How a kernel input is found at replay: a slot of this replay, or a tensor that outlives steps (a model constant). */
type Ref = { readonly slot: number } | { readonly external: DataId };

interface Call {
  readonly kernel: string;
  readonly fn: tf.KernelFunc;
  readonly attrs: tf.NamedAttrMap | undefined;
  readonly inputs: ReadonlyArray<readonly [string, Ref, readonly number[], tf.DataType]>;
  readonly inputArray: boolean;
  /** The slots of its outputs, and their recorded shapes. */
  readonly outputs: readonly number[];
  readonly shapes: ReadonlyArray<readonly number[]>;
  /** Slots whose last use is this call (released after it). */
  readonly release: readonly number[];
}

/** Why two records differ or a record cannot be replayed; null when it can. */
export type Verdict = { readonly program: StepProgram } | { readonly reason: string };

/** A compiled step: see the module comment. */
export class StepProgram {
  constructor(
    private readonly backend: tf.KernelBackend,
    /** Slots filled before the calls: variables, batch tensors, uploads (constants and random draws, in order). */
    private readonly variables: ReadonlyArray<readonly [number, tf.Variable]>,
    private readonly batch: ReadonlyArray<readonly [number, string, readonly number[], tf.DataType]>,
    private readonly uploads: ReadonlyArray<readonly [number, RecordedUpload]>,
    private readonly externals: readonly DataId[],
    private readonly decisions: ReadonlyArray<readonly [string, (t: tf.Tensor) => boolean, boolean]>,
    private readonly calls: readonly Call[],
    private readonly outputs: ReadonlyArray<readonly [Ref, readonly number[], tf.DataType]>,
    private readonly slotCount: number,
  ) {}

  /** Kernel calls per replayed step. */
  get kernels(): number {
    return this.calls.length;
  }

  /** Why this step cannot be replayed on `batch` (null: it can). */
  refusal(batch: Readonly<Record<string, tf.Tensor>>): string | null {
    if (tf.backend() !== this.backend) return 'the backend changed';
    for (const [, key, shape, dtype] of this.batch) {
      const t = batch[key];
      if (t === undefined || t.dtype !== dtype || !tf.util.arraysEqual(t.shape, shape as number[])) return `the batch's '${key}' has another shape`;
    }
    const info = tf.engine().state.tensorInfo;
    if (this.externals.some((id) => !info.has(id))) return 'a tensor of the model was disposed';
    for (const [key, check, result] of this.decisions) if (check(batch[key]!) !== result) return `a decision on the batch's '${key}' differs`;
    return null;
  }

  /**
   * Replays the step (call `refusal` first): the tensors the recorded step returned, owned by the caller. With
   * `timing`, adds each kernel's wall time (ms) under its name (bench/profile-step.ts: tf.profile does not see
   * replayed kernels, which bypass the engine).
   */
  run(batch: Readonly<Record<string, tf.Tensor>>, rng: RandomStream, timing?: Map<string, { ms: number; calls: number }>): tf.Tensor[] {
    const backend = this.backend;
    const slots: (DataId | undefined)[] = new Array(this.slotCount);
    const owned: boolean[] = new Array(this.slotCount).fill(false);
    const draws: tf.Tensor[] = [];
    const release = (s: number): void => {
      if (owned[s]) backend.disposeData(slots[s]!);
      owned[s] = false;
    };
    try {
      for (const [s, v] of this.variables) slots[s] = v.dataId;
      for (const [s, key] of this.batch) slots[s] = batch[key]!.dataId;
      for (const [s, u] of this.uploads) {
        if (u.random !== undefined) {
          const r = u.random;
          const t = r.kind === 'normal' ? rng.normal([...r.shape]) : rng.uniform([...r.shape], r.low, r.high);
          draws.push(t);
          slots[s] = t.dataId;
        } else {
          // A copy per step: the CPU backend keeps the array it is given as the tensor's storage.
          slots[s] = backend.write((u.values as { slice(): tf.BackendValues }).slice(), [...u.shape], u.dtype);
          owned[s] = true;
        }
      }
      const resolve = (r: Ref): DataId => ('slot' in r ? slots[r.slot]! : r.external);
      for (const call of this.calls) {
        const inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[] = call.inputArray ? [] : {};
        for (const [name, ref, shape, dtype] of call.inputs) (inputs as Record<string, tf.TensorInfo>)[name] = { dataId: resolve(ref), shape: shape as number[], dtype };
        // Pack and Concat take their inputs as an array (tfjs passes it where named inputs go).
        const t0 = timing === undefined ? 0 : performance.now();
        const out = call.fn({ inputs: inputs as tf.NamedTensorInfoMap, attrs: call.attrs, backend });
        if (timing !== undefined) {
          const entry = timing.get(call.kernel) ?? { ms: 0, calls: 0 };
          entry.ms += performance.now() - t0;
          entry.calls++;
          timing.set(call.kernel, entry);
        }
        const outs = Array.isArray(out) ? out : [out];
        call.outputs.forEach((s, i) => {
          slots[s] = outs[i].dataId;
          owned[s] = true;
        });
        // Shapes are fixed by the recording (VALUE_SHAPED_KERNELS are never replayed); a kernel that still returns
        // another shape must not feed the next one silently.
        if (outs.length !== call.shapes.length || outs.some((t, i) => !tf.util.arraysEqual(t.shape, call.shapes[i] as number[]))) {
          throw new Error(`step replay: ${call.kernel} returned shape [${outs.map((t) => t.shape.join(', ')).join('; ')}] where the recorded step had [${call.shapes.map((sh) => sh.join(', ')).join('; ')}]; SGM_REPLAY=0 trains without replay`);
        }
        for (const s of call.release) release(s);
      }
      // The caller's tensors take one reference of their own; the replay's references are all released below.
      return this.outputs.map(([ref, shape, dtype]) => {
        const dataId = resolve(ref);
        backend.incRef(dataId);
        return tf.engine().makeTensorFromTensorInfo({ dataId, shape: [...shape], dtype });
      });
    } finally {
      for (let s = 0; s < this.slotCount; s++) release(s);
      tf.dispose(draws);
    }
  }
}

/** Builds the program of `b` after checking that `a`, the step before it, did the same. */
export function compileSteps(a: RecordedStep, b: RecordedStep): Verdict {
  const problems = [...new Set([...a.record.problems, ...b.record.problems])];
  if (problems.length > 0) return { reason: problems.join('; ') };
  const shaped = b.record.calls.find((c) => VALUE_SHAPED_KERNELS.has(c.kernel));
  if (shaped !== undefined) return { reason: `the step runs ${shaped.kernel}, whose output shape depends on its input values` };
  const ca = canonical(a);
  const cb = canonical(b);
  if (typeof ca === 'string') return { reason: ca };
  if (typeof cb === 'string') return { reason: cb };
  const difference = differ(ca, cb);
  if (difference !== null) return { reason: difference };
  return { program: build(b, cb) };
}

/** A record in terms that do not depend on the step: each tensor named by where it comes from. */
interface Canonical {
  readonly tokens: Map<DataId, string>;
  readonly calls: string[];
  readonly uploads: readonly RecordedUpload[];
  readonly externals: DataId[];
  readonly outputs: string[];
  readonly decisions: string[];
}

function canonical(step: RecordedStep): Canonical | string {
  const { record, leaves } = step;
  const tokens = new Map<DataId, string>();
  const uploadIndex = new Map(record.uploads.map((u, i) => [u.dataId, i]));
  const externals: DataId[] = [];
  // Values fixed for the whole run: constants uploaded by the step, model tensors, and what kernels compute from
  // them alone. A read-back of one of these cannot change from step to step.
  const fixed = new Set<DataId>();
  const tokenOf = (id: DataId): string => {
    let t = tokens.get(id);
    if (t !== undefined) return t;
    const leaf = leaves.get(id);
    const u = uploadIndex.get(id);
    if (leaf !== undefined) t = leaf.kind === 'variable' ? `v:${leaf.variable.name}` : `b:${leaf.key}`;
    else if (u !== undefined) {
      t = `u:${u}`;
      if (record.uploads[u].random === undefined) fixed.add(id);
    } else {
      t = `e:${externals.length}`;
      externals.push(id);
      fixed.add(id);
    }
    tokens.set(id, t);
    return t;
  };
  const calls = record.calls.map((c, i) => {
    const inputs = c.inputs.map(([name, t]) => `${name}=${tokenOf(t.dataId)}${shapeKey(t)}`);
    const allFixed = c.inputs.every(([, t]) => fixed.has(t.dataId));
    const outputs = c.outputs.map((t, j) => {
      const alias = tokens.get(t.dataId);
      if (alias === undefined) tokens.set(t.dataId, `n:${i}.${j}`);
      if (allFixed) fixed.add(t.dataId);
      return `${alias === undefined ? '' : `=${alias}`}${shapeKey(t)}`;
    });
    return `${c.kernel}#${identity(c.fn)}${c.inputArray ? '[]' : ''}(${inputs.join(',')})${attrsKey(c.attrs)}->${outputs.join(',')}`;
  });
  const decided = new Set(record.decisions.map((d) => d.dataId));
  const produced = new Set(record.calls.flatMap((c) => c.outputs.map((t) => t.dataId)));
  for (const id of record.reads) {
    if (fixed.has(id) || decided.has(id)) continue;
    const leaf = leaves.get(id);
    const u = uploadIndex.get(id);
    // Not produced by the step, not an input of it and not a draw: a model tensor made before the step.
    if (leaf === undefined && !produced.has(id) && (u === undefined || record.uploads[u].random === undefined)) continue;
    return `the step reads back ${leaf?.kind === 'variable' ? `the variable '${leaf.variable.name}'` : leaf ? `the batch's '${leaf.key}'` : 'a value computed from the variables, batch or random draws'} to decide what to compute`;
  }
  const decisions: string[] = [];
  for (const d of record.decisions) {
    const leaf = leaves.get(d.dataId);
    if (fixed.has(d.dataId)) continue;
    if (leaf?.kind !== 'batch') return 'the step decides on a value computed inside the step';
    decisions.push(`${leaf.key}#${identity(d.check)}=${d.result}`);
  }
  const outputs = step.outputs.map((t) => `${tokenOf(t.dataId)}${shapeKey(t)}`);
  return { tokens, calls, uploads: record.uploads, externals, outputs, decisions };
}

/** The first difference between two canonical records, or null. */
function differ(a: Canonical, b: Canonical): string | null {
  if (a.calls.length !== b.calls.length) return `the steps ran ${a.calls.length} and ${b.calls.length} kernels`;
  const i = a.calls.findIndex((c, k) => c !== b.calls[k]);
  if (i >= 0) return `kernel ${i + 1} of the step differs between steps (${a.calls[i].split('(')[0]} / ${b.calls[i].split('(')[0]})`;
  if (a.uploads.length !== b.uploads.length) return 'the steps uploaded different numbers of tensors';
  for (let k = 0; k < a.uploads.length; k++) {
    const [u, v] = [a.uploads[k], b.uploads[k]];
    if (u.dtype !== v.dtype || !tf.util.arraysEqual([...u.shape], [...v.shape])) return 'an uploaded tensor changed shape between steps';
    if (JSON.stringify(u.random) !== JSON.stringify(v.random)) return 'the random draws differ between steps';
    if (u.random === undefined && !sameValues(u.values, v.values)) return 'a tensor uploaded by the step changes between steps (a value computed in JavaScript per step)';
  }
  if (a.externals.length !== b.externals.length || a.externals.some((id, k) => id !== b.externals[k])) return 'the steps read different model tensors';
  if (a.outputs.join() !== b.outputs.join()) return 'the steps returned different tensors';
  if (a.decisions.join() !== b.decisions.join()) return 'the steps made different decisions';
  return null;
}

function build(step: RecordedStep, c: Canonical): StepProgram {
  const slotOf = new Map<DataId, number>();
  let slotCount = 0;
  const newSlot = (id: DataId): number => {
    const s = slotCount++;
    slotOf.set(id, s);
    return s;
  };
  const variables: [number, tf.Variable][] = [];
  const batch: [number, string, readonly number[], tf.DataType][] = [];
  for (const [id, leaf] of step.leaves) {
    if (!c.tokens.has(id)) continue; // not used by the step
    const s = newSlot(id);
    if (leaf.kind === 'variable') variables.push([s, leaf.variable]);
    else {
      const t = findInfo(step, id)!;
      batch.push([s, leaf.key, t.shape, t.dtype]);
    }
  }
  const uploads: [number, RecordedUpload][] = [];
  for (const u of step.record.uploads) if (u.random !== undefined || c.tokens.has(u.dataId)) uploads.push([newSlot(u.dataId), u]);
  const refOf = (id: DataId): Ref => {
    const s = slotOf.get(id);
    return s === undefined ? { external: id } : { slot: s };
  };
  const lastUse = new Map<number, number>();
  const callsWithoutRelease = step.record.calls.map((call, i) => {
    const inputs = call.inputs.map(([name, t]) => {
      const ref = refOf(t.dataId);
      if ('slot' in ref) lastUse.set(ref.slot, i);
      return [name, ref, t.shape, t.dtype] as const;
    });
    // An output that aliases an input (Reshape) is a slot of its own: it holds its own reference.
    const outputs = call.outputs.map((t) => newSlot(t.dataId));
    for (const s of outputs) if (!lastUse.has(s)) lastUse.set(s, i);
    return { kernel: call.kernel, fn: call.fn, attrs: call.attrs, inputs, inputArray: call.inputArray, outputs, shapes: call.outputs.map((t) => t.shape) };
  });
  const outputs = step.outputs.map((t) => [refOf(t.dataId), t.shape, t.dtype] as const);
  // Slots the step returns are released after the caller's tensors took their reference (at the end).
  for (const [ref] of outputs) if ('slot' in ref) lastUse.set(ref.slot, Infinity);
  const releaseAfter = new Map<number, number[]>();
  for (const [s, i] of lastUse) if (i !== Infinity) releaseAfter.set(i, [...(releaseAfter.get(i) ?? []), s]);
  const calls: Call[] = callsWithoutRelease.map((call, i) => ({ ...call, release: releaseAfter.get(i) ?? [] }));
  const decisions = step.record.decisions.flatMap((d) => {
    const leaf = step.leaves.get(d.dataId);
    return leaf?.kind === 'batch' ? [[leaf.key, d.check, d.result] as const] : [];
  });
  return new StepProgram(step.record.backend, variables, batch, uploads, c.externals, decisions, calls, outputs, slotCount);
}

/** The info of a batch tensor as the step used it (its first use as a kernel input or output). */
function findInfo(step: RecordedStep, id: DataId): tf.TensorInfo | undefined {
  for (const call of step.record.calls) for (const [, t] of call.inputs) if (t.dataId === id) return t;
  return step.outputs.find((t) => t.dataId === id);
}

const shapeKey = (t: tf.TensorInfo): string => `[${t.shape.join('x')}]${t.dtype}`;

/** Stable identities of functions and objects (kernel functions, fused programs in attributes). */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;
function identity(o: object): number {
  let id = identities.get(o);
  if (id === undefined) identities.set(o, (id = nextIdentity++));
  return id;
}

/** A key equal for attributes that make a kernel compute the same thing. */
function attrsKey(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `f${identity(value)}`;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `[${Array.from(value as ArrayLike<unknown>, attrsKey).join(',')}]`;
  if (typeof value === 'object') {
    // A plain object by its entries; an instance of a class (a compiled program) by identity.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `o${identity(value)}`;
    const entries = Object.entries(value).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${k}:${attrsKey(v)}`).join(',')}}`;
  }
  return `?${String(value)}`;
}

function sameValues(a: tf.BackendValues | null, b: tf.BackendValues | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
