/** Shared by the commands: read a .sgm file, run the front end and print its diagnostics. */
import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnosticsToJson, formatDiagnostics } from '../compiler/diagnostics/printer.js';
import { checkSource, type FrontEndResult } from '../compiler/pipeline.js';
import { parseLimit, type SizeLimits } from '../compiler/semantics/limits.js';
import { UserError } from '../runtime/errors.js';
import type { Io } from './io.js';

/** Largest model file read (4 MiB): far above any model, small enough that every stage stays fast. */
export const MAX_MODEL_BYTES = 4 * 1024 * 1024;

/**
 * Reads a model file; a missing, unreadable or too large file is a one-line user error. Reads in chunks and
 * stops after MAX_MODEL_BYTES, so /dev/zero or an endless pipe cannot exhaust memory.
 */
export function readModelFile(io: Pick<Io, 'cwd'>, path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(resolve(io.cwd, path), 'r');
    const buffer = Buffer.alloc(MAX_MODEL_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_MODEL_BYTES) throw new UserError(`'${path}' is larger than ${MAX_MODEL_BYTES / (1024 * 1024)} MiB; a model file is expected`);
    }
    return buffer.toString('utf8', 0, length);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `cannot read '${path}': no such file` : code === 'EISDIR' ? `'${path}' is a directory, not a .sgm file` : `cannot read '${path}': ${(e as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Size limits from the environment (SGM_MAX_ELEMENTS per tensor, SGM_MAX_PARAMS for all parameters; see
 * docs/language.md, "Limits"); a malformed value is a one-line error.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SizeLimits> {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const n = parseLimit(text);
    if (n === undefined) throw new UserError(`${name} must be a positive integer, got '${text}'`);
    return n;
  };
  const maxElements = read('SGM_MAX_ELEMENTS');
  const maxParamElements = read('SGM_MAX_PARAMS');
  return { ...(maxElements === undefined ? {} : { maxElements }), ...(maxParamElements === undefined ? {} : { maxParamElements }) };
}

/**
 * The analysis options the CLI takes from the environment: `SGM_ENUMERATION_LIMIT`, the most joint configurations
 * per data point of the variables enumerated together (default 4096; SGM5007 past it).
 */
export function analysisFromEnv(env: NodeJS.ProcessEnv = process.env): { enumerationLimit?: number } {
  const text = env.SGM_ENUMERATION_LIMIT;
  if (text === undefined || text === '') return {};
  const n = parseLimit(text);
  if (n === undefined) throw new UserError(`SGM_ENUMERATION_LIMIT must be a positive integer, got '${text}'`);
  return { enumerationLimit: n };
}

/** Output format of diagnostics. */
export type DiagnosticFormat = 'text' | 'json';

/** Runs the front end on a file. */
export function frontEnd(io: Io, path: string, overrides: Record<string, number> = {}): FrontEndResult {
  return checkSource(path, readModelFile(io, path), { overrides, limits: limitsFromEnv(), ...analysisFromEnv() });
}

/** Prints diagnostics as text (stderr) or JSON (stdout, always an array). */
export function printDiagnostics(io: Io, result: FrontEndResult, format: DiagnosticFormat): void {
  if (format === 'json') {
    io.stdout(JSON.stringify(diagnosticsToJson(result.file, result.diagnostics), null, 2) + '\n');
    return;
  }
  if (result.diagnostics.length > 0) io.stderr(formatDiagnostics(result.file, result.diagnostics, { color: io.color ?? false }));
}
