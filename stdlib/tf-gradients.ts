/**
 * tfjs-core's gradient and chained-op registrations, loaded from dist/vendor/tfjs-gradients.cjs, the bundle
 * `npm run build` writes (scripts/build-tfjs-gradients.ts says why sgm bundles them instead of depending on the
 * `@tensorflow/tfjs` umbrella package).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

/** The bundle's path inside the package. */
export const TFJS_GRADIENTS_BUNDLE = 'dist/vendor/tfjs-gradients.cjs';

/** Loads the registrations once (a second require is a no-op); a clear error when the build has not run. */
export function registerTfjsGradients(): void {
  const file = join(packageRoot(), TFJS_GRADIENTS_BUNDLE);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` in the sgm package (it bundles tfjs' gradients)`);
  createRequire(import.meta.url)(file);
}
