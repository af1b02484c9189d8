// Builds the page of the browser runtime tests: models compiled by sgm's compiler (the same code `sgm compile`
// prints), bundled as they are with esbuild for the browser platform together with harness/harness.ts, into an
// HTML file opened from file:// (no server, no network). `sgm/stdlib` and `sgm/runtime` resolve to the browser
// entries' sources, as vitest.config.ts resolves them to the Node entries' sources (a bundler resolving the
// installed package takes the same files from dist/ through the `browser` exports condition).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { compileSource } from '../../compiler/compile.js';
import { packageRoot } from '../../runtime/package-root.js';

/** Compiles `models` (name → .sgm path in the package) and writes page.html + page.js into `dir`; the page URL. */
export async function buildHarnessPage(dir: string, models: Record<string, string>): Promise<string> {
  const root = packageRoot();
  const imports: string[] = [];
  for (const [name, file] of Object.entries(models)) {
    const result = compileSource(file, readFileSync(join(root, file), 'utf8'));
    if (!result.code) throw new Error(`${file} did not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    writeFileSync(join(dir, `${name}.ts`), result.code);
    imports.push(`import * as ${name} from './${name}.js';`);
  }
  const entry = [
    `import { install } from ${JSON.stringify(join(root, 'test/browser/harness/harness.ts'))};`,
    ...imports,
    `install({ ${Object.keys(models).join(', ')} });`,
  ].join('\n');
  writeFileSync(join(dir, 'entry.ts'), entry);
  await build({
    entryPoints: [join(dir, 'entry.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    alias: { 'sgm/stdlib': join(root, 'stdlib/browser.ts'), 'sgm/runtime': join(root, 'runtime/browser.ts') },
    // The temporary folder is outside the package: resolve tfjs-core (imported by generated code) from sgm's.
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'page.html'), '<!doctype html><meta charset="utf-8"><title>sgm browser runtime</title><script src="page.js"></script>\n');
  return pathToFileURL(join(dir, 'page.html')).href;
}
