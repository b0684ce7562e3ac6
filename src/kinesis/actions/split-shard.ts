import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { HASH_KEY_PATTERN } from './put-record.js';

const SHARD_ID = /[a-zA-Z0-9_.-]+/;

/**
 * SplitShard: the stream is UPDATING for the transition delay, then the parent closes (EndingSequenceNumber)
 * and two children (ParentShardId = the parent) take [start, key-1] and [key, end].
 */
export const splitShard = operation({
  input: structure({
    NewStartingHashKey: required(string({ pattern: HASH_KEY_PATTERN })),
    ...STREAM_TARGET,
    ShardToSplit: required(string({ min: 1, max: 128, pattern: SHARD_ID })),
  }),
  async run(k: KinesisContext, input) {
    await k.streams.split(streamName(k, input), input.ShardToSplit, BigInt(input.NewStartingHashKey));
  },
});
