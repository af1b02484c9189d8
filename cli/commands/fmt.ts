/** `sgm fmt FILES... [-o OUT] [--check]`: rewrite models in the canonical layout (compiler/syntax/format.ts). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostics } from '../../compiler/diagnostics/printer.js';
import { SourceFile } from '../../compiler/diagnostics/source.js';
import { formatSource } from '../../compiler/syntax/format.js';
import { writeFileAtomic } from '../../runtime/checkpoint/write.js';
import { UserError } from '../../runtime/errors.js';
import { readModelFile } from '../front-end.js';
import { EXIT, type Io } from '../io.js';

/** Registers the command. */
export function registerFmt(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('fmt')
    .description('format models in the canonical layout (in place; comments kept; the checked model never changes)')
    .argument('<files...>', 'the .sgm models')
    .option('-o, --output <path>', 'one model: write the formatted text to this file instead of in place ("-" for stdout)')
    .option('--check', 'write nothing; list the files that are not formatted and exit 1 if there is one')
    .addHelpText(
      'after',
      [
        '',
        'A file with syntax errors is left as it is and its errors are printed. Formatting is idempotent, and the',
        'formatted text parses to the same model (checked before anything is written).',
        '',
        'Exit codes: 0 done (with --check: every file formatted), 1 a syntax error or (with --check) an unformatted file, 2 internal error.',
      ].join('\n'),
    )
    .action((files: string[], opts: { output?: string; check?: boolean }) => {
      if (opts.output !== undefined && files.length > 1) throw new UserError(`-o takes one model, got ${files.length}`);
      if (opts.output !== undefined && opts.check) throw new UserError('--check writes nothing: drop -o');
      let ok = true;
      for (const file of files) {
        const text = readModelFile(io, file);
        const result = formatSource(text, file);
        if (!result.ok) {
          ok = false;
          io.stderr(formatDiagnostics(new SourceFile(file, text), result.diagnostics, { color: io.color ?? false }));
          continue;
        }
        if (opts.check) {
          if (result.text !== text) {
            ok = false;
            io.stdout(`${file}\n`);
          }
        } else if (opts.output === '-') io.stdout(result.text);
        else if (opts.output !== undefined) writeFileAtomic(resolve(io.cwd, opts.output), result.text);
        else if (result.text !== text) writeFileAtomic(resolve(io.cwd, file), result.text);
      }
      done(ok ? EXIT.ok : EXIT.userError);
    });
}
