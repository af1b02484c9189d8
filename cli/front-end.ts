/** Shared by the commands: read a .sgm file, parse --set, run the front end and print its diagnostics. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnosticsToJson, formatDiagnostics } from '../compiler/diagnostics/printer.js';
import { checkSource, type FrontEndResult } from '../compiler/pipeline.js';
import { UserError } from '../runtime/errors.js';
import type { Io } from './io.js';

/** Reads a model file; a missing or unreadable file is a one-line user error. */
export function readModelFile(io: Io, path: string): string {
  try {
    return readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `cannot read '${path}': no such file` : code === 'EISDIR' ? `'${path}' is a directory, not a .sgm file` : `cannot read '${path}': ${(e as Error).message}`);
  }
}

/** Output format of diagnostics. */
export type DiagnosticFormat = 'text' | 'json';

/** Runs the front end on a file. */
export function frontEnd(io: Io, path: string, overrides: Record<string, number> = {}): FrontEndResult {
  return checkSource(path, readModelFile(io, path), { overrides });
}

/** Prints diagnostics as text (stderr) or JSON (stdout, always an array). */
export function printDiagnostics(io: Io, result: FrontEndResult, format: DiagnosticFormat): void {
  if (format === 'json') {
    io.stdout(JSON.stringify(diagnosticsToJson(result.file, result.diagnostics), null, 2) + '\n');
    return;
  }
  if (result.diagnostics.length > 0) io.stderr(formatDiagnostics(result.file, result.diagnostics, { color: io.color ?? false }));
}

