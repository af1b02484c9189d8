// Issue 2 acceptance: a file with five distinct mistakes reports all five with correct line:col.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkSource } from '../../compiler/pipeline.js';
import { packageRoot } from '../../runtime/package-root.js';

it('reports all five mistakes of five_mistakes.sgm at their line:col', () => {
  const path = 'test/cases/bad/five_mistakes.sgm';
  const r = checkSource(path, readFileSync(join(packageRoot(), path), 'utf8'));
  const got = r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const p = r.file.position(d.span.start);
      return `${d.code}@${p.line}:${p.column}`;
    })
    .sort();
  expect(got).toEqual(['SGM2001@15:26', 'SGM2006@12:32', 'SGM2112@5:34', 'SGM2302@14:11', 'SGM3002@8:19'].sort());
});
