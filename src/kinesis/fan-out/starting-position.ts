import { startPosition, type IteratorType } from '../actions/get-shard-iterator.js';
import type { KinesisContext } from '../kinesis-context.js';

/** SubscribeToShard's StartingPosition. */
export interface StartingPosition {
  type: IteratorType;
  sequenceNumber?: string;
  /** Epoch ms (AT_TIMESTAMP). */
  timestampMs?: number;
}

/** The ContinuationSequenceNumber for a subscription whose next position to read is `next`. */
export function continuationSequenceNumber(
  k: KinesisContext,
  stream: string,
  shardId: string,
  next: number,
): string {
  // Position -1 formats as the shard's StartingSequenceNumber, which sorts before every record.
  return k.streams.sequenceNumber(stream, shardId, next - 1);
}

/** Resolves a StartingPosition to the first position to read (GetShardIterator's rules). */
export function resolveStartingPosition(
  k: KinesisContext,
  stream: string,
  shardId: string,
  p: StartingPosition,
): number {
  return startPosition(k, stream, shardId, p.type, p.sequenceNumber, p.timestampMs);
}
