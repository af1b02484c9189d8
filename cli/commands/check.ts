/** `sgm check FILES...`: parse and check models; print diagnostics (and with --explain, the estimator plan). */
import type { Command } from 'commander';
import { formatPlan, planRows } from '../../compiler/analysis/explain.js';
import { diagnosticsToJson } from '../../compiler/diagnostics/printer.js';
import { frontEnd, printDiagnostics, type DiagnosticFormat } from '../front-end.js';
import { choice, collectSet } from '../options.js';
import { EXIT, type Io } from '../io.js';

/** Registers the command. `done` receives the exit code. */
export function registerCheck(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('check')
    .description('parse and check models: names, hyperparameters, shapes, arguments, structure')
    .argument('<files...>', 'the .sgm models')
    .option('--set <name=value>', 'override a hyperparameter (repeatable), e.g. --set K=20', collectSet)
    .option('--format <format>', 'diagnostics as text (stderr) or json (stdout)', 'text')
    .option('--explain', 'print the estimator and KL plan: one row per stochastic node with the reason')
    .addHelpText(
      'after',
      [
        '',
        'With --format json, stdout is one JSON array of diagnostics (each names its file); with --explain too, one',
        'object { "diagnostics": [...], "plans": [{ "file", "model", "rows": [...] }] }.',
        '',
        'Exit codes: 0 no errors in any file (warnings allowed), 1 errors in a model, 2 internal error.',
      ].join('\n'),
    )
    .action((files: string[], opts: { set?: Record<string, number>; format: string; explain?: boolean }) => {
      const format = choice<DiagnosticFormat>('--format', opts.format, ['text', 'json']);
      const diagnostics: unknown[] = [];
      const plans: unknown[] = [];
      let ok = true;
      for (const file of files) {
        const result = frontEnd(io, file, opts.set);
        ok &&= result.ok;
        if (format === 'json') {
          diagnostics.push(...diagnosticsToJson(result.file, result.diagnostics));
          if (opts.explain && result.ok) result.plans.forEach((plan, i) => plans.push({ file, model: result.models[i]?.name, rows: planRows(plan, file) }));
          continue;
        }
        printDiagnostics(io, result, format);
        if (opts.explain && result.ok) for (const plan of result.plans) io.stdout(formatPlan(plan, file));
        if (result.ok) io.stderr(`${file}: ok${result.diagnostics.length ? ' (with warnings)' : ''}\n`);
      }
      if (format === 'json') io.stdout(JSON.stringify(opts.explain ? { diagnostics, plans } : diagnostics, null, 2) + '\n');
      done(ok ? EXIT.ok : EXIT.userError);
    });
}
