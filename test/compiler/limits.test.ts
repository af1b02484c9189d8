// Regression tests of issue 12 items 3, 4, 6 and 7: sizes, nesting, output and input size, index values.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitsFromEnv, readModelFile, MAX_MODEL_BYTES } from '../../cli/front-end.js';
import { compileSource } from '../../compiler/compile.js';
import { formatDiagnostics, MAX_PRINTED_DIAGNOSTICS } from '../../compiler/diagnostics/printer.js';
import { SourceFile } from '../../compiler/diagnostics/source.js';
import { checkSource } from '../../compiler/pipeline.js';
import { MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH } from '../../compiler/syntax/nesting.js';
import { largeModel } from '../../bench/large-model.js';
import { sgm } from '../cli/run-cli.js';
import { NESTING_FORMS } from '../fuzz/inputs.js';

const model = (body: string): string => `model m(K = 3) {\n  param w: [3]\n  v = ${body}\n  minimize sum(v) + sum(w)\n}\n`;
const codes = (text: string, options = {}): string[] => checkSource('t.sgm', text, options).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
const io = { stdout: () => {}, stderr: () => {}, isTty: false, cwd: '/' };

describe('item 3: sizes are checked before anything is allocated', () => {
  it('reports uniform(1e9), a param of 1e10 elements and igr_vae with K = 100000 quickly and with little memory', () => {
    const started = performance.now();
    expect(codes(model('uniform(1e9) * 2'))).toEqual(['SGM3017']);
    expect(codes(model('uniform(1e15)'))).toEqual(['SGM3017']);
    expect(codes('model m() {\n  param w: [100000, 100000]\n  minimize sum(w)\n}\n')).toEqual(['SGM3017']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('the limit is configurable: a size passes under a raised limit and fails under a lowered one', () => {
    const text = model('uniform(1000) * 2');
    expect(codes(text)).toEqual([]);
    expect(codes(text, { limits: { maxElements: 999 } })).toEqual(['SGM3017']);
    expect(codes(model('uniform(2000)'), { limits: { maxElements: 2000 } })).toEqual([]);
    const params = 'model m() {\n  param a: [100]\n  param b: [100]\n  minimize sum(a) + sum(b)\n}\n';
    expect(codes(params, { limits: { maxParamElements: 199 } })).toEqual(['SGM3018']);
    expect(codes(params, { limits: { maxParamElements: 200 } })).toEqual([]);
  });

  it('the CLI reads SGM_MAX_ELEMENTS and SGM_MAX_PARAMS and rejects malformed values', () => {
    expect(limitsFromEnv({ SGM_MAX_ELEMENTS: '1000', SGM_MAX_PARAMS: '1e6' })).toEqual({ maxElements: 1000, maxParamElements: 1e6 });
    expect(limitsFromEnv({})).toEqual({});
    expect(() => limitsFromEnv({ SGM_MAX_ELEMENTS: 'lots' })).toThrow(/SGM_MAX_ELEMENTS must be a positive integer/);
    expect(() => limitsFromEnv({ SGM_MAX_ELEMENTS: '-5' })).toThrow(/positive integer/);
  });
});

describe('item 4: nesting is bounded by a coded diagnostic at the stated depth', () => {
  const bracketForms = ['calls', 'parens', 'lists', 'mixed'] as const;
  it.each(bracketForms)('%s: as many brackets as the limit compile, one more is SGM1008', (form) => {
    // `mixed` opens three brackets per level.
    const per = form === 'mixed' ? 3 : 1;
    const ok = Math.floor(MAX_BRACKET_DEPTH / per);
    const atLimit = compileSource('t.sgm', model(NESTING_FORMS[form](ok)), { sgmVersion: '0' });
    expect(atLimit.diagnostics.filter((d) => d.code === 'SGM1008')).toEqual([]);
    expect(codes(model(NESTING_FORMS[form](ok + 1)))).toContain('SGM1008');
  });

  it.each(['sums', 'products', 'powers', 'spacedSigns'] as const)('%s: a chain as deep as the limit compiles, one more level is SGM1008', (form) => {
    // A chain of n operands is n levels deep (the operands are level 1); n signs on a name are n + 1 levels.
    const n = form === 'spacedSigns' ? MAX_EXPRESSION_DEPTH - 1 : MAX_EXPRESSION_DEPTH;
    const atLimit = compileSource('t.sgm', model(NESTING_FORMS[form](n)), { sgmVersion: '0' });
    expect(atLimit.ok, atLimit.diagnostics.map((d) => d.message).join('; ')).toBe(true);
    expect(codes(model(NESTING_FORMS[form](n + 1)))).toEqual(['SGM1008']);
  });

  it('depths far past the limits (10,000 and 100,000) end in SGM1008, never a stack overflow', () => {
    for (const form of Object.keys(NESTING_FORMS)) {
      for (const n of [10_000, 100_000]) {
        const r = checkSource('t.sgm', model(NESTING_FORMS[form](n)));
        expect(r.ok, `${form} ${n}`).toBe(false);
      }
    }
  }, 60_000);
});

describe('item 6: output and input stay bounded', () => {
  it('a 20 KB file of bad characters prints at most 50 diagnostics of bounded width', () => {
    const text = '$ '.repeat(10_000);
    const r = checkSource('t.sgm', text);
    // 100 bad characters, then one diagnostic saying that reading stopped.
    expect(r.diagnostics.length).toBe(101);
    expect(r.diagnostics[100].message).toContain('the rest of the file is not read');
    const out = formatDiagnostics(r.file, r.diagnostics);
    expect(out.split('\n').filter((l) => l.startsWith('error SGM')).length).toBe(MAX_PRINTED_DIAGNOSTICS);
    expect(out).toContain(`... and ${101 - MAX_PRINTED_DIAGNOSTICS} more`);
    expect(out).toContain('101 errors, 0 warnings');
    expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThan(200);
    expect(out.length).toBeLessThan(50_000);
  });

  it('a 10,000-statement line checks in seconds and prints a windowed excerpt with the caret under the error', () => {
    const half = (from: number): string => Array.from({ length: 5000 }, (_, i) => `a${from + i} = w + ${i}`).join('; ');
    const text = `model m() { param w: [3]; ${half(0)}; b = w $ 1; ${half(5000)}; minimize sum(w) }`;
    const started = performance.now();
    const r = checkSource('t.sgm', text);
    const out = formatDiagnostics(r.file, r.diagnostics);
    expect(performance.now() - started).toBeLessThan(10_000);
    const lines = out.split('\n');
    const i = lines.findIndex((l) => l.startsWith('error SGM1001'));
    const source = lines[i + 3];
    const caret = lines[i + 4];
    expect(source.startsWith('1 | …')).toBe(true);
    expect(source.endsWith('…')).toBe(true);
    expect(source[caret.indexOf('^')]).toBe('$');
  });

  it('line and column lookups agree with a direct count of code points, astral characters included', () => {
    const text = 'a😀b\nλ😀😀x\r\n\n😀';
    const f = new SourceFile('t', text);
    for (let o = 0; o <= text.length; o++) {
      const before = text.slice(0, o);
      const line = before.split('\n').length;
      const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
      expect(f.position(o), `offset ${o}`).toEqual({ line, column });
    }
  });

  it('reading stops at 4 MiB: /dev/zero and oversized files are one-line errors', () => {
    expect(() => readModelFile(io, '/dev/zero')).toThrow(/larger than 4 MiB/);
    const dir = mkdtempSync(join(tmpdir(), 'sgm-read-'));
    writeFileSync(join(dir, 'big.sgm'), Buffer.alloc(MAX_MODEL_BYTES + 1, 32));
    writeFileSync(join(dir, 'ok.sgm'), Buffer.alloc(MAX_MODEL_BYTES, 32));
    expect(() => readModelFile(io, join(dir, 'big.sgm'))).toThrow(/larger than 4 MiB/);
    expect(readModelFile(io, join(dir, 'ok.sgm')).length).toBe(MAX_MODEL_BYTES);
  });

  it('sgm check /dev/zero is one line and exit 1; SGM_MAX_ELEMENTS reaches the checker through the CLI', async () => {
    const zero = await sgm(['check', '/dev/zero']);
    expect(zero.code).toBe(1);
    expect(zero.stderr.trim().split('\n')).toHaveLength(1);
    expect(zero.stderr).toMatch(/larger than 4 MiB/);
    const dir = mkdtempSync(join(tmpdir(), 'sgm-env-'));
    writeFileSync(join(dir, 'm.sgm'), model('uniform(1000) * 2'));
    expect((await sgm(['check', join(dir, 'm.sgm')])).code).toBe(0);
    process.env.SGM_MAX_ELEMENTS = '999';
    try {
      const small = await sgm(['check', join(dir, 'm.sgm')]);
      expect(small.code).toBe(1);
      expect(small.stderr).toContain('SGM3017');
    } finally {
      delete process.env.SGM_MAX_ELEMENTS;
    }
  });

  it('garbage input stops after 100 syntax errors, in linear time', () => {
    const text = `model m() { ${'x = ) '.repeat(20_000)} }`;
    const started = performance.now();
    const r = checkSource('t.sgm', text);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r.diagnostics.some((d) => d.message.includes('the rest of the file is not read'))).toBe(true);
    // 100 syntax errors, the note that reading stopped, and the few findings outside the recovered statements.
    expect(r.diagnostics.length).toBeLessThanOrEqual(110);
  });
});

describe('the limits leave room for the large models sgm itself uses', () => {
  it("the benchmark's generated 5,001-line model checks clean", () => {
    const r = checkSource('large.sgm', largeModel(5001));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
  });
});

describe('item 7: diagnostics point inside the file, indices are finite integers', () => {
  it('x[:, 0/0] is SGM3008 "an index must be a finite integer", not "index NaN"', () => {
    const r = checkSource('t.sgm', 'model m() {\n  data x: [B, 3]\n  v = x[:, 0/0]\n  minimize sum(v)\n}\n');
    const d = r.diagnostics.find((x) => x.code === 'SGM3008');
    expect(d?.message).toBe('an index must be a finite integer');
    expect(r.diagnostics.every((x) => !x.message.includes('NaN'))).toBe(true);
  });

  it('every span of a recovered tree lies within the file, start before end', () => {
    for (const text of ['model m( {', 'model m() { x = a[', 'model m() { x ~ Normal(0,', 'model', '(((', 'model m() { v = w[0 /* */]']) {
      for (const d of checkSource('t.sgm', text).diagnostics) {
        for (const s of [d.span, ...d.related.map((x) => x.span)]) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeGreaterThanOrEqual(s.start);
          expect(s.end).toBeLessThanOrEqual(text.length);
        }
      }
    }
  });
});
