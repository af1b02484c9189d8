/**
 * Finding and reading checkpoints. `path` may be a run directory (its `checkpoint/`, or `checkpoint.previous/`
 * when a crash came between the two renames of write.ts) or a checkpoint directory itself. Everything is
 * validated before any of it is used: the manifest against its schema and its own checksum
 * (manifest-schema.ts), the size and SHA-256 of every other file, and the index of weights.bin (names, shapes,
 * dtypes, sizes). Anything wrong is a one-line UserError naming the checkpoint, the file and the field.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tf } from '../../stdlib/tf.js';
import { UserError, describeFsError } from '../errors.js';
import {
  ADAM_M_PREFIX,
  ADAM_V_PREFIX,
  CHECKPOINT_VERSION,
  CURRENT_DIR,
  DATA_FILES,
  INDEX_FILE,
  MANIFEST_FILE,
  PREVIOUS_DIR,
  VARIABLE_PREFIX,
  WEIGHTS_FILE,
  type CheckpointManifest,
  type DataFileName,
} from './format.js';
import { validateManifest } from './manifest-schema.js';

/** A checkpoint read from disk: its directory, manifest, and tensors by name (the caller disposes them). */
export interface LoadedCheckpoint {
  readonly dir: string;
  readonly manifest: CheckpointManifest;
  readonly tensors: tf.NamedTensorMap;
}

/**
 * The checkpoint directory `path` designates, or undefined when there is none. A run directory's
 * `checkpoint/` is it whenever it exists, complete or not (write.ts never leaves an incomplete one, so an
 * incomplete one is damage to report, not to skip); `checkpoint.previous/` only when there is no `checkpoint/`.
 */
export function findCheckpoint(path: string): string | undefined {
  if (existsSync(join(path, MANIFEST_FILE))) return path;
  if (existsSync(join(path, CURRENT_DIR))) return join(path, CURRENT_DIR);
  if (existsSync(join(path, PREVIOUS_DIR, MANIFEST_FILE))) return join(path, PREVIOUS_DIR);
  return undefined;
}

/** Reads and validates only the manifest of the checkpoint `path` designates (cheap: for messages and checks). */
export function readManifest(path: string): { dir: string; manifest: CheckpointManifest } {
  const dir = findCheckpoint(path);
  if (dir === undefined) throw new UserError(`no checkpoint in '${path}'`);
  return { dir, manifest: parseManifest(dir) };
}

/**
 * Checks every file of the checkpoint `path` designates (manifest, sizes, checksums, index) without decoding
 * the tensors; returns the manifest and the index. Callers run it before anything is written.
 */
export function verifyCheckpoint(path: string): { dir: string; manifest: CheckpointManifest; specs: tf.io.WeightsManifestEntry[]; weights: Buffer } {
  const { dir, manifest } = readManifest(path);
  const contents = {} as Record<DataFileName, Buffer>;
  for (const name of DATA_FILES) {
    const bytes = readBytes(join(dir, name), dir);
    const stamp = manifest.files[name];
    if (bytes.length !== stamp.bytes) throw damaged(dir, `${name} has ${bytes.length} bytes, ${MANIFEST_FILE} (files.${name}.bytes) records ${stamp.bytes}`);
    if (createHash('sha256').update(bytes).digest('hex') !== stamp.sha256) {
      throw damaged(dir, `${name} does not match its SHA-256 in ${MANIFEST_FILE} (files.${name}.sha256): the file was changed or corrupted`);
    }
    contents[name] = bytes;
  }
  const specs = parseIndex(contents[INDEX_FILE], dir);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(s.dtype), 0);
  const weights = contents[WEIGHTS_FILE];
  if (weights.length !== expected) throw damaged(dir, `${WEIGHTS_FILE} has ${weights.length} bytes, its index ${INDEX_FILE} describes ${expected}`);
  return { dir, manifest, specs, weights };
}

/** Reads the checkpoint `path` designates after verifying it (verifyCheckpoint), with its tensors decoded. */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const { dir, manifest, specs, weights } = verifyCheckpoint(path);
  // A fresh ArrayBuffer holding exactly the file (Node may pool small files inside a larger shared buffer).
  const buffer = new Uint8Array(weights).buffer;
  return { dir, manifest, tensors: tf.io.decodeWeights(buffer, specs) };
}

/** Disposes every tensor of a loaded checkpoint. */
export function disposeCheckpoint(checkpoint: LoadedCheckpoint): void {
  tf.dispose(Object.values(checkpoint.tensors));
}

function parseManifest(dir: string): CheckpointManifest {
  const value = parseJson(readBytes(join(dir, MANIFEST_FILE), dir), MANIFEST_FILE, dir);
  const result = validateManifest(value, CHECKPOINT_VERSION);
  if ('manifest' in result) return result.manifest;
  const { field, why } = result.problem;
  throw damaged(dir, `${MANIFEST_FILE}: '${field}' ${why}`);
}

const DTYPES = new Set(['float32', 'int32', 'bool']);
const PREFIXES = [VARIABLE_PREFIX, ADAM_M_PREFIX, ADAM_V_PREFIX];

/** The entries of weights.json, each checked: a known tensor name (once), a shape of whole numbers, a dtype. */
function parseIndex(bytes: Buffer, dir: string): tf.io.WeightsManifestEntry[] {
  const value = parseJson(bytes, INDEX_FILE, dir);
  if (!Array.isArray(value)) throw damaged(dir, `${INDEX_FILE} is not a list of weights`);
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const at = `${INDEX_FILE}: entry [${i}]`;
    if (typeof entry !== 'object' || entry === null) throw damaged(dir, `${at} is not an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !PREFIXES.some((p) => (e.name as string).startsWith(p))) {
      throw damaged(dir, `${at}: 'name' must be variable/..., adam/m/... or adam/v/..., got ${JSON.stringify(e.name)?.slice(0, 40)}`);
    }
    if (seen.has(e.name)) throw damaged(dir, `${at}: '${e.name}' appears twice`);
    seen.add(e.name);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 2 ** 31 - 1)) {
      throw damaged(dir, `${at} ('${e.name}'): 'shape' must be a list of at most 8 whole numbers, got ${JSON.stringify(shape)?.slice(0, 40)}`);
    }
    if (typeof e.dtype !== 'string' || !DTYPES.has(e.dtype)) throw damaged(dir, `${at} ('${e.name}'): 'dtype' must be float32, int32 or bool`);
    return { name: e.name, shape: shape as number[], dtype: e.dtype as 'float32' | 'int32' | 'bool' };
  });
}

function readBytes(file: string, dir: string): Buffer {
  try {
    if (!statSync(file).isFile()) throw damaged(dir, `${file} is not a file`);
    return readFileSync(file);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw damaged(dir, `cannot read ${file}: ${describeFsError(error)}`);
  }
}

function parseJson(bytes: Buffer, name: string, dir: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw damaged(dir, `${name} is not valid JSON`);
  }
}

function bytesPerElement(dtype: string): number {
  return dtype === 'bool' ? 1 : 4;
}

/** The error for a damaged checkpoint; it names the previous checkpoint when that one could be used instead. */
function damaged(dir: string, why: string): UserError {
  return new UserError(`checkpoint '${dir}' is damaged: ${why}${previousHint(dir)}`);
}

/** "; the previous checkpoint (step N) ... " when `dir` is a current checkpoint with an intact one beside it. */
function previousHint(dir: string): string {
  if (basename(dir) !== CURRENT_DIR) return '';
  const previous = join(dir, '..', PREVIOUS_DIR);
  if (!existsSync(join(previous, MANIFEST_FILE))) return '';
  try {
    const step = verifyCheckpoint(previous).manifest.step;
    return `; the previous checkpoint (step ${step}) is intact in '${previous}': replace '${dir}' with it to resume from there`;
  } catch {
    return '';
  }
}
