/**
 * The sgm version, read once from sgm's own package.json (found by walking up from this file, so it works from the
 * TypeScript sources and from dist/). Generated file headers and `sgm --version` show it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sgm' && typeof pkg.version === 'string') return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`sgm's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The version of this sgm installation (package.json `version`). */
export const SGM_VERSION: string = readVersion();
