/**
 * The in-process A/B harness of the bench/*-ab.ts scripts: one training step timed on the old and the new path
 * alternately (old first in even pairs, new first in odd ones: ABBA over each four steps), so both see the same
 * machine load; and per-kernel profile minima (tf.profile) of each path.
 */
import { tf } from '../stdlib/tf.js';

/** The median; of an even count, the mean of the two middle values. */
export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** Per path, the wall and process-CPU (all threads) times of each timed step, in ms, and the per-pair ratios new/old. */
export interface PairedTimes {
  wall: Record<'old' | 'new', number[]>;
  cpu: Record<'old' | 'new', number[]>;
  wallRatio: number[];
  cpuRatio: number[];
}

/** `warmup` untimed steps alternating the paths, then `pairs` timed pairs; `use(isNew)` switches the path. */
export function pairedSteps(step: () => void, use: (isNew: boolean) => void, pairs: number, warmup = 10): PairedTimes {
  const timed = (isNew: boolean): [number, number] => {
    use(isNew);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return [wall, (c.user + c.system) / 1000];
  };
  for (let i = 0; i < warmup; i++) timed(i % 2 === 0);
  const out: PairedTimes = { wall: { old: [], new: [] }, cpu: { old: [], new: [] }, wallRatio: [], cpuRatio: [] };
  for (let p = 0; p < pairs; p++) {
    const order = p % 2 === 0 ? [false, true] : [true, false];
    const r: Record<string, [number, number]> = {};
    for (const isNew of order) r[isNew ? 'new' : 'old'] = timed(isNew);
    out.wall.old.push(r.old[0]);
    out.wall.new.push(r.new[0]);
    out.cpu.old.push(r.old[1]);
    out.cpu.new.push(r.new[1]);
    out.wallRatio.push(r.new[0] / r.old[0]);
    out.cpuRatio.push(r.new[1] / r.old[1]);
  }
  return out;
}

/** Per path, per kernel name the least summed time in one step over `rounds` profiled steps each; kernels per step. */
export async function profileMinima(
  step: () => void,
  use: (isNew: boolean) => void,
  rounds: number,
): Promise<{ best: Record<'old' | 'new', Map<string, number>>; count: Record<'old' | 'new', number> }> {
  const best: Record<'old' | 'new', Map<string, number>> = { old: new Map(), new: new Map() };
  const count: Record<'old' | 'new', number> = { old: 0, new: 0 };
  for (let r = 0; r < 2 * rounds; r++) {
    const path = r % 2 === 0 ? 'old' : 'new';
    use(path === 'new');
    const info = await tf.profile(() => step());
    count[path] = info.kernels.length;
    const per = new Map<string, number>();
    for (const k of info.kernels) per.set(k.name, (per.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    for (const [name, ms] of per) best[path].set(name, Math.min(best[path].get(name) ?? Infinity, ms));
  }
  return { best, count };
}

/** Σ of the minima of `names` (all kernels when omitted). */
export function sumMinima(m: Map<string, number>, names?: readonly string[]): number {
  return [...m].filter(([n]) => names === undefined || names.includes(n)).reduce((t, [, ms]) => t + ms, 0);
}
