/**
 * The VS Code side of sgm: starts `sgm lsp --stdio` (the command in the `sgm.server.command` setting) for .sgm
 * files and hands the editor to it. Bundled with vscode-languageclient into dist/extension.js by
 * scripts/build-vsix.ts; `vscode` is provided by the editor at run time.
 */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('sgm.server');
  const command = config.get<string>('command', 'sgm');
  const args = config.get<string[]>('args', ['lsp', '--stdio']);
  // No `transport`: the client then spawns the command with these args as they are and talks over its stdio
  // (with a transport it would append flags of its own, such as --clientProcessId, that sgm does not take).
  const serverOptions: ServerOptions = { command, args, options: { shell: process.platform === 'win32' } };
  const clientOptions: LanguageClientOptions = { documentSelector: [{ language: 'sgm' }] };
  client = new LanguageClient('sgm', 'sgm language server', serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => void client?.stop() });
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
