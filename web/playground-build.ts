/**
 * The playground as a static folder (`npm run build:playground` writes dist/playground/; `sgm playground` builds
 * it into sgm's cache when the package has none), deployable on any static host and openable offline: index.html (with its
 * Content-Security-Policy), playground.js (web/playground/main.ts bundled for the browser with the compiler,
 * the stdlib and the runtime through their browser entries, the example models of models/, 1,000 binarized
 * MNIST digits packed at one bit per pixel, and the graph page's script), and the WASM backend's .wasm files.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../runtime/data/mnist.js';
import { UserError } from '../runtime/errors.js';
import { packageRoot } from '../runtime/package-root.js';
import { bundleBrowserScript } from './browser-bundle.js';
import { playgroundHtml } from './playground-page.js';

/** How many digits the page carries (98 KB of bits). */
export const PLAYGROUND_DIGITS = 1000;

/** Builds the playground into `out`; the files written. */
export async function buildPlayground(out: string, options: { minify?: boolean } = {}): Promise<string[]> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new UserError('the playground is not built and esbuild (a development dependency) is not installed: run `npm run build:playground` in the sgm package');
  }
  const root = packageRoot();
  // The page's sources ship in the repository, not in the npm package (whose dist/playground is prebuilt).
  if (!existsSync(join(root, 'web/playground/main.ts'))) throw new UserError(`this installation of sgm has no playground sources: build it in a clone of sgm with npm run build:playground and pass its folder with --dir`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const models = Object.fromEntries(
    readdirSync(join(root, 'models'))
      .filter((f) => f.endsWith('.sgm'))
      .sort()
      .map((f) => [f.replace(/\.sgm$/, ''), readFileSync(join(root, 'models', f), 'utf8')]),
  );
  const pixels = loadMnist({ binarized: true }).columns.x.values.subarray(0, PLAYGROUND_DIGITS * 784);
  const bytes = new Uint8Array(Math.ceil(pixels.length / 8));
  for (let i = 0; i < pixels.length; i++) if (pixels[i] > 0.5) bytes[i >> 3] |= 1 << (7 - (i & 7));
  const graphScript = await bundleBrowserScript('graph');
  await esbuild.build({
    entryPoints: [join(root, 'web/playground/main.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: options.minify ?? true,
    legalComments: 'linked',
    charset: 'utf8',
    outfile: join(out, 'playground.js'),
    define: {
      __SGM_MODELS__: JSON.stringify(models),
      __SGM_DIGITS__: JSON.stringify({ count: PLAYGROUND_DIGITS, bits: Buffer.from(bytes).toString('base64') }),
      __SGM_GRAPH_SCRIPT__: JSON.stringify(graphScript),
    },
    logLevel: 'warning',
  });
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(out, f));
  writeFileSync(join(out, 'index.html'), playgroundHtml({ script: 'playground.js', graphScript }));
  return readdirSync(out).map((f) => join(out, f));
}

