/**
 * The experiments runner: `npm run experiments -- --quick|--full [--only a,b] [--jobs N] [--reuse]`.
 *
 * Every experiment (registry.ts) splits into jobs; jobs run in child processes (experiments/job.ts), `--jobs` at
 * a time (default: 2, one per core of the reference machine; each process runs single-threaded WASM + OpenBLAS),
 * longest first. A job's result lands in results/raw/<scale>/<experiment>/<job>.json as soon as it finishes, and
 * an experiment's report (results/<name>.md and its .svg figures) is written as soon as its last job finishes,
 * so an interrupted run keeps everything already done; `--reuse` skips jobs whose result file exists.
 * Progress: one line per finished job with the elapsed time and an ETA from the jobs' estimated costs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../runtime/checkpoint/write.js';
import { formatSeconds } from '../runtime/eval/eval-progress.js';
import { packageRoot } from '../runtime/package-root.js';
import type { Experiment, Job, RunScale } from './lib/experiment.js';
import { EXPERIMENTS } from './registry.js';

interface Options {
  scale: RunScale;
  only?: string[];
  jobs: number;
  reuse: boolean;
}

const USAGE = `usage: npm run experiments -- --quick|--full [--only name,name] [--jobs N] [--reuse]

  --quick        the short protocol (under 15 minutes on 2 cores)
  --full         the longer protocol
  --only a,b     run only these experiments
  --jobs N       jobs at a time, each in its own process (default: min(2, cores))
  --reuse        keep job results that already exist in results/raw
  -h, --help     this text

experiments: ${EXPERIMENTS.map((e) => `${e.name} (${e.title})`).join('\n             ')}
`;

/** Parses the command line (node:util parseArgs); a mistake ends the process with one line and exit 1. */
function readOptions(argv: readonly string[]): Options {
  const fail = (message: string): never => {
    process.stderr.write(`error: ${message} (try --help)\n`);
    process.exit(1);
  };
  let values: { quick?: boolean; full?: boolean; only?: string; jobs?: string; reuse?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        only: { type: 'string' },
        jobs: { type: 'string' },
        reuse: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    return fail((e as Error).message.split('\n')[0]);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.quick === values.full) fail('give exactly one of --quick (under 15 minutes on 2 cores) or --full (the longer protocol)');
  const o: Options = { scale: values.quick ? 'quick' : 'full', jobs: Math.max(1, Math.min(2, cpus().length)), reuse: values.reuse ?? false };
  if (values.jobs !== undefined) {
    const n = Number(values.jobs);
    if (!Number.isInteger(n) || n < 1) fail(`--jobs expects a positive integer, got '${values.jobs}'`);
    o.jobs = n;
  }
  if (values.only !== undefined) {
    o.only = values.only.split(',').filter(Boolean);
    const unknown = o.only.filter((n) => !EXPERIMENTS.some((e) => e.name === n));
    if (unknown.length > 0) fail(`unknown experiment(s) ${unknown.join(', ')}; known: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
  }
  return o;
}

interface Task {
  readonly experiment: Experiment<Job, unknown>;
  readonly job: Job;
  readonly file: string;
}

/** Runs one job in a child process; resolves to its result, or undefined when it failed (its stderr was shown). */
function runChild(task: Task, scale: RunScale): Promise<unknown> {
  const script = fileURLToPath(new URL('./job.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, task.experiment.name, task.job.id, scale, task.file], {
      cwd: packageRoot(),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => {
      if (code !== 0 || !existsSync(task.file)) {
        process.stderr.write(`FAILED ${task.experiment.name}/${task.job.id} (exit ${code})\n`);
        resolve(undefined);
        return;
      }
      resolve((JSON.parse(readFileSync(task.file, 'utf8')) as { result: unknown }).result);
    });
  });
}

async function main(): Promise<void> {
  const o = readOptions(process.argv.slice(2));
  const root = packageRoot();
  const resultsDir = join(root, 'results');
  const experiments = EXPERIMENTS.filter((e) => !o.only || o.only.includes(e.name));
  if (o.only && experiments.length !== o.only.length) throw new Error(`--only: unknown experiment among ${o.only.join(', ')}`);
  const tasks: Task[] = [];
  for (const experiment of experiments) {
    const dir = join(resultsDir, 'raw', o.scale, experiment.name);
    mkdirSync(dir, { recursive: true });
    for (const job of experiment.jobs(o.scale)) tasks.push({ experiment, job, file: join(dir, `${job.id}.json`) });
  }
  const results = new Map<string, Map<string, unknown>>(experiments.map((e) => [e.name, new Map()]));
  const pending = new Map<string, number>(experiments.map((e) => [e.name, tasks.filter((t) => t.experiment === e).length]));
  const totalCost = tasks.reduce((a, t) => a + t.job.cost, 0);
  const start = performance.now();
  let doneCost = 0;
  let finished = 0;
  process.stderr.write(`experiments (${o.scale}): ${experiments.map((e) => e.name).join(', ')}; ${tasks.length} jobs, ${o.jobs} at a time, estimated ${formatSeconds(totalCost / o.jobs)}\n`);

  const report = (experiment: Experiment<Job, unknown>) => {
    experiment.report(results.get(experiment.name)!, o.scale, {
      scale: o.scale,
      write: (file, text) => {
        writeFileAtomic(join(resultsDir, file), text);
        process.stderr.write(`wrote results/${file}\n`);
      },
      log: (m) => process.stderr.write(`${m}\n`),
    });
  };

  const queue = [...tasks].sort((a, b) => b.job.cost - a.job.cost);
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const name = task.experiment.name;
      let result: unknown;
      if (o.reuse && existsSync(task.file)) result = (JSON.parse(readFileSync(task.file, 'utf8')) as { result: unknown }).result;
      else {
        process.stderr.write(`start ${name}/${task.job.id}\n`);
        result = await runChild(task, o.scale);
      }
      if (result !== undefined) results.get(name)!.set(task.job.id, result);
      finished++;
      doneCost += task.job.cost;
      const elapsed = (performance.now() - start) / 1000;
      const eta = doneCost > 0 ? (elapsed * (totalCost - doneCost)) / doneCost : Number.NaN;
      process.stderr.write(`[${finished}/${tasks.length}] ${name}/${task.job.id} ${result === undefined ? 'FAILED' : 'done'} | elapsed ${formatSeconds(elapsed)} | ETA ${formatSeconds(eta)}\n`);
      const left = pending.get(name)! - 1;
      pending.set(name, left);
      if (left === 0) report(task.experiment);
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  const failed = tasks.length - [...results.values()].reduce((a, m) => a + m.size, 0);
  process.stderr.write(`finished in ${formatSeconds((performance.now() - start) / 1000)}${failed > 0 ? `, ${failed} job(s) FAILED` : ''}\n`);
  if (failed > 0) process.exitCode = 1;
}

await main();
