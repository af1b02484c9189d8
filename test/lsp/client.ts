/**
 * A minimal Language Server Protocol client for the tests: starts `sgm lsp --stdio` as a child process (the
 * sources, through tsx, as an editor starts the installed binary), frames JSON-RPC messages with
 * Content-Length headers, and matches replies to requests. Notifications from the server (diagnostics) are
 * kept per URI; `diagnostics(uri, version)` waits for the ones of a document version.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../runtime/package-root.js';

/** A diagnostic as the server publishes it. */
export interface WireDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  message: string;
  data?: unknown;
}

export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly published = new Map<string, { version?: number; diagnostics: WireDiagnostic[] }[]>();
  private readonly waiters: (() => void)[] = [];
  stderr = '';

  /** `args`: node's arguments that start the server (default: the sources through tsx). */
  constructor(args?: readonly string[]) {
    const root = packageRoot();
    this.child = spawn(process.execPath, [...(args ?? ['--import', 'tsx', join(root, 'cli/sgm.ts'), 'lsp', '--stdio'])], { cwd: root, stdio: 'pipe' });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString()));
    // A server that dies fails every request still waiting, with what it printed.
    this.child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the server exited (${code}): ${this.stderr}`));
      this.pending.clear();
    });
  }

  static uri(path: string): string {
    return pathToFileURL(path).href;
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as {
        id?: number;
        method?: string;
        params?: { uri: string; version?: number; diagnostics: WireDiagnostic[] };
        result?: unknown;
        error?: { message: string };
      };
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (body.id !== undefined && body.method === undefined) {
        const p = this.pending.get(body.id);
        this.pending.delete(body.id);
        if (body.error) p?.reject(new Error(body.error.message));
        else p?.resolve(body.result);
      } else if (body.method === 'textDocument/publishDiagnostics' && body.params) {
        const list = this.published.get(body.params.uri) ?? [];
        list.push({ ...(body.params.version === undefined ? {} : { version: body.params.version }), diagnostics: body.params.diagnostics });
        this.published.set(body.params.uri, list);
        this.waiters.splice(0).forEach((w) => w());
      } else if (body.id !== undefined && body.method !== undefined) {
        this.send({ jsonrpc: '2.0', id: body.id, result: null }); // server-to-client requests (none expected)
      }
    }
  }

  private send(message: object): void {
    const text = JSON.stringify(message);
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(text, 'utf8')}\r\n\r\n${text}`);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The diagnostics published for `uri` at `version` (waits for them). */
  async diagnostics(uri: string, version: number, timeoutMs = 30_000): Promise<WireDiagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = (this.published.get(uri) ?? []).find((p) => p.version === version);
      if (hit) return hit.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} version ${version}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown> }> {
    const r = await this.request<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    this.notify('initialized', {});
    return r;
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sgm', version, text } });
  }

  /** An incremental change: replace `range` by `text`. */
  change(uri: string, version: number, range: WireDiagnostic['range'], text: string): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  async shutdown(): Promise<number | null> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.on('exit', (code) => resolve(code));
    });
  }
}

/** Line and character (UTF-16) of an offset in a text. */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
