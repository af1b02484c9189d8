// The CI-sized fuzz run (the long one is `npm run fuzz`): every adversarial class (comments, names, paths,
// sizes, nesting, long lines, mutations) ends in exit-0 or exit-1 behaviour with coded diagnostics, never an
// internal error, within bounded time and output; no generated module contains or runs injected code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importWithCanary } from './canary.js';
import { CANARY, FUZZ_CLASSES, INDEX_COMMENT_ATTACKS, makeInput } from './inputs.js';
import { hasCanaryIdentifier, runInput, syntaxErrors } from './run-input.js';

const BOUNDS = { maxBytes: 60_000, maxDepth: 3_000 };
/** Per-input time limit: far above the few hundred milliseconds the largest CI inputs take. */
const SLOW_MS = 5_000;

describe('adversarial inputs never crash, hang or inject code', () => {
  const attackModules: string[] = [];
  for (const kind of FUZZ_CLASSES) {
    it(`class ${kind}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const input = makeInput(kind, seed, BOUNDS);
          const r = runInput(input);
          expect(r.outcome, `${kind} seed ${seed}: ${r.detail ?? ''}`).not.toBe('internal');
          expect(r.injected, `${kind} seed ${seed}: injected code`).toBe(false);
          expect(r.ms, `${kind} seed ${seed}`).toBeLessThan(SLOW_MS);
          if (r.js && input.attack && attackModules.length < 40) attackModules.push(r.js);
        }),
        { numRuns: 25, seed: 12 },
      );
    }, 120_000);
  }

  it('importing the generated modules of attack inputs runs no payload', () => {
    expect(attackModules.length).toBeGreaterThan(0);
    const r = importWithCanary(attackModules, mkdtempSync(join(tmpdir(), 'sgm-canary-')));
    expect(r.error).toBeUndefined();
    expect(r.executed).toEqual([]);
  }, 120_000);
});

describe('the fuzz oracles can fail', () => {
  it('a generated module that does not parse is caught', () => {
    expect(syntaxErrors('const a = 1; /* x */ ] */')).toBeDefined();
    expect(syntaxErrors('const a = 1; // ok')).toBeUndefined();
  });

  it('the injection scan sees the canary as code but not inside comments or strings', () => {
    expect(hasCanaryIdentifier(`const a = 1;\nglobalThis.${CANARY} = 1;`)).toBe(true);
    expect(hasCanaryIdentifier(`// globalThis.${CANARY} = 1\nconst s = "${CANARY}"; /* ${CANARY} */`)).toBe(false);
  });

  it('the canary import detects a module that runs the payload', () => {
    const r = importWithCanary(['export const a = 1;', `globalThis.${CANARY} = 1;`], mkdtempSync(join(tmpdir(), 'sgm-canary-')));
    expect(r.executed).toEqual([1]);
  }, 60_000);
});

describe('the reproductions of issue 12 items 1 and 2 compile without injected code', () => {
  it.each(INDEX_COMMENT_ATTACKS.map((text, i) => [i, text] as const))('index comment attack %i', (_i, text) => {
    const r = runInput({ kind: 'comment', seed: 0, path: 'attack.sgm', text, overrides: {}, attack: true });
    expect(r.outcome, r.detail).not.toBe('internal');
    expect(r.injected).toBe(false);
  });

  it('a path with a line break and code', () => {
    const path = `/tmp/x\nglobalThis.${CANARY} = 1;\n//.sgm`;
    const r = runInput({ kind: 'path', seed: 0, path, text: 'model m() {\n  param w: [3]\n  minimize sum(w ^ 2)\n}\n', overrides: {}, attack: true });
    expect(r.outcome, r.detail).toBe('ok');
    expect(r.injected).toBe(false);
  });
});

describe('inputs the long fuzz run found', () => {
  it('a bare elbo inside an objective expression compiles to the same code as elbo()', () => {
    const source = (objective: string): string =>
      `model m(K = 4, tau = 0.5) {\n  data x: [B, 8]\n  guide {\n    z ~ IGR_I(dense(x, [K - 1]), 1, tau)\n  }\n  generative {\n    z ~ fit_prior(IGR_I, Categorical(uniform(K)), tau)\n    x ~ Bernoulli(logits = dense(z, [8]))\n  }\n  maximize ${objective}\n}\n`;
    const bare = runInput({ kind: 'mutation', seed: 0, path: 'm.sgm', text: source('elbo + 1'), overrides: {}, attack: false }, true);
    const called = runInput({ kind: 'mutation', seed: 0, path: 'm.sgm', text: source('elbo() + 1'), overrides: {}, attack: false }, true);
    expect(bare.outcome, bare.detail).toBe('ok');
    expect(bare.js!.replace('elbo + 1', 'elbo() + 1')).toBe(called.js);
  });
});
