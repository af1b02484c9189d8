// The fixed defect classes of test/cases/generated-repros (first comment line says "fixed"): each minimal model
// now checks, compiles, type-checks and trains two steps without an error or a non-finite value.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { packageRoot } from '../../runtime/package-root.js';
import type { DataDecl } from './model-arb.js';
import { defaultModuleDir, ModelRunner } from './run-model.js';

const dir = join(packageRoot(), 'test/cases/generated-repros');
const fixed = readdirSync(dir)
  .filter((f) => f.endsWith('.sgm'))
  .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }))
  .filter((r) => /\(fixed on this branch\)|\(fixed\)/.test(r.text.split('\n').slice(0, 2).join(' ')));

/**
 * The repros declare data `data name: [B, n]`, real-valued unless the line ends in `// support: S` (a support
 * of the synthetic batch, e.g. simplex).
 */
function realData(text: string): DataDecl[] {
  return [...text.matchAll(/data (\w+): \[B, (\d+)\](?:\s*\/\/ support: (\w+))?/g)].map((m) => ({
    name: m[1],
    shape: ['B', Number(m[2])],
    support: (m[3] ?? 'real') as DataDecl['support'],
  }));
}

it('every fixed generator repro trains two steps', async () => {
  expect(fixed.length).toBeGreaterThanOrEqual(5);
  const runner = new ModelRunner({ moduleDir: defaultModuleDir('repros'), cacheDir: mkdtempSync(join(tmpdir(), 'sgm-repro-')) });
  const outcomes = await runner.runAll(fixed.map((r) => ({ name: r.file.replace(/\W/g, '_'), text: r.text, data: realData(r.text), tags: [] })));
  expect(outcomes.map((o, i) => `${fixed[i].file}: ${o.kind}${o.message ? ` ${o.message}` : ''}`)).toEqual(fixed.map((r) => `${r.file}: ok`));
}, 300_000);

// The classes whose models have no meaning (an infinite KL, a relaxed family on data): `check` refuses them with
// the code their first comment line names, `(rejected: SGMxxxx; ...)`.
it('every rejected generator repro is refused with its code', () => {
  const rejected = readdirSync(dir)
    .filter((f) => f.endsWith('.sgm'))
    .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }))
    .flatMap((r) => {
      const code = /\(rejected: (SGM\d{4})/.exec(r.text.split('\n').slice(0, 2).join(' '))?.[1];
      return code ? [{ ...r, code }] : [];
    });
  expect(rejected.length).toBeGreaterThanOrEqual(4);
  const codes = rejected.map((r) => `${r.file}: ${checkSource(r.file, r.text).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).join(', ')}`);
  expect(codes).toEqual(rejected.map((r) => `${r.file}: ${r.code}`));
});
