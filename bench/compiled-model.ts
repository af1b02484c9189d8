/**
 * The compiled reference model for the benchmark: models/igr_vae.sgm through `sgm compile`, loaded from the
 * sources (the generated module imports stdlib/runtime by file URL here, so the bench never depends on dist/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource } from '../compiler/compile.js';
import { SGM_VERSION } from '../cli/version.js';
import type { CompiledModelModule } from '../runtime/model-api.js';
import { packageRoot } from '../runtime/package-root.js';

/** Compiles and imports a model file of the repository for benchmarking. */
export async function loadCompiledForBench(path: string): Promise<CompiledModelModule> {
  const root = packageRoot();
  const r = compileSource(path, readFileSync(join(root, path), 'utf8'), {
    sgmVersion: SGM_VERSION,
    stdlibModule: pathToFileURL(join(root, 'stdlib/index.ts')).href,
    runtimeModule: pathToFileURL(join(root, 'runtime/index.ts')).href,
  });
  if (!r.code) throw new Error(`${path} does not compile`);
  const dir = join(root, '.sgm-cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.models[0].name}.ts`);
  writeFileSync(file, r.code);
  return (await import(pathToFileURL(file).href)) as CompiledModelModule;
}
