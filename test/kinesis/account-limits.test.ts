import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  checkOnDemandLimit,
  checkShardCountTarget,
  checkShardLimit,
  ON_DEMAND_STREAM_LIMIT,
  SHARD_LIMIT,
} from '../../src/kinesis/account-limits.js';
import { AwsError } from '../../src/server/errors.js';

const scope = { account: '123456789012', region: 'eu-west-1' };

/** The LimitExceededException `fn` throws (fails when it throws nothing or something else). */
function limitError(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.type, 'LimitExceededException');
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail('no LimitExceededException');
}

describe('account limits (DescribeLimits, CreateStream, SplitShard, UpdateShardCount, UpdateStreamMode)', () => {
  it('the shard limit admits up to SHARD_LIMIT open shards and names account, region and counts past it', () => {
    checkShardLimit(scope, SHARD_LIMIT - 2, 2);
    checkShardLimit(scope, SHARD_LIMIT + 10, 0); // closing shards never trips it
    assert.equal(
      limitError(() => checkShardLimit(scope, SHARD_LIMIT - 2, 3)),
      `This request would exceed the shard limit for the account 123456789012 in eu-west-1. Current shard count for the account: ${SHARD_LIMIT - 2}. Limit: ${SHARD_LIMIT}. Number of additional shards that would have resulted from this request: 3. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
    );
  });

  it('the on-demand stream limit admits ON_DEMAND_STREAM_LIMIT streams', () => {
    checkOnDemandLimit(scope, ON_DEMAND_STREAM_LIMIT - 1);
    assert.equal(
      limitError(() => checkOnDemandLimit(scope, ON_DEMAND_STREAM_LIMIT)),
      `This request would exceed the on-demand stream limit for the account 123456789012 in eu-west-1. Limit: ${ON_DEMAND_STREAM_LIMIT}.`,
    );
  });

  it('UpdateShardCount stays within the limit, double and half of the open shards', () => {
    checkShardCountTarget(4, 8);
    checkShardCountTarget(4, 2);
    checkShardCountTarget(300, SHARD_LIMIT);
    assert.match(
      limitError(() => checkShardCountTarget(4, 9)),
      /scale up over double .* Current open shard count: 4, Target shard count: 9$/,
    );
    assert.match(
      limitError(() => checkShardCountTarget(5, 2)),
      /scale down below half .* Current open shard count: 5, Target shard count: 2$/,
    );
    assert.equal(
      limitError(() => checkShardCountTarget(400, SHARD_LIMIT + 1)),
      `Target shard count or number of open shards cannot be greater than ${SHARD_LIMIT}. Current open shard count: 400, Target shard count: ${SHARD_LIMIT + 1}`,
    );
  });
});
