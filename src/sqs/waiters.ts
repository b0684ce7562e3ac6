/** Why a long poll stopped waiting. */
export type WakeReason = 'notified' | 'timeout' | 'aborted';

/**
 * Long-poll waiters of one queue. ReceiveMessage with WaitTimeSeconds parks here and is woken when a
 * message becomes receivable (a send, a visibility timeout expiring), when its time is up, or when the
 * client goes away. Woken receivers compete for messages; losers wait again for their remaining time.
 */
export class Waiters {
  readonly #waiting = new Set<(reason: WakeReason) => void>();

  get size(): number {
    return this.#waiting.size;
  }

  /** Resolves at the first of: notify(), `deadline` (epoch ms), `signal` aborting. */
  wait(deadline: number, signal: AbortSignal): Promise<WakeReason> {
    if (signal.aborted) return Promise.resolve('aborted');
    const ms = deadline - Date.now();
    if (ms <= 0) return Promise.resolve('timeout');
    return new Promise<WakeReason>((resolve) => {
      const done = (reason: WakeReason): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiting.delete(done);
        resolve(reason);
      };
      const onAbort = (): void => done('aborted');
      const timer = setTimeout(() => done('timeout'), ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.add(done);
    });
  }

  /** Wakes every waiter (they re-check the queue). */
  notify(): void {
    for (const w of [...this.#waiting]) w('notified');
  }
}
