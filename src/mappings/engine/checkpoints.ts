import type { Store } from '../../store/store.js';

const NS = 'mapping.checkpoint';

/** A mapping's progress in one shard. */
export interface Checkpoint {
  /** Next position to process: everything before it is done. */
  position: number;
  /** The shard is closed and was read to its end. */
  finished?: boolean;
}

/**
 * Durable per-shard checkpoints of one mapping in one generation of its stream (keys
 * `<uuid>/<stream creation ms>/<shardId>`): a stream deleted and created again under the same name is a new
 * stream, and the old stream's checkpoints never apply to it.
 *
 * Writes are grouped: a checkpoint waits up to `delayMs` for the others of the mapping (every shard moves its
 * own after each batch), and each round writes the newest value per shard in one store transaction, one
 * fsync. Without this every batch of every shard paid for a transaction of its own, about a fifth of the
 * server's work per batch at BatchSize 100.
 *
 * A crash loses at most the checkpoints of the last `delayMs`: their batches are delivered again, which
 * Lambda's at-least-once processing of Kinesis allows (AWS also redelivers after a failure).
 */
export class Checkpoints {
  readonly #store: Store;
  readonly #prefix: string;
  readonly #delayMs: number;
  /** Set and not yet written. */
  readonly #wanted = new Map<string, Checkpoint>();
  /** Being written by the current round. */
  readonly #inflight = new Map<string, Checkpoint>();
  /** The durable value of each shard this instance has read or written (undefined: none in the store). */
  readonly #durable = new Map<string, Checkpoint | undefined>();
  /** The round that will write what is in `#wanted` (scheduled, not started). */
  #next: Promise<void> | undefined;
  /** The round in progress. */
  #current: Promise<void> | undefined;

  constructor(store: Store, uuid: string, generation: number, delayMs = 0) {
    this.#store = store;
    this.#prefix = `${uuid}/${generation}/`;
    this.#delayMs = delayMs;
  }

  get(shardId: string): Checkpoint | undefined {
    const pending = this.#wanted.get(shardId) ?? this.#inflight.get(shardId);
    if (pending) return pending;
    // This instance is the only writer of its keys while it lives: what it read or wrote last is current.
    if (this.#durable.has(shardId)) return this.#durable.get(shardId);
    const cp = this.#store.getDoc<Checkpoint>(NS, this.#prefix + shardId);
    this.#durable.set(shardId, cp);
    return cp;
  }

  /** True when no checkpoint of this generation was ever written (the mapping starts at its StartingPosition). */
  isEmpty(): boolean {
    return (
      this.#wanted.size === 0 &&
      this.#inflight.size === 0 &&
      !this.#store.listDocs(NS).some((d) => d.id.startsWith(this.#prefix))
    );
  }

  /** Records a new checkpoint; resolves when it (or a newer one) is durable. */
  set(shardId: string, cp: Checkpoint): Promise<void> {
    this.#wanted.set(shardId, cp);
    return (this.#next ??= this.#round());
  }

  async #round(): Promise<void> {
    // Yield first: `set` must store this round as `#next` before it takes its snapshot of `#wanted`.
    await Promise.resolve();
    // One round at a time, so a newer value is never overtaken by an older one still being written. A failed
    // round's values went back to `#wanted`; its error reached the callers of its own `set`.
    if (this.#current) await this.#current.catch(() => undefined);
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    this.#next = undefined;
    const run = this.#write();
    this.#current = run;
    try {
      await run;
    } finally {
      if (this.#current === run) this.#current = undefined;
    }
  }

  async #write(): Promise<void> {
    const batch = [...this.#wanted];
    this.#wanted.clear();
    for (const [shardId, cp] of batch) this.#inflight.set(shardId, cp);
    try {
      // Issued in one turn: the store commits them in one transaction.
      await Promise.all(batch.map(([shardId, cp]) => this.#store.putDoc(NS, this.#prefix + shardId, cp)));
      for (const [shardId, cp] of batch) this.#durable.set(shardId, cp);
    } catch (err) {
      // Not durable: back to `#wanted` (unless a newer value is there) for the next round to write.
      for (const [shardId, cp] of batch) if (!this.#wanted.has(shardId)) this.#wanted.set(shardId, cp);
      throw err;
    } finally {
      for (const [shardId, cp] of batch)
        if (this.#inflight.get(shardId) === cp) this.#inflight.delete(shardId);
    }
  }

  /** Waits until every checkpoint set so far is durable. */
  async flush(): Promise<void> {
    while (this.#next || this.#current) await (this.#next ?? this.#current);
  }

  /** Every checkpoint id of a mapping (all generations). */
  static ids(store: Store, uuid: string): string[] {
    return store
      .listDocs<Checkpoint>(NS)
      .filter((d) => d.id.startsWith(`${uuid}/`))
      .map((d) => d.id);
  }

  /** Removes every checkpoint of a mapping except those of generation `keep` (DeleteEventSourceMapping: none kept). */
  static async clear(store: Store, uuid: string, keep?: number): Promise<void> {
    const kept = keep === undefined ? undefined : `${uuid}/${keep}/`;
    for (const id of Checkpoints.ids(store, uuid))
      if (!kept || !id.startsWith(kept)) await store.deleteDoc(NS, id);
  }

  /**
   * Checkpoints written before they were kept per stream generation (`<uuid>/<shardId>`) belong to the
   * stream as it is now: they move under its generation once.
   */
  static async migrateLegacy(store: Store, uuid: string, generation: number): Promise<void> {
    for (const id of Checkpoints.ids(store, uuid)) {
      const rest = id.slice(uuid.length + 1);
      if (rest.includes('/')) continue;
      const cp = store.getDoc<Checkpoint>(NS, id);
      if (cp && !store.getDoc(NS, `${uuid}/${generation}/${rest}`))
        await store.putDoc(NS, `${uuid}/${generation}/${rest}`, cp);
      await store.deleteDoc(NS, id);
    }
  }
}
