/**
 * Compiles a .sgm file and loads the generated module for the runtime: TypeScript -> JavaScript, written into
 * sgm's cache (inside the package, so the module's `sgm/runtime` and `sgm/stdlib` imports resolve to this
 * installation), keyed by a hash of the code so an unchanged model is not rewritten.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource, type CompileResult } from '../compiler/compile.js';
import { transpileToJs } from '../compiler/codegen/transpile.js';
import type { CompiledModelModule } from '../runtime/model-api.js';
import { packageRoot } from '../runtime/package-root.js';
import { limitsFromEnv, printDiagnostics, readModelFile } from './front-end.js';
import type { Io } from './io.js';
import { SGM_VERSION } from './version.js';

/** Compiles `path` (printing diagnostics); the result holds the TypeScript when compilation succeeded. */
export function compileFile(io: Io, path: string, overrides: Record<string, number> = {}): CompileResult {
  const result = compileSource(path, readModelFile(io, path), { overrides, limits: limitsFromEnv(), sgmVersion: SGM_VERSION });
  printDiagnostics(io, result, 'text');
  return result;
}

/**
 * The cache folder of generated modules: inside the package, always, because a module's `sgm/runtime` import
 * resolves by package self-reference only from files within the package.
 */
export function modelCacheDir(): string {
  return join(packageRoot(), '.sgm-cache', 'models');
}

/**
 * Writes `code` into `dir` as `<name>-<hash of code>.<extension>` (atomically, once: an unchanged model is not
 * rewritten) and imports it.
 */
export async function importCachedModule(dir: string, name: string, code: string, extension: string): Promise<CompiledModelModule> {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${hash}.${extension}`);
  if (!existsSync(file)) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return (await import(pathToFileURL(file).href)) as CompiledModelModule;
}

/** Compiles and imports a model; undefined when the model has errors (already printed). */
export async function loadModel(io: Io, path: string, overrides: Record<string, number> = {}): Promise<{ module: CompiledModelModule; result: CompileResult } | undefined> {
  const result = compileFile(io, path, overrides);
  if (!result.ok || !result.code) return undefined;
  const name = result.models[0].name;
  const module = await importCachedModule(modelCacheDir(), name, transpileToJs(result.code, `${name}.ts`), 'mjs');
  return { module, result };
}
