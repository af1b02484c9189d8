/**
 * The CLI's side of loading a model: read the file (a missing file is a one-line user error), compile it, print its
 * diagnostics, and import the generated module through the runtime's loader (runtime/load-model.ts).
 */
import { compileSource, type CompileResult } from '../compiler/compile.js';
import { compileForLoading, importCompiledModel } from '../runtime/load-model.js';
import type { CompiledModelModule } from '../runtime/model-api.js';
import { printDiagnostics, readModelFile } from './front-end.js';
import type { Io } from './io.js';

/** Compiles `path` for `sgm compile` (printing diagnostics); the result holds the TypeScript when it succeeded. */
export function compileFile(io: Io, path: string, overrides: Record<string, number> = {}): CompileResult {
  const result = compileSource(path, readModelFile(io, path), { overrides });
  printDiagnostics(io, result, 'text');
  return result;
}

/** Compiles and imports a model; undefined when the model has errors (already printed). */
export async function loadModel(io: Io, path: string, overrides: Record<string, number> = {}): Promise<{ module: CompiledModelModule; result: CompileResult } | undefined> {
  const result = await compileForLoading(path, readModelFile(io, path), overrides);
  printDiagnostics(io, result, 'text');
  if (!result.ok || !result.code) return undefined;
  return { module: await importCompiledModel(result), result };
}
