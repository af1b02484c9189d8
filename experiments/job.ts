/**
 * One experiment job in its own process (the runner starts two at a time, one per core): selects the backend,
 * runs the job and writes its JSON result atomically. Usage: job.ts <experiment> <job-id> <quick|full> <out.json>.
 * Progress lines go to stderr, prefixed by the job's name.
 */
import { initBackend } from '../runtime/backend/index.js';
import { writeFileAtomic } from '../runtime/checkpoint/write.js';
import type { RunScale } from './lib/experiment.js';
import { experimentNamed } from './registry.js';

const [name, id, scale, out] = process.argv.slice(2);
const experiment = experimentNamed(name);
const job = experiment.jobs(scale as RunScale).find((j) => j.id === id);
if (!job) throw new Error(`experiment ${name} has no job '${id}' at scale ${scale}`);
await initBackend();
const log = (m: string) => process.stderr.write(`  [${name}/${id}] ${m}\n`);
const start = performance.now();
try {
  const result = await experiment.run(job, scale as RunScale, log);
  writeFileAtomic(out, `${JSON.stringify({ job, seconds: (performance.now() - start) / 1000, result })}\n`);
} catch (error) {
  // Node's own report of an uncaught error would print the source line it came from, which for an error raised
  // inside tfjs' WASM glue is one minified line of ~100 kB.
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
