/**
 * The browser scripts of sgm's pages, each bundled with its dependencies (sigma.js, graphology) into one
 * self-contained script that is inlined into the page, so a page needs no network when it is viewed.
 * `npm run build` writes the bundles beside the compiled module (dist/web/browser/<name>.bundle.js); run from
 * the sources (tests, tsx) there is no such file and the script is bundled in memory with esbuild (a
 * development dependency) from the packages installed from the lockfile.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../runtime/errors.js';
import { packageRoot } from '../runtime/package-root.js';

/** The entry module of each browser script, relative to the package root. */
export const BROWSER_ENTRIES = { graph: 'web/browser/graph/main.ts' } as const;
/** A browser script's name. */
export type BrowserScript = keyof typeof BROWSER_ENTRIES;

const cache = new Map<BrowserScript, Promise<string>>();

/** Where `npm run build` puts a prebuilt bundle (beside this module, in dist/web/browser/). */
export function prebuiltBundlePath(name: BrowserScript): string {
  return fileURLToPath(new URL(`./browser/${name}.bundle.js`, import.meta.url));
}

/** The script's code: the prebuilt bundle when there is one, else bundled now (once per process). */
export function browserScript(name: BrowserScript): Promise<string> {
  let code = cache.get(name);
  if (!code) {
    const built = prebuiltBundlePath(name);
    code = existsSync(built) ? Promise.resolve(readFileSync(built, 'utf8')) : bundleBrowserScript(name);
    cache.set(name, code);
  }
  return code;
}

/** Bundles a browser script with esbuild: one minified IIFE for current browsers, licence comments kept. */
export async function bundleBrowserScript(name: BrowserScript): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new UserError(`the ${name} page's script is not built and esbuild is not installed: run \`npm run build\` in the sgm package`);
  }
  const result = await esbuild.build({
    entryPoints: [join(packageRoot(), BROWSER_ENTRIES[name])],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    charset: 'utf8',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
