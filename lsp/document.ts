/**
 * One open document as the server knows it: its text, the front end's result (parse, check and plan, the same
 * stages as `sgm check`; the parse re-uses the previous version's tree when an edit stays in one statement, and the
 * check then re-uses the previous check of the statements the edit does not affect, semantics/reuse.ts) and
 * the names in it. Built in one call per version; the server debounces edits, so a burst of keystrokes is
 * checked once.
 */
import type { StageResult } from '../compiler/diagnostics/diagnostic.js';
import { SourceFile } from '../compiler/diagnostics/source.js';
import { checkParsed, type FrontEndResult } from '../compiler/pipeline.js';
import type { Program } from '../compiler/syntax/ast.js';
import { checkReusing, type CheckMemo } from '../compiler/semantics/reuse.js';
import { parse } from '../compiler/syntax/parse.js';
import { reparse, tokenCount } from './incremental.js';
import { occurrences, type Occurrence } from './symbols.js';

/** What the server holds per open document. */
export interface DocumentState {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly result: FrontEndResult;
  /** Every name in the file (computed on the first request that needs it, not on each keystroke). */
  readonly occurrences: readonly Occurrence[];
  /** The parse stage's result (re-used by the next edit, lsp/incremental.ts). */
  readonly parsed: StageResult<Program>;
  readonly tokens?: number;
  /** What checking each statement did (the next version re-checks only what an edit changes, semantics/reuse.ts). */
  readonly memo?: CheckMemo;
  /** Statements whose check was re-used from the previous version. */
  readonly reused: number;
  /** The statement was parsed alone (the rest of the tree re-used). */
  readonly incremental: boolean;
}

/**
 * Checks a document's text; with the previous state, re-parses only the edited statement when it can. The
 * previous state is consumed (its tree's spans and its types map are updated in place): pass each state once.
 */
export function analyzeDocument(uri: string, version: number, text: string, previous?: DocumentState): DocumentState {
  const file = new SourceFile(displayPath(uri), text);
  const again = previous ? reparse(previous, file) : undefined;
  const parsed = again?.parsed ?? parse(file);
  const tokens = again ? again.tokens : tokenCount(text);
  let memo: CheckMemo | undefined;
  let reused = 0;
  const result = checkParsed(file, parsed, {}, (program, f, options = {}) => {
    const r = checkReusing(program, f, options, again && previous?.memo ? { memo: previous.memo, edit: again.edit } : undefined);
    memo = r.memo;
    reused = r.stats.reused;
    return r.result;
  });
  let names: readonly Occurrence[] | undefined;
  return {
    uri,
    version,
    text,
    result,
    // Lazy: the walk over a 5,000-line tree took a third of a keystroke's time, and diagnostics do not need it.
    get occurrences() {
      names ??= occurrences(result.program);
      return names;
    },
    parsed,
    ...(tokens === undefined ? {} : { tokens }),
    ...(memo ? { memo } : {}),
    reused,
    incremental: again !== undefined,
  };
}

/** A path for messages: the file path of a file: URI, else the URI. */
export function displayPath(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
