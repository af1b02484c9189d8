// Golden tests of the front end: AST and graph JSON of good cases and shipped models, error text of bad
// cases. Regenerate with `npm run goldens` and review the diff.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../compiler/diagnostics/catalog.js';
import { checkSource } from '../../compiler/pipeline.js';
import { packageRoot } from '../../runtime/package-root.js';
import { allGoldens, type Golden } from '../golden-outputs.js';

const root = packageRoot();
const { good, bad, models, docs } = allGoldens();
const committed = (g: Golden): string | undefined => {
  const p = join(root, g.path);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
};

describe('good cases', () => {
  it.each(good)('%s matches its goldens', (_path, goldens) => {
    for (const g of goldens) expect(g.text, g.path).toBe(committed(g));
  });

  it.each(good)('%s checks with no diagnostics and no untyped expression', (path) => {
    const r = checkSource(path, readFileSync(join(root, path), 'utf8'));
    expect(r.diagnostics).toEqual([]);
    for (const m of r.models) expect([...m.types.values()].filter((t) => t.kind === 'error')).toEqual([]);
  });
});

describe('bad cases', () => {
  it.each(bad)('%s prints the expected diagnostics', (_path, g) => {
    expect(g.text, g.path).toBe(committed(g));
  });

  it('every diagnostic code has a bad case that reports it', () => {
    const reported = new Set(bad.flatMap(([, g]) => [...g.text.matchAll(/^(?:error|warning|info) (SGM\d{4})/gm)].map((m) => m[1])));
    expect(DIAGNOSTIC_CODES.filter((c) => !reported.has(c))).toEqual([]);
  });

  it('each bad case named after a code reports that code', () => {
    for (const [path, g] of bad) {
      const code = /\/(SGM\d{4})_/.exec(path)?.[1];
      if (code) expect(g.text, path).toMatch(new RegExp(`^(error|warning) ${code}:`, 'm'));
    }
  });
});

describe('shipped models', () => {
  it.each(models)('%s checks clean and matches its graph golden', (path, goldens) => {
    const r = checkSource(path, readFileSync(join(root, path), 'utf8'));
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    for (const g of goldens) expect(g.text, g.path).toBe(committed(g));
  });

  it('every model starts with a comment naming its paper and section', () => {
    for (const [path] of models) {
      const first = readFileSync(join(root, path), 'utf8').split('\n')[0];
      expect(first, path).toMatch(/^\/\/ .*(paper|et al\.).*(section|appendix|Table|Figure)/i);
    }
  });
});

it('the generated reference pages (docs/reference.md, docs/diagnostics.md) are current', () => {
  for (const g of docs) expect(g.text, `${g.path} is stale: run npm run goldens`).toBe(committed(g));
});

it('no golden file is orphaned (every committed golden is still produced)', () => {
  const produced = new Set([...good.flatMap(([, g]) => g), ...bad.map(([, g]) => g), ...models.flatMap(([, g]) => g)].map((g) => g.path));
  const onDisk = ['test/cases/good', 'test/cases/bad', 'test/cases/models'].flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => !f.endsWith('.sgm'))
      .map((f) => `${d}/${f}`),
  );
  expect(onDisk.filter((p) => !produced.has(p))).toEqual([]);
});
