/**
 * Distance of relaxed samples to the nearest vertex of the simplex: the statistic of the IGR paper's Figure 1
 * and Figure 5 (AISTATS version; v2 section 4 selects temperatures so that "75% of samples were at a Euclidean
 * distance of at most 0.2 to the nearest vertex"). For z on the simplex the nearest vertex is e_{argmax z}, and
 *   ‖z - e_k‖² = Σ_j z_j² - 2 z_k + 1,
 * so the distance needs no search over vertices.
 */
import { tf } from '../../stdlib/tf.js';

/** The threshold of the papers' statistic: a sample "is close to its discrete counterpart" within 0.2. */
export const VERTEX_THRESHOLD = 0.2;
/** Histogram bin width. The largest possible distance is √(1 - 1/K) < 1 (the barycentre), so [0, 1] holds all. */
export const VERTEX_BIN_WIDTH = 0.05;

/** Euclidean distance of each point z [..., K] of the simplex to its nearest vertex: [...]. */
export function vertexDistance(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const squared = tf.add(tf.sub(tf.sum(tf.square(z), -1), tf.mul(2, tf.max(z, -1))), 1);
    // Rounding can leave -1e-7 at a vertex; the distance there is 0.
    return tf.sqrt(tf.relu(squared));
  });
}

/** Summary of the distances: the papers' share within 0.2, the mean, quantiles and a histogram. */
export interface VertexDistanceStats {
  /** Number of distances (samples × latent entries). */
  readonly count: number;
  /** Share of samples within VERTEX_THRESHOLD of the nearest vertex. */
  readonly shareWithin: number;
  readonly threshold: number;
  readonly mean: number;
  readonly median: number;
  readonly q90: number;
  /** Counts per bin [i·w, (i+1)·w) for w = VERTEX_BIN_WIDTH, covering [0, 1]. */
  readonly histogram: readonly number[];
  readonly binWidth: number;
}

/** Collects distances batch by batch and summarises them. */
export class VertexDistanceAccumulator {
  private readonly chunks: Float32Array[] = [];

  /** Adds the distances of the relaxed samples z [..., K]. */
  add(z: tf.Tensor): void {
    const d = vertexDistance(z);
    this.chunks.push(d.dataSync() as Float32Array);
    d.dispose();
  }

  /** The summary, or undefined when nothing was added. */
  stats(): VertexDistanceStats | undefined {
    return summarizeDistances(concat(this.chunks));
  }
}

/** The summary of a list of distances (undefined when empty). */
export function summarizeDistances(values: Float32Array): VertexDistanceStats | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = Float32Array.from(values).sort();
  const bins = Math.round(1 / VERTEX_BIN_WIDTH);
  const histogram = new Array<number>(bins).fill(0);
  let within = 0;
  let sum = 0;
  for (const d of sorted) {
    if (d <= VERTEX_THRESHOLD) within++;
    sum += d;
    histogram[Math.min(bins - 1, Math.floor(d / VERTEX_BIN_WIDTH))]++;
  }
  const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))];
  return {
    count: n,
    shareWithin: within / n,
    threshold: VERTEX_THRESHOLD,
    mean: sum / n,
    median: at(0.5),
    q90: at(0.9),
    histogram,
    binWidth: VERTEX_BIN_WIDTH,
  };
}

function concat(chunks: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
