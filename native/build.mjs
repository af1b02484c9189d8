// Builds the optional OpenBLAS kernels (`npm run build:native`). Needs a C compiler, python3 and Debian's
// libopenblas-dev. node-gyp is the copy bundled with npm (npm exports its path as npm_config_node_gyp); the
// Node headers come from the local installation (include/node beside the node binary, e.g. /usr/include/node),
// so the build never downloads anything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const prefix = dirname(dirname(process.execPath));
const args = ['rebuild', '--directory', here];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const gyp = process.env.npm_config_node_gyp;
const [cmd, cmdArgs] = gyp ? [process.execPath, [gyp, ...args]] : ['node-gyp', args];
const result = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('sgm: building native/ failed; sgm still runs on the JS/WASM kernels. Needs: apt-get install libopenblas-dev build-essential python3');
  process.exit(result.status ?? 1);
}
