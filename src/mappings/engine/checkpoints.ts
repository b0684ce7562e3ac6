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
 * Durable per-shard checkpoints. Writes are coalesced per shard: at most one in flight, the newest
 * value wins, and `flush()` waits until everything asked for is on disk.
 */
export class Checkpoints {
  readonly #store: Store;
  readonly #uuid: string;
  readonly #wanted = new Map<string, Checkpoint>();
  readonly #writing = new Map<string, Promise<void>>();

  constructor(store: Store, uuid: string) {
    this.#store = store;
    this.#uuid = uuid;
  }

  get(shardId: string): Checkpoint | undefined {
    return this.#wanted.get(shardId) ?? this.#store.getDoc<Checkpoint>(NS, `${this.#uuid}/${shardId}`);
  }

  /** Records a new checkpoint; resolves when it (or a newer one) is durable. */
  set(shardId: string, cp: Checkpoint): Promise<void> {
    this.#wanted.set(shardId, cp);
    let w = this.#writing.get(shardId);
    if (!w) {
      w = this.#drain(shardId);
      this.#writing.set(shardId, w);
    }
    return w;
  }

  async #drain(shardId: string): Promise<void> {
    try {
      for (;;) {
        const cp = this.#wanted.get(shardId);
        if (!cp) return;
        await this.#store.putDoc(NS, `${this.#uuid}/${shardId}`, cp);
        if (this.#wanted.get(shardId) === cp) {
          this.#wanted.delete(shardId);
          return;
        }
      }
    } finally {
      this.#writing.delete(shardId);
    }
  }

  async flush(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all([...this.#writing.values()]);
  }

  /** Removes every checkpoint of the mapping (DeleteEventSourceMapping). */
  async clear(shardIds: Iterable<string>): Promise<void> {
    await this.flush();
    for (const id of shardIds) await this.#store.deleteDoc(NS, `${this.#uuid}/${id}`);
  }

  static listShards(store: Store, uuid: string): string[] {
    return store
      .listDocs<Checkpoint>(NS)
      .filter((d) => d.id.startsWith(`${uuid}/`))
      .map((d) => d.id.slice(uuid.length + 1));
  }
}
