import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { transports, waitFor, withKinesisServer } from '../harness/helpers.js';
import { createStream, registerConsumer, serverFanOut, subscribe, text } from './efo-helpers.js';

async function putMany(k: KinesisClient, stream: string, prefix: string, n: number): Promise<string[]> {
  const seqs: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
      PartitionKey: 'pk',
      Data: Buffer.from(`${prefix}${i + j}`),
    }));
    const r = await k.send(new PutRecordsCommand({ StreamName: stream, Records: batch }));
    assert.equal(r.FailedRecordCount, 0);
    seqs.push(...r.Records!.map((x) => x.SequenceNumber!));
  }
  return seqs;
}

for (const transport of transports) {
  describe(`SubscribeToShard over ${transport}`, () => {
    let app: App;
    let k: KinesisClient;
    // Reconnects in these tests come right after the previous call; the takeover rule has its own test.
    withKinesisServer(transport, (a, client) => ((app = a), (k = client)), {
      fanOut: { takeoverAfterMs: 0 },
    });

    it('pushes records put after subscribing, in order, with their sequence numbers as continuation', async () => {
      const { streamArn, shardIds } = await createStream(k, 'order');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      const first = await reader.next();
      assert.deepEqual(first?.Records, [], 'the first event comes at once, before any data');
      assert.match(first!.ContinuationSequenceNumber!, /^\d+$/);
      const one = await k.send(
        new PutRecordCommand({ StreamName: 'order', PartitionKey: 'pk', Data: Buffer.from('r-first') }),
      );
      const seqs = [one.SequenceNumber!, ...(await putMany(k, 'order', 'r', 40))];
      const { records, events } = await reader.records(41);
      assert.deepEqual(
        records.map((r) => text(r.Data)),
        ['r-first', ...Array.from({ length: 40 }, (_, i) => `r${i}`)],
      );
      assert.deepEqual(
        records.map((r) => r.SequenceNumber),
        seqs,
      );
      for (const r of records) {
        assert.ok(r.Data instanceof Uint8Array, 'Data is bytes');
        assert.ok(r.ApproximateArrivalTimestamp instanceof Date, 'arrival is a Date');
        assert.ok(Math.abs(r.ApproximateArrivalTimestamp.getTime() - Date.now()) < 60_000);
        assert.equal(r.PartitionKey, 'pk');
      }
      for (const ev of events) {
        assert.equal(
          ev.ContinuationSequenceNumber,
          ev.Records!.at(-1)!.SequenceNumber,
          'continuation = last record sent',
        );
        assert.equal(typeof ev.MillisBehindLatest, 'number');
        assert.equal(ev.ChildShards, undefined);
      }
      assert.equal(events.at(-1)!.MillisBehindLatest, 0, 'caught up after the last event');
      const [sub] = serverFanOut(app)
        .subscriptions.list()
        .filter((s) => s.consumerArn === consumerArn);
      await reader.close();
      // The client going away ends the server's subscription at once (no heartbeat needed to notice).
      await waitFor(() => sub!.state === 'ended', 2_000, 'the server-side subscription to end');
      assert.equal(sub!.endReason, 'closed');
    });

    it('carries binary data, any partition key and millisecond arrival times exactly as GetRecords does', async () => {
      const { streamArn, shardIds } = await createStream(k, 'exact');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const keys = ['ключ "q" \\ ✓', 'tab\there', '{"json":1}'];
      const datas = [Buffer.from([0, 255, 1, 254, 10, 13]), Buffer.alloc(0), Buffer.from('x'.repeat(70_000))];
      await k.send(
        new PutRecordsCommand({
          StreamName: 'exact',
          Records: keys.map((key, i) => ({ PartitionKey: key, Data: datas[i] })),
        }),
      );
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'TRIM_HORIZON' });
      const { records } = await reader.records(3);
      await reader.close();
      assert.deepEqual(
        records.map((r) => r.PartitionKey),
        keys,
      );
      records.forEach((r, i) => assert.ok(Buffer.from(r.Data!).equals(datas[i]!), `record ${i} data`));
      const it = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'exact',
          ShardId: shardIds[0]!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const polled = await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
      assert.deepEqual(
        records.map((r) => r.ApproximateArrivalTimestamp!.getTime()),
        polled.Records!.map((r) => r.ApproximateArrivalTimestamp!.getTime()),
      );
    });

    it('loses nothing when resubscribing AFTER_SEQUENCE_NUMBER the last continuation', async () => {
      const { streamArn, shardIds } = await createStream(k, 'resume');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const shardId = shardIds[0]!;
      // On an empty shard the continuation must still resume before the first record ever written.
      let reader = await subscribe(k, consumerArn, shardId, { Type: 'LATEST' });
      let continuation = (await reader.next())!.ContinuationSequenceNumber!;
      await reader.close();
      const expected = [...(await putMany(k, 'resume', 'a', 25))];
      const got: string[] = [];
      for (let round = 0; round < 3; round++) {
        reader = await subscribe(k, consumerArn, shardId, {
          Type: 'AFTER_SEQUENCE_NUMBER',
          SequenceNumber: continuation,
        });
        const ev = await reader.next();
        got.push(...ev!.Records!.map((r) => r.SequenceNumber!));
        continuation = ev!.ContinuationSequenceNumber!;
        await reader.close();
        expected.push(...(await putMany(k, 'resume', `b${round}-`, 7)));
      }
      reader = await subscribe(k, consumerArn, shardId, {
        Type: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: continuation,
      });
      const rest = await reader.records(expected.length - got.length);
      got.push(...rest.records.map((r) => r.SequenceNumber!));
      assert.deepEqual(got, expected, 'every record exactly once, in order');
      await reader.close();
    });

    it('starts at TRIM_HORIZON, AT_SEQUENCE_NUMBER and AT_TIMESTAMP', async () => {
      const { streamArn, shardIds } = await createStream(k, 'starts');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const shardId = shardIds[0]!;
      const seqs = await putMany(k, 'starts', 'x', 10);
      let reader = await subscribe(k, consumerArn, shardId, { Type: 'TRIM_HORIZON' });
      const all = await reader.records(10);
      assert.deepEqual(
        all.records.map((r) => r.SequenceNumber),
        seqs,
      );
      await reader.close();
      reader = await subscribe(k, consumerArn, shardId, {
        Type: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: seqs[4]!,
      });
      assert.deepEqual(
        (await reader.records(6)).records.map((r) => r.SequenceNumber),
        seqs.slice(4),
      );
      await reader.close();
      const at = all.records[7]!.ApproximateArrivalTimestamp!;
      reader = await subscribe(k, consumerArn, shardId, { Type: 'AT_TIMESTAMP', Timestamp: at });
      const fromTs = (await reader.next())!.Records!.map((r) => r.SequenceNumber);
      assert.ok(fromTs.length > 0 && fromTs.length <= 10);
      assert.ok(fromTs.includes(seqs[7]!), 'the record at the timestamp is included');
      assert.ok(
        all.records
          .filter((r) => r.ApproximateArrivalTimestamp! < at)
          .every((r) => !fromTs.includes(r.SequenceNumber)),
        'earlier records are not',
      );
      await reader.close();
    });

    it('answers bad requests with AWS errors before the stream starts', async () => {
      const { streamArn, shardIds } = await createStream(k, 'errs');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      await assert.rejects(
        subscribe(k, `${streamArn}/consumer/nobody:123`, shardIds[0]!, { Type: 'LATEST' }),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(subscribe(k, consumerArn, 'shardId-000000000099', { Type: 'LATEST' }), {
        name: 'ResourceNotFoundException',
      });
      await assert.rejects(subscribe(k, consumerArn, shardIds[0]!, { Type: 'AT_SEQUENCE_NUMBER' }), {
        name: 'InvalidArgumentException',
      });
      // A sequence number is read as GetShardIterator reads it (sequence-numbers.ts): AWS's oldest layout here.
      await assert.rejects(
        subscribe(k, consumerArn, shardIds[0]!, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '0' }),
        (e: Error) => {
          assert.equal(e.name, 'InvalidArgumentException');
          assert.match(
            e.message,
            /^StartingSequenceNumber 2\d+ .* is invalid because it did not come from this stream\.$/,
          );
          return true;
        },
      );
      await assert.rejects(
        subscribe(k, 'arn:aws:kinesis:us-east-1:000000000000:stream/errs', shardIds[0]!, { Type: 'LATEST' }),
        (e: Error) => {
          assert.equal(e.name, 'ValidationException');
          assert.match(e.message, /consumerARN/);
          return true;
        },
      );
    });

    it('ends with a ResourceNotFoundException message when the consumer is deregistered mid-stream', async () => {
      const { streamArn, shardIds } = await createStream(k, 'dereg');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      await reader.next();
      const { DeregisterStreamConsumerCommand } = await import('@aws-sdk/client-kinesis');
      await k.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
      await assert.rejects(reader.next(), { name: 'ResourceNotFoundException' });
    });
  });
}
