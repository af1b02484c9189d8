// The building blocks that keep user text out of generated code (compiler/codegen/names.ts), checked by
// evaluating what they produce with JavaScript itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { literal } from '../../compiler/codegen/emit-expr.js';
import { commentText, derivedId, member, NameTable, propKey, sourceId, str } from '../../compiler/codegen/names.js';

const text = fc.string({ unit: fc.oneof(fc.constantFrom('*', '/', '\n', '\r', '\u2028', '\u2029', "'", '"', '`', '\\', '$', '{', '}'), fc.string({ unit: 'binary', maxLength: 1 })) });

describe('names.ts', () => {
  it('str gives a literal that evaluates to the text itself', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(new Function(`return ${str(s)};`)()).toBe(s);
      }),
      { numRuns: 500, seed: 1 },
    );
  });

  it('commentText cannot end a line comment or a block comment', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(new Function(`return 1 // ${commentText(s)}\n + 1;`)()).toBe(2);
        expect(new Function(`return 1 /* ${commentText(s)} */ + 2;`)()).toBe(3);
      }),
      { numRuns: 500, seed: 2 },
    );
  });

  it('propKey and member make a property of any name, __proto__ included', () => {
    for (const k of ['x', '__proto__', 'constructor', 'a-b', "it's", 'λ', '1x']) {
      const o = new Function(`return { ${propKey(k)}: 7 };`)() as Record<string, number>;
      expect(Object.hasOwn(o, k), k).toBe(true);
      expect(new Function('o', `return ${member('o', k)};`)(o)).toBe(7);
    }
  });

  it('source and derived identifiers contain $, are valid identifiers, and never equal each other', () => {
    for (const n of ['z', 'x²', 'λ', '_', 'constructor', 'class']) {
      expect(sourceId(n)).toContain('$');
      expect(() => new Function(`let ${sourceId(n)} = 1; let ${derivedId(n, 'q')} = 2;`)).not.toThrow();
    }
    expect(derivedId('x.logits', 'layers')).toBe('x$logits_layers');
    const t = new NameTable();
    t.reserveSource(['z', 'z_q']);
    expect([t.source('z'), t.source('z_q'), t.derived('z', 'q'), t.derived('z', 'q'), t.fresh('s')]).toEqual(['z$', 'z_q$', 'z$q', 'z$q_2', 's_2']);
    expect(() => t.fresh('a$')).toThrow(/contains '\$'/);
  });

  it('literal prints NaN, ±Infinity and -0 as expressions with those values', () => {
    for (const v of [NaN, Infinity, -Infinity, -0, 0, 1e21, -1.5e-300, 0.5]) expect(Object.is(new Function(`return ${literal(v)};`)(), v), String(v)).toBe(true);
    expect(literal(-0)).toBe('-0');
  });
});
