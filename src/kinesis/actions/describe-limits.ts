import { operation } from '../../server/operations.js';
import { structure } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { ON_DEMAND_STREAM_LIMIT, SHARD_LIMIT } from '../account-limits.js';

/** DescribeLimits: the account's shard and on-demand stream limits and how much of them is used. */
export const describeLimits = operation({
  input: structure({}),
  async run(k: KinesisContext) {
    return {
      ShardLimit: SHARD_LIMIT,
      OpenShardCount: k.streams.openShardCount(),
      OnDemandStreamCount: k.streams.onDemandStreamCount(),
      OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
    };
  },
});
