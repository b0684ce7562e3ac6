import type { KinesisRecord, ShardMeta } from './model.js';
import type { BlockEntry } from './record-block.js';
import { ShardSequence } from './sequence-numbers.js';
import type { ScanResult, ShardLog } from './shard-log.js';
import { StoredRecord } from './stored-record.js';

/**
 * A handle on one shard of one stream generation: its metadata, its record log and the positions written and
 * durable. Readers (GetRecords, GetShardIterator, SubscribeToShard, the mapping engine) resolve a shard once
 * and then ask the handle; the stream registry writes through it. Once the shard leaves its stream (the
 * stream deleted, or the shard closed longer than the retention period) `dropped` is true.
 */
export class Shard {
  readonly meta: ShardMeta;
  /** The hash key range, as numbers (routing puts). */
  readonly start: bigint;
  readonly end: bigint;
  readonly #log: ShardLog;
  /** Its sequence numbers (sequence-numbers.ts owns the layout). */
  readonly sequence: ShardSequence;
  /** Next position to assign. */
  #next: number;
  /** Highest durable (readable) position, or startPosition - 1. */
  #committed: number;
  #lastArrival: number;
  #dropped = false;

  private constructor(
    meta: ShardMeta,
    log: ShardLog,
    streamCreatedAt: number,
    committed: number,
    lastArrival: number,
  ) {
    this.meta = meta;
    this.#log = log;
    this.sequence = ShardSequence.of(streamCreatedAt, meta);
    this.#committed = committed;
    this.#next = committed + 1;
    this.#lastArrival = lastArrival;
    this.start = BigInt(meta.startingHashKey);
    this.end = BigInt(meta.endingHashKey);
  }

  /** A shard of a stream loaded from the store: positions continue after its last stored block. */
  static load(meta: ShardMeta, log: ShardLog, streamCreatedAt: number): Shard {
    const lastBlock = log.lastBlock();
    return new Shard(
      meta,
      log,
      streamCreatedAt,
      lastBlock?.last ?? meta.startPosition - 1,
      lastBlock?.arrival ?? 0,
    );
  }

  /** A shard just opened by resharding: empty, arrivals from `now` on. */
  static opened(meta: ShardMeta, log: ShardLog, streamCreatedAt: number, now: number): Shard {
    return new Shard(meta, log, streamCreatedAt, meta.startPosition - 1, now);
  }

  get shardId(): string {
    return this.meta.shardId;
  }

  /** Closed by resharding (it holds no position after `meta.endPosition`). */
  get closed(): boolean {
    return this.meta.endPosition !== undefined;
  }

  get dropped(): boolean {
    return this.#dropped;
  }

  /** Highest durable position (startPosition - 1 when none). */
  get committed(): number {
    return this.#committed;
  }

  /** Visible positions: [first, last]; last < first when empty. */
  bounds(): { first: number; last: number } {
    const first = this.#log.first() ?? this.#committed + 1;
    return { first: Math.min(first, this.#committed + 1), last: this.#committed };
  }

  /**
   * Sequence number of a position: a record's carries its put time; startPosition - 1 is the shard's
   * StartingSequenceNumber (before every record); a position not written yet is stamped with the latest put
   * time, one trimmed by retention with the oldest kept record's (only the index of either is ever read back).
   */
  sequenceNumber(position: number): string {
    if (position < this.meta.startPosition) return this.sequence.starting(this.meta.startPosition);
    const arrival = this.arrivalAt(position) ?? Math.max(this.#lastArrival, this.meta.createdAt);
    return this.sequence.format(position, arrival);
  }

  /**
   * Scans up to `limit` durable records from `from` on, stopping before `maxBytes` (at least one record is
   * returned when any exists): the records as slices of stored blocks, for readers that write them out
   * without building an object per record (GetRecords' JSON).
   */
  scan(from: number, limit: number, maxBytes = Infinity): ScanResult {
    return this.#log.scan(from, this.#committed, limit, maxBytes);
  }

  /** Like `scan`, as one object per record (a view of its block: see StoredRecord). */
  read(from: number, limit: number, maxBytes = Infinity): KinesisRecord[] {
    const { slices, count } = this.#log.scan(from, this.#committed, limit, maxBytes);
    const sequence = this.sequence;
    const out = new Array<KinesisRecord>(count);
    let n = 0;
    for (const { block, start, end } of slices) {
      for (let i = start; i < end; i++) out[n++] = new StoredRecord(block, i, sequence, block.first + i);
    }
    return out;
  }

  /** First position whose arrival time is >= `ms` (binary search over blocks; arrivals are monotonic). */
  positionAtTimestamp(ms: number): number {
    const log = this.#log;
    const committed = this.#committed;
    let lo = log.first() ?? committed + 1;
    let hi = committed + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const block = log.blockFrom(mid, committed);
      if (!block || block.arrival >= ms) hi = block ? Math.min(mid, block.first) : mid;
      else lo = block.last + 1;
    }
    return lo;
  }

  /** Arrival time of the record at a position (MillisBehindLatest, IteratorAge). */
  arrivalAt(position: number): number | undefined {
    if (position > this.#committed) return undefined;
    return this.#log.blockFrom(position, this.#committed)?.arrival;
  }

  // ---- writing (the stream registry) ---------------------------------------------------------

  /** The position for the next record routed here (it becomes readable once `commit`ted). */
  assign(): number {
    return this.#next++;
  }

  /**
   * The arrival time of a put made at `now`: its time unless an earlier put was given a later one (arrival
   * times never go backwards inside a shard, so AT_TIMESTAMP and retention can binary-search). Taken when the
   * put is routed, since its records' sequence numbers carry it.
   */
  stamp(now: number): number {
    const t = Math.max(now, this.#lastArrival);
    this.#lastArrival = t;
    return t;
  }

  /**
   * Writes one put's records as a block starting at `first`, arrived at `arrival` (from `stamp`). Resolves once
   * durable, with the records' data plus partition key bytes.
   */
  write(first: number, entries: ReadonlyArray<BlockEntry>, arrival: number): Promise<number> {
    return this.#log.append(first, entries, arrival);
  }

  /** Positions up to `last` are durable: readers may see them. */
  commit(last: number): void {
    if (last > this.#committed) this.#committed = last;
  }

  /** Closes the shard (resharding): it ends at the last position assigned. */
  close(now: number): void {
    this.meta.endPosition = this.#next - 1;
    this.meta.closedAt = now;
  }

  /** Closed before `cutoff` and read to its end: AWS stops listing it once its last record expired. */
  expiredBefore(cutoff: number): boolean {
    return (
      this.meta.closedAt !== undefined &&
      this.meta.closedAt < cutoff &&
      this.#committed >= (this.meta.endPosition ?? 0)
    );
  }

  /** Removes the records that arrived before `cutoff` (retention; whole blocks). */
  async trimBefore(cutoff: number): Promise<void> {
    const keepFrom = this.positionAtTimestamp(cutoff);
    const first = this.#log.first();
    if (first !== undefined && keepFrom > first) await this.#log.trim(keepFrom);
  }

  /** The shard left its stream (the stream was deleted, or the shard expired): readers stop using the handle. */
  retire(): void {
    this.#dropped = true;
  }

  /** Removes the shard's records for good (after `retire`). */
  async drop(): Promise<void> {
    this.#dropped = true;
    await this.#log.drop();
  }
}
