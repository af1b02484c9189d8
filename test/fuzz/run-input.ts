/**
 * Runs one fuzz input through the compiler in-process and classifies the outcome as the CLI would exit:
 * 'ok' (compiled, exit 0), 'user' (coded diagnostics with valid spans, exit 1) or 'internal' (a throw, an
 * unknown code or a span outside the file: exit 2, a defect). For compiled inputs it also looks for injected
 * code: CANARY as an identifier anywhere in the syntax tree of the generated JavaScript (user text may only
 * appear inside comments and string literals).
 */
import { ts } from 'ts-morph';
import { compileSource } from '../../compiler/compile.js';
import { CATALOG } from '../../compiler/diagnostics/catalog.js';
import { formatDiagnostics } from '../../compiler/diagnostics/printer.js';
import { transpileToJs } from '../../compiler/codegen/transpile.js';
import { CANARY, type FuzzInput } from './inputs.js';

export type Outcome = 'ok' | 'user' | 'internal';

export interface RunResult {
  readonly outcome: Outcome;
  /** Why an input is 'internal', or that code was injected. */
  readonly detail?: string;
  /** CANARY appears as code in the generated module. */
  readonly injected: boolean;
  /** The generated JavaScript (compiled inputs only). */
  readonly js?: string;
  readonly ms: number;
  /** Characters of the printed diagnostics (bounded output). */
  readonly printed: number;
}

/** Largest printed diagnostics text accepted for one input (50 diagnostics with windowed excerpts fit easily). */
export const MAX_PRINTED_CHARS = 200_000;

export function runInput(input: FuzzInput, scan = input.attack): RunResult {
  const started = performance.now();
  const ms = (): number => performance.now() - started;
  let result;
  try {
    result = compileSource(input.path, input.text, { sgmVersion: '0.0.0-fuzz', overrides: input.overrides });
  } catch (e) {
    return { outcome: 'internal', detail: `throws: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ') ?? String(e)}`, injected: false, ms: ms(), printed: 0 };
  }
  const n = input.text.length;
  for (const d of result.diagnostics) {
    if (!(d.code in CATALOG)) return { outcome: 'internal', detail: `unknown code ${d.code}`, injected: false, ms: ms(), printed: 0 };
    for (const s of [d.span, ...d.related.map((x) => x.span)]) {
      if (!(s.start >= 0 && s.end >= s.start && s.end <= n)) return { outcome: 'internal', detail: `${d.code} span ${s.start}..${s.end} outside 0..${n}`, injected: false, ms: ms(), printed: 0 };
    }
    if (/\bNaN\b|\bundefined\b(?! name)|\[object Object\]|\[native code\]/.test(d.message.replace(/'[^']*'/g, ''))) return { outcome: 'internal', detail: `${d.code} message '${d.message.slice(0, 200)}'`, injected: false, ms: ms(), printed: 0 };
  }
  let printed = 0;
  try {
    printed = formatDiagnostics(result.file, result.diagnostics).length;
  } catch (e) {
    return { outcome: 'internal', detail: `printer throws: ${(e as Error).message}`, injected: false, ms: ms(), printed: 0 };
  }
  if (printed > MAX_PRINTED_CHARS) return { outcome: 'internal', detail: `printed ${printed} characters`, injected: false, ms: ms(), printed };
  if (!result.ok) return { outcome: 'user', injected: false, ms: ms(), printed };
  if (!result.code) return { outcome: 'internal', detail: 'no errors but no code', injected: false, ms: ms(), printed };
  if (!scan) return { outcome: 'ok', injected: false, ms: ms(), printed };
  let js: string;
  try {
    js = transpileToJs(result.code, 'fuzz.ts');
  } catch (e) {
    return { outcome: 'internal', detail: `transpile throws: ${(e as Error).message}`, injected: false, ms: ms(), printed };
  }
  const syntax = syntaxErrors(js);
  if (syntax) return { outcome: 'internal', detail: `the generated module does not parse: ${syntax}`, injected: false, ms: ms(), printed };
  const injected = hasCanaryIdentifier(js);
  return { outcome: 'ok', injected, ...(injected ? { detail: 'CANARY is code in the generated module' } : {}), js, ms: ms(), printed };
}

/** The first syntax error of a JavaScript module (a generated module must always parse), or undefined. */
export function syntaxErrors(js: string): string | undefined {
  const file = ts.createSourceFile('fuzz.js', js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  // parseDiagnostics: the parser's own errors (not part of the public typings, present on every SourceFile).
  const errors = (file as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  return errors.length > 0 ? ts.flattenDiagnosticMessageText(errors[0].messageText, ' ') : undefined;
}

/** Whether CANARY occurs as an identifier (not inside a comment or string) in JavaScript source. */
export function hasCanaryIdentifier(js: string): boolean {
  if (!js.includes(CANARY)) return false;
  const file = ts.createSourceFile('fuzz.js', js, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const stack: ts.Node[] = [file];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (ts.isIdentifier(node) && node.text === CANARY) return true;
    ts.forEachChild(node, (c) => void stack.push(c));
  }
  return false;
}
