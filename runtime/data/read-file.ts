/** Reading a user's data file with one-line errors, and naming a column after the file. */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { UserError, describeFsError } from '../errors.js';

/** The bytes of a data file; a missing or unreadable file is a UserError naming it. */
export function readDataFile(path: string): Buffer {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new UserError(`cannot read data file '${path}': ${describeFsError(error)}`);
  }
  if (!isFile) throw new UserError(`cannot read data file '${path}': not a regular file`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read data file '${path}': ${describeFsError(error)}`);
  }
}

/** The column name a single-array file gets: its name without the extension (`t.npy` → `t`). */
export function stemOf(path: string): string {
  return basename(path, extname(path));
}
