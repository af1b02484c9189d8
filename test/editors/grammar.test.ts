// The TextMate grammar of editors/vscode (syntaxes/sgm.tmLanguage.json) tokenized with vscode-textmate and
// vscode-oniguruma, as VS Code runs it: every token of every model in models/, and of a file with every token
// kind of the language's lexer, gets a scope of its own (none is left with only the file's `source.sgm`), and
// the main kinds get the scopes a theme colours (comments, keywords, numbers, distributions, functions).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { ALL_TOKENS, sgmLexer } from '../../compiler/syntax/tokens.js';
import { packageRoot } from '../../runtime/package-root.js';

const root = packageRoot();
const require = createRequire(import.meta.url);

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope: string) => (scope === 'source.sgm' ? textmate.parseRawGrammar(readFileSync(join(root, 'editors/vscode/syntaxes/sgm.tmLanguage.json'), 'utf8'), 'sgm.tmLanguage.json') : null),
  });
  const g = await registry.loadGrammar('source.sgm');
  if (!g) throw new Error('grammar not loaded');
  return g;
}

interface Scoped {
  readonly line: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

function tokenize(grammar: textmate.IGrammar, text: string): Scoped[] {
  let state = textmate.INITIAL;
  const out: Scoped[] = [];
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return out;
}

/** Tokens with visible text and no scope but the root. */
const unscoped = (tokens: readonly Scoped[]): Scoped[] => tokens.filter((t) => t.text.trim() !== '' && t.scopes.length < 2);

/** A text with every token kind of the lexer (EveryTokenKind below is checked against ALL_TOKENS). */
const EVERY_KIND = [
  '/* block',
  '   comment */ // line comment',
  'model every(K = 3, tau = 0.5) {',
  '  data x: [B, K]; param w: [K] = 0',
  '  const c: [2] = [1.5e-3, .5]',
  '  guide { z ~ Normal(x[..., 0:2], 1) with pathwise }',
  '  generative { z ~ Normal(0, 1) : [B, 2] }',
  '  n ~ GenGS(Poisson(20), trunc = 10..30, tau = anneal(1.0 -> 0.1, steps = 5)) with reinforce(baseline = loo)',
  '  m ~ GenGS(Poisson(20), trunc = 40, tau = anneal(1.0 → 0.1, steps = 5))',
  '  a, b = split(x, 2)',
  '  kl(z) = mc(samples = 8)',
  '  y = -x^2 * w / 2 % 3 + (x == x) + (x != x) + (x < x) + (x <= x) + (x > x) + (x >= x) - true + false',
  '  maximize elbo',
  '  minimize mean(y)',
  '  report r = mean(y)',
  '}',
].join('\n');

describe('the TextMate grammar', () => {
  it('the every-kind text holds every token kind of the lexer', () => {
    const kinds = new Set(sgmLexer.tokenize(EVERY_KIND).tokens.map((t) => t.tokenType.name));
    for (const c of sgmLexer.tokenize(EVERY_KIND).groups.comments ?? []) kinds.add(c.tokenType.name);
    const expected = ALL_TOKENS.map((t) => t.name).filter((n) => !['BinaryOperator', 'WhiteSpace', 'UnterminatedComment'].includes(n));
    expect(expected.filter((n) => !kinds.has(n))).toEqual([]);
  });

  it('scopes every token of every model and of every token kind', async () => {
    const grammar = await loadGrammar();
    const files = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(unscoped(tokenize(grammar, readFileSync(join(root, 'models', f), 'utf8'))), f).toEqual([]);
    expect(unscoped(tokenize(grammar, EVERY_KIND))).toEqual([]);
  });

  it('gives each kind the scope a theme colours', async () => {
    const grammar = await loadGrammar();
    const tokens = tokenize(grammar, EVERY_KIND);
    const scopeOf = (text: string, line?: number): string => {
      const t = tokens.find((x) => x.text.trim() === text && (line === undefined || x.line === line));
      if (!t) throw new Error(`no token '${text}'`);
      return t.scopes[t.scopes.length - 1];
    };
    expect(scopeOf('// line comment')).toMatch(/^comment\.line/);
    expect(scopeOf('comment')).toMatch(/^comment\.block/);
    expect(scopeOf('model')).toMatch(/^storage\.type/);
    expect(scopeOf('every')).toMatch(/^entity\.name\.type/);
    expect(scopeOf('guide')).toMatch(/^keyword\.control/);
    expect(scopeOf('with', 6)).toMatch(/^keyword\.control/);
    expect(scopeOf('maximize')).toMatch(/^keyword\.control/);
    expect(scopeOf('report')).toMatch(/^keyword\.control/);
    expect(scopeOf('1.5e-3')).toMatch(/^constant\.numeric/);
    expect(scopeOf('true')).toMatch(/^constant\.language/);
    expect(scopeOf('Normal', 6)).toMatch(/^support\.class/);
    expect(scopeOf('anneal', 8)).toMatch(/^support\.function/);
    expect(scopeOf('trunc', 8)).toMatch(/^variable\.parameter/);
    expect(scopeOf('->')).toMatch(/^keyword\.operator\.arrow/);
    expect(scopeOf('→')).toMatch(/^keyword\.operator\.arrow/);
    expect(scopeOf('..')).toMatch(/^keyword\.operator\.range/);
    expect(scopeOf('~', 6)).toMatch(/^keyword\.operator\.sample/);
    expect(scopeOf('elbo')).toMatch(/^variable/);
  });
});
