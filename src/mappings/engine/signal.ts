/** A wake-up flag: `wait()` resolves on the next `notify()` (or at once if one is pending). */
export class Signal {
  #pending = false;
  #waiters: Array<() => void> = [];

  notify(): void {
    if (this.#waiters.length === 0) {
      this.#pending = true;
      return;
    }
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  wait(): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Resolves after `ms` or when `signal` aborts, whichever is first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when either promise-producing wait settles. */
export function race(...waits: Array<Promise<unknown>>): Promise<void> {
  return Promise.race(waits).then(() => undefined);
}
