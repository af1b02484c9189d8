// The formatter (compiler/syntax/format.ts, `sgm fmt`): every shipped model is formatted; formatting is
// idempotent, keeps comments, and never changes the checked model (same plan, same graph JSON apart from the
// source offsets that whitespace moves); on generated models (test/generator) with random extra spaces, the
// formatted text is the same as the original's.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { annotateGraph, buildGraph, graphToJson } from '../../compiler/graph/index.js';
import { formatSource } from '../../compiler/syntax/format.js';
import { sgmLexer } from '../../compiler/syntax/tokens.js';
import { packageRoot } from '../../runtime/package-root.js';
import { sgm } from '../cli/run-cli.js';
import { modelArbitrary } from '../generator/model-arb.js';

const root = packageRoot();
const sources = [
  ...readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).map((f) => `models/${f}`),
  ...readdirSync(join(root, 'test/cases/good')).filter((f) => f.endsWith('.sgm')).map((f) => `test/cases/good/${f}`),
];

const format = (text: string): string => {
  const r = formatSource(text);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.text;
};

/**
 * Plans and graphs of a text, with source offsets removed (whitespace moves them). Lines and columns are
 * compared unless `positions` is false: a statement written over several lines, or with a comment between its
 * tokens, is printed on one line, which moves the lines below it; the graph's source text of such an
 * expression is then compared without its comments and spaces.
 */
function checkedModel(text: string, positions = true): string {
  const r = checkSource('m.sgm', text);
  const graphs = r.models.map((m, i) => (r.plans[i] ? graphToJson(annotateGraph(buildGraph(m).value, r.plans[i])) : null));
  const drop = new Set(positions ? ['start', 'end'] : ['start', 'end', 'line', 'column']);
  return JSON.stringify({ ok: r.ok, codes: r.diagnostics.map((d) => d.code), plans: r.plans, graphs }, (k, v: unknown) =>
    drop.has(k) ? undefined : k === 'expr' && typeof v === 'string' && !positions ? v.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|\s+/g, '') : v,
  );
}

describe('sgm fmt', () => {
  it('--check passes on models/*.sgm', async () => {
    const files = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).map((f) => `models/${f}`);
    const r = await sgm(['fmt', '--check', ...files]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('--check lists unformatted files and exits 1; fmt rewrites in place, -o writes elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-fmt-'));
    copyFileSync(join(root, 'models/gmm.sgm'), join(dir, 'gmm.sgm'));
    writeFileSync(join(dir, 'messy.sgm'), 'model m(K=3){data x:[B,K];minimize mean(x^2)}');
    writeFileSync(join(dir, 'broken.sgm'), 'model m(K=3){data x:[B,K] minimize mean(x^2');
    const check = await sgm(['fmt', '--check', 'gmm.sgm', 'messy.sgm'], dir);
    expect([check.code, check.stdout]).toEqual([1, 'messy.sgm\n']);
    const out = await sgm(['fmt', 'messy.sgm', '-o', 'out.sgm'], dir);
    expect(out.code).toBe(0);
    expect(readFileSync(join(dir, 'out.sgm'), 'utf8')).toBe('model m(K = 3) {\n  data x: [B, K]\n  minimize mean(x^2)\n}\n');
    expect(readFileSync(join(dir, 'messy.sgm'), 'utf8')).toContain('{data');
    expect((await sgm(['fmt', 'messy.sgm'], dir)).code).toBe(0);
    expect((await sgm(['fmt', '--check', 'messy.sgm'], dir)).code).toBe(0);
    const broken = await sgm(['fmt', 'broken.sgm'], dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/error SGM1003/);
    expect(readFileSync(join(dir, 'broken.sgm'), 'utf8')).toBe('model m(K=3){data x:[B,K] minimize mean(x^2');
  });

  it('is idempotent and keeps the checked model of every shipped model and good case', () => {
    for (const f of sources) {
      const text = readFileSync(join(root, f), 'utf8');
      const once = format(text);
      expect(format(once), f).toBe(once);
      const sameLines = once.split('\n').length === text.split('\n').length;
      expect(checkedModel(once, sameLines), f).toBe(checkedModel(text, sameLines));
    }
  });

  it('keeps every comment: own-line, trailing, inside a statement, after the last model', () => {
    const text = [
      '// header',
      '',
      '',
      'model m(K = 3, /* hyper */ tau = 0.5) {   // the model',
      '  data x: [B, K] // input',
      '  h = softplus(x) ; g = h * 2   // two on a line',
      '  y = exp(h +',
      '     // inside',
      '     g)',
      '  /* block',
      '     comment */',
      '  minimize mean(y)',
      '  // before the brace',
      '}',
      '// trailing file comment',
    ].join('\n');
    const out = format(text);
    expect(out).toBe(
      [
        '// header',
        '',
        '/* hyper */',
        'model m(K = 3, tau = 0.5) {  // the model',
        '  data x: [B, K]             // input',
        '  h = softplus(x)',
        '  g = h * 2  // two on a line',
        '  // inside',
        '  y = exp(h + g)',
        '  /* block',
        '     comment */',
        '  minimize mean(y)',
        '  // before the brace',
        '}',
        '// trailing file comment',
        '',
      ].join('\n'),
    );
    expect(format(out)).toBe(out);
  });

  it('prints every expression form canonically and treats with clauses generically', () => {
    const text =
      'model m(K=3){data x:[B,K]\nparam w:[K]=randn( 0.1 )\nconst c:[2]=[ 1,2 ]\na,b=split(x,2)\n' +
      'y=-x[ : , 1:3 ]^2+x[...,::2][0]*w[-1]%2 : [B,K]\nn~Poisson( exp(w) ):[B,K] with nvil( baseline=ema( 0.9 ) , samples=2 )\n' +
      'v~GenGS(Poisson(20),trunc=10..30 , tau = anneal(1.0→0.1,steps=10))\nkl( n )=mc( samples=8 )\nminimize mean((y-1)*2)}';
    expect(format(text)).toBe(
      [
        'model m(K = 3) {',
        '  data x: [B, K]',
        '  param w: [K] = randn(0.1)',
        '  const c: [2] = [1, 2]',
        '  a, b = split(x, 2)',
        '  y = -x[:, 1:3]^2 + x[..., ::2][0] * w[-1] % 2 : [B, K]',
        '  n ~ Poisson(exp(w)) : [B, K] with nvil(baseline = ema(0.9), samples = 2)',
        '  v ~ GenGS(Poisson(20), trunc = 10..30, tau = anneal(1.0 -> 0.1, steps = 10))',
        '  kl(n) = mc(samples = 8)',
        '  minimize mean((y - 1) * 2)',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('leaves a file with syntax errors alone and returns its diagnostics', () => {
    const r = formatSource('model m() { h = (1 + }');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toContain('SGM1003');
  });

  it('on generated models: formatting keeps the plan and graph, is idempotent, and ignores extra spaces (property)', () => {
    const withSpaces = (text: string, seeds: readonly number[]): string => {
      const tokens = sgmLexer.tokenize(text).tokens;
      let out = '';
      let at = 0;
      tokens.forEach((t, i) => {
        out += text.slice(at, t.startOffset) + ' '.repeat(seeds[i % seeds.length] % 3) + t.image;
        at = t.startOffset + t.image.length;
      });
      return out + text.slice(at);
    };
    fc.assert(
      fc.property(modelArbitrary(), fc.array(fc.nat(), { minLength: 1, maxLength: 17 }), (m, seeds) => {
        const once = format(m.text);
        expect(format(once)).toBe(once);
        expect(checkedModel(once)).toBe(checkedModel(m.text));
        expect(format(withSpaces(m.text, seeds))).toBe(once);
      }),
      { numRuns: 60, seed: 18 },
    );
  });
});
