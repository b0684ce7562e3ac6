import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import type { ShardMeta, StreamMeta } from '../model.js';
import { formatSequenceNumber } from '../sequence-numbers.js';

/** The Shard structure of DescribeStream / ListShards. */
export function shardShape(stream: StreamMeta, s: ShardMeta): Record<string, unknown> {
  const range: Record<string, string> = {
    StartingSequenceNumber: formatSequenceNumber(s.index, stream.createdAt, s.startPosition),
  };
  if (s.endPosition !== undefined) {
    range['EndingSequenceNumber'] = formatSequenceNumber(s.index, stream.createdAt, Math.max(s.endPosition, s.startPosition));
  }
  return {
    ShardId: s.shardId,
    ...(s.parentShardId ? { ParentShardId: s.parentShardId } : {}),
    ...(s.adjacentParentShardId ? { AdjacentParentShardId: s.adjacentParentShardId } : {}),
    HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
    SequenceNumberRange: range,
  };
}

/** DescribeStream: Limit (1-10000, default 100) shards after ExclusiveStartShardId. */
export async function describeStream(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const limit = v.integer('Limit', { min: 1, max: 10000 }) ?? 100;
  const after = v.string('ExclusiveStartShardId', { min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ });
  v.check();
  const meta = k.streams.get(target());
  const shards = [...meta.shards].sort((a, b) => a.index - b.index).filter((s) => after === undefined || s.shardId > after);
  return {
    StreamDescription: {
      StreamName: meta.name,
      StreamARN: meta.arn,
      StreamStatus: meta.status,
      StreamModeDetails: { StreamMode: meta.mode },
      Shards: shards.slice(0, limit).map((s) => shardShape(meta, s)),
      HasMoreShards: shards.length > limit,
      RetentionPeriodHours: meta.retentionHours,
      StreamCreationTimestamp: new Date(meta.createdAt),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: meta.encryptionType,
    },
  };
}
