/**
 * The sgm language server (`sgm lsp --stdio`; docs/editors.md): the Language Server Protocol over a pair of
 * streams with vscode-languageserver. Documents are synchronised incrementally; after a short debounce (a burst of
 * keystrokes is checked once) a change is parsed again (only the edited statement when it can, lsp/incremental.ts),
 * the model is checked (re-using the previous check for statements the edit does not affect, compiler/semantics/reuse.ts),
 * and every diagnostic of the file is published. Requests made while a check is pending run it first, so answers always see the latest text.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DiagnosticTag,
  SemanticTokensBuilder,
  StreamMessageReader,
  StreamMessageWriter,
  SymbolKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Range,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import type { Span } from '../compiler/diagnostics/source.js';
import { SGM_VERSION } from '../compiler/version.js';
import { completionsAt, signatureHelpAt, type CompletionKind } from './completion.js';
import { analyzeDocument, type DocumentState } from './document.js';
import { definitionAt, documentSymbols, fixesOf, formatEdits, referencesAt, renameAt, renameRangeAt, semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES, type Fix, type SymbolNode } from './features.js';
import { hoverAt } from './hover.js';

/** Milliseconds between the last change and the check (keystrokes in a burst are checked once). */
export const DEBOUNCE_MS = 50;

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  distribution: CompletionItemKind.Class,
  function: CompletionItemKind.Function,
  keyword: CompletionItemKind.Keyword,
  variable: CompletionItemKind.Variable,
  argument: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
};

const SYMBOL_KIND: Record<SymbolNode['kind'], SymbolKind> = {
  model: SymbolKind.Module,
  block: SymbolKind.Namespace,
  variable: SymbolKind.Variable,
  constant: SymbolKind.Constant,
  objective: SymbolKind.Event,
  field: SymbolKind.Field,
};

/** Starts a server on the given streams; resolves when the client sends `exit` or the input ends. */
export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  const timers = new Map<string, NodeJS.Timeout>();

  /** The checked state of a document, checking it now if its latest version is not checked yet. */
  const stateOf = (uri: string): DocumentState | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const known = states.get(uri);
    if (known && known.version === doc.version) return known;
    return refresh(doc);
  };
  const refresh = (doc: TextDocument): DocumentState => {
    const timer = timers.get(doc.uri);
    if (timer) clearTimeout(timer);
    timers.delete(doc.uri);
    let state: DocumentState;
    try {
      state = analyzeDocument(doc.uri, doc.version, doc.getText(), states.get(doc.uri));
    } catch (e) {
      // A bug in sgm must not end the editor's session: report it and check the whole text again next time.
      connection.console.error(`sgm: internal error while checking ${doc.uri}: ${(e as Error).stack ?? String(e)}`);
      states.delete(doc.uri);
      state = analyzeDocument(doc.uri, doc.version, doc.getText());
    }
    states.set(doc.uri, state);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: state.result.diagnostics.map((d) => toLsp(doc, state, d)) });
    return state;
  };
  const schedule = (doc: TextDocument): void => {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    timers.set(doc.uri, setTimeout(() => {
      const latest = documents.get(doc.uri);
      if (latest) stateOf(latest.uri);
    }, DEBOUNCE_MS));
  };

  connection.onInitialize(() => ({
    serverInfo: { name: 'sgm', version: SGM_VERSION },
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['(', ',', ' ', '='] },
      signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [',', '='] },
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      documentFormattingProvider: true,
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
    },
  }));

  documents.onDidOpen((e) => void refresh(e.document));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    const timer = timers.get(e.document.uri);
    if (timer) clearTimeout(timer);
    timers.delete(e.document.uri);
    states.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = (uri: string, position: { line: number; character: number }): { doc: TextDocument; state: DocumentState; offset: number } | undefined => {
    const doc = documents.get(uri);
    const state = stateOf(uri);
    return doc && state ? { doc, state, offset: doc.offsetAt(position) } : undefined;
  };
  const range = (doc: TextDocument, s: Span): Range => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) });

  connection.onHover((p) => {
    const c = at(p.textDocument.uri, p.position);
    const h = c && hoverAt(c.state, c.offset);
    return c && h ? { contents: { kind: 'markdown', value: h.markdown }, range: range(c.doc, h.span) } : null;
  });
  connection.onCompletion((p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return [];
    return completionsAt(c.state, c.offset).map((x, i) => ({
      label: x.label,
      kind: COMPLETION_KIND[x.kind],
      sortText: String(i).padStart(4, '0'),
      ...(x.detail ? { detail: x.detail } : {}),
      ...(x.documentation ? { documentation: { kind: 'markdown' as const, value: x.documentation } } : {}),
      ...(x.insertText ? { insertText: x.insertText } : {}),
    }));
  });
  connection.onSignatureHelp((p) => {
    const c = at(p.textDocument.uri, p.position);
    const s = c && signatureHelpAt(c.state.text, c.offset);
    if (!s) return null;
    return { signatures: [{ label: s.label, documentation: s.documentation, parameters: s.parameters }], activeSignature: 0, activeParameter: s.active };
  });
  connection.onDefinition((p) => {
    const c = at(p.textDocument.uri, p.position);
    const s = c && definitionAt(c.state, c.offset);
    return c && s ? { uri: p.textDocument.uri, range: range(c.doc, s) } : null;
  });
  connection.onReferences((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? referencesAt(c.state, c.offset, p.context.includeDeclaration).map((s) => ({ uri: p.textDocument.uri, range: range(c.doc, s) })) : [];
  });
  connection.onDocumentHighlight((p) => {
    const c = at(p.textDocument.uri, p.position);
    return c ? referencesAt(c.state, c.offset).map((s) => ({ range: range(c.doc, s) })) : [];
  });
  connection.onPrepareRename((p) => {
    const c = at(p.textDocument.uri, p.position);
    const s = c && renameRangeAt(c.state, c.offset);
    return c && s ? range(c.doc, s) : null;
  });
  connection.onRenameRequest((p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return null;
    const edits = renameAt(c.state, c.offset, p.newName);
    if (typeof edits === 'string') throw new Error(edits); // sent to the client as an error reply
    return { changes: { [p.textDocument.uri]: edits.map((e) => ({ range: range(c.doc, e.span), newText: e.text })) } };
  });
  connection.onDocumentSymbol((p) => {
    const c = at(p.textDocument.uri, { line: 0, character: 0 });
    const convert = (s: SymbolNode): DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: SYMBOL_KIND[s.kind],
      range: range(c!.doc, s.span),
      selectionRange: range(c!.doc, s.selection),
      children: s.children.map(convert),
    });
    return c ? documentSymbols(c.state).map(convert) : [];
  });
  connection.onCodeAction((p) => {
    const c = at(p.textDocument.uri, p.range.start);
    if (!c) return [];
    const actions: CodeAction[] = [];
    // Fixes are recomputed on the current text (offsets in a published diagnostic's data may be stale): the
    // client's diagnostic is matched to the current one of the same code and range.
    const same = (a: Range, b: Range): boolean =>
      a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
    for (const d of p.context.diagnostics) {
      const current = c.state.result.diagnostics.find((x) => x.code === d.code && same(range(c.doc, x.span), d.range));
      const fixes: Fix[] = current ? fixesOf(current, c.state) : [];
      for (const f of fixes) {
        actions.push({
          title: f.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: fixes.length === 1,
          edit: { changes: { [p.textDocument.uri]: f.edits.map((e) => ({ range: range(c.doc, e.span), newText: e.text })) } },
        });
      }
    }
    return actions;
  });
  connection.onDocumentFormatting((p) => {
    const c = at(p.textDocument.uri, { line: 0, character: 0 });
    const edits = c ? formatEdits(c.state) : undefined;
    return c && edits ? edits.map((e) => ({ range: range(c.doc, e.span), newText: e.text })) : null;
  });
  connection.languages.semanticTokens.on((p) => {
    const c = at(p.textDocument.uri, { line: 0, character: 0 });
    const builder = new SemanticTokensBuilder();
    if (!c) return builder.build();
    for (const t of semanticTokens(c.state)) {
      // Tokens may not span lines in the protocol: a block comment over several lines is sent line by line.
      let start = t.start;
      const end = t.start + t.length;
      while (start < end) {
        const pos = c.doc.positionAt(start);
        const lineEnd = Math.min(end, c.doc.offsetAt({ line: pos.line + 1, character: 0 }));
        const stop = c.state.text[lineEnd - 1] === '\n' ? lineEnd - 1 : lineEnd;
        if (stop > start) builder.push(pos.line, pos.character, stop - start, TOKEN_TYPES.indexOf(t.type), t.modifiers);
        start = lineEnd > start ? lineEnd : end;
      }
    }
    return builder.build();
  });

  documents.listen(connection);
  return new Promise((resolve) => {
    connection.onExit(() => resolve());
    input.on('end', () => resolve());
    connection.listen();
  });
}

/** A compiler diagnostic as the protocol's, with its fixes in `data` for code actions. */
function toLsp(doc: TextDocument, state: DocumentState, d: Diagnostic): LspDiagnostic {
  const fixes = fixesOf(d, state);
  const message = [d.message, d.label ? `${d.label}` : '', ...d.notes.map((n) => `note: ${n}`), d.help ? `help: ${d.help}` : ''].filter(Boolean).join('\n');
  return {
    range: { start: doc.positionAt(d.span.start), end: doc.positionAt(d.span.end) },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.code,
    source: 'sgm',
    message,
    ...(d.code === 'SGM4001' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    relatedInformation: d.related.map((r) => ({ location: { uri: doc.uri, range: { start: doc.positionAt(r.span.start), end: doc.positionAt(r.span.end) } }, message: r.message })),
    ...(fixes.length > 0 ? { data: { fixes } } : {}),
  };
}
