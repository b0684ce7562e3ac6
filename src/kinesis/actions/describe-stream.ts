import { operation } from '../../server/operations.js';
import { integer, string, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import type { ShardMeta, StreamMeta } from '../model.js';
import { ShardSequence } from '../sequence-numbers.js';
import { streamDescriptionFields } from '../stream-description.js';

/** DescribeStream returns at most this many shards per call, whatever Limit asks for. */
const MAX_SHARDS_PER_CALL = 100;

/** The Shard structure of DescribeStream / ListShards. */
export function shardShape(stream: StreamMeta, s: ShardMeta): Record<string, unknown> {
  const sequence = ShardSequence.of(stream.createdAt, s);
  const range: Record<string, string> = {
    // Just before the first record, as on AWS: AT_ and AFTER_SEQUENCE_NUMBER on it both start at the first record.
    StartingSequenceNumber: sequence.starting(s.startPosition),
  };
  if (s.endPosition !== undefined) {
    // The last record's index stamped with the closing time, so not below the last record's number (for a
    // shard closed empty, the starting one's index).
    range['EndingSequenceNumber'] = sequence.format(s.endPosition, s.closedAt ?? s.createdAt);
  }
  return {
    ShardId: s.shardId,
    ...(s.parentShardId ? { ParentShardId: s.parentShardId } : {}),
    ...(s.adjacentParentShardId ? { AdjacentParentShardId: s.adjacentParentShardId } : {}),
    HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
    SequenceNumberRange: range,
  };
}

/** Shards in id order (ids are zero-padded, so string order is creation order). */
export function shardsInOrder(meta: StreamMeta): ShardMeta[] {
  return [...meta.shards].sort((a, b) => a.index - b.index);
}

/** DescribeStream: up to Limit (1-10000, default and cap 100) shards after ExclusiveStartShardId. */
export const describeStream = operation({
  input: structure({
    Limit: integer({ min: 1, max: 10000 }),
    ExclusiveStartShardId: string({ min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ }),
    ...STREAM_TARGET,
  }),
  async run(k: KinesisContext, input) {
    const limit = Math.min(input.Limit ?? MAX_SHARDS_PER_CALL, MAX_SHARDS_PER_CALL);
    const after = input.ExclusiveStartShardId;
    const meta = k.streams.get(streamName(k, input));
    // A stream still CREATING (or deleted while CREATING) lists no shards yet, as on AWS.
    const listed = meta.status === 'CREATING' || meta.deletedWhileCreating ? [] : shardsInOrder(meta);
    const shards = listed.filter((s) => after === undefined || s.shardId > after);
    return {
      StreamDescription: streamDescriptionFields(meta, {
        Shards: shards.slice(0, limit).map((s) => shardShape(meta, s)),
        HasMoreShards: shards.length > limit,
      }),
    };
  },
});
