// The browser entry points of package.json `exports` (condition `browser`) bundle for the browser platform with
// esbuild and import nothing from Node: no `node:*` or built-in module anywhere in sgm's own files, and no
// unresolvable one in a dependency (a dependency may map a built-in to nothing through its own `browser` field,
// as typescript does for `fs`; esbuild honours that, and it is the package's promise, not ours). The Node
// entries must NOT bundle (so the check can fail), and the compiler's bundle compiles a model in a page's
// absence of a file system (its Node-free parts are exercised by test/browser/playground.test.ts).
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';

const root = packageRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };

/** The source file of a dist path: dist/runtime/browser.js → runtime/browser.ts. */
const sourceOf = (dist: string): string => dist.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');

/** Every `exports` entry a browser bundler resolves to a module (not package.json), with its source file. */
function browserEntries(): Array<{ subpath: string; source: string }> {
  return Object.entries(pkg.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => ({ subpath, source: sourceOf(typeof target === 'string' ? target : (target.browser ?? target.default)) }));
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0]);

/** Bundles one entry for the browser; the Node imports found, one line each ("importer -> module"). */
async function nodeImports(source: string): Promise<{ problems: string[]; bytes: number }> {
  const result = await build({
    entryPoints: [join(root, source)],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    logLimit: 0,
  }).catch((e: { errors?: Array<{ text: string; location: { file: string } | null }> }) => ({ errors: e.errors ?? [], metafile: undefined, outputFiles: [] }));
  const problems = result.errors.map((e) => `${e.location?.file ?? '?'}: ${e.text}`);
  const meta = result.metafile as Metafile | undefined;
  for (const [file, input] of Object.entries(meta?.inputs ?? {})) {
    if (file.includes('node_modules/')) continue;
    for (const imp of input.imports) if (isBuiltin(imp.original ?? imp.path)) problems.push(`${file} -> ${imp.original ?? imp.path}`);
  }
  return { problems, bytes: result.outputFiles?.[0]?.contents.length ?? 0 };
}

describe('browser entry points', () => {
  const entries = browserEntries();

  it('package.json exports a browser condition for sgm/stdlib and sgm/runtime, and the compiler has one entry for both', () => {
    expect(entries.map((e) => `${e.subpath} ${e.source}`)).toEqual([
      '. compiler/index.ts',
      './compiler compiler/index.ts',
      './stdlib stdlib/browser.ts',
      './stdlib/browser stdlib/browser.ts',
      './stdlib/signatures stdlib/signatures/index.ts',
      './runtime runtime/browser.ts',
      './runtime/browser runtime/browser.ts',
    ]);
    const node = (subpath: string): string => (pkg.exports[subpath] as Record<string, string>).node;
    expect([node('./stdlib'), node('./runtime')]).toEqual(['./dist/stdlib/index.js', './dist/runtime/index.js']);
  });

  for (const source of [...new Set(browserEntries().map((e) => e.source))]) {
    it(`${source} bundles for the browser with no Node import`, async () => {
      const { problems, bytes } = await nodeImports(source);
      expect(problems).toEqual([]);
      expect(bytes).toBeGreaterThan(1000);
    });
  }

  it('the Node entries do import Node (so the check above can fail)', async () => {
    for (const source of ['stdlib/index.ts', 'runtime/index.ts']) {
      const { problems } = await nodeImports(source);
      expect(problems.length, source).toBeGreaterThan(0);
      expect(problems.some((p) => /node:fs/.test(p)), source).toBe(true);
    }
  });
});
