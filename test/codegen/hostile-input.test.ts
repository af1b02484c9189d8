// Issue 12 (items 1, 2, 5) and issue 13 (item 2): no model text reaches generated code except as a mangled
// identifier, a string literal or comment-safe comment text; no user name collides with a generated name; a
// module that would not parse is never returned.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { checkSource } from '../../compiler/pipeline.js';
import { collectSet } from '../../cli/options.js';
import { SGM_VERSION } from '../../cli/version.js';
import { initBackend } from '../../runtime/backend/index.js';
import { bindModelData } from '../../runtime/data/bind.js';
import { makeDataset } from '../../runtime/data/dataset.js';
import type { CompiledModelModule } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { train } from '../../runtime/train/trainer.js';
import { RandomStream } from '../../stdlib/index.js';
import { loadGenerated } from './load-generated.js';
import {
  BLOCKS_ROLES,
  BLOCKS_TEMPLATE,
  CRASHED_BEFORE,
  FLAT_ROLES,
  FLAT_TEMPLATE,
  generatorIdentifiers,
  instantiate,
  JS_WORDS,
  LINE_BREAKS,
  PAYLOAD,
  PROTOTYPE_NAMES,
  UNICODE_NAMES,
} from './hostile-input.fixtures.js';

/** The top-level statements every generated module has, written out here independently of the generator. */
const EXPECTED_TOP = ['import tf', 'import stdlib', 'import runtime', 'const hyper', 'type Dims', 'type Fixed', 'type Latents', 'type Shared', 'const metadata', 'function create'];

function topLevel(file: ts.SourceFile): string[] {
  return file.statements.map((s) => {
    if (ts.isImportDeclaration(s)) {
      const from = (s.moduleSpecifier as ts.StringLiteral).text;
      return `import ${from === '@tensorflow/tfjs-core' ? 'tf' : from.replace(/^sgm\//, '')}`;
    }
    if (ts.isVariableStatement(s)) return `const ${s.declarationList.declarations.map((d) => d.name.getText(file)).join(',')}`;
    if (ts.isTypeAliasDeclaration(s)) return `type ${s.name.text}`;
    if (ts.isFunctionDeclaration(s)) return `function ${s.name?.text}`;
    return `other statement (kind ${s.kind})`;
  });
}

/** Compiles a model and checks its module with the TypeScript parser: exactly the expected top level, no syntax error. */
function compileAndParse(text: string, path = 'hostile.sgm'): { code?: string; codes: string[] } {
  const r = compileSource(path, text, { sgmVersion: SGM_VERSION });
  if (!r.code) {
    // A rejected model is rejected with coded diagnostics, never with an exception.
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) expect(d.code).toMatch(/^SGM\d{4}$/);
    return { codes: r.diagnostics.map((d) => d.code) };
  }
  const file = ts.createSourceFile('m.ts', r.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  // The build functions of fused elementwise chains (`const fused1`, ...) sit between `type Shared` and `metadata`.
  const top = topLevel(file);
  const fused = top.filter((t) => /^const fused[0-9]+$/.test(t));
  expect(top.slice(top.indexOf('type Shared') + 1, top.indexOf('const metadata'))).toEqual(fused);
  expect(top.filter((t) => !fused.includes(t))).toEqual(EXPECTED_TOP);
  const js = ts.transpileModule(r.code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, removeComments: true } });
  expect((js.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  // The payload never survives as code: no dynamic import, no identifier of it (strings and comments may hold it).
  expect(payloadAsCode(file)).toEqual([]);
  return { code: r.code, codes: [] };
}

/** Dynamic imports and payload identifiers in a parsed module (text inside strings and comments does not count). */
function payloadAsCode(file: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) found.push(n.getText(file));
    // Pool names (globalThis, ...) may appear as `$`-suffixed identifiers; the payloads' own calls may not.
    if (ts.isIdentifier(n) && (n.text === 'writeFileSync' || n.text === 'exit')) found.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

const distinct = (xs: readonly string[]) => [...new Set(xs)];
const POOL = distinct([...CRASHED_BEFORE, ...JS_WORDS, ...PROTOTYPE_NAMES, ...generatorIdentifiers(), ...UNICODE_NAMES]);

/** Role -> name, each role taking the name `shift` places after the previous role's in `names`. */
function assign(roles: readonly string[], names: readonly string[], start: number): Record<string, string> {
  return Object.fromEntries(roles.map((r, i) => [r, names[(start + i) % names.length]]));
}

describe('adversarial names', () => {
  it('the name pool covers the generator, JavaScript and Object.prototype', () => {
    for (const n of ['s', 'g', 'm', 'dims', 'batch', 'hyper', 'metadata', 'create', 'dimsOf', 'requireData', 'tf', 'constructor', '__proto__', 'class']) expect(POOL).toContain(n);
    expect(POOL.length).toBeGreaterThan(150);
  });

  it('every name of the pool, in every role of the blocks model, gives a module with the expected top level', () => {
    let compiled = 0;
    for (let i = 0; i < POOL.length; i++) {
      const names = assign(BLOCKS_ROLES, POOL, i);
      if (new Set(Object.values(names)).size < BLOCKS_ROLES.length) continue;
      if (compileAndParse(instantiate(BLOCKS_TEMPLATE, names)).code) compiled++;
    }
    // Most names are ordinary identifiers to sgm; only its keywords and built-ins are rejected (with a code).
    expect(compiled).toBeGreaterThan(POOL.length * 0.5);
  }, 120_000);

  it('names that crashed train before are accepted in every role', () => {
    for (let i = 0; i < CRASHED_BEFORE.length; i++) {
      expect(compileAndParse(instantiate(BLOCKS_TEMPLATE, assign(BLOCKS_ROLES, CRASHED_BEFORE, i))).code).toBeDefined();
      expect(compileAndParse(instantiate(FLAT_TEMPLATE, assign(FLAT_ROLES, CRASHED_BEFORE, i))).code).toBeDefined();
    }
  });

  it('random assignments of pool names to roles (fast-check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...POOL), { minLength: BLOCKS_ROLES.length, maxLength: BLOCKS_ROLES.length }), (names) => {
        compileAndParse(instantiate(BLOCKS_TEMPLATE, assign(BLOCKS_ROLES, names, 0)));
        compileAndParse(instantiate(FLAT_TEMPLATE, assign(FLAT_ROLES, names, 0)));
      }),
      { numRuns: 12, seed: 12 },
    );
  }, 120_000);
});

/** Trains a loaded model 2 steps on random binary data [16, 4] and draws from it. */
async function trainTwoSteps(text: string): Promise<void> {
  const module = await loadGenerated(text, 'hostile');
  const model = await module.create({ seed: 0 });
  try {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const dataset = makeDataset('bits', { bits: { values, rowShape: [4] } });
    const data = module.metadata.data.length > 0 ? bindModelData(module.metadata, dataset) : bindModelData(module.metadata, makeDataset('none', { none: { values: new Float32Array(16), rowShape: [] } }, { features: [] }));
    const summary = await train(model, { train: data }, { steps: 2, batchSize: 8, seed: 1, learningRate: 1e-2, progress: false });
    expect(summary.status, summary.message).toBe('completed');
    expect(Number.isFinite(summary.loss)).toBe(true);
    for (const v of Object.values(summary.metrics)) expect(Number.isFinite(v)).toBe(true);
    const ctx = { step: 0, rng: new RandomStream(3) };
    // Every latent and observed variable comes back under its own name, including `__proto__` and `constructor`.
    const drawn = model.sample(2, ctx);
    for (const n of [...module.metadata.latents, ...module.metadata.observed]) expect(Object.hasOwn(drawn, n), n).toBe(true);
    const trace = model.trace(data.batch([0, 1, 2, 3]), ctx);
    expect(trace.map(([n]) => n)).toEqual(expect.arrayContaining([...module.metadata.latents]));
  } finally {
    model.dispose();
  }
}

describe('names that crashed train (issue 12 item 5, issue 13 item 2) train', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(CRASHED_BEFORE.map((_, i) => [i, Object.values(assign(BLOCKS_ROLES, CRASHED_BEFORE, i)).join(', ')]))(
    'blocks model %i: %s',
    async (i) => {
      await trainTwoSteps(instantiate(BLOCKS_TEMPLATE, assign(BLOCKS_ROLES, CRASHED_BEFORE, i as number)));
    },
    60_000,
  );

  it.each(CRASHED_BEFORE.map((_, i) => [i, Object.values(assign(FLAT_ROLES, CRASHED_BEFORE, i)).join(', ')]))(
    'flat model %i: %s',
    async (i) => {
      await trainTwoSteps(instantiate(FLAT_TEMPLATE, assign(FLAT_ROLES, CRASHED_BEFORE, i as number)));
    },
    60_000,
  );
});

describe('adversarial comments (issue 12 item 1)', () => {
  const flat = (index: string) => FLAT_TEMPLATE.replace('PARAM[0]', `PARAM[${index}]`);
  const names = { HYP: 'K', PARAM: 'w', LAT: 'c', VAL: 'v' };

  it('a block comment inside an index expression compiles, loads and trains', async () => {
    const text = instantiate(flat('0 /* c */'), names);
    expect(compileAndParse(text).code).toBeDefined();
    await trainTwoSteps(text);
  }, 60_000);

  it('the reported attack: a line comment holding */ and code inside x[...]', async () => {
    const text = instantiate(flat(`0 // */ ${PAYLOAD}//\n`), names);
    const { code } = compileAndParse(text);
    expect(code).toBeDefined();
    if (existsSync('/tmp/sgm-owned')) rmSync('/tmp/sgm-owned');
    await trainTwoSteps(text);
    expect(existsSync('/tmp/sgm-owned')).toBe(false);
  }, 60_000);

  it('comment terminators and every kind of line break, in comments, index expressions and schedules', () => {
    const comments = [
      ...LINE_BREAKS.map((br) => `/* a${br}*/`),
      ...LINE_BREAKS.map((br) => `/* */ */${br}${PAYLOAD}${br}/* */`),
      ...LINE_BREAKS.map((br) => `// */${br}`),
      ...LINE_BREAKS.map((br) => `// ${br}${PAYLOAD} //\n`),
      `/* ${PAYLOAD} */`,
      `/**/ /* **/`,
    ];
    const blocksNames = { HYP: 'K', DATA: 'x', SHARED: 'a', PARAM: 'w', SCHED: 'r', HID: 'h', LAT: 'z', CONT: 'y' };
    for (const [i, c] of comments.entries()) {
      // In an index; around a layer call and in a schedule (whose source text goes into comments too).
      for (const br of [...LINE_BREAKS, ' ']) compileAndParse(instantiate(flat(`0 ${c}${br}`), names));
      const br = LINE_BREAKS[i % LINE_BREAKS.length];
      compileAndParse(instantiate(BLOCKS_TEMPLATE.replace('dense(DATA, [HYP])', `dense(DATA, [HYP ${c}${br}])`).replace('steps = 10', `steps = 10 ${c}${br}`), blocksNames));
    }
  });

  it('random comment text (fast-check) never leaves the comment', () => {
    const chars = fc.constantFrom('*', '/', ' ', '\n', '\r', '\u2028', '\u2029', 'a', '`', "'", '"', '$', '{', '}', ';', '(', ')');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }).map((cs) => cs.join('')), (body) => {
        // Only text sgm itself reads as one block comment (it ends at the first */).
        const comment = `/*${body.replace(/\*\//g, '')}*/`;
        compileAndParse(instantiate(flat(`0 ${comment}`), names));
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});

describe('adversarial source paths (issue 12 item 2)', () => {
  const text = instantiate(FLAT_TEMPLATE, { HYP: 'K', PARAM: 'w', LAT: 'c', VAL: 'v' });
  const paths = [
    ...LINE_BREAKS.map((br) => `runs/a${br}${PAYLOAD}${br}//.sgm`),
    'a*/ import x from "y"; /*.sgm',
    "it's \"quoted\".sgm",
    'back`tick`${globalThis.process.exit(3)}.sgm',
    '\\\\server\\share\\m.sgm',
  ];

  it.each(paths.map((p) => [JSON.stringify(p), p]))('%s', async (_shown, path) => {
    expect(compileAndParse(text, path).code).toBeDefined();
  });

  it('the path reaches metadata unchanged, and the module loads', async () => {
    for (const path of [paths[0], paths[3]]) {
      const r = compileSource(path, text, { sgmVersion: SGM_VERSION });
      const dir = join(packageRoot(), 'test/out/modules');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `hostile-path-${process.pid}-${paths.indexOf(path)}.ts`);
      writeFileSync(file, r.code!);
      const module = (await import(pathToFileURL(file).href)) as CompiledModelModule;
      expect(module.metadata.source).toBe(path);
    }
  });

  it('random paths (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '/', '*', '\n', '\r', '\u2028', '\u2029', '`', '$', '{', "'", '"', '\\', ' ') }), (path) => {
        compileAndParse(text, path);
      }),
      { numRuns: 25, seed: 3 },
    );
  });
});

describe('regression cases of issue 12 item 5 and issue 13 item 2', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(['generated_names', 'index_comment'])('test/cases/good/%s.sgm compiles, loads and trains', async (name) => {
    const text = readFileSync(join(packageRoot(), `test/cases/good/${name}.sgm`), 'utf8');
    expect(compileAndParse(text).code).toBeDefined();
    await trainTwoSteps(text);
  }, 60_000);

  it('a hyperparameter named constructor or __proto__ is not taken for an override when none is given', () => {
    const text = 'model t(constructor = 3, __proto__ = 2) {\n  param w: [constructor, __proto__] = 0\n  minimize sum(w^2)\n}\n';
    const r = checkSource('t.sgm', text);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(r.models[0].hyperparameters).toEqual(Object.fromEntries([['constructor', 3], ['__proto__', 2]]));
    expect(Object.hasOwn(r.models[0].hyperparameters, '__proto__')).toBe(true);
    // --set __proto__=5 (as the CLI collects it) reaches the hyperparameter.
    const set = checkSource('t.sgm', text, { overrides: collectSet('__proto__=5') });
    expect(set.diagnostics).toEqual([]);
    expect(set.models[0].hyperparameters.__proto__).toBe(5);
  });
});
