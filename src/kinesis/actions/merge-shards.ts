import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';

const SHARD_ID = /[a-zA-Z0-9_.-]+/;

/**
 * MergeShards: two open shards whose hash ranges touch. After the UPDATING delay both close and one child
 * (ParentShardId = ShardToMerge, AdjacentParentShardId = AdjacentShardToMerge) covers their union.
 */
export const mergeShards = operation({
  input: structure({
    ShardToMerge: required(string({ min: 1, max: 128, pattern: SHARD_ID })),
    AdjacentShardToMerge: required(string({ min: 1, max: 128, pattern: SHARD_ID })),
    ...STREAM_TARGET,
  }),
  async run(k: KinesisContext, input) {
    await k.streams.merge(streamName(k, input), input.ShardToMerge, input.AdjacentShardToMerge);
  },
});
