/**
 * Records what one training step does on the backend: every kernel it runs (with its inputs, attributes and
 * outputs), every tensor it uploads from JavaScript (constants, the random stream's draws), every value it reads
 * back, and the decisions it declared on read-backs (stdlib/step-record.ts). program.ts turns two such records into
 * a replayable program.
 *
 * How: for the length of one call, each registered kernel of the active backend is wrapped (the registry's config
 * objects are what tfjs' engine looks up on every kernel call), and the backend's write/read methods and
 * Variable.assign are shadowed on their objects. Only top-level kernel calls are recorded: a kernel that runs
 * other kernels inside itself is replayed as the one call it is. Everything is restored when the call returns or
 * throws. While recording, the step runs exactly as it would without it (same kernels, same values).
 */
import { RandomStream } from '../../../stdlib/random.js';
import { setStepRecorder } from '../../../stdlib/step-record.js';
import { tf } from '../../../stdlib/tf.js';

type DataId = tf.DataId;
type BackendData = tf.BackendValues;

/** A kernel call of the step, in the order it ran. */
export interface RecordedCall {
  readonly kernel: string;
  /** The kernel function itself (the registered one, not the recorder's wrapper). */
  readonly fn: tf.KernelFunc;
  readonly inputs: ReadonlyArray<readonly [string, tf.TensorInfo]>;
  /** The inputs were passed as an array (Pack, Concat, AddN), not as named inputs. */
  readonly inputArray: boolean;
  readonly attrs: tf.NamedAttrMap | undefined;
  readonly outputs: readonly tf.TensorInfo[];
}

/** How the random stream drew an uploaded tensor (stdlib/random.ts). */
export type RandomRecipe =
  | { readonly kind: 'normal'; readonly shape: readonly number[] }
  | { readonly kind: 'uniform'; readonly shape: readonly number[]; readonly low: number; readonly high: number };

/** A tensor the step created from JavaScript values. */
export interface RecordedUpload {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
  /** A copy of the values (null when uploaded without values). */
  readonly values: BackendData | null;
  /** Set when the values are a draw of the step's random stream. */
  random?: RandomRecipe;
}

/** A decision declared with stdlib/step-record.ts decideOn. */
export interface RecordedDecision {
  readonly dataId: DataId;
  readonly check: (t: tf.Tensor) => boolean;
  readonly result: boolean;
}

/** Everything one recorded step did. */
export interface StepRecord {
  readonly backend: tf.KernelBackend;
  readonly calls: readonly RecordedCall[];
  /** In upload order, which is also the order of the random stream's draws. */
  readonly uploads: readonly RecordedUpload[];
  readonly reads: readonly DataId[];
  readonly decisions: readonly RecordedDecision[];
  /** Why the step cannot be replayed, found while recording (empty: nothing found). */
  readonly problems: readonly string[];
}

/** The random stream handed to the recorded step: draws through the real stream and notes each draw's recipe. */
class RecordingStream extends RandomStream {
  private drawing = false;

  constructor(
    private readonly inner: RandomStream,
    private readonly uploads: Map<DataId, RecordedUpload>,
    private readonly problems: string[],
  ) {
    super(inner.seed);
  }

  override nextSeed(): number {
    if (!this.drawing) this.problems.push('the step takes seeds from the random stream directly');
    return this.inner.nextSeed();
  }

  override state(): { seed: number; counter: number } {
    return this.inner.state();
  }

  override fork(): RandomStream {
    this.problems.push('the step forks the random stream');
    return this.inner.fork();
  }

  override normal(shape: number[]): tf.Tensor {
    return this.draw(() => this.inner.normal(shape), { kind: 'normal', shape: [...shape] });
  }

  override uniform(shape: number[], low = 0, high = 1): tf.Tensor {
    return this.draw(() => this.inner.uniform(shape, low, high), { kind: 'uniform', shape: [...shape], low, high });
  }

  private draw(f: () => tf.Tensor, recipe: RandomRecipe): tf.Tensor {
    this.drawing = true;
    try {
      const t = f();
      const upload = this.uploads.get(t.dataId);
      if (upload === undefined) this.problems.push('a random draw did not upload its values');
      else upload.random = recipe;
      return t;
    } finally {
      this.drawing = false;
    }
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Runs `step(rng)` once while recording it; `rng` is a stream that draws from `stream` exactly as `stream` itself
 * would. Returns the step's result and the record.
 */
export function recordStep<T>(stream: RandomStream, step: (rng: RandomStream) => T): { result: T; record: StepRecord } {
  const backend = tf.backend();
  const calls: RecordedCall[] = [];
  const uploads = new Map<DataId, RecordedUpload>();
  const reads: DataId[] = [];
  const decisions: RecordedDecision[] = [];
  const problems: string[] = [];
  let depth = 0;

  // Kernels: wrap every registered kernel of this backend for the length of the step.
  const configs = tf.getKernelsForBackend(tf.getBackend()) as Writable<tf.KernelConfig>[];
  const originals = configs.map((c) => c.kernelFunc);
  configs.forEach((config, i) => {
    const fn = originals[i];
    config.kernelFunc = (args) => {
      if (depth > 0) return fn(args);
      depth++;
      try {
        const out = fn(args);
        const outputs = (Array.isArray(out) ? out : [out]).map(infoOf);
        const inputs = Object.entries(args.inputs).map(([name, t]) => [name, infoOf(t as tf.TensorInfo)] as const);
        calls.push({ kernel: config.kernelName, fn, inputs, inputArray: Array.isArray(args.inputs), attrs: args.attrs, outputs });
        return out;
      } finally {
        depth--;
      }
    };
  });

  // Uploads and read-backs: shadow the backend's methods on the instance.
  const b = backend as unknown as Record<'write' | 'readSync' | 'read', (...args: unknown[]) => unknown>;
  const own = (['write', 'readSync', 'read'] as const).map((k) => [k, Object.getOwnPropertyDescriptor(b, k)] as const);
  const write = b.write;
  const readSync = b.readSync;
  const read = b.read;
  b.write = (values: unknown, shape: unknown, dtype: unknown) => {
    const dataId = write.call(backend, values, shape, dtype) as DataId;
    if (depth === 0) {
      const copy = values == null ? null : (values as { slice(): BackendData }).slice();
      uploads.set(dataId, { dataId, shape: [...(shape as number[])], dtype: dtype as tf.DataType, values: copy });
      if (values == null) problems.push('the step creates a tensor outside a kernel without values');
    }
    return dataId;
  };
  b.readSync = (dataId: unknown, ...rest: unknown[]) => {
    if (depth === 0) reads.push(dataId as DataId);
    return readSync.call(backend, dataId, ...rest);
  };
  b.read = (dataId: unknown) => {
    if (depth === 0) reads.push(dataId as DataId);
    return read.call(backend, dataId);
  };

  // A variable assigned inside the step changes state the kernels do not show.
  const proto = tf.Variable.prototype as unknown as { assign(t: tf.Tensor): void };
  const assign = proto.assign;
  proto.assign = function (this: tf.Variable, t: tf.Tensor) {
    problems.push(`the step assigns the variable '${this.name}'`);
    assign.call(this, t);
  };

  const previousHooks = setStepRecorder({
    decision: (t, check, result) => decisions.push({ dataId: t.dataId, check, result }),
  });
  try {
    const result = step(new RecordingStream(stream, uploads, problems));
    return { result, record: { backend, calls, uploads: [...uploads.values()], reads, decisions, problems } };
  } finally {
    setStepRecorder(previousHooks);
    proto.assign = assign;
    for (const [k, descriptor] of own) {
      if (descriptor === undefined) delete b[k];
      else Object.defineProperty(b, k, descriptor);
    }
    configs.forEach((config, i) => (config.kernelFunc = originals[i]));
  }
}

/** The plain TensorInfo of a kernel input or output (a Tensor passed as input carries much more). */
function infoOf(t: tf.TensorInfo): tf.TensorInfo {
  return { dataId: t.dataId, shape: [...t.shape], dtype: t.dtype };
}
