import type { FunctionSpec, InvocationRequest, InvocationResult } from './invocation.js';
import { endLine, reportLine, startLine, TailBuffer, timeoutMessage } from './log-lines.js';
import { logStreamName, Worker, type WorkerEnvironment } from './worker.js';
import { platformError, type WorkerExit, type WorkerExitReason } from './worker-exit.js';

/** What a pool reports to the fleet (and, through it, to the Lambda component's events and logs). */
export interface PoolHooks {
  log(functionName: string, line: string, logStream: string): void;
  workerSpawned(w: Worker): void;
  /** A worker process ended (the fleet fails the invocation waiting for it if it never became ready). */
  workerExited(w: Worker, exit: WorkerExit): void;
  /** A worker became ready, or one expected to be ready soon stalled: the fleet hands out work again. */
  changed(): void;
  /** A runtime could not be started at all (its loopback Runtime API listener failed). */
  spawnFailed(err: Error): void;
}

/** How long a worker that answered may take to ask for more work before the fleet stops counting on it. */
const STALL_MS = 1000;

/**
 * The workers of one function version. The fleet decides what runs where (it holds the queue of waiting
 * invocations and the machine limit); the pool starts workers when told, keeps the ready ones (most recently
 * parked last, reused first, so the rest can go idle and be reaped) and reports their changes.
 */
export class WorkerPool {
  readonly spec: FunctionSpec;
  readonly #hooks: PoolHooks;
  readonly #env: WorkerEnvironment;
  readonly #ready: Worker[] = [];
  /** Every worker process of the pool, from launch (or adoption) until its process is gone. */
  readonly #workers = new Set<Worker>();
  /** Workers whose process is being launched (not in #workers yet). */
  #launching = 0;
  #retired = false;
  #closed = false;
  #stallTimer: NodeJS.Timeout | undefined;

  constructor(spec: FunctionSpec, hooks: PoolHooks, env: WorkerEnvironment) {
    this.spec = spec;
    this.#hooks = hooks;
    this.#env = env;
  }

  /** Worker processes alive or starting (ended ones count until their process is gone). */
  get workerCount(): number {
    return this.#workers.size + this.#launching;
  }

  get readyCount(): number {
    return this.#ready.length;
  }

  get retired(): boolean {
    return this.#retired;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Workers that will be ready without starting another process: those starting, and those that just
   * answered and are about to ask for more work (unless they stall: then the fleet is asked again).
   */
  get coming(): number {
    const now = Date.now();
    let starting = 0;
    let soon = 0;
    for (const w of this.#workers) {
      if (w.state === 'starting') starting++;
      else if (w.state === 'finishing' && now - w.lastUsed < STALL_MS) soon++;
    }
    if (soon > 0 && !this.#stallTimer) {
      this.#stallTimer = setTimeout(() => {
        this.#stallTimer = undefined;
        if (!this.#closed) this.#hooks.changed();
      }, STALL_MS);
      this.#stallTimer.unref();
    }
    return this.#launching + starting + soon;
  }

  /** Whether a worker of this pool is starting or alive and not being ended (busy ones included). */
  get hasLiveWorker(): boolean {
    if (this.#launching > 0) return true;
    for (const w of this.#workers) if (!w.ending) return true;
    return false;
  }

  /** A ready worker to assign an invocation to (the most recently parked one), if any. */
  takeReady(): Worker | undefined {
    for (let w = this.#ready.pop(); w; w = this.#ready.pop()) if (!w.ending) return w;
    return undefined;
  }

  /** Ends the least recently used idle worker; returns it (it counts until its process is gone). */
  evictIdle(): Worker | undefined {
    for (let w = this.#ready.shift(); w; w = this.#ready.shift()) {
      if (w.ending) continue;
      w.kill('evicted');
      return w;
    }
    return undefined;
  }

  /** Ends every idle worker (a retired pool nobody waits for). */
  dropIdle(reason: WorkerExitReason): void {
    for (const w of this.#ready.splice(0)) w.kill(reason);
  }

  /** Oldest last-use time among idle workers (for choosing what to evict), or undefined. */
  get oldestIdle(): number | undefined {
    return this.#ready.find((w) => !w.ending)?.lastUsed;
  }

  /** Stops serving new invocations (the fleet sends them to the function's new pool). */
  retire(): void {
    this.#retired = true;
  }

  /** Kills every worker (server shutdown). */
  shutdown(): void {
    this.#retired = true;
    this.#closed = true;
    clearTimeout(this.#stallTimer);
    for (const w of this.#workers) w.kill('shutdown');
  }

  /** Starts a worker: adopts `spare` when given (a pre-started runtime), else launches a process. */
  spawn(spare?: Worker): void {
    const hooks = {
      onReady: (w: Worker): void => this.#onReady(w),
      onExit: (w: Worker, exit: WorkerExit): void => this.#onExit(w, exit),
      log: (line: string, logStream: string): void =>
        this.#hooks.log(this.spec.functionName, line, logStream),
    };
    if (spare) {
      this.#workers.add(spare);
      spare.adopt(this.spec, hooks);
      this.#hooks.workerSpawned(spare);
      return;
    }
    this.#launching++;
    Worker.start(this.spec, hooks, this.#env).then(
      (w) => {
        this.#launching--;
        if (w.state === 'stopped') {
          // Gone already (its exit was reported): the slot it held is free.
          this.#hooks.changed();
          return;
        }
        this.#workers.add(w);
        this.#hooks.workerSpawned(w);
        if (this.#closed) w.kill('shutdown');
      },
      (err: unknown) => {
        this.#launching--;
        this.#hooks.spawnFailed(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  #onReady(w: Worker): void {
    if (w.state !== 'ready') return;
    if (this.#closed) {
      w.kill('shutdown');
      return;
    }
    this.#ready.push(w);
    this.#hooks.changed();
  }

  #onExit(w: Worker, exit: WorkerExit): void {
    const i = this.#ready.indexOf(w);
    if (i >= 0) this.#ready.splice(i, 1);
    this.#workers.delete(w);
    this.#hooks.workerExited(w, exit);
  }

  /** A failed invocation that never reached a runtime, with the platform lines AWS would log for it. */
  failure(
    req: InvocationRequest,
    errorType: string,
    message: string,
    payload = platformError(errorType, req.requestId, message),
    initLines: string[] = [],
    initDurationMs?: number,
  ): InvocationResult {
    const tail = new TailBuffer(4096);
    for (const l of initLines) tail.push(l);
    const emit = this.#emitter(tail);
    if (initDurationMs !== undefined) {
      emit(
        `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}`,
      );
    }
    this.#neverRan(
      emit,
      req,
      [`RequestId: ${req.requestId} Error: ${message}`, errorType],
      'error',
      errorType,
    );
    return {
      requestId: req.requestId,
      status: 'init-error',
      payload,
      errorType,
      durationMs: 0,
      initDurationMs,
      logTail: req.tail ? tail.toBase64() : undefined,
    };
  }

  /**
   * An invocation that waited for a worker slot (the machine limit) for as long as the function's timeout:
   * it fails as a timeout does (Sandbox.Timedout, `Task timed out after N seconds`), never as a throttle.
   */
  queueTimeout(req: InvocationRequest): InvocationResult {
    const tail = new TailBuffer(4096);
    const emit = this.#emitter(tail);
    const message = timeoutMessage(this.spec.timeoutSeconds);
    const line = `${new Date().toISOString()} ${req.requestId} ${message}`;
    this.#neverRan(emit, req, [line], 'timeout', 'Sandbox.Timedout');
    return {
      requestId: req.requestId,
      status: 'timeout',
      payload: platformError('Sandbox.Timedout', req.requestId, message),
      errorType: 'Sandbox.Timedout',
      durationMs: 0,
      logTail: req.tail ? tail.toBase64() : undefined,
    };
  }

  /** START, `lines`, END and a REPORT of 0 ms: the platform lines of an invocation no runtime ran. */
  #neverRan(
    emit: (line: string) => void,
    req: InvocationRequest,
    lines: string[],
    status: 'error' | 'timeout',
    errorType: string,
  ): void {
    emit(startLine(req.requestId, this.spec.version));
    for (const l of lines) emit(l);
    emit(endLine(req.requestId));
    emit(
      reportLine({
        requestId: req.requestId,
        durationMs: 0,
        memorySize: this.spec.memorySize,
        maxMemoryUsedMb: undefined,
        status,
        errorType,
        queuedMs: req.queuedMs,
      }),
    );
  }

  /** Where the lines of invocations no runtime ran go (made on first use: most pools never need one). */
  #platformStream: string | undefined;

  #emitter(tail: TailBuffer): (line: string) => void {
    return (line) => {
      this.#platformStream ??= logStreamName(this.spec.version);
      this.#hooks.log(this.spec.functionName, line, this.#platformStream);
      tail.push(line);
    };
  }
}

export type { WorkerExitReason };
