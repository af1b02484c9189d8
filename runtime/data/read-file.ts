/** Reading a user's data file with one-line errors, and naming a column after the file. */
import { constants } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { UserError, describeFsError } from '../errors.js';

/**
 * The largest text data file (CSV, JSON) read: a JavaScript string holds at most this many UTF-16 units
 * (2^29 - 24, about 512 MiB, in V8), and a UTF-8 file of n bytes decodes to at most n units.
 */
export const MAX_TEXT_FILE_BYTES = constants.MAX_STRING_LENGTH;

/** Options of the loaders: a smaller size limit (tests use one instead of creating a 512 MB file). */
export interface ReadOptions {
  readonly maxBytes?: number;
}

/** The bytes of a data file; a missing, unreadable or too large file is a UserError naming it. */
export function readDataFile(path: string, options: ReadOptions = {}): Buffer {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError(`cannot read data file '${path}': not a regular file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read data file '${path}': ${describeFsError(error)}`);
  }
  if (options.maxBytes !== undefined && size > options.maxBytes) {
    throw new UserError(`data file '${path}' is ${megabytes(size)}, over the ${megabytes(options.maxBytes)} this format can be read in (save large data as .npy)`);
  }
  try {
    return readFileSync(path);
  } catch (error) {
    // Node refuses files over 2 GiB with ERR_FS_FILE_TOO_LARGE; its message is one line, like describeFsError's.
    throw new UserError(`cannot read data file '${path}': ${describeFsError(error)}`);
  }
}

/** The text of a CSV or JSON data file, within MAX_TEXT_FILE_BYTES (or the given smaller limit). */
export function readTextDataFile(path: string, options: ReadOptions = {}): string {
  return readDataFile(path, { maxBytes: Math.min(options.maxBytes ?? MAX_TEXT_FILE_BYTES, MAX_TEXT_FILE_BYTES) }).toString('utf8');
}

/** A size in MB (10^6 bytes) for messages, or in bytes when small. */
function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB` : `${bytes} bytes`;
}

/** The column name a single-array file gets: its name without the extension (`t.npy` → `t`). */
export function stemOf(path: string): string {
  return basename(path, extname(path));
}
