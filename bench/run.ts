/**
 * `npm run bench`: times the reference training step (bench/reference-vae.ts, the IGR paper's VAE) and its
 * variants (bench/step-rows.ts) on every available backend configuration, prints a table and writes
 * bench/results.json. Each (configuration, row) runs in its own child process, so peak RSS is per row and
 * kernel registrations never leak between configurations. Then a long run (default 1,000 steps) of the fastest
 * configuration checks that tensors and bytes do not grow, and the other sections (bench/sections.ts) run.
 *
 *   npm run bench -- [--steps 25] [--warmup 5] [--repeats 3] [--long 1000] [--only wasm,wasm+native] [--no-write] [--out FILE]
 *   npm run bench -- --sections parse-check     (only the front end's parse + check rows, against issue 19's 150 ms)
 *
 * Unless --no-write or --out, the tables in README.md and docs/performance.md are re-rendered from the new
 * results.json (bench/markdown.ts).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tf } from '../stdlib/tf.js';
import {
  FUSED_ADAM_KERNEL,
  initBackend,
  loadNativeAddon,
  nativeThreadCount,
  removeSpeedFixes,
  restoreStockBatchMatMulGradient,
} from '../runtime/backend/index.js';
import { updateBenchTables } from './markdown.js';
import {
  measureGrowth,
  measurePair,
  measureStep,
  type BenchMachine,
  type BenchReport,
  type GrowthMeasurement,
  type PairMeasurement,
  type StepMeasurement,
  type StepResult,
} from './measure.js';
import { describeReferences, hasTaskset, runReferences, type ReferenceResult } from './references.js';
import { SECTION_IDS, SECTIONS, type SectionResult } from './sections.js';
import { CONFIGS, type BackendConfig } from './configs.js';
import { STEP_ROWS, yardstickOf, type StepRow } from './step-rows.js';
import { LOOP_BENCH_ROW, LOOP_CONFIGS, describeLoop, measureTrainLoop, runSgmTrain, type TrainLoopResult } from './train-loop.js';


const here = fileURLToPath(import.meta.url);
const USAGE = `usage: npm run bench -- [options]

Times the reference training step on every available backend configuration, prints a table and writes
bench/results.json (and re-renders the tables in README.md and docs/performance.md).

  --steps N       timed steps per row (default 25)
  --warmup N      untimed steps first (default 5)
  --repeats N     interleaved rounds; each row reports its best median (default 3)
  --long N        steps of the tensor-growth run (default 1000)
  --only a,b      only these configurations (${CONFIGS.map((c) => c.id).join(', ')})
  --sections a,b  run only these sections (${SECTION_IDS.join(', ')}), no step table; prints, writes nothing
  --no-write      print only; write nothing
  --out FILE      write the results to FILE instead of bench/results.json (tables are not re-rendered)
  -h, --help      this text
`;

/** The command line (node:util parseArgs); a mistake ends the process with one line and exit 1. */
function readArgs(): { values: Record<string, string | boolean | undefined> } {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        steps: { type: 'string' },
        warmup: { type: 'string' },
        repeats: { type: 'string' },
        long: { type: 'string' },
        only: { type: 'string' },
        sections: { type: 'string' },
        'no-write': { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        // Internal: a child process runs one (configuration, row).
        child: { type: 'string' },
        row: { type: 'string' },
        mode: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message.split('\n')[0]} (try --help)\n`);
    process.exit(1);
  }
}
const { values } = readArgs();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const flag = (name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};
const num = (name: string, fallback: number): number => {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  const min = name === 'warmup' ? 0 : 1;
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`error: --${name} expects an integer >= ${min}, got '${v}' (try --help)\n`);
    process.exit(1);
  }
  return n;
};
for (const name of ['steps', 'warmup', 'repeats', 'long']) num(name, 1);
const unknownSections = (flag('sections')?.split(',') ?? []).filter((id) => !SECTION_IDS.includes(id));
if (unknownSections.length > 0) {
  process.stderr.write(`error: unknown section(s) ${unknownSections.join(', ')}; known: ${SECTION_IDS.join(', ')}\n`);
  process.exit(1);
}
const unknownOnly = (flag('only')?.split(',') ?? []).filter((id) => !CONFIGS.some((c) => c.id === id));
if (unknownOnly.length > 0) {
  process.stderr.write(`error: unknown configuration(s) ${unknownOnly.join(', ')}; known: ${CONFIGS.map((c) => c.id).join(', ')}\n`);
  process.exit(1);
}

/** Why a configuration cannot run here, or null. */
function unavailable(config: BackendConfig): string | null {
  if (config.native) {
    const loaded = loadNativeAddon();
    if ('reason' in loaded) return loaded.reason;
  }
  if (config.backend === 'tensorflow' || config.backend === 'tensorflow-gpu') {
    const pkg = config.backend === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
    try {
      createRequire(import.meta.url).resolve(pkg);
    } catch {
      return `${pkg} is not installed`;
    }
  }
  return null;
}

type ChildMode = 'step' | 'long' | 'pair' | 'train-loop';

/** Fewest steps of the training-loop section (bench/train-loop.ts). */
const MIN_LOOP_STEPS = 50;

/** The rows a configuration runs. */
function rowsOf(config: BackendConfig): StepRow[] {
  return STEP_ROWS.filter((row) => (!row.needsFixes || config.fixes) && (config.rows === undefined || config.rows.includes(row.id)));
}

/** Child process: one row (or, in 'pair' mode, a compiled row and its yardstick) on one configuration; prints one JSON line. */
async function child(configId: string, rowId: string, mode: ChildMode): Promise<void> {
  const config = CONFIGS.find((c) => c.id === configId);
  const row = STEP_ROWS.find((r) => r.id === rowId);
  if (!config || !row) throw new Error(`unknown configuration ${configId} or row ${rowId}`);
  await initBackend(config.backend, { native: config.native });
  if (!config.fixes) {
    removeSpeedFixes(tf.getBackend());
    restoreStockBatchMatMulGradient();
    if (tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend())) tf.unregisterKernel(FUSED_ADAM_KERNEL, tf.getBackend());
  }
  if (mode === 'train-loop') {
    const loop = await measureTrainLoop(num('long', 1000), num('warmup', 5));
    process.stdout.write(`RESULT ${JSON.stringify({ result: loop, peakRssMb: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)) })}\n`);
    return;
  }
  const step = await row.create(1);
  let result: StepMeasurement | GrowthMeasurement | PairMeasurement;
  if (mode === 'pair') {
    const yard = await STEP_ROWS.find((r) => r.id === yardstickOf(rowId))!.create(1);
    result = measurePair(step, yard, num('warmup', 5), 2 * num('steps', 25));
    yard.dispose();
  } else if (mode === 'long') {
    result = measureGrowth(step, num('long', 1000));
  } else {
    result = await measureStep(step, num('warmup', 5), num('steps', 25));
  }
  step.dispose();
  const peakRssMb = Number((process.resourceUsage().maxRSS / 1024).toFixed(1));
  process.stdout.write(`RESULT ${JSON.stringify({ result, peakRssMb })}\n`);
}

/** Runs one child and parses its result line. */
function runChild(config: BackendConfig, rowId: string, mode: ChildMode): { result?: unknown; peakRssMb?: number; error?: string } {
  const childArgs = ['--import', 'tsx', here, '--child', config.id, '--row', rowId, '--mode', mode];
  for (const name of ['steps', 'warmup', 'long']) {
    const v = flag(name);
    if (v !== undefined) childArgs.push(`--${name}`, v);
  }
  if (config.pin && !hasTaskset()) return { error: 'taskset (util-linux) is not installed: the configuration runs pinned to one core' };
  const [command, args] = config.pin ? ['taskset', ['-c', '0', process.execPath, ...childArgs]] : [process.execPath, childArgs];
  const out = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, ...config.env } });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (out.status !== 0 || line === undefined) {
    const err = (out.stderr || out.stdout).split('\n').filter((l) => l.trim() && l.length < 400).slice(-3).join(' | ');
    return { error: `exit ${out.status}: ${err}` };
  }
  return JSON.parse(line.slice('RESULT '.length)) as { result: unknown; peakRssMb: number };
}

const fmt = (x: number | undefined, digits = 1): string => (x === undefined ? '—' : x.toFixed(digits));

function printTable(results: readonly StepResult[]): void {
  // `min` is the least disturbed step: on a shared 2-core machine the median includes other processes' load.
  const header = ['configuration', 'step', 'ms/step', 'min', 'p10–p90', 'ratio', 'kernels', 'tensors', 'leak/step', 'peak RSS MB'];
  const lines = results.map((r) => {
    const m = r.measurement;
    if (!m) return [r.config, r.row, r.status, '', '', '', '', '', '', ''];
    return [
      r.config,
      r.row,
      fmt(m.ms.median),
      fmt(m.ms.min),
      `${fmt(m.ms.p10)}–${fmt(m.ms.p90)}`,
      r.ratio === undefined ? '—' : r.ratio.toFixed(2),
      String(m.kernelsPerStep),
      String(m.tensorsPerStep),
      String(m.leakedTensorsPerStep),
      fmt(r.peakRssMb, 0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
  for (const r of results) if (r.reason) console.log(`  ${r.config}: ${r.status}: ${r.reason}`);
}

function machine(): BenchMachine {
  const loaded = loadNativeAddon();
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    tfjs: tf.version_core,
    openblas: 'addon' in loaded ? loaded.addon.config() : null,
    nativeThreads: nativeThreadCount(),
    openblasCoreType: process.env.OPENBLAS_CORETYPE ?? null,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

async function main(): Promise<void> {
  const only = flag('only')?.split(',');
  const configs = CONFIGS.filter((c) => !only || only.includes(c.id));
  const info = machine();
  console.log(`sgm bench: ${info.cpu} x${info.cores}, ${info.memoryGb} GB, Node ${info.node}, tfjs ${info.tfjs}`);
  console.log(`reference step: IGR-I VAE, batch 100, 784-512-256-(20x9)x2 / 200-256-512-784, Adam\n`);
  // Each configuration's rows run in `repeats` interleaved rounds (row A, B, C, A, B, C, ...) and each row keeps
  // its round with the lowest median: on this virtual machine slow periods last seconds to minutes, longer than
  // one row, so a single round's median can be 40 % off (bench/NOTES.md, change 5); best-of-rounds is the
  // usual remedy (as Python's timeit repeats).
  const repeats = Math.max(1, num('repeats', 3));
  const results: StepResult[] = [];
  for (const config of configs) {
    const reason = unavailable(config);
    if (reason !== null) {
      results.push({ config: config.id, row: STEP_ROWS[0].id, status: 'unavailable', reason });
      continue;
    }
    const rows = rowsOf(config);
    const best = new Map<string, { m: StepMeasurement; peakRssMb?: number }>();
    const failed = new Map<string, string>();
    for (let round = 1; round <= repeats; round++) {
      for (const row of rows) {
        if (failed.has(row.id)) continue;
        process.stderr.write(`  ${config.id} / ${row.id}${repeats > 1 ? ` (round ${round}/${repeats})` : ''} ...\n`);
        const out = runChild(config, row.id, 'step');
        if (out.error !== undefined) {
          failed.set(row.id, out.error);
          continue;
        }
        const m = out.result as StepMeasurement;
        const prev = best.get(row.id);
        if (prev === undefined || m.ms.median < prev.m.ms.median) best.set(row.id, { m, peakRssMb: out.peakRssMb });
      }
    }
    for (const row of rows) {
      const b = best.get(row.id);
      if (b === undefined) {
        results.push({ config: config.id, row: row.id, status: 'failed', reason: failed.get(row.id) });
        continue;
      }
      const yard = best.get(yardstickOf(row.id))?.m.ms.median;
      const ratio = yard === undefined ? undefined : Number((b.m.ms.median / yard).toFixed(3));
      results.push({ config: config.id, row: row.id, status: 'measured', measurement: b.m, peakRssMb: b.peakRssMb, ratio });
    }
  }
  printTable(results);

  // The zero-overhead check: each compiled row against its hand-written yardstick in ONE process, alternating
  // steps, so both see the same machine; the table's ratio compares medians taken minutes apart.
  const pairs: Array<{ config: string; row: string; yardstick: string; pair?: PairMeasurement; error?: string }> = [];
  console.log('\nzero-overhead check (compiled vs hand-written, same process, alternating steps):');
  for (const config of configs) {
    if (unavailable(config) !== null || !config.fixes) continue;
    for (const row of rowsOf(config).filter((r) => r.compiled)) {
      const out = runChild(config, row.id, 'pair');
      const pair = out.result as PairMeasurement | undefined;
      pairs.push({ config: config.id, row: row.id, yardstick: yardstickOf(row.id), pair, error: out.error });
      console.log(
        pair
          ? `  ${config.id} / ${row.id}: ${pair.a.median} ms vs ${pair.b.median} ms (${yardstickOf(row.id)}), ratio ${pair.ratio}`
          : `  ${config.id} / ${row.id}: ${out.error}`,
      );
    }
  }

  // The long run: the fastest configuration's baseline row and its fastest row.
  const measured = results.filter((r) => r.measurement);
  const best = measured.reduce<StepResult | undefined>((b, r) => (b === undefined || r.measurement!.ms.median < b.measurement!.ms.median ? r : b), undefined);
  const growth: Array<{ config: string; row: string; growth?: GrowthMeasurement; error?: string }> = [];
  const longSteps = num('long', 1000);
  if (best !== undefined && longSteps > 0) {
    const config = CONFIGS.find((c) => c.id === best.config)!;
    const rows = [...new Set([STEP_ROWS.find((r) => r.baseline)!.id, best.row])];
    console.log(`\nno-growth check: ${longSteps} steps on ${config.id}`);
    for (const rowId of rows) {
      const out = runChild(config, rowId, 'long');
      const g = out.result as GrowthMeasurement | undefined;
      growth.push({ config: config.id, row: rowId, growth: g, error: out.error });
      if (g) {
        console.log(
          `  ${rowId}: tensors ${g.tensorsBefore} -> ${g.tensorsAfter}, bytes ${g.bytesBefore} -> ${g.bytesAfter}, ` +
            `RSS ${g.rssMbBefore} -> ${g.rssMbAfter} MB` +
            (g.wasmHeapMbBefore === null ? '' : `, WASM heap ${g.wasmHeapMbBefore} -> ${g.wasmHeapMbAfter} MB`) +
            `, ${g.msPerStep} ms/step`,
        );
      } else {
        console.log(`  ${rowId}: ${out.error}`);
      }
    }
  }

  // The training loop against the bench step (bench/train-loop.ts): paired in one process, and `sgm train` itself.
  const trainLoops: TrainLoopResult[] = [];
  // Below ~50 steps the paired means are mostly warm-up and the evaluation at step 1 (and with fewer steps than the
  // warm-up there is nothing to average): the section is left out with the reason.
  const loopSteps = longSteps >= MIN_LOOP_STEPS ? longSteps : 0;
  if (longSteps > 0 && loopSteps === 0) console.log(`\ntraining loop vs the bench step: skipped (--long ${longSteps} is below the ${MIN_LOOP_STEPS} steps it needs)`);
  if (loopSteps > 0) console.log(`\ntraining loop vs the bench step "${LOOP_BENCH_ROW}" (${longSteps} steps, sgm train's defaults):`);
  for (const config of loopSteps > 0 ? configs.filter((c) => LOOP_CONFIGS.includes(c.id) && unavailable(c) === null) : []) {
    const out = runChild(config, LOOP_BENCH_ROW, 'train-loop');
    const cli = runSgmTrain(longSteps, { SGM_NATIVE: config.native ? '1' : '0', ...config.env });
    const benchMs = results.find((r) => r.config === config.id && r.row === LOOP_BENCH_ROW)?.measurement?.ms.median;
    const loop: TrainLoopResult = { config: config.id, ...(out.result ? { paired: out.result as TrainLoopResult['paired'], peakRssMb: out.peakRssMb } : { error: out.error }), cli, benchMs };
    trainLoops.push(loop);
    for (const line of describeLoop(loop)) console.log(`  ${line}`);
  }

  // JAX and PyTorch running the same step, when installed (bench/references.ts); ratios against sgm's rows above.
  console.log('\nreferences (the same step in JAX and PyTorch, when installed):');
  const references: ReferenceResult[] = runReferences(num('warmup', 5), num('steps', 25));
  for (const line of describeReferences(references, results, LOOP_BENCH_ROW)) console.log(`  ${line}`);

  const sections = await runSections(SECTION_IDS);

  const report: BenchReport = {
    generated: new Date().toISOString(),
    machine: { ...info, loadAverageAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))) },
    settings: { warmup: num('warmup', 5), steps: num('steps', 25), long: longSteps },
    configurations: configs,
    rows: STEP_ROWS.map(({ id, description, baseline, compiled }) => ({ id, description, baseline: !!baseline, compiled: !!compiled })),
    results,
    pairs,
    growth,
    trainLoops,
    references,
    sections,
  };
  if (values['no-write'] !== true) {
    const path = flag('out') ?? fileURLToPath(new URL('./results.json', import.meta.url));
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${path}`);
    if (flag('out') === undefined) console.log(`tables updated in ${updateBenchTables().join(', ')}`);
  }
}

/** Runs the sections with these ids, in print order, printing each. */
async function runSections(ids: readonly string[]): Promise<SectionResult[]> {
  const sections: SectionResult[] = [];
  for (const [i, section] of SECTIONS.entries()) {
    if (!ids.includes(SECTION_IDS[i])) continue;
    const s = await section();
    sections.push(s);
    console.log(`\n${s.title}: ${s.status === 'pending' ? 'pending (not wired yet)' : ''}`);
    for (const r of s.rows) console.log(`  ${r.name}: ${r.value ?? '—'} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
  }
  return sections;
}

if (values.child !== undefined) {
  await child(flag('child')!, flag('row')!, (flag('mode') as ChildMode) ?? 'step');
} else if (flag('sections') !== undefined) {
  await runSections(flag('sections')!.split(','));
} else {
  await main();
}
