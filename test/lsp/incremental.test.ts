// Incremental parsing of the language server (lsp/incremental.ts): after random one-character edits inside the
// statements of every model in models/ and of a generated long model, the tree parsed in part is the tree of a
// whole parse, spans included, and the diagnostics are the same; most edits take the incremental path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largeModel } from '../../bench/large-model.js';
import { packageRoot } from '../../runtime/package-root.js';
import { analyzeDocument } from '../../lsp/document.js';
import { changedRegion } from '../../lsp/incremental.js';

const root = packageRoot();
const texts = [
  ...readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).map((f) => readFileSync(join(root, 'models', f), 'utf8')),
  largeModel(200),
];

/** The checked models of two states agree (statements, scopes' results, resolved calls in order, types). */
function expectSameModels(a: ReturnType<typeof analyzeDocument>, b: ReturnType<typeof analyzeDocument>): void {
  const summary = (s: ReturnType<typeof analyzeDocument>): string =>
    JSON.stringify(
      s.result.models.map((m) => ({
        statements: m.statements.map((x) => [x.statement.span, x.block, x.role]),
        variables: [...m.variables],
        calls: [...m.calls].map(([e, c]) => [e.span, c.name, [...c.args].map(([k, v]) => [k, v.span, v.type])]),
        types: [...m.types].map(([e, t]) => [e.span, t]),
        latents: m.latents,
        observed: m.observed,
        runtimeDims: m.runtimeDims,
        definitions: [...m.definitions],
      })),
    );
  expect(summary(a)).toBe(summary(b));
}

describe('incremental parsing in the language server', () => {
  it('finds the changed region of two texts', () => {
    expect(changedRegion('h = x + 1', 'h = x + 12')).toEqual({ start: 9, endBefore: 9, endAfter: 10 });
    expect(changedRegion('h = abc', 'h = ac')).toEqual({ start: 5, endBefore: 6, endAfter: 5 });
    expect(changedRegion('same', 'same')).toEqual({ start: 4, endBefore: 4, endAfter: 4 });
  });

  it('gives the tree and diagnostics of a whole parse after random edits (property)', () => {
    let incremental = 0;
    let edits = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: texts.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('1', 'a', ' ', '+', '(', ')', ',', '*', '', 'λ', '\n', '~', '[', ']', '2.5', 'x', 'h1', 'sum(', ')', 'q', '-', '/')), { minLength: 1, maxLength: 6 }),
        (model, steps) => {
          let text = texts[model];
          let state = analyzeDocument('file:///m.sgm', 1, text);
          steps.forEach(([which, offset, ch], i) => {
            // Edits land inside statements (the case the incremental path serves), anywhere once the tree is broken.
            const spans = state.result.program.models.flatMap((m) => m.items.flatMap((it): { span: { start: number; end: number } }[] => (it.kind === 'block' ? [...it.statements] : [it]))).map((x) => x.span);
            const span = spans.length > 0 ? spans[which % spans.length] : { start: 0, end: text.length };
            const at = span.start + (offset % (span.end - span.start + 1));
            text = ch === '' ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at);
            const next = analyzeDocument('file:///m.sgm', i + 2, text, state);
            const whole = analyzeDocument('file:///m.sgm', i + 2, text);
            expect(JSON.stringify(next.result.program)).toBe(JSON.stringify(whole.result.program));
            expect(JSON.stringify(next.result.diagnostics)).toBe(JSON.stringify(whole.result.diagnostics));
            expect(JSON.stringify(next.result.plans)).toBe(JSON.stringify(whole.result.plans));
            expectSameModels(next, whole);
            edits++;
            if (next.incremental) incremental++;
            state = next;
          });
        },
      ),
      { numRuns: 150, seed: 18 },
    );
    console.log(`incremental path: ${incremental} of ${edits} edits`);
    // Edits that break the syntax (and every edit after them until it is fixed) take the whole parse.
    expect(incremental).toBeGreaterThan(edits / 10);
  });

  it('re-parses only the statement being typed into, keystroke after keystroke', () => {
    let text = largeModel(300);
    let state = analyzeDocument('file:///m.sgm', 1, text);
    const at = text.indexOf('* 0.5', text.length >> 1) + '* 0.5'.length;
    for (const [i, ch] of [...'123'].entries()) {
      text = text.slice(0, at + i) + ch + text.slice(at + i);
      state = analyzeDocument('file:///m.sgm', i + 2, text, state);
      expect(state.incremental).toBe(true);
      expect(JSON.stringify(state.result.program)).toBe(JSON.stringify(analyzeDocument('file:///m.sgm', 0, text).result.program));
    }
    expect(text).toContain('* 0.5123');
  });
});
