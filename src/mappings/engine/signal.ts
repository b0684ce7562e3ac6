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

/** Resolves when either promise-producing wait settles. */
export function race(...waits: Array<Promise<unknown>>): Promise<void> {
  return Promise.race(waits).then(() => undefined);
}
