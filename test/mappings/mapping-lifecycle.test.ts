// Mappings across the stream's lifecycle (issue 14): resharding under a live mapping, DeleteStream under an
// enabled mapping and a stream created again under the same name, disable/enable while resharding, and a restart
// on the same data dir. Real server, real worker processes, SDK clients over HTTP/2 and HTTP/1.1.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { kinesisClient, startTestServer, tempDir, transports, waitFor } from '../harness/helpers.js';
import {
  createRecordingFunction,
  lambdaClient,
  mappingEvent,
  mappingState,
  type RecordingFunction,
  mappingTestServer,
} from './mapping-fixtures.js';
import { hooks } from '../harness/hooks.js';

const HALF = 170141183460469231731687303715884105728n;

async function put(k: KinesisClient, stream: string, data: string, hashKey?: bigint): Promise<string> {
  const r = await k.send(
    new PutRecordCommand({
      StreamName: stream,
      PartitionKey: data,
      Data: Buffer.from(data),
      ...(hashKey !== undefined ? { ExplicitHashKey: hashKey.toString() } : {}),
    }),
  );
  return r.ShardId!;
}

/** Resolves once every one of `datas` reached the function. */
async function delivered(fn: RecordingFunction, datas: string[], what: string): Promise<void> {
  await waitFor(() => datas.every((d) => fn.datas().includes(d)), 20_000, `${what}: ${datas.join(', ')}`);
}

async function mapping(
  l: LambdaClient,
  fn: RecordingFunction,
  streamArn: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const m = await l.send(
    new CreateEventSourceMappingCommand({
      FunctionName: fn.name,
      EventSourceArn: streamArn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      ...extra,
    }),
  );
  return m.UUID!;
}

async function result(l: LambdaClient, uuid: string): Promise<string | undefined> {
  return (await l.send(new GetEventSourceMappingCommand({ UUID: uuid }))).LastProcessingResult;
}

for (const transport of transports) {
  describe(`a mapping across resharding (${transport})`, () => {
    it('delivers the records put into both children of a split after the parent (the README example)', async () => {
      await using server = await mappingTestServer({}, transport);
      const { app, k, l } = server;
      const arn =
        (await k.send(new CreateStreamCommand({ StreamName: 'split', ShardCount: 1 })),
        hooks(app).streams.get('split').arn);
      const fn = await createRecordingFunction(app, l, `split-fn-${transport}`);
      const uuid = await mapping(l, fn, arn);
      await mappingState(app, uuid, 'Enabled');
      await put(k, 'split', 'one');
      await delivered(fn, ['one'], 'before the split');
      await k.send(
        new SplitShardCommand({
          StreamName: 'split',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: HALF.toString(),
        }),
      );
      const low = await put(k, 'split', 'two', 1n);
      const high = await put(k, 'split', 'three', HALF + 1n);
      assert.deepEqual([low, high], ['shardId-000000000001', 'shardId-000000000002']);
      await delivered(fn, ['two', 'three'], 'children of the split');
      assert.equal(await result(l, uuid), 'OK');
      assert.deepEqual(fn.datas().slice().sort(), ['one', 'three', 'two']);
    });
  });
}

describe('a mapping across resharding', () => {
  it('drains both parents of a merge before the child, and every shard of UpdateShardCount, in per-key order', async () => {
    await using server = await mappingTestServer();
    const { app, k, l } = server;
    await k.send(new CreateStreamCommand({ StreamName: 'merge', ShardCount: 2 }));
    const fn = await createRecordingFunction(app, l, 'merge-fn');
    const uuid = await mapping(l, fn, hooks(app).streams.get('merge').arn, { BatchSize: 3 });
    await mappingState(app, uuid, 'Enabled');
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const all: string[] = [];
    const putRound = async (round: number): Promise<void> => {
      for (const key of keys) {
        const data = `${key}:${round}`;
        await k.send(
          new PutRecordCommand({ StreamName: 'merge', PartitionKey: key, Data: Buffer.from(data) }),
        );
        all.push(data);
      }
    };
    await putRound(0);
    await k.send(
      new MergeShardsCommand({
        StreamName: 'merge',
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await putRound(1);
    await k.send(
      new UpdateShardCountCommand({
        StreamName: 'merge',
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await putRound(2);
    await k.send(
      new UpdateShardCountCommand({
        StreamName: 'merge',
        TargetShardCount: 3,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    await putRound(3);
    await delivered(fn, all, 'every generation');
    for (const key of keys) {
      const rounds = fn
        .datas()
        .filter((d) => d.startsWith(`${key}:`))
        .map((d) => Number(d.split(':')[1]));
      assert.deepEqual(rounds, [0, 1, 2, 3], `order of key ${key}`);
    }
    assert.equal(await result(l, uuid), 'OK');
  });

  it('resumes from the checkpoint of every shard generation after a disable during resharding', async () => {
    await using server = await mappingTestServer();
    const { app, k, l } = server;
    await k.send(new CreateStreamCommand({ StreamName: 'pause', ShardCount: 1 }));
    const fn = await createRecordingFunction(app, l, 'pause-fn');
    const uuid = await mapping(l, fn, hooks(app).streams.get('pause').arn);
    await mappingState(app, uuid, 'Enabled');
    await put(k, 'pause', 'p1');
    await delivered(fn, ['p1'], 'before disabling');
    await l.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await mappingState(app, uuid, 'Disabled');
    await put(k, 'pause', 'p2');
    await k.send(
      new SplitShardCommand({
        StreamName: 'pause',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: HALF.toString(),
      }),
    );
    await put(k, 'pause', 'c1', 1n);
    await put(k, 'pause', 'c2', HALF + 1n);
    assert.deepEqual(fn.datas(), ['p1'], 'nothing is delivered while disabled');
    await l.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await delivered(fn, ['p2', 'c1', 'c2'], 'after enabling');
    const datas = fn.datas();
    assert.equal(datas.filter((d) => d === 'p1').length, 1, 'p1 is not delivered again');
    assert.ok(
      datas.indexOf('p2') < datas.indexOf('c1') && datas.indexOf('p2') < datas.indexOf('c2'),
      'parent first',
    );
  });
});

/** Waits for the mapping's LastProcessingResult to become `want`. */
async function resultBecomes(app: App, l: LambdaClient, uuid: string, want: string): Promise<void> {
  await waitFor(async () => (await result(l, uuid)) === want, 10_000, `LastProcessingResult ${want}`);
}

describe('a mapping whose stream is deleted', () => {
  it('reports PROBLEM, keeps the mapping, and reads a stream created again under the name from its StartingPosition, also after a restart', async () => {
    const dataDir = tempDir();
    let app = await startTestServer({ dataDir });
    let k = kinesisClient(app);
    let l = lambdaClient(app);
    await k.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
    const fn = await createRecordingFunction(app, l, 'again-fn');
    const arn = hooks(app).streams.get('again').arn;
    const uuid = await mapping(l, fn, arn, { StartingPosition: 'LATEST' });
    await mappingState(app, uuid, 'Enabled');
    for (const d of ['old-1', 'old-2', 'old-3']) await put(k, 'again', d);
    await delivered(fn, ['old-1', 'old-2', 'old-3'], 'on the first stream');
    await resultBecomes(app, l, uuid, 'OK');

    await k.send(new DeleteStreamCommand({ StreamName: 'again' }));
    await resultBecomes(app, l, uuid, 'PROBLEM: Stream not found');
    const kept = await l.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(kept.State, 'Enabled');

    await k.send(new CreateStreamCommand({ StreamName: 'again', ShardCount: 1 }));
    await put(k, 'again', 'new-1');
    await delivered(fn, ['new-1'], 'on the stream created again');
    await resultBecomes(app, l, uuid, 'OK');

    // Restart: the first stream's checkpoint (position 3) must not skip the new stream's records 1 and 2.
    await app.close();
    k.destroy();
    l.destroy();
    app = await startTestServer({ dataDir });
    k = kinesisClient(app);
    l = lambdaClient(app);
    const checkpointed = mappingEvent(app, 'batch', (e) => e.uuid === uuid && e.outcome === 'success');
    for (const d of ['new-2', 'new-3', 'new-4']) await put(k, 'again', d);
    await checkpointed;
    await delivered(fn, ['new-2', 'new-3', 'new-4'], 'after the restart');
    assert.equal(fn.datas().filter((d) => d === 'new-1').length, 1, 'new-1 is not delivered again');
    await app.close();
    k.destroy();
    l.destroy();
  });

  it('with TRIM_HORIZON re-reads nothing of the old stream and everything of the new one', async () => {
    await using server = await mappingTestServer();
    const { app, k, l } = server;
    await k.send(new CreateStreamCommand({ StreamName: 'again2', ShardCount: 2 }));
    const fn = await createRecordingFunction(app, l, 'again2-fn');
    const uuid = await mapping(l, fn, hooks(app).streams.get('again2').arn);
    await mappingState(app, uuid, 'Enabled');
    await put(k, 'again2', 'a');
    await delivered(fn, ['a'], 'first stream');
    await k.send(new DeleteStreamCommand({ StreamName: 'again2' }));
    await resultBecomes(app, l, uuid, 'PROBLEM: Stream not found');
    await k.send(new CreateStreamCommand({ StreamName: 'again2', ShardCount: 1 }));
    await put(k, 'again2', 'b');
    await delivered(fn, ['b'], 'second stream');
    assert.deepEqual(fn.datas(), ['a', 'b']);
  });
});
