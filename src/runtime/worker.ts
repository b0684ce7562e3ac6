import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setImmediate as immediate } from 'node:timers/promises';
import type { FunctionSpec, InvocationRequest, InvocationResult, InvocationStatus } from './invocation.js';
import { startLine, timeoutMessage } from './log-lines.js';
import { peakRssMb } from './process-memory.js';
import {
  ACCEPTED,
  type Activation,
  INVALID_REQUEST_ID,
  INVALID_STATE_TRANSITION,
  type NextInvocation,
  nextInvocation,
  postedErrorType,
  reportedMaxRssMb,
  responseTooLargeError,
  type RuntimeReply,
  RuntimeApiServer,
} from './runtime-api-server.js';
import { RuntimeProcess } from './runtime-process.js';
import { msSince, type Outcome, type PlatformEnd, RunningInvocation } from './running-invocation.js';
import { runtimeFamily, spareSpawnPlan, spawnPlan, type SpareKind, type SpawnContext } from './spawn-spec.js';
import {
  initFailure,
  isDeliberate,
  platformError,
  runtimeExitError,
  type WorkerExit,
  type WorkerExitReason,
} from './worker-exit.js';

export type { InitFailure, WorkerExit, WorkerExitReason } from './worker-exit.js';

/**
 * spare: a Node.js or Python runtime started ahead of need, not yet given a function (see `adopt`);
 * starting: process launched, has not asked for work yet; ready: parked on invocation/next; busy: running one;
 * finishing: answered, platform lines being written; stopped: process gone.
 */
export type WorkerState = 'spare' | 'starting' | 'ready' | 'busy' | 'finishing' | 'stopped';

export interface WorkerHooks {
  /** The runtime is parked on invocation/next: hand it work with `assign` or leave it idle. */
  onReady(w: Worker): void;
  onExit(w: Worker, exit: WorkerExit): void;
  /**
   * One line of the function's log (stdout, stderr and platform lines), with the worker's log stream
   * (`YYYY/MM/DD/[$LATEST]<id>`, the CloudWatch Logs stream Lambda writes one execution environment to).
   */
  log(line: string, logStream: string): void;
}

export interface WorkerEnvironment {
  region: string;
  endpointUrl: string;
  nodePath: string;
  idleTimeoutMs: number;
  initTimeoutMs: number;
}

let nextWorkerId = 1;

/** A new log stream's name, as Lambda names one per execution environment: `2026/12/07/[$LATEST]<32 hex>`. */
export function logStreamName(version: string): string {
  const d = new Date();
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

/**
 * One long-lived runtime process serving one invocation at a time over the Runtime API. It enforces the
 * function timeout (the process is killed) and turns every way a process can end into an AWS-shaped result.
 */
export class Worker {
  readonly id = nextWorkerId++;
  /** Its CloudWatch Logs stream, named by the version it runs (`[$LATEST]`, `[3]`: a spare's is set on adoption). */
  #logStream: string;
  /** Set for spares: what they were started as (interpreter and MemorySize, spawn-spec.ts SpareKind). */
  readonly spareKind: SpareKind | undefined;
  #spec: FunctionSpec | undefined;
  /** Last time the worker finished an invocation or became ready (for LRU eviction). */
  lastUsed = Date.now();
  #state: WorkerState = 'starting';
  #hooks: WorkerHooks;
  readonly #env: WorkerEnvironment;
  readonly #api: RuntimeApiServer;
  #process: RuntimeProcess | undefined;
  /** Launch time, or adoption time for a spare: where its Init Duration starts. */
  #spawnedAt = process.hrtime.bigint();
  #activation: Activation | undefined;
  #activate: ((a: Activation) => void) | undefined;
  #spareBooted = false;
  #initDurationMs: number | undefined;
  #servedAny = false;
  #parked: ((inv: NextInvocation) => void) | undefined;
  #current: RunningInvocation | undefined;
  #finishing: Promise<void> | undefined;
  #initError: { body: Buffer; errorType: string } | undefined;
  readonly #initLineList: string[] = [];
  #killReason: WorkerExitReason | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #initTimer: NodeJS.Timeout | undefined;
  #maxRssMb: number | undefined;
  #exited = false;

  private constructor(
    spec: FunctionSpec | undefined,
    hooks: WorkerHooks,
    env: WorkerEnvironment,
    spareKind?: SpareKind,
  ) {
    this.#spec = spec;
    this.#hooks = hooks;
    this.#env = env;
    this.spareKind = spareKind;
    if (spec === undefined) this.#state = 'spare';
    this.#logStream = logStreamName(spec?.version ?? '$LATEST');
    this.#api = new RuntimeApiServer({
      activate: () => this.#onActivate(),
      next: () => this.#next(),
      response: (id, body, headers) => this.#onResponse(id, body, headers),
      error: (id, body, headers) => this.#onError(id, body, headers),
      initError: (body, headers) => this.#onInitError(body, headers),
      responseTooLarge: (id) => this.#onTooLarge(id),
    });
  }

  /** Binds the worker's Runtime API port and launches the runtime process. */
  static async start(spec: FunctionSpec, hooks: WorkerHooks, env: WorkerEnvironment): Promise<Worker> {
    const w = new Worker(spec, hooks, env);
    await w.#launch();
    return w;
  }

  /**
   * Starts a spare Node.js or Python runtime of `kind`: the process and our bootstrap load now, the function
   * later (`adopt`), so the cold start of a new function pays only for its own handler.
   */
  static async startSpare(
    kind: SpareKind,
    hooks: WorkerHooks,
    env: WorkerEnvironment,
    cwd: string,
  ): Promise<Worker> {
    const w = new Worker(undefined, hooks, env, kind);
    await w.#launch(cwd);
    return w;
  }

  get logStream(): string {
    return this.#logStream;
  }

  /** The function this worker serves (a spare has none until adopted). */
  get spec(): FunctionSpec {
    if (!this.#spec) throw new Error(`worker ${this.id} is a spare without a function`);
    return this.#spec;
  }

  /** Gives a spare its function: from now on it is a starting worker of that function's pool. */
  adopt(spec: FunctionSpec, hooks: WorkerHooks): void {
    if (this.#state !== 'spare') throw new Error(`worker ${this.id} is ${this.#state}, not a spare`);
    clearTimeout(this.#idleTimer);
    this.#spec = spec;
    this.#hooks = hooks;
    this.#state = 'starting';
    this.#logStream = logStreamName(spec.version); // dated now, not when the spare started (maybe another day)
    this.#spawnedAt = process.hrtime.bigint();
    this.#initTimer = setTimeout(() => this.kill('init-timeout'), this.#env.initTimeoutMs);
    if (spec.runtimeNote !== undefined) this.#line(spec.runtimeNote);
    const activation: Activation = {
      env: spawnPlan(spec, this.#spawnContext(this.#api.address ?? '')).env,
      cwd: spec.codeDir,
    };
    if (this.#activate) this.#activate(activation);
    else this.#activation = activation;
  }

  /** A spare whose runtime has started and now waits to be given a function. */
  get spareBooted(): boolean {
    return this.#spareBooted;
  }

  #onActivate(): Promise<Activation> {
    this.#spareBooted = true;
    if (this.#activation) return Promise.resolve(this.#activation);
    return new Promise<Activation>((resolve) => {
      this.#activate = resolve;
    });
  }

  #spawnContext(runtimeApi: string): SpawnContext {
    return {
      region: this.#env.region,
      runtimeApi,
      endpointUrl: this.#env.endpointUrl,
      logStreamName: this.logStream,
      nodePath: this.#env.nodePath,
    };
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Killed, its process not gone yet. */
  get ending(): boolean {
    return this.#killReason !== undefined && this.#state !== 'stopped';
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  async #launch(spareCwd?: string): Promise<void> {
    const runtimeApi = await this.#api.listen();
    if (this.#killReason !== undefined) {
      this.#onProcessGone(null, null);
      return;
    }
    if (this.#spec?.runtimeNote !== undefined) this.#line(this.#spec.runtimeNote);
    const plan =
      this.#spec !== undefined
        ? spawnPlan(this.#spec, this.#spawnContext(runtimeApi))
        : spareSpawnPlan(this.spareKind ?? { memorySize: 128 }, {
            runtimeApi,
            nodePath: this.#env.nodePath,
            cwd: spareCwd ?? '/',
          });
    this.#process = new RuntimeProcess(plan, {
      line: (l) => this.#line(l),
      gone: (code, signal, spawnError) => this.#onProcessGone(code, signal, spawnError),
    });
    if (this.#state === 'spare') {
      // A spare nobody adopts goes away like an idle worker.
      this.#idleTimer = setTimeout(() => this.kill('idle'), this.#env.idleTimeoutMs);
      this.#idleTimer.unref();
    } else {
      this.#initTimer = setTimeout(() => this.kill('init-timeout'), this.#env.initTimeoutMs);
    }
  }

  #line(line: string): void {
    this.#hooks.log(line, this.logStream);
    if (this.#current) this.#current.logged(line);
    else if (!this.#servedAny) {
      if (this.#initLineList.length < 200) this.#initLineList.push(line);
    }
  }

  // ---- Runtime API ------------------------------------------------------------------------------------------

  async #next(): Promise<NextInvocation> {
    if (this.#finishing) await this.#finishing;
    if (this.#state === 'busy' && this.#current) {
      // A runtime that asks for more work without answering loses the invocation it had.
      const id = this.#current.req.requestId;
      this.#complete(
        'function-error',
        platformError(
          'Runtime.InvalidResponse',
          id,
          'Runtime asked for the next invocation without answering this one',
        ),
        'Runtime.InvalidResponse',
      );
      if (this.#finishing) await this.#finishing;
    }
    // A spare has no function to run yet; a second concurrent poll gets nothing.
    if (this.#state === 'stopped' || this.#state === 'spare' || this.#parked)
      return new Promise<NextInvocation>(() => undefined);
    if (this.#initDurationMs === undefined) {
      this.#initDurationMs = msSince(this.#spawnedAt);
      clearTimeout(this.#initTimer);
    }
    this.#state = 'ready';
    this.lastUsed = Date.now();
    const parked = new Promise<NextInvocation>((resolve) => {
      this.#parked = resolve;
    });
    this.#hooks.onReady(this);
    if (this.#state === 'ready') {
      this.#idleTimer = setTimeout(() => this.kill('idle'), this.#env.idleTimeoutMs);
      this.#idleTimer.unref();
    }
    return parked;
  }

  /** Hands an invocation to this (ready) worker. */
  assign(req: InvocationRequest, resolve: (r: InvocationResult) => void): void {
    const parked = this.#parked;
    if (this.#state !== 'ready' || !parked) throw new Error(`worker ${this.id} is ${this.#state}, not ready`);
    clearTimeout(this.#idleTimer);
    this.#parked = undefined;
    this.#state = 'busy';
    const first = !this.#servedAny;
    this.#servedAny = true;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    this.#current = new RunningInvocation(
      req,
      resolve,
      { ms: timeoutMs, onTimeout: () => this.#onTimeout() },
      first ? this.#initDurationMs : undefined,
    );
    this.#line(startLine(req.requestId, this.spec.version));
    parked(nextInvocation(req, Date.now() + timeoutMs));
  }

  #isCurrent(requestId: string): boolean {
    return this.#state === 'busy' && this.#current?.req.requestId === requestId;
  }

  #noteStats(headers: IncomingHttpHeaders): void {
    this.#maxRssMb = reportedMaxRssMb(headers) ?? this.#maxRssMb;
  }

  // The runtime's 202 is sent once the result is delivered: the caller's answer goes out first.
  async #onResponse(requestId: string, body: Buffer, headers: IncomingHttpHeaders): Promise<RuntimeReply> {
    if (!this.#isCurrent(requestId)) return INVALID_REQUEST_ID;
    this.#noteStats(headers);
    this.#complete('success', body, undefined);
    await this.#finishing;
    await immediate();
    return ACCEPTED;
  }

  async #onError(requestId: string, body: Buffer, headers: IncomingHttpHeaders): Promise<RuntimeReply> {
    if (!this.#isCurrent(requestId)) return INVALID_REQUEST_ID;
    this.#noteStats(headers);
    this.#complete('function-error', body, postedErrorType(body, headers));
    await this.#finishing;
    await immediate();
    return ACCEPTED;
  }

  #onInitError(body: Buffer, headers: IncomingHttpHeaders): RuntimeReply {
    if (this.#servedAny) return INVALID_STATE_TRANSITION;
    this.#initError = { body, errorType: postedErrorType(body, headers) ?? 'Runtime.Unknown' };
    return ACCEPTED;
  }

  #onTooLarge(requestId: string): void {
    if (!this.#isCurrent(requestId)) return;
    this.#complete('function-error', responseTooLargeError(), 'Function.ResponseSizeTooLarge');
  }

  // ---- completion -----------------------------------------------------------------------------------------

  /** The runtime answered (or gave up on) the current invocation; the process lives on. */
  #complete(status: InvocationStatus, payload: Buffer, errorType: string | undefined): void {
    const cur = this.#current;
    if (!cur) return;
    cur.stopTimer();
    const durationMs = cur.elapsedMs;
    this.#state = 'finishing';
    this.lastUsed = Date.now();
    this.#finishing = (async () => {
      // Output written before the answer may still sit unread in the pipe: one poll turn drains it.
      await immediate();
      this.#process?.flush();
      if (this.#maxRssMb === undefined || runtimeFamily(this.spec.runtime) === 'provided') {
        this.#maxRssMb = (await peakRssMb(this.pid)) ?? this.#maxRssMb;
      }
      this.#finish(cur, { status, payload, errorType, durationMs });
      this.#finishing = undefined;
      this.lastUsed = Date.now();
    })();
  }

  #finish(cur: RunningInvocation, outcome: Outcome, platform?: PlatformEnd): void {
    const memory = { memorySize: this.spec.memorySize, maxMemoryUsedMb: this.#maxRssMb };
    const result = cur.end((l) => this.#line(l), outcome, memory, platform);
    if (!result) return;
    this.#current = undefined;
    cur.resolve(result);
  }

  #onTimeout(): void {
    const cur = this.#current;
    if (!cur || this.#state !== 'busy') return;
    const durationMs = cur.elapsedMs;
    const msg = timeoutMessage(this.spec.timeoutSeconds);
    this.kill('timeout');
    this.#process?.flush();
    this.#line(`${new Date().toISOString()} ${cur.req.requestId} ${msg}`);
    const payload = platformError('Sandbox.Timedout', cur.req.requestId, msg);
    this.#finish(
      cur,
      { status: 'timeout', payload, errorType: 'Sandbox.Timedout', durationMs },
      { status: 'timeout', errorType: 'Sandbox.Timedout' },
    );
  }

  /** The process is gone (exited, crashed, killed, or never started). */
  #onProcessGone(
    code: number | null,
    signal: NodeJS.Signals | null,
    spawnError?: NodeJS.ErrnoException,
  ): void {
    if (this.#exited) return;
    this.#exited = true;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#initTimer);
    this.#process?.flush();
    const oom = this.#process?.oom ?? false;
    const wasReady = this.#initDurationMs !== undefined;
    const reason: WorkerExitReason = this.#killReason ?? (wasReady ? 'crash' : 'init-error');
    // A process that dies after answering still gets its answer delivered (by #complete).
    const cur = this.#state === 'busy' ? this.#current : undefined;
    if (cur) {
      cur.stopTimer();
      const { errorType, message } = runtimeExitError(code, signal, oom);
      this.#line(`RequestId: ${cur.req.requestId} Error: ${message}`);
      this.#line(errorType);
      const payload = platformError(errorType, cur.req.requestId, message);
      this.#finish(
        cur,
        { status: 'crash', payload, errorType, durationMs: cur.elapsedMs },
        { status: 'error', errorType },
      );
    }
    this.#state = 'stopped';
    this.#parked = undefined;
    void this.#api.close();
    const exit: WorkerExit = { code, signal, reason, neverReady: !wasReady };
    // A spare that dies before adoption fails nothing; an adopted one fails like any starting worker.
    if (!wasReady && !isDeliberate(this.#killReason) && this.#spec !== undefined) {
      exit.initFailure = initFailure({
        code,
        signal,
        oom,
        killReason: this.#killReason,
        initError: this.#initError,
        spawnError,
        codeDir: this.#spec.codeDir,
        initTimeoutMs: this.#env.initTimeoutMs,
        initLines: this.#initLineList,
        initDurationMs: msSince(this.#spawnedAt),
      });
    }
    this.#hooks.onExit(this, exit);
  }

  /** Ends the process (see RuntimeProcess.kill). */
  kill(reason: WorkerExitReason): void {
    this.#killReason ??= reason;
    clearTimeout(this.#idleTimer);
    // Not launched yet: #launch sees the reason and stops before spawning.
    this.#process?.kill();
  }
}
