import type { AwsError } from '../server/errors.js';
import { shardNotFound } from './not-found.js';
import { hashPartitionKey } from './hash-keys.js';
import type { KinesisEvents } from './kinesis-events.js';
import type { ShardMeta, StreamMeta } from './model.js';
import type { BlockEntry } from './record-block.js';
import { Shard } from './shard.js';
import type { ShardLog } from './shard-log.js';

export interface PutEntry {
  data: Uint8Array;
  partitionKey: string;
  explicitHashKey?: bigint;
}

export interface PutResult {
  shardId: string;
  sequenceNumber: string;
}

/** What a stream needs from the registry that holds it. */
export interface StreamDeps {
  account: string;
  events: KinesisEvents;
  /** The record log of a shard of this stream. */
  logOf(meta: StreamMeta, index: number): ShardLog;
}

/**
 * A handle on one generation of a stream: its metadata and its shards (handles too). The registry (the
 * catalog) creates, changes and deletes streams; readers resolve a stream by name once and keep the handle.
 * A stream deleted and created again under the same name is another Stream: the old handle is no longer
 * `live`.
 */
export class Stream {
  readonly meta: StreamMeta;
  readonly #deps: StreamDeps;
  readonly #shards = new Map<string, Shard>();
  /** Open shards sorted by starting hash key, for routing puts. */
  #open: Shard[] = [];
  #live = true;

  constructor(meta: StreamMeta, deps: StreamDeps) {
    this.meta = meta;
    this.#deps = deps;
    for (const m of meta.shards) {
      this.#shards.set(m.shardId, Shard.load(m, deps.logOf(meta, m.index), meta.createdAt));
    }
    this.#reindexOpen();
  }

  get name(): string {
    return this.meta.name;
  }

  /** False once the stream is deleted (whatever exists under its name later is another stream). */
  get live(): boolean {
    return this.#live;
  }

  /** Every shard still kept, open and closed. */
  shards(): IterableIterator<Shard> {
    return this.#shards.values();
  }

  openShards(): ReadonlyArray<Shard> {
    return this.#open;
  }

  /** The shard, or undefined when it does not exist (or no longer: expired after it closed). */
  findShard(shardId: string): Shard | undefined {
    return this.#shards.get(shardId);
  }

  /** The shard; AWS's ResourceNotFoundException when there is none by that id. */
  shard(shardId: string): Shard {
    const sh = this.#shards.get(shardId);
    if (!sh) throw this.shardNotFound(shardId);
    return sh;
  }

  /** AWS's ResourceNotFoundException for a shard this stream does not have (or no longer has). */
  shardNotFound(shardId: string): AwsError {
    return shardNotFound(this.#deps.account, this.meta.name, shardId);
  }

  #reindexOpen(): void {
    this.#open = [...this.#shards.values()]
      .filter((s) => !s.closed)
      .sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  #route(hash: bigint): Shard {
    const open = this.#open;
    let lo = 0;
    let hi = open.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (open[mid]!.start <= hash) lo = mid;
      else hi = mid - 1;
    }
    return open[lo]!;
  }

  /**
   * Appends records; resolves once they are durable, then emits `append` per shard and `incoming`. Results
   * are in request order.
   */
  async put(entries: ReadonlyArray<PutEntry>, now: number): Promise<PutResult[]> {
    const open = this.#open;
    const results: PutResult[] = [];
    // One block per shard: the records this call puts there, which share one arrival time (their sequence
    // numbers carry it, so it is taken when the shard is first routed to).
    const blocks = new Map<Shard, { first: number; arrival: number; entries: BlockEntry[] }>();
    for (const e of entries) {
      // With one open shard every key routes to it: the MD5 can be skipped.
      const sh =
        open.length === 1 ? open[0]! : this.#route(e.explicitHashKey ?? hashPartitionKey(e.partitionKey));
      const position = sh.assign();
      let b = blocks.get(sh);
      if (!b) blocks.set(sh, (b = { first: position, arrival: sh.stamp(now), entries: [] }));
      b.entries.push(e);
      results.push({ shardId: sh.meta.shardId, sequenceNumber: sh.sequence.format(position, b.arrival) });
    }
    const writes: Array<Promise<number>> = [];
    for (const [sh, b] of blocks) writes.push(sh.write(b.first, b.entries, b.arrival));
    const blockBytes = await Promise.all(writes);
    const events = this.#deps.events;
    const stream = this.meta.name;
    for (const [sh, b] of blocks) {
      sh.commit(b.first + b.entries.length - 1);
      events.emit('append', { stream, shardId: sh.meta.shardId, lastPosition: sh.committed });
    }
    const bytes = blockBytes.reduce((a, b) => a + b, 0);
    events.emit('incoming', { stream, records: entries.length, bytes });
    return results;
  }

  /** Closes `parents` and opens `children` (in memory; the registry persists the metadata). */
  applyReshard(parents: ReadonlyArray<Shard>, children: ReadonlyArray<ShardMeta>, now: number): void {
    for (const p of parents) p.close(now);
    for (const c of children) {
      this.meta.shards.push(c);
      this.#shards.set(
        c.shardId,
        Shard.opened(c, this.#deps.logOf(this.meta, c.index), this.meta.createdAt, now),
      );
    }
    this.#reindexOpen();
  }

  /** Forgets shards that expired (closed past the retention period); their logs are dropped by the caller. */
  removeShards(expired: ReadonlyArray<Shard>): void {
    for (const sh of expired) {
      this.#shards.delete(sh.meta.shardId);
      sh.retire();
    }
    this.meta.shards = this.meta.shards.filter((m) => this.#shards.has(m.shardId));
  }

  /** The stream was deleted: the handle and its shards' handles are no longer live. */
  retire(): void {
    this.#live = false;
    for (const sh of this.#shards.values()) sh.retire();
  }
}
