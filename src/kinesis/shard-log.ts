import type { Store } from '../store/store.js';
import { BlockCache, CacheSlot } from './block-cache.js';
import { blockRecordBytes, encodeBlock, RecordBlock, type BlockEntry } from './record-block.js';

/**
 * Blocks above this size are not kept in a shard's block cache (a put may write up to 5 MiB to one shard): two
 * cached blocks per shard stay within 512 KiB; the server-wide `BlockCache` bounds all shards together.
 */
const MAX_CACHED_BLOCK_BYTES = 256 * 1024;
/** Most blocks asked of the store per step of a scan. */
const READ_AHEAD_BLOCKS = 16;

/** Records `[start, end)` of one block, as a scan returns them. */
export interface BlockSlice {
  block: RecordBlock;
  start: number;
  end: number;
}

export interface ScanResult {
  slices: BlockSlice[];
  /** Records in the slices. */
  count: number;
  /** Data plus partition key bytes of those records. */
  bytes: number;
  /** Position after the last record returned (`from` when none). */
  next: number;
}

/**
 * One shard's records in the store: a log of record blocks (record-block.ts) keyed by the position of each
 * block's first record. Keeps the last block appended and the last block read decoded, because readers at
 * the tip of a shard (mappings, SubscribeToShard, GetRecords polling) mostly ask for those again.
 */
export class ShardLog {
  readonly #lastAppended = new CacheSlot();
  readonly #lastRead = new CacheSlot();
  /** Cached `first()` (asked on every read); `null` when not known. */
  #first: number | undefined | null = null;

  constructor(
    readonly store: Store,
    readonly name: string,
    /** Shared by the server's shard logs; a log of its own by default (tests). */
    readonly cache: BlockCache = new BlockCache(),
  ) {}

  /** The shard's last block in the store (on load: the last position and arrival time). */
  lastBlock(): RecordBlock | undefined {
    const e = this.store.floor<unknown>(this.name, Number.MAX_SAFE_INTEGER);
    return e ? RecordBlock.from(e.seq, e.value) : undefined;
  }

  /** Position of the oldest record kept (retention trims whole blocks), or undefined when empty. */
  first(): number | undefined {
    if (this.#first === null) this.#first = this.store.firstSeq(this.name);
    return this.#first;
  }

  /** Removes the blocks before position `before` (retention: whole blocks, see record-block.ts). */
  async trim(before: number): Promise<void> {
    this.#first = null;
    try {
      await this.store.trim(this.name, before);
    } finally {
      this.#first = null;
    }
  }

  /**
   * Writes one put's records for this shard as a block starting at `first`; resolves once durable, with the
   * records' data plus partition key bytes.
   */
  async append(first: number, entries: ReadonlyArray<BlockEntry>, arrival: number): Promise<number> {
    const buf = encodeBlock(entries, arrival);
    await this.store.append(this.name, [{ seq: first, value: buf }]);
    if (this.#first === undefined) this.#first = first;
    if (buf.length <= MAX_CACHED_BLOCK_BYTES)
      this.cache.set(this.#lastAppended, RecordBlock.from(first, buf));
    return blockRecordBytes(buf);
  }

  /** The block holding `position`, if it is stored. */
  blockAt(position: number): RecordBlock | undefined {
    const cached = this.#cached(position);
    if (cached) return cached;
    const e = this.store.floor<unknown>(this.name, position);
    if (!e) return undefined;
    const b = RecordBlock.from(e.seq, e.value);
    if (b.last < position) return undefined;
    this.#remember(b);
    return b;
  }

  /** The block holding `position`, or else the first block after it up to position `to` (a gap or a trimmed start). */
  blockFrom(position: number, to: number): RecordBlock | undefined {
    return this.blockAt(position) ?? this.scan(position, to, 1, Infinity).slices[0]?.block;
  }

  /**
   * Records from `from` to `to` (inclusive), at most `limit` of them and stopping before `maxBytes` of data
   * plus keys (at least one record when any exists).
   */
  scan(from: number, to: number, limit: number, maxBytes: number): ScanResult {
    const slices: BlockSlice[] = [];
    let count = 0;
    let bytes = 0;
    let pos = from;
    let full = false;
    /** Records in the last block taken: the guess for how many the next blocks hold. */
    let perBlock = 1;
    const take = (b: RecordBlock): void => {
      perBlock = b.count;
      const start = Math.max(0, pos - b.first);
      let end = start;
      const stop = Math.min(b.count, start + (limit - count), to - b.first + 1);
      while (end < stop) {
        const size = b.size(end);
        if (count + (end - start) > 0 && bytes + size > maxBytes) {
          full = true;
          break;
        }
        bytes += size;
        end++;
      }
      if (end > start) slices.push({ block: b, start, end });
      count += end - start;
      pos = b.first + end;
      if (end < b.count) full = true;
    };
    let b = pos <= to ? this.blockAt(pos) : undefined;
    if (b) take(b);
    while (!full && count < limit && pos <= to) {
      b = this.#cached(pos);
      if (b) {
        take(b);
        continue;
      }
      // As many blocks as the records still wanted would fill, judging by the last block's size: a mapping
      // batch of 100 usually needs one more block, and each block read is copied out of the store.
      const want = Math.min(READ_AHEAD_BLOCKS, Math.max(1, Math.ceil((limit - count) / perBlock)));
      const entries = this.store.read<unknown>(this.name, pos, want);
      if (entries.length === 0) break;
      for (const e of entries) {
        if (e.seq > to || full || count >= limit) break;
        b = RecordBlock.from(e.seq, e.value);
        this.#remember(b);
        take(b);
      }
    }
    return { slices, count, bytes, next: count > 0 ? pos : from };
  }

  /** Removes the whole log (its stream was deleted, or its shard expired) and what is cached of it. */
  async drop(): Promise<void> {
    await this.store.dropLog(this.name);
    this.forget();
  }

  /** Forgets cached blocks and the cached first position. */
  forget(): void {
    this.#first = null;
    this.cache.set(this.#lastAppended, undefined);
    this.cache.set(this.#lastRead, undefined);
  }

  #cached(position: number): RecordBlock | undefined {
    const r = this.#lastRead.block;
    if (r && r.first <= position && position <= r.last) return r;
    const a = this.#lastAppended.block;
    if (a && a.first <= position && position <= a.last) return a;
    return undefined;
  }

  #remember(b: RecordBlock): void {
    if (b.buf.length <= MAX_CACHED_BLOCK_BYTES) this.cache.set(this.#lastRead, b);
  }
}
