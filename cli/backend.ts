/** Backend selection for the commands that run a model: --backend or the default order, printed on stderr. */
import { describeBackend, initBackend, type BackendName } from '../runtime/backend/index.js';
import { UserError } from '../runtime/errors.js';
import type { Io } from './io.js';
import { choice } from './options.js';

/** The --backend values. */
export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** Selects and prints the backend (--backend or the default order); `quiet` prints nothing. */
export async function startBackend(io: Io, backend: string | undefined, quiet = false): Promise<void> {
  const name = backend === undefined ? undefined : choice<BackendName>('--backend', backend, BACKENDS);
  try {
    const info = await initBackend(name);
    if (!quiet) io.stderr(`${describeBackend(info)}\n`);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
