/**
 * Atomic checkpoint writes. The new checkpoint is written completely into `<run>/.checkpoint.tmp/`, each file
 * fsynced, the manifest last (with the size and SHA-256 of the other files and its own checksum); then the
 * checkpoint before the current one (`checkpoint.previous/`) is deleted, the current `checkpoint/` renamed to
 * `checkpoint.previous/`, the new one renamed into place and the run directory fsynced. A crash at any point
 * leaves a complete `checkpoint/`, or no `checkpoint/` and a complete `checkpoint.previous/` (which read.ts
 * falls back to); afterwards the previous checkpoint stays beside the current one, so a current checkpoint
 * damaged later (disk, hand edit) still leaves one to resume from.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, existsSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tf } from '../../stdlib/tf.js';
import { UserError, describeFsError } from '../errors.js';
import {
  CURRENT_DIR,
  INDEX_FILE,
  MANIFEST_FILE,
  PREVIOUS_DIR,
  TMP_DIR,
  TRASH_DIR,
  WEIGHTS_FILE,
  type CheckpointManifest,
  type FileStamp,
  type ManifestContent,
} from './format.js';
import { manifestChecksum } from './manifest-schema.js';

/**
 * Writes a checkpoint of `tensors` with `content` into `runDir/checkpoint/` atomically; returns its path. The
 * checkpoint it replaces becomes `checkpoint.previous/`, unless `samePrevious` is false (the first save of a
 * run started with --overwrite: the one there belongs to another run, and is deleted once the new one is in place).
 */
export async function writeCheckpoint(
  runDir: string,
  content: ManifestContent,
  tensors: ReadonlyArray<{ name: string; tensor: tf.Tensor }>,
  options: { samePrevious?: boolean } = {},
): Promise<string> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((t) => ({ name: t.name, tensor: t.tensor })));
  const weights = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  const index = Buffer.from(`${JSON.stringify(specs, null, 1)}\n`, 'utf8');
  const withFiles = { ...content, files: { [WEIGHTS_FILE]: stamp(weights), [INDEX_FILE]: stamp(index) } };
  const manifest: CheckpointManifest = { ...withFiles, checksum: manifestChecksum(withFiles) };
  const tmp = join(runDir, TMP_DIR);
  const current = join(runDir, CURRENT_DIR);
  const previous = join(runDir, PREVIOUS_DIR);
  const trash = join(runDir, TRASH_DIR);
  try {
    mkdirSync(runDir, { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    writeFileSynced(join(tmp, WEIGHTS_FILE), weights);
    writeFileSynced(join(tmp, INDEX_FILE), index);
    writeFileSynced(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncDir(tmp);
    if (existsSync(current)) {
      // Out of the way by one atomic rename before deleting, so no half-deleted checkpoint.previous is ever seen.
      rmSync(trash, { recursive: true, force: true });
      if (existsSync(previous)) renameSync(previous, trash);
      renameSync(current, previous);
    }
    renameSync(tmp, current);
    fsyncDir(runDir);
    rmSync(trash, { recursive: true, force: true });
    if (options.samePrevious === false) rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    // Leave nothing half-written behind: the checkpoints already there (current or previous) are untouched.
    rmSync(tmp, { recursive: true, force: true });
    throw new UserError(`cannot write a checkpoint to '${runDir}': ${describeFsError(error)}`);
  }
  return current;
}

/** Size and SHA-256 of a file's bytes, for the manifest. */
function stamp(bytes: Uint8Array): FileStamp {
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Creates `dir` (and its parents) and checks that files can be written in it, before any work is done;
 * otherwise a one-line UserError.
 */
export function ensureWritableDir(dir: string): void {
  const probe = join(dir, `.sgm-write-test-${process.pid}`);
  try {
    // Probe the nearest existing ancestor first: Node's recursive mkdir spins forever under pseudo file
    // systems such as /proc, where creating an entry fails with ENOENT although the parent exists.
    const ancestor = nearestExisting(resolve(dir));
    if (ancestor !== resolve(dir)) {
      const ancestorProbe = join(ancestor, `.sgm-write-test-${process.pid}`);
      closeSync(openSync(ancestorProbe, 'w'));
      unlinkSync(ancestorProbe);
    }
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (error) {
    throw new UserError(`cannot write checkpoints to '${dir}': ${describeFsError(error)}`);
  }
}

/** The longest prefix of `path` that exists. */
function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p)) {
    const up = dirname(p);
    if (up === p) return p;
    p = up;
  }
  return p;
}

/** Writes a whole file and fsyncs it, so a rename after it publishes complete contents. */
export function writeFileSynced(path: string, contents: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file atomically: a synced temporary file beside it, then a rename over the target. */
export function writeFileAtomic(path: string, contents: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSynced(tmp, contents);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write '${path}': ${describeFsError(error)}`);
  }
}

/** fsyncs a directory so renames inside it are durable; a no-op where directories cannot be opened (Windows). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
