import { startPosition, type IteratorType } from '../actions/get-shard-iterator.js';
import type { KinesisContext } from '../kinesis-context.js';
import type { Shard } from '../shard.js';
import type { Stream } from '../stream.js';

/** SubscribeToShard's StartingPosition. */
export interface StartingPosition {
  type: IteratorType;
  sequenceNumber?: string;
  /** Epoch ms (AT_TIMESTAMP). */
  timestampMs?: number;
}

/** The ContinuationSequenceNumber for a subscription whose next position to read is `next`. */
export function continuationSequenceNumber(shard: Shard, next: number): string {
  // A position before the shard's first formats as its StartingSequenceNumber, which sorts before every record.
  return shard.sequenceNumber(next - 1);
}

/** Resolves a StartingPosition to the first position to read (GetShardIterator's rules). */
export function resolveStartingPosition(
  k: KinesisContext,
  stream: Stream,
  shard: Shard,
  p: StartingPosition,
): number {
  return startPosition(k, stream, shard, p.type, p.sequenceNumber, p.timestampMs);
}
