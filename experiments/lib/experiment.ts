/**
 * What an experiment is to the runner: a name, its jobs at a scale (units of work run in separate processes,
 * two at a time on two cores), what one job computes, and how the finished jobs become results/<name>.md and
 * results/<name>*.svg. Job results are plain JSON, so a worker process can hand them to the runner.
 */

/** `--quick` (under 15 minutes on 2 cores) or `--full` (the longer protocol). */
export type RunScale = 'quick' | 'full';

/** JSON values (job parameters and results). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One unit of work. */
export interface Job {
  /** Unique within the experiment, file-name safe (e.g. 'igr_i-linear-s0'). */
  readonly id: string;
  /** Estimated seconds on one core (for the schedule and the ETA). */
  readonly cost: number;
}

/** Where an experiment writes its report. */
export interface ReportContext {
  readonly scale: RunScale;
  /** Writes results/<file> atomically (a .md table or an .svg figure). */
  write(file: string, text: string): void;
  /** A one-line note on the console. */
  log(message: string): void;
}

/** An experiment of the papers, at reduced scale. */
export interface Experiment<J extends Job = Job, R = Json> {
  readonly name: string;
  /** One line: what it reproduces (paper, table or figure). */
  readonly title: string;
  jobs(scale: RunScale): J[];
  /** Runs one job (inside a worker process, backend already selected); `log` prints progress. */
  run(job: J, scale: RunScale, log: (message: string) => void): Promise<R>;
  /** Writes the report from every job's result (missing: jobs that failed), by job id. */
  report(results: ReadonlyMap<string, R>, scale: RunScale, out: ReportContext): void;
}

/** Helper to declare an experiment with its own job and result types, stored in the registry untyped. */
export function defineExperiment<J extends Job, R>(e: Experiment<J, R>): Experiment<Job, unknown> {
  return e as unknown as Experiment<Job, unknown>;
}
