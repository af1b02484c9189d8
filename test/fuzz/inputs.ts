/**
 * Adversarial .sgm inputs for the fuzz test (test/fuzz/adversarial.test.ts) and `npm run fuzz`
 * (scripts/fuzz.ts): one deterministic generator per class, driven by a seeded PRNG so a failing input is
 * reproduced from (class, seed). Attacks that try to run code mark themselves with CANARY: generated code
 * must never contain it as an identifier, and importing the module must never set it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../mulberry32.js';

/** One input: the text, the path it is compiled under, --set overrides, and whether it is an attack. */
export interface FuzzInput {
  readonly kind: FuzzClass;
  readonly seed: number;
  readonly path: string;
  readonly text: string;
  readonly overrides: Readonly<Record<string, number>>;
  readonly attack: boolean;
}

/** The identifier an injected payload sets (globalThis.__sgmCanary) and writes to the file in SGM_FUZZ_CANARY. */
export const CANARY = '__sgmCanary';
const PAYLOAD = `globalThis.${CANARY} = 1; import('node:fs').then((f) => f.writeFileSync(process.env.SGM_FUZZ_CANARY ?? '/dev/null', 'owned'));`;

export const FUZZ_CLASSES = ['comment', 'name', 'path', 'size', 'nesting', 'long', 'mutation'] as const;
export type FuzzClass = (typeof FUZZ_CLASSES)[number];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** A small model without data (trains with `sgm train --steps 1`), with holes for the generators. */
function flatModel(opts: { name?: string; hyper?: string; decl?: string; body?: string; objective?: string }): string {
  return [
    `model ${opts.name ?? 'm'}(${opts.hyper ?? 'K = 3'}) {`,
    `  param w: [3]`,
    opts.decl ?? '',
    opts.body ?? '',
    `  minimize ${opts.objective ?? 'sum(w ^ 2)'}`,
    `}`,
    '',
  ].join('\n');
}

const BREAKS = ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f'];
const TERMINATORS = ['*/', '/*', '//', '*/ /*', '`', "'", '"', '${', '}', ')', ']', '</script>', '\\'];

/** The reproductions of issue 12 item 1: an sgm comment closing the generated comment that quotes an index. */
export const INDEX_COMMENT_ATTACKS: readonly string[] = [
  flatModel({ body: `  v = w[0 // */ ; ${PAYLOAD} //\n]`, objective: 'sum(w ^ 2) + v' }),
  flatModel({ body: `  v = w[0 /* c */]`, objective: 'sum(w ^ 2) + v' }),
  flatModel({ body: `  v = w[0 // \u2028 ${PAYLOAD} \n]`, objective: 'sum(w ^ 2) + v' }),
];

/** Comments and source text holding comment terminators, line breaks and a payload, in every position. */
function comment(r: Rand): Pick<FuzzInput, 'text' | 'attack'> {
  if (r() < 0.25) return { text: pick(r, INDEX_COMMENT_ATTACKS), attack: true };
  const br = pick(r, BREAKS);
  const term = pick(r, TERMINATORS);
  const inject = pick(r, [
    `// ${term} ; ${PAYLOAD} //${br}`,
    `/* ${term} ${br} ${PAYLOAD} ${br} */`,
    `// ${br}${PAYLOAD}${br}`,
    `/* */ ${term} ${PAYLOAD}`,
  ]);
  const where = int(r, 0, 5);
  const templates = [
    () => flatModel({ body: `  v = w[0 ${inject}]`, objective: 'sum(w ^ 2) + v' }),
    () => flatModel({ body: `  v = w[0 ${inject}: 2]`, objective: 'sum(w ^ 2) + sum(v)' }),
    () => flatModel({ body: `  v = exp(w ${inject}) // ${term}`, objective: 'sum(v)' }),
    () => flatModel({ body: `  z ~ Normal(w ${inject}, 1)`, objective: 'sum(w ^ 2)' }),
    () => flatModel({ hyper: `K = 3 ${inject}`, body: `  v = w * K`, objective: 'sum(v)' }),
    () => `// ${term}${br}${PAYLOAD}${br}` + flatModel({ body: `  v = w[-1] /* ${term} */`, objective: 'sum(v) + sum(w)' }),
  ];
  return { text: templates[where](), attack: true };
}

/** Names that collide with JavaScript object members, generated helpers and runtime imports. */
export const HOSTILE_NAMES = [
  'constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'prototype', 'isPrototypeOf', 'GenGS',
  'Poisson', 'anneal', 'hyper', 'forward', 'dimsOf', 'requireData', 'requireDim', 'tf', 'Object', 'globalThis',
  'process', 'require', 'import', 'eval', 'Function', 'this', 'arguments', 'undefined', 'NaN', 'Infinity',
  'options', 'ctx', 'batch', 'params', 'create', 'model', 'default', 'let', 'await', 'yield', 'static', 'enum',
];

function name(r: Rand): Pick<FuzzInput, 'text' | 'attack'> {
  const n = pick(r, HOSTILE_NAMES);
  const m = pick(r, HOSTILE_NAMES);
  const templates = [
    () => flatModel({ name: n }),
    () => flatModel({ hyper: `${n} = 3`, body: `  v = w * ${n}`, objective: 'sum(v ^ 2)' }),
    () => flatModel({ decl: `  param ${n}: [3]`, objective: `sum(${n} ^ 2) + sum(w)` }),
    () => flatModel({ body: `  ${n} = w + 1\n  ${m} = ${n} * 2`, objective: `sum(${m} ^ 2)` }),
    () => flatModel({ decl: `  const ${n} = 2`, body: `  ${m} ~ Normal(w * ${n}, 1)`, objective: 'sum(w ^ 2)' }),
    () => `model ${n}(K = 3) {\n  data x: [B, K]\n  guide {\n    ${m} ~ Normal(dense(x, [2]), 1)\n  }\n  generative {\n    ${m} ~ Normal(0, 1)\n    x ~ Bernoulli(logits = dense(${m}, [K]))\n  }\n  maximize elbo\n}\n`,
  ];
  return { text: pick(r, templates)(), attack: true };
}

/** Source paths with line breaks, comment terminators and quotes around a payload. */
function pathInput(r: Rand): { text: string; path: string; attack: boolean } {
  const path = `${pick(r, ['', '/tmp/', 'a b/'])}${pick(r, BREAKS)}${PAYLOAD}${pick(r, BREAKS)}${pick(r, TERMINATORS)}${pick(r, ['.sgm', '', '\u2028.sgm'])}`;
  return { text: pick(r, [flatModel({}), flatModel({ body: '  z ~ Normal(w, 1)' })]), path, attack: true };
}

const HUGE = [1, 2, 3, 2 ** 16, 2 ** 16 + 1, 2 ** 20, 2 ** 26, 2 ** 26 + 1, 1e8, 1e9, 1e10, 1e15, 2 ** 53, 1e300, 0.5, -1, 0];

/** Sizes around and far past the limits: constants, params, layers, truncations, overrides. */
function size(r: Rand): Pick<FuzzInput, 'text' | 'overrides'> {
  const n = pick(r, HUGE);
  const k = pick(r, HUGE);
  const templates: (() => Pick<FuzzInput, 'text' | 'overrides'>)[] = [
    () => ({ text: flatModel({ body: `  z ~ Categorical(uniform(${n}))` }), overrides: {} }),
    () => ({ text: flatModel({ decl: `  param v: [${n}, ${k}]`, objective: 'sum(w ^ 2) + sum(v)' }), overrides: {} }),
    () => ({ text: flatModel({ body: `  h = dense(w, [${n}])\n  g = mlp(w, [${k}, 2])`, objective: 'sum(h) + sum(g)' }), overrides: {} }),
    () => ({ text: flatModel({ body: `  v = zeros([${n}, ${k}]) + one_hot(0, ${n})`, objective: 'sum(v)' }), overrides: {} }),
    () => ({ text: flatModel({ body: `  a, b = split(w, ${n})`, objective: 'sum(a)' }), overrides: {} }),
    () => ({ text: readModel('gengs_poisson.sgm'), overrides: { trunc: n } }),
    () => ({ text: readModel('igr_vae.sgm'), overrides: { K: n, N: pick(r, [1, 20, k]) } }),
    () => ({ text: flatModel({ body: `  v = uniform(${n}) * 2 + uniform(${n})`, objective: 'sum(v) + sum(w)' }), overrides: {} }),
  ];
  return pick(r, templates)();
}

/** Expression nesting of many kinds at depths around the limits and far past them. */
export const NESTING_FORMS: Readonly<Record<string, (n: number) => string>> = {
  calls: (n) => 'exp('.repeat(n) + 'w' + ')'.repeat(n),
  openCalls: (n) => 'exp('.repeat(n) + 'w',
  parens: (n) => '('.repeat(n) + 'w' + ')'.repeat(n),
  openParens: (n) => '('.repeat(n) + 'w',
  lists: (n) => '['.repeat(n) + '1' + ']'.repeat(n),
  indexChain: (n) => 'w' + '[0]'.repeat(n),
  openIndex: (n) => 'w' + '[0'.repeat(n),
  signs: (n) => '-'.repeat(n) + 'w',
  spacedSigns: (n) => '- '.repeat(n) + 'w',
  powers: (n) => Array<string>(n).fill('w').join(' ^ '),
  signedPowers: (n) => Array<string>(n).fill('w').join(' ^ -'),
  sums: (n) => Array<string>(n).fill('w').join(' + '),
  products: (n) => Array<string>(n).fill('w').join(' * '),
  mixed: (n) => 'sum(w[('.repeat(n) + '0' + ')])'.repeat(n),
  braces: (n) => '{'.repeat(n),
};

function nesting(r: Rand, maxDepth: number): Pick<FuzzInput, 'text'> {
  const form = pick(r, Object.keys(NESTING_FORMS));
  const depth = pick(r, [int(r, 1, 80), int(r, 240, 270), int(r, 60, 70), int(r, 1, maxDepth)]);
  return { text: flatModel({ body: `  v = ${NESTING_FORMS[form](depth)}`, objective: 'sum(v) + sum(w)' }) };
}

/** Long single lines: many statements, many bad tokens, huge names and numbers. */
function long(r: Rand, maxBytes: number): Pick<FuzzInput, 'text'> {
  // Log-uniform length: most inputs are short, some reach maxBytes (a template has about 20 bytes per unit).
  const n = Math.max(10, Math.floor(Math.exp(r() * Math.log(Math.max(10, maxBytes / 20)))));
  const templates = [
    () => `model m(K = 3) { param w: [3]; ${Array.from({ length: n }, (_, i) => `a${i} = w + ${i}`).join('; ')}; minimize sum(w) }`,
    () => pick(r, ['$ ', '@', 'x = ) ', '( ', '] ', '"', '\u0000', 'é ', '😀', '/*', '*/', '..']).repeat(n),
    () => flatModel({ body: `  ${'v'.repeat(n)} = w`, objective: `sum(${'v'.repeat(Math.min(n, 10))})` }),
    () => flatModel({ body: `  v = w * ${'9'.repeat(Math.min(n, 400_000))}`, objective: 'sum(v)' }),
    () => flatModel({ body: `  v = w${' + w'.repeat(Math.min(n, 250))}` }).replace(/\n/g, ' ') + ' x'.repeat(n),
    () => Array.from({ length: n }, () => pick(r, ['model', 'm', '(', ')', '{', '}', '[', ']', ',', '=', '~', 'x', '1', 'data', '\u2028'])).join(' '),
  ];
  return { text: pick(r, templates)() };
}

let corpus: string[] | undefined;
const root = new URL('../..', import.meta.url).pathname;
function readModel(file: string): string {
  return readFileSync(join(root, 'models', file), 'utf8');
}

/** Valid models with random deletions, insertions and swaps of tokens. */
function mutation(r: Rand): Pick<FuzzInput, 'text'> {
  corpus ??= ['models', 'test/cases/good', 'test/cases/bad'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.sgm'))
      .map((f) => readFileSync(join(root, dir, f), 'utf8')),
  );
  let text = pick(r, corpus);
  const pieces = ['', '(', ')', '[', ']', '{', '}', ',', '=', '~', ':', '-', '^', '1e9', '0/0', 'constructor', '*/', '//', '\u2028', 'uniform(1e9)', 'K'];
  for (let i = int(r, 1, 6); i > 0; i--) {
    const at = Math.floor(r() * text.length);
    text = text.slice(0, at) + pick(r, pieces) + text.slice(at + int(r, 0, 12));
  }
  return { text };
}

/** The input of a class and seed. `maxBytes` bounds long lines; `maxDepth` bounds nesting. */
export function makeInput(kind: FuzzClass, seed: number, bounds: { maxBytes: number; maxDepth: number } = { maxBytes: 1 << 20, maxDepth: 100_000 }): FuzzInput {
  const r = mulberry32(seed);
  const base = { kind, seed, path: 'fuzz.sgm', overrides: {}, attack: false };
  switch (kind) {
    case 'comment':
      return { ...base, ...comment(r) };
    case 'name':
      return { ...base, ...name(r) };
    case 'path':
      return { ...base, ...pathInput(r) };
    case 'size':
      return { ...base, ...size(r) };
    case 'nesting':
      return { ...base, ...nesting(r, bounds.maxDepth) };
    case 'long':
      return { ...base, ...long(r, bounds.maxBytes) };
    case 'mutation':
      return { ...base, ...mutation(r) };
  }
}
