import { timeoutMessage } from './log-lines.js';
import { describeExit } from './process-memory.js';

/**
 * How the end of a runtime process is reported: why it ended, and the AWS error it means for the invocation
 * it cut short or for the one that was waiting for it to start. AWS's wording for each case lives here once.
 */

/** Why a worker process ended. */
export type WorkerExitReason =
  'idle' | 'timeout' | 'crash' | 'init-error' | 'init-timeout' | 'retired' | 'evicted' | 'shutdown';

/** When a worker dies before serving anything, the invocation waiting for it fails with this. */
export interface InitFailure {
  errorType: string;
  /** Error text after `RequestId: ID Error: ` (AWS's platform error wording). */
  message: string;
  /** The error document the runtime posted to /runtime/init/error, returned verbatim as the payload. */
  runtimeBody?: Buffer;
  /** Lines the process logged while starting (shown in the failed invocation's log tail). */
  initLines: string[];
  initDurationMs: number;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: WorkerExitReason;
  /** True when the worker never asked for an invocation. */
  neverReady: boolean;
  initFailure?: InitFailure;
}

/** Kills the server chose (not the function's fault): a worker ended this way fails no invocation. */
export function isDeliberate(reason: WorkerExitReason | undefined): boolean {
  return reason === 'shutdown' || reason === 'retired' || reason === 'evicted' || reason === 'idle';
}

/** The error type and message of a runtime process that exited on its own (or was killed by a signal). */
export function runtimeExitError(
  code: number | null,
  signal: NodeJS.Signals | null,
  oom: boolean,
): { errorType: string; message: string } {
  const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
  const message =
    code === 0 && signal === null
      ? 'Runtime exited without providing a reason'
      : `Runtime exited with error: ${describeExit(code, signal)}`;
  return { errorType, message };
}

/** What the worker knows about a process that ended before it ever asked for an invocation. */
export interface InitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  oom: boolean;
  killReason: WorkerExitReason | undefined;
  /** What the runtime posted to /runtime/init/error, if it did. */
  initError: { body: Buffer; errorType: string } | undefined;
  /** Why the process could not be spawned at all (no 'exit' follows). */
  spawnError: NodeJS.ErrnoException | undefined;
  codeDir: string;
  initTimeoutMs: number;
  initLines: string[];
  initDurationMs: number;
}

/** The failure of the invocation that waited for a runtime which never started: AWS's error for each cause. */
export function initFailure(f: InitFacts): InitFailure {
  const base = { initLines: f.initLines, initDurationMs: f.initDurationMs };
  if (f.initError) {
    return {
      ...base,
      errorType: f.initError.errorType,
      message: 'Runtime init failed',
      runtimeBody: f.initError.body,
    };
  }
  if (f.spawnError) {
    const path = f.spawnError.path ?? `${f.codeDir}/bootstrap`;
    const message =
      f.spawnError.code === 'ENOENT'
        ? `Couldn't find valid bootstrap(s): [${path}]`
        : `fork/exec ${path}: ${f.spawnError.code === 'EACCES' ? 'permission denied' : f.spawnError.message}`;
    return { ...base, errorType: 'Runtime.InvalidEntrypoint', message };
  }
  if (f.killReason === 'init-timeout') {
    return { ...base, errorType: 'Sandbox.Timedout', message: timeoutMessage(f.initTimeoutMs / 1000) };
  }
  return { ...base, ...runtimeExitError(f.code, f.signal, f.oom) };
}

/** The error document AWS returns for failures of the platform rather than the handler. */
export function platformError(errorType: string, requestId: string, message: string): Buffer {
  return Buffer.from(
    JSON.stringify({ errorType, errorMessage: `RequestId: ${requestId} Error: ${message}` }),
  );
}
