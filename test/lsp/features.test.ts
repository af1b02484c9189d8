// The language server's answers in-process, on broken text: every request at every kind of place of mutated
// models answers without throwing (the server would otherwise send an error for each hover or keystroke), and
// semantic tokens cover every identifier with a kind that matches what it names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/package-root.js';
import { completionsAt, signatureHelpAt } from '../../lsp/completion.js';
import { analyzeDocument } from '../../lsp/document.js';
import { definitionAt, documentSymbols, fixesOf, formatEdits, referencesAt, renameAt, semanticTokens } from '../../lsp/features.js';
import { hoverAt } from '../../lsp/hover.js';

const root = packageRoot();
const models = readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).map((f) => readFileSync(join(root, 'models', f), 'utf8'));

function everyRequest(text: string, offsets: readonly number[]): void {
  const doc = analyzeDocument('file:///m.sgm', 1, text);
  documentSymbols(doc);
  semanticTokens(doc);
  formatEdits(doc);
  for (const d of doc.result.diagnostics) fixesOf(d, doc);
  for (const o of offsets) {
    const at = o % (text.length + 1);
    hoverAt(doc, at);
    completionsAt(doc, at);
    signatureHelpAt(text, at);
    definitionAt(doc, at);
    referencesAt(doc, at);
    renameAt(doc, at, 'renamed_name');
  }
}

describe('language server answers', () => {
  it('never throw on mutated models (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: models.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom('', '(', ')', '[', ']', '{', '}', ',', '=', '~', 'x', '1', '\n', '//', '/*', 'with', ':', '..', '->')), { maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        (which, mutations, offsets) => {
          let text = models[which];
          for (const [at, del, ins] of mutations) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + ins + text.slice(p + del);
          }
          everyRequest(text, offsets);
        },
      ),
      { numRuns: 120, seed: 18 },
    );
  });

  it('classifies identifiers by what they name', () => {
    const text = readFileSync(join(root, 'models/igr_vae.sgm'), 'utf8');
    const doc = analyzeDocument('file:///m.sgm', 1, text);
    const tokens = semanticTokens(doc);
    const kindAt = (needle: string, from = 0): string => tokens.find((t) => t.start === text.indexOf(needle, from))!.type;
    expect(kindAt('IGR_I(mu')).toBe('type');
    expect(kindAt('mlp(x')).toBe('function');
    expect(kindAt('relu')).toBe('enumMember');
    expect(kindAt('act =')).toBe('parameter');
    expect(kindAt('tau)')).toBe('parameter'); // a hyperparameter
    expect(kindAt('sigma, tau')).toBe('variable');
    expect(kindAt('model igr_vae')).toBe('keyword');
    expect(kindAt('// IGR paper')).toBe('comment');
    expect(kindAt('784]')).toBe('number');
    // Every identifier token is classified, and the tokens do not overlap.
    for (let i = 1; i < tokens.length; i++) expect(tokens[i].start).toBeGreaterThanOrEqual(tokens[i - 1].start + tokens[i - 1].length);
  });
});
