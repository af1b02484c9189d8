/**
 * Node's store of fitted priors (see ../prior-store.ts): one JSON file per entry in `options.cacheDir`, else the
 * `priors/` folder of sgm's per-user cache (../cache-dir.ts), written to a temporary file and renamed, so
 * concurrent fits never leave a torn file. Installed by stdlib/index.ts, the Node entry of `sgm/stdlib`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sgmCacheDir } from '../cache-dir.js';
import { setPriorStoreFactory, type PriorStore } from '../prior-store.js';

/** Where cached priors live: options.cacheDir, else `priors/` in sgm's per-user cache folder (cache-dir.ts). */
export function priorCacheDir(cacheDir?: string): string {
  return cacheDir || join(sgmCacheDir(), 'priors');
}

/** A folder of prior files. */
export function filePriorStore(cacheDir: string | undefined): PriorStore {
  const dir = priorCacheDir(cacheDir);
  return {
    where: dir,
    read(name) {
      const file = join(dir, name);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
    write(name, text) {
      const tmp = `${join(dir, name)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, text);
        renameSync(tmp, join(dir, name));
      } catch (error) {
        try {
          rmSync(tmp, { force: true });
        } catch {
          // The folder itself is unusable: there is no temporary file to remove.
        }
        throw error;
      }
    },
  };
}

setPriorStoreFactory(filePriorStore);
