// `compile` never returns a module that does not parse (issue 13 item 2): the check the generator runs last.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyModule } from '../../compiler/codegen/verify.js';
import { packageRoot } from '../../runtime/package-root.js';

const golden = readFileSync(join(packageRoot(), 'test/cases/models/jointvae.generated.ts'), 'utf8');

describe('verifyModule', () => {
  it('accepts a committed generated module', () => {
    expect(verifyModule(golden, 'm.ts')).toEqual([]);
  });

  it('reports a syntax error', () => {
    const broken = golden.replace('const h$ = mlp(', 'const h$ = mlp((');
    expect(broken).not.toBe(golden);
    expect(verifyModule(broken, 'm.ts').some((p) => p.startsWith('syntax:'))).toBe(true);
  });

  it('reports a name declared twice in one scope (the SyntaxError of a latent named s)', () => {
    const twice = golden.replace('const s = shared(batch, ctx, dims);', 'const s = shared(batch, ctx, dims);\n      const s = 1;');
    expect(twice).not.toBe(golden);
    expect(verifyModule(twice, 'm.ts')).toEqual([expect.stringContaining("'s' is declared twice")]);
  });

  it('reports a parameter redeclared in its function body', () => {
    const param = golden.replace('const x$ = requireData(batch,', 'const batch = 0;\n    const x$ = requireData(batch,');
    expect(verifyModule(param, 'm.ts')).toEqual([expect.stringContaining("'batch' is declared twice")]);
  });

  it('reports a statement added at the top of the module (what a path with a newline did)', () => {
    const injected = golden.replace('\nimport * as tf', "\nimport('node:fs');\nimport * as tf");
    expect(verifyModule(injected, 'm.ts')).toEqual([expect.stringContaining('top-level statements are [ExpressionStatement; import * as tf')]);
  });
});
