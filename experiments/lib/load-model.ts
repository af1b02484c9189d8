/**
 * Compiles a model for the experiments and imports the generated module through the runtime's loader. The runner
 * runs under tsx, so the generated code imports this checkout's TypeScript sources (runtime/load-model.ts), and the
 * experiments and the models share one copy of the runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledModelModule } from '../../runtime/model-api.js';
import { loadModel } from '../../runtime/load-model.js';
import { packageRoot } from '../../runtime/package-root.js';

/** Where compiled experiment models are written (inside the package, next to the CLI's model cache). */
const CACHE = join(packageRoot(), '.sgm-cache', 'experiments');

/** Compiles `text` (a model source named `path` in messages) with hyperparameter overrides and imports it. */
export async function loadModelSource(path: string, text: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompiledModelModule> {
  return (await loadModel({ source: text, path }, { overrides, cacheDir: CACHE })).module;
}

/** Compiles a model file (path relative to the package root) with overrides and imports it. */
export async function loadModelFile(path: string, overrides: Readonly<Record<string, number>> = {}): Promise<CompiledModelModule> {
  return loadModelSource(path, readFileSync(join(packageRoot(), path), 'utf8'), overrides);
}
