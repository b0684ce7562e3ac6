import { LimitExceeded } from '../server/errors.js';

/** AWS's default shard limit per account and region (DescribeLimits' ShardLimit). */
export const SHARD_LIMIT = 500;
/** AWS's default limit of ON_DEMAND streams per account and region (DescribeLimits' OnDemandStreamCountLimit). */
export const ON_DEMAND_STREAM_LIMIT = 50;

/** Where a limit applies: AWS's limit messages name the account and the region. */
export interface LimitScope {
  account: string;
  region: string;
}

/** CreateStream, SplitShard and UpdateShardCount: `extra` more open shards must fit in the account's limit. */
export function checkShardLimit(scope: LimitScope, openShards: number, extra: number): void {
  if (extra <= 0 || openShards + extra <= SHARD_LIMIT) return;
  throw LimitExceeded(
    `This request would exceed the shard limit for the account ${scope.account} in ${scope.region}. ` +
      `Current shard count for the account: ${openShards}. Limit: ${SHARD_LIMIT}. ` +
      `Number of additional shards that would have resulted from this request: ${extra}. ` +
      `Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
  );
}

/** One more ON_DEMAND stream (CreateStream, UpdateStreamMode) must stay within the account's limit. */
export function checkOnDemandLimit(scope: LimitScope, onDemandStreams: number): void {
  if (onDemandStreams < ON_DEMAND_STREAM_LIMIT) return;
  throw LimitExceeded(
    `This request would exceed the on-demand stream limit for the account ${scope.account} in ${scope.region}. Limit: ${ON_DEMAND_STREAM_LIMIT}.`,
  );
}

/**
 * UpdateShardCount's own bounds (AWS API reference, UpdateShardCount): at most SHARD_LIMIT, at most double and at
 * least half the open shard count.
 */
export function checkShardCountTarget(current: number, target: number): void {
  const counts = `Current open shard count: ${current}, Target shard count: ${target}`;
  if (target > SHARD_LIMIT) {
    throw LimitExceeded(
      `Target shard count or number of open shards cannot be greater than ${SHARD_LIMIT}. ${counts}`,
    );
  }
  if (target > current * 2) {
    throw LimitExceeded(
      `UpdateShardCount cannot scale up over double your current open shard count. ${counts}`,
    );
  }
  if (target * 2 < current) {
    throw LimitExceeded(
      `UpdateShardCount cannot scale down below half your current open shard count. ${counts}`,
    );
  }
}
