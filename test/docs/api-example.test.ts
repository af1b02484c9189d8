// The scripts of the docs run as a user would write them. docs/api.md ("A complete script"): compile a model from
// source, train it, sample; docs/runtime.md ("A generated module in your own script"): a VAE from a .sgm file,
// trained with a checkpoint, evaluated, restored into a fresh instance, sampled. Each runs once in-process against
// the sources (vitest resolves `sgm/runtime` to them) and once with plain Node in a folder outside the package whose
// node_modules/sgm links to this package (its exports and dist/, as an installed sgm). The fitted rate is checked
// against the closed-form optimum: E(n - x)² over λ is smallest at λ = mean(x), for 500 draws of Poisson(20).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';

const root = packageRoot();
const scratch = mkdtempSync(join(tmpdir(), 'sgm-api-example-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The code block after the `<!-- runnable example[: name] -->` marker of a doc. */
function exampleBlock(doc = 'docs/api.md', marker = 'runnable example'): string {
  const text = readFileSync(join(root, doc), 'utf8');
  const at = text.indexOf(`<!-- ${marker} -->`);
  const m = at < 0 ? null : /^<!--[^>]*-->\s*```js\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!m) throw new Error(`${doc} has no '${marker}' block`);
  return m[1];
}

/** A folder outside the package, set up as a user's project where sgm is installed. */
function userProject(name: string): string {
  const project = join(scratch, name);
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(root, join(project, 'node_modules', 'sgm'), 'dir');
  return project;
}

/** Runs a script file with node in `cwd`; its stdout lines. */
async function runNode(cwd: string, file: string, env: Record<string, string>): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd, env: { ...process.env, ...env }, timeout: 240_000 });
  return stdout.trim().split('\n');
}

/** Imports a script in-process with `cwd` and environment variables set; what it logs. */
async function runInProcess(code: string, cwd: string, env: Record<string, string>): Promise<string[]> {
  const file = join(root, 'test/out', `doc-example-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  mkdirSync(join(root, 'test/out'), { recursive: true });
  writeFileSync(file, code);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  Object.assign(process.env, env);
  process.chdir(cwd);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    process.chdir(savedCwd);
    spy.mockRestore();
    rmSync(file, { force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return lines;
}

/** What the example prints, checked. */
function checkOutput(lines: readonly string[]): void {
  expect(lines[0]).toMatch(/^compiled rate_fit \(sgm \d+\.\d+\.\d+\S*\) on \S+, 0 warnings$/);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  expect(lines[0]).toContain(`(sgm ${version})`);
  const trained = /^status completed after 150 steps: loss (\S+), rate (\S+)$/.exec(lines[1]);
  expect(trained, lines[1]).not.toBeNull();
  // Started at 5; the optimum is the data mean ≈ 20 (±0.6 at 3 standard errors of 500 Poisson(20) draws), and
  // 150 noisy steps get within a few units of it.
  expect(Math.abs(Number(trained![2]) - 20)).toBeLessThan(3);
  const samples = /^samples of n: (.*)$/.exec(lines[2]);
  expect(samples, lines[2]).not.toBeNull();
  const values = samples![1].split(' ').map(Number);
  expect(values).toHaveLength(5);
  for (const v of values) expect(Number.isFinite(v) && v >= 0 && v <= 59).toBe(true); // GenGS cells 0..trunc-1
}

/** What the VAE script prints, checked. */
function checkVaeOutput(lines: readonly string[], steps: number): void {
  const trained = /^trained (\d+) steps; test elbo (\S+)$/.exec(lines[0]);
  expect(trained, lines[0]).not.toBeNull();
  expect(Number(trained![1])).toBe(steps);
  // An ELBO is a log-likelihood bound of 784 binary pixels: negative, and above the bound of a model that knows
  // nothing (784 log 2 ≈ 543 nats for fair coins), even after a few steps.
  const elbo = Number(trained![2]);
  expect(elbo).toBeLessThan(0);
  expect(elbo).toBeGreaterThan(-784 * Math.log(2));
  expect(lines[1]).toBe(`restored step ${steps}; sampled x, z; x is [4,784]`);
}

describe('the docs/api.md example', () => {
  it('runs in-process against the sources', async () => {
    const lines = await runInProcess(exampleBlock(), scratch, { SGM_CACHE_DIR: join(scratch, 'cache-in-process') });
    checkOutput(lines);
  });

  it('runs with node as a script of a project where sgm is installed (dist/)', async () => {
    const project = userProject('project-api');
    writeFileSync(join(project, 'fit-rate.mjs'), exampleBlock());
    checkOutput(await runNode(project, 'fit-rate.mjs', { SGM_CACHE_DIR: join(scratch, 'cache-node') }));
  });
});

describe('the docs/runtime.md example', () => {
  const env = (cache: string): Record<string, string> => ({ STEPS: '20', SGM_CACHE_DIR: join(scratch, cache) });

  it('runs in-process against the sources', async () => {
    const project = userProject('project-vae-in-process');
    checkVaeOutput(await runInProcess(exampleBlock('docs/runtime.md', 'runnable example: vae'), project, env('cache-vae-in-process')), 20);
  });

  it('runs with node as a script of a project where sgm is installed (dist/)', async () => {
    const project = userProject('project-vae-node');
    writeFileSync(join(project, 'vae.mjs'), exampleBlock('docs/runtime.md', 'runnable example: vae'));
    checkVaeOutput(await runNode(project, 'vae.mjs', env('cache-vae-node')), 20);
  });
});
