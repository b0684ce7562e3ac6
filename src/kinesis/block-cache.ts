import type { RecordBlock } from './record-block.js';

/** What the shard logs of one server may keep decoded, all shards together. */
export const DEFAULT_BLOCK_CACHE_BYTES = 64 * 1024 * 1024;

/** One cached block of a shard log (its last block appended, or its last block read). */
export class CacheSlot {
  block: RecordBlock | undefined = undefined;
}

/**
 * Bounds the decoded blocks that all shard logs keep. Each shard caches up to two blocks of up to 256 KiB.
 * Without a shared bound, a stream of 500 shards whose puts write large blocks would hold 250 MiB.
 * When a block would take the total past the budget, the blocks cached longest ago are dropped first. A dropped
 * block is only a cache miss: the next read takes it from the store.
 */
export class BlockCache {
  /** Slots holding a block, oldest first (a Map keeps insertion order), with the bytes each holds. */
  readonly #held = new Map<CacheSlot, number>();
  #bytes = 0;

  constructor(readonly budgetBytes: number = DEFAULT_BLOCK_CACHE_BYTES) {}

  /** Bytes of the blocks cached now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Puts `block` in `slot` (undefined empties it), then drops the oldest blocks while over budget. */
  set(slot: CacheSlot, block: RecordBlock | undefined): void {
    const before = this.#held.get(slot);
    if (before !== undefined) {
      this.#held.delete(slot);
      this.#bytes -= before;
    }
    slot.block = block;
    if (block === undefined) return;
    const size = block.buf.length;
    this.#held.set(slot, size);
    this.#bytes += size;
    for (const [oldest, bytes] of this.#held) {
      if (this.#bytes <= this.budgetBytes) break;
      this.#held.delete(oldest);
      this.#bytes -= bytes;
      oldest.block = undefined;
    }
  }
}
