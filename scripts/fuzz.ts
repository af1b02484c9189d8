/**
 * `npm run fuzz`: the long fuzz run of the compiler (the CI-sized one is test/fuzz/adversarial.test.ts).
 * Generates inputs of every class in test/fuzz/inputs.ts (round-robin, seeds derived from --seed), runs check +
 * compile in-process in J worker processes with a per-input timeout (a worker that exceeds it is killed, the
 * input recorded, a fresh worker started), tracks each worker's peak RSS, imports the generated modules of
 * attack inputs in a child with a canary, and finally runs a few attack models with `sgm train --steps 1`
 * through the CLI (needs `npm run build`). Failing inputs are written to --out (outside the package).
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importWithCanary } from '../test/fuzz/canary.js';
import { FUZZ_CLASSES, makeInput, type FuzzClass, type FuzzInput } from '../test/fuzz/inputs.js';
import { runInput, type Outcome } from '../test/fuzz/run-input.js';
import { packageRoot } from '../runtime/package-root.js';

const HELP = `usage: npm run fuzz -- [options]
  --inputs N      inputs to run (default 100000)
  --jobs J        worker processes (default 2)
  --seed S        base seed (default 1)
  --timeout MS    per-input limit before the worker is killed (default 10000)
  --out DIR       folder for failing inputs (default: a new folder under the system temp dir)
  --train N       attack models to run with 'sgm train --steps 1' at the end (default 5)
  --help          this text`;

interface Job {
  readonly index: number;
  readonly kind: FuzzClass;
  readonly seed: number;
}
interface Reply {
  readonly index: number;
  readonly outcome: Outcome;
  readonly injected: boolean;
  readonly detail?: string;
  readonly ms: number;
  readonly maxRssKb: number;
  readonly bytes: number;
  readonly executed?: number;
}

const jobOf = (index: number, base: number): Job => ({ index, kind: FUZZ_CLASSES[index % FUZZ_CLASSES.length], seed: (base * 1_000_003 + index) >>> 0 });

// ── worker ────────────────────────────────────────────────────────────────────────────────────
async function worker(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'sgm-fuzz-w-'));
  // Generated modules of attack inputs waiting for the canary import (checked in batches: one child per batch).
  let pending: { js: string; index: number }[] = [];
  const flush = (): number[] => {
    const batch = pending;
    pending = [];
    const r = importWithCanary(batch.map((p) => p.js), scratch);
    return r.executed.map((i) => (i < 0 ? -1 : batch[i].index));
  };
  process.on('message', (msg: Job | 'flush') => {
    if (msg === 'flush') {
      process.send!({ flushed: flush() });
      return;
    }
    const input = makeInput(msg.kind, msg.seed);
    const r = runInput(input);
    if (r.js && input.attack) pending.push({ js: r.js, index: msg.index });
    const executed = pending.length >= 200 ? flush() : [];
    const reply: Reply & { executedIndices: number[] } = {
      index: msg.index,
      outcome: r.outcome,
      injected: r.injected,
      ...(r.detail ? { detail: r.detail } : {}),
      ms: r.ms,
      maxRssKb: process.resourceUsage().maxRSS,
      bytes: Buffer.byteLength(input.text),
      executedIndices: executed,
    };
    process.send!(reply);
  });
  process.send!({ ready: true });
}

// ── parent ────────────────────────────────────────────────────────────────────────────────────
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      inputs: { type: 'string', default: '100000' },
      jobs: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '10000' },
      out: { type: 'string' },
      train: { type: 'string', default: '5' },
      help: { type: 'boolean', default: false },
      worker: { type: 'boolean', default: false },
    },
  });
  if (values.worker) return worker();
  if (values.help) {
    console.log(HELP);
    return;
  }
  const total = Number(values.inputs);
  const jobs = Number(values.jobs);
  const base = Number(values.seed);
  const timeout = Number(values.timeout);
  const trainCount = Number(values.train);
  for (const [flag, v] of [['--inputs', total], ['--jobs', jobs], ['--timeout', timeout]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} must be a positive integer`);
  }
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'sgm-fuzz-'));
  mkdirSync(out, { recursive: true });

  const counts = { inputs: 0, ok: 0, user: 0, internal: 0, timeouts: 0, injected: 0, executed: 0, overMemory: 0 };
  const perClass = new Map<string, Record<string, number>>();
  let peakRssKb = 0;
  let slowest = { ms: 0, index: -1 };
  const failures: { job: Job; why: string }[] = [];
  const trainable: FuzzInput[] = [];
  const record = (job: Job, why: string): void => {
    failures.push({ job, why });
    if (failures.length <= 500) {
      const input = makeInput(job.kind, job.seed);
      const name = `${String(failures.length).padStart(4, '0')}-${job.kind}-${job.seed}`;
      writeFileSync(join(out, `${name}.sgm`), input.text);
      writeFileSync(join(out, `${name}.json`), JSON.stringify({ ...job, why, path: input.path, overrides: input.overrides }, null, 2));
    }
  };
  let next = 0;
  const started = Date.now();
  const script = fileURLToPath(import.meta.url);

  await new Promise<void>((resolve) => {
    let live = 0;
    const spawnWorker = (): void => {
      live++;
      const child: ChildProcess = fork(script, ['--worker'], { execArgv: ['--import', 'tsx', '--max-old-space-size=1536'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      let current: Job | undefined;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        live--;
        if (live === 0) resolve();
      };
      const send = (): void => {
        if (next >= total) {
          current = undefined;
          child.send('flush');
          return;
        }
        current = jobOf(next++, base);
        timer = setTimeout(() => {
          counts.timeouts++;
          counts.inputs++;
          record(current!, `timeout: more than ${timeout} ms`);
          current = undefined;
          child.kill('SIGKILL');
        }, timeout);
        child.send(current);
      };
      child.on('message', (m: Reply & { executedIndices: number[] } | { ready: true } | { flushed: number[] }) => {
        if ('ready' in m) return send();
        if ('flushed' in m) {
          for (const i of m.flushed) {
            counts.executed++;
            record(jobOf(Math.max(i, 0), base), 'code execution: the canary ran on import');
          }
          child.kill();
          return;
        }
        clearTimeout(timer);
        const job = current!;
        counts.inputs++;
        counts[m.outcome]++;
        const c = perClass.get(job.kind) ?? {};
        c[m.outcome] = (c[m.outcome] ?? 0) + 1;
        perClass.set(job.kind, c);
        peakRssKb = Math.max(peakRssKb, m.maxRssKb);
        if (m.ms > slowest.ms) slowest = { ms: m.ms, index: job.index };
        if (m.outcome === 'internal') record(job, `internal: ${m.detail ?? ''}`);
        if (m.injected) {
          counts.injected++;
          record(job, 'injected: the canary is code in the generated module');
        }
        if (m.maxRssKb > 1024 * 1024 && m.bytes < 1 << 20) {
          counts.overMemory++;
          record(job, `peak RSS ${Math.round(m.maxRssKb / 1024)} MB`);
        }
        for (const i of m.executedIndices) {
          counts.executed++;
          record(jobOf(Math.max(i, 0), base), 'code execution: the canary ran on import');
        }
        if (m.outcome === 'ok' && (job.kind === 'comment' || job.kind === 'name') && trainable.length < trainCount) trainable.push(makeInput(job.kind, job.seed));
        if (counts.inputs % 2000 === 0) console.error(`... ${((Date.now() - started) / 1000).toFixed(0)} s ${JSON.stringify(counts)} peak RSS ${(peakRssKb / 1024).toFixed(0)} MB, slowest ${slowest.ms.toFixed(0)} ms`);
        send();
      });
      child.on('exit', () => {
        clearTimeout(timer);
        finish();
        // A worker killed for a timeout (or crashed) is replaced while inputs remain.
        if (current !== undefined) {
          counts.inputs++;
          counts.internal++;
          record(current, 'worker crashed');
          current = undefined;
        }
        if (next < total) spawnWorker();
      });
    };
    for (let i = 0; i < jobs; i++) spawnWorker();
  });

  // A few attack models through the real CLI: train one step, with the canary file watched.
  const trained: string[] = [];
  const sgm = join(packageRoot(), 'dist', 'cli', 'sgm.js');
  for (const [i, input] of trainable.entries()) {
    const dir = mkdtempSync(join(tmpdir(), 'sgm-fuzz-train-'));
    const file = join(dir, 'model.sgm');
    writeFileSync(file, input.text);
    const canary = join(dir, 'canary');
    const r = spawnSync(process.execPath, [sgm, 'train', file, '--steps', '1', '--checkpoint', join(dir, 'run')], {
      env: { ...process.env, SGM_FUZZ_CANARY: canary },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const ran = spawnSync('test', ['-e', canary]).status === 0;
    trained.push(`${input.kind}-${input.seed}: exit ${r.status}${ran ? ', CANARY RAN' : ''}`);
    if (r.status === 2 || r.status === null) record({ index: -1 - i, kind: input.kind, seed: input.seed }, `sgm train exit ${r.status}: ${r.stderr.slice(0, 300)}`);
    if (ran) {
      counts.executed++;
      record({ index: -1 - i, kind: input.kind, seed: input.seed }, 'code execution in sgm train');
    }
  }

  const seconds = (Date.now() - started) / 1000;
  console.log(`inputs ${counts.inputs} in ${seconds.toFixed(0)} s (${jobs} workers)`);
  console.log(`ok ${counts.ok}, user errors ${counts.user}, internal errors ${counts.internal}, timeouts ${counts.timeouts}`);
  console.log(`injected code ${counts.injected}, code executions ${counts.executed}, over 1 GB ${counts.overMemory}`);
  console.log(`peak RSS of a worker ${(peakRssKb / 1024).toFixed(0)} MB; slowest input ${slowest.ms.toFixed(0)} ms (#${slowest.index})`);
  for (const [kind, c] of perClass) console.log(`  ${kind.padEnd(9)} ${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const t of trained) console.log(`  train ${t}`);
  console.log(failures.length > 0 ? `${failures.length} failing inputs written to ${out}` : `no failures (folder ${out})`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

await main();
