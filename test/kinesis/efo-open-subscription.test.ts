import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { openSubscription, type SubscriptionEvent } from '../../src/kinesis/fan-out/index.js';
import { withKinesisServer } from '../harness/helpers.js';
import { createStream, registerConsumer, subscribe, text } from './efo-helpers.js';
import { hooks } from '../harness/hooks.js';

describe('openSubscription (the mapping engine reads through a consumer)', () => {
  let app: App;
  let k: KinesisClient;
  withKinesisServer('h2', (a, client) => ((app = a), (k = client)), {
    fanOut: { heartbeatMs: 200, takeoverAfterMs: 300 },
  });

  it('yields decoded records with continuation, MillisBehindLatest and positions, and stops on close()', async () => {
    const { streamArn, shardIds } = await createStream(k, 'internal');
    const consumerArn = await registerConsumer(k, streamArn, 'engine');
    const put = await k.send(
      new PutRecordsCommand({
        StreamName: 'internal',
        Records: ['a', 'b', 'c'].map((d) => ({ PartitionKey: d, Data: Buffer.from(d) })),
      }),
    );
    const sub = openSubscription(hooks(app).kinesisContext, {
      consumerArn,
      shardId: shardIds[0]!,
      startingPosition: { type: 'TRIM_HORIZON' },
    });
    assert.equal(sub.state, 'active');
    const events: SubscriptionEvent[] = [];
    for await (const ev of sub) {
      events.push(ev);
      if (events.length === 1) {
        await k.send(
          new PutRecordsCommand({
            StreamName: 'internal',
            Records: [{ PartitionKey: 'd', Data: Buffer.from('d') }],
          }),
        );
      }
      if (events.flatMap((e) => e.records).length >= 4) sub.close();
    }
    assert.equal(sub.state, 'ended');
    assert.equal(sub.endReason, 'closed');
    const records = events.flatMap((e) => e.records);
    assert.deepEqual(
      records.map((r) => text(r.data)),
      ['a', 'b', 'c', 'd'],
    );
    assert.deepEqual(
      records.slice(0, 3).map((r) => r.sequenceNumber),
      put.Records!.map((r) => r.SequenceNumber),
    );
    assert.deepEqual(
      records.map((r) => r.position),
      [0, 1, 2, 3],
    );
    const last = events.at(-1)!;
    assert.equal(last.continuationPosition, 4);
    assert.equal(last.continuationSequenceNumber, records[3]!.sequenceNumber);
    assert.equal(last.millisBehindLatest, 0);
    assert.equal(last.childShards, undefined);
  });

  it('shares the takeover rule with SubscribeToShard and throws AWS errors synchronously', async () => {
    const { streamArn, shardIds } = await createStream(k, 'shared');
    const consumerArn = await registerConsumer(k, streamArn, 'engine');
    const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
    await reader.next();
    assert.throws(
      () =>
        openSubscription(hooks(app).kinesisContext, {
          consumerArn,
          shardId: shardIds[0]!,
          startingPosition: { type: 'LATEST' },
        }),
      {
        name: 'ResourceInUseException',
      },
    );
    assert.throws(
      () =>
        openSubscription(hooks(app).kinesisContext, {
          consumerArn: `${streamArn}/consumer/x:1`,
          shardId: shardIds[0]!,
          startingPosition: { type: 'LATEST' },
        }),
      {
        name: 'ResourceNotFoundException',
      },
    );
    await reader.close();
  });

  it('sends heartbeats and ends when its AbortSignal aborts', async () => {
    const { streamArn, shardIds } = await createStream(k, 'aborted');
    const consumerArn = await registerConsumer(k, streamArn, 'engine');
    const ac = new AbortController();
    const sub = openSubscription(hooks(app).kinesisContext, {
      consumerArn,
      shardId: shardIds[0]!,
      startingPosition: { type: 'LATEST' },
      signal: ac.signal,
    });
    let heartbeats = 0;
    for await (const ev of sub) {
      assert.deepEqual(ev.records, []);
      if (++heartbeats === 3) ac.abort();
    }
    assert.equal(heartbeats, 3);
    assert.equal(sub.endReason, 'closed');
  });
});
