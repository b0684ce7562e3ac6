import { Validator } from '../../server/validator.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { HASH_KEY_PATTERN } from './put-record.js';

const SHARD_ID = /[a-zA-Z0-9_.-]+/;

/**
 * SplitShard: the stream is UPDATING for the transition delay, then the parent closes (EndingSequenceNumber)
 * and two children (ParentShardId = the parent) take [start, key-1] and [key, end].
 */
export async function splitShard(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const shardId = v.string('ShardToSplit', { required: true, min: 1, max: 128, pattern: SHARD_ID });
  const key = v.string('NewStartingHashKey', { required: true, pattern: HASH_KEY_PATTERN });
  v.check();
  await k.streams.split(target(), shardId!, BigInt(key!));
  return {};
}
