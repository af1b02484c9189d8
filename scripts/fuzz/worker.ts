/**
 * A worker process of `npm run fuzz:models`: receives chunks of generated models from the parent, runs each
 * through check, compile, type-check and two training steps (test/generator/run-model.ts) and sends back every
 * outcome as soon as it is known, so the parent can tell which model a hang or crash belongs to.
 */
import { initBackend } from '../../runtime/backend/index.js';
import type { GeneratedModel } from '../../test/generator/model-arb.js';
import { defaultModuleDir, ModelRunner, type Outcome } from '../../test/generator/run-model.js';

/** Parent -> worker. */
export type ToWorker = { readonly type: 'run'; readonly models: readonly GeneratedModel[] } | { readonly type: 'stop' };
/** Worker -> parent. */
export type FromWorker = { readonly type: 'outcome'; readonly name: string; readonly outcome: Outcome } | { readonly type: 'done' } | { readonly type: 'ready' };

const send = (m: FromWorker): void => {
  process.send!(m);
};

await initBackend('cpu');
const cacheDir = process.env.SGM_FUZZ_CACHE;
if (!cacheDir) throw new Error('SGM_FUZZ_CACHE is not set (the parent sets it)');
const runner = new ModelRunner({ moduleDir: defaultModuleDir('fuzz'), cacheDir });

process.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') process.exit(0);
  void (async () => {
    await runner.runAll(msg.models, msg.models.length, (m, outcome) => send({ type: 'outcome', name: m.name, outcome }));
    send({ type: 'done' });
  })();
});
send({ type: 'ready' });
