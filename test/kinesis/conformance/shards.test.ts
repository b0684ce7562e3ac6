import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { GetShardIteratorCommand, MergeShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../../src/app/app.js';
import { kinesisClient, transports, withServer } from '../../harness/helpers.js';
import { expectAwsError } from '../kinesis-fixtures.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * Shard ids as AWS reads them, and MergeShards' order (kinesalite test/getShardIterator.js and
 * test/mergeShards.js, recorded against Kinesis): digits alone or after a hyphen name the shard of that index,
 * and messages name it canonically; an id that names no shard (or an index past 2147483647) is "Could not find
 * shard" before the stream is looked up. MergeShards wants the pair in hash key order.
 */

const ACCOUNT = '000000000000';
const missingShard = (id: string, stream: string): string =>
  `Shard ${id} in stream ${stream} under account ${ACCOUNT} does not exist`;
const couldNotFind = (given: string, stream: string): string =>
  `Could not find shard ${given} in stream ${stream} under account ${ACCOUNT}.`;

/** Ids that name shard 2147483647, and ids that name none. */
const NAMING_MAX = ['2147483647', 'anything-2147483647', 'a-00002147483647', '-00002147483647'];
const NAMING_NONE = ['2147483648', 'shardId-002147483648', 'ABKLFD8', '2.14E4'];

describe('conformance: shard ids and MergeShards', () => {
  let app: App;
  withServer((a) => (app = a));
  before(async () => {
    const created = await call(app, 'CreateStream', { StreamName: 'three', ShardCount: 3 });
    assert.equal(created.status, 200);
  });

  for (const encoding of encodings) {
    it(`GetShardIterator reads shard ids as AWS does (${encoding})`, async () => {
      const get = (stream: string, shardId: string): ReturnType<typeof call> =>
        call(
          app,
          'GetShardIterator',
          { StreamName: stream, ShardId: shardId, ShardIteratorType: 'LATEST' },
          encoding,
        );
      for (const id of NAMING_MAX)
        expectError(
          await get('nope', id),
          {
            type: 'ResourceNotFoundException',
            text: missingShard('shardId-002147483647', 'nope'),
          },
          id,
        );
      for (const id of NAMING_NONE)
        expectError(
          await get('nope', id),
          { type: 'ResourceNotFoundException', text: couldNotFind(id, 'nope') },
          id,
        );
      expectError(await get('three', 'shardId-5'), {
        type: 'ResourceNotFoundException',
        text: missingShard('shardId-000000000005', 'three'),
      });
      for (const id of ['shard-0', '0', 'x-1', 'shardId-2']) {
        const a = await get('three', id);
        assert.equal(a.status, 200, id);
        assert.equal(typeof a.body?.['ShardIterator'], 'string', id);
      }
    });
  }

  for (const encoding of encodings) {
    it(`SplitShard reads shard ids as AWS does and names the shard canonically (${encoding})`, async () => {
      const split = (stream: string, shard: string, key: string): ReturnType<typeof call> =>
        call(
          app,
          'SplitShard',
          { StreamName: stream, ShardToSplit: shard, NewStartingHashKey: key },
          encoding,
        );
      const outside = (key: string, shard: string, start: string, end: string): string =>
        `NewStartingHashKey ${key} used in SplitShard() on shard ${shard} in stream three under account ${ACCOUNT} ` +
        `is not both greater than one plus the shard's StartingHashKey ${start} and less than the shard's ` +
        `EndingHashKey ${end}.`;
      // kinesalite test/splitShard.js: both hash keys out of the shard's range, the shard named by a short id.
      expectError(await split('three', 'shard-0', '113427455640312821154458202477256070484'), {
        type: 'InvalidArgumentException',
        text: outside(
          '113427455640312821154458202477256070484',
          'shardId-000000000000',
          '0',
          '113427455640312821154458202477256070484',
        ),
      });
      expectError(await split('three', 'shard-2', '999999999999999999999999999999999999999'), {
        type: 'InvalidArgumentException',
        text: outside(
          '999999999999999999999999999999999999999',
          'shardId-000000000002',
          '226854911280625642308916404954512140970',
          '340282366920938463463374607431768211455',
        ),
      });
      for (const id of NAMING_NONE) {
        expectError(await split('nope', id, '2'), {
          type: 'ResourceNotFoundException',
          text: couldNotFind(id, 'nope'),
        });
      }
    });
  }

  it('MergeShards reads both ids first, then finds the stream, then the shards, in hash key order', async () => {
    const merge = (stream: string, shard: string, adjacent: string): ReturnType<typeof call> =>
      call(app, 'MergeShards', { StreamName: stream, ShardToMerge: shard, AdjacentShardToMerge: adjacent });
    for (const id of NAMING_MAX) {
      expectError(
        await merge('nope', id, 'x-0'),
        {
          type: 'ResourceNotFoundException',
          text: `Stream nope under account ${ACCOUNT} not found.`,
        },
        id,
      );
    }
    for (const id of NAMING_NONE) {
      expectError(await merge('nope', id, 'x-0'), {
        type: 'ResourceNotFoundException',
        text: couldNotFind(id, 'nope'),
      });
      expectError(await merge('nope', 'x-0', id), {
        type: 'ResourceNotFoundException',
        text: couldNotFind(id, 'nope'),
      });
    }
    expectError(await merge('three', 'shardId-5', 'x-0'), {
      type: 'ResourceNotFoundException',
      text: couldNotFind('shardId-000000000005', 'three'),
    });
    const notAdjacent = (a: string, b: string): string =>
      `Shards ${a} and ${b} in stream three under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`;
    expectError(await merge('three', 'x-0', 'y-2'), {
      type: 'InvalidArgumentException',
      text: notAdjacent('shardId-000000000000', 'shardId-000000000002'),
    });
    expectError(await merge('three', 'x-1', 'y-0'), {
      type: 'InvalidArgumentException',
      text: notAdjacent('shardId-000000000001', 'shardId-000000000000'),
    });
    // In order, the merge is accepted: an empty body, and a child naming the parents canonically.
    const done = await merge('three', 'x-0', 'y-1');
    assert.equal(done.status, 200);
    assert.equal(done.raw.length, 0);
    const d = await call(app, 'DescribeStream', { StreamName: 'three' });
    const shards = (d.body?.['StreamDescription'] as { Shards: Array<Record<string, unknown>> }).Shards;
    const child = shards.find((s) => s['ShardId'] === 'shardId-000000000003');
    assert.equal(child?.['ParentShardId'], 'shardId-000000000000');
    assert.equal(child?.['AdjacentParentShardId'], 'shardId-000000000001');
  });

  for (const transport of transports) {
    describe(`with the SDK over ${transport}`, () => {
      let k: KinesisClient;
      before(() => {
        k = kinesisClient(app, transport);
      });
      after(() => k.destroy());

      // After the merge above, shardId-000000000003 covers the lower half and shardId-000000000002 the upper.
      it('short shard ids work, and an inverted merge is refused', async () => {
        const it = await k.send(
          new GetShardIteratorCommand({
            StreamName: 'three',
            ShardId: 'shard-2',
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        assert.ok(it.ShardIterator);
        await expectAwsError(
          k.send(
            new GetShardIteratorCommand({
              StreamName: 'three',
              ShardId: 'ABKLFD8',
              ShardIteratorType: 'LATEST',
            }),
          ),
          'ResourceNotFoundException',
          couldNotFind('ABKLFD8', 'three'),
        );
        await expectAwsError(
          k.send(
            new MergeShardsCommand({
              StreamName: 'three',
              ShardToMerge: 'shard-2',
              AdjacentShardToMerge: 'shard-3',
            }),
          ),
          'InvalidArgumentException',
          /^Shards shardId-000000000002 and shardId-000000000003 in stream three .* are not an adjacent pair/,
        );
      });
    });
  }
});
