import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { waitFor } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  recordsDelivered,
  withMappingServer,
  enabledMapping,
} from './mapping-fixtures.js';
import { hooks } from '../harness/hooks.js';

describe('a mapping on an enhanced fan-out consumer', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  withMappingServer((s) => ({ app, k, l } = s));

  it('reads through the consumer: every record once, in order per shard, with the stream ARN in the event', async () => {
    const streamArn = await createStream(k, app, 'efo-map', 2);
    const reg = await k.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'lambda-consumer' }),
    );
    const consumerArn = reg.Consumer!.ConsumerARN!;
    await waitFor(
      async () => {
        const d = await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
        return d.ConsumerDescription?.ConsumerStatus === 'ACTIVE';
      },
      10_000,
      'consumer ACTIVE',
    );
    const fn = await createRecordingFunction(app, l, 'efo-fn');
    const before = Array.from({ length: 40 }, (_, i) => `b${i}`);
    await k.send(
      new PutRecordsCommand({
        StreamName: 'efo-map',
        Records: before.map((d, i) => ({ Data: Buffer.from(d), PartitionKey: `p${i}` })),
      }),
    );
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: consumerArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 7,
      }),
    );
    assert.equal(m.EventSourceArn, consumerArn);
    const afterPut = Array.from({ length: 40 }, (_, i) => `a${i}`);
    await k.send(
      new PutRecordsCommand({
        StreamName: 'efo-map',
        Records: afterPut.map((d, i) => ({ Data: Buffer.from(d), PartitionKey: `p${i}` })),
      }),
    );
    await recordsDelivered(app, m.UUID!, 80);
    const delivered = fn.invokes().flatMap((i) => i.event.Records);
    assert.equal(delivered.length, 80);
    assert.deepEqual(new Set(fn.datas()), new Set([...before, ...afterPut]));
    assert.ok(fn.invokes().every((i) => i.event.Records.length <= 7));
    assert.equal(delivered[0]!.eventSourceARN, streamArn);
    const byShard = new Map<string, string[]>();
    for (const r of delivered)
      byShard.set(r.eventID.split(':')[0]!, [
        ...(byShard.get(r.eventID.split(':')[0]!) ?? []),
        r.kinesis.sequenceNumber,
      ]);
    for (const list of byShard.values())
      for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]! < list[i]!);
  });

  it('reports a PROBLEM, without spinning, when the consumer it reads through is deregistered', async () => {
    const streamArn = await createStream(k, app, 'efo-gone', 1);
    const reg = await k.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'doomed' }),
    );
    const consumerArn = reg.Consumer!.ConsumerARN!;
    await waitFor(
      () =>
        hooks(app)
          .streams.get('efo-gone')
          .consumers.some((c) => c.consumerArn === consumerArn && c.status === 'ACTIVE'),
      10_000,
      'consumer ACTIVE',
    );
    const fn = await createRecordingFunction(app, l, 'efo-gone-fn');
    const m = await enabledMapping(app, l, {
      FunctionName: fn.name,
      EventSourceArn: consumerArn,
      StartingPosition: 'LATEST',
    });
    await k.send(
      new PutRecordsCommand({
        StreamName: 'efo-gone',
        Records: [{ Data: Buffer.from('x'), PartitionKey: 'p' }],
      }),
    );
    await recordsDelivered(app, m.UUID!, 1);
    let starts = 0;
    const onShard = (e: { uuid: string; status: string }): void => {
      if (e.uuid === m.UUID && e.status === 'started') starts++;
    };
    hooks(app).mappings.on('shard', onShard);
    await k.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
    await waitFor(
      () => hooks(app).mappings.get(m.UUID!).LastProcessingResult === 'PROBLEM: Stream consumer not found',
      10_000,
      'PROBLEM result',
    );
    // An append and a reshard are what would restart a shard: neither may, while its consumer is gone.
    await k.send(new PutRecordCommand({ StreamName: 'efo-gone', Data: Buffer.from('x'), PartitionKey: 'p' }));
    await k.send(
      new UpdateShardCountCommand({
        StreamName: 'efo-gone',
        TargetShardCount: 2,
        ScalingType: 'UNIFORM_SCALING',
      }),
    );
    hooks(app).mappings.off('shard', onShard);
    assert.equal(starts, 0, 'the shard is not restarted while its consumer is gone');
  });

  it('rejects a consumer ARN that does not exist', async () => {
    const streamArn = await createStream(k, app, 'efo-missing', 1);
    await createRecordingFunction(app, l, 'efo-missing-fn');
    await assert.rejects(
      l.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'efo-missing-fn',
          EventSourceArn: `${streamArn}/consumer/nope:1700000000`,
          StartingPosition: 'LATEST',
        }),
      ),
      (e: Error) => e.name === 'InvalidParameterValueException',
    );
  });
});
