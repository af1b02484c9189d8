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
import type * as A from '../../compiler/syntax/ast.js';

const root = packageRoot();
const texts = [
  ...readdirSync(join(root, 'models')).filter((f) => f.endsWith('.sgm')).map((f) => readFileSync(join(root, 'models', f), 'utf8')),
  largeModel(200),
];

/** The checked models of two states agree (statements, variables, resolved calls in order, the type of every node). */
function expectSameModels(a: ReturnType<typeof analyzeDocument>, b: ReturnType<typeof analyzeDocument>): void {
  const summary = (s: ReturnType<typeof analyzeDocument>): string =>
    JSON.stringify(
      s.result.models.map((m) => ({
        statements: m.statements.map((x) => [x.statement.span, x.block, x.role]),
        variables: [...m.variables],
        calls: [...m.calls].map(([e, c]) => [e.span, c.name, [...c.args].map(([k, v]) => [k, v.span, v.type])]),
        // The types map is a lookup table (the server updates it in place): compared as a set, in span order.
        types: [...m.types].map(([e, t]) => JSON.stringify([e.span, e.kind, t])).sort(),
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
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('1', 'a', ' ', '+', '(', ')', ',', '*', '', 'λ', '\n', '~')), { minLength: 1, maxLength: 6 }),
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

  it('re-uses the check of unchanged statements and still equals a full check (property)', () => {
    // Whole-statement edits: a value replaced by one of another type or shape (read by later statements), an
    // error, a renamed definition, a deleted statement; each state is checked re-using the previous one.
    let reused = 0;
    let edits = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: texts.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('value', 'value', 'value', 'rename', 'delete', 'error'), fc.nat()), { minLength: 1, maxLength: 5 }),
        (model, steps) => {
          let text = texts[model];
          let state = analyzeDocument('file:///m.sgm', 1, text);
          steps.forEach(([which, op, pick], i) => {
            const statements = state.result.program.models.flatMap((m) => m.items.flatMap((it): A.ModelItem[] => (it.kind === 'block' ? [...it.statements] : [it])));
            if (statements.length === 0) return;
            const st = statements[which % statements.length];
            const earlier = statements.slice(0, which % statements.length).flatMap((x) => (x.kind === 'assign' ? [x.targets[0].text] : x.kind === 'data' || x.kind === 'param' ? [x.name.text] : []));
            const X = earlier.length > 0 ? earlier[pick % earlier.length] : 'x';
            const values = ['0', '[1, 2, 3]', `sum(${X}, axis = -1)`, `${X} + 1`, 'nope', `${X}[0]`, `dense(${X}, [3])`, `softmax(${X})`, 'Normal(0, 1)', `${X} * ${X}`, `mean(${X})`, '2.5'];
            const replace = (sp: { start: number; end: number }, by: string): void => void (text = text.slice(0, sp.start) + by + text.slice(sp.end));
            if (op === 'value' && st.kind === 'assign') replace(st.value.span, values[pick % values.length]);
            else if (op === 'value' && st.kind === 'sample') replace(st.distribution.span, ['Normal(0, 1)', `Normal(${X}, 1)`, 'Bernoulli(probs = 0.5)', 'nope'][pick % 4]);
            else if (op === 'rename' && st.kind === 'assign') replace(st.targets[0].span, `${st.targets[0].text}_r`);
            else if (op === 'delete') replace(st.span, '');
            else if (op === 'error' && st.kind !== 'objective') replace({ start: st.span.end, end: st.span.end }, ' + nope');
            else replace({ start: st.span.end, end: st.span.end }, ' ');
            const next = analyzeDocument('file:///m.sgm', i + 2, text, state);
            const whole = analyzeDocument('file:///m.sgm', i + 2, text);
            expect(JSON.stringify(next.result.diagnostics)).toBe(JSON.stringify(whole.result.diagnostics));
            expect(JSON.stringify(next.result.plans)).toBe(JSON.stringify(whole.result.plans));
            expectSameModels(next, whole);
            edits++;
            reused += next.reused;
            state = next;
          });
        },
      ),
      { numRuns: 120, seed: 19 },
    );
    console.log(`re-used statement checks: ${reused} in ${edits} edits`);
    expect(reused).toBeGreaterThan(edits);
  });

  it('re-checks only the edited statement and what reads a changed definition', () => {
    let text = largeModel(300);
    let state = analyzeDocument('file:///m.sgm', 1, text);
    const total = state.result.models[0].statements.length;
    // A digit typed into a constant: no definition's type changes, every other statement is re-used.
    const at = text.indexOf('* 0.5', text.length >> 1) + '* 0.5'.length;
    text = text.slice(0, at) + '1' + text.slice(at);
    state = analyzeDocument('file:///m.sgm', 2, text, state);
    expect(state.reused).toBe(total - 1);
    // A value whose shape changes ([B, D] to [B]): the statements before it are re-used; the chain after it reads
    // the changed type (each line reads the one before), so it is checked again.
    const line = text.slice(0, at).lastIndexOf('\n') + 1;
    const eq = text.indexOf('= ', line) + 2;
    const target = text.slice(line, eq).trim().split(' ')[0];
    text = text.slice(0, eq) + `sum(x, axis = -1)` + text.slice(text.indexOf('\n', eq));
    const edited = state.result.models[0].statements.findIndex((x) => x.statement.span.start <= eq && eq <= x.statement.span.end);
    state = analyzeDocument('file:///m.sgm', 3, text, state);
    expect(edited).toBeGreaterThan(100);
    expect(state.reused).toBe(edited);
    const whole = analyzeDocument('file:///m.sgm', 3, text);
    expect(JSON.stringify(state.result.diagnostics)).toBe(JSON.stringify(whole.result.diagnostics));
    expect(target).toMatch(/^h\d+$/);
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
