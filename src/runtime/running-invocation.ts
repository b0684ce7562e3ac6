import type { InvocationRequest, InvocationResult, InvocationStatus } from './invocation.js';
import { endLine, reportLine, TailBuffer } from './log-lines.js';

/** How an invocation ended: the runtime's answer, or the platform's error when it gave none. */
export interface Outcome {
  status: InvocationStatus;
  payload: Buffer;
  errorType: string | undefined;
  durationMs: number;
}

/** An end the platform decided (a timeout, a crash): the REPORT line then shows its status and error type. */
export interface PlatformEnd {
  status: 'timeout' | 'error';
  errorType: string;
}

export function msSince(t: bigint): number {
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * The invocation a worker is running: when it started, its deadline timer, the tail of its log (LogType
 * Tail), and its end, written once as AWS writes it (END, then REPORT) and turned into the caller's result.
 */
export class RunningInvocation {
  readonly req: InvocationRequest;
  readonly resolve: (r: InvocationResult) => void;
  readonly #started = process.hrtime.bigint();
  readonly #timer: NodeJS.Timeout;
  readonly #tail: TailBuffer | undefined;
  /** Set on the first invocation of a runtime: its cold start, shown in REPORT. */
  readonly #initDurationMs: number | undefined;
  #ended = false;

  constructor(
    req: InvocationRequest,
    resolve: (r: InvocationResult) => void,
    timeout: { ms: number; onTimeout: () => void },
    initDurationMs: number | undefined,
  ) {
    this.req = req;
    this.resolve = resolve;
    this.#timer = setTimeout(timeout.onTimeout, timeout.ms);
    this.#tail = req.tail ? new TailBuffer(4096) : undefined;
    this.#initDurationMs = initDurationMs;
  }

  /** Milliseconds since the runtime was handed the invocation. */
  get elapsedMs(): number {
    return msSince(this.#started);
  }

  /** A line of the function's log written while this invocation runs. */
  logged(line: string): void {
    this.#tail?.push(line);
  }

  stopTimer(): void {
    clearTimeout(this.#timer);
  }

  /**
   * Writes END and REPORT through `log` (which should hand them to `logged` too), then returns the caller's
   * result; undefined when the invocation has already ended.
   */
  end(
    log: (line: string) => void,
    o: Outcome,
    memory: { memorySize: number; maxMemoryUsedMb: number | undefined },
    platform?: PlatformEnd,
  ): InvocationResult | undefined {
    if (this.#ended) return undefined;
    this.#ended = true;
    const requestId = this.req.requestId;
    log(endLine(requestId));
    log(
      reportLine({
        requestId,
        durationMs: o.durationMs,
        ...memory,
        initDurationMs: this.#initDurationMs,
        status: platform?.status,
        errorType: platform?.errorType,
        queuedMs: this.req.queuedMs,
      }),
    );
    return {
      requestId,
      status: o.status,
      payload: o.payload,
      errorType: o.errorType,
      durationMs: o.durationMs,
      initDurationMs: this.#initDurationMs,
      logTail: this.#tail?.toBase64(),
    };
  }
}
