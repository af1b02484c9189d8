// Every generated module type-checks under tsc --strict against sgm's own sources (issue 4 acceptance).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { generatedModule } from '../golden-outputs.js';

const root = packageRoot();

it('generated code of every model and good case type-checks with --strict', () => {
  const out = join(root, 'test/out/typecheck');
  mkdirSync(out, { recursive: true });
  const sources = [
    ...readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).map((f) => `models/${f}`),
    ...readdirSync(join(root, 'test/cases/good')).filter((f) => f.endsWith('.sgm')).map((f) => `test/cases/good/${f}`),
  ];
  const files = sources.map((src) => {
    const file = join(out, src.replace(/[/.]/g, '_') + '.ts');
    writeFileSync(file, generatedModule(src));
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    skipLibCheck: true,
    esModuleInterop: true,
    baseUrl: root,
    paths: { 'sgm/stdlib': ['stdlib/index.ts'], 'sgm/runtime': ['runtime/index.ts'] },
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(d.file.fileName))
    .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(problems).toEqual([]);
  expect(files.length).toBeGreaterThanOrEqual(15);
}, 120_000);
