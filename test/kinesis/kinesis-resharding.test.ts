import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type GetRecordsCommandOutput,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { transports, withKinesisServer } from '../harness/helpers.js';
import { createStream, expectAwsError } from './kinesis-fixtures.js';
import { hooks } from '../harness/hooks.js';

const ACCOUNT = '000000000000';
const MAX = (1n << 128n) - 1n;
const HALF = 1n << 127n;

async function shards(k: KinesisClient, stream: string): Promise<Map<string, Shard>> {
  const list = (await k.send(new ListShardsCommand({ StreamName: stream }))).Shards!;
  return new Map(list.map((s) => [s.ShardId!, s]));
}

/** Reads a shard from TRIM_HORIZON until NextShardIterator is null (closed) or a page comes back empty (open). */
async function readShard(
  k: KinesisClient,
  stream: string,
  shardId: string,
): Promise<{ data: string[]; last: GetRecordsCommandOutput }> {
  let it = (
    await k.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
  ).ShardIterator;
  const data: string[] = [];
  for (;;) {
    const r = await k.send(new GetRecordsCommand({ ShardIterator: it!, Limit: 2 }));
    data.push(...r.Records!.map((x) => Buffer.from(x.Data!).toString()));
    if (!r.NextShardIterator || r.Records!.length === 0) return { data, last: r };
    it = r.NextShardIterator;
  }
}

async function put(k: KinesisClient, stream: string, hashKey: bigint, data: string): Promise<string> {
  const r = await k.send(
    new PutRecordCommand({
      StreamName: stream,
      PartitionKey: 'pk',
      ExplicitHashKey: hashKey.toString(),
      Data: Buffer.from(data),
    }),
  );
  return r.ShardId!;
}

for (const transport of transports) {
  describe(`resharding over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let app: App;
    let k: KinesisClient;
    withKinesisServer(transport, (a, client) => ((app = a), (k = client)));

    it('SplitShard closes the parent at its last record; new records go to the children; the parent is read to its end, then the children', async () => {
      await createStream(k, 'split', 1);
      assert.equal(await put(k, 'split', 5n, 'p1'), 'shardId-000000000000');
      await put(k, 'split', MAX, 'p2');
      await k.send(
        new SplitShardCommand({
          StreamName: 'split',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: HALF.toString(),
        }),
      );
      const s = await shards(k, 'split');
      const parent = s.get('shardId-000000000000')!;
      const [left, right] = [s.get('shardId-000000000001')!, s.get('shardId-000000000002')!];
      assert.ok(parent.SequenceNumberRange!.EndingSequenceNumber, 'the parent is closed');
      assert.ok(
        BigInt(parent.SequenceNumberRange!.EndingSequenceNumber!) >=
          BigInt(parent.SequenceNumberRange!.StartingSequenceNumber!),
      );
      assert.deepEqual(
        [left.ParentShardId, right.ParentShardId],
        ['shardId-000000000000', 'shardId-000000000000'],
      );
      assert.equal(left.AdjacentParentShardId, undefined);
      assert.deepEqual(left.HashKeyRange, { StartingHashKey: '0', EndingHashKey: (HALF - 1n).toString() });
      assert.deepEqual(right.HashKeyRange, {
        StartingHashKey: HALF.toString(),
        EndingHashKey: MAX.toString(),
      });
      assert.equal(left.SequenceNumberRange!.EndingSequenceNumber, undefined);
      assert.equal(await put(k, 'split', 5n, 'c-left'), 'shardId-000000000001');
      assert.equal(await put(k, 'split', MAX, 'c-right'), 'shardId-000000000002');
      const p = await readShard(k, 'split', 'shardId-000000000000');
      assert.deepEqual(p.data, ['p1', 'p2']);
      assert.equal(p.last.NextShardIterator, undefined, 'no next iterator at the end of a closed shard');
      assert.equal(p.last.MillisBehindLatest, 0);
      assert.deepEqual(
        p.last.ChildShards!.map((c) => [c.ShardId, c.ParentShards, c.HashKeyRange?.StartingHashKey]),
        [
          ['shardId-000000000001', ['shardId-000000000000'], '0'],
          ['shardId-000000000002', ['shardId-000000000000'], HALF.toString()],
        ],
      );
      assert.deepEqual((await readShard(k, 'split', 'shardId-000000000001')).data, ['c-left']);
      assert.deepEqual((await readShard(k, 'split', 'shardId-000000000002')).data, ['c-right']);
      // The closed parent's EndingSequenceNumber is its last record's sequence number.
      const it = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'split',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const recs = (await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }))).Records!;
      assert.equal(recs[recs.length - 1]!.SequenceNumber, parent.SequenceNumberRange!.EndingSequenceNumber);
      // LATEST on a closed shard is already at its end.
      const latest = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'split',
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'LATEST',
        }),
      );
      const end = await k.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator! }));
      assert.equal(end.NextShardIterator, undefined);
      assert.equal(end.ChildShards!.length, 2);
    });

    it('MergeShards closes both parents; the child has ParentShardId and AdjacentParentShardId and takes both ranges', async () => {
      await createStream(k, 'merge', 2);
      await put(k, 'merge', 1n, 'a');
      await put(k, 'merge', MAX, 'b');
      await k.send(
        new MergeShardsCommand({
          StreamName: 'merge',
          // In hash key order: AWS refuses the pair the other way round (test/kinesis/conformance/shards.test.ts).
          ShardToMerge: 'shardId-000000000000',
          AdjacentShardToMerge: 'shardId-000000000001',
        }),
      );
      const s = await shards(k, 'merge');
      const child = s.get('shardId-000000000002')!;
      assert.equal(child.ParentShardId, 'shardId-000000000000');
      assert.equal(child.AdjacentParentShardId, 'shardId-000000000001');
      assert.deepEqual(child.HashKeyRange, { StartingHashKey: '0', EndingHashKey: MAX.toString() });
      for (const id of ['shardId-000000000000', 'shardId-000000000001'])
        assert.ok(s.get(id)!.SequenceNumberRange!.EndingSequenceNumber, `${id} closed`);
      assert.equal(await put(k, 'merge', 1n, 'c'), 'shardId-000000000002');
      assert.equal(await put(k, 'merge', MAX, 'd'), 'shardId-000000000002');
      for (const [id, data] of [
        ['shardId-000000000000', ['a']],
        ['shardId-000000000001', ['b']],
      ] as const) {
        const r = await readShard(k, 'merge', id);
        assert.deepEqual(r.data, data);
        assert.deepEqual(
          r.last.ChildShards!.map((c) => [c.ShardId, c.ParentShards]),
          [['shardId-000000000002', ['shardId-000000000000', 'shardId-000000000001']]],
        );
      }
      assert.deepEqual((await readShard(k, 'merge', 'shardId-000000000002')).data, ['c', 'd']);
    });

    it('UpdateShardCount (UNIFORM_SCALING) scales up and down within double/half, with even ranges and every parent reported', async () => {
      await createStream(k, 'scale', 2);
      const up = await k.send(
        new UpdateShardCountCommand({
          StreamName: 'scale',
          TargetShardCount: 4,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      assert.equal(up.CurrentShardCount, 2);
      assert.equal(up.TargetShardCount, 4);
      const open = (
        await k.send(new ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'AT_LATEST' } }))
      ).Shards!;
      assert.equal(open.length, 4);
      assert.equal(open[0]!.HashKeyRange!.StartingHashKey, '0');
      assert.equal(open[3]!.HashKeyRange!.EndingHashKey, MAX.toString());
      for (let i = 1; i < 4; i++)
        assert.equal(
          BigInt(open[i]!.HashKeyRange!.StartingHashKey!),
          BigInt(open[i - 1]!.HashKeyRange!.EndingHashKey!) + 1n,
        );
      assert.ok(open.every((s) => s.ParentShardId !== undefined));
      const down = await k.send(
        new UpdateShardCountCommand({
          StreamName: 'scale',
          TargetShardCount: 3,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      assert.equal(down.CurrentShardCount, 4);
      const now = (
        await k.send(new ListShardsCommand({ StreamName: 'scale', ShardFilter: { Type: 'AT_LATEST' } }))
      ).Shards!;
      assert.equal(now.length, 3);
      // The middle third overlaps the middle two quarters: ChildShards of each of them names it with both parents.
      const mid = now[1]!;
      const r = await readShard(k, 'scale', open[1]!.ShardId!);
      const childOfQuarter = r.last.ChildShards!.find((c) => c.ShardId === mid.ShardId)!;
      assert.deepEqual(childOfQuarter.ParentShards, [open[1]!.ShardId, open[2]!.ShardId]);
      await expectAwsError(
        k.send(
          new UpdateShardCountCommand({
            StreamName: 'scale',
            TargetShardCount: 7,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
        'LimitExceededException',
        'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 3, Target shard count: 7',
      );
      await expectAwsError(
        k.send(
          new UpdateShardCountCommand({
            StreamName: 'scale',
            TargetShardCount: 1,
            ScalingType: 'UNIFORM_SCALING',
          }),
        ),
        'LimitExceededException',
        'UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 3, Target shard count: 1',
      );
    });

    it('drops a closed shard once it was closed longer ago than the retention period', async () => {
      await createStream(k, 'expire', 1);
      await put(k, 'expire', 5n, 'old');
      await k.send(
        new SplitShardCommand({
          StreamName: 'expire',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: HALF.toString(),
        }),
      );
      await put(k, 'expire', 5n, 'new');
      await hooks(app).streams.trimExpired(Date.now() + 23 * 3_600_000);
      assert.equal((await shards(k, 'expire')).size, 3, 'kept within retention');
      await hooks(app).streams.trimExpired(Date.now() + 25 * 3_600_000);
      const left = await shards(k, 'expire');
      assert.deepEqual([...left.keys()], ['shardId-000000000001', 'shardId-000000000002']);
      assert.equal(
        left.get('shardId-000000000001')!.ParentShardId,
        'shardId-000000000000',
        'children still name their parent',
      );
      await expectAwsError(
        k.send(
          new GetShardIteratorCommand({
            StreamName: 'expire',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        ),
        'ResourceNotFoundException',
      );
      // The children's records expired too; the stream goes on.
      assert.deepEqual((await readShard(k, 'expire', 'shardId-000000000001')).data, []);
      assert.equal(await put(k, 'expire', 5n, 'newer'), 'shardId-000000000001');
    });

    it('refuses resharding that AWS refuses, with its errors', async () => {
      await createStream(k, 'bad', 2);
      await expectAwsError(
        k.send(
          new SplitShardCommand({
            StreamName: 'bad',
            ShardToSplit: 'shardId-000000000009',
            NewStartingHashKey: '5',
          }),
        ),
        'ResourceNotFoundException',
        `Could not find shard shardId-000000000009 in stream bad under account ${ACCOUNT}.`,
      );
      await expectAwsError(
        k.send(
          new SplitShardCommand({
            StreamName: 'bad',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: '1',
          }),
        ),
        'InvalidArgumentException',
        `NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream bad under account ${ACCOUNT} is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey ${HALF - 1n}.`,
      );
      await expectAwsError(
        k.send(
          new SplitShardCommand({
            StreamName: 'bad',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: 'x1',
          }),
        ),
        'ValidationException',
        "1 validation error detected: Value 'x1' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
      );
      await expectAwsError(
        k.send(
          new MergeShardsCommand({
            StreamName: 'bad',
            ShardToMerge: 'shardId-000000000000',
            AdjacentShardToMerge: 'shardId-000000000000',
          }),
        ),
        'InvalidArgumentException',
        `Shards shardId-000000000000 and shardId-000000000000 in stream bad under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`,
      );
      await k.send(
        new SplitShardCommand({
          StreamName: 'bad',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: '1000',
        }),
      );
      await expectAwsError(
        k.send(
          new SplitShardCommand({
            StreamName: 'bad',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: '100',
          }),
        ),
        'InvalidArgumentException',
        `Shard shardId-000000000000 in stream bad under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
      // The split made shardId-000000000002 = [0, 999] and shardId-000000000003 = [1000, 2^127-1]: 2 and 1 do not touch.
      await expectAwsError(
        k.send(
          new MergeShardsCommand({
            StreamName: 'bad',
            ShardToMerge: 'shardId-000000000002',
            AdjacentShardToMerge: 'shardId-000000000001',
          }),
        ),
        'InvalidArgumentException',
        /are not an adjacent pair of shards eligible for merging$/,
      );
      await expectAwsError(
        k.send(
          new UpdateShardCountCommand({
            StreamName: 'bad',
            TargetShardCount: 4,
            ScalingType: 'NOT_A_TYPE' as 'UNIFORM_SCALING',
          }),
        ),
        'ValidationException',
        "1 validation error detected: Value 'NOT_A_TYPE' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]",
      );
      await k.send(
        new CreateStreamCommand({ StreamName: 'od', StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      );
      await expectAwsError(
        k.send(
          new SplitShardCommand({
            StreamName: 'od',
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: '1000',
          }),
        ),
        'ValidationException',
        `Request is invalid. Stream od under account ${ACCOUNT} is in On-Demand mode.`,
      );
      const d = await k.send(new DescribeStreamCommand({ StreamName: 'od' }));
      assert.equal(d.StreamDescription!.Shards!.length, 4);
    });
  });
}
