/**
 * Compiles a model for a test and imports the generated module (vitest transforms the TypeScript; `sgm/runtime`
 * and `sgm/stdlib` resolve to the sources through the aliases in vitest.config.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileSource } from '../../compiler/compile.js';
import { SGM_VERSION } from '../../cli/version.js';
import type { CompiledModelModule } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { readFileSync } from 'node:fs';

let counter = 0;

/** Compiles `text` (a model source) and imports it; `codegen.fuse` as the compile option (default: the generator's). */
export async function loadGenerated(text: string, name = 'model', overrides: Record<string, number> = {}, codegen: { fuse?: boolean } = {}): Promise<CompiledModelModule> {
  const r = compileSource(`${name}.sgm`, text, { sgmVersion: SGM_VERSION, overrides, ...codegen });
  if (!r.code) throw new Error(`${name} does not compile:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const dir = join(packageRoot(), 'test/out/modules');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${process.pid}-${counter++}.ts`);
  writeFileSync(file, r.code);
  return (await import(pathToFileURL(file).href)) as CompiledModelModule;
}

/** Compiles and imports a model file of the repository (e.g. 'models/igr_vae.sgm'). */
export async function loadModelFile(path: string, overrides: Record<string, number> = {}): Promise<CompiledModelModule> {
  const name = path.split('/').pop()!.replace(/\.sgm$/, '');
  return loadGenerated(readFileSync(join(packageRoot(), path), 'utf8'), name, overrides);
}
