import type { KinesisContext } from '../kinesis-context.js';
import { ON_DEMAND_STREAM_LIMIT, SHARD_LIMIT } from '../stream-registry.js';

/** DescribeLimits: the account's shard and on-demand stream limits and how much of them is used. */
export async function describeLimits(k: KinesisContext, _input: Record<string, unknown>): Promise<unknown> {
  return {
    ShardLimit: SHARD_LIMIT,
    OpenShardCount: k.streams.openShardCount(),
    OnDemandStreamCount: k.streams.onDemandStreamCount(),
    OnDemandStreamCountLimit: ON_DEMAND_STREAM_LIMIT,
  };
}
