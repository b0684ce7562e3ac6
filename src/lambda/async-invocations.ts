import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { AppContext } from '../server/context.js';
import { systemClock, type Clock } from '../server/clock.js';
import type { InvocationResult } from '../runtime/invocation.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import type { FunctionRegistry } from './function-registry.js';
import type { Invocations } from './invocations.js';
import { RequestEntityTooLarge } from './lambda-errors.js';
import type { LambdaEvents } from './lambda-events.js';
import type { CompiledLambdaOptions } from './lambda-options.js';
import type { FunctionRecord } from './model.js';
import type { EventInvokeConfig } from './event-invoke-config.js';
import type { PerFunctionDocs } from './per-function-docs.js';
import { invocationRecord, type AsyncOutcome } from './invocation-record.js';

/** The store log holding queued Event invocations (so they survive a restart). */
const QUEUE_LOG = 'lambda.async';
/** AWS's payload limit for asynchronous invocations (raised from 256 KB to 1 MB in 2025). */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

interface QueuedEvent {
  functionName: string;
  requestId: string;
  /** Base64 payload. */
  payload: string;
  clientContext?: string;
  /** The published version to run (a version or alias was invoked); absent for $LATEST. */
  version?: string;
  /** The ARN as invoked (qualified by alias or version), for the function's context. */
  invokedArn?: string;
  /** The qualifier invoked (its event invoke config applies); absent for an unqualified invoke ($LATEST's). */
  qualifier?: string;
  /** Attempts already made. */
  attempts: number;
  enqueuedAt: number;
}

interface Pending {
  seq: number;
  ev: QueuedEvent;
}

/**
 * Event (asynchronous) invocations: accepted into a durable queue, run when the function has concurrency to
 * spare (throttles wait instead of failing), and retried twice after a function error with AWS's delays.
 * Events older than the maximum event age are dropped.
 */
export class AsyncInvocations {
  readonly #app: AppContext;
  readonly #registry: FunctionRegistry;
  readonly #invocations: Invocations;
  readonly #limiter: ConcurrencyLimiter;
  readonly #events: EventEmitter<LambdaEvents>;
  readonly #opts: CompiledLambdaOptions;
  readonly #configs: PerFunctionDocs<EventInvokeConfig>;
  readonly #deliver: (destination: string, record: string) => Promise<void>;
  /** What an event's age is measured by (a virtual clock in tests: MaximumEventAgeInSeconds is 60 s at least). */
  readonly #clock: Clock;
  /** Runnable events per function, oldest first. */
  readonly #queues = new Map<string, Pending[]>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #nextSeq: number;
  #closed = false;
  readonly #onReleased = ({ functionName }: { functionName: string }): void =>
    this.#pumpAfterRelease(functionName);

  constructor(deps: {
    app: AppContext;
    registry: FunctionRegistry;
    invocations: Invocations;
    limiter: ConcurrencyLimiter;
    events: EventEmitter<LambdaEvents>;
    options: CompiledLambdaOptions;
    configs: PerFunctionDocs<EventInvokeConfig>;
    /** Delivers an invocation record to a destination (SQS, SNS, or another function's Event queue). */
    deliver: (destination: string, record: string) => Promise<void>;
    clock?: Clock;
  }) {
    this.#clock = deps.clock ?? systemClock;
    this.#configs = deps.configs;
    this.#deliver = deps.deliver;
    this.#app = deps.app;
    this.#registry = deps.registry;
    this.#invocations = deps.invocations;
    this.#limiter = deps.limiter;
    this.#events = deps.events;
    this.#opts = deps.options;
    this.#nextSeq = (this.#app.store.lastSeq(QUEUE_LOG) ?? 0) + 1;
  }

  /** Re-queues events accepted before a restart. */
  start(): void {
    this.#limiter.on('released', this.#onReleased);
    for (const entry of this.#readAll()) this.#push(entry);
    for (const fn of this.#queues.keys()) this.#pump(fn);
  }

  #readAll(): Pending[] {
    const out: Pending[] = [];
    let from = 0;
    for (;;) {
      const batch = this.#app.store.read<QueuedEvent>(QUEUE_LOG, from, 1000);
      for (const e of batch) out.push({ seq: e.seq, ev: e.value });
      if (batch.length < 1000) return out;
      from = batch[batch.length - 1]!.seq + 1;
    }
  }

  /** Accepts an Event invocation (durably) and returns its request id. */
  async enqueue(
    r: FunctionRecord,
    payload: Buffer,
    clientContext?: string,
    invokedArn?: string,
    qualifier?: string,
  ): Promise<string> {
    if (payload.length > MAX_ASYNC_PAYLOAD_BYTES) {
      throw RequestEntityTooLarge(
        `${payload.length} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`,
      );
    }
    const ev: QueuedEvent = {
      functionName: r.name,
      requestId: randomUUID(),
      payload: payload.toString('base64'),
      attempts: 0,
      enqueuedAt: this.#clock.now(),
    };
    if (clientContext !== undefined) ev.clientContext = clientContext;
    if (r.version !== undefined) ev.version = r.version;
    if (invokedArn !== undefined) ev.invokedArn = invokedArn;
    if (qualifier !== undefined && qualifier !== '$LATEST') ev.qualifier = qualifier;
    const seq = await this.#persist(ev);
    this.#push({ seq, ev });
    this.#pump(r.name);
    return ev.requestId;
  }

  async #persist(ev: QueuedEvent): Promise<number> {
    const seq = this.#nextSeq++;
    await this.#app.store.append(QUEUE_LOG, [{ seq, value: ev }]);
    return seq;
  }

  #push(p: Pending): void {
    let q = this.#queues.get(p.ev.functionName);
    if (!q) this.#queues.set(p.ev.functionName, (q = []));
    q.push(p);
  }

  /** Events queued (waiting for concurrency or a retry) for one function, or all. */
  queued(functionName?: string): number {
    if (functionName !== undefined) return this.#queues.get(functionName)?.length ?? 0;
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  /** A function became invocable (Active) or changed: try its queue again. */
  wake(functionName: string): void {
    this.#pump(functionName);
  }

  /** Reserved concurrency changed, which moves what every function may use: try every queue again. */
  wakeAll(): void {
    for (const fn of [...this.#queues.keys()]) this.#pump(fn);
  }

  /** The function is gone: its queued events are dropped. */
  async dropFunction(functionName: string): Promise<void> {
    const q = this.#queues.get(functionName) ?? [];
    this.#queues.delete(functionName);
    for (const p of q) await this.#finish(p, 'deleted');
  }

  #pumpAfterRelease(functionName: string): void {
    this.#pump(functionName);
    // A slot freed under the global limit may unblock any function.
    for (const fn of this.#queues.keys()) if (fn !== functionName) this.#pump(fn);
  }

  #pump(functionName: string): void {
    if (this.#closed) return;
    const q = this.#queues.get(functionName);
    while (q && q.length > 0) {
      const latest = this.#registry.get(functionName);
      if (!latest) {
        this.#background(this.dropFunction(functionName));
        return;
      }
      if (latest.state !== 'Active') return;
      const head = q[0]!;
      const record =
        head.ev.version === undefined ? latest : this.#registry.versionRecord(latest, head.ev.version);
      if (!record) {
        // Its version was deleted meanwhile.
        q.shift();
        this.#background(this.#finish(head, 'deleted'));
        continue;
      }
      if (this.#clock.now() - head.ev.enqueuedAt > this.#maxAgeMs(head.ev)) {
        q.shift();
        this.#background(this.#finish(head, 'expired'));
        continue;
      }
      // Throttled: stay queued until a slot is released (the 'released' listener pumps again).
      if (this.#invocations.tryAcquire(record) !== undefined) return;
      q.shift();
      this.#background(this.#run(record, head));
    }
    if (q && q.length === 0) this.#queues.delete(functionName);
  }

  async #run(record: FunctionRecord, p: Pending): Promise<void> {
    const attempt = p.ev.attempts + 1;
    const result = await this.#invocations.run(record, Buffer.from(p.ev.payload, 'base64'), {
      invocationType: 'Event',
      requestId: p.ev.requestId,
      clientContext: p.ev.clientContext,
      attempt,
      invokedArn: p.ev.invokedArn,
    });
    if (this.#closed) return;
    if (result.status === 'success') {
      await this.#finish({ ...p, ev: { ...p.ev, attempts: attempt } }, 'success', result);
      return;
    }
    const delays = this.#opts.asyncRetryDelaysMs;
    if (attempt > (this.#config(p.ev)?.maximumRetryAttempts ?? delays.length)) {
      await this.#finish({ ...p, ev: { ...p.ev, attempts: attempt } }, 'failed', result);
      return;
    }
    const delayMs = delays[Math.min(attempt, delays.length) - 1] ?? 0;
    const ev: QueuedEvent = { ...p.ev, attempts: attempt };
    // Re-persist with the attempt count before dropping the old entry: a crash in between repeats, never loses.
    const seq = await this.#persist(ev);
    await this.#app.store.remove(QUEUE_LOG, p.seq);
    this.#events.emit('asyncRetry', {
      functionName: ev.functionName,
      requestId: ev.requestId,
      attempt: attempt + 1,
      delayMs,
    });
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.#push({ seq, ev });
      this.#pump(ev.functionName);
    }, delayMs);
    this.#timers.add(t);
  }

  /** Queue work is never awaited by a caller; a store failure is logged, not thrown into the void. */
  #background(p: Promise<void>): void {
    p.catch((err: unknown) => this.#app.log.error({ err }, 'lambda async queue operation failed'));
  }

  /** The event invoke config of the qualifier an event was invoked with. */
  #config(ev: QueuedEvent): EventInvokeConfig | undefined {
    return this.#configs.get(ev.functionName, ev.qualifier ?? '$LATEST');
  }

  #maxAgeMs(ev: QueuedEvent): number {
    const s = this.#config(ev)?.maximumEventAgeInSeconds;
    return s === undefined ? this.#opts.asyncMaxEventAgeMs : s * 1000;
  }

  async #finish(p: Pending, outcome: AsyncOutcome, result?: InvocationResult): Promise<void> {
    // The destination first: a crash before the queue entry goes repeats the delivery, never loses it.
    const config = this.#config(p.ev);
    const destination =
      outcome === 'success' ? config?.onSuccess : outcome === 'deleted' ? undefined : config?.onFailure;
    if (destination !== undefined) {
      const arn = p.ev.invokedArn ?? this.#registry.arn(p.ev.functionName, '$LATEST');
      const record = invocationRecord(p.ev, arn, outcome, result, p.ev.version ?? '$LATEST');
      try {
        await this.#deliver(destination, record);
      } catch (err) {
        // Reported, counted by the event below, and the event leaves the queue: AWS also drops what it cannot deliver.
        this.#app.log.error(
          { err, destination, requestId: p.ev.requestId },
          'async invocation record not delivered',
        );
        this.#events.emit('asyncDestinationFailed', {
          functionName: p.ev.functionName,
          requestId: p.ev.requestId,
          destination,
        });
      }
    }
    await this.#app.store.remove(QUEUE_LOG, p.seq);
    this.#events.emit('asyncDone', {
      functionName: p.ev.functionName,
      requestId: p.ev.requestId,
      attempts: p.ev.attempts,
      outcome,
    });
  }

  close(): void {
    this.#closed = true;
    this.#limiter.off('released', this.#onReleased);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
