import type { Clock } from '../../src/server/clock.js';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Lets every promise chain that is ready run (a macrotask turn flushes the microtask queue). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/**
 * A Clock on virtual time for engine tests: `sleep` and `every` register timers that fire only when the test
 * moves time forward, in order of due time. Time jumps from timer to timer, so an hour of backoff, batching
 * windows and watchdog ticks runs in milliseconds, and the same sequence of operations always runs the same way.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const t = this.#add(Math.max(0, ms), () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = (): void => {
        this.#remove(t);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  every(ms: number, fn: () => void): () => void {
    let current: Timer | undefined;
    let stopped = false;
    const schedule = (): void => {
      current = this.#add(ms, () => {
        if (stopped) return;
        fn();
        schedule();
      });
    };
    schedule();
    return () => {
      stopped = true;
      if (current) this.#remove(current);
    };
  }

  #add(ms: number, fire: () => void): Timer {
    const t = { at: this.#now + ms, seq: this.#seq++, fire };
    this.#timers.push(t);
    return t;
  }

  #remove(t: Timer): void {
    const i = this.#timers.indexOf(t);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** Due time of the next timer, if any. */
  get nextAt(): number | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers)
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best?.at;
  }

  /** Lets ready work run, then fires the timers due up to `now + ms` in order, settling after each. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#next();
      if (!next || next.at > end) break;
      this.#remove(next);
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  /**
   * Moves time forward timer by timer until `done()` holds; false when it still does not after `maxMs` of
   * virtual time.
   */
  async until(done: () => boolean, maxMs: number): Promise<boolean> {
    const end = this.#now + maxMs;
    await settle();
    while (!done()) {
      const next = this.#next();
      if (!next || next.at > end) {
        this.#now = Math.max(this.#now, end);
        await settle();
        return done();
      }
      this.#remove(next);
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await settle();
    }
    return true;
  }

  #next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers)
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }
}
