import { EventEmitter } from 'node:events';
import type { ThrottleReason } from './lambda-errors.js';

export interface ConcurrencyEvents {
  /** A slot was given back (queued Event invocations may start). */
  released: [{ functionName: string }];
}

/** AWS keeps at least this much of the account's concurrency unreserved (or all of it, on smaller accounts). */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/**
 * The one place invocation concurrency is counted, for every caller (the Invoke API, Event queues, event
 * source mappings), with Lambda's rules: a function with reserved concurrency R runs at most R at once and
 * always may (its R is set aside from the account's); every other function shares what is left unreserved,
 * `limit` (the account concurrency) minus all reservations. An invocation holds its slot from admission to
 * its end, including any time it waits for a worker process (the machine limit never throttles).
 */
export class ConcurrencyLimiter extends EventEmitter<ConcurrencyEvents> {
  readonly limit: number;
  readonly #reservedTotal: () => number;
  /** Running invocations per function: all of them, and those drawn from the unreserved pool. */
  readonly #inFlight = new Map<string, { all: number; unreserved: number }>();
  #total = 0;
  #unreserved = 0;

  /** `reservedTotal` gives the sum of every function's reserved concurrency. */
  constructor(limit: number, reservedTotal: () => number) {
    super();
    this.setMaxListeners(0);
    this.limit = limit;
    this.#reservedTotal = reservedTotal;
  }

  /** The account's concurrency not reserved by any function (AWS's UnreservedConcurrentExecutions). */
  get unreservedLimit(): number {
    return Math.max(0, this.limit - this.#reservedTotal());
  }

  /** The least the account must leave unreserved: 100, or the whole account below that (AWS's rule). */
  get minUnreserved(): number {
    return Math.min(MIN_UNRESERVED_CONCURRENCY, this.limit);
  }

  /** Takes a slot, or says why not. `reserved` is the function's reserved concurrency, if any. */
  tryAcquire(functionName: string, reserved: number | undefined): ThrottleReason | undefined {
    const mine = this.#inFlight.get(functionName);
    const all = mine?.all ?? 0;
    if (reserved !== undefined) {
      if (all >= reserved) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    } else if (this.#unreserved >= this.unreservedLimit) {
      return 'ConcurrentInvocationLimitExceeded';
    }
    const fromPool = reserved === undefined ? 1 : 0;
    if (mine) {
      mine.all++;
      mine.unreserved += fromPool;
    } else {
      this.#inFlight.set(functionName, { all: 1, unreserved: fromPool });
    }
    this.#total++;
    this.#unreserved += fromPool;
    return undefined;
  }

  release(functionName: string): void {
    const mine = this.#inFlight.get(functionName);
    if (!mine) return;
    // The reservation may have changed since the slot was taken: give back an unreserved one first.
    if (mine.unreserved > 0) {
      mine.unreserved--;
      this.#unreserved--;
    }
    mine.all--;
    if (mine.all <= 0) this.#inFlight.delete(functionName);
    this.#total--;
    this.emit('released', { functionName });
  }

  inFlight(functionName?: string): number {
    return functionName === undefined ? this.#total : (this.#inFlight.get(functionName)?.all ?? 0);
  }
}
