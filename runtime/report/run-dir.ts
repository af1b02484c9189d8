/**
 * A training run directory as `sgm report` reads it: the JSONL log (`train.jsonl`), the model as trained
 * (`model.sgm`, and `model.json` with the overrides, plan and annotated graph, written by `sgm train`), and the
 * latest checkpoint's manifest. Only the log is required; what is missing is reported, not guessed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanRow } from '../../compiler/analysis/explain.js';
import { findCheckpoint, readManifest } from '../checkpoint/read.js';
import type { CheckpointManifest } from '../checkpoint/format.js';
import { UserError, describeFsError } from '../errors.js';
import { parseJsonl, type LogRecord } from '../train/jsonl-log.js';

/** What `model.json` holds (sgm-run-model/1, cli/commands/train.ts `writeRunModel`). */
export interface RunModel {
  readonly format: string;
  readonly source: string;
  readonly model: string;
  readonly overrides: Readonly<Record<string, number>>;
  readonly hyperparameters: Readonly<Record<string, number>>;
  readonly plan: readonly PlanRow[];
  /** The annotated graph as `graphToJson` writes it. */
  readonly graph: { readonly nodes: ReadonlyArray<{ id: string; kind: string; block: string }>; readonly edges: ReadonlyArray<{ source: string; target: string; kind: string }> };
}

/** A run directory, read. */
export interface Run {
  readonly dir: string;
  readonly records: readonly LogRecord[];
  /** Lines of the log that were not JSON (a crash can leave a partial last line). */
  readonly badLines: number;
  readonly model?: RunModel;
  /** Path of `model.sgm`, when present. */
  readonly sourceFile?: string;
  readonly source?: string;
  /** The latest checkpoint, when there is one. */
  readonly checkpoint?: { readonly dir: string; readonly manifest: CheckpointManifest };
}

/** Reads a run directory; a missing directory or log is a one-line UserError. */
export function readRun(dir: string): Run {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw new UserError(`cannot read run directory '${dir}': ${describeFsError(error)}`);
  }
  if (!isDir) throw new UserError(`'${dir}' is not a directory: give the run directory of \`sgm train --checkpoint DIR\``);
  const logPath = join(dir, 'train.jsonl');
  if (!existsSync(logPath)) throw new UserError(`'${dir}' has no train.jsonl: is it the run directory of \`sgm train --checkpoint DIR\`?`);
  const { records, badLines } = parseLog(readFileSync(logPath, 'utf8'));
  const modelPath = join(dir, 'model.json');
  const sourcePath = join(dir, 'model.sgm');
  const model = existsSync(modelPath) ? readModelJson(modelPath) : undefined;
  const checkpointDir = findCheckpoint(dir);
  return {
    dir,
    records,
    badLines,
    ...(model ? { model } : {}),
    ...(isModelSource(sourcePath) ? { sourceFile: sourcePath, source: readFileSync(sourcePath, 'utf8') } : {}),
    ...(checkpointDir ? { checkpoint: readManifest(checkpointDir) } : {}),
  };
}

/**
 * A run's model.sgm is read only when it is a regular file of at most 4 MiB (the CLI's limit for model files):
 * a run folder from elsewhere may hold a pipe or a huge file there.
 */
function isModelSource(path: string): boolean {
  try {
    const s = statSync(path);
    return s.isFile() && s.size <= 4 * 1024 * 1024;
  } catch {
    return false;
  }
}

/** The log's records; a line that is not JSON (a partial last line after a crash) is counted, not fatal. */
function parseLog(text: string): { records: LogRecord[]; badLines: number } {
  const records: LogRecord[] = [];
  let badLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(...parseJsonl(line));
    } catch {
      badLines++;
    }
  }
  return { records, badLines };
}

function readModelJson(path: string): RunModel {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as RunModel;
    if (typeof m !== 'object' || m === null || !Array.isArray(m.plan)) throw new Error('not an sgm run model');
    return m;
  } catch (error) {
    throw new UserError(`cannot read '${path}': ${(error as Error).message}`);
  }
}
