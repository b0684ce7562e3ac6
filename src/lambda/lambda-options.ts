import { availableParallelism, totalmem } from 'node:os';
import { runtimeFamily, SUPPORTED_RUNTIMES } from '../runtime/spawn-spec.js';
import { ConfigError } from '../server/config-error.js';

/** Tuning of the Lambda component (`lambda` in a config file). Every field has a default; `compileLambdaOptions` checks them once. */
export interface LambdaOptions {
  /**
   * AWS's account concurrency: invocations running at once across all functions (reserved concurrency is
   * set aside from it, and at least 100 of it, or all of it below 100, stays unreserved). Beyond it a
   * RequestResponse invoke is throttled (429, ConcurrentInvocationLimitExceeded) and Event invokes wait.
   * CLI `--account-concurrency`, env TRIBUTARY_ACCOUNT_CONCURRENCY.
   * @default 1000
   */
  accountConcurrency?: number;
  /**
   * The machine's limit: worker processes alive at once (idle and spare ones included). It never throttles:
   * an invocation finding every worker slot taken waits its turn (FIFO) for at most its function's timeout,
   * then fails as a timeout does; the wait is logged as `Queue Duration` in its REPORT line.
   * CLI `--max-workers`, env TRIBUTARY_MAX_WORKERS.
   * @default 4 × the CPUs, at most one per 256 MiB of memory, at least 2 (see `defaultMaxWorkers`)
   */
  maxWorkers?: number;
  /** An idle worker process is ended after this long without work. @default 300000 */
  idleTimeoutMs?: number;
  /** A starting runtime must ask for its first invocation within this (AWS's 10 s init limit). @default 10000 */
  initTimeoutMs?: number;
  /** Delays before the second and third attempt of an Event invocation that failed. @default [60000, 120000] */
  asyncRetryDelaysMs?: number[];
  /** Event invocations older than this are dropped unprocessed (AWS's MaximumEventAgeInSeconds). @default 21600000 */
  asyncMaxEventAgeMs?: number;
  /** A function's log file is rotated past this size (one rotated file is kept). @default 5242880 */
  logFileMaxBytes?: number;
  /** Print function log lines on the server's stdout, prefixed `[function]`. @default true unless logLevel is silent */
  printFunctionLogs?: boolean;
  /** Largest unzipped deployment package. @default 262144000 (AWS's 250 MB) */
  maxUnzippedBytes?: number;
  /** Node.js binary used for the nodejs* runtimes without one of their own. @default process.execPath */
  nodePath?: string;
  /**
   * Interpreters by runtime label (`{"nodejs22.x": "/opt/node22/bin/node", "python3.12": "/usr/bin/python3.12"}`),
   * before PATH is searched for `node22`, `python3.12`... CLI `--runtime-path nodejs22.x=/path,python3.12=/path`,
   * env TRIBUTARY_RUNTIME_PATHS. @default {}
   */
  runtimePaths?: Record<string, string>;
  /**
   * Pre-started Node.js runtimes kept for each recently used MemorySize, adopted by the first worker of a
   * new or updated function so its cold start skips the process start (0: always spawn). @default 1
   */
  spareWorkers?: number;
}

export type CompiledLambdaOptions = Required<LambdaOptions>;

/** A LambdaOptions field was invalid (named as the config file spells it: `lambda.maxWorkers`). */
const bad = (field: keyof LambdaOptions, why: string): ConfigError => new ConfigError(`lambda.${field}`, why);

/** Memory set aside per worker process when sizing the default machine limit. */
const MEMORY_PER_WORKER = 256 * 1024 * 1024;

/**
 * The default machine limit: 4 worker processes per CPU (handlers mostly wait on I/O), but no more than one
 * per 256 MiB of the memory the server may use (the cgroup limit in a container), and at least 2.
 */
export function defaultMaxWorkers(
  cpus = availableParallelism(),
  memoryBytes = Math.min(totalmem(), process.constrainedMemory?.() || Infinity),
): number {
  return Math.max(2, Math.min(cpus * 4, Math.floor(memoryBytes / MEMORY_PER_WORKER)));
}

export function compileLambdaOptions(o: LambdaOptions = {}, logLevel = 'info'): CompiledLambdaOptions {
  const c: CompiledLambdaOptions = {
    accountConcurrency: o.accountConcurrency ?? 1000,
    maxWorkers: o.maxWorkers ?? defaultMaxWorkers(),
    idleTimeoutMs: o.idleTimeoutMs ?? 300_000,
    initTimeoutMs: o.initTimeoutMs ?? 10_000,
    asyncRetryDelaysMs: o.asyncRetryDelaysMs ?? [60_000, 120_000],
    asyncMaxEventAgeMs: o.asyncMaxEventAgeMs ?? 6 * 3600_000,
    logFileMaxBytes: o.logFileMaxBytes ?? 5 * 1024 * 1024,
    printFunctionLogs: o.printFunctionLogs ?? logLevel !== 'silent',
    maxUnzippedBytes: o.maxUnzippedBytes ?? 262_144_000,
    nodePath: o.nodePath ?? process.execPath,
    runtimePaths: o.runtimePaths ?? {},
    spareWorkers: o.spareWorkers ?? 1,
  };
  const positiveInt = (field: keyof LambdaOptions, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw bad(field, 'must be a positive integer');
  };
  positiveInt('accountConcurrency', c.accountConcurrency);
  positiveInt('maxWorkers', c.maxWorkers);
  positiveInt('idleTimeoutMs', c.idleTimeoutMs);
  positiveInt('initTimeoutMs', c.initTimeoutMs);
  positiveInt('asyncMaxEventAgeMs', c.asyncMaxEventAgeMs);
  positiveInt('logFileMaxBytes', c.logFileMaxBytes);
  positiveInt('maxUnzippedBytes', c.maxUnzippedBytes);
  if (
    !Array.isArray(c.asyncRetryDelaysMs) ||
    c.asyncRetryDelaysMs.some((d) => !Number.isFinite(d) || d < 0)
  ) {
    throw bad('asyncRetryDelaysMs', 'must be a list of delays >= 0');
  }
  if (typeof c.nodePath !== 'string' || c.nodePath === '') throw bad('nodePath', 'must be a path');
  for (const [label, path] of Object.entries(c.runtimePaths)) {
    if (!SUPPORTED_RUNTIMES.includes(label) || runtimeFamily(label) === 'provided')
      throw bad('runtimePaths', `${label} is not a nodejs* or python3.* runtime Tributary runs`);
    if (typeof path !== 'string' || path === '')
      throw bad('runtimePaths', `the path of ${label} must be a path`);
  }
  if (!Number.isInteger(c.spareWorkers) || c.spareWorkers < 0 || c.spareWorkers > 8) {
    throw bad('spareWorkers', 'must be an integer 0-8');
  }
  return c;
}
