import { cpus } from 'node:os';

/** Tuning of the Lambda component. Every field has a default; `compileLambdaOptions` checks them once. */
export interface LambdaOptions {
  /**
   * Invocations running at once across all functions (AWS's account concurrency). Beyond it a
   * RequestResponse invoke is throttled (ConcurrentInvocationLimitExceeded) and Event invokes wait.
   * @default 4 × the CPU count, at least 4
   */
  maxConcurrency?: number;
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
  /** Node.js binary used for the nodejs* runtimes. @default process.execPath */
  nodePath?: string;
  /**
   * Pre-started Node.js runtimes kept for each recently used MemorySize, adopted by the first worker of a
   * new or updated function so its cold start skips the process start (0: always spawn). @default 1
   */
  spareWorkers?: number;
}

export type CompiledLambdaOptions = Required<LambdaOptions>;

/** A LambdaOptions field was invalid. */
export class LambdaOptionsError extends Error {
  readonly field: keyof LambdaOptions;

  constructor(field: keyof LambdaOptions, why: string) {
    super(`Invalid lambda option ${field}: ${why}`);
    this.name = 'LambdaOptionsError';
    this.field = field;
  }
}

export function compileLambdaOptions(o: LambdaOptions = {}, logLevel = 'info'): CompiledLambdaOptions {
  const c: CompiledLambdaOptions = {
    maxConcurrency: o.maxConcurrency ?? Math.max(4, cpus().length * 4),
    idleTimeoutMs: o.idleTimeoutMs ?? 300_000,
    initTimeoutMs: o.initTimeoutMs ?? 10_000,
    asyncRetryDelaysMs: o.asyncRetryDelaysMs ?? [60_000, 120_000],
    asyncMaxEventAgeMs: o.asyncMaxEventAgeMs ?? 6 * 3600_000,
    logFileMaxBytes: o.logFileMaxBytes ?? 5 * 1024 * 1024,
    printFunctionLogs: o.printFunctionLogs ?? logLevel !== 'silent',
    maxUnzippedBytes: o.maxUnzippedBytes ?? 262_144_000,
    nodePath: o.nodePath ?? process.execPath,
    spareWorkers: o.spareWorkers ?? 1,
  };
  const positiveInt = (field: keyof LambdaOptions, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw new LambdaOptionsError(field, 'must be a positive integer');
  };
  positiveInt('maxConcurrency', c.maxConcurrency);
  positiveInt('idleTimeoutMs', c.idleTimeoutMs);
  positiveInt('initTimeoutMs', c.initTimeoutMs);
  positiveInt('asyncMaxEventAgeMs', c.asyncMaxEventAgeMs);
  positiveInt('logFileMaxBytes', c.logFileMaxBytes);
  positiveInt('maxUnzippedBytes', c.maxUnzippedBytes);
  if (
    !Array.isArray(c.asyncRetryDelaysMs) ||
    c.asyncRetryDelaysMs.some((d) => !Number.isFinite(d) || d < 0)
  ) {
    throw new LambdaOptionsError('asyncRetryDelaysMs', 'must be a list of delays >= 0');
  }
  if (typeof c.nodePath !== 'string' || c.nodePath === '')
    throw new LambdaOptionsError('nodePath', 'must be a path');
  if (!Number.isInteger(c.spareWorkers) || c.spareWorkers < 0 || c.spareWorkers > 8) {
    throw new LambdaOptionsError('spareWorkers', 'must be an integer 0-8');
  }
  return c;
}
