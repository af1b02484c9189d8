/**
 * Compiles a .sgm file and loads the generated module for the runtime: TypeScript -> JavaScript, written into
 * sgm's per-user model cache (runtime/model-cache.ts), keyed by a hash of the code so an unchanged model is not
 * rewritten.
 */
import { compileSource, type CompileResult } from '../compiler/compile.js';
import { importCompiledModel } from '../runtime/load-model.js';
import type { CompiledModelModule } from '../runtime/model-api.js';
import { analysisFromEnv, limitsFromEnv, printDiagnostics, readModelFile } from './front-end.js';
import type { Io } from './io.js';
import { SGM_VERSION } from './version.js';

/** Code generation options of the commands that compile (`--no-fuse`: one tfjs op per elementwise operation). */
export interface CodegenFlags {
  readonly fuse?: boolean;
}

/** Compiles `path` (printing diagnostics); the result holds the TypeScript when compilation succeeded. */
export function compileFile(io: Io, path: string, overrides: Record<string, number> = {}, codegen: CodegenFlags = {}): CompileResult {
  const fuse = codegen.fuse === false ? { fuse: false } : {};
  const result = compileSource(path, readModelFile(io, path), { overrides, limits: limitsFromEnv(), ...analysisFromEnv(), sgmVersion: SGM_VERSION, ...fuse });
  printDiagnostics(io, result, 'text');
  return result;
}

/** Compiles and imports a model; undefined when the model has errors (already printed). */
export async function loadModel(io: Io, path: string, overrides: Record<string, number> = {}, codegen: CodegenFlags = {}): Promise<{ module: CompiledModelModule; result: CompileResult } | undefined> {
  const result = compileFile(io, path, overrides, codegen);
  if (!result.ok || !result.code) return undefined;
  return { module: await importCompiledModel(result), result };
}
