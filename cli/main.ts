/**
 * The sgm command line: thin wiring of commander to the compiler and runtime. `run` is used in-process by
 * the tests and by the `sgm` binary. User mistakes exit 1 with one clear line; bugs exit 2.
 */
import { Command, CommanderError } from 'commander';
import { describeEnvironmentFault, isUserError, formatError, UserError } from '../runtime/errors.js';
import { registerCheck } from './commands/check.js';
import { registerCompile } from './commands/compile.js';
import { registerEval } from './commands/eval.js';
import { registerFmt } from './commands/fmt.js';
import { registerLsp } from './commands/lsp.js';
import { registerGraph } from './commands/graph.js';
import { registerPlayground } from './commands/playground.js';
import { registerReport } from './commands/report.js';
import { registerSample } from './commands/sample.js';
import { registerTrain } from './commands/train.js';
import { colorEnabled, EXIT, type ColorWhen, type Io } from './io.js';
import { SGM_VERSION } from './version.js';

/** Runs the CLI with `argv` (without `node` and the script name); resolves to the exit code. */
export async function run(argv: readonly string[], outerIo: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  // The global --color option is known only once commander has parsed it (preAction below); commands read
  // `io.color` when they print, so they see the decision.
  let when: ColorWhen = 'auto';
  const io: Io = {
    stdout: outerIo.stdout,
    stderr: outerIo.stderr,
    isTty: outerIo.isTty,
    cwd: outerIo.cwd,
    get color() {
      return outerIo.color ?? colorEnabled(when, outerIo.env ?? process.env, outerIo.isTty);
    },
  };
  const done = (code: number) => {
    exitCode = code;
  };
  const program = new Command()
    .name('sgm')
    .description('sgm: a compiler for stochastic computation graphs with discrete latent variables')
    .version(SGM_VERSION)
    .option('--color <when>', 'colours in diagnostics: auto (terminals only; honours NO_COLOR and FORCE_COLOR), always or never', 'auto')
    .hook('preAction', (command) => {
      const value = String(command.opts<{ color?: string }>().color ?? 'auto');
      if (value !== 'auto' && value !== 'always' && value !== 'never') throw new UserError(`--color must be one of auto, always, never, got '${value}'`);
      when = value;
    })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCheck(program, io, done);
  registerGraph(program, io, done);
  registerCompile(program, io, done);
  registerTrain(program, io, done);
  registerSample(program, io, done);
  registerReport(program, io, done);
  registerEval(program, io, done);
  registerFmt(program, io, done);
  registerLsp(program, io, done);
  registerPlayground(program, io, done);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? EXIT.ok : EXIT.userError;
    }
    if (isUserError(e)) {
      io.stderr(`${formatError(e)}\n`);
      return EXIT.userError;
    }
    // A file-system fault of the machine (permissions, read-only or full disk) is the user's to fix, not a bug.
    if (describeEnvironmentFault(e) !== undefined) {
      io.stderr(`${formatError(e)}\n`);
      return EXIT.userError;
    }
    io.stderr(`internal error: ${(e as Error).stack ?? String(e)}\nThis is a bug in sgm; please report it with the command and input file.\n`);
    return EXIT.internal;
  }
}
