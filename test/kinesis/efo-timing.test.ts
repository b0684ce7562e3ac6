import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { transports, waitFor, withKinesisServer } from '../harness/helpers.js';
import {
  createStream,
  registerConsumer,
  serverFanOut,
  subscribe,
  text,
  type EventReader,
} from './efo-helpers.js';

const HEARTBEAT_MS = 150;
const TAKEOVER_MS = 400;
const LIFETIME_MS = 1_500;

/** A new stream with one consumer subscribed to its shard, past the subscription's first event. */
async function firstSubscription(
  k: KinesisClient,
  stream: string,
): Promise<{ streamArn: string; consumerArn: string; shardId: string; reader: EventReader }> {
  const { streamArn, shardIds } = await createStream(k, stream);
  const consumerArn = await registerConsumer(k, streamArn, 'c');
  const shardId = shardIds[0]!;
  const reader = await subscribe(k, consumerArn, shardId, { Type: 'LATEST' });
  await reader.next();
  return { streamArn, consumerArn, shardId, reader };
}

for (const transport of transports) {
  describe(`SubscribeToShard timing rules over ${transport} (shortened timings)`, () => {
    let app: App;
    let k: KinesisClient;
    withKinesisServer(transport, (a, client) => ((app = a), (k = client)), {
      fanOut: {
        heartbeatMs: HEARTBEAT_MS,
        takeoverAfterMs: TAKEOVER_MS,
        subscriptionLifetimeMs: LIFETIME_MS,
      },
    });

    it('sends heartbeat events without records while the shard is idle', async () => {
      const { streamArn, shardIds } = await createStream(k, 'idle');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const subscribed = Date.now();
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      const first = await reader.next();
      for (let i = 0; i < 3; i++) {
        // The reader's own generous timeout: a late heartbeat on a loaded machine is not the point here.
        const ev = await reader.next();
        assert.deepEqual(ev!.Records, []);
        assert.equal(
          ev!.ContinuationSequenceNumber,
          first!.ContinuationSequenceNumber,
          'nothing read, same continuation',
        );
        assert.equal(ev!.MillisBehindLatest, 0);
      }
      // Heartbeats are paced by the interval, not sent in a burst: each is sent at least an interval after the
      // event before it, so the third cannot arrive before three intervals from the subscribe call. A lower
      // bound from a moment before the server's first event, which no stall on either side can break.
      const took = Date.now() - subscribed;
      assert.ok(took >= HEARTBEAT_MS * 3, `three heartbeats after ${took} ms`);
      await reader.close();
    });

    it('lets a second subscription take over once the takeover window has passed', async () => {
      const { consumerArn, shardId, reader: a } = await firstSubscription(k, 'takeover');
      // The window counts from when the server accepted the first call (the refusal inside it is tested
      // below, with a window no machine outlasts).
      const first = serverFanOut(app)
        .subscriptions.list()
        .find((s) => s.consumerArn === consumerArn && s.shardId === shardId)!;
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
      while (await reader.next()) events++;
      const took = Date.now() - started;
      // The lifetime was honoured: a lower bound (the slack is for a timer firing a millisecond early by
      // Date.now). The upper bound only says the stream ends rather than running on, so it is generous.
      assert.ok(took >= LIFETIME_MS - 50, `ended after ${took} ms`);
      assert.ok(took < 20_000, `ended after ${took} ms`);
      // The first event and at least one heartbeat: alive until the end, not silent. How many heartbeats fit
      // depends on the machine's timers, and their pacing is the heartbeat test's business.
      assert.ok(events >= 2, `heartbeats kept coming (${events})`);
    });
  });
  describe(`SubscribeToShard takeover refusal over ${transport} (a window no machine outlasts)`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => (k = client), { fanOut: { takeoverAfterMs: 60_000 } });

    it('refuses a second subscription within the takeover window; another consumer of the shard is independent', async () => {
      const { streamArn, consumerArn, shardId, reader: a } = await firstSubscription(k, 'refused');
      await assert.rejects(subscribe(k, consumerArn, shardId, { Type: 'LATEST' }), (e: Error) => {
        assert.equal(e.name, 'ResourceInUseException');
        assert.match(e.message, /Another active subscription exists for this consumer/);
        return true;
      });
      const other = await registerConsumer(k, streamArn, 'other');
      const c = await subscribe(k, other, shardId, { Type: 'LATEST' });
      await c.close();
      await a.close();
    });
  });
}
