/** What a worker pool needs to run a function version: an immutable snapshot of its configuration. */
export interface FunctionSpec {
  /** Changes whenever code or configuration changes; a pool serves exactly one key. */
  readonly key: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly version: string;
  readonly runtime: string;
  readonly handler: string;
  /** Absolute directory the zip was unpacked into (LAMBDA_TASK_ROOT). */
  readonly codeDir: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** The function's own Environment.Variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** The function's layers merged in order (its `/opt`); undefined without layers. */
  readonly optDir?: string | undefined;
  /**
   * The interpreter that runs the runtime on this machine (RuntimeHosts); undefined for the default Node.js
   * (`lambda.nodePath`) and for provided.* runtimes.
   */
  readonly interpreter?: string | undefined;
  /** Set when the runtime runs on another language version than its label says (written to the init log). */
  readonly runtimeNote?: string | undefined;
  /**
   * Temporary credentials of the function's execution role (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
   * AWS_SESSION_TOKEN), as Lambda provides them, so the function's own SDK calls act as its role; undefined when the
   * server checks no signatures (any credentials then work).
   */
  readonly credentials?: WorkerCredentials | undefined;
}

export interface WorkerCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** One invocation handed to a pool. */
export interface InvocationRequest {
  readonly requestId: string;
  /** The event JSON exactly as the worker receives it. */
  readonly payload: Buffer;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  /** JSON text from X-Amz-Client-Context (already base64-decoded). */
  readonly clientContext?: string;
  /** Keep the last 4 KB of this invocation's log lines (LogType Tail). */
  readonly tail: boolean;
  /**
   * Set by the fleet when the invocation had to wait for a worker slot (the machine limit): how long, ms.
   * Shown in the REPORT line as `Queue Duration`.
   */
  readonly queuedMs?: number;
}

/** How a run ended, from the caller's point of view. */
export type InvocationStatus = 'success' | 'function-error' | 'timeout' | 'crash' | 'init-error';

export interface InvocationResult {
  readonly requestId: string;
  readonly status: InvocationStatus;
  /** The function's response, or the error object AWS returns as the payload of a failed invoke. */
  readonly payload: Buffer;
  /** errorType of the error payload (e.g. `Error`, `Runtime.ExitError`, `Sandbox.Timedout`). */
  readonly errorType?: string;
  /** Handler run time (invoke phase), ms. */
  readonly durationMs: number;
  /** Set on a cold start: time until the runtime asked for its first invocation, ms. */
  readonly initDurationMs?: number;
  /** Lines logged during the invocation (START..REPORT), last 4 KB, when `tail` was asked for. */
  readonly logTail?: string;
}

/** Lambda's synchronous payload limit (request and response): 6 MB. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** The runtime API refuses responses above this (AWS reports 6291556: 6 MB plus a little framing). */
export const MAX_RESPONSE_BYTES = 6_291_556;
