/**
 * Backend selection (design.md section 5): tfjs-node-gpu, then tfjs-node when installed (optional peers), else
 * WASM (SIMD), else the pure-JS CPU backend. Placeholder: the full version with the WASM speed fixes lands
 * with the performance work.
 */
import { tf } from '../../stdlib/tf.js';

/** Backends sgm knows. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What was selected and why. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly reason: string;
}

/** Selects and initialises a backend; `preferred` forces one (an error if unavailable). */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  const name: BackendName = preferred ?? 'cpu';
  await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`backend ${name} could not be initialised`);
  await tf.ready();
  return { name, reason: preferred ? 'requested' : 'default' };
}
