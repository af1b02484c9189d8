// The direct parser (compiler/syntax/direct-parse.ts) against the recovering CST parser + to-ast.ts: on every file
// it accepts, the same tree, key order included; on every file the CST path reads without a diagnostic, it accepts;
// and on damaged files (tokens deleted, duplicated or swapped, seeded) it never accepts what the CST path rejects.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { largeModel } from '../../bench/large-model.js';
import { SourceFile } from '../../compiler/diagnostics/source.js';
import type { Program } from '../../compiler/syntax/ast.js';
import { lexDirect } from '../../compiler/syntax/direct-lex.js';
import { parseDirect } from '../../compiler/syntax/direct-parse.js';
import { parse } from '../../compiler/syntax/parse.js';
import { parseTokens } from '../../compiler/syntax/parser.js';
import { AstBuilder } from '../../compiler/syntax/to-ast.js';
import { sgmLexer, UnterminatedComment } from '../../compiler/syntax/tokens.js';
import { mulberry32 } from '../mulberry32.js';

const root = join(import.meta.dirname, '../..');
const sgmFiles = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.sgm'))
    .sort()
    .map((f) => join(dir, f));

/** The CST path's tree and whether it reported anything (syntax errors or to-ast.ts's diagnostics). */
function viaCst(tokens: IToken[], textLength: number): { program: Program; clean: boolean } {
  const { cst, errors } = parseTokens(tokens);
  const builder = new AstBuilder(textLength);
  const program = builder.program(cst);
  return { program, clean: errors.length === 0 && builder.diagnostics.length === 0 && program.models.length > 0 };
}

function lex(text: string): IToken[] | undefined {
  const lexed = sgmLexer.tokenize(text);
  return lexed.errors.length === 0 ? lexed.tokens : undefined;
}

/** Both parsers on one token stream: the direct one accepts exactly the clean streams, with the same tree. */
function compare(tokens: IToken[], textLength: number): 'accepted' | 'rejected' {
  const direct = parseDirect(tokens, textLength);
  const cst = viaCst(tokens, textLength);
  if (direct === undefined) {
    expect(cst.clean).toBe(false);
    return 'rejected';
  }
  expect(cst.clean).toBe(true);
  // JSON text first: the same keys in the same order (goldens and printers see the order), then deep equality.
  expect(JSON.stringify(direct)).toBe(JSON.stringify(cst.program));
  expect(direct).toEqual(cst.program);
  return 'accepted';
}

/** The direct lexer accepts exactly what Chevrotain lexes without a diagnostic, with the same tokens. */
function compareLex(text: string): 'accepted' | 'rejected' {
  const direct = lexDirect(text);
  const lexed = sgmLexer.tokenize(text);
  const clean = lexed.errors.length === 0 && !lexed.tokens.some((t) => t.tokenType === UnterminatedComment);
  if (direct === undefined) {
    expect(clean, JSON.stringify(text)).toBe(false);
    return 'rejected';
  }
  expect(clean, JSON.stringify(text)).toBe(true);
  const view = (ts: readonly { tokenType: { name: string }; image: string; startOffset: number }[]) => ts.map((t) => `${t.tokenType.name}:${t.image}@${t.startOffset}`);
  expect(view(direct)).toEqual(view(lexed.tokens));
  return 'accepted';
}

const corpus = [
  ...sgmFiles('models'),
  ...sgmFiles('test/cases/good'),
  ...sgmFiles('test/cases/bad'),
  ...sgmFiles('test/cases/generated-repros'),
];

describe('direct parser', () => {
  it('builds the same tree as the CST path on every model and test case, and accepts every clean one', () => {
    let accepted = 0;
    for (const f of corpus) {
      const text = readFileSync(join(root, f), 'utf8');
      const tokens = lex(text);
      if (!tokens) continue;
      if (compare(tokens, text.length) === 'accepted') accepted++;
    }
    // Every model in models/ and every good case is clean; the bad cases are mostly rejected.
    expect(accepted).toBeGreaterThanOrEqual(sgmFiles('models').length + sgmFiles('test/cases/good').length);
  });

  it('lexes every model and test case as the Chevrotain lexer does', () => {
    for (const f of corpus) compareLex(readFileSync(join(root, f), 'utf8'));
    const tricky = [
      'a->b→c - > d', '1..5 ..5 ...5 .5 5. 1e3 1E+3 1e-3x 2x 0.5.5', 'x==y!=z<=w>=v<u>t=s', 'modelx model model_ λ naïve σ2 𝑥1 withx with',
      '/* c */ a /* * / */ b // line\n c /* unclosed', 'a / b /* x */ / c', 'a ! b', 'a " b', 'a . b', '\u00a0\ufeffa\tb\r\nc', 'true false True',
      'a ... b', '.', '', '// only a comment', '/**/', '/*/ x */', 'x = 1e999',
    ];
    const outcomes = tricky.map(compareLex);
    expect(outcomes.filter((o) => o === 'rejected').length).toBe(6);
  });

  it('lexes damaged text (seeded character edits) as the Chevrotain lexer does', () => {
    const rand = mulberry32(3);
    const alphabet = 'ab_λ𝑥01.e-+>=<!/*~:;,()[]{}^%"\n \u00a0→';
    const chars = [...alphabet];
    let rejected = 0;
    for (const f of sgmFiles('models')) {
      const text = readFileSync(join(root, f), 'utf8');
      for (let trial = 0; trial < 30; trial++) {
        let t = text;
        for (let k = 0; k < 3; k++) {
          const i = Math.floor(rand() * t.length);
          const c = chars[Math.floor(rand() * chars.length)];
          t = rand() < 0.5 ? t.slice(0, i) + c + t.slice(i) : t.slice(0, i) + t.slice(i + 1);
        }
        if (compareLex(t) === 'rejected') rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('builds the same tree on the generated benchmark model', () => {
    const text = largeModel(1200);
    expect(compare(lex(text)!, text.length)).toBe('accepted');
  });

  it('reads the constructs of the grammar as the CST path does', () => {
    const cases = [
      'model m(a, b = 2, c = -3) { x = -1; y = - -a; z = +-b; w = -a^2^-c; v = [1, [2, 3], []] }',
      'model m() { data x: [B, 4]\n param w: [] \n param v: [3] = 0\n const k = 2\n const j: [2] = [1, 2] ; minimize x }',
      'model m() { a, b = split(x, 2) : [B, 2]\n z ~ Normal(0, 1) : [B] with reinforce(baseline = ema(0.9))\n kl(z) = mc(samples = 8) }',
      'model m() { y = x[0][1, ...][:, 1:][::2, :-1:][a:b:c][1:2:] ; t = anneal(1.0 -> 0.1, steps = 10) ; n = f(lo = 1..5) }',
      'model m() { c = a == b != c < d <= e > f >= g + h - i * j / k % l ; p = (a + b) * (c) ; q = f() + g(x) }',
      'model m() { guide { z ~ Cat(logits = l) } generative { x ~ Bernoulli(logits = f(z)) } maximize elbo }',
      'model m() { b = true ; c = false ; d = -1e-3 ; e = .5 ; f = -x[1]^2 }\nmodel n() { minimize 0 }',
      'model m() { λ = exp(σ) ; naïve_rate = anneal(λ → 2) }',
      'model m() { q = g(,) }',
      'model m() { f(x) = 1 }',
      'model m() { a, b ~ Normal(0, 1) }',
      'model m() { a = 1 with reinforce }',
      'model m() { kl(z, y) = mc }',
      'model m() { kl(a = z) = mc }',
      'model m() { x = [1, ] }',
      'model m() { x = a[] }',
      'model m() { } model',
      '',
      `model m() { x = ${Array.from({ length: 300 }, () => 'a').join(' + ')} }`,
      `model m() { x = ${Array.from({ length: 200 }, () => 'a').join(' + ')} }`,
      `model m() { x = ${'-'.repeat(300)}a }`,
    ];
    const outcomes = cases.map((text) => {
      const tokens = lex(text);
      return tokens ? compare(tokens, text.length) : 'lex error';
    });
    expect(outcomes.slice(0, 8)).toEqual(Array(8).fill('accepted'));
    // `g(,)`, SGM1004 statement forms, missing items, trailing garbage, no model, 300 levels of `+` and of signs.
    expect(outcomes.slice(8, 18)).toEqual(Array(10).fill('rejected'));
    expect(outcomes.slice(18)).toEqual(['rejected', 'accepted', 'rejected']);
  });

  it('never accepts a damaged file the CST path rejects (seeded token deletions, duplications, swaps)', () => {
    const rand = mulberry32(20261203);
    let accepted = 0;
    let rejected = 0;
    for (const f of [...sgmFiles('models'), ...sgmFiles('test/cases/good')]) {
      const text = readFileSync(join(root, f), 'utf8');
      const tokens = lex(text)!;
      for (let trial = 0; trial < 40; trial++) {
        const damaged = [...tokens];
        const i = Math.floor(rand() * damaged.length);
        const op = Math.floor(rand() * 3);
        if (op === 0) damaged.splice(i, 1);
        else if (op === 1) damaged.splice(i, 0, damaged[i]);
        else if (i + 1 < damaged.length) [damaged[i], damaged[i + 1]] = [damaged[i + 1], damaged[i]];
        // Re-lexed from text so offsets stay in source order, as in a real file.
        const damagedText = damaged.map((t) => t.image).join(' ');
        if (compare(lex(damagedText)!, damagedText.length) === 'accepted') accepted++;
        else rejected++;
      }
    }
    // Both outcomes occur (deleting a `;` or a whole-statement duplicate can keep a file valid).
    expect(rejected).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(0);
  });

  it('parse() takes the direct path on a clean file and the CST path otherwise, with the same results', () => {
    const good = readFileSync(join(root, 'models/igr_vae.sgm'), 'utf8');
    const r = parse(new SourceFile('igr_vae.sgm', good));
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual(viaCst(lex(good)!, good.length).program);
    const bad = good.replace('~', '~ ~');
    expect(parse(new SourceFile('bad.sgm', bad)).diagnostics.map((d) => d.code)).toContain('SGM1003');
  });
});
