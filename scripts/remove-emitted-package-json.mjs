// Run by `npm run build` right after tsc: compiler/version.ts imports the version from package.json through the
// package's import map (`#package.json`), so tsc copies package.json to dist/package.json. That copy must go:
// Node resolves the import map (`#tfjs-gradients`, ...) from the nearest package.json above a module, which would
// be the copy, whose relative targets then point into dist/dist/. Plain JS: runs before anything is built.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist/package.json', import.meta.url), { force: true });
