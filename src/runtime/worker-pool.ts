import type { FunctionSpec, InvocationRequest, InvocationResult } from './invocation.js';
import { endLine, reportLine, startLine, TailBuffer } from './log-lines.js';
import {
  platformError,
  Worker,
  type WorkerEnvironment,
  type WorkerExit,
  type WorkerExitReason,
} from './worker.js';

/** What a pool reports to the fleet (and, through it, to the Lambda component's events and logs). */
export interface PoolHooks {
  log(functionName: string, line: string): void;
  workerSpawned(w: Worker): void;
  workerExited(w: Worker, exit: WorkerExit): void;
  /** Called before each spawn so the fleet can make room (evict an idle worker of another function). */
  beforeSpawn(pool: WorkerPool): void;
  /** A pre-started runtime this pool's function can adopt instead of spawning, if the fleet has one. */
  takeSpare(spec: FunctionSpec): Worker | undefined;
  /** A retired pool has no workers and no work left. */
  drained(pool: WorkerPool): void;
}

/** How long a worker that answered may take to ask for more work before the pool stops waiting for it. */
const STALL_MS = 1000;

interface Queued {
  req: InvocationRequest;
  resolve: (r: InvocationResult) => void;
}

/**
 * The workers of one function version. Invocations reaching a pool were already admitted by the concurrency
 * limiter, so the pool never refuses work: it hands each one to a ready worker or starts another. Workers
 * that finish park again (warm) until the idle reaper or an eviction ends them.
 */
export class WorkerPool {
  readonly spec: FunctionSpec;
  readonly #hooks: PoolHooks;
  readonly #env: WorkerEnvironment;
  readonly #queue: Queued[] = [];
  /** Ready workers, most recently parked last (reused first, so the rest can go idle and be reaped). */
  readonly #ready: Worker[] = [];
  readonly #workers = new Set<Worker>();
  #starting = 0;
  #retired = false;
  #closed = false;
  #stallTimer: NodeJS.Timeout | undefined;

  constructor(spec: FunctionSpec, hooks: PoolHooks, env: WorkerEnvironment) {
    this.spec = spec;
    this.#hooks = hooks;
    this.#env = env;
  }

  get workerCount(): number {
    return this.#workers.size + this.#starting;
  }

  get readyCount(): number {
    return this.#ready.length;
  }

  get retired(): boolean {
    return this.#retired;
  }

  /** Runs one invocation; always resolves (failures are results). */
  run(req: InvocationRequest): Promise<InvocationResult> {
    if (this.#closed)
      return Promise.resolve(
        this.#failure(req, 'Runtime.ExitError', 'Runtime exited with error: signal: killed'),
      );
    return new Promise<InvocationResult>((resolve) => {
      this.#queue.push({ req, resolve });
      this.#pump();
    });
  }

  /** Stops taking new work: idle workers end now, busy ones when their invocation ends. */
  retire(): void {
    this.#retired = true;
    this.#pump();
    this.#checkDrained();
  }

  /** Kills the least recently used idle worker; false when none is idle. */
  evictIdle(): boolean {
    const w = this.#ready.shift();
    if (!w) return false;
    w.kill('evicted');
    return true;
  }

  /** Oldest last-use time among idle workers (for choosing what to evict), or undefined. */
  get oldestIdle(): number | undefined {
    return this.#ready[0]?.lastUsed;
  }

  /** Kills every worker; queued invocations fail as if their runtime had been stopped. */
  shutdown(): void {
    this.#retired = true;
    this.#closed = true;
    for (const w of this.#workers) w.kill('shutdown');
    for (const q of this.#queue.splice(0)) {
      q.resolve(this.#failure(q.req, 'Runtime.ExitError', 'Runtime exited with error: signal: killed'));
    }
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#ready.length > 0) {
      const w = this.#ready.pop()!;
      const q = this.#queue.shift()!;
      w.assign(q.req, q.resolve);
    }
    if (this.#retired && this.#queue.length === 0) {
      for (const w of this.#ready.splice(0)) w.kill('retired');
    }
    // A worker that just answered asks for its next invocation within a moment: count on it rather than
    // spawning another process, unless it stalls (then a later pump spawns after all).
    const now = Date.now();
    let soon = 0;
    for (const w of this.#workers) if (w.state === 'finishing' && now - w.lastUsed < STALL_MS) soon++;
    const deficit = this.#queue.length - this.#starting - soon;
    for (let i = 0; i < deficit; i++) this.#spawn();
    if (soon > 0 && this.#queue.length > 0 && !this.#stallTimer) {
      this.#stallTimer = setTimeout(() => {
        this.#stallTimer = undefined;
        if (!this.#closed) this.#pump();
      }, STALL_MS);
      this.#stallTimer.unref();
    }
  }

  #spawn(): void {
    const hooks = {
      onReady: (w: Worker): void => this.#onReady(w),
      onExit: (w: Worker, exit: WorkerExit): void => this.#onExit(w, exit),
      log: (line: string): void => this.#hooks.log(this.spec.functionName, line),
    };
    const spare = this.#hooks.takeSpare(this.spec);
    if (spare) {
      this.#starting++;
      this.#workers.add(spare);
      spare.adopt(this.spec, hooks);
      this.#hooks.workerSpawned(spare);
      return;
    }
    this.#hooks.beforeSpawn(this);
    this.#starting++;
    Worker.start(this.spec, hooks, this.#env).then(
      (w) => {
        // Still counted in #starting until it asks for work (#onReady) or dies (#onExit).
        if (w.state === 'stopped') return;
        this.#workers.add(w);
        this.#hooks.workerSpawned(w);
        if (this.#closed) w.kill('shutdown');
      },
      (err: unknown) => {
        // The loopback listener could not bind: fail one waiting invocation rather than retrying forever.
        this.#starting--;
        const q = this.#queue.shift();
        q?.resolve(
          this.#failure(q.req, 'Runtime.Unknown', `Could not start the runtime: ${(err as Error).message}`),
        );
        this.#checkDrained();
      },
    );
  }

  #onReady(w: Worker): void {
    if (w.state !== 'ready') return;
    const first = !this.#everReady.has(w);
    if (first) {
      this.#everReady.add(w);
      this.#starting--;
    }
    const q = this.#queue.shift();
    if (q) {
      w.assign(q.req, q.resolve);
      return;
    }
    if (this.#retired) {
      w.kill('retired');
      return;
    }
    this.#ready.push(w);
  }

  readonly #everReady = new WeakSet<Worker>();

  #onExit(w: Worker, exit: WorkerExit): void {
    const i = this.#ready.indexOf(w);
    if (i >= 0) this.#ready.splice(i, 1);
    this.#workers.delete(w);
    if (!this.#everReady.has(w)) this.#starting--;
    this.#hooks.workerExited(w, exit);
    if (exit.initFailure) {
      // The invocation that was waiting for this runtime to start fails with the init error, as on AWS.
      const q = this.#queue.shift();
      if (q) {
        const f = exit.initFailure;
        const payload = f.runtimeBody ?? platformError(f.errorType, q.req.requestId, f.message);
        q.resolve(this.#failure(q.req, f.errorType, f.message, payload, f.initLines, f.initDurationMs));
      }
    }
    if (!this.#retired || this.#queue.length > 0) this.#pump();
    this.#checkDrained();
  }

  #checkDrained(): void {
    if (this.#retired && this.#workers.size === 0 && this.#starting === 0 && this.#queue.length === 0)
      this.#hooks.drained(this);
  }

  /** A failed invocation that never reached a runtime, with the platform lines AWS would log for it. */
  #failure(
    req: InvocationRequest,
    errorType: string,
    message: string,
    payload = platformError(errorType, req.requestId, message),
    initLines: string[] = [],
    initDurationMs?: number,
  ): InvocationResult {
    const tail = new TailBuffer(4096);
    const emit = (line: string): void => {
      this.#hooks.log(this.spec.functionName, line);
      tail.push(line);
    };
    for (const l of initLines) tail.push(l);
    if (initDurationMs !== undefined) {
      emit(
        `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}`,
      );
    }
    emit(startLine(req.requestId, this.spec.version));
    emit(`RequestId: ${req.requestId} Error: ${message}`);
    emit(errorType);
    emit(endLine(req.requestId));
    emit(
      reportLine({
        requestId: req.requestId,
        durationMs: 0,
        memorySize: this.spec.memorySize,
        maxMemoryUsedMb: undefined,
        status: 'error',
        errorType,
      }),
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
}

export type { WorkerExitReason };
