// CLI conventions: colours (NO_COLOR, FORCE_COLOR, --color), many files per check/compile, --explain as JSON,
// help texts that match behaviour, option values that the docs allow.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../cli/main.js';
import { colorEnabled } from '../../cli/io.js';
import { packageRoot } from '../../runtime/package-root.js';
import { sgm } from './run-cli.js';

const ESC = '\x1b[';

/** Runs the CLI with a given environment and terminal flag, capturing stderr. */
async function withEnv(argv: string[], env: Record<string, string | undefined>, isTty: boolean): Promise<string> {
  let stderr = '';
  await run(argv, { stdout: () => undefined, stderr: (t) => void (stderr += t), isTty, cwd: packageRoot(), env });
  return stderr;
}

describe('colours', () => {
  it('follow NO_COLOR, FORCE_COLOR and the terminal, and --color overrides them', () => {
    expect(colorEnabled('auto', {}, true)).toBe(true);
    expect(colorEnabled('auto', {}, false)).toBe(false);
    expect(colorEnabled('auto', { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled('auto', { NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled('auto', { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled('auto', { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled('auto', { NO_COLOR: '1', FORCE_COLOR: '1' }, false)).toBe(false);
    expect(colorEnabled('always', { NO_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled('never', { FORCE_COLOR: '1' }, true)).toBe(false);
  });

  it('reach the diagnostics the CLI prints', async () => {
    const bad = 'test/cases/bad/five_mistakes.sgm';
    expect(await withEnv(['check', bad], {}, true)).toContain(ESC);
    expect(await withEnv(['check', bad], { NO_COLOR: '1' }, true)).not.toContain(ESC);
    expect(await withEnv(['check', bad], { FORCE_COLOR: '1' }, false)).toContain(ESC);
    expect(await withEnv(['check', bad, '--color', 'never'], { FORCE_COLOR: '1' }, true)).not.toContain(ESC);
    expect(await withEnv(['--color', 'always', 'check', bad], {}, false)).toContain(ESC);
    const wrong = await sgm(['check', bad, '--color', 'sometimes']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("--color must be one of auto, always, never, got 'sometimes'");
  });
});

describe('many files', () => {
  it('check takes several models and fails if any has errors', async () => {
    const ok = await sgm(['check', 'models/igr_vae.sgm', 'models/gengs_poisson.sgm']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('models/igr_vae.sgm: ok');
    expect(ok.stderr).toContain('models/gengs_poisson.sgm: ok');
    const mixed = await sgm(['check', 'models/igr_vae.sgm', 'test/cases/bad/five_mistakes.sgm']);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('models/igr_vae.sgm: ok');
    expect(mixed.stderr).toContain('five_mistakes.sgm:8:19');
  });

  it('compile writes one module per model into -o DIR and refuses several models without it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sgm-compile-')), 'out');
    const r = await sgm(['compile', 'models/igr_vae.sgm', 'models/gengs_poisson.sgm', '-o', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['gengs_poisson.ts', 'igr_vae.ts']);
    expect(readFileSync(join(dir, 'igr_vae.ts'), 'utf8')).toContain('export async function create');
    const noOut = await sgm(['compile', 'models/igr_vae.sgm', 'models/gengs_poisson.sgm']);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toContain('write them with -o DIR');
  });
});

describe('check --explain --format json', () => {
  it('prints the diagnostics and the plan of every model as one JSON object', async () => {
    const r = await sgm(['check', 'models/igr_vae.sgm', 'models/gengs_poisson.sgm', '--explain', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { diagnostics: unknown[]; plans: { file: string; model: string; rows: { node: string; estimator: string }[] }[] };
    expect(out.plans.map((p) => p.model)).toEqual(['igr_vae', 'gengs_poisson']);
    expect(out.plans[0].rows.find((row) => row.node === 'z')?.estimator).toBe('pathwise');
    expect(out.plans[1].rows.find((row) => row.node === 'n')?.estimator).toBe('pathwise');
  });
});

describe('help texts and documented values', () => {
  it('sample --help describes stdout as it is; --format json prints the samples as JSON', async () => {
    const help = await sgm(['sample', '--help']);
    expect(help.stdout).toContain('--format');
    const r = await sgm(['sample', 'models/gengs_poisson.sgm', '-n', '3', '--format', 'json', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, { shape: number[]; data: number[] }>;
    expect(json.n.shape).toEqual([3]);
    expect(json.n.data).toHaveLength(3);
  });

  it('train accepts --eval-every 0 and --checkpoint-every 0, as documented, and rejects negative values', async () => {
    const help = await sgm(['train', '--help']);
    expect(help.stdout).toContain('0: only at the end');
    const bad = await sgm(['train', 'models/gengs_poisson.sgm', '--eval-every', '-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--eval-every expects a whole number >= 0, got '-1'");
  });

  it('train --json --quiet prints only the JSON summary', async () => {
    const r = await sgm(['train', 'models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20', '--steps', '3', '--eval-every', '0', '--backend', 'cpu', '--json', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout) as { model: string; status: string; step: number; loss: number };
    expect(summary).toMatchObject({ model: 'gengs_poisson', status: 'completed', step: 3 });
    expect(Number.isFinite(summary.loss)).toBe(true);
  });
});
