import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setImmediate as immediate } from 'node:timers/promises';
import {
  type FunctionSpec,
  type InvocationRequest,
  type InvocationResult,
  type InvocationStatus,
  MAX_RESPONSE_BYTES,
} from './invocation.js';
import { endLine, LineSplitter, reportLine, startLine, TailBuffer, timeoutMessage } from './log-lines.js';
import { describeExit, peakRssMb } from './process-memory.js';
import {
  type Activation,
  type NextInvocation,
  type RuntimeReply,
  RuntimeApiServer,
} from './runtime-api-server.js';
import { isNodeRuntime, spareSpawnPlan, spawnPlan, type SpawnContext } from './spawn-spec.js';
import { killedWithServer } from './parent-death.js';

/**
 * spare: a Node.js runtime started ahead of need, not yet given a function (see `adopt`);
 * starting: process launched, has not asked for work yet; ready: parked on invocation/next; busy: running one;
 * finishing: answered, platform lines being written; stopped: process gone.
 */
export type WorkerState = 'spare' | 'starting' | 'ready' | 'busy' | 'finishing' | 'stopped';

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

export interface WorkerHooks {
  /** The runtime is parked on invocation/next: hand it work with `assign` or leave it idle. */
  onReady(w: Worker): void;
  onExit(w: Worker, exit: WorkerExit): void;
  /** One line of the function's log (stdout, stderr and platform lines). */
  log(line: string): void;
}

export interface WorkerEnvironment {
  region: string;
  endpointUrl: string;
  nodePath: string;
  idleTimeoutMs: number;
  initTimeoutMs: number;
}

interface Active {
  req: InvocationRequest;
  resolve: (r: InvocationResult) => void;
  started: bigint;
  timer: NodeJS.Timeout;
  tail: TailBuffer | undefined;
  initDurationMs: number | undefined;
  done: boolean;
}

let nextWorkerId = 1;

function logStreamName(version: string): string {
  const d = new Date();
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

function msSince(t: bigint): number {
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const OOM_LINE = /JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory/;

/**
 * One long-lived runtime process serving one invocation at a time over the Runtime API. It enforces the
 * function timeout (the process is killed) and turns every way a process can end into an AWS-shaped result.
 */
export class Worker {
  readonly id = nextWorkerId++;
  readonly logStream: string;
  /** Set for spares: the heap limit (function MemorySize) they were started with. */
  readonly spareMemorySize: number | undefined;
  #spec: FunctionSpec | undefined;
  /** Last time the worker finished an invocation or became ready (for LRU eviction). */
  lastUsed = Date.now();
  #state: WorkerState = 'starting';
  #hooks: WorkerHooks;
  readonly #env: WorkerEnvironment;
  readonly #api: RuntimeApiServer;
  #child: ChildProcess | undefined;
  /** Launch time, or adoption time for a spare: where its Init Duration starts. */
  #spawnedAt = process.hrtime.bigint();
  #activation: Activation | undefined;
  #activate: ((a: Activation) => void) | undefined;
  #spareBooted = false;
  #initDurationMs: number | undefined;
  #servedAny = false;
  #parked: ((inv: NextInvocation) => void) | undefined;
  #current: Active | undefined;
  #finishing: Promise<void> | undefined;
  #initError: { body: Buffer; errorType: string } | undefined;
  #spawnError: NodeJS.ErrnoException | undefined;
  readonly #initLineList: string[] = [];
  #killReason: WorkerExitReason | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #initTimer: NodeJS.Timeout | undefined;
  #maxRssMb: number | undefined;
  #oom = false;
  #exited = false;
  readonly #out = new LineSplitter((l) => this.#line(l));
  readonly #err = new LineSplitter((l) => {
    if (OOM_LINE.test(l)) this.#oom = true;
    this.#line(l);
  });

  private constructor(
    spec: FunctionSpec | undefined,
    hooks: WorkerHooks,
    env: WorkerEnvironment,
    spareMemorySize?: number,
  ) {
    this.#spec = spec;
    this.#hooks = hooks;
    this.#env = env;
    this.spareMemorySize = spareMemorySize;
    if (spec === undefined) this.#state = 'spare';
    this.logStream = logStreamName('$LATEST');
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
   * Starts a spare Node.js runtime for functions of `memorySize` MB: the process and our bootstrap load now,
   * the function later (`adopt`), so the cold start of a new function pays only for its own handler.
   */
  static async startSpare(
    memorySize: number,
    hooks: WorkerHooks,
    env: WorkerEnvironment,
    cwd: string,
  ): Promise<Worker> {
    const w = new Worker(undefined, hooks, env, memorySize);
    await w.#launch(cwd);
    return w;
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
    this.#spawnedAt = process.hrtime.bigint();
    this.#initTimer = setTimeout(() => this.kill('init-timeout'), this.#env.initTimeoutMs);
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
    return this.#child?.pid;
  }

  async #launch(spareCwd?: string): Promise<void> {
    const runtimeApi = await this.#api.listen();
    if (this.#killReason !== undefined) {
      this.#onProcessGone(null, null);
      return;
    }
    const plan = killedWithServer(
      this.#spec !== undefined
        ? spawnPlan(this.#spec, this.#spawnContext(runtimeApi))
        : spareSpawnPlan(this.spareMemorySize ?? 128, {
            runtimeApi,
            nodePath: this.#env.nodePath,
            cwd: spareCwd ?? '/',
          }),
    );
    const child = spawn(plan.command, plan.args, {
      cwd: plan.cwd,
      env: plan.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout?.on('data', (c: Buffer) => this.#out.push(c));
    child.stderr?.on('data', (c: Buffer) => this.#err.push(c));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    let exitTimer: NodeJS.Timeout | undefined;
    child.on('error', (err: NodeJS.ErrnoException) => {
      // Spawn failures (missing or non-executable bootstrap) emit no 'exit'.
      if (child.pid === undefined) {
        this.#spawnError = err;
        this.#onProcessGone(null, null);
      }
    });
    child.on('exit', (code, signal) => {
      // 'close' follows once stdout/stderr are drained; a grandchild holding the pipes must not delay us long.
      exitTimer = setTimeout(() => this.#onProcessGone(code, signal), 250);
      child.once('close', () => {
        clearTimeout(exitTimer);
        this.#onProcessGone(code, signal);
      });
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
    this.#hooks.log(line);
    if (this.#current) this.#current.tail?.push(line);
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
    this.#current = {
      req,
      resolve,
      started: process.hrtime.bigint(),
      timer: setTimeout(() => this.#onTimeout(), timeoutMs),
      tail: req.tail ? new TailBuffer(4096) : undefined,
      initDurationMs: first ? this.#initDurationMs : undefined,
      done: false,
    };
    this.#line(startLine(req.requestId, this.spec.version));
    const headers: Record<string, string> = {
      'lambda-runtime-aws-request-id': req.requestId,
      'lambda-runtime-deadline-ms': String(Date.now() + timeoutMs),
      'lambda-runtime-invoked-function-arn': req.invokedFunctionArn,
      'lambda-runtime-trace-id': req.traceId,
    };
    if (req.clientContext !== undefined) headers['lambda-runtime-client-context'] = req.clientContext;
    parked({ headers, body: req.payload });
  }

  #isCurrent(requestId: string): boolean {
    return this.#state === 'busy' && this.#current?.req.requestId === requestId;
  }

  #noteStats(headers: IncomingHttpHeaders): void {
    const kb = Number(headers['tributary-max-rss-kb']);
    if (Number.isFinite(kb) && kb > 0) this.#maxRssMb = Math.ceil(kb / 1024);
  }

  // The runtime's 202 is sent once the result is delivered: the caller's answer goes out first.
  async #onResponse(requestId: string, body: Buffer, headers: IncomingHttpHeaders): Promise<RuntimeReply> {
    if (!this.#isCurrent(requestId)) return invalidRequestId();
    this.#noteStats(headers);
    this.#complete('success', body, undefined);
    await this.#finishing;
    await immediate();
    return ACCEPTED;
  }

  async #onError(requestId: string, body: Buffer, headers: IncomingHttpHeaders): Promise<RuntimeReply> {
    if (!this.#isCurrent(requestId)) return invalidRequestId();
    this.#noteStats(headers);
    this.#complete('function-error', body, errorTypeOf(body, headers));
    await this.#finishing;
    await immediate();
    return ACCEPTED;
  }

  #onInitError(body: Buffer, headers: IncomingHttpHeaders): RuntimeReply {
    if (this.#servedAny) {
      return {
        status: 403,
        body: {
          errorMessage: 'Transition from Invoke to InitError is not allowed',
          errorType: 'InvalidStateTransition',
        },
      };
    }
    this.#initError = { body, errorType: errorTypeOf(body, headers) ?? 'Runtime.Unknown' };
    return ACCEPTED;
  }

  #onTooLarge(requestId: string): void {
    if (!this.#isCurrent(requestId)) return;
    const payload = Buffer.from(
      JSON.stringify({
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        errorType: 'Function.ResponseSizeTooLarge',
      }),
    );
    this.#complete('function-error', payload, 'Function.ResponseSizeTooLarge');
  }

  // ---- completion -----------------------------------------------------------------------------------------

  /** The runtime answered (or gave up on) the current invocation; the process lives on. */
  #complete(status: InvocationStatus, payload: Buffer, errorType: string | undefined): void {
    const cur = this.#current;
    if (!cur) return;
    clearTimeout(cur.timer);
    const durationMs = msSince(cur.started);
    this.#state = 'finishing';
    this.lastUsed = Date.now();
    this.#finishing = (async () => {
      // Output written before the answer may still sit unread in the pipe: one poll turn drains it.
      await immediate();
      this.#out.flush();
      this.#err.flush();
      if (this.#maxRssMb === undefined || !isNodeRuntime(this.spec.runtime)) {
        this.#maxRssMb = (await peakRssMb(this.pid)) ?? this.#maxRssMb;
      }
      this.#finish(cur, { status, payload, errorType, durationMs });
      this.#finishing = undefined;
      this.lastUsed = Date.now();
    })();
  }

  #finish(
    cur: Active,
    r: { status: InvocationStatus; payload: Buffer; errorType: string | undefined; durationMs: number },
    platform?: { status: 'timeout' | 'error'; errorType: string },
  ): void {
    if (cur.done) return;
    cur.done = true;
    const id = cur.req.requestId;
    this.#line(endLine(id));
    this.#line(
      reportLine({
        requestId: id,
        durationMs: r.durationMs,
        memorySize: this.spec.memorySize,
        maxMemoryUsedMb: this.#maxRssMb,
        initDurationMs: cur.initDurationMs,
        status: platform?.status,
        errorType: platform?.errorType,
        queuedMs: cur.req.queuedMs,
      }),
    );
    this.#current = undefined;
    cur.resolve({
      requestId: id,
      status: r.status,
      payload: r.payload,
      errorType: r.errorType,
      durationMs: r.durationMs,
      initDurationMs: cur.initDurationMs,
      logTail: cur.tail?.toBase64(),
    });
  }

  #onTimeout(): void {
    const cur = this.#current;
    if (!cur || this.#state !== 'busy') return;
    const durationMs = msSince(cur.started);
    const msg = timeoutMessage(this.spec.timeoutSeconds);
    this.kill('timeout');
    this.#out.flush();
    this.#err.flush();
    this.#line(`${new Date().toISOString()} ${cur.req.requestId} ${msg}`);
    const payload = platformError('Sandbox.Timedout', cur.req.requestId, msg);
    this.#finish(
      cur,
      { status: 'timeout', payload, errorType: 'Sandbox.Timedout', durationMs },
      { status: 'timeout', errorType: 'Sandbox.Timedout' },
    );
  }

  /** The process is gone (exited, crashed, killed, or never started). */
  #onProcessGone(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#initTimer);
    this.#out.flush();
    this.#err.flush();
    const wasReady = this.#initDurationMs !== undefined;
    const reason: WorkerExitReason = this.#killReason ?? (wasReady ? 'crash' : 'init-error');
    // A process that dies after answering still gets its answer delivered (by #complete).
    const cur = this.#state === 'busy' ? this.#current : undefined;
    if (cur) {
      clearTimeout(cur.timer);
      const errorType = this.#oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
      const msg =
        code === 0 && signal === null
          ? 'Runtime exited without providing a reason'
          : `Runtime exited with error: ${describeExit(code, signal)}`;
      this.#line(`RequestId: ${cur.req.requestId} Error: ${msg}`);
      this.#line(errorType);
      const payload = platformError(errorType, cur.req.requestId, msg);
      this.#finish(
        cur,
        { status: 'crash', payload, errorType, durationMs: msSince(cur.started) },
        { status: 'error', errorType },
      );
    }
    this.#state = 'stopped';
    this.#parked = undefined;
    void this.#api.close();
    const exit: WorkerExit = { code, signal, reason, neverReady: !wasReady };
    // A spare that dies before adoption fails nothing; an adopted one fails like any starting worker.
    if (!wasReady && !this.#isDeliberate() && this.#spec !== undefined)
      exit.initFailure = this.#initFailure(code, signal);
    this.#hooks.onExit(this, exit);
  }

  #isDeliberate(): boolean {
    const r = this.#killReason;
    return r === 'shutdown' || r === 'retired' || r === 'evicted' || r === 'idle';
  }

  #initFailure(code: number | null, signal: NodeJS.Signals | null): InitFailure {
    const base = { initLines: this.#initLineList, initDurationMs: msSince(this.#spawnedAt) };
    if (this.#initError) {
      return {
        ...base,
        errorType: this.#initError.errorType,
        message: 'Runtime init failed',
        runtimeBody: this.#initError.body,
      };
    }
    if (this.#spawnError) {
      const path = this.#spawnError.path ?? `${this.spec.codeDir}/bootstrap`;
      const message =
        this.#spawnError.code === 'ENOENT'
          ? `Couldn't find valid bootstrap(s): [${path}]`
          : `fork/exec ${path}: ${this.#spawnError.code === 'EACCES' ? 'permission denied' : this.#spawnError.message}`;
      return { ...base, errorType: 'Runtime.InvalidEntrypoint', message };
    }
    if (this.#killReason === 'init-timeout') {
      return {
        ...base,
        errorType: 'Sandbox.Timedout',
        message: timeoutMessage(this.#env.initTimeoutMs / 1000),
      };
    }
    const errorType = this.#oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const message =
      code === 0 && signal === null
        ? 'Runtime exited without providing a reason'
        : `Runtime exited with error: ${describeExit(code, signal)}`;
    return { ...base, errorType, message };
  }

  /** Ends the process (SIGKILL: Lambda gives runtimes no shutdown phase without extensions). */
  kill(reason: WorkerExitReason): void {
    this.#killReason ??= reason;
    clearTimeout(this.#idleTimer);
    // Not launched yet: #launch sees the reason and stops before spawning.
    if (this.#child && this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill('SIGKILL');
  }
}

const ACCEPTED: RuntimeReply = { status: 202, body: { status: 'OK' } };

/** The error document AWS returns for failures of the platform rather than the handler. */
export function platformError(errorType: string, requestId: string, message: string): Buffer {
  return Buffer.from(
    JSON.stringify({ errorType, errorMessage: `RequestId: ${requestId} Error: ${message}` }),
  );
}

function invalidRequestId(): RuntimeReply {
  return { status: 400, body: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' } };
}

function errorTypeOf(body: Buffer, headers: IncomingHttpHeaders): string | undefined {
  const h = headers['lambda-runtime-function-error-type'];
  if (typeof h === 'string' && h !== '') return h;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') return parsed.errorType;
  } catch {
    // Not JSON: the runtime posted free text; AWS still reports an unhandled function error.
  }
  return undefined;
}
