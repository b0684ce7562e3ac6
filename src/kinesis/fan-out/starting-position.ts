import { startPosition, type IteratorType } from '../actions/get-shard-iterator.js';
import type { KinesisContext } from '../kinesis-context.js';
import { formatSequenceNumber } from '../sequence-numbers.js';

/** SubscribeToShard's StartingPosition. */
export interface StartingPosition {
  type: IteratorType;
  sequenceNumber?: string;
  /** Epoch ms (AT_TIMESTAMP). */
  timestampMs?: number;
}

/**
 * A sequence number that sorts before every record of a shard: the shard's first sequence number
 * with its last digit dropped (55 digits, so numerically smaller). It is the continuation point of a
 * subscription that has not passed any record yet — our sequence numbers encode positions from 0,
 * so "after nothing" has no record sequence number to name it.
 */
function beforeFirstSequenceNumber(k: KinesisContext, stream: string, shardId: string): string {
  const meta = k.streams.get(stream);
  const shard = k.streams.shard(stream, shardId);
  return formatSequenceNumber(shard.index, meta.createdAt, 0).slice(0, -1);
}

/** The ContinuationSequenceNumber for a subscription whose next position to read is `next`. */
export function continuationSequenceNumber(
  k: KinesisContext,
  stream: string,
  shardId: string,
  next: number,
): string {
  if (next <= 0) return beforeFirstSequenceNumber(k, stream, shardId);
  return k.streams.sequenceNumber(stream, shardId, next - 1);
}

/** Resolves a StartingPosition to the first position to read (GetShardIterator's rules). */
export function resolveStartingPosition(
  k: KinesisContext,
  stream: string,
  shardId: string,
  p: StartingPosition,
): number {
  if (
    (p.type === 'AT_SEQUENCE_NUMBER' || p.type === 'AFTER_SEQUENCE_NUMBER') &&
    p.sequenceNumber !== undefined &&
    p.sequenceNumber === beforeFirstSequenceNumber(k, stream, shardId)
  ) {
    return k.streams.bounds(stream, shardId).first;
  }
  return startPosition(k, stream, shardId, p.type, p.sequenceNumber, p.timestampMs);
}
