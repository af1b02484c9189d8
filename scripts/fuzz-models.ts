/**
 * `npm run fuzz:models`: generates random well-typed models from the signature table (test/generator) and runs
 * each through check, compile, type-check and two training steps in worker processes; prints progress and a
 * summary (outcome counts, rejection codes), and writes every failing model with its error to the out folder.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { DEFAULT_EXCLUSIONS, EXCLUSIONS, parseExclusions, type ExclusionId } from '../test/generator/config.js';
import { DEFAULT_CONFIG } from '../test/generator/config.js';
import { modelArbitrary, type GeneratedModel } from '../test/generator/model-arb.js';
import { DEFECTS, type Outcome } from '../test/generator/run-model.js';
import type { FromWorker, ToWorker } from './fuzz/worker.js';

const HELP = `usage: npm run fuzz:models -- [options]

Generates random well-typed .sgm models (every distribution, relaxation, estimator override, objective, block
layout and hierarchy depth of the signature table) and runs each through check, compile, type-check of the
generated module and 2 training steps on a synthetic batch. Prints a summary and writes every failing model
(and its error) to the out folder.

options:
  --models N        number of models (default 5000)
  --seed S          seed of the generator (default 1); the same seed gives the same models
  --jobs J          worker processes (default 2)
  --out DIR         folder for failing models (default: a new folder under ${tmpdir()})
  --chunk C         models per worker message and per type-check program (default 50)
  --include IDS     comma-separated exclusions to lift (generate constructs whose fix has landed)
  --exclude IDS     comma-separated exclusions to add
  --timeout SEC     seconds without a result before a worker is declared hung (default 180)
  -h, --help        this text

exclusions (default: ${DEFAULT_EXCLUSIONS.join(', ') || 'none'}):
${Object.entries(EXCLUSIONS).map(([id, why]) => `  ${id.padEnd(30)} ${why}`).join('\n')}
`;

function options(): { models: number; seed: number; jobs: number; out: string; chunk: number; exclude: Set<ExclusionId>; timeout: number } {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '1' },
      jobs: { type: 'string', default: '2' },
      out: { type: 'string' },
      chunk: { type: 'string', default: '50' },
      include: { type: 'string', default: '' },
      exclude: { type: 'string', default: '' },
      timeout: { type: 'string', default: '180' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got '${text}'`);
    return n;
  };
  const exclude = new Set<ExclusionId>(DEFAULT_EXCLUSIONS);
  for (const id of parseExclusions(values.include)) exclude.delete(id);
  for (const id of parseExclusions(values.exclude)) exclude.add(id);
  return {
    models: int('models', values.models, 1),
    seed: int('seed', values.seed, 0),
    jobs: int('jobs', values.jobs, 1),
    chunk: int('chunk', values.chunk, 1),
    timeout: int('timeout', values.timeout, 1),
    out: values.out ?? mkdtempSync(join(tmpdir(), 'sgm-fuzz-models-')),
    exclude,
  };
}

let opts: ReturnType<typeof options>;
try {
  opts = options();
} catch (e) {
  process.stderr.write(`fuzz:models: ${(e as Error).message}\n(see --help)\n`);
  process.exit(1);
}

const started = performance.now();
const models = fc.sample(modelArbitrary({ ...DEFAULT_CONFIG, exclude: opts.exclude }), { seed: opts.seed, numRuns: opts.models });
const byName = new Map(models.map((m) => [m.name, m]));
mkdirSync(opts.out, { recursive: true });
const cacheDir = mkdtempSync(join(tmpdir(), 'sgm-fuzz-priors-'));
process.stdout.write(`fuzz:models: ${models.length} models, seed ${opts.seed}, ${opts.jobs} job(s), excluded: ${[...opts.exclude].join(', ') || 'none'}\nout: ${opts.out}\n`);

const outcomes = new Map<string, Outcome>();
const queue: GeneratedModel[][] = [];
for (let i = 0; i < models.length; i += opts.chunk) queue.push(models.slice(i, i + opts.chunk));

function record(name: string, o: Outcome): void {
  outcomes.set(name, o);
  const m = byName.get(name)!;
  if (DEFECTS.has(o.kind) || o.kind === 'rejected') {
    const dir = join(opts.out, o.kind);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.sgm`), m.text);
    writeFileSync(join(dir, `${name}.txt`), `${o.kind} at ${o.stage ?? '?'}${o.codes ? ` (${o.codes.join(', ')})` : ''}\n${o.message ?? ''}\n\ndata: ${JSON.stringify(m.data)}\n`);
  }
  if (outcomes.size % 50 === 0 || outcomes.size === models.length) progress();
}

function tally(): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes.values()) t[o.kind] = (t[o.kind] ?? 0) + 1;
  return t;
}

function progress(): void {
  const s = (performance.now() - started) / 1000;
  const t = tally();
  process.stdout.write(`[${outcomes.size}/${models.length}] ${s.toFixed(0)} s  ${Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
}

const workerPath = fileURLToPath(new URL('./fuzz/worker.ts', import.meta.url));
const hooks = new URL('./fuzz/register-hooks.mjs', import.meta.url).href;
const MODELS_PER_WORKER = 500;

/** Runs chunks from the queue in one worker process until the queue is empty (restarting it as needed). */
async function workerLoop(): Promise<void> {
  while (queue.length > 0) {
    await new Promise<void>((resolve) => {
      const child: ChildProcess = fork(workerPath, [], {
        execArgv: ['--import', 'tsx', '--import', hooks],
        env: { ...process.env, SGM_FUZZ_CACHE: cacheDir },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
      let chunk: GeneratedModel[] | undefined;
      let handled = 0;
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(`no result within ${opts.timeout} s (hang)`), opts.timeout * 1000);
      };
      const next = (): void => {
        chunk = handled < MODELS_PER_WORKER ? queue.shift() : undefined;
        if (!chunk) {
          clearTimeout(timer);
          child.send({ type: 'stop' } satisfies ToWorker);
          return;
        }
        arm();
        child.send({ type: 'run', models: chunk } satisfies ToWorker);
      };
      // The first model of the chunk without a result is blamed; the rest go back to the queue.
      const fail = (why: string): void => {
        clearTimeout(timer);
        const left = (chunk ?? []).filter((m) => !outcomes.has(m.name));
        if (left.length > 0) {
          record(left[0].name, { kind: 'internal', stage: 'worker', message: `${why}; stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
          if (left.length > 1) queue.unshift(left.slice(1));
        }
        chunk = undefined;
        child.kill('SIGKILL');
      };
      child.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') next();
        else if (msg.type === 'outcome') {
          handled++;
          arm();
          record(msg.name, msg.outcome);
        } else if (msg.type === 'done') next();
      });
      child.on('exit', (code, signal) => {
        if (chunk) fail(`worker exited (${signal ?? code})`);
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

await Promise.all(Array.from({ length: opts.jobs }, () => workerLoop()));

// Summary.
const t = tally();
const codes: Record<string, number> = {};
const defectsByClass: Record<string, string[]> = {};
for (const [name, o] of outcomes) {
  if (o.kind === 'rejected') for (const c of o.codes ?? []) codes[c] = (codes[c] ?? 0) + 1;
  if (DEFECTS.has(o.kind)) {
    // A defect class: kind, stage and the message with names and numbers blanked.
    // Lists of names (variables with non-finite gradients, ...) collapse to one '…'.
    const blanked = (o.message ?? '').replace(/'[^']*'/g, "'…'").replace(/\d+(\.\d+)?/g, 'N').replace(/'…'(, '…')+/g, "'…'");
    const key = `${o.kind}@${o.stage}: ${blanked.slice(0, 160)}`;
    (defectsByClass[key] ??= []).push(name);
  }
}
const total = outcomes.size;
const lines = [
  `\nfuzz:models summary: ${total} models in ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${opts.seed})`,
  ...Object.entries(t).sort().map(([k, v]) => `  ${k.padEnd(14)} ${String(v).padStart(6)}  ${((100 * v) / total).toFixed(1)}%${DEFECTS.has(k as Outcome['kind']) ? '  DEFECT' : ''}`),
  'rejection codes (models rejected with the code):',
  ...Object.entries(codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `  ${c} ${n}`),
  'defect classes:',
  ...(Object.keys(defectsByClass).length === 0 ? ['  none'] : Object.entries(defectsByClass).map(([k, names]) => `  ${names.length}x ${k}\n     e.g. ${names.slice(0, 3).join(', ')}`)),
  `failing and rejected models: ${opts.out}`,
];
process.stdout.write(lines.join('\n') + '\n');
writeFileSync(join(opts.out, 'summary.json'), JSON.stringify({ seed: opts.seed, models: total, outcomes: t, codes, defects: defectsByClass, excluded: [...opts.exclude] }, null, 2));
process.exit(Object.keys(defectsByClass).length > 0 ? 1 : 0);
