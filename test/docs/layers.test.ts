// The layer rules of docs/architecture.md section 2, checked on every import of the source folders (static
// `import ... from`, `export ... from`, and `import('...')`): stdlib imports no other layer; the compiler reaches
// stdlib only through its TensorFlow.js-free modules and loads no TensorFlow.js; runtime never imports web or cli;
// web never imports cli; the language server (lsp/) reads only the compiler and the tfjs-free stdlib, and only cli
// imports it. Inside the compiler, the stages keep their order too (COMPILER_STAGES; the files at the compiler's
// root chain them). The scanner is tried on made-up files first, so a scanner that sees nothing fails.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';

const root = packageRoot();
const LAYERS = ['stdlib', 'compiler', 'runtime', 'web', 'lsp', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/** The modules a TypeScript text imports: relative paths resolved against `file`'s folder, packages as written. */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)].map((m) => m[1]);
  return specifiers.map((s) => (s.startsWith('.') ? join(dirname(file), s).split('\\').join('/') : s));
}

/** The layer of a repository path, or undefined (a package, or a folder outside the layers). */
function layerOf(path: string): Layer | undefined {
  return LAYERS.find((l) => path === l || path.startsWith(`${l}/`));
}

// What the compiler may take from stdlib: modules that load no TensorFlow.js.
const COMPILER_STDLIB = [/^stdlib\/signatures\//, /^stdlib\/kl\/rules\.js$/, /^stdlib\/kl\/support\.js$/, /^stdlib\/special\/gamma64\.js$/];

// The compiler's stages from the ground up (docs/architecture.md section 2): a stage imports only stages before it.
const COMPILER_STAGES = ['diagnostics', 'syntax', 'semantics', 'estimators', 'analysis', 'graph', 'codegen'] as const;

/** The compiler stage of a repository path, as its index in COMPILER_STAGES, or undefined (the compiler's root). */
function stageOf(path: string): number | undefined {
  const i = COMPILER_STAGES.findIndex((s) => path.startsWith(`compiler/${s}/`));
  return i < 0 ? undefined : i;
}

/** The rule an import breaks, or undefined. */
function violation(from: string, to: string): string | undefined {
  const a = layerOf(from);
  if (a === undefined) return undefined;
  if (a === 'compiler' && layerOf(to) === 'compiler') {
    const [sa, sb] = [stageOf(from), stageOf(to)];
    if (sa !== undefined && sb === undefined) return `compiler/${COMPILER_STAGES[sa]} never imports the compiler's root (${to})`;
    if (sa !== undefined && sb !== undefined && sb > sa) return `compiler/${COMPILER_STAGES[sa]} never imports the later stage compiler/${COMPILER_STAGES[sb]}`;
    return undefined;
  }
  if (to.startsWith('@tensorflow/')) return a === 'compiler' ? 'the compiler loads no TensorFlow.js' : a === 'lsp' ? 'the language server loads no TensorFlow.js' : undefined;
  const b = layerOf(to);
  if (b === undefined || a === b) return undefined;
  if (a === 'stdlib') return `stdlib imports no other layer (${b})`;
  if (a === 'compiler') {
    if (b === 'stdlib') return COMPILER_STDLIB.some((r) => r.test(to)) ? undefined : `the compiler takes from stdlib only tfjs-free modules, not ${to}`;
    return `the compiler never imports ${b}`;
  }
  if (a === 'lsp') {
    if (b === 'stdlib') return COMPILER_STDLIB.some((r) => r.test(to)) ? undefined : `the language server takes from stdlib only tfjs-free modules, not ${to}`;
    return b === 'compiler' ? undefined : `the language server never imports ${b}`;
  }
  if (b === 'lsp' && a !== 'cli') return `only cli imports the language server (${a} does)`;
  if (a === 'runtime' && (b === 'web' || b === 'cli')) return `runtime never imports ${b}`;
  if (a === 'web' && b === 'cli') return 'web never imports cli';
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('the import scanner', () => {
  it('finds static, re-export, side-effect and dynamic imports, resolved to repository paths', () => {
    const text = [
      "import { a } from '../stdlib/tf.js';",
      "export { b } from './other.js';",
      "import '@tensorflow/tfjs';",
      "const c = await import('../../web/page.js');",
      "import type { D } from '../compiler/compile.js';",
    ].join('\n');
    expect(importsOf('runtime/x/file.ts', text)).toEqual(['runtime/stdlib/tf.js', 'runtime/x/other.js', '@tensorflow/tfjs', 'web/page.js', 'runtime/compiler/compile.js']);
  });

  it('names the rule a made-up import breaks', () => {
    expect(violation('compiler/a.ts', 'runtime/index.js')).toBe('the compiler never imports runtime');
    expect(violation('compiler/a.ts', 'stdlib/tf.js')).toMatch(/only tfjs-free modules/);
    expect(violation('compiler/a.ts', 'stdlib/signatures/index.js')).toBeUndefined();
    expect(violation('compiler/a.ts', '@tensorflow/tfjs-core')).toBe('the compiler loads no TensorFlow.js');
    expect(violation('stdlib/a.ts', 'runtime/errors.js')).toBe('stdlib imports no other layer (runtime)');
    expect(violation('runtime/report/a.ts', 'web/report-page.js')).toBe('runtime never imports web');
    expect(violation('web/a.ts', 'cli/io.js')).toBe('web never imports cli');
    expect(violation('cli/a.ts', 'runtime/index.js')).toBeUndefined();
    expect(violation('compiler/estimators/a.js', 'compiler/analysis/plan.js')).toBe('compiler/estimators never imports the later stage compiler/analysis');
    expect(violation('compiler/analysis/a.ts', 'compiler/estimators/registry.js')).toBeUndefined();
    expect(violation('compiler/semantics/a.ts', 'compiler/compile.js')).toMatch(/never imports the compiler's root/);
    expect(violation('compiler/compile.ts', 'compiler/codegen/generate.js')).toBeUndefined();
    expect(violation('lsp/a.ts', 'runtime/index.js')).toBe('the language server never imports runtime');
    expect(violation('lsp/a.ts', '@tensorflow/tfjs-core')).toBe('the language server loads no TensorFlow.js');
    expect(violation('lsp/a.ts', 'compiler/pipeline.js')).toBeUndefined();
    expect(violation('web/a.ts', 'lsp/server.js')).toBe('only cli imports the language server (web does)');
    expect(violation('cli/commands/lsp.ts', 'lsp/server.js')).toBeUndefined();
  });
});

describe('the layers', () => {
  it('keep the rules of docs/architecture.md section 2', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(l));
    expect(files.length).toBeGreaterThan(100);
    const broken = files.flatMap((f) =>
      importsOf(f, readFileSync(join(root, f), 'utf8')).flatMap((to) => {
        const why = violation(f, to);
        return why ? [`${relative(root, join(root, f))} -> ${to}: ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });
});
