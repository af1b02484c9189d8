/**
 * Which rows form the minibatch of each step. Epoch e visits the rows in a permutation drawn from a stream
 * seeded by (seed, e); its batches are consecutive slices of batchSize rows, and the last partial slice is
 * dropped (every batch has the same size, so per-batch objectives are comparable). The batch of a step is a
 * pure function of (seed, dataset size, batch size, step): a resumed run sees the same batches.
 */
import { RandomStream } from '../../stdlib/random.js';
import { deriveSeed, permutation } from '../data/js-random.js';
import { UserError } from '../errors.js';

/** Where a step's batch lies: its epoch and its index within the epoch. */
export interface BatchPosition {
  readonly epoch: number;
  readonly batchInEpoch: number;
}

/** The deterministic batch order of a training run. */
export class BatchSchedule {
  /** Number of full batches per epoch. */
  readonly batchesPerEpoch: number;
  private cachedEpoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(
    readonly size: number,
    readonly batchSize: number,
    readonly seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UserError(`batch size must be a whole number >= 1, got ${batchSize}`);
    if (batchSize > size) throw new UserError(`batch size ${batchSize} is larger than the training set (${size} rows)`);
    this.batchesPerEpoch = Math.floor(size / batchSize);
  }

  /** The epoch and batch index of global step `step` (0-based). */
  position(step: number): BatchPosition {
    return { epoch: Math.floor(step / this.batchesPerEpoch), batchInEpoch: step % this.batchesPerEpoch };
  }

  /** The row indices of the batch of step `step`. */
  indices(step: number): Int32Array {
    const { epoch, batchInEpoch } = this.position(step);
    if (epoch !== this.cachedEpoch) {
      this.order = permutation(this.size, new RandomStream(deriveSeed(this.seed, 'batches', epoch)));
      this.cachedEpoch = epoch;
    }
    return this.order.subarray(batchInEpoch * this.batchSize, (batchInEpoch + 1) * this.batchSize);
  }
}
