/** Every experiment the runner knows, in the order it schedules them (the longest first). */
import { countVaes } from './count-vaes.js';
import { discreteVae } from './discrete-vae.js';
import { gengsSynthetic } from './gengs-synthetic.js';
import { gengsTable1 } from './gengs-table1.js';
import { igrRelax } from './igr-relax.js';
import type { Experiment, Job } from './lib/experiment.js';
import { poisson50 } from './poisson50.js';

/** The experiments of issue 5, by name. */
export const EXPERIMENTS: ReadonlyArray<Experiment<Job, unknown>> = [gengsTable1, discreteVae, countVaes, igrRelax, gengsSynthetic, poisson50];

/** The experiment called `name`. */
export function experimentNamed(name: string): Experiment<Job, unknown> {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (!e) throw new Error(`unknown experiment '${name}': one of ${EXPERIMENTS.map((x) => x.name).join(', ')}`);
  return e;
}
