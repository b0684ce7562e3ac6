import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { transports, withKinesisServer } from '../harness/helpers.js';
import { createStream, expectAwsError } from './kinesis-fixtures.js';

const ACCOUNT = '000000000000';
const arnOf = (name: string): string => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

for (const transport of transports) {
  describe(`Kinesis stream operations over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => {
      k = client;
    });

    it('creates PROVISIONED streams with ShardCount and ON_DEMAND streams with 4 shards, and refuses a second one of the same name', async () => {
      await k.send(new CreateStreamCommand({ StreamName: 'prov', ShardCount: 3 }));
      await k.send(
        new CreateStreamCommand({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      );
      await k.send(new CreateStreamCommand({ StreamName: 'dflt' }));
      const prov = (await k.send(new DescribeStreamCommand({ StreamName: 'prov' }))).StreamDescription!;
      assert.equal(prov.StreamModeDetails?.StreamMode, 'PROVISIONED');
      assert.equal(prov.Shards!.length, 3);
      assert.equal(prov.StreamARN, arnOf('prov'));
      assert.equal(prov.StreamStatus, 'ACTIVE');
      assert.equal(prov.RetentionPeriodHours, 24);
      assert.equal(prov.EncryptionType, 'NONE');
      assert.ok(prov.StreamCreationTimestamp instanceof Date);
      assert.ok(Math.abs(prov.StreamCreationTimestamp.getTime() - Date.now()) < 60_000);
      for (const name of ['od', 'dflt']) {
        const d = (await k.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription!;
        assert.equal(d.StreamModeDetails?.StreamMode, 'ON_DEMAND', name);
        assert.equal(d.Shards!.length, 4, name);
      }
      await expectAwsError(
        k.send(new CreateStreamCommand({ StreamName: 'prov', ShardCount: 1 })),
        'ResourceInUseException',
        `Stream prov under account ${ACCOUNT} already exists.`,
      );
      const limits = await k.send(new DescribeLimitsCommand({}));
      assert.equal(limits.ShardLimit, 500);
      assert.equal(limits.OpenShardCount, 11);
      assert.equal(limits.OnDemandStreamCount, 2);
      assert.equal(limits.OnDemandStreamCountLimit, 50);
      for (const name of ['prov', 'od', 'dflt']) await k.send(new DeleteStreamCommand({ StreamName: name }));
      assert.equal((await k.send(new DescribeLimitsCommand({}))).OpenShardCount, 0);
    });

    it('pages DescribeStream shards with Limit and ExclusiveStartShardId', async () => {
      await createStream(k, 'many', 7);
      const first = (await k.send(new DescribeStreamCommand({ StreamName: 'many', Limit: 3 })))
        .StreamDescription!;
      assert.deepEqual(
        first.Shards!.map((s) => s.ShardId),
        ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002'],
      );
      assert.equal(first.HasMoreShards, true);
      const rest = (
        await k.send(
          new DescribeStreamCommand({ StreamName: 'many', ExclusiveStartShardId: 'shardId-000000000002' }),
        )
      ).StreamDescription!;
      assert.equal(rest.Shards!.length, 4);
      assert.equal(rest.Shards![0]!.ShardId, 'shardId-000000000003');
      assert.equal(rest.HasMoreShards, false);
      const summary = (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'many' })))
        .StreamDescriptionSummary!;
      assert.equal(summary.OpenShardCount, 7);
      assert.equal(summary.ConsumerCount, 0);
      assert.equal(summary.StreamStatus, 'ACTIVE');
      assert.equal(summary.StreamARN, arnOf('many'));
      assert.equal(summary.RetentionPeriodHours, 24);
      assert.equal(summary.StreamModeDetails?.StreamMode, 'PROVISIONED');
      assert.deepEqual(summary.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
      await k.send(new DeleteStreamCommand({ StreamName: 'many' }));
    });

    it('pages ListShards with MaxResults and NextToken, and filters with ShardFilter', async () => {
      await createStream(k, 'ls', 5);
      const page1 = await k.send(new ListShardsCommand({ StreamName: 'ls', MaxResults: 2 }));
      assert.deepEqual(
        page1.Shards!.map((s) => s.ShardId),
        ['shardId-000000000000', 'shardId-000000000001'],
      );
      assert.ok(page1.NextToken);
      const page2 = await k.send(new ListShardsCommand({ NextToken: page1.NextToken, MaxResults: 2 }));
      assert.deepEqual(
        page2.Shards!.map((s) => s.ShardId),
        ['shardId-000000000002', 'shardId-000000000003'],
      );
      const page3 = await k.send(new ListShardsCommand({ NextToken: page2.NextToken }));
      assert.deepEqual(
        page3.Shards!.map((s) => s.ShardId),
        ['shardId-000000000004'],
      );
      assert.equal(page3.NextToken, undefined);
      await expectAwsError(
        k.send(new ListShardsCommand({ StreamName: 'ls', NextToken: page1.NextToken })),
        'InvalidArgumentException',
        'NextToken and StreamName cannot be provided together.',
      );
      const afterTwo = await k.send(
        new ListShardsCommand({
          StreamName: 'ls',
          ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000002' },
        }),
      );
      assert.deepEqual(
        afterTwo.Shards!.map((s) => s.ShardId),
        ['shardId-000000000003', 'shardId-000000000004'],
      );
      const exclusive = await k.send(
        new ListShardsCommand({ StreamName: 'ls', ExclusiveStartShardId: 'shardId-000000000003' }),
      );
      assert.deepEqual(
        exclusive.Shards!.map((s) => s.ShardId),
        ['shardId-000000000004'],
      );
      // After a split, AT_LATEST lists the open shards and AT_TRIM_HORIZON the ones open at the horizon.
      await k.send(
        new SplitShardCommand({
          StreamName: 'ls',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: '1000',
        }),
      );
      const latest = await k.send(
        new ListShardsCommand({ StreamName: 'ls', ShardFilter: { Type: 'AT_LATEST' } }),
      );
      assert.deepEqual(
        latest.Shards!.map((s) => s.ShardId),
        [
          'shardId-000000000001',
          'shardId-000000000002',
          'shardId-000000000003',
          'shardId-000000000004',
          'shardId-000000000005',
          'shardId-000000000006',
        ],
      );
      const horizon = await k.send(
        new ListShardsCommand({ StreamName: 'ls', ShardFilter: { Type: 'AT_TRIM_HORIZON' } }),
      );
      assert.equal(horizon.Shards!.length, 5);
      assert.ok(horizon.Shards!.some((s) => s.ShardId === 'shardId-000000000000'));
      const all = await k.send(
        new ListShardsCommand({ StreamName: 'ls', ShardFilter: { Type: 'FROM_TRIM_HORIZON' } }),
      );
      assert.equal(all.Shards!.length, 7);
      const fromNow = await k.send(
        new ListShardsCommand({
          StreamName: 'ls',
          ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: new Date(Date.now() + 1000) },
        }),
      );
      assert.equal(fromNow.Shards!.length, 6, 'the closed parent closed before that time');
      await k.send(new DeleteStreamCommand({ StreamName: 'ls' }));
    });

    it('lists streams in name order with Limit, ExclusiveStartStreamName, NextToken, HasMoreStreams and StreamSummaries', async () => {
      for (const n of ['ls-c', 'ls-a', 'ls-e', 'ls-b', 'ls-d']) await createStream(k, n, 1);
      const all = await k.send(new ListStreamsCommand({}));
      assert.deepEqual(all.StreamNames, ['ls-a', 'ls-b', 'ls-c', 'ls-d', 'ls-e']);
      assert.equal(all.HasMoreStreams, false);
      assert.equal(all.NextToken, undefined);
      assert.deepEqual(
        all.StreamSummaries!.map((s) => [
          s.StreamName,
          s.StreamARN,
          s.StreamStatus,
          s.StreamModeDetails?.StreamMode,
        ]),
        ['ls-a', 'ls-b', 'ls-c', 'ls-d', 'ls-e'].map((n) => [n, arnOf(n), 'ACTIVE', 'PROVISIONED']),
      );
      assert.ok(all.StreamSummaries![0]!.StreamCreationTimestamp instanceof Date);
      const p1 = await k.send(new ListStreamsCommand({ Limit: 2 }));
      assert.deepEqual(p1.StreamNames, ['ls-a', 'ls-b']);
      assert.equal(p1.HasMoreStreams, true);
      const p2 = await k.send(new ListStreamsCommand({ Limit: 2, NextToken: p1.NextToken }));
      assert.deepEqual(p2.StreamNames, ['ls-c', 'ls-d']);
      const p3 = await k.send(new ListStreamsCommand({ Limit: 2, ExclusiveStartStreamName: 'ls-d' }));
      assert.deepEqual(p3.StreamNames, ['ls-e']);
      assert.equal(p3.HasMoreStreams, false);
      await expectAwsError(
        k.send(new ListStreamsCommand({ NextToken: 'bm90IGEgdG9rZW4=' })),
        'InvalidArgumentException',
      );
      for (const n of ['ls-a', 'ls-b', 'ls-c', 'ls-d', 'ls-e'])
        await k.send(new DeleteStreamCommand({ StreamName: n }));
      assert.deepEqual((await k.send(new ListStreamsCommand({}))).StreamNames, []);
    });

    it('deletes a stream (EnforceConsumerDeletion accepted): afterwards every operation answers ResourceNotFoundException', async () => {
      const [shard] = await createStream(k, 'doomed', 1);
      await k.send(new PutRecordCommand({ StreamName: 'doomed', PartitionKey: 'p', Data: Buffer.from('x') }));
      await k.send(new DeleteStreamCommand({ StreamName: 'doomed', EnforceConsumerDeletion: true }));
      const notFound = `Stream doomed under account ${ACCOUNT} not found.`;
      await expectAwsError(
        k.send(new DescribeStreamCommand({ StreamName: 'doomed' })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new DescribeStreamSummaryCommand({ StreamName: 'doomed' })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new PutRecordCommand({ StreamName: 'doomed', PartitionKey: 'p', Data: Buffer.from('x') })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(new DeleteStreamCommand({ StreamName: 'doomed' })),
        'ResourceNotFoundException',
        notFound,
      );
      await expectAwsError(
        k.send(
          new GetShardIteratorCommand({
            StreamName: 'doomed',
            ShardId: shard!.ShardId!,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        ),
        'ResourceNotFoundException',
        `Shard shardId-000000000000 in stream doomed under account ${ACCOUNT} does not exist`,
      );
      // A re-created stream of the same name starts empty.
      const [again] = await createStream(k, 'doomed', 1);
      const it = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'doomed',
          ShardId: again!.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      assert.deepEqual(
        (await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }))).Records,
        [],
      );
      await k.send(new DeleteStreamCommand({ StreamName: 'doomed' }));
    });

    it('changes the retention period within 24..8760 hours, each way only in its direction', async () => {
      await createStream(k, 'ret', 1);
      const hours = async (): Promise<number> =>
        (await k.send(new DescribeStreamSummaryCommand({ StreamName: 'ret' }))).StreamDescriptionSummary!
          .RetentionPeriodHours!;
      await k.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 8760 }),
      );
      assert.equal(await hours(), 8760);
      await k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 48 }));
      assert.equal(await hours(), 48);
      await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 48 }));
      await expectAwsError(
        k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 8761 })),
        'InvalidArgumentException',
        'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.',
      );
      await expectAwsError(
        k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 23 })),
        'InvalidArgumentException',
        'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.',
      );
      await expectAwsError(
        k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 24 })),
        'InvalidArgumentException',
        'Requested retention period (24 hours) for stream ret can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.',
      );
      await expectAwsError(
        k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 'ret', RetentionPeriodHours: 72 })),
        'InvalidArgumentException',
        'Requested retention period (72 hours) for stream ret can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.',
      );
      assert.equal(await hours(), 48);
      await expectAwsError(
        k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'nope', RetentionPeriodHours: 48 })),
        'ResourceNotFoundException',
        `Stream nope under account ${ACCOUNT} not found.`,
      );
      await k.send(new DeleteStreamCommand({ StreamName: 'ret' }));
    });

    it('adds, overwrites, lists (paged) and removes tags, at most 50 per stream', async () => {
      await k.send(new CreateStreamCommand({ StreamName: 'tagged', ShardCount: 1, Tags: { team: 'data' } }));
      await k.send(
        new AddTagsToStreamCommand({
          StreamName: 'tagged',
          Tags: { env: 'test', team: 'platform', empty: '' },
        }),
      );
      const all = await k.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }));
      assert.deepEqual(all.Tags, [
        { Key: 'empty', Value: '' },
        { Key: 'env', Value: 'test' },
        { Key: 'team', Value: 'platform' },
      ]);
      assert.equal(all.HasMoreTags, false);
      const p1 = await k.send(new ListTagsForStreamCommand({ StreamName: 'tagged', Limit: 2 }));
      assert.deepEqual(
        p1.Tags!.map((t) => t.Key),
        ['empty', 'env'],
      );
      assert.equal(p1.HasMoreTags, true);
      const p2 = await k.send(
        new ListTagsForStreamCommand({ StreamName: 'tagged', Limit: 2, ExclusiveStartTagKey: 'env' }),
      );
      assert.deepEqual(
        p2.Tags!.map((t) => t.Key),
        ['team'],
      );
      assert.equal(p2.HasMoreTags, false);
      await k.send(
        new RemoveTagsFromStreamCommand({ StreamName: 'tagged', TagKeys: ['empty', 'not-there'] }),
      );
      assert.deepEqual(
        (await k.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }))).Tags!.map((t) => t.Key),
        ['env', 'team'],
      );
      const more: Record<string, string> = {};
      for (let i = 0; i < 48; i++) more[`k${String(i).padStart(2, '0')}`] = `v${i}`;
      await k.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: more }));
      const fifty = await k.send(new ListTagsForStreamCommand({ StreamName: 'tagged' }));
      assert.equal(fifty.Tags!.length, 50);
      assert.equal(fifty.HasMoreTags, false);
      await expectAwsError(
        k.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { oneTooMany: 'x' } })),
        'InvalidArgumentException',
        `Failed to add tags to stream tagged under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
      );
      // Overwriting an existing key does not count as a new tag.
      await k.send(new AddTagsToStreamCommand({ StreamName: 'tagged', Tags: { env: 'prod' } }));
      const env = (
        await k.send(
          new ListTagsForStreamCommand({ StreamName: 'tagged', ExclusiveStartTagKey: 'e', Limit: 1 }),
        )
      ).Tags![0];
      assert.deepEqual(env, { Key: 'env', Value: 'prod' });
      await k.send(new DeleteStreamCommand({ StreamName: 'tagged' }));
    });

    it('accepts StreamARN instead of StreamName on every operation that takes a stream', async () => {
      const name = 'by-arn';
      const StreamARN = arnOf(name);
      await createStream(k, name, 2);
      const d = await k.send(new DescribeStreamCommand({ StreamARN }));
      assert.equal(d.StreamDescription!.StreamName, name);
      assert.equal(
        (await k.send(new DescribeStreamSummaryCommand({ StreamARN }))).StreamDescriptionSummary!.StreamName,
        name,
      );
      const shards = (await k.send(new ListShardsCommand({ StreamARN }))).Shards!;
      assert.equal(shards.length, 2);
      const put = await k.send(
        new PutRecordCommand({ StreamARN, PartitionKey: 'p', Data: Buffer.from('one') }),
      );
      await k.send(
        new PutRecordsCommand({ StreamARN, Records: [{ PartitionKey: 'p', Data: Buffer.from('two') }] }),
      );
      const it = await k.send(
        new GetShardIteratorCommand({ StreamARN, ShardId: put.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const got = await k.send(new GetRecordsCommand({ StreamARN, ShardIterator: it.ShardIterator! }));
      assert.deepEqual(
        got.Records!.map((r) => Buffer.from(r.Data!).toString()),
        ['one', 'two'],
      );
      await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamARN, RetentionPeriodHours: 30 }));
      await k.send(new DecreaseStreamRetentionPeriodCommand({ StreamARN, RetentionPeriodHours: 25 }));
      await k.send(new AddTagsToStreamCommand({ StreamARN, Tags: { a: '1', b: '2' } }));
      await k.send(new RemoveTagsFromStreamCommand({ StreamARN, TagKeys: ['a'] }));
      assert.deepEqual((await k.send(new ListTagsForStreamCommand({ StreamARN }))).Tags, [
        { Key: 'b', Value: '2' },
      ]);
      await k.send(
        new SplitShardCommand({
          StreamARN,
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: '1000000',
        }),
      );
      await k.send(
        new MergeShardsCommand({
          StreamARN,
          ShardToMerge: 'shardId-000000000002',
          AdjacentShardToMerge: 'shardId-000000000003',
        }),
      );
      const updated = await k.send(
        new UpdateShardCountCommand({ StreamARN, TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }),
      );
      assert.deepEqual(
        [updated.StreamName, updated.StreamARN, updated.CurrentShardCount, updated.TargetShardCount],
        [name, StreamARN, 2, 4],
      );
      const summary = (await k.send(new DescribeStreamSummaryCommand({ StreamARN })))
        .StreamDescriptionSummary!;
      assert.equal(summary.RetentionPeriodHours, 25);
      assert.equal(summary.OpenShardCount, 4);
      await k.send(new DeleteStreamCommand({ StreamARN }));
      await expectAwsError(
        k.send(new DescribeStreamCommand({ StreamARN })),
        'ResourceNotFoundException',
        `Stream ${name} under account ${ACCOUNT} not found.`,
      );
    });
  });
}
