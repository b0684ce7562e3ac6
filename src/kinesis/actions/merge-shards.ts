import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';

const SHARD_ID = /[a-zA-Z0-9_.-]+/;

/**
 * MergeShards: two open shards whose hash ranges touch. After the UPDATING delay both close and one child
 * (ParentShardId = ShardToMerge, AdjacentParentShardId = AdjacentShardToMerge) covers their union.
 */
export async function mergeShards(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const shard = v.string('ShardToMerge', { required: true, min: 1, max: 128, pattern: SHARD_ID });
  const adjacent = v.string('AdjacentShardToMerge', { required: true, min: 1, max: 128, pattern: SHARD_ID });
  v.check();
  await k.streams.merge(target(), shard!, adjacent!);
  return {};
}
