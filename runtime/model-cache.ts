/**
 * The compiled-model cache: generated model modules are written into `models/` of sgm's per-user cache folder
 * (stdlib/cache-dir.ts; never inside the package, which may be read-only) as `<name>-<hash of code>.<ext>`, once
 * (an unchanged model is not rewritten), and imported from there.
 *
 * Generated code imports `sgm/runtime`, `sgm/stdlib` and `@tensorflow/tfjs-core` by name; a file in the cache
 * folder could not resolve those names (there is no node_modules above it), so they are replaced by the file URLs
 * of this installation's own modules: the ones the rest of the process runs, so the model and the runtime share
 * one copy of each (from dist/ when sgm runs from its build, from the TypeScript sources under tsx or vitest).
 * The URLs are part of the hashed code, so two installations sharing one cache folder never share a file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sgmCacheDir } from '../stdlib/cache-dir.js';
import { UserError, describeFsError } from './errors.js';
import type { CompiledModelModule } from './model-api.js';

/** The folder of cached compiled models: `models/` in sgm's per-user cache folder. */
export function modelCacheDir(): string {
  return join(sgmCacheDir(), 'models');
}

/** The modules generated code imports, by the name it uses, as file URLs of this installation. */
export function generatedImportTargets(): Readonly<Record<string, string>> {
  // This file runs as model-cache.ts (sources under tsx or vitest) or model-cache.js (dist/): the runtime and
  // stdlib entry points beside it have the same extension.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return {
    'sgm/runtime': new URL(`./index.${ext}`, import.meta.url).href,
    'sgm/stdlib': new URL(`../stdlib/index.${ext}`, import.meta.url).href,
    '@tensorflow/tfjs-core': pathToFileURL(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core')).href,
  };
}

/** `code` (TypeScript or JavaScript) with its imports of sgm and tfjs-core pointed at this installation's files. */
export function bindGeneratedImports(code: string): string {
  const targets = generatedImportTargets();
  return code.replace(/(\bfrom\s*|\bimport\s*)(['"])(sgm\/runtime|sgm\/stdlib|@tensorflow\/tfjs-core)\2/g, (_m, keyword: string, quote: string, name: string) => `${keyword}${quote}${targets[name]}${quote}`);
}

/**
 * Writes a generated module (its imports bound to this installation) into `dir` (default: the model cache) as
 * `<name>-<hash>.<extension>`, atomically and once, and imports it. An unwritable cache folder is a UserError
 * naming the folder and SGM_CACHE_DIR.
 */
export async function importGeneratedModule(name: string, code: string, extension: 'mjs' | 'ts', dir: string = modelCacheDir()): Promise<CompiledModelModule> {
  const bound = bindGeneratedImports(code);
  const hash = createHash('sha256').update(bound).digest('hex').slice(0, 16);
  const file = join(dir, `${name}-${hash}.${extension}`);
  if (!existsSync(file)) {
    const tmp = `${file}.tmp-${process.pid}`;
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, bound);
      renameSync(tmp, file);
    } catch (error) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // The folder itself is unusable: there is no temporary file to remove.
      }
      throw new UserError(`cannot write sgm's model cache '${dir}': ${describeFsError(error)}; set SGM_CACHE_DIR to a writable folder`);
    }
  }
  return (await import(pathToFileURL(file).href)) as CompiledModelModule;
}
