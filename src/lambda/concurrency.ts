import { EventEmitter } from 'node:events';
import type { ThrottleReason } from './lambda-errors.js';

export interface ConcurrencyEvents {
  /** A slot was given back (queued Event invocations may start). */
  released: [{ functionName: string }];
}

/**
 * The one place invocation concurrency is counted, for every caller (the Invoke API, Event queues, event
 * source mappings): a function with reserved concurrency runs at most that many at once; all functions
 * together run at most `limit` at once (AWS's account concurrency).
 */
export class ConcurrencyLimiter extends EventEmitter<ConcurrencyEvents> {
  readonly limit: number;
  readonly #inFlight = new Map<string, number>();
  #total = 0;

  constructor(limit: number) {
    super();
    this.setMaxListeners(0);
    this.limit = limit;
  }

  /** Takes a slot, or says why not. `reserved` is the function's reserved concurrency, if any. */
  tryAcquire(functionName: string, reserved: number | undefined): ThrottleReason | undefined {
    const mine = this.#inFlight.get(functionName) ?? 0;
    if (reserved !== undefined && mine >= reserved)
      return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    if (this.#total >= this.limit) return 'ConcurrentInvocationLimitExceeded';
    this.#inFlight.set(functionName, mine + 1);
    this.#total++;
    return undefined;
  }

  release(functionName: string): void {
    const mine = this.#inFlight.get(functionName) ?? 0;
    if (mine <= 0) return;
    if (mine === 1) this.#inFlight.delete(functionName);
    else this.#inFlight.set(functionName, mine - 1);
    this.#total--;
    this.emit('released', { functionName });
  }

  inFlight(functionName?: string): number {
    return functionName === undefined ? this.#total : (this.#inFlight.get(functionName) ?? 0);
  }
}
