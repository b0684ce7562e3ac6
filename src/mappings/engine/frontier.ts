/**
 * The checkpoint frontier of one shard: which positions were handed to batches, which are done, and so
 * the highest position before which everything is done — the shard's checkpoint. Batches of different
 * lanes (ParallelizationFactor > 1) finish out of order; the checkpoint never passes a record that is not
 * done, so a restart re-delivers every unfinished record and skips none.
 *
 * Pure bookkeeping: no I/O, no time.
 */
export class CheckpointFrontier {
  /** Positions handed out, ascending; `#head` is the first not yet done. */
  #tracked: number[] = [];
  #head = 0;
  readonly #done = new Set<number>();
  /** Everything before this position was read (filtered-out records need no processing). */
  #read: number;

  constructor(start: number) {
    this.#read = start;
  }

  /** Records up to (not including) `next` were read; the tracked ones among them must be processed. */
  read(next: number): void {
    if (next > this.#read) this.#read = next;
  }

  /** A record at `position` was handed to a batch (positions must ascend). */
  track(position: number): void {
    const last = this.#tracked[this.#tracked.length - 1];
    if (last !== undefined && position <= last)
      throw new RangeError(`frontier: position ${position} tracked after ${last}`);
    this.#tracked.push(position);
    if (position >= this.#read) this.#read = position + 1;
  }

  /** The record at `position` is done (processed, or discarded under the error-handling settings). */
  done(position: number): void {
    this.#done.add(position);
    const t = this.#tracked;
    while (this.#head < t.length && this.#done.has(t[this.#head]!)) {
      this.#done.delete(t[this.#head]!);
      this.#head++;
    }
    // Compact now and then, so the array does not grow without bound on a long-lived shard.
    if (this.#head > 4096 && this.#head * 2 > t.length) {
      this.#tracked = t.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The checkpoint: every record before it is done. */
  get position(): number {
    return this.#head < this.#tracked.length ? this.#tracked[this.#head]! : this.#read;
  }

  /** Records handed out and not yet done. */
  get pending(): number {
    return this.#tracked.length - this.#head - this.#done.size;
  }

  /** Position after the last record read. */
  get readPosition(): number {
    return this.#read;
  }
}
