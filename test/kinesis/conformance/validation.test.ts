import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  GetShardIteratorCommand,
  PutRecordsCommand,
  type KinesisClient,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../../src/app/app.js';
import { kinesisClient, startTestServer, transports, withServer } from '../../harness/helpers.js';
import { expectAwsError } from '../kinesis-fixtures.js';
import { VirtualClock } from '../../harness/virtual-clock.js';
import { call, encodings, expectError, expectViolations } from './conformance-helpers.js';

/**
 * Validation texts, empty answers and lifecycle states as Kinesis answers them (kinesalite's CreateStream,
 * DeleteStream, GetShardIterator, AddTagsToStream and RemoveTagsFromStream tests, recorded against AWS).
 */

const ACCOUNT = '000000000000';
const at = (path: string, value: string, constraint: string): string =>
  `Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`;
const NAME_PATTERN = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+';
const MIN_1 = 'Member must have length greater than or equal to 1';

describe('conformance: validation texts and empty answers', () => {
  let app: App;
  withServer((a) => (app = a));
  before(async () => {
    assert.equal((await call(app, 'CreateStream', { StreamName: 'v', ShardCount: 2 })).status, 200);
  });

  it('lists a string member pattern first, then length, and the members in AWS order', async () => {
    const deleted = await call(app, 'DeleteStream', { StreamName: '' });
    expectError(deleted, {
      type: 'ValidationException',
      text: `2 validation errors detected: ${at('streamName', "''", NAME_PATTERN)}; ${at('streamName', "''", MIN_1)}`,
    });
    const created = await call(app, 'CreateStream', { StreamName: '', ShardCount: 0 });
    expectError(created, {
      type: 'ValidationException',
      text:
        '3 validation errors detected: ' +
        `${at('shardCount', "'0'", 'Member must have value greater than or equal to 1')}; ` +
        `${at('streamName', "''", NAME_PATTERN)}; ${at('streamName', "''", MIN_1)}`,
    });
  });

  it('names the iterator types in AWS order', async () => {
    const a = await call(app, 'GetShardIterator', {
      StreamName: '',
      ShardIteratorType: '',
      ShardId: '',
      StartingSequenceNumber: '',
    });
    expectViolations(a, [
      at('shardId', "''", NAME_PATTERN),
      at('shardId', "''", MIN_1),
      at(
        'shardIteratorType',
        "''",
        'Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]',
      ),
      at(
        'startingSequenceNumber',
        "''",
        'Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})',
      ),
      at('streamName', "''", NAME_PATTERN),
      at('streamName', "''", MIN_1),
    ]);
  });

  for (const encoding of encodings) {
    it(`stops at 10 violations and says "10 validation errors detected" (${encoding})`, async () => {
      const records = Array.from({ length: 12 }, () => ({ Data: '', PartitionKey: '' }));
      const a = await call(app, 'PutRecords', { StreamName: '', Records: records }, encoding);
      const listed = Array.from({ length: 10 }, (_, i) =>
        at(`records.${i + 1}.member.partitionKey`, "''", MIN_1),
      );
      expectError(a, {
        type: 'ValidationException',
        text: `10 validation errors detected: ${listed.join('; ')}`,
      });
    });
  }

  for (const transport of transports) {
    it(`gives the SDK the same texts (${transport})`, async () => {
      const k: KinesisClient = kinesisClient(app, transport);
      try {
        const records = Array.from({ length: 12 }, () => ({ Data: Buffer.alloc(0), PartitionKey: '' }));
        await expectAwsError(
          k.send(new PutRecordsCommand({ StreamName: 'v', Records: records })),
          'ValidationException',
          /^10 validation errors detected: (Value '' at 'records\.\d+\.member\.partitionKey' [^;]+(; |$)){10}$/,
        );
        await expectAwsError(
          k.send(
            new GetShardIteratorCommand({
              StreamName: 'v',
              ShardId: 'shard-0',
              ShardIteratorType: 'NEWEST' as ShardIteratorType,
            }),
          ),
          'ValidationException',
          "1 validation error detected: Value 'NEWEST' at 'shardIteratorType' failed to satisfy constraint: " +
            'Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]',
        );
      } finally {
        k.destroy();
      }
    });
  }

  it('answers operations without output with an empty body', async () => {
    const ops: Array<[string, Record<string, unknown>]> = [
      ['CreateStream', { StreamName: 'quiet', ShardCount: 2 }],
      ['AddTagsToStream', { StreamName: 'quiet', Tags: { a: 'b' } }],
      ['RemoveTagsFromStream', { StreamName: 'quiet', TagKeys: ['a'] }],
      ['IncreaseStreamRetentionPeriod', { StreamName: 'quiet', RetentionPeriodHours: 48 }],
      ['DecreaseStreamRetentionPeriod', { StreamName: 'quiet', RetentionPeriodHours: 24 }],
      ['SplitShard', { StreamName: 'quiet', ShardToSplit: 'shard-0', NewStartingHashKey: '1000' }],
      ['MergeShards', { StreamName: 'quiet', ShardToMerge: 'shard-2', AdjacentShardToMerge: 'shard-3' }],
      ['DeleteStream', { StreamName: 'quiet' }],
    ];
    for (const [op, input] of ops) {
      const a = await call(app, op, input);
      assert.equal(a.status, 200, `${op}: ${a.raw.toString()}`);
      assert.equal(a.raw.length, 0, op);
      assert.equal(a.headers['content-type'], 'application/x-amz-json-1.1', op);
    }
  });

  it('words tag characters as each operation does', async () => {
    const invalid = (colon: boolean): string =>
      `Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @${colon ? ' :' : ''}.`;
    const illegal = (verb: string, colon: boolean): string =>
      `Failed to ${verb} stream v under account ${ACCOUNT} because some tags contained illegal characters. ` +
      `The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'${colon ? ",':'" : ''}.`;
    for (const tags of [{ 'abc;def': '1' }, { 'abc\tdef': '1' }, { a: 'abc,def' }]) {
      const a = await call(app, 'AddTagsToStream', { StreamName: 'v', Tags: tags });
      expectError(a, { type: 'InvalidArgumentException', text: invalid(false) }, JSON.stringify(tags));
    }
    expectError(await call(app, 'AddTagsToStream', { StreamName: 'v', Tags: { 'abc%def': '1' } }), {
      type: 'InvalidArgumentException',
      text: illegal('add tags to', false),
    });
    expectError(await call(app, 'RemoveTagsFromStream', { StreamName: 'v', TagKeys: ['abc;def'] }), {
      type: 'InvalidArgumentException',
      text: invalid(true),
    });
    expectError(await call(app, 'RemoveTagsFromStream', { StreamName: 'v', TagKeys: ['abc%def'] }), {
      type: 'InvalidArgumentException',
      text: illegal('remove tags from', true),
    });
    // ':' is accepted by both, whatever AddTagsToStream's words say.
    assert.equal(
      (await call(app, 'AddTagsToStream', { StreamName: 'v', Tags: { '/=+-@:': 'a' } })).status,
      200,
    );
    assert.equal(
      (await call(app, 'RemoveTagsFromStream', { StreamName: 'v', TagKeys: ['/=+-@:'] })).status,
      200,
    );
  });
});

describe('conformance: RegisterStreamConsumer tags', () => {
  let app: App;
  withServer((a) => (app = a));

  // Its Tags are the model's TagMap, as CreateStream's and AddTagsToStream's: keys of 1-128 characters and
  // values of at most 256, worded as for a stream's tags.
  for (const encoding of encodings) {
    it(`bounds keys and values as a stream's tags (${encoding})`, async () => {
      const value = 'v'.repeat(257);
      const tags = { '': value };
      const shown = `'{=${value}}'`;
      const a = await call(
        app,
        'RegisterStreamConsumer',
        { StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/none`, ConsumerName: 'c', Tags: tags },
        encoding,
      );
      expectViolations(a, [
        at(
          'tags',
          shown,
          'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
        ),
        at(
          'tags',
          shown,
          'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]',
        ),
      ]);
    });
  }
});

describe('conformance: a stream while CREATING', () => {
  let app: App;
  before(async () => {
    // The transition delay runs on a virtual clock that never moves: the stream stays CREATING.
    app = await startTestServer({
      transitionDelayMs: 60_000,
      testHooks: { kinesisClock: new VirtualClock(Date.now()) },
    });
  });
  after(async () => {
    await app.close();
  });

  it('lists no shards, and can be deleted: DELETING, still no shards', async () => {
    assert.equal((await call(app, 'CreateStream', { StreamName: 'young', ShardCount: 3 })).status, 200);
    const describe = async (): Promise<Record<string, unknown>> =>
      (await call(app, 'DescribeStream', { StreamName: 'young' })).body!['StreamDescription'] as Record<
        string,
        unknown
      >;
    const creating = await describe();
    assert.deepEqual(
      [creating['StreamStatus'], creating['Shards'], creating['HasMoreShards']],
      ['CREATING', [], false],
    );
    const deleted = await call(app, 'DeleteStream', { StreamName: 'young' });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.raw.length, 0);
    const deleting = await describe();
    assert.deepEqual(
      [deleting['StreamStatus'], deleting['Shards'], deleting['HasMoreShards']],
      ['DELETING', [], false],
    );
  });
});
