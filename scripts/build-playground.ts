/** `npm run build:playground [OUT]`: the playground as a static folder (default dist/playground); web/playground-build.ts. */
import { join, resolve } from 'node:path';
import { packageRoot } from '../runtime/package-root.js';
import { buildPlayground } from '../web/playground-build.js';

const out = resolve(process.argv[2] ?? join(packageRoot(), 'dist', 'playground'));
const files = await buildPlayground(out);
console.log(`wrote ${out}: ${files.length} files`);
