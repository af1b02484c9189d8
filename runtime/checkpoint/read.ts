/**
 * Finding and reading checkpoints. `path` may be a run directory (its `checkpoint/`, or `.checkpoint.old/`
 * when a crash came between the two renames of write.ts) or a checkpoint directory itself. Everything wrong
 * with it (missing, incomplete, another format version, truncated weights) is a one-line UserError.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../stdlib/tf.js';
import { UserError, describeFsError } from '../errors.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CURRENT_DIR,
  INDEX_FILE,
  MANIFEST_FILE,
  OLD_DIR,
  WEIGHTS_FILE,
  type CheckpointManifest,
} from './format.js';

/** A checkpoint read from disk: its directory, manifest, and tensors by name (the caller disposes them). */
export interface LoadedCheckpoint {
  readonly dir: string;
  readonly manifest: CheckpointManifest;
  readonly tensors: tf.NamedTensorMap;
}

/** The checkpoint directory `path` designates, or undefined when there is none. */
export function findCheckpoint(path: string): string | undefined {
  if (existsSync(join(path, MANIFEST_FILE))) return path;
  for (const d of [CURRENT_DIR, OLD_DIR]) {
    if (existsSync(join(path, d, MANIFEST_FILE))) return join(path, d);
  }
  return undefined;
}

/** Reads only the manifest of the checkpoint `path` designates (cheap: for messages and checks). */
export function readManifest(path: string): { dir: string; manifest: CheckpointManifest } {
  const dir = findCheckpoint(path);
  if (dir === undefined) throw new UserError(`no checkpoint in '${path}'`);
  return { dir, manifest: parseManifest(dir) };
}

/** Reads the checkpoint `path` designates, validating the manifest and the size of the weights. */
export function readCheckpoint(path: string): LoadedCheckpoint {
  const { dir, manifest } = readManifest(path);
  const specs = readJson(join(dir, INDEX_FILE), dir) as tf.io.WeightsManifestEntry[];
  if (!Array.isArray(specs)) throw corrupt(dir, `${INDEX_FILE} is not a list of weights`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, WEIGHTS_FILE));
  } catch (error) {
    throw corrupt(dir, `cannot read ${WEIGHTS_FILE}: ${describeFsError(error)}`);
  }
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(s.dtype, dir), 0);
  if (bytes.length !== expected) throw corrupt(dir, `${WEIGHTS_FILE} has ${bytes.length} bytes, its index describes ${expected}`);
  // A fresh ArrayBuffer holding exactly the file (Node may pool small files inside a larger shared buffer).
  const buffer = new Uint8Array(bytes).buffer;
  return { dir, manifest, tensors: tf.io.decodeWeights(buffer, specs) };
}

/** Disposes every tensor of a loaded checkpoint. */
export function disposeCheckpoint(checkpoint: LoadedCheckpoint): void {
  tf.dispose(Object.values(checkpoint.tensors));
}

function parseManifest(dir: string): CheckpointManifest {
  const m = readJson(join(dir, MANIFEST_FILE), dir) as Partial<CheckpointManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) throw corrupt(dir, `${MANIFEST_FILE} is not an sgm checkpoint manifest`);
  if (m.version !== CHECKPOINT_VERSION) {
    throw new UserError(`checkpoint '${dir}' has format version ${String(m.version)}; this sgm reads version ${CHECKPOINT_VERSION}`);
  }
  for (const key of ['step', 'settings', 'rng', 'data', 'model', 'optimizer'] as const) {
    if (m[key] === undefined) throw corrupt(dir, `${MANIFEST_FILE} has no '${key}'`);
  }
  return m as CheckpointManifest;
}

function readJson(file: string, dir: string): unknown {
  let text: string;
  try {
    if (!statSync(file).isFile()) throw corrupt(dir, `${file} is not a file`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw corrupt(dir, `cannot read ${file}: ${describeFsError(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw corrupt(dir, `${file} is not valid JSON`);
  }
}

function bytesPerElement(dtype: string, dir: string): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'bool') return 1;
  throw corrupt(dir, `unsupported dtype '${dtype}' in ${INDEX_FILE}`);
}

function corrupt(dir: string, why: string): UserError {
  return new UserError(`checkpoint '${dir}' is damaged: ${why}`);
}
