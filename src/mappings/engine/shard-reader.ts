import type { KinesisRecord, ShardMeta } from '../../kinesis/model.js';

/**
 * Why a reader can read no more:
 * - `stream-deleted`: the stream (this generation of it) is being deleted or is gone; a stream created
 *   later under the same name is a new stream;
 * - `consumer-deleted`: the enhanced fan-out consumer the mapping reads through is gone.
 */
export type GoneReason = 'stream-deleted' | 'consumer-deleted';

/** The next records in order (never empty), the end of a closed shard, or the source gone. */
export type ReadResult = KinesisRecord[] | { kind: 'end' } | { kind: 'gone'; reason: GoneReason };

/**
 * Reads one shard of one stream generation, in order, from a position. `next` resolves as soon as records
 * are there (it sleeps on `wake()` when caught up: no polling); `{kind:'end'}` once the shard is closed and
 * read to its end (its children can start); `{kind:'gone'}` when nothing more can ever be read.
 */
export interface ShardReader {
  next(max: number): Promise<ReadResult>;
  /** Something changed in the shard: records appended, the shard closed, the stream deleted. */
  wake(): void;
  /** Ends a pending `next` (it resolves `gone`); the reader is not used again. */
  close(): void;
}

/**
 * One generation of a stream as the engine sees it: a stream deleted and created again under the same name
 * is another generation, so checkpoints (kept per generation) of the old one never apply to the new one.
 */
export interface StreamView {
  readonly streamName: string;
  readonly streamArn: string;
  /** The stream's creation time (epoch ms): its identity. */
  readonly generation: number;
  /** False once this generation is being deleted or gone. */
  alive(): boolean;
  /** The shards, parents before children; empty when not alive. */
  shards(): ReadonlyArray<ShardMeta>;
  /** Oldest readable position and the last durable one (last < first when empty); undefined when the shard is gone. */
  bounds(shardId: string): { first: number; last: number } | undefined;
  /** The shard's last position once it is closed (undefined while open or gone). */
  endPosition(shardId: string): number | undefined;
  /** Arrival time (epoch ms) of the record at `position`, if it exists. */
  arrivalAt(shardId: string, position: number): number | undefined;
  /** First position whose arrival time is >= ms. */
  positionAtTimestamp(shardId: string, ms: number): number;
  /** A reader from `position`; through the consumer when `consumerArn` is set (enhanced fan-out). */
  reader(shardId: string, position: number, consumerArn: string | undefined): ShardReader;
}
