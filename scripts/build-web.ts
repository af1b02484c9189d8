/** Writes the browser bundles of sgm's pages into dist/web/browser/ (run by `npm run build` after tsc). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BROWSER_ENTRIES, bundleBrowserScript, type BrowserScript } from '../web/browser-bundle.js';
import { packageRoot } from '../runtime/package-root.js';

for (const name of Object.keys(BROWSER_ENTRIES) as BrowserScript[]) {
  const out = join(packageRoot(), 'dist', 'web', 'browser', `${name}.bundle.js`);
  mkdirSync(dirname(out), { recursive: true });
  const code = await bundleBrowserScript(name);
  writeFileSync(out, code);
  console.log(`wrote ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}
