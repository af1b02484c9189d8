/**
 * The schema of `checkpoint.json` (format.ts): every field's type, range and whole-number-ness, checked when a
 * manifest is read, so a damaged or hand-edited manifest is refused with one line naming the field instead of
 * resuming from nonsense (a negative step, a fractional batch position, a log size that would cut the log
 * away). After the schema, the manifest's own checksum catches edits that stay in range.
 */
import { createHash } from 'node:crypto';
import { DATA_FILES, type CheckpointManifest, type ManifestContent } from './format.js';

/** A check of one value; returns why it is wrong (e.g. "must be a whole number >= 0"), or undefined. */
type Check = (value: unknown, path: string) => string | undefined;

/** A field that is wrong: its dotted path (`data.epoch`) and why. */
export interface FieldProblem {
  readonly field: string;
  readonly why: string;
}

/** Thrown by `checkShape` and caught by `validateManifest`. */
class FieldError extends Error {
  constructor(readonly problem: FieldProblem) {
    super(`${problem.field}: ${problem.why}`);
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Shows a bad value in a message, cut short so a huge value cannot make a huge line. */
function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A whole number in [min, max] (both inclusive; Number.MAX_SAFE_INTEGER bounds every count). */
function whole(min: number, max = Number.MAX_SAFE_INTEGER): Check {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `must be a whole number ${range}, got ${show(v)}`);
}

/** A finite number in an interval; `open` excludes the bounds named in it. */
function real(min: number, max: number, open: { min?: boolean; max?: boolean } = {}): Check {
  const lo = open.min ? `> ${min}` : `>= ${min}`;
  const hi = open.max ? `< ${max}` : `<= ${max}`;
  const desc = max === Number.MAX_VALUE ? lo : `${lo} and ${hi}`;
  return (v) => {
    const ok =
      typeof v === 'number' && Number.isFinite(v) && (open.min ? v > min : v >= min) && (open.max ? v < max : v <= max);
    return ok ? undefined : `must be a number ${desc}, got ${show(v)}`;
  };
}

const text: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, got ${show(v)}`);
const nonEmpty: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : `must be a non-empty string, got ${show(v)}`);
const sha256: Check = (v) => (typeof v === 'string' && HEX64.test(v) ? undefined : `must be a SHA-256 (64 hex digits), got ${show(v)}`);
const isoDate: Check = (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : `must be a date (ISO 8601), got ${show(v)}`;
const exactly =
  (expected: string | number): Check =>
  (v) =>
    v === expected ? undefined : `must be ${JSON.stringify(expected)}, got ${show(v)}`;

/** An object with exactly these fields (those whose name ends in '?' may be absent). */
type Shape = { readonly [key: string]: Check | Shape };

/** A record of names to numbers (hyperparameters, metrics); `nullable` admits null (JSON's NaN). */
function numberRecord(nullable: boolean): Check {
  return (v, path) => {
    if (!isPlainObject(v)) return `must be an object of numbers, got ${show(v)}`;
    for (const [k, x] of Object.entries(v)) {
      const ok = (typeof x === 'number' && Number.isFinite(x)) || (nullable && x === null);
      if (!ok) throw new FieldError({ field: `${path}.${k}`, why: `must be a finite number, got ${show(x)}` });
    }
    return undefined;
  };
}

const SCHEMA: Shape = {
  format: exactly('sgm-checkpoint'),
  version: whole(1),
  step: whole(0),
  settings: {
    seed: whole(-(2 ** 53) + 1),
    batchSize: whole(1),
    learningRate: real(0, Number.MAX_VALUE, { min: true }),
    'lrSchedule?': nonEmpty,
    beta1: real(0, 1, { max: true }),
    beta2: real(0, 1, { max: true }),
    epsilon: real(0, Number.MAX_VALUE, { min: true }),
  },
  // RandomStream state: a 32-bit seed (used through `seed | 0`) and a call counter.
  rng: { seed: whole(-(2 ** 31), 2 ** 32 - 1), counter: whole(0) },
  data: {
    datasetName: nonEmpty,
    fingerprint: sha256,
    size: whole(1),
    epoch: whole(0),
    batchInEpoch: whole(0),
    batchesPerEpoch: whole(1),
  },
  model: { name: nonEmpty, source: text, sgmVersion: text, hash: sha256, hyperparameters: numberRecord(false) },
  // accBeta = beta^(t+1) with 0 <= beta < 1: in [0, 1).
  optimizer: { kind: exactly('adam'), iterations: whole(0), accBeta1: real(0, 1, { max: true }), accBeta2: real(0, 1, { max: true }) },
  metrics: numberRecord(true),
  'log?': { file: nonEmpty, bytes: whole(0) },
  targetSteps: whole(1),
  createdAt: isoDate,
  files: Object.fromEntries(DATA_FILES.map((f) => [f, { bytes: whole(0), sha256 }])),
  checksum: sha256,
};

/** Checks `value` against `shape` (exact set of fields); throws FieldError at the first problem. */
function checkShape(value: unknown, shape: Shape, path: string): void {
  if (!isPlainObject(value)) throw new FieldError({ field: path || '(the whole file)', why: `must be an object, got ${show(value)}` });
  const allowed = new Set<string>();
  for (const [rawKey, check] of Object.entries(shape)) {
    const optional = rawKey.endsWith('?');
    const key = optional ? rawKey.slice(0, -1) : rawKey;
    allowed.add(key);
    const field = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(value, key)) {
      if (optional) continue;
      throw new FieldError({ field, why: 'is missing' });
    }
    const v = value[key];
    if (typeof check === 'function') {
      const why = check(v, field);
      if (why !== undefined) throw new FieldError({ field, why });
    } else checkShape(v, check, field);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new FieldError({ field: path === '' ? key : `${path}.${key}`, why: 'is not a field of the format' });
  }
}

/** Fields that must agree with each other (each is valid alone). */
function checkConsistency(m: CheckpointManifest): void {
  const d = m.data;
  if (d.batchInEpoch >= d.batchesPerEpoch) {
    throw new FieldError({ field: 'data.batchInEpoch', why: `must be below data.batchesPerEpoch (${d.batchesPerEpoch}), got ${d.batchInEpoch}` });
  }
  if (d.batchesPerEpoch !== Math.floor(d.size / m.settings.batchSize)) {
    throw new FieldError({ field: 'data.batchesPerEpoch', why: `must be data.size / settings.batchSize rounded down (${Math.floor(d.size / m.settings.batchSize)}), got ${d.batchesPerEpoch}` });
  }
  if (d.epoch * d.batchesPerEpoch + d.batchInEpoch !== m.step) {
    throw new FieldError({ field: 'data.epoch', why: `epoch ${d.epoch}, batch ${d.batchInEpoch} is not the position of step ${m.step}` });
  }
  // Adam counts applied updates; the trainer applies exactly one per completed step.
  if (m.optimizer.iterations !== m.step) throw new FieldError({ field: 'optimizer.iterations', why: `must equal step (${m.step}), got ${m.optimizer.iterations}` });
}

/**
 * The parsed manifest `value` as a CheckpointManifest, or the first field that is wrong. The version is checked
 * first (another version is another schema), then the schema, the consistency between fields, and the checksum.
 */
export function validateManifest(value: unknown, expectedVersion: number): { manifest: CheckpointManifest } | { problem: FieldProblem } {
  try {
    if (isPlainObject(value) && value.format === 'sgm-checkpoint' && value.version !== expectedVersion && Number.isInteger(value.version)) {
      return { problem: { field: 'version', why: `is ${show(value.version)}; this sgm reads version ${expectedVersion}` } };
    }
    checkShape(value, SCHEMA, '');
    const manifest = value as unknown as CheckpointManifest;
    if (manifest.version !== expectedVersion) throw new FieldError({ field: 'version', why: `must be ${expectedVersion}, got ${show(manifest.version)}` });
    checkConsistency(manifest);
    const { checksum, ...content } = manifest;
    if (manifestChecksum(content) !== checksum) {
      return { problem: { field: 'checksum', why: 'does not match the contents (the file was changed after it was written)' } };
    }
    return { manifest };
  } catch (error) {
    if (error instanceof FieldError) return { problem: error.problem };
    throw error;
  }
}

/** SHA-256 (hex) of a manifest without its `checksum` field, as compact JSON in the fields' order. */
export function manifestChecksum(content: ManifestContent & Pick<CheckpointManifest, 'files'>): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
