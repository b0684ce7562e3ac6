import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import type { Subscription } from '../../src/kinesis/fan-out/subscription.js';
import { transports, waitFor, withKinesisServer } from '../harness/helpers.js';
import { createStream, registerConsumer, serverFanOut, subscribe } from './efo-helpers.js';

const RECORD_BYTES = 32 * 1024;
const RECORDS = 512; // 16 MiB in all
const PER_PUT = 100;
/** What may sit in flow-control windows and socket/stream buffers while the reader is paused. */
const BOUND = { h2: 2 * 1024 * 1024, h1: 8 * 1024 * 1024 };

for (const transport of transports) {
  describe(`a slow SubscribeToShard reader over ${transport}`, () => {
    let app: App;
    let k: KinesisClient;
    withKinesisServer(transport, (a, client) => ((app = a), (k = client)), {
      fanOut: { maxEventBytes: 64 * 1024 },
    });

    it('holds the producer back instead of buffering, then delivers everything in order', async () => {
      const { streamArn, shardIds } = await createStream(k, 'firehose');
      const consumerArn = await registerConsumer(k, streamArn, 'slow');
      const opened = once(serverFanOut(app).subscriptions, 'subscribed');
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      const [sub] = (await opened) as [Subscription];
      await reader.next();
      // The reader now stops reading while 16 MiB are put.
      for (let i = 0; i < RECORDS; i += PER_PUT) {
        const n = Math.min(PER_PUT, RECORDS - i);
        const records = Array.from({ length: n }, (_, j) => {
          const data = Buffer.alloc(RECORD_BYTES, (i + j) % 251);
          data.writeUInt32BE(i + j, 0);
          return { PartitionKey: 'p', Data: data };
        });
        const r = await k.send(new PutRecordsCommand({ StreamName: 'firehose', Records: records }));
        assert.equal(r.FailedRecordCount, 0);
      }
      // The producer must end up parked, waiting for the reader, with most of the data still unread in the shard.
      await waitFor(
        () => sub.waitingForReaderSince !== undefined && Date.now() - sub.waitingForReaderSince > 300,
        10_000,
        'the producer to be held back',
      );
      const delivered = sub.bytesDelivered;
      assert.ok(
        delivered < BOUND[transport],
        `only ${delivered} bytes handed to the transport of ${RECORDS * RECORD_BYTES}`,
      );
      assert.ok(sub.recordsDelivered < RECORDS / 2, `${sub.recordsDelivered} records handed over`);
      assert.ok(sub.position < RECORDS, 'the rest is still in the shard, not in memory');
      // Resuming delivers every record, in order, with nothing lost.
      const { records, events } = await reader.records(RECORDS, 60_000);
      assert.equal(records.length, RECORDS);
      records.forEach((r, i) => {
        assert.equal(Buffer.from(r.Data!).readUInt32BE(0), i);
        assert.equal(r.Data!.length, RECORD_BYTES);
      });
      assert.ok(
        events.length >= RECORDS / 2,
        `events carry at most 64 KiB of records (${events.length} events)`,
      );
      assert.ok(
        events.slice(0, -1).some((e) => e.MillisBehindLatest! > 0),
        'a lagging reader is told it is behind',
      );
      await reader.close();
    });
  });
}
