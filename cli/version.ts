/** The sgm version, read once from package.json (shown by --version and in generated file headers). */
import { readFileSync } from 'node:fs';
import { packageRoot } from '../runtime/package-root.js';

export const SGM_VERSION: string = (JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string }).version;
