import { performance } from 'node:perf_hooks';
import type { InvocationRequest, InvocationResult } from './invocation.js';
import type { WorkerPool } from './worker-pool.js';

/** An invocation waiting for a worker. */
export interface Waiting {
  readonly pool: WorkerPool;
  readonly req: InvocationRequest;
  readonly resolve: (r: InvocationResult) => void;
  /** Since when (performance.now()) every worker slot it could use is taken; undefined while it is not. */
  blockedSince: number | undefined;
  /** Time spent blocked before `blockedSince`, ms. */
  blockedMs: number;
  /** Fails it as a timeout once it has been blocked for the function's timeout. */
  timer: NodeJS.Timeout | undefined;
}

/**
 * The fleet's queue of invocations waiting for a worker, oldest first, and the time each spends blocked
 * (every worker slot it could use taken). Blocked time is bounded by the function's timeout: past it the
 * invocation leaves the queue, failed as a timeout. Which invocation gets a worker or a slot is the fleet's
 * decision (worker-fleet.ts); this keeps the order, the count per pool and the clocks.
 */
export class InvocationQueue implements Iterable<Waiting> {
  /** Oldest first (a Set iterates in insertion order, and skips entries deleted while iterating). */
  readonly #waiting = new Set<Waiting>();
  /** How many wait for each pool. */
  readonly #per = new Map<WorkerPool, number>();
  /** How many are blocked (counted as they block and unblock: the fleet reads it after every scheduling pass). */
  #blocked = 0;
  readonly #left: (functionName: string, waitedMs: number, timedOut: boolean) => void;
  readonly #timedOut: () => void;

  /**
   * `left` hears of every invocation leaving the queue (see FleetHooks.dequeued); `timedOut` is called after
   * one has been failed as a timeout (its place may now serve another).
   */
  constructor(
    left: (functionName: string, waitedMs: number, timedOut: boolean) => void,
    timedOut: () => void,
  ) {
    this.#left = left;
    this.#timedOut = timedOut;
  }

  add(pool: WorkerPool, req: InvocationRequest, resolve: (r: InvocationResult) => void): void {
    this.#waiting.add({ pool, req, resolve, blockedSince: undefined, blockedMs: 0, timer: undefined });
    this.#per.set(pool, (this.#per.get(pool) ?? 0) + 1);
  }

  [Symbol.iterator](): Iterator<Waiting> {
    return this.#waiting.values();
  }

  /** Invocations waiting (including those whose worker is starting). */
  get size(): number {
    return this.#waiting.size;
  }

  /** Invocations blocked: every slot they could use is taken. */
  get blockedCount(): number {
    return this.#blocked;
  }

  /** Whether any invocation waits for `pool`. */
  waitsFor(pool: WorkerPool): boolean {
    return this.#per.has(pool);
  }

  /** How long `e` has been blocked in all, at `now`. */
  blockedMsAt(e: Waiting, now: number): number {
    return e.blockedMs + (e.blockedSince === undefined ? 0 : now - e.blockedSince);
  }

  /** Takes `e` out of the queue; returns its request, carrying how long it waited for a slot. */
  take(e: Waiting, timedOut: boolean): InvocationRequest {
    this.unblock(e);
    this.#waiting.delete(e);
    const n = (this.#per.get(e.pool) ?? 1) - 1;
    if (n === 0) this.#per.delete(e.pool);
    else this.#per.set(e.pool, n);
    this.#left(e.pool.spec.functionName, e.blockedMs, timedOut);
    return e.blockedMs > 0 ? { ...e.req, queuedMs: e.blockedMs } : e.req;
  }

  /** `e` found every slot it could use taken: its clock runs, towards the function's timeout. */
  block(e: Waiting, now: number): void {
    if (e.blockedSince !== undefined) return;
    e.blockedSince = now;
    this.#blocked++;
    const left = e.pool.spec.timeoutSeconds * 1000 - e.blockedMs;
    e.timer = setTimeout(
      () => {
        if (!this.#waiting.has(e)) return;
        e.resolve(e.pool.queueTimeout(this.take(e, true)));
        this.#timedOut();
      },
      Math.max(0, left),
    );
  }

  /** `e` has a worker coming: its clock stops. */
  unblock(e: Waiting): void {
    if (e.blockedSince === undefined) return;
    e.blockedMs += performance.now() - e.blockedSince;
    e.blockedSince = undefined;
    this.#blocked--;
    clearTimeout(e.timer);
    e.timer = undefined;
  }

  /** Fails the oldest invocation waiting for `pool` (its runtime could not start) with `result`. */
  failOldest(pool: WorkerPool, result: (req: InvocationRequest) => InvocationResult): void {
    for (const e of this.#waiting) {
      if (e.pool !== pool) continue;
      e.resolve(result(this.take(e, false)));
      return;
    }
  }
}
