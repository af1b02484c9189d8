/**
 * Writes dist/vendor/tfjs-gradients.cjs (run by `npm run build`): tfjs-core's gradient and chained-op
 * registrations as one CommonJS file Node can load. `@tensorflow/tfjs-core` registers no gradients by itself
 * and ships these registrations only as ES modules Node cannot import (its package is not `"type": "module"`);
 * the `@tensorflow/tfjs` umbrella package bundles them the same way, together with layers, converter, data and
 * WebGL, which sgm does not use (286 MB installed). The bundle carries its own copy of the tfjs-core modules the
 * registrations import; tfjs keeps its engine and registries on the global object, so both copies register
 * into the one engine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { packageRoot } from '../stdlib/package-root.js';
/** The bundle's path inside the package; package.json `imports` (#tfjs-gradients) points Node at it. */
const TFJS_GRADIENTS_BUNDLE = 'dist/vendor/tfjs-gradients.cjs';

const root = packageRoot();
const out = join(root, TFJS_GRADIENTS_BUNDLE);
const result = await build({
  stdin: {
    contents: [
      "import '@tensorflow/tfjs-core/dist/register_all_gradients.js';",
      "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';",
    ].join('\n'),
    resolveDir: root,
    sourcefile: 'tfjs-gradients-entry.js',
  },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  legalComments: 'eof',
  write: false,
  logLevel: 'warning',
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, result.outputFiles[0].contents);
console.log(`wrote ${out} (${(result.outputFiles[0].contents.length / 1024).toFixed(0)} KiB)`);
