/**
 * Compiles a model for the experiments and imports the generated module from the sources: the runner runs under
 * tsx, so the model cache (runtime/model-cache.ts) points the generated code's `sgm/runtime` and `sgm/stdlib`
 * imports at this checkout's TypeScript, and the experiments and the models share one copy of the runtime, as
 * the tests do through vitest's aliases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSource } from '../../compiler/compile.js';
import type { EstimatorOverrides } from '../../compiler/analysis/estimator-overrides.js';
import { SGM_VERSION } from '../../cli/version.js';
import type { CompiledModelModule } from '../../runtime/model-api.js';
import { importGeneratedModule } from '../../runtime/model-cache.js';
import { packageRoot } from '../../runtime/package-root.js';

/**
 * Compiles `text` (a model source named `path` in messages) with hyperparameter overrides, and estimators chosen
 * per node as `with` clauses would (the compiler's `estimatorOverrides` option), and imports it.
 */
export async function loadModelSource(
  path: string,
  text: string,
  overrides: Readonly<Record<string, number>> = {},
  estimatorOverrides?: EstimatorOverrides,
): Promise<CompiledModelModule> {
  const r = compileSource(path, text, { overrides: { ...overrides }, sgmVersion: SGM_VERSION, ...(estimatorOverrides ? { estimatorOverrides } : {}) });
  if (!r.ok || !r.code) throw new Error(`${path} does not compile:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  return importGeneratedModule(r.models[0].name, r.code, 'ts');
}

/** Compiles a model file (path relative to the package root) with overrides and imports it. */
export async function loadModelFile(path: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompiledModelModule> {
  return loadModelSource(path, readFileSync(join(packageRoot(), path), 'utf8'), overrides);
}
