import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  expectAwsError,
  withKinesisStream,
  oneValidationError as one,
  wideString,
} from './kinesis-fixtures.js';

/**
 * Input limits of records, streams and tags: sizes, counts, names, characters. Where a record lands and how a reader
 * names a position (iterators, sequence numbers, hash keys, ListShards tokens) is in kinesis-position-validation.
 */

const MiB = 1024 * 1024;

describe('Kinesis input limits and errors', () => {
  let k: KinesisClient;
  withKinesisStream('v', 2, (c) => (k = c));

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
});
