/**
 * Completion and signature help. Both read the text before the cursor, not the tree: while a user types, the
 * statement under the cursor is usually broken (`Normal(mu, ` has no closing parenthesis yet), but the open call
 * and the argument position are plain to see by scanning back over balanced brackets.
 */
import { ACTIVATIONS, DISTRIBUTIONS, FUNCTIONS, findDistribution, type DistributionSig, type FunctionSig } from '../stdlib/signatures/index.js';
import type { DocumentState } from './document.js';
import { paramLabel, signatureLabel, signatureMarkdown } from './hover.js';
import { ESTIMATOR_KINDS, ESTIMATOR_SIGNATURES, findBuiltinFunction } from '../compiler/estimators/registry.js';

/** What a completion item is (mapped to the protocol's CompletionItemKind by the server). */
export type CompletionKind = 'distribution' | 'function' | 'keyword' | 'variable' | 'argument' | 'value';

export interface Completion {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  /** Text inserted instead of the label. */
  readonly insertText?: string;
}

const KEYWORDS = ['model', 'data', 'param', 'const', 'guide', 'generative', 'maximize', 'minimize', 'report', 'with', 'true', 'false'];

/** The call whose argument list holds the cursor: its name, the index of the argument, and names already given. */
export interface OpenCall {
  readonly callee: string;
  readonly argumentIndex: number;
  readonly named: readonly string[];
  /** The argument at the cursor is named (`tau = |`). */
  readonly inNamedValue?: string;
}

/** Scans back from `offset` for the innermost unclosed `(` preceded by a name. */
export function openCallAt(text: string, offset: number): OpenCall | undefined {
  let depth = 0;
  let commas = 0;
  const named: string[] = [];
  let inNamedValue: string | undefined;
  let sawToken = false;
  for (let i = offset - 1; i >= 0 && offset - i < 4000; i--) {
    const c = text[i];
    if (c === '\n' && depth === 0 && /^\s*(?:\/\/.*)?$/.test(text.slice(i + 1, offset)) && sawToken) return undefined;
    if (c === ')' || c === ']') depth++;
    else if (c === '[') {
      if (depth === 0) return undefined; // inside a list or an index, not directly in a call
      depth--;
    } else if (c === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const m = /([\p{L}_][\p{L}\p{N}_]*)\s*$/u.exec(text.slice(Math.max(0, i - 80), i));
      if (!m) return undefined;
      return { callee: m[1], argumentIndex: commas, named, ...(inNamedValue ? { inNamedValue } : {}) };
    } else if (depth === 0 && c === ',') commas++;
    else if (depth === 0 && c === '=' && text[i - 1] !== '=' && text[i + 1] !== '=' && !'<>!'.includes(text[i - 1] ?? '')) {
      const m = /([\p{L}_][\p{L}\p{N}_]*)\s*$/u.exec(text.slice(Math.max(0, i - 80), i));
      if (m) {
        if (commas === 0 && inNamedValue === undefined) inNamedValue = m[1];
        else named.push(m[1]);
      }
    } else if (depth === 0 && (c === '{' || c === '}' || c === '~')) return undefined;
    if (!/\s/.test(c)) sawToken = true;
  }
  return undefined;
}

const signatureOf = (name: string): DistributionSig | FunctionSig | undefined => findDistribution(name) ?? findBuiltinFunction(name);

/** Completions at `offset`. */
export function completionsAt(doc: DocumentState, offset: number): Completion[] {
  const before = doc.text.slice(Math.max(0, offset - 200), offset);
  const word = /[\p{L}_][\p{L}\p{N}_]*$/u.exec(before)?.[0] ?? '';
  const lead = before.slice(0, before.length - word.length);
  if (/\/\/[^\n]*$/.test(lead)) return []; // in a line comment
  const out: Completion[] = [];
  const call = openCallAt(doc.text, offset - word.length);
  const sig = call ? signatureOf(call.callee) : undefined;
  if (call && sig && call.inNamedValue === undefined && /(^|[(,]\s*)$/.test(lead)) {
    for (const p of sig.params) {
      if (call.named.includes(p.name)) continue;
      out.push({ label: `${p.name} =`, kind: 'argument', insertText: `${p.name} = `, detail: `${sig.name}: ${paramLabel(p)}`, documentation: p.doc });
    }
  }
  if (call?.inNamedValue !== undefined && sig) {
    const p = sig.params.find((x) => x.name === call.inNamedValue);
    for (const choice of p?.choices ?? (p?.kind === 'activation' ? ACTIVATIONS : [])) out.push({ label: choice, kind: 'value', detail: `${sig.name}.${p!.name}` });
  }
  if (/\bwith\s*$/.test(lead)) for (const e of ESTIMATOR_KINDS) out.push({ label: e, kind: 'function', detail: 'estimator' });
  for (const d of DISTRIBUTIONS) out.push({ label: d.name, kind: 'distribution', detail: signatureLabel(d), documentation: signatureMarkdown(d) });
  for (const f of [...FUNCTIONS, ...ESTIMATOR_SIGNATURES]) out.push({ label: f.name, kind: 'function', detail: signatureLabel(f), documentation: signatureMarkdown(f) });
  for (const k of KEYWORDS) out.push({ label: k, kind: 'keyword' });
  // Names of the model around the cursor defined before it (hyperparameters and declarations anywhere).
  const model = doc.result.program.models.find((m) => m.span.start <= offset && offset <= m.span.end) ?? doc.result.program.models[0];
  const seen = new Set<string>();
  for (const o of doc.occurrences) {
    if (o.kind !== 'definition' || o.model !== model || seen.has(o.name) || o.name === word) continue;
    if (o.span.start > offset && o.defines !== 'hyper' && o.defines !== 'data' && o.defines !== 'param' && o.defines !== 'const') continue;
    seen.add(o.name);
    out.push({ label: o.name, kind: 'variable', detail: o.defines === 'hyper' ? 'hyperparameter' : (o.defines ?? '') });
  }
  return out;
}

/** Signature help at `offset`: the signature of the open call and the active parameter. */
export function signatureHelpAt(text: string, offset: number): { label: string; documentation: string; parameters: { label: string; documentation: string }[]; active: number } | undefined {
  const call = openCallAt(text, offset);
  const sig = call ? signatureOf(call.callee) : undefined;
  if (!call || !sig) return undefined;
  const params = sig.params.map((p) => ({ label: paramLabel(p), documentation: p.doc }));
  const named = call.inNamedValue ?? undefined;
  const byName = named === undefined ? -1 : sig.params.findIndex((p) => p.name === named || (p.aliases ?? []).includes(named));
  const active = byName >= 0 ? byName : Math.min(call.argumentIndex, Math.max(0, params.length - 1));
  return { label: signatureLabel(sig), documentation: sig.doc, parameters: params, active };
}
