/**
 * A fingerprint of a model's structure, stored in checkpoints so `--resume` refuses a checkpoint written by a
 * different model. Source path, sgm version, line numbers and reasons are left out: moving the file, editing
 * comments or upgrading sgm without changing the graph keeps checkpoints usable (variable names and shapes are
 * still checked one by one when weights are restored).
 */
import { createHash } from 'node:crypto';
import type { ModelMetadata } from '../model-api.js';

const IGNORED_KEYS = new Set(['source', 'sgmVersion', 'line', 'reason']);

/** SHA-256 (hex) of the metadata's canonical JSON without the ignored keys. */
export function modelHash(metadata: ModelMetadata): string {
  return createHash('sha256').update(canonicalJson(metadata)).digest('hex');
}

/** JSON with object keys sorted and the ignored keys dropped, so equal structures give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => !IGNORED_KEYS.has(k) && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
