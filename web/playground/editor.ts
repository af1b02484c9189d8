/**
 * The .sgm editor: CodeMirror 6 with a small stream highlighter (keywords, distributions and built-ins by their
 * capital or known names, numbers, comments, `~`) and live diagnostics: on every change the whole file is checked
 * in the page (checkSource, a few milliseconds for the shipped models) and each diagnostic is shown at its span,
 * with its code, message, label and help. `onCheck` receives every check result (plan table, graph).
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { FrontEndResult } from '../../compiler/pipeline.js';
import { checkSource } from '../../compiler/pipeline.js';

const KEYWORDS = new Set(['model', 'data', 'param', 'const', 'guide', 'generative', 'maximize', 'minimize', 'with', 'true', 'false']);
const OBJECTIVE_WORDS = new Set(['elbo', 'iwae', 'loglik', 'kl', 'anneal', 'ramp', 'reinforce', 'enumerate', 'straight_through', 'pathwise', 'mc', 'closed_form', 'fit_prior']);

/** The highlighter: token classes only, no parse tree (the compiler's diagnostics do the checking). */
const sgmLanguage = StreamLanguage.define<Record<string, never>>({
  name: 'sgm',
  startState: () => ({}),
  token(stream: StringStream): string | null {
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match(/^(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/)) return 'number';
    if (stream.match('~')) return 'operator';
    if (stream.match(/^(?:->|→|==|!=|<=|>=|[-+*/%^=<>:])/)) return 'operator';
    const word = stream.match(/^[\p{L}_][\p{L}\p{N}_]*/u) as RegExpMatchArray | null;
    if (word) {
      const w = word[0];
      if (KEYWORDS.has(w)) return 'keyword';
      if (OBJECTIVE_WORDS.has(w)) return 'atom';
      if (/^\p{Lu}/u.test(w)) return 'typeName';
      return stream.peek() === '(' ? 'function' : 'variableName';
    }
    stream.next();
    return null;
  },
  tokenTable: { function: tags.function(tags.variableName), typeName: tags.typeName, atom: tags.atom },
});

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#7c3aed', fontWeight: '600' },
  { tag: tags.atom, color: '#b45309' },
  { tag: tags.typeName, color: '#0e7490', fontWeight: '600' },
  { tag: tags.function(tags.variableName), color: '#1d4ed8' },
  { tag: tags.number, color: '#15803d' },
  { tag: tags.comment, color: '#6b7280', fontStyle: 'italic' },
  { tag: tags.operator, color: '#be123c' },
]);

/** A compiler diagnostic as CodeMirror shows it (span clamped to the document). */
function toLint(d: Diagnostic, length: number): LintDiagnostic {
  const from = Math.min(d.span.start, length);
  const to = Math.min(Math.max(d.span.end, from), length);
  const extra = [d.label, d.help ? `help: ${d.help}` : undefined].filter(Boolean).join('\n');
  return {
    from,
    to,
    severity: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
    source: d.code,
    message: `${d.message}${extra ? `\n${extra}` : ''}`,
  };
}

/** Options of `createEditor`. */
export interface EditorOptions {
  readonly parent: HTMLElement;
  readonly text: string;
  /** The file name diagnostics and the graph show. */
  readonly path: () => string;
  /** Every check result, after each change (and once at start). */
  readonly onCheck: (result: FrontEndResult, ms: number) => void;
}

/** The editor; `setText` replaces the document (model menu). */
export function createEditor(options: EditorOptions): { view: EditorView; setText(text: string): void } {
  const check = linter(
    (view) => {
      const text = view.state.doc.toString();
      const start = performance.now();
      const result = checkSource(options.path(), text);
      options.onCheck(result, performance.now() - start);
      return result.diagnostics.map((d) => toLint(d, text.length));
    },
    // Short: the acceptance asks for the diagnostic within 300 ms of the keystroke; a check takes a few ms.
    { delay: 60 },
  );
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.text,
      extensions: [lineNumbers(), history(), highlightActiveLine(), keymap.of([...defaultKeymap, ...historyKeymap]), sgmLanguage, syntaxHighlighting(highlight), check, lintGutter(), EditorView.lineWrapping],
    }),
  });
  return {
    view,
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
  };
}
