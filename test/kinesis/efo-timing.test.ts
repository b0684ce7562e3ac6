import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { kinesisClient, startTestServer, transports, waitFor } from '../harness/helpers.js';
import { createStream, registerConsumer, serverFanOut, subscribe, text } from './efo-helpers.js';

const HEARTBEAT_MS = 150;
const TAKEOVER_MS = 400;
const LIFETIME_MS = 1_500;

for (const transport of transports) {
  describe(`SubscribeToShard timing rules over ${transport} (shortened timings)`, () => {
    let app: App;
    let k: KinesisClient;
    before(async () => {
      app = await startTestServer({
        fanOut: {
          heartbeatMs: HEARTBEAT_MS,
          takeoverAfterMs: TAKEOVER_MS,
          subscriptionLifetimeMs: LIFETIME_MS,
        },
      });
      k = kinesisClient(app, transport);
    });
    after(async () => {
      k.destroy();
      await app.close();
    });

    it('sends heartbeat events without records while the shard is idle', async () => {
      const { streamArn, shardIds } = await createStream(k, 'idle');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      const first = await reader.next();
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const ev = await reader.next(HEARTBEAT_MS * 10);
        times.push(Date.now());
        assert.deepEqual(ev!.Records, []);
        assert.equal(
          ev!.ContinuationSequenceNumber,
          first!.ContinuationSequenceNumber,
          'nothing read, same continuation',
        );
        assert.equal(ev!.MillisBehindLatest, 0);
      }
      // Heartbeats are paced by the interval, not sent in a burst.
      assert.ok(
        times[2]! - times[0]! >= HEARTBEAT_MS * 1.5,
        `two heartbeat intervals took ${times[2]! - times[0]!} ms`,
      );
      await reader.close();
    });

    it('refuses a second subscription within the takeover window, then lets it take over', async () => {
      const { streamArn, shardIds } = await createStream(k, 'takeover');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const shardId = shardIds[0]!;
      const a = await subscribe(k, consumerArn, shardId, { Type: 'LATEST' });
      await a.next();
      // The window counts from when the server accepted the first call.
      const first = serverFanOut(app)
        .subscriptions.list()
        .find((s) => s.consumerArn === consumerArn && s.shardId === shardId)!;
      await assert.rejects(subscribe(k, consumerArn, shardId, { Type: 'LATEST' }), (e: Error) => {
        assert.equal(e.name, 'ResourceInUseException');
        assert.match(e.message, /Another active subscription exists for this consumer/);
        return true;
      });
      // Another shard of the same consumer, and the same shard for another consumer, are independent.
      const other = await registerConsumer(k, streamArn, 'other');
      const c = await subscribe(k, other, shardId, { Type: 'LATEST' });
      await c.close();
      await waitFor(() => Date.now() - first.startedAt >= TAKEOVER_MS, 5_000, 'the takeover window to pass');
      const ended = once(first, 'end');
      const b = await subscribe(k, consumerArn, shardId, { Type: 'LATEST' });
      assert.deepEqual(await ended, ['taken-over']);
      await b.next();
      await k.send(
        new PutRecordCommand({
          StreamName: 'takeover',
          PartitionKey: 'p',
          Data: Buffer.from('after takeover'),
        }),
      );
      const got = await b.records(1);
      assert.equal(text(got.records[0]!.Data), 'after takeover');
      // The old subscription's stream simply ends (no records after the takeover).
      for (;;) {
        const ev = await a.next();
        if (!ev) break;
        assert.deepEqual(ev.Records, []);
      }
      await b.close();
    });

    it('ends a subscription after its lifetime', async () => {
      const { streamArn, shardIds } = await createStream(k, 'lifetime');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const started = Date.now();
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      let events = 0;
      while (await reader.next(LIFETIME_MS * 4)) events++;
      const took = Date.now() - started;
      assert.ok(took >= LIFETIME_MS - 50, `ended after ${took} ms`);
      assert.ok(took < LIFETIME_MS * 4, `ended after ${took} ms`);
      assert.ok(events >= Math.floor(LIFETIME_MS / HEARTBEAT_MS) - 2, `heartbeats kept coming (${events})`);
    });
  });
}
