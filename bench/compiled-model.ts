/**
 * The compiled reference model for the benchmark: models/igr_vae.sgm through `sgm compile`, loaded from the
 * sources (the bench runs under tsx, so the model cache points the generated module's stdlib/runtime imports at
 * the TypeScript sources: the bench never depends on dist/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSource } from '../compiler/compile.js';
import { SGM_VERSION } from '../cli/version.js';
import type { CompiledModelModule } from '../runtime/model-api.js';
import { importGeneratedModule } from '../runtime/model-cache.js';
import { packageRoot } from '../runtime/package-root.js';

/** Compiles and imports a model file of the repository for benchmarking. */
export async function loadCompiledForBench(path: string): Promise<CompiledModelModule> {
  const root = packageRoot();
  const r = compileSource(path, readFileSync(join(root, path), 'utf8'), { sgmVersion: SGM_VERSION });
  if (!r.code) throw new Error(`${path} does not compile`);
  return importGeneratedModule(r.models[0].name, r.code, 'ts');
}
