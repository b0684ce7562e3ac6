import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { encodeNextToken } from '../../src/kinesis/next-tokens.js';
import {
  createStream,
  expectAwsError,
  oneValidationError as one,
  withKinesisStream,
} from './kinesis-fixtures.js';

/**
 * How a caller names a place in a stream, checked like AWS: shard iterators, starting sequence numbers and
 * timestamps, explicit hash keys and ListShards tokens. Limits of records, streams and tags are in
 * kinesis-validation.
 */

const ACCOUNT = '000000000000';

describe('Kinesis positions: iterators, sequence numbers, hash keys, shard listings', () => {
  let k: KinesisClient;
  withKinesisStream('v', 2, (c) => (k = c));

  it('GetRecords Limit 1 to 10000; iterators must be ours', async () => {
    const it = (
      await k.send(
        new GetShardIteratorCommand({
          StreamName: 'v',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'LATEST',
        }),
      )
    ).ShardIterator!;
    await expectAwsError(
      k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 0 })),
      'ValidationException',
      one('limit', "'0'", 'Member must have value greater than or equal to 1'),
    );
    await expectAwsError(
      k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10001 })),
      'ValidationException',
      one('limit', "'10001'", 'Member must have value less than or equal to 10000'),
    );
    await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10000 }));
    await expectAwsError(
      k.send(new GetRecordsCommand({ ShardIterator: 'bm90LWFuLWl0ZXJhdG9y' })),
      'InvalidArgumentException',
      'Invalid ShardIterator.',
    );
    await expectAwsError(
      k.send(new GetRecordsCommand({ ShardIterator: 'x'.repeat(513) })),
      'ValidationException',
      one('shardIterator', `'${'x'.repeat(513)}'`, 'Member must have length less than or equal to 512'),
    );
  });

  it('GetShardIterator: sequence numbers and timestamps are checked like AWS', async () => {
    const s0 = await k.send(
      new PutRecordCommand({
        StreamName: 'v',
        PartitionKey: 'a',
        ExplicitHashKey: '0',
        Data: Buffer.from('x'),
      }),
    );
    assert.equal(s0.ShardId, 'shardId-000000000000');
    const s1 = await k.send(
      new PutRecordCommand({
        StreamName: 'v',
        PartitionKey: 'a',
        ExplicitHashKey: ((1n << 128n) - 1n).toString(),
        Data: Buffer.from('x'),
      }),
    );
    const where = `used in GetShardIterator on shard shardId-000000000000 in stream v under account ${ACCOUNT}`;
    const gsi = (
      type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP',
      extra: object = {},
    ): Promise<unknown> =>
      k.send(
        new GetShardIteratorCommand({
          StreamName: 'v',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: type,
          ...extra,
        }),
      );
    const both =
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.';
    await expectAwsError(
      gsi('AT_SEQUENCE_NUMBER'),
      'InvalidArgumentException',
      `${both} Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.`,
    );
    await expectAwsError(
      gsi('TRIM_HORIZON', { StartingSequenceNumber: s0.SequenceNumber }),
      'InvalidArgumentException',
      `${both} Request specified TRIM_HORIZON and also a StartingSequenceNumber.`,
    );
    await expectAwsError(
      gsi('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: s1.SequenceNumber }),
      'InvalidArgumentException',
      'Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000',
    );
    // AWS reads a small number in its oldest layout, whose last 16 bits are the shard index.
    await expectAwsError(
      gsi('AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: '12345' }),
      'InvalidArgumentException',
      'Invalid StartingSequenceNumber. It encodes shardId-000000012345, while it was used in a call to a shard with shardId-000000000000',
    );
    await expectAwsError(
      gsi('AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: '9'.repeat(57) }),
      'InvalidArgumentException',
      `StartingSequenceNumber ${'9'.repeat(57)} ${where} is invalid.`,
    );
    await expectAwsError(
      gsi('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: '0123' }),
      'ValidationException',
      one(
        'startingSequenceNumber',
        "'0123'",
        'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})',
      ),
    );
    await expectAwsError(
      gsi('AT_TIMESTAMP'),
      'InvalidArgumentException',
      'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
    );
    await expectAwsError(
      gsi('AT_TIMESTAMP', { Timestamp: new Date(Date.now() + 3_600_000) }),
      'InvalidArgumentException',
      /^The timestampInMillis parameter cannot be greater than the currentTimestampInMillis\. timestampInMillis: \d+, currentTimestampInMillis: \d+$/,
    );
    await expectAwsError(
      k.send(
        new GetShardIteratorCommand({
          StreamName: 'v',
          ShardId: 'shardId-000000000042',
          ShardIteratorType: 'LATEST',
        }),
      ),
      'ResourceNotFoundException',
      `Shard shardId-000000000042 in stream v under account ${ACCOUNT} does not exist`,
    );
    // A sequence number of an earlier stream of the same name is refused.
    await createStream(k, 'again', 1);
    const old = await k.send(
      new PutRecordCommand({ StreamName: 'again', PartitionKey: 'a', Data: Buffer.from('x') }),
    );
    await k.send(new DeleteStreamCommand({ StreamName: 'again' }));
    await createStream(k, 'again', 1);
    await expectAwsError(
      k.send(
        new GetShardIteratorCommand({
          StreamName: 'again',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: old.SequenceNumber,
        }),
      ),
      'InvalidArgumentException',
      `StartingSequenceNumber ${old.SequenceNumber} used in GetShardIterator on shard shardId-000000000000 in stream again under account ${ACCOUNT} is invalid because it did not come from this stream.`,
    );
  });

  it('ExplicitHashKey must be a decimal in [0, 2^128-1]', async () => {
    await expectAwsError(
      k.send(
        new PutRecordCommand({
          StreamName: 'v',
          PartitionKey: 'a',
          ExplicitHashKey: (1n << 128n).toString(),
          Data: Buffer.from('x'),
        }),
      ),
      'InvalidArgumentException',
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${1n << 128n}`,
    );
    await expectAwsError(
      k.send(
        new PutRecordCommand({
          StreamName: 'v',
          PartitionKey: 'a',
          ExplicitHashKey: '-1',
          Data: Buffer.from('x'),
        }),
      ),
      'ValidationException',
      one('explicitHashKey', "'-1'", 'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})'),
    );
  });

  it('ListShards: a stream or a NextToken; NextTokens expire after 300 seconds', async () => {
    await expectAwsError(
      k.send(new ListShardsCommand({})),
      'InvalidArgumentException',
      'Either NextToken or StreamName should be provided.',
    );
    const stale = encodeNextToken(
      'ListShards',
      { stream: 'v', after: 'shardId-000000000000' },
      Date.now() - 301_000,
    );
    await expectAwsError(k.send(new ListShardsCommand({ NextToken: stale })), 'ExpiredNextTokenException');
    const fresh = encodeNextToken('ListShards', { stream: 'v', after: 'shardId-000000000000' });
    assert.deepEqual(
      (await k.send(new ListShardsCommand({ NextToken: fresh }))).Shards!.map((s) => s.ShardId),
      ['shardId-000000000001'],
    );
    await expectAwsError(
      k.send(new ListShardsCommand({ StreamName: 'v', ShardFilter: { Type: 'AFTER_SHARD_ID' } })),
      'InvalidArgumentException',
      'ShardId must be specified when ShardFilter type is AFTER_SHARD_ID.',
    );
  });
});
