/** Locates the sgm package root (the folder of its package.json), from source (tsx/vitest) or from dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The absolute path of the folder holding sgm's package.json. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'sgm') return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('sgm package root not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}
