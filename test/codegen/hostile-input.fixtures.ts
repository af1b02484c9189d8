/**
 * Adversarial inputs for the code generator (issue: a model file must never run code): names that collide with
 * JavaScript, with Object.prototype and with every identifier the generator writes; comments and paths that try
 * to close a comment or a string; and model templates to put them in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { packageRoot } from '../../runtime/package-root.js';

/** JavaScript's reserved words, strict-mode and contextual keywords, and global values. */
export const JS_WORDS = (
  'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
  'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
  'yield let static implements interface package private protected public await async of get set undefined NaN ' +
  'Infinity arguments eval globalThis Object Array Map Math JSON Promise Symbol Error require module exports'
).split(' ');

/** Own property names of Object.prototype (constructor, __proto__, toString, valueOf, hasOwnProperty, ...). */
export const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** Every identifier in the committed generated modules (imports, helpers, locals), read with the TS parser. */
export function generatorIdentifiers(): string[] {
  const dir = join(packageRoot(), 'test/cases/models');
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.generated.ts'))) {
    const file = ts.createSourceFile(f, readFileSync(join(dir, f), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) names.add(n.text);
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  // A generated identifier with `$` comes from a source name; the part before `$` is such a name.
  return [...new Set([...names].map((n) => n.split('$')[0]).filter((n) => n !== ''))].sort();
}

/** Names issue reports crashed `train` with, and the two of the "identifier already declared" report. */
export const CRASHED_BEFORE = ['s', 'latents', 'constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'GenGS', 'Poisson', 'anneal', 'hyper', 'forward', 'dimsOf', 'requireData', 'requireDim'];

/** Unicode identifiers sgm accepts (letters and digits of any script; `²` is a digit JavaScript does not allow). */
export const UNICODE_NAMES = ['λ', 'σ_y', 'τ₀', 'x²', 'naïve_rate', 'Ωmega', 'データ', 'ǅ', 'ﬁ', 'ℌ', 'x_u00b2_'];

/** A blocks model with every kind of name: hyperparameter, data, shared value, param, schedule, layer output, two latents. */
export const BLOCKS_ROLES = ['HYP', 'DATA', 'SHARED', 'PARAM', 'SCHED', 'HID', 'LAT', 'CONT'] as const;
export const BLOCKS_TEMPLATE = `model t(HYP = 3) {
  data DATA: [B, 4]
  SHARED = 0.5
  SCHED = ramp(0.0 -> 1.0, steps = 10)
  param PARAM: [4] = 0
  guide {
    HID = dense(DATA, [HYP])
    LAT ~ Categorical(logits = HID) with reinforce(baseline = ema(0.9))
    CONT ~ Normal(dense(DATA, [2]), 1)
  }
  generative {
    LAT ~ Categorical(uniform(HYP))
    CONT ~ Normal(0, 1) : [2]
    DATA ~ Bernoulli(logits = dense(concat(one_hot(LAT, HYP), CONT), [4]) + PARAM * SHARED * SCHED)
  }
  maximize elbo
}
`;

/** A flat model summing a categorical out exactly, with an index expression. */
export const FLAT_ROLES = ['HYP', 'PARAM', 'LAT', 'VAL'] as const;
export const FLAT_TEMPLATE = `model t(HYP = 4) {
  param PARAM: [HYP] = 0
  LAT ~ Categorical(logits = PARAM)
  VAL = LAT - PARAM[0]
  minimize VAL^2
}
`;

/** The template with each role replaced by its name (roles are whole words of upper-case letters). */
export function instantiate(template: string, names: Readonly<Record<string, string>>): string {
  return template.replace(/\b[A-Z]{3,6}\b/g, (w) => (Object.hasOwn(names, w) ? names[w] : w));
}

/** The four line breaks JavaScript knows: U+000A, U+000D, U+2028, U+2029. */
export const LINE_BREAKS = ['\n', '\r', '\u2028', '\u2029'];

/** Text that would write a file if it ran. */
export const PAYLOAD = "; import('node:fs').then((f) => f.writeFileSync('/tmp/sgm-owned', 'owned')) ";
