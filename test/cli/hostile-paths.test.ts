// Issue 12 items 2 and 5 through the CLI: a run folder whose name holds a newline and code, and a model whose
// hyperparameter is named `constructor`.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { sgm } from './run-cli.js';

describe('hostile paths and names through the CLI', () => {
  it('compile of a model in a folder named with a newline and code: the code stays in the header comment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-hostile-'));
    const folder = "runs\n;globalThis.owned = 1;//";
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'm.sgm'), readFileSync(join(packageRoot(), 'test/cases/good/index_comment.sgm'), 'utf8'));
    const r = await sgm(['compile', `${folder}/m.sgm`], dir);
    expect(r.code, r.stderr).toBe(0);
    const file = ts.createSourceFile('m.ts', r.stdout, ts.ScriptTarget.ES2022, true);
    expect(file.statements.filter((s) => ts.isExpressionStatement(s))).toEqual([]);
    expect(r.stdout.split('\n')[0]).toMatch(/^\/\/ GENERATED FILE: .* from runs ;globalThis\.owned = 1;\/\/\/m\.sgm/);
  });

  it('check of a model with a hyperparameter named constructor (no --set) is clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-hostile-'));
    writeFileSync(join(dir, 'c.sgm'), 'model c(constructor = 3) {\n  param w: [constructor] = 0\n  minimize sum(w^2)\n}\n');
    const r = await sgm(['check', 'c.sgm'], dir);
    expect(r.stdout + r.stderr).not.toMatch(/--set|function Object/);
    expect(r.code).toBe(0);
  });
});
