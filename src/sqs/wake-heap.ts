/** An entry that becomes due at `at` (epoch ms). */
export interface Due {
  at: number;
  seq: number;
}

/**
 * A min-heap of due times with one timer armed for the earliest. Used for messages that become
 * visible again (visibility timeout, DelaySeconds). Stale entries are allowed: the callback checks
 * the message's current state, so nothing ever has to be removed from the middle.
 */
export class WakeHeap {
  readonly #items: Due[] = [];
  readonly #onDue: (due: Due[]) => void;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #closed = false;

  constructor(onDue: (due: Due[]) => void) {
    this.#onDue = onDue;
  }

  get size(): number {
    return this.#items.length;
  }

  push(d: Due): void {
    if (this.#closed) return;
    const a = this.#items;
    a.push(d);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= a[i]!.at) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
    this.#arm();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#items.length = 0;
  }

  #pop(): Due | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }

  #arm(): void {
    const next = this.#items[0]?.at ?? Infinity;
    if (next >= this.#timerAt && this.#timer) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    if (next === Infinity) return;
    this.#timerAt = next;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, next - Date.now()));
    this.#timer.unref();
  }

  /**
   * Hands over every entry due by `now` at once instead of waiting for the timer: a receive right after a
   * message's visibility timeout ran out (0 included) must find it visible.
   */
  runDue(now = Date.now()): void {
    if (this.#items.length === 0 || this.#items[0]!.at > now) return;
    const due: Due[] = [];
    while (this.#items.length > 0 && this.#items[0]!.at <= now) due.push(this.#pop()!);
    this.#onDue(due);
    this.#arm();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = Date.now();
    const due: Due[] = [];
    while (this.#items.length > 0 && this.#items[0]!.at <= now) due.push(this.#pop()!);
    if (due.length > 0) this.#onDue(due);
    this.#arm();
  }
}
