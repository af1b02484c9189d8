// `sgm check` and `sgm graph`: exit codes, formats, files, one-line user errors, --help.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sgm } from './run-cli.js';

describe('sgm check', () => {
  it('exits 0 on a clean model', async () => {
    const r = await sgm(['check', 'models/igr_vae.sgm']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ok');
  });

  it('exits 1 and prints located errors on a bad model', async () => {
    const r = await sgm(['check', 'test/cases/bad/five_mistakes.sgm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--> test/cases/bad/five_mistakes.sgm:8:19');
    expect(r.stderr).toContain('5 errors, 0 warnings');
  });

  it('prints JSON diagnostics with --format json', async () => {
    const r = await sgm(['check', 'test/cases/bad/five_mistakes.sgm', '--format', 'json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { code: string; start: { line: number; column: number } }[];
    expect(json.map((d) => d.code).sort()).toEqual(['SGM2001', 'SGM2006', 'SGM2112', 'SGM2302', 'SGM3002']);
    expect(json.find((d) => d.code === 'SGM3002')?.start).toEqual({ line: 8, column: 19, offset: expect.any(Number) });
  });

  it('applies --set overrides and rejects unknown ones', async () => {
    const ok = await sgm(['check', 'models/igr_vae.sgm', '--set', 'K=20', '--set', 'N=30']);
    expect(ok.code).toBe(0);
    const bad = await sgm(['check', 'models/igr_vae.sgm', '--set', 'Q=3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SGM2004');
  });

  it('gives one clear line for a malformed --set, a missing file and a bad format', async () => {
    for (const argv of [
      ['check', 'models/igr_vae.sgm', '--set', 'K'],
      ['check', 'no/such/file.sgm'],
      ['check', 'models/igr_vae.sgm', '--format', 'xml'],
    ]) {
      const r = await sgm(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(/\s+at .*\.ts:\d+/); // no stack trace
    }
  });

  it('has --help for the program and every command', async () => {
    const top = await sgm(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/check/);
    for (const c of ['check', 'graph']) {
      const r = await sgm([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: sgm ${c}`);
    }
  });

  it('exits 1 on an unknown command', async () => {
    expect((await sgm(['frobnicate'])).code).toBe(1);
  });
});

describe('sgm graph', () => {
  it('prints DOT, JSON and Mermaid deterministically', async () => {
    for (const format of ['dot', 'json', 'mermaid']) {
      const a = await sgm(['graph', 'models/igr_vae.sgm', '--format', format]);
      const b = await sgm(['graph', 'models/igr_vae.sgm', '--format', format]);
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout.length).toBeGreaterThan(100);
    }
    const dot = await sgm(['graph', 'models/igr_vae.sgm', '--format', 'dot']);
    expect(dot.stdout).toMatch(/^digraph "igr_vae" \{/);
    expect(dot.stdout).toContain('"z" -> "z:prior"');
    const mermaid = await sgm(['graph', 'models/igr_vae.sgm', '--format', 'mermaid']);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    const json = JSON.parse((await sgm(['graph', 'models/igr_vae.sgm', '--format', 'json'])).stdout) as {
      nodes: { id: string; kind: string }[];
      edges: { source: string; target: string; kind: string }[];
    };
    expect(json.nodes.find((n) => n.id === 'x')?.kind).toBe('observed');
    expect(json.nodes.find((n) => n.id === 'z')?.kind).toBe('stochastic');
    expect(json.edges.some((e) => e.source === 'z' && e.target === 'z:prior' && e.kind === 'kl')).toBe(true);
  });

  it('writes -o files and refuses to graph a model with errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-graph-'));
    const out = join(dir, 'g.dot');
    expect((await sgm(['graph', 'models/gengs_poisson.sgm', '-o', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('digraph');
    const bad = join(dir, 'bad.sgm');
    writeFileSync(bad, 'model m() { y = nope }');
    const out2 = join(dir, 'bad.dot');
    const r = await sgm(['graph', bad, '-o', out2]);
    expect(r.code).toBe(1);
    expect(existsSync(out2)).toBe(false);
  });

  it('reports an unwritable output path in one line', async () => {
    const r = await sgm(['graph', 'models/gengs_poisson.sgm', '-o', '/nonexistent-dir/g.dot']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write/);
  });
});
