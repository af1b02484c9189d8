/** `sgm lsp --stdio`: the language server over standard input and output (lsp/server.ts, docs/editors.md). */
import type { Command } from 'commander';
import { UserError } from '../../runtime/errors.js';
import { EXIT, type Io } from '../io.js';

/** Registers the command; it resolves when the editor ends the session. */
export function registerLsp(program: Command, _io: Io, done: (code: number) => void): void {
  program
    .command('lsp')
    .description('run the language server (diagnostics, hover, completion, navigation, rename, formatting) for an editor')
    .option('--stdio', 'talk the Language Server Protocol over stdin/stdout (the only transport)')
    .addHelpText('after', '\nEditors start this themselves; docs/editors.md shows the setup for VS Code, Neovim and Helix.')
    .action(async (opts: { stdio?: boolean }) => {
      if (!opts.stdio) throw new UserError('sgm lsp needs --stdio (the only transport)');
      // Loaded on demand: the other commands do not pay for the protocol library.
      const { startServer } = await import('../../lsp/server.js');
      await startServer(process.stdin, process.stdout);
      done(EXIT.ok);
    });
}
