// Builds the optional OpenBLAS kernels (native/build/Release/sgm_native.node). Needs a C compiler, make, python3
// and OpenBLAS's development files (Debian/Ubuntu: apt-get install libopenblas-dev). node-gyp is the copy bundled
// with npm (npm exports its path as npm_config_node_gyp to scripts; run directly, the copy beside this Node's npm
// is used); the Node headers come from the local installation (include/node beside the node binary, e.g.
// /usr/include/node), so the build never downloads anything.
//
//   node native/build.mjs             build, showing the compiler's output; exit 1 when the build fails
//   node native/build.mjs --optional  sgm's install step: builds quietly when OpenBLAS is there, prints one line
//                                     either way, and never fails (sgm runs on WASM without the kernels)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const optional = process.argv.includes('--optional');
const prefix = dirname(dirname(process.execPath));
const advice = 'for about 4x faster training: apt-get install libopenblas-dev, then npm rebuild sgm';

/** Ends the optional install step with one line and exit code 0. */
function skip(why) {
  console.log(`sgm: native kernels not built (${why}); sgm runs on WASM, ${advice}`);
  process.exit(0);
}

/** node-gyp: npm's (from the environment of npm scripts, or beside this Node), else one on the PATH. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((p) => p && existsSync(p));
  return found ? [process.execPath, [found]] : ['node-gyp', []];
}

/** Whether a program runs (`name --version` exits 0). */
function runs(name) {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Whether OpenBLAS's library for linking (libopenblas.so, from the -dev package) is in the usual folders. */
function openBlasFound() {
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const dirs = [`/usr/lib/${triplet}`, '/usr/lib', '/usr/lib64', '/usr/local/lib', '/opt/homebrew/opt/openblas/lib', '/usr/local/opt/openblas/lib'];
  return dirs.some((d) => existsSync(join(d, 'libopenblas.so')) || existsSync(join(d, 'libopenblas.dylib')));
}

if (optional) {
  if (process.env.SGM_NATIVE === '0') skip('SGM_NATIVE=0');
  if (!openBlasFound()) skip('OpenBLAS not found');
  if (!runs('cc') || !runs('make')) skip('no C compiler or make');
  if (!runs('python3')) skip('no python3 for node-gyp');
}

const args = ['rebuild', '--directory', here];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const [cmd, cmdArgs] = nodeGyp();
const result = spawnSync(cmd, [...cmdArgs, ...args], { stdio: optional ? 'pipe' : 'inherit', encoding: 'utf8' });
if (result.status !== 0) {
  if (optional) {
    const lines = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.split('\n').filter((l) => /error/i.test(l));
    skip(`the build failed${lines.length ? `: ${lines[0].trim().slice(0, 160)}` : ''}`);
  }
  console.error('sgm: building native/ failed; sgm still runs on the JS/WASM kernels. Needs: apt-get install libopenblas-dev build-essential python3');
  process.exit(result.status ?? 1);
}
console.log(`sgm: built the native OpenBLAS kernels (${join(here, 'build', 'Release', 'sgm_native.node')})`);
