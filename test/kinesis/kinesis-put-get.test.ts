import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { kinesisClient, transports, withServer } from '../harness/helpers.js';

for (const transport of transports) {
  describe(`PutRecord/GetRecords round trip over ${transport}`, () => {
    let app: App;
    withServer((a) => (app = a));

    it('writes records and reads them back in order with increasing sequence numbers', async () => {
      const k = kinesisClient(app, transport);
      await k.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 1 }));
      const d = await k.send(new DescribeStreamCommand({ StreamName: 's1' }));
      assert.equal(d.StreamDescription?.StreamStatus, 'ACTIVE');
      const shardId = d.StreamDescription!.Shards![0]!.ShardId!;
      const one = await k.send(
        new PutRecordCommand({ StreamName: 's1', PartitionKey: 'a', Data: Buffer.from('first') }),
      );
      assert.equal(one.ShardId, shardId);
      assert.match(one.SequenceNumber!, /^\d{56}$/);
      const many = await k.send(
        new PutRecordsCommand({
          StreamName: 's1',
          Records: Array.from({ length: 10 }, (_, i) => ({
            PartitionKey: `k${i}`,
            Data: Buffer.from(`r${i}`),
          })),
        }),
      );
      assert.equal(many.FailedRecordCount, 0);
      const seqs = [one.SequenceNumber!, ...many.Records!.map((r) => r.SequenceNumber!)];
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i - 1]! < seqs[i]!, 'sequence numbers increase');
      const it = await k.send(
        new GetShardIteratorCommand({
          StreamName: 's1',
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const got = await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
      assert.deepEqual(
        got.Records!.map((r) => Buffer.from(r.Data!).toString()),
        ['first', ...Array.from({ length: 10 }, (_, i) => `r${i}`)],
      );
      assert.deepEqual(
        got.Records!.map((r) => r.SequenceNumber),
        seqs,
      );
      assert.ok(got.Records![0]!.ApproximateArrivalTimestamp instanceof Date);
      assert.equal(got.MillisBehindLatest, 0);
      const empty = await k.send(new GetRecordsCommand({ ShardIterator: got.NextShardIterator! }));
      assert.equal(empty.Records!.length, 0);
      assert.ok(empty.NextShardIterator);
      // The shard's StartingSequenceNumber sorts before every record: AT_ and AFTER_SEQUENCE_NUMBER on it both
      // start at the first record (as on AWS).
      const starting = d.StreamDescription!.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!;
      assert.ok(starting < seqs[0]!);
      for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const) {
        const from = await k.send(
          new GetShardIteratorCommand({
            StreamName: 's1',
            ShardId: shardId,
            ShardIteratorType: type,
            StartingSequenceNumber: starting,
          }),
        );
        const first = await k.send(new GetRecordsCommand({ ShardIterator: from.ShardIterator!, Limit: 1 }));
        assert.equal(first.Records![0]!.SequenceNumber, seqs[0], type);
      }
      k.destroy();
    });
  });
}
