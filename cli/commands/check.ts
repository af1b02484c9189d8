/** `sgm check FILE`: parse and check a model; print diagnostics. */
import type { Command } from 'commander';
import { formatPlan } from '../../compiler/analysis/explain.js';
import { choice, collectSet, frontEnd, printDiagnostics, type DiagnosticFormat } from '../front-end.js';
import { EXIT, type Io } from '../io.js';

/** Registers the command. `done` receives the exit code. */
export function registerCheck(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('check')
    .description('parse and check a model: names, hyperparameters, shapes, arguments, structure')
    .argument('<file>', 'the .sgm model')
    .option('--set <name=value>', 'override a hyperparameter (repeatable), e.g. --set K=20', collectSet)
    .option('--format <format>', 'diagnostics as text (stderr) or json (stdout)', 'text')
    .option('--explain', 'print the estimator and KL plan: one row per stochastic node with the reason')
    .addHelpText('after', '\nExit codes: 0 no errors (warnings allowed), 1 errors in the model, 2 internal error.')
    .action((file: string, opts: { set?: Record<string, number>; format: string; explain?: boolean }) => {
      const format = choice<DiagnosticFormat>('--format', opts.format, ['text', 'json']);
      const result = frontEnd(io, file, opts.set);
      printDiagnostics(io, result, format);
      if (opts.explain && result.ok && format === 'text') for (const plan of result.plans) io.stdout(formatPlan(plan));
      if (format === 'text' && result.ok) io.stderr(`${file}: ok${result.diagnostics.length ? ' (with warnings)' : ''}\n`);
      done(result.ok ? EXIT.ok : EXIT.userError);
    });
}
