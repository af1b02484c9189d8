// The language server driven over stdio as an editor drives it (test/lsp/client.ts): initialize, didOpen,
// didChange, hover, completion, signature help, definition, references, rename, symbols, semantic tokens,
// code actions and formatting, on every model in models/ and on broken variants.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSource } from '../../compiler/syntax/format.js';
import { packageRoot } from '../../runtime/package-root.js';
import { LspClient, positionOf, type WireDiagnostic } from './client.js';

const root = packageRoot();
const MODELS = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).sort();
const read = (f: string): string => readFileSync(join(root, 'models', f), 'utf8');
const uriOf = (name: string): string => LspClient.uri(join(root, 'test/out/lsp', name));

type Hover = { contents: { value: string } } | null;
type Edit = { range: WireDiagnostic['range']; newText: string };

/** Applies protocol edits to a text (from the end, so earlier offsets stay valid). */
function applyEdits(text: string, edits: readonly Edit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

let client: LspClient;
beforeAll(async () => {
  client = new LspClient();
  await client.initialize();
}, 120_000);
afterAll(async () => {
  expect(await client.shutdown()).toBe(0);
});

describe('sgm lsp over stdio', () => {
  it('announces its features', async () => {
    const other = new LspClient();
    const init = await other.initialize();
    for (const cap of ['hoverProvider', 'completionProvider', 'signatureHelpProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'documentSymbolProvider', 'codeActionProvider', 'documentFormattingProvider', 'semanticTokensProvider']) {
      expect(init.capabilities[cap], cap).toBeTruthy();
    }
    expect(await other.shutdown()).toBe(0);
  });

  it('opens every model in models/ without errors and outlines it', async () => {
    for (const f of MODELS) {
      const uri = uriOf(f);
      client.open(uri, read(f));
      const diagnostics = await client.diagnostics(uri, 1);
      expect(diagnostics.filter((d) => d.severity === 1), f).toEqual([]);
      const symbols = await client.request<{ name: string; children: { name: string }[] }[]>('textDocument/documentSymbol', { textDocument: { uri } });
      expect(symbols.map((s) => s.name), f).toEqual([/^model\s+(\S+?)\(/m.exec(read(f))![1]]);
      const tokens = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
      expect(tokens.data.length % 5, f).toBe(0);
      expect(tokens.data.length / 5, f).toBeGreaterThan(20);
    }
  });

  it('hovers: shape of a name, signature of a distribution, estimator and KL of a stochastic statement', async () => {
    const text = read('igr_vae.sgm');
    const uri = uriOf('igr_vae.sgm');
    const hover = (offset: number) => client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, offset) });
    expect((await hover(text.indexOf('mlp(x') + 4))!.contents.value).toMatch(/`x: \[B, 784\]` — data, observed/);
    const z = (await hover(text.indexOf('z ~ IGR_I')))!.contents.value;
    expect(z).toMatch(/z: \[B, 20, 10\]/);
    expect(z).toMatch(/\*\*estimator:\*\* pathwise — IGR_I has a reparameterized sampler/);
    expect(z).toMatch(/\*\*KL:\*\* closed form — same IGR transform/);
    expect((await hover(text.indexOf('~ IGR_I(mu')))!.contents.value).toMatch(/\*\*estimator:\*\* pathwise/);
    const dist = (await hover(text.indexOf('IGR_I(mu') + 2))!.contents.value;
    expect(dist).toContain('IGR_I(mu, sigma, tau, delta = 1)');
    expect(dist).toMatch(/- `sigma`: /);
    expect((await hover(text.indexOf('tau)') + 1))!.contents.value).toMatch(/hyperparameter = 0\.5/);
    expect(await hover(text.indexOf('// IGR paper') + 3)).toBeNull();
  });

  it('hovers the score-function choice and its reason on a discrete latent', async () => {
    const text = read('sbn_reinforce.sgm');
    const uri = uriOf('sbn_reinforce.sgm');
    const at = /(\w+) ~ Bernoulli/.exec(text)!;
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, at.index) });
    expect(h!.contents.value).toMatch(/\*\*estimator:\*\* reinforce/);
  });

  it('completes distributions, functions, argument names and names in scope; helps with signatures', async () => {
    const base = read('igr_vae.sgm');
    const uri = uriOf('completion.sgm');
    const at = base.indexOf('    z ~ IGR_I(mu, sigma, tau)');
    const text = `${base.slice(0, at)}    w ~ Normal(mu, \n${base.slice(at)}`;
    client.open(uri, text);
    await client.diagnostics(uri, 1);
    const cursor = at + '    w ~ Normal(mu, '.length;
    const items = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, cursor) });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['sigma =', 'Normal', 'GumbelSoftmax', 'softplus', 'mlp', 'sigma', 'h', 'x', 'K', 'tau']));
    expect(labels.indexOf('sigma =')).toBeLessThan(labels.indexOf('Normal'));
    const help = await client.request<{ signatures: { label: string }[]; activeParameter: number }>('textDocument/signatureHelp', { textDocument: { uri }, position: positionOf(text, cursor) });
    expect(help.signatures[0].label).toMatch(/^Normal\(mu, sigma/);
    expect(help.activeParameter).toBe(1);
    const acts = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: positionOf(text, text.indexOf('act = relu') + 6) });
    expect(acts.map((i) => i.label)).toEqual(expect.arrayContaining(['relu', 'tanh', 'identity']));
  });

  it('goes to the definition, finds references and renames a name everywhere', async () => {
    const text = read('igr_vae.sgm');
    const uri = uriOf('igr_vae.sgm');
    const use = text.indexOf('sigma, tau)');
    const def = await client.request<{ range: WireDiagnostic['range'] }>('textDocument/definition', { textDocument: { uri }, position: positionOf(text, use) });
    expect(def.range.start).toEqual(positionOf(text, text.indexOf('sigma = ')));
    const refs = await client.request<unknown[]>('textDocument/references', { textDocument: { uri }, position: positionOf(text, use), context: { includeDeclaration: true } });
    expect(refs).toHaveLength(2);
    // z is a latent: its guide draw, its prior and its uses in the generative block are one name.
    const rename = await client.request<{ changes: Record<string, Edit[]> }>('textDocument/rename', { textDocument: { uri }, position: positionOf(text, text.indexOf('z ~ IGR_I')), newName: 'ζ' });
    const renamed = applyEdits(text, rename.changes[uri]);
    expect(renamed).toContain('ζ ~ IGR_I(mu, sigma, tau)');
    expect(renamed).toContain('ζ ~ fit_prior(');
    expect(renamed).toContain('mlp(flatten(ζ)');
    expect(renamed).toContain('kl(z)'); // in a comment: untouched
    await expect(client.request('textDocument/rename', { textDocument: { uri }, position: positionOf(text, use), newName: 'mu' })).rejects.toThrow(/already defined/);
  });

  it('reports a misspelling as you type, with its quick fix, then clears it', async () => {
    const text = read('igr_vae.sgm');
    const uri = uriOf('typing.sgm');
    client.open(uri, text);
    expect((await client.diagnostics(uri, 1)).filter((d) => d.severity === 1)).toEqual([]);
    const at = text.indexOf('flatten(z)');
    const range = { start: positionOf(text, at), end: positionOf(text, at + 'flatten'.length) };
    client.change(uri, 2, range, 'flaten');
    const d = await client.diagnostics(uri, 2);
    expect(d.map((x) => x.code)).toEqual(['SGM2006']);
    const actions = await client.request<{ title: string; edit: { changes: Record<string, Edit[]> } }[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0].range, context: { diagnostics: d } });
    expect(actions.map((a) => a.title)).toEqual(["Change 'flaten' to 'flatten'"]);
    expect(applyEdits(text.replace('flatten(z)', 'flaten(z)'), actions[0].edit.changes[uri])).toBe(text);
    client.change(uri, 3, { start: range.start, end: { line: range.start.line, character: range.start.character + 'flaten'.length } }, 'flatten');
    expect(await client.diagnostics(uri, 3)).toEqual([]);
  });

  it('reports every error of a broken file and still answers requests on it', async () => {
    const text = read('jointvae.sgm').replace('softplus(dense(h, [D])))', 'softplus(dense(h, [D]))').replace('concat(zc, zd)', 'concat(zc, zdd)');
    const uri = uriOf('broken.sgm');
    client.open(uri, text);
    const d = await client.diagnostics(uri, 1);
    expect(d.map((x) => x.code)).toEqual(expect.arrayContaining(['SGM1003', 'SGM2001']));
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, text.indexOf('Normal(0, 1)') + 1) });
    expect(h!.contents.value).toContain('Normal(mu, sigma');
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toBeNull();
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols.length).toBe(1);
  });

  it('offers `with reinforce` for a score-function warning', async () => {
    const text = 'model m(K = 3) {\n  data y: [B]\n  c ~ Poisson(3.0) : [B]\n  y ~ Normal(c, 1)\n  maximize loglik(y)\n}\n';
    const uri = uriOf('reinforce.sgm');
    client.open(uri, text);
    const d = (await client.diagnostics(uri, 1)).filter((x) => x.code === 'SGM4007');
    expect(d).toHaveLength(1);
    const actions = await client.request<{ title: string; edit: { changes: Record<string, Edit[]> } }[]>('textDocument/codeAction', { textDocument: { uri }, range: d[0].range, context: { diagnostics: d } });
    const fixed = applyEdits(text, actions.find((a) => /with reinforce/.test(a.title))!.edit.changes[uri]);
    expect(fixed).toContain('c ~ Poisson(3.0) : [B] with reinforce\n');
    client.change(uri, 2, { start: { line: 0, character: 0 }, end: positionOf(text, text.length) }, fixed);
    expect((await client.diagnostics(uri, 2)).filter((x) => x.code === 'SGM4007')).toEqual([]);
  });

  it('formats a document as sgm fmt does', async () => {
    const text = 'model  m( K=3 ) { data x : [B,K]\n  param w:[K]=0 ; y=x*w+1   // scaled\n\n\n  minimize mean( y^2 ) }\n';
    const uri = uriOf('format.sgm');
    client.open(uri, text);
    await client.diagnostics(uri, 1);
    const edits = await client.request<Edit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const formatted = applyEdits(text, edits);
    expect(formatted).toBe('model m(K = 3) {\n  data x: [B, K]\n  param w: [K] = 0\n  y = x * w + 1  // scaled\n\n  minimize mean(y^2)\n}\n');
    expect(formatSource(formatted)).toEqual({ ok: true, text: formatted });
  });
});
