// Damaged checkpoints: every file of a checkpoint flipped, truncated and deleted, and every field of its manifest
// deleted, nulled, turned into a string and pushed out of range, in turn. The cases are generated from the
// files on disk and the manifest's own keys, so a file or field added later is covered without editing this
// test. Every case must be refused by `train(..., { resume: true })` with one line that names the file (and the
// field, for the manifest), must leave every byte of the run directory as it was (no log cut, no checkpoint
// replaced), and the previous checkpoint beside it must still resume. A few cases go through the built CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindModelData } from '../../runtime/data/bind.js';
import { UserError } from '../../runtime/errors.js';
import type { ModelInstance } from '../../runtime/model-api.js';
import { packageRoot } from '../../runtime/package-root.js';
import { train, type TrainData } from '../../runtime/train/trainer.js';
import type { TrainOptions } from '../../runtime/train/options.js';
import { linearVaeSplit } from './fixtures/datasets.js';
import * as linearVae from './fixtures/linear-vae.js';

const root = mkdtempSync(join(tmpdir(), 'sgm-corrupt-'));
const pristine = join(root, 'pristine');
const run = join(root, 'run');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options: TrainOptions = { steps: 6, batchSize: 16, seed: 5, learningRate: 0.01, logEvery: 1, evalEvery: 0, checkpointEvery: 2, progress: false };

async function withModel<T>(f: (model: ModelInstance, data: TrainData) => Promise<T>): Promise<T> {
  const model = await linearVae.create({ seed: 11 });
  try {
    return await f(model, { train: bindModelData(model.metadata, linearVaeSplit().train) });
  } finally {
    model.dispose();
  }
}

/** Every file under `dir` with its bytes, by relative path. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function restore(): void {
  rmSync(run, { recursive: true, force: true });
  cpSync(pristine, run, { recursive: true });
}

/** A case: a name, what it does to the run directory, and the field the message must name (manifest cases). */
interface Case {
  readonly name: string;
  readonly file: string;
  readonly fields?: readonly string[];
  apply(): void;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The path (list of keys) of every field of a JSON object, objects included (`data`, `data`/`epoch`, ...). */
function fieldPaths(value: { [k: string]: Json }, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([k, v]) => {
    const path = [...prefix, k];
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? [path, ...fieldPaths(v, path)] : [path];
  });
}

/** The manifest with the field at `path` replaced by `f(old)` (deleted when f returns undefined). */
function editManifest(path: readonly string[], f: (old: Json) => Json | undefined): void {
  const file = join(run, 'checkpoint', 'checkpoint.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as { [k: string]: Json };
  let parent = m;
  for (const k of path.slice(0, -1)) parent = parent[k] as { [k: string]: Json };
  const last = path.at(-1)!;
  const next = f(parent[last]);
  if (next === undefined) delete parent[last];
  else parent[last] = next;
  writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
}

/** Fields whose consistency checks may be what a change of another field trips. */
const CONSISTENCY = ['data.batchInEpoch', 'data.batchesPerEpoch', 'data.epoch', 'optimizer.iterations'];

function cases(): Case[] {
  const dir = join(pristine, 'checkpoint');
  const files = readdirSync(dir).sort();
  const out: Case[] = [];
  for (const f of files) {
    const p = (): string => join(run, 'checkpoint', f);
    out.push(
      {
        name: `${f}: one byte flipped`,
        file: f,
        apply: () => {
          const b = readFileSync(p());
          b[Math.floor(b.length / 2)] ^= 0x01;
          writeFileSync(p(), b);
        },
      },
      { name: `${f}: truncated to half`, file: f, apply: () => truncateSync(p(), Math.floor(statSync(p()).size / 2)) },
      { name: `${f}: deleted`, file: f, apply: () => unlinkSync(p()) },
    );
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { [k: string]: Json };
  for (const keys of fieldPaths(manifest)) {
    const path = keys.join('.');
    const edits: Array<[string, (old: Json) => Json | undefined]> = [
      ['deleted', () => undefined],
      ['null', () => null],
      ['a string', (old) => (typeof old === 'string' ? 7 : JSON.stringify(old))],
      ['an empty list', () => []],
    ];
    const old = keys.reduce<Json>((v, k) => (v as { [k: string]: Json })[k], manifest);
    if (typeof old === 'number') {
      edits.push(['negative', (v) => -(v as number) - 5], ['fractional', (v) => (v as number) + 0.5], ['huge', () => 1e300], ['one more', (v) => (v as number) + 1]);
    }
    if (typeof old === 'string') edits.push(['empty', () => ''], ['changed', (v) => `${v as string}x`]);
    for (const [what, f] of edits) {
      out.push({ name: `checkpoint.json: '${path}' ${what}`, file: 'checkpoint.json', fields: [path, 'checksum', ...CONSISTENCY], apply: () => editManifest(keys, f) });
    }
  }
  return out;
}

beforeAll(async () => {
  // Checkpoints at steps 2, 4 and 6: the current one (6) and the previous one (4) stay.
  await withModel((m, d) => train(m, d, { ...options, checkpointDir: pristine }));
}, 60_000);

describe('a damaged checkpoint', () => {
  it('is refused with one line naming the file and field, changes nothing, and the previous checkpoint still resumes', async () => {
    const all = cases();
    // Three per file, and at least five per manifest field (the fixture's manifest has over 40).
    expect(all.length).toBeGreaterThan(200);
    await withModel(async (model, data) => {
      for (const c of all) {
        restore();
        c.apply();
        const before = snapshot(run);
        const error = await train(model, data, { ...options, steps: 8, checkpointDir: run, resume: true }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, c.name).toBeInstanceOf(UserError);
        const message = (error as UserError).message;
        expect(message.split('\n'), c.name).toHaveLength(1);
        expect(message, c.name).toContain(`checkpoint '${join(run, 'checkpoint')}' is damaged`);
        expect(message, c.name).toContain(c.file);
        if (c.fields) {
          const named = /checkpoint\.json: '([^']+)'/.exec(message)?.[1];
          expect(c.fields, `${c.name}: ${message}`).toContain(named);
        }
        expect(message, c.name).toContain(`the previous checkpoint (step 4) is intact in '${join(run, 'checkpoint.previous')}'`);
        // Nothing was written: not the log, not the checkpoints.
        const after = snapshot(run);
        expect([...after.keys()].sort(), c.name).toEqual([...before.keys()].sort());
        for (const [k, v] of before) expect(after.get(k)!.equals(v), `${c.name}: ${k} changed`).toBe(true);
      }
    });
  }, 120_000);

  it('leaves the previous checkpoint usable: moved into place as the message says, it resumes', async () => {
    restore();
    unlinkSync(join(run, 'checkpoint', 'weights.bin'));
    rmSync(join(run, 'checkpoint'), { recursive: true });
    renameSync(join(run, 'checkpoint.previous'), join(run, 'checkpoint'));
    const summary = await withModel((m, d) => train(m, d, { ...options, steps: 8, checkpointDir: run, resume: true }));
    expect([summary.startStep, summary.step, summary.status]).toEqual([4, 8, 'completed']);
    // The log was cut back to the previous checkpoint's size: steps 5 and 6 appear once each.
    const steps = readFileSync(join(run, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number });
    expect(steps.filter((r) => r.type === 'train').map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('a damaged checkpoint through the CLI', () => {
  const cli = join(packageRoot(), 'dist/cli/sgm.js');
  const dir = join(root, 'cli-run');
  const sgm = (...extra: string[]) =>
    spawnSync(process.execPath, [cli, 'train', 'models/gengs_poisson.sgm', '--data', 'synthetic:poisson?rate=20&count=200', '--batch', '50', '--backend', 'cpu', '--checkpoint', dir, '--checkpoint-every', '2', ...extra], {
      cwd: packageRoot(),
      encoding: 'utf8',
    });

  it('exits 1 with one line for a flipped weight, an out-of-range field and a missing index; the previous checkpoint resumes', () => {
    expect(existsSync(cli), 'dist/ is missing: run `npm run build`').toBe(true);
    const first = sgm('--steps', '4');
    expect(first.status, first.stderr).toBe(0);
    const ckpt = join(dir, 'checkpoint');
    const saved = join(root, 'cli-saved');
    cpSync(dir, saved, { recursive: true });
    const damages: Array<[string, () => void, RegExp]> = [
      ['weights.bin flipped', () => { const b = readFileSync(join(ckpt, 'weights.bin')); b[3] ^= 0x80; writeFileSync(join(ckpt, 'weights.bin'), b); }, /weights\.bin does not match its SHA-256/],
      ['step -5', () => { const f = join(ckpt, 'checkpoint.json'); writeFileSync(f, readFileSync(f, 'utf8').replace(/"step": 4,/, '"step": -5,')); }, /checkpoint\.json: 'step' must be a whole number >= 0, got -5/],
      ['weights.json deleted', () => unlinkSync(join(ckpt, 'weights.json')), /cannot read .*weights\.json: no such file or directory/],
    ];
    for (const [name, damage, expected] of damages) {
      rmSync(dir, { recursive: true, force: true });
      cpSync(saved, dir, { recursive: true });
      damage();
      const log = readFileSync(join(dir, 'train.jsonl'));
      const r = sgm('--steps', '6', '--resume');
      expect(r.status, `${name}: ${r.stderr}`).toBe(1);
      const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('error'));
      expect(lines, name).toHaveLength(1);
      expect(lines[0], name).toMatch(expected);
      expect(readFileSync(join(dir, 'train.jsonl')).equals(log), `${name}: the log changed`).toBe(true);
    }
    rmSync(ckpt, { recursive: true });
    renameSync(join(dir, 'checkpoint.previous'), ckpt);
    const resumed = sgm('--steps', '6', '--resume');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('at step 6');
  }, 120_000);
});
