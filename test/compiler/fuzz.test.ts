// Property tests: random token streams and mutated valid models never make the front end throw or hang,
// and every diagnostic it returns has a valid span and a catalog code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../compiler/diagnostics/catalog.js';
import { buildGraph } from '../../compiler/graph/index.js';
import { checkSource } from '../../compiler/pipeline.js';
import { packageRoot } from '../../runtime/package-root.js';

const root = packageRoot();
const sources = [
  ...readdirSync(join(root, 'models')).map((f) => join(root, 'models', f)),
  ...readdirSync(join(root, 'test/cases/good'))
    .filter((f) => f.endsWith('.sgm'))
    .map((f) => join(root, 'test/cases/good', f)),
]
  .filter((p) => p.endsWith('.sgm'))
  .map((p) => readFileSync(p, 'utf8'));

const TOKENS = [
  'model', 'data', 'param', 'const', 'guide', 'generative', 'maximize', 'minimize', 'with', 'true', 'false',
  'x', 'z', 'λ', 'mu', 'sigma', 'tau', 'K', 'B', 'elbo', 'kl', 'loglik', 'IGR_I', 'IGR_SB', 'GenGS', 'Poisson',
  'Normal', 'Bernoulli', 'dense', 'mlp', 'softplus', 'anneal', 'fit_prior', 'uniform', 'Categorical', 'reinforce',
  '0', '1', '0.5', '1e-3', '784', '(', ')', '[', ']', '{', '}', ',', '=', '==', '~', ':', ';', '+', '-', '*', '/',
  '^', '%', '->', '..', '...', '<', '>=', '//', '/*', '*/', '\n', '$', '"', 'é', '\t',
];

/** Runs the front end and checks the invariants; returns nothing, throws on a violation. */
function checkInvariants(text: string): void {
  const started = performance.now();
  const r = checkSource('fuzz.sgm', text);
  for (const d of r.diagnostics) {
    expect(d.code in CATALOG, d.code).toBe(true);
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    for (const rel of d.related) {
      expect(rel.span.start).toBeGreaterThanOrEqual(0);
      expect(rel.span.end).toBeLessThanOrEqual(text.length);
    }
  }
  if (r.ok) for (const m of r.models) buildGraph(m);
  // No hang: even adversarial inputs of a few hundred tokens check in well under a second.
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('front end under random input', () => {
  it('never throws on random token streams', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }), (toks) => checkInvariants(toks.join(' '))),
      { numRuns: 300, seed: 42 },
    );
  });

  it('never throws on random token streams wrapped in a model', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }), (toks) => checkInvariants(`model m(K = 3) {\n${toks.join(' ')}\n}`)),
      { numRuns: 300, seed: 7 },
    );
  });

  it('never throws on mutated valid models (deletions, insertions, swaps)', () => {
    const mutation = fc.record({
      source: fc.nat({ max: sources.length - 1 }),
      edits: fc.array(
        fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.nat({ max: 12 }), insert: fc.constantFrom('', ...TOKENS) }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ source, edits }) => {
        let text = sources[source];
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          text = text.slice(0, at) + e.insert + text.slice(at + e.len);
        }
        checkInvariants(text);
      }),
      { numRuns: 400, seed: 1234 },
    );
  });

  it('never throws on arbitrary unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => checkInvariants(s)), { numRuns: 200, seed: 3 });
  });
});
