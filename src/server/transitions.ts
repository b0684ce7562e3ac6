import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.js';

export interface TransitionSchedulerOptions {
  /** Whose time the delays are measured in (a virtual clock in tests). */
  clock: Clock;
  /** The delay a transition lasts, read when it is scheduled (the server's `transitionDelayMs`). */
  delayMs: () => number;
  /** Where a completion's failure goes (logged, or counted as a bug): nobody awaits a completion. */
  onError: (err: unknown) => void;
}

/**
 * Ends transitional states after the server's transition delay: streams (CREATING, UPDATING, DELETING),
 * stream consumers (CREATING, DELETING), functions (Pending, LastUpdateStatus InProgress) and event source
 * mappings (Creating, Enabling, Updating, Disabling, Deleting). Each component owns one scheduler, on its
 * clock, and closes it with itself: a completion that has not started by then never runs.
 *
 * The operation that starts a transition puts the resource in its transitional state, schedules the
 * completion and answers; it never waits for the completion, at any delay. At delay 0 the completion runs in a
 * microtask queued by `schedule`: after the synchronous step that scheduled it (an answer built before
 * scheduling still shows the transitional state, as AWS's does), and before the scheduling code resumes from
 * its next `await` and before any I/O — so the completion's in-memory change (done before its first `await`)
 * is what the caller's next step and every later request see. A completion's later steps (persisting,
 * announcing) may finish after the answer is sent; a server stopped before they are durable finishes the
 * transition when it starts again.
 */
export class TransitionScheduler {
  readonly #clock: Clock;
  readonly #delayMs: () => number;
  readonly #onError: (err: unknown) => void;
  /** Aborted on close: sleeping completions wake and are dropped. */
  readonly #closing = new AbortController();

  constructor(o: TransitionSchedulerOptions) {
    this.#clock = o.clock;
    this.#delayMs = o.delayMs;
    this.#onError = o.onError;
    // Every completion waiting for its delay listens on it.
    setMaxListeners(0, this.#closing.signal);
  }

  /** True while the configured delay is 0 (a completion runs right after the step that schedules it). */
  get instant(): boolean {
    return this.#delayMs() <= 0;
  }

  /** Runs `complete` after `delayMs` (the configured delay unless given: restarts finish at once with 0). */
  schedule(complete: () => Promise<void> | void, delayMs: number = this.#delayMs()): void {
    const signal = this.#closing.signal;
    if (signal.aborted) return;
    const due = delayMs > 0 ? this.#clock.sleep(delayMs, signal) : Promise.resolve();
    due
      .then(async () => {
        if (!signal.aborted) await complete();
      })
      .catch(this.#onError);
  }

  /** Drops every completion not started yet; later `schedule` calls do nothing. */
  close(): void {
    this.#closing.abort();
  }
}
