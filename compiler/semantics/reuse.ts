/**
 * Re-using the checker's work between two versions of a file (the language server, lsp/document.ts). A check
 * records, per statement, what checking it did: its diagnostics (copied, at the positions of that version), the
 * types and resolved calls it added, the scope entries it defined (the `define` calls), the names it marked used,
 * the run-time dimensions it found and the parameter count before and after it. When the next version's tree is
 * the previous one with one statement replaced (lsp/incremental.ts keeps every other statement object), the
 * checker re-checks the replaced statement and replays the records of the others, which is what checking them
 * again would do, because checking a statement reads only the state the statements before it left: the scopes,
 * the parameter count, and the model-wide pre-pass (definitions, latents), which is recomputed. A statement after
 * the edited one is checked again when it reads a name whose definition changed (the edited statement's defined
 * types differ, transitively), or when the parameter count it starts from differs. Anything else (another
 * statement's diagnostic pointing into the edited statement, a statement added or removed, a defined name
 * renamed) checks the whole model. The objective, KL overrides and model-wide checks always run again (cheap).
 * test/lsp/incremental.test.ts checks that the result equals a full check after random edits.
 */
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../diagnostics/source.js';
import type * as A from '../syntax/ast.js';
import { check, type CheckOptions, type StatementsPass } from './check.js';
import type { CheckContext, DefineCall } from './context.js';
import { checkStatement, define } from './statements.js';
import type { OrderedStatement } from './structure.js';
import type { CheckedModel, CheckedStatement, ExprType, ResolvedCall } from './types.js';

/** What checking one statement did (positions as in the version it was checked in). */
interface StatementRecord {
  readonly statement: A.Statement;
  readonly block: string;
  readonly order: number;
  readonly checked: CheckedStatement;
  readonly diagnostics: readonly Diagnostic[];
  /** The nodes it typed (their entries stay in the types map, which is updated in place). */
  readonly types: readonly A.Expr[];
  readonly calls: readonly (readonly [A.Expr, ResolvedCall])[];
  readonly defines: readonly DefineCall[];
  readonly used: readonly string[];
  readonly runtimeDims: readonly string[];
  readonly paramBefore: number;
  readonly paramAfter: number;
  readonly limitBefore: boolean;
  readonly limitAfter: boolean;
  /** Every name the statement mentions (read or defined): it is checked again when one of them changes. */
  readonly names: ReadonlySet<string>;
}

/** The records of one check of a program, by model. */
export interface CheckMemo {
  readonly models: readonly (ModelMemo | undefined)[];
}

/** The records of one model, its types map and the nodes typed after its statements (objective, KL methods). */
interface ModelMemo {
  readonly records: readonly StatementRecord[];
  readonly types: Map<A.Expr, ExprType>;
  readonly tail: readonly A.Expr[];
}

/** The edit between the memo's version and this one: the replaced statement's old span and the change of length. */
export interface CheckEdit {
  readonly start: number;
  readonly end: number;
  readonly delta: number;
}

/** How much was re-used (for tests and the benchmark). */
export interface ReuseStats {
  reused: number;
  rechecked: number;
}

class Fallback extends Error {}

/**
 * Checks `program` like `check`, re-using `previous` (a memo of the version before `edit`) where it can; returns
 * the result, the memo of this version, and how many statements were re-used.
 */
export function checkReusing(
  program: A.Program,
  file: SourceFile,
  options: CheckOptions,
  previous?: { memo: CheckMemo; edit: CheckEdit },
): { result: StageResult<CheckedModel[]>; memo: CheckMemo; stats: ReuseStats } {
  const stats: ReuseStats = { reused: 0, rechecked: 0 };
  if (previous && previous.memo.models.length === program.models.length) {
    try {
      return run(program, file, options, stats, previous);
    } catch (e) {
      if (!(e instanceof Fallback)) throw e;
      stats.reused = 0;
      stats.rechecked = 0;
    }
  }
  return run(program, file, options, stats, undefined);
}

function run(program: A.Program, file: SourceFile, options: CheckOptions, stats: ReuseStats, previous: { memo: CheckMemo; edit: CheckEdit } | undefined) {
  const models: (ModelMemo | undefined)[] = [];
  const pass: StatementsPass = (ctx, statements, model) => {
    const index = program.models.indexOf(model);
    const old = previous?.memo.models[index];
    if (previous && !old) throw new Fallback();
    if (old) {
      // The previous version's types map, updated in place (a copy of 50,000 entries was most of a keystroke):
      // the nodes typed after the statements go (they are typed again), the hyperparameter defaults are re-set.
      for (const e of old.tail) old.types.delete(e);
      for (const [e, t] of ctx.types) old.types.set(e, t);
      ctx.types = old.types;
    }
    const records: StatementRecord[] = [];
    const out = recordedPass(ctx, statements, old?.records, previous?.edit, records, stats);
    const tail: A.Expr[] = [];
    // Everything typed from here on (KL methods, the objective) is deleted before the next version's pass.
    ctx.typeLog = tail;
    models[index] = records.length === statements.length ? { records, types: ctx.types, tail } : undefined;
    return out;
  };
  const result = check(program, file, options, pass);
  return { result, memo: { models }, stats };
}

/** Checks or replays each statement, recording what it did. */
function recordedPass(
  ctx: CheckContext,
  statements: readonly OrderedStatement[],
  old: readonly StatementRecord[] | undefined,
  edit: CheckEdit | undefined,
  records: StatementRecord[],
  stats: ReuseStats,
): CheckedStatement[] {
  if (old && old.length !== statements.length) throw new Fallback();
  const changed = new Set<string>();
  let replaced = 0;
  const out: CheckedStatement[] = [];
  const fresh: Extent[] = [];
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    const prev = old?.[i];
    if (prev && prev.statement !== s.statement) {
      // The edited statement: the same kind at the same place, defining the same names (else a whole check).
      if (++replaced > 1 || prev.statement.kind !== s.statement.kind || prev.block !== s.block || definedText(prev.statement) !== definedText(s.statement)) throw new Fallback();
    }
    const same = prev !== undefined && prev.statement === s.statement && prev.block === s.block && prev.order === s.order;
    const reusable = same && edit && prev.paramBefore === ctx.paramElements && prev.limitBefore === ctx.paramLimitReported && !mentionsAny(prev.names, changed);
    if (reusable) {
      const r = replay(ctx, prev, edit);
      records.push(r);
      out.push(prev.checked);
      stats.reused++;
      continue;
    }
    // Its old entries go first (the edited statement's nodes are no longer in the tree).
    if (prev) for (const e of prev.types) ctx.types.delete(e);
    const before = sizes(ctx);
    const r = checkRecorded(ctx, s);
    fresh.push({ index: records.length, before, after: sizes(ctx) });
    records.push(r);
    out.push(r.checked);
    stats.rechecked++;
    if (prev && !sameDefines(prev.defines, r.defines)) for (const d of r.defines) changed.add(d.name.text);
  }
  if (!fillEntries(ctx, records, fresh)) records.length = 0;
  return out;
}

/** Where a freshly checked statement's entries lie in the context's insertion-ordered maps and sets. */
interface Extent {
  readonly index: number;
  readonly before: readonly number[];
  readonly after: readonly number[];
}

/** Checks a statement, recording what it did (its map and set entries are filled in by `fillEntries`). */
function checkRecorded(ctx: CheckContext, s: OrderedStatement): StatementRecord {
  const d0 = ctx.diagnostics.length;
  const paramBefore = ctx.paramElements;
  const limitBefore = ctx.paramLimitReported;
  const defines: DefineCall[] = [];
  const used: string[] = [];
  const runtimeDims: string[] = [];
  const types: A.Expr[] = [];
  ctx.typeLog = types;
  ctx.defineLog = defines;
  ctx.used.log = used;
  ctx.runtimeDims.log = runtimeDims;
  let checked: CheckedStatement;
  try {
    checked = checkStatement(ctx, s);
  } finally {
    ctx.typeLog = undefined;
    ctx.defineLog = undefined;
    ctx.used.log = undefined;
    ctx.runtimeDims.log = undefined;
  }
  return {
    statement: s.statement,
    block: s.block,
    order: s.order,
    checked,
    diagnostics: structuredClone(ctx.diagnostics.slice(d0)),
    types,
    calls: [],
    defines,
    used,
    runtimeDims,
    paramBefore,
    paramAfter: ctx.paramElements,
    limitBefore,
    limitAfter: ctx.paramLimitReported,
    names: namesIn(s.statement),
  };
}

const sizes = (ctx: CheckContext): [number] => [ctx.calls.size];

/**
 * Gives each freshly checked statement its calls: new keys of a Map come last in its order, so a
 * statement's entries are those between the sizes before and after it (one sweep over each map, not one per
 * statement).
 */
function fillEntries(ctx: CheckContext, records: StatementRecord[], fresh: readonly Extent[]): boolean {
  if (fresh.length === 0) return true;
  const calls = [...ctx.calls];
  for (const { index, before, after } of fresh) {
    const r = records[index];
    const span = r.statement.span;
    const inside = (e: A.Expr): boolean => e.span.start >= span.start && e.span.end <= span.end;
    const c = calls.slice(before[0], after[0]);
    // A statement that typed a node outside itself (a recovered tree's spans can be odd) is not replayed: the
    // memo is dropped and the next version is checked whole.
    if (!r.types.every(inside) || !c.every(([e]) => inside(e))) return false;
    records[index] = { ...r, calls: c };
  }
  return true;
}

/** Applies a record to the context as checking its statement again would; returns the record in this version's positions. */
function replay(ctx: CheckContext, r: StatementRecord, edit: CheckEdit): StatementRecord {
  const diagnostics = r.diagnostics.length === 0 ? r.diagnostics : r.diagnostics.map((d) => moveSpans(d, edit));
  ctx.diagnostics.push(...diagnostics);
  // Its types are still in the map (updated in place); its calls are set again, in order (their order is read).
  for (const [e, c] of r.calls) ctx.calls.set(e, c);
  for (const d of r.defines) define(ctx, d.name, d.block, d.order, d.type);
  for (const u of r.used) ctx.used.add(u);
  for (const n of r.runtimeDims) ctx.runtimeDims.add(n);
  ctx.paramElements = r.paramAfter;
  ctx.paramLimitReported = r.limitAfter;
  return diagnostics === r.diagnostics ? r : { ...r, diagnostics };
}

/** A copy of a diagnostic with every span moved to the new version; a span inside the edited statement falls back. */
function moveSpans<T>(node: T, edit: CheckEdit): T {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((x) => moveSpans(x, edit)) as T;
  const o = node as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2) {
    const at = (p: number): number => {
      if (p <= edit.start) return p;
      if (p >= edit.end) return p + edit.delta;
      throw new Fallback();
    };
    const start = at(o.start);
    // A span that starts before the edited statement and ends after it would hold the edit.
    if (o.start < edit.start && o.end > edit.start) throw new Fallback();
    return { start, end: at(o.end as number) } as T;
  }
  const copy: Record<string, unknown> = {};
  for (const k in o) copy[k] = moveSpans(o[k], edit);
  return copy as T;
}

/** The names a statement defines, as text (a rename checks the whole model: the pre-pass changes). */
function definedText(st: A.Statement): string {
  switch (st.kind) {
    case 'data':
      // An obs_mask clause makes the name a latent (structure.ts): adding or removing it changes the pre-pass.
      return st.observation === undefined ? st.name.text : `${st.name.text} with observation`;
    case 'param':
    case 'const':
      return st.name.text;
    case 'assign':
      return st.targets.map((t) => t.text).join(',');
    case 'sample':
      return st.target.text;
    case 'kl_override':
      return st.variable.text;
  }
}

function sameDefines(a: readonly DefineCall[], b: readonly DefineCall[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => d.name.text === b[i].name.text && d.block === b[i].block && d.order === b[i].order && JSON.stringify(d.type) === JSON.stringify(b[i].type));
}

function mentionsAny(names: ReadonlySet<string>, changed: ReadonlySet<string>): boolean {
  if (changed.size === 0) return false;
  for (const c of changed) if (names.has(c)) return true;
  return false;
}

/** Every identifier and name in a statement (an over-approximation of the names its check looks up). */
function namesIn(st: A.Statement): Set<string> {
  const out = new Set<string>();
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.kind === 'ident' && typeof o.name === 'string') out.add(o.name);
    if (typeof o.text === 'string') out.add(o.text);
    for (const k in o) if (k !== 'span') visit(o[k]);
  };
  visit(st);
  return out;
}
