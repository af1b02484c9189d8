// The script of docs/api.md ("A complete script") runs as a user would write it: compile a model from source,
// train it, sample. Once in-process against the sources (vitest resolves `sgm/runtime` to them), once with plain
// Node in a folder outside the package whose node_modules/sgm links to this package (its exports and dist/,
// as an installed sgm). The fitted rate is checked against the closed-form optimum: E(n - x)² over λ is smallest
// at λ = mean(x), and the data are 500 draws of Poisson(20).
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

/** The code block after the `<!-- runnable example -->` marker of docs/api.md. */
function exampleBlock(): string {
  const doc = readFileSync(join(root, 'docs/api.md'), 'utf8');
  const m = /<!-- runnable example -->\s*```js\n([\s\S]*?)\n```/.exec(doc);
  if (!m) throw new Error('docs/api.md has no runnable example block');
  return m[1];
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

describe('the docs/api.md example', () => {
  it('runs in-process against the sources', async () => {
    const saved = process.env.SGM_CACHE_DIR;
    process.env.SGM_CACHE_DIR = join(scratch, 'cache-in-process');
    const file = join(root, 'test/out', `api-example-${process.pid}.mjs`);
    mkdirSync(join(root, 'test/out'), { recursive: true });
    writeFileSync(file, exampleBlock());
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
      rmSync(file, { force: true });
      if (saved === undefined) delete process.env.SGM_CACHE_DIR;
      else process.env.SGM_CACHE_DIR = saved;
    }
    checkOutput(lines);
  });

  it('runs with node as a script of a project where sgm is installed (dist/)', async () => {
    const project = join(scratch, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    symlinkSync(root, join(project, 'node_modules', 'sgm'), 'dir');
    writeFileSync(join(project, 'fit-rate.mjs'), exampleBlock());
    const { stdout } = await promisify(execFile)(process.execPath, ['fit-rate.mjs'], {
      cwd: project,
      env: { ...process.env, SGM_CACHE_DIR: join(scratch, 'cache-node') },
      timeout: 120_000,
    });
    checkOutput(stdout.trim().split('\n'));
  });
});
