import type { KinesisContext } from '../../kinesis/kinesis-context.js';
import type { KinesisRecord, ShardMeta, StreamMeta } from '../../kinesis/model.js';
import type { Shard } from '../../kinesis/shard.js';
import type { Stream } from '../../kinesis/stream.js';
import { ConsumerReader } from './consumer-reader.js';
import type { ReadResult, ShardReader, StreamView } from './shard-reader.js';
import { Signal } from './signal.js';

/** A StreamView of one generation of a stream of the server's registry, through the stream's handle. */
export class RegistryStreamView implements StreamView {
  readonly streamName: string;
  readonly streamArn: string;
  readonly generation: number;
  readonly #k: KinesisContext;
  /** This generation's handle; undefined when it was already gone when the view was made. */
  readonly #stream: Stream | undefined;

  constructor(k: KinesisContext, meta: StreamMeta) {
    this.#k = k;
    this.streamName = meta.name;
    this.streamArn = meta.arn;
    this.generation = meta.createdAt;
    const s = k.streams.findStream(meta.name);
    this.#stream = s?.meta.createdAt === meta.createdAt ? s : undefined;
  }

  /** This generation while it lives (not DELETING, not deleted). */
  #live(): Stream | undefined {
    const s = this.#stream;
    return s?.live && s.meta.status !== 'DELETING' ? s : undefined;
  }

  alive(): boolean {
    return this.#live() !== undefined;
  }

  shards(): ReadonlyArray<ShardMeta> {
    return this.#live()?.meta.shards ?? [];
  }

  #shard(shardId: string): Shard | undefined {
    return this.#live()?.findShard(shardId);
  }

  bounds(shardId: string): { first: number; last: number } | undefined {
    return this.#shard(shardId)?.bounds();
  }

  arrivalAt(shardId: string, position: number): number | undefined {
    return this.#shard(shardId)?.arrivalAt(position);
  }

  positionAtTimestamp(shardId: string, ms: number): number {
    return this.#existing(shardId).positionAtTimestamp(ms);
  }

  reader(shardId: string, position: number, consumerArn: string | undefined): ShardReader {
    return consumerArn
      ? new ConsumerReader(this.#k, this, consumerArn, shardId, position)
      : new RegistryShardReader(this, (from, max) => this.#read(shardId, from, max), shardId, position);
  }

  #read(shardId: string, from: number, max: number): KinesisRecord[] {
    return this.#existing(shardId).read(from, max);
  }

  /** A shard the caller has just found through `bounds()` (in the same synchronous step): gone is a bug. */
  #existing(shardId: string): Shard {
    const sh = this.#stream?.findShard(shardId);
    if (!sh) throw new Error(`shard ${shardId} of stream ${this.streamName} (${this.generation}) is gone`);
    return sh;
  }

  /** The shard's last position once it is closed (undefined while open). */
  endPosition(shardId: string): number | undefined {
    return this.#shard(shardId)?.meta.endPosition;
  }
}

/**
 * Shared-throughput reading, like GetRecords but in process: reads the shard's log directly and, when caught
 * up, sleeps until woken (an append, a reshard, a deletion: the mapping runner wakes it on the Kinesis
 * events). No polling.
 */
export class RegistryShardReader implements ShardReader {
  readonly #view: RegistryStreamView;
  readonly #read: (from: number, max: number) => KinesisRecord[];
  readonly #shardId: string;
  readonly #woken = new Signal();
  #position: number;
  #closed = false;

  constructor(
    view: RegistryStreamView,
    read: (from: number, max: number) => KinesisRecord[],
    shardId: string,
    position: number,
  ) {
    this.#view = view;
    this.#read = read;
    this.#shardId = shardId;
    this.#position = position;
  }

  async next(max: number): Promise<ReadResult> {
    while (!this.#closed) {
      if (!this.#view.alive()) return { kind: 'gone', reason: 'stream-deleted' };
      const b = this.#view.bounds(this.#shardId);
      // A closed shard dropped after the retention period: nothing of it is left to read.
      if (!b) return { kind: 'end' };
      // Records trimmed by retention while we were behind are skipped (AWS: they expired).
      this.#position = Math.max(this.#position, b.first);
      if (this.#position <= b.last) {
        const records = this.#read(this.#position, max);
        this.#position = records[records.length - 1]!.position + 1;
        return records;
      }
      const end = this.#view.endPosition(this.#shardId);
      if (end !== undefined && this.#position > end) return { kind: 'end' };
      await this.#woken.wait();
    }
    return { kind: 'gone', reason: 'stream-deleted' };
  }

  wake(): void {
    this.#woken.notify();
  }

  close(): void {
    this.#closed = true;
    this.#woken.notify();
  }
}
