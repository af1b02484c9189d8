/**
 * Dynamic check for injected code: writes generated modules into the package (where their `sgm/runtime`
 * imports resolve), imports each in a child process and reports the ones after which the canary global was set
 * or the canary file written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../runtime/package-root.js';
import { CANARY } from './inputs.js';

/** Imports the modules (JavaScript sources) one by one in a child; returns the indices that ran the payload. */
export function importWithCanary(modules: readonly string[], scratch: string): { executed: number[]; error?: string } {
  if (modules.length === 0) return { executed: [] };
  const dir = join(packageRoot(), '.sgm-cache', `fuzz-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const canaryFile = join(scratch, `canary-${process.pid}`);
  rmSync(canaryFile, { force: true });
  try {
    const urls = modules.map((js, i) => {
      const file = join(dir, `m${i}.mjs`);
      writeFileSync(file, js);
      return pathToFileURL(file).href;
    });
    const script = `const urls = ${JSON.stringify(urls)}; const hit = [];
for (let i = 0; i < urls.length; i++) { try { await import(urls[i]); } catch {} if (globalThis.${CANARY}) { hit.push(i); delete globalThis.${CANARY}; } }
await new Promise((r) => setTimeout(r, 50)); process.stdout.write(JSON.stringify(hit));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, SGM_FUZZ_CANARY: canaryFile },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const executed = child.status === 0 ? (JSON.parse(child.stdout || '[]') as number[]) : [];
    if (existsSync(canaryFile) && executed.length === 0) executed.push(-1);
    return child.status === 0 ? { executed } : { executed, error: `import child exited ${child.status}: ${child.stderr.slice(0, 300)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(canaryFile, { force: true });
  }
}
