import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PutRecordCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';

import {
  createRecordingFunction,
  createStream,
  mappingState,
  recordsDelivered,
  ROLE,
  withMappingServer,
  enabledMapping,
} from './mapping-fixtures.js';
import { hooks } from '../harness/hooks.js';

async function putMany(
  k: KinesisClient,
  stream: string,
  datas: string[],
  key = (i: number) => `pk-${i}`,
): Promise<string[]> {
  const seqs: string[] = [];
  for (let i = 0; i < datas.length; i += 500) {
    const chunk = datas.slice(i, i + 500);
    const res = await k.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map((d, j) => ({ Data: Buffer.from(d), PartitionKey: key(i + j) })),
      }),
    );
    seqs.push(...res.Records!.map((r) => r.SequenceNumber!));
  }
  return seqs;
}

describe('event source mapping delivery', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  withMappingServer((s) => ({ app, k, l } = s), { mappings: { retryBaseMs: 10, retryMaxMs: 100 } });

  it('delivers AWS-shaped events, every record exactly once, in order per shard, never more than BatchSize', async () => {
    const streamArn = await createStream(k, app, 'shape', 2);
    const fn = await createRecordingFunction(app, l, 'shape-fn');
    const datas = Array.from({ length: 300 }, (_, i) => `rec-${i}`);
    const seqs = await putMany(k, 'shape', datas);
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'shape-fn',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 50,
      }),
    );
    assert.equal(m.State, 'Creating');
    await recordsDelivered(app, m.UUID!, 300);
    const invokes = fn.invokes();
    const delivered = invokes.flatMap((i) => i.event.Records);
    assert.equal(delivered.length, 300, 'exactly once: no duplicates');
    assert.deepEqual(new Set(fn.datas()), new Set(datas));
    for (const inv of invokes) {
      assert.ok(inv.event.Records.length <= 50, 'BatchSize respected');
      const shards = new Set(inv.event.Records.map((r) => r.eventID.split(':')[0]));
      assert.equal(shards.size, 1, 'a batch holds records of one shard');
    }
    // Order per shard: sequence numbers strictly increase within each shard's delivery order.
    const byShard = new Map<string, string[]>();
    for (const r of delivered) {
      const shard = r.eventID.split(':')[0]!;
      byShard.set(shard, [...(byShard.get(shard) ?? []), r.kinesis.sequenceNumber]);
    }
    assert.equal(byShard.size, 2);
    for (const list of byShard.values())
      for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]! < list[i]!);
    // The exact event shape (doc: "Example Kinesis record event").
    const r = delivered[0]!;
    const seqIndex = seqs.indexOf(r.kinesis.sequenceNumber);
    assert.ok(seqIndex >= 0);
    assert.deepEqual(Object.keys(r).sort(), [
      'awsRegion',
      'eventID',
      'eventName',
      'eventSource',
      'eventSourceARN',
      'eventVersion',
      'invokeIdentityArn',
      'kinesis',
    ]);
    assert.deepEqual(Object.keys(r.kinesis).sort(), [
      'approximateArrivalTimestamp',
      'data',
      'kinesisSchemaVersion',
      'partitionKey',
      'sequenceNumber',
    ]);
    assert.equal(r.kinesis.kinesisSchemaVersion, '1.0');
    assert.equal(r.kinesis.partitionKey, `pk-${seqIndex}`);
    assert.equal(Buffer.from(r.kinesis.data, 'base64').toString(), datas[seqIndex]);
    assert.equal(typeof r.kinesis.approximateArrivalTimestamp, 'number');
    assert.ok(Math.abs(r.kinesis.approximateArrivalTimestamp * 1000 - Date.now()) < 60_000);
    assert.equal(r.eventSource, 'aws:kinesis');
    assert.equal(r.eventVersion, '1.0');
    assert.match(r.eventID, /^shardId-\d{12}:\d{56}$/);
    assert.equal(r.eventID.split(':')[1], r.kinesis.sequenceNumber);
    assert.equal(r.eventName, 'aws:kinesis:record');
    assert.equal(r.invokeIdentityArn, ROLE);
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.eventSourceARN, streamArn);
    assert.equal(hooks(app).mappings.get(m.UUID!).LastProcessingResult, 'OK');
  });

  it('honours TRIM_HORIZON, LATEST and AT_TIMESTAMP', async () => {
    const streamArn = await createStream(k, app, 'positions', 1);
    await putMany(k, 'positions', ['a1', 'a2', 'a3']);
    await new Promise((r) => setTimeout(r, 20)); // arrival times must differ from the timestamp below
    const ts = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await putMany(k, 'positions', ['b1', 'b2', 'b3']);
    const fns = await Promise.all(
      ['trim', 'latest', 'ts'].map((n) => createRecordingFunction(app, l, `pos-${n}`)),
    );
    const uuids: string[] = [];
    for (const [fn, pos] of [
      [fns[0]!, 'TRIM_HORIZON'],
      [fns[1]!, 'LATEST'],
      [fns[2]!, 'AT_TIMESTAMP'],
    ] as const) {
      const m = await l.send(
        new CreateEventSourceMappingCommand({
          FunctionName: fn.name,
          EventSourceArn: streamArn,
          StartingPosition: pos,
          ...(pos === 'AT_TIMESTAMP' ? { StartingPositionTimestamp: ts } : {}),
        }),
      );
      uuids.push(m.UUID!);
    }
    await putMany(k, 'positions', ['c1', 'c2']);
    await recordsDelivered(app, uuids[0]!, 8);
    await recordsDelivered(app, uuids[1]!, 2);
    await recordsDelivered(app, uuids[2]!, 5);
    assert.deepEqual(fns[0]!.datas(), ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2']);
    assert.deepEqual(fns[1]!.datas(), ['c1', 'c2']);
    assert.deepEqual(fns[2]!.datas(), ['b1', 'b2', 'b3', 'c1', 'c2']);
  });

  it('gathers records for MaximumBatchingWindowInSeconds before invoking', async () => {
    const streamArn = await createStream(k, app, 'window', 1);
    const fn = await createRecordingFunction(app, l, 'window-fn');
    const m = await enabledMapping(app, l, {
      FunctionName: fn.name,
      EventSourceArn: streamArn,
      StartingPosition: 'LATEST',
      MaximumBatchingWindowInSeconds: 1,
    });
    const first = Date.now();
    for (let i = 0; i < 5; i++)
      await k.send(
        new PutRecordCommand({ StreamName: 'window', Data: Buffer.from(`w${i}`), PartitionKey: 'k' }),
      );
    await recordsDelivered(app, m.UUID!, 5);
    const invokes = fn.invokes();
    assert.equal(invokes.length, 1, 'one batch for records inside the window');
    assert.equal(invokes[0]!.event.Records.length, 5);
    assert.ok(invokes[0]!.started - first >= 900, `window waited ${invokes[0]!.started - first} ms`);
  });

  it('with no window delivers a record within milliseconds of the put', async () => {
    const streamArn = await createStream(k, app, 'fast', 1);
    const fn = await createRecordingFunction(app, l, 'fast-fn');
    const m = await enabledMapping(app, l, {
      FunctionName: fn.name,
      EventSourceArn: streamArn,
      StartingPosition: 'LATEST',
    });
    // Warm the function so the measurement is the mapping's latency, not a cold start.
    await k.send(new PutRecordCommand({ StreamName: 'fast', Data: Buffer.from('warm'), PartitionKey: 'k' }));
    await recordsDelivered(app, m.UUID!, 1);
    const before = Date.now();
    await k.send(new PutRecordCommand({ StreamName: 'fast', Data: Buffer.from('now'), PartitionKey: 'k' }));
    await recordsDelivered(app, m.UUID!, 2);
    const inv = fn.invokes().at(-1)!;
    // Milliseconds in practice (bench/mappings.ts measures it); the bound only says "no polling interval", with room
    // for a loaded machine.
    assert.ok(inv.started - before < 3000, `delivered ${inv.started - before} ms after the put`);
  });

  it('resumes exactly after the last successful batch when disabled and enabled again', async () => {
    const streamArn = await createStream(k, app, 'toggle', 1);
    const fn = await createRecordingFunction(app, l, 'toggle-fn');
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 3,
      }),
    );
    await putMany(
      k,
      'toggle',
      Array.from({ length: 10 }, (_, i) => `t${i}`),
    );
    await recordsDelivered(app, m.UUID!, 10);
    const off = await l.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID!, Enabled: false }));
    assert.equal(off.State, 'Disabling');
    await mappingState(app, m.UUID!, 'Disabled');
    await putMany(
      k,
      'toggle',
      Array.from({ length: 10 }, (_, i) => `t${10 + i}`),
    );
    assert.equal(fn.datas().length, 10, 'a disabled mapping reads nothing');
    const on = await l.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID!, Enabled: true }));
    assert.equal(on.State, 'Enabling');
    await recordsDelivered(app, m.UUID!, 20);
    assert.deepEqual(
      fn.datas(),
      Array.from({ length: 20 }, (_, i) => `t${i}`),
    );
  });

  it('ParallelizationFactor 10 overlaps batches of one shard and keeps each partition key in order', async () => {
    const streamArn = await createStream(k, app, 'parallel', 1);
    const fn = await createRecordingFunction(app, l, 'parallel-fn', { BEHAVIOUR: 'sleep:40' });
    const datas = Array.from({ length: 200 }, (_, i) => `${i % 20}:${Math.floor(i / 20)}`);
    await putMany(k, 'parallel', datas, (i) => `key-${i % 20}`);
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 5,
        ParallelizationFactor: 10,
      }),
    );
    await recordsDelivered(app, m.UUID!, 200, 30_000);
    const invokes = fn.invokes();
    // Per key, the delivered order equals the put order.
    const perKey = new Map<string, number[]>();
    for (const inv of [...invokes].sort((a, b) => a.started - b.started)) {
      for (const r of inv.event.Records) {
        const [key, n] = Buffer.from(r.kinesis.data, 'base64').toString().split(':');
        perKey.set(key!, [...(perKey.get(key!) ?? []), Number(n)]);
      }
    }
    assert.equal(perKey.size, 20);
    for (const [key, list] of perKey)
      assert.deepEqual(
        list,
        Array.from({ length: 10 }, (_, i) => i),
        `order of ${key}`,
      );
    // Batches overlapped in time.
    let overlaps = 0;
    for (const a of invokes)
      for (const b of invokes) if (a !== b && a.started < b.started && b.started < a.ended) overlaps++;
    assert.ok(overlaps > 0, 'batches of one shard ran concurrently');
    assert.equal(fn.datas().length, 200);
  });

  it('runs two mappings on one stream independently', async () => {
    const streamArn = await createStream(k, app, 'twomaps', 2);
    const a = await createRecordingFunction(app, l, 'two-a');
    const b = await createRecordingFunction(app, l, 'two-b');
    const ma = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: a.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    const mb = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: b.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
      }),
    );
    const datas = Array.from({ length: 30 }, (_, i) => `x${i}`);
    await putMany(k, 'twomaps', datas);
    await recordsDelivered(app, ma.UUID!, 30);
    await recordsDelivered(app, mb.UUID!, 30);
    assert.deepEqual(new Set(a.datas()), new Set(datas));
    assert.deepEqual(new Set(b.datas()), new Set(datas));
    assert.equal(b.invokes().length, 30);
  });
});
