/**
 * Hover text (Markdown): a name's kind, shape and value range; a distribution's or function's signature with
 * its parameters' docs; on a stochastic statement, the estimator and KL method the compiler chose, with the
 * reasons (the rows of `sgm check --explain`).
 */
import type { Plan } from '../compiler/analysis/plan.js';
import { formatShape } from '../compiler/semantics/shape.js';
import type { CheckedModel, ExprType } from '../compiler/semantics/types.js';
import type * as A from '../compiler/syntax/ast.js';
import { findDistribution, type DistributionSig, type FunctionSig, type ParamSig } from '../stdlib/signatures/index.js';
import { findBuiltinFunction } from '../compiler/estimators/registry.js';
import type { DocumentState } from './document.js';
import { definitionOf, occurrenceAt, type Occurrence } from './symbols.js';

const KIND_TEXT: Record<NonNullable<Occurrence['defines']>, string> = {
  hyper: 'hyperparameter',
  data: 'data',
  param: 'param (learned)',
  const: 'const',
  det: 'deterministic',
  stochastic: 'stochastic',
};

/** Markdown for the hover at `offset`, or undefined. */
export function hoverAt(doc: DocumentState, offset: number): { markdown: string; span: A.Name['span'] } | undefined {
  const o = occurrenceAt(doc.occurrences, offset);
  if (!o) return doc.text[offset] === '~' ? tildeHover(doc, offset) : undefined;
  if (o.kind === 'callee') {
    const sig = findDistribution(o.name) ?? findBuiltinFunction(o.name);
    if (!sig) return undefined;
    return { markdown: signatureMarkdown(sig), span: o.span };
  }
  if (o.kind === 'argument') {
    const sig = o.call ? (findDistribution(o.call.callee.text) ?? findBuiltinFunction(o.call.callee.text)) : undefined;
    const p = sig?.params.find((x) => x.name === o.name || (x.aliases ?? []).includes(o.name));
    return p && sig ? { markdown: `**${p.name}** of \`${sig.name}\`: ${paramLine(p)}`, span: o.span } : undefined;
  }
  const model = doc.result.models.find((m) => m.decl === o.model);
  const def = definitionOf(doc.occurrences, o);
  if (!model || !def) return undefined;
  const parts = [nameLine(model, o, def)];
  const plan = doc.result.plans[doc.result.models.indexOf(model)];
  const statement = o.kind === 'definition' ? o.statement : undefined;
  if (plan && statement?.kind === 'sample') parts.push(...planLines(plan, statement.target.text, doc.result.file.position(statement.span.start).line));
  return { markdown: parts.join('\n\n'), span: o.span };
}

/** On the `~` of a statement: the estimator (and KL) rows of the plan for it. */
function tildeHover(doc: DocumentState, offset: number): { markdown: string; span: A.Name['span'] } | undefined {
  const def = doc.occurrences.find((x) => x.kind === 'definition' && x.statement?.kind === 'sample' && x.statement.span.start <= offset && offset < x.statement.distribution.span.start);
  const s = def?.statement;
  const model = def && doc.result.models.find((m) => m.decl === def.model);
  const plan = model && doc.result.plans[doc.result.models.indexOf(model)];
  if (!def || s?.kind !== 'sample' || !plan) return undefined;
  const lines = planLines(plan, s.target.text, doc.result.file.position(s.span.start).line);
  return lines.length > 0 ? { markdown: [`\`${s.target.text} ~ ...\``, ...lines].join('\n\n'), span: { start: offset, end: offset + 1 } } : undefined;
}

function nameLine(model: CheckedModel, o: Occurrence, def: Occurrence): string {
  const kind = def.defines ? KIND_TEXT[def.defines] : 'name';
  if (def.defines === 'hyper') return `\`${o.name}\` — hyperparameter = ${model.hyperparameters[o.name] ?? '(no value)'}`;
  const type = typeText(o.kind === 'use' ? model.types.get(useExpr(model, o)!) : undefined) ?? typeText(model.variables.get(o.name));
  const latent = model.latents.includes(o.name) ? ', latent' : model.observed.includes(o.name) ? ', observed' : '';
  return `\`${o.name}: ${type ?? '[...]'}\` — ${kind}${latent} (${def.block === 'model' ? 'model level' : def.block})`;
}

/** The identifier expression of a use (the checker's types are keyed by node). */
function useExpr(model: CheckedModel, o: Occurrence): A.Expr | undefined {
  for (const e of model.types.keys()) if (e.kind === 'ident' && e.span.start === o.span.start && e.span.end === o.span.end) return e;
  return undefined;
}

function typeText(t: ExprType | undefined): string | undefined {
  if (!t) return undefined;
  if (t.kind === 'tensor') {
    const extras = [t.range !== 'unknown' && t.range !== 'real' ? t.range : '', t.integer ? 'integer' : '', t.schedule ? 'schedule' : ''].filter(Boolean);
    return `${formatShape(t.shape)}${extras.length ? ` (${extras.join(', ')})` : ''}`;
  }
  if (t.kind === 'distribution') return `${t.sig.name} draw ${formatShape(t.sampleShape)}`;
  return undefined;
}

/** Estimator, prior/likelihood and KL rows of the plan for the `~` statement on a 1-based line. */
function planLines(plan: Plan, node: string, line: number): string[] {
  const lines: string[] = [];
  const est = plan.estimators.find((e) => e.node === node && e.line === line);
  if (est) lines.push(`**estimator:** ${est.estimator}${est.overridden ? ' (chosen by `with`)' : ''} — ${est.reason}`);
  for (const e of plan.evaluated) if (e.node === node && e.line === line) lines.push(`**${e.role}:** ${e.reason}`);
  const kl = plan.kl.find((k) => k.latent === node);
  if (kl && (est || lines.length > 0)) {
    lines.push(`**KL:** ${kl.method === 'closed_form' ? 'closed form' : `Monte Carlo (${kl.samples} samples)`}${kl.overridden ? ' (chosen by `kl(...) =`)' : ''} — ${kl.reason}`);
  }
  return lines;
}

/** `Normal(loc, scale)` with its doc and one line per parameter. */
export function signatureMarkdown(sig: DistributionSig | FunctionSig): string {
  const head = '```sgm\n' + signatureLabel(sig) + '\n```';
  const cite = 'cite' in sig && sig.cite ? `\n\n*${sig.cite}*` : '';
  const params = sig.params.map((p) => `- \`${p.name}\`: ${paramLine(p)}`).join('\n');
  return `${head}\n\n${sig.doc}${cite}${params ? `\n\n${params}` : ''}`;
}

/** `Normal(loc, scale)`, optional parameters with their defaults. */
export function signatureLabel(sig: DistributionSig | FunctionSig): string {
  return `${sig.name}(${sig.params.map(paramLabel).join(', ')})`;
}

export function paramLabel(p: ParamSig): string {
  return p.optional ? (p.default !== undefined ? `${p.name} = ${String(p.default)}` : `${p.name}?`) : p.name;
}

function paramLine(p: ParamSig): string {
  const extras = [p.constraint, p.choices ? `one of ${p.choices.join(', ')}` : '', p.aliases?.length ? `also ${p.aliases.join(', ')}` : ''].filter(Boolean);
  return `${p.doc}${extras.length ? ` (${extras.join('; ')})` : ''}`;
}
