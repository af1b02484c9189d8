/**
 * Static shapes. A dimension is a number, a named dimension bound at run time (e.g. 'B', the batch), or
 * UNKNOWN when it cannot be known at compile time. Broadcasting follows NumPy: shapes align from the right;
 * two axes are compatible when equal, when one is 1, or when either is unknown. Named dimensions are equal
 * only to themselves (and to 1 or unknown).
 */

/** A dimension of a static shape. */
export type Dim = number | string;
/** A shape; `null` where even the rank is unknown. */
export type Shape = readonly Dim[];

/** The unknown dimension. */
export const UNKNOWN: Dim = '?';

/** `[B, 20, 10]` */
export function formatShape(shape: Shape | null): string {
  return shape === null ? '[...]' : `[${shape.join(', ')}]`;
}

/** Two dims are certainly equal (unknown is equal to nothing, for error reporting use compatible()). */
export function sameDim(a: Dim, b: Dim): boolean {
  return a === b && a !== UNKNOWN;
}

/** Two dims may broadcast together. */
export function compatibleDims(a: Dim, b: Dim): boolean {
  return a === b || a === 1 || b === 1 || a === UNKNOWN || b === UNKNOWN;
}

/** Result of broadcasting two shapes. */
export type BroadcastResult =
  | { readonly ok: true; readonly shape: Shape | null; readonly suspicious?: string }
  | { readonly ok: false; readonly axis: number };

/**
 * Broadcasts two shapes. `suspicious` describes a legal but surprising broadcast: a named (run-time)
 * dimension ending up on two axes, e.g. [B] with [B, 1] -> [B, B], the classic silent bug.
 */
export function broadcast(a: Shape | null, b: Shape | null): BroadcastResult {
  if (a === null || b === null) return { ok: true, shape: null };
  // Allocation-free where it can be (this runs for every operator and elementwise call of a model): a result
  // equal to one operand is that operand's array (shapes are never mutated), and the repeated-name scan
  // below compares in place instead of building a list of the named dims.
  const rank = Math.max(a.length, b.length);
  let sameAsA = a.length === rank;
  let sameAsB = b.length === rank;
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (!compatibleDims(da, db)) return { ok: false, axis: i - rank };
    const d = broadcastDim(da, db);
    if (d !== da) sameAsA = false;
    if (d !== db) sameAsB = false;
  }
  let out: Dim[] | undefined;
  if (!sameAsA && !sameAsB) {
    out = [];
    for (let i = 0; i < rank; i++) out.push(broadcastDim(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1));
  }
  const shape: Shape = sameAsA ? a : sameAsB ? b : out!;
  const repeated = repeatedNamedDim(shape);
  return repeated === undefined
    ? { ok: true, shape }
    : { ok: true, shape, suspicious: `the run-time dimension '${repeated}' ends up on two axes` };
}

/** The dim of two compatible dims after broadcasting. */
function broadcastDim(da: Dim, db: Dim): Dim {
  return da === 1 ? db : db === 1 ? da : da === UNKNOWN ? db : da;
}

/** The first named (run-time) dimension that occurs twice in a shape, or undefined. */
function repeatedNamedDim(shape: Shape): string | undefined {
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'string' || d === UNKNOWN) continue;
    for (let j = 0; j < i; j++) if (shape[j] === d) return d;
  }
  return undefined;
}

/** Whether `from` broadcasts to exactly `to` (one-directional: `to` does not change). */
export function broadcastsTo(from: Shape | null, to: Shape | null): boolean {
  if (from === null || to === null) return true;
  if (from.length > to.length) return false;
  return from.every((d, i) => {
    const t = to[to.length - from.length + i];
    return d === t || d === 1 || d === UNKNOWN || t === UNKNOWN;
  });
}

/** Number of elements when every dim is a number, else undefined. */
export function numel(shape: Shape): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/** Normalises an axis (negative counts from the end); undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

/** True for a named (run-time) dimension. */
export function isNamedDim(d: Dim): d is string {
  return typeof d === 'string' && d !== UNKNOWN;
}
