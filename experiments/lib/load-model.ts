/**
 * Compiles a model for the experiments and imports the generated module from the sources: the generated code's
 * `sgm/runtime` and `sgm/stdlib` imports are pointed at this checkout's TypeScript (the runner runs under tsx),
 * so the experiments and the models share one copy of the runtime, as the tests do through vitest's aliases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource } from '../../compiler/compile.js';
import { importCachedModule } from '../../cli/load-model.js';
import { SGM_VERSION } from '../../cli/version.js';
import type { CompiledModelModule } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';

/** Where compiled experiment models are written (inside the package, next to the CLI's model cache). */
const CACHE = join(packageRoot(), '.sgm-cache', 'experiments');

/** Import specifiers of generated code, mapped to this checkout's sources. */
const SOURCES: Readonly<Record<string, string>> = {
  'sgm/runtime': 'runtime/index.ts',
  'sgm/stdlib': 'stdlib/index.ts',
};

/** Compiles `text` (a model source named `path` in messages) with hyperparameter overrides and imports it. */
export async function loadModelSource(path: string, text: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompiledModelModule> {
  const r = compileSource(path, text, { overrides: { ...overrides }, sgmVersion: SGM_VERSION });
  if (!r.ok || !r.code) throw new Error(`${path} does not compile:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  let code = r.code;
  for (const [specifier, file] of Object.entries(SOURCES)) {
    code = code.replaceAll(`from '${specifier}'`, `from '${pathToFileURL(join(packageRoot(), file)).href}'`);
  }
  return importCachedModule(CACHE, r.models[0].name, code, 'ts');
}

/** Compiles a model file (path relative to the package root) with overrides and imports it. */
export async function loadModelFile(path: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompiledModelModule> {
  return loadModelSource(path, readFileSync(join(packageRoot(), path), 'utf8'), overrides);
}
