import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { encodeNextToken } from '../../src/kinesis/next-tokens.js';
import { kinesisClient, withTestServer } from '../harness/helpers.js';
import { createStream, expectAwsError, wideString } from './kinesis-fixtures.js';

const ACCOUNT = '000000000000';
const MiB = 1024 * 1024;
const one = (path: string, value: string, constraint: string): string =>
  `1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`;

describe('Kinesis input limits and errors', () => {
  let k: KinesisClient;
  withTestServer(
    {},
    (a) => ({ k: kinesisClient(a, 'h1') }),
    (_, made) => ({ k } = made),
  );
  before(async () => {
    await createStream(k, 'v', 2);
  });

  it('partition key: 1 to 256 Unicode characters', async () => {
    await k.send(
      new PutRecordCommand({ StreamName: 'v', PartitionKey: wideString(256), Data: Buffer.from('ok') }),
    );
    const long = wideString(257);
    await expectAwsError(
      k.send(new PutRecordCommand({ StreamName: 'v', PartitionKey: long, Data: Buffer.from('x') })),
      'ValidationException',
      one('partitionKey', `'${long}'`, 'Member must have length less than or equal to 256'),
    );
    await expectAwsError(
      k.send(new PutRecordCommand({ StreamName: 'v', PartitionKey: '', Data: Buffer.from('x') })),
      'ValidationException',
      one('partitionKey', "''", 'Member must have length greater than or equal to 1'),
    );
    await expectAwsError(
      k.send(
        new PutRecordsCommand({
          StreamName: 'v',
          Records: [
            { PartitionKey: 'ok', Data: Buffer.from('x') },
            { PartitionKey: long, Data: Buffer.from('x') },
          ],
        }),
      ),
      'ValidationException',
      one('records.2.member.partitionKey', `'${long}'`, 'Member must have length less than or equal to 256'),
    );
  });

  it('record size: data at most 1 MiB, data plus partition key at most 1 MiB', async () => {
    await k.send(new PutRecordCommand({ StreamName: 'v', PartitionKey: 'k', Data: Buffer.alloc(MiB - 1) }));
    await expectAwsError(
      k.send(new PutRecordCommand({ StreamName: 'v', PartitionKey: 'k', Data: Buffer.alloc(MiB + 1) })),
      'ValidationException',
      one(
        'data',
        `'java.nio.HeapByteBuffer[pos=0 lim=${MiB + 1} cap=${MiB + 1}]'`,
        'Member must have length less than or equal to 1048576',
      ),
    );
    await expectAwsError(
      k.send(new PutRecordCommand({ StreamName: 'v', PartitionKey: 'kk', Data: Buffer.alloc(MiB) })),
      'InvalidArgumentException',
      /1048578 bytes/,
    );
    await expectAwsError(
      k.send(
        new PutRecordsCommand({
          StreamName: 'v',
          Records: [{ PartitionKey: 'k', Data: Buffer.alloc(MiB + 1) }],
        }),
      ),
      'ValidationException',
      one(
        'records.1.member.data',
        `'java.nio.HeapByteBuffer[pos=0 lim=${MiB + 1} cap=${MiB + 1}]'`,
        'Member must have length less than or equal to 1048576',
      ),
    );
  });

  it('PutRecords: 1 to 500 entries and at most 5 MiB, and nothing is written when it is refused', async () => {
    const shards = (await k.send(new DescribeStreamCommand({ StreamName: 'v' }))).StreamDescription!.Shards!;
    const counts = async (): Promise<number> => {
      let n = 0;
      for (const s of shards) {
        const it = await k.send(
          new GetShardIteratorCommand({
            StreamName: 'v',
            ShardId: s.ShardId!,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        n += (await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }))).Records!.length;
      }
      return n;
    };
    const before = await counts();
    await expectAwsError(
      k.send(new PutRecordsCommand({ StreamName: 'v', Records: [] })),
      'ValidationException',
      one('records', "'[]'", 'Member must have length greater than or equal to 1'),
    );
    await expectAwsError(
      k.send(
        new PutRecordsCommand({
          StreamName: 'v',
          Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: Buffer.from('x') })),
        }),
      ),
      'ValidationException',
      // AWS quotes all 501 entries; the quote is cut at 4608 characters (an error never echoes a huge input).
      /^1 validation error detected: Value '\[(com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@2, ){79}com\.amazonaws[\w.@]*\.\.\.' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
    );
    await expectAwsError(
      k.send(
        new PutRecordsCommand({
          StreamName: 'v',
          Records: Array.from({ length: 6 }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(MiB - 10) })),
        }),
      ),
      'InvalidArgumentException',
      'Records size exceeds 5 MB limit',
    );
    assert.equal(await counts(), before, 'refused requests wrote nothing');
    const ok = await k.send(
      new PutRecordsCommand({
        StreamName: 'v',
        Records: Array.from({ length: 5 }, () => ({ PartitionKey: 'k', Data: Buffer.alloc(MiB - 10) })),
      }),
    );
    assert.equal(ok.Records!.length, 5);
  });

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

  it('stream names, shard counts and the shard limit', async () => {
    await expectAwsError(
      k.send(new CreateStreamCommand({ StreamName: 'bad name', ShardCount: 1 })),
      'ValidationException',
      one('streamName', "'bad name'", 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'),
    );
    await expectAwsError(
      k.send(new CreateStreamCommand({ StreamName: 'x'.repeat(129), ShardCount: 0 })),
      'ValidationException',
      // Kinesis lists failures by member name (AWS's recorded CreateStream answer: shardCount before streamName).
      "2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        `Value '${'x'.repeat(129)}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
    await expectAwsError(
      k.send(new CreateStreamCommand({ StreamName: 'huge', ShardCount: 600 })),
      'LimitExceededException',
      /^This request would exceed the shard limit for the account 000000000000 in us-east-1\. Current shard count for the account: \d+\. Limit: 500\. Number of additional shards that would have resulted from this request: 600\./,
    );
    await expectAwsError(
      k.send(
        new CreateStreamCommand({
          StreamName: 'mode',
          StreamModeDetails: { StreamMode: 'SOMETIMES' as 'ON_DEMAND' },
        }),
      ),
      'ValidationException',
      one(
        'streamModeDetails.streamMode',
        "'SOMETIMES'",
        'Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]',
      ),
    );
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamName: 'v', Limit: 0 })),
      'ValidationException',
      one('limit', "'0'", 'Member must have value greater than or equal to 1'),
    );
    await expectAwsError(
      k.send(new ListStreamsCommand({ Limit: 10001 })),
      'ValidationException',
      one('limit', "'10001'", 'Member must have value less than or equal to 10000'),
    );
    await expectAwsError(
      k.send(new DescribeStreamCommand({ StreamARN: 'arn:aws:sqs:us-east-1:000000000000:queue' })),
      'ValidationException',
      one(
        'streamARN',
        "'arn:aws:sqs:us-east-1:000000000000:queue'",
        'Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+',
      ),
    );
  });

  it('tags: 1-128 character keys, 0-256 character values, AWS characters, 50 keys per removal, Limit 1-50', async () => {
    const longKey = 'k'.repeat(129);
    await expectAwsError(
      k.send(new AddTagsToStreamCommand({ StreamName: 'v', Tags: { [longKey]: 'v' } })),
      'ValidationException',
      one(
        'tags',
        `'{${longKey}=v}'`,
        'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
      ),
    );
    const longValue = 'v'.repeat(257);
    await expectAwsError(
      k.send(new AddTagsToStreamCommand({ StreamName: 'v', Tags: { a: longValue } })),
      'ValidationException',
      one(
        'tags',
        `'{a=${longValue}}'`,
        'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]',
      ),
    );
    await k.send(
      new AddTagsToStreamCommand({
        StreamName: 'v',
        Tags: { ['k'.repeat(128)]: 'v'.repeat(256), 'ünï cödé_./=+-@:': 'ok' },
      }),
    );
    await expectAwsError(
      k.send(new AddTagsToStreamCommand({ StreamName: 'v', Tags: { 'semi;colon': 'x' } })),
      'InvalidArgumentException',
      // AddTagsToStream's words name no ':' (though it accepts one), RemoveTagsFromStream's do: AWS's recorded answers.
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
    );
    await expectAwsError(
      k.send(new AddTagsToStreamCommand({ StreamName: 'v', Tags: { pct: '50%' } })),
      'InvalidArgumentException',
      /because some tags contained illegal characters/,
    );
    await expectAwsError(
      k.send(new AddTagsToStreamCommand({ StreamName: 'v', Tags: {} })),
      'ValidationException',
      one('tags', "'{}'", 'Member must have length greater than or equal to 1'),
    );
    const tooMany: Record<string, string> = {};
    for (let i = 0; i < 201; i++) tooMany[`t${i}`] = '';
    await expectAwsError(
      k.send(new AddTagsToStreamCommand({ StreamName: 'v', Tags: tooMany })),
      'ValidationException',
      /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200$/,
    );
    await expectAwsError(
      k.send(
        new RemoveTagsFromStreamCommand({
          StreamName: 'v',
          TagKeys: Array.from({ length: 51 }, (_, i) => `t${i}`),
        }),
      ),
      'ValidationException',
      /at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50$/,
    );
    await expectAwsError(
      k.send(new ListTagsForStreamCommand({ StreamName: 'v', Limit: 51 })),
      'ValidationException',
      one('limit', "'51'", 'Member must have value less than or equal to 50'),
    );
    assert.equal((await k.send(new ListTagsForStreamCommand({ StreamName: 'v' }))).Tags!.length, 2);
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
