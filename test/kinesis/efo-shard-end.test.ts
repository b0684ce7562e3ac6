import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  DescribeStreamConsumerCommand,
  PutRecordsCommand,
  SplitShardCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { transports, withKinesisServer } from '../harness/helpers.js';
import { createStream, registerConsumer, subscribe, text } from './efo-helpers.js';

async function put(k: KinesisClient, stream: string, data: string[]): Promise<void> {
  const r = await k.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: data.map((d) => ({ PartitionKey: d, Data: Buffer.from(d) })),
    }),
  );
  assert.equal(r.FailedRecordCount, 0);
}

for (const transport of transports) {
  describe(`SubscribeToShard at a closed shard and a deleted stream over ${transport}`, () => {
    let k: KinesisClient;
    withKinesisServer(transport, (_app, client) => (k = client), { fanOut: { takeoverAfterMs: 0 } });

    it('delivers the rest of a shard closed by a split, then ChildShards without continuation, then ends', async () => {
      const { streamArn, shardIds } = await createStream(k, 'split');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const parent = shardIds[0]!;
      const reader = await subscribe(k, consumerArn, parent, { Type: 'TRIM_HORIZON' });
      await put(k, 'split', ['a', 'b', 'c']);
      const before = await reader.records(3);
      assert.deepEqual(
        before.records.map((r) => text(r.Data)),
        ['a', 'b', 'c'],
      );
      await put(k, 'split', ['d', 'e']);
      await k.send(
        new SplitShardCommand({
          StreamName: 'split',
          ShardToSplit: parent,
          NewStartingHashKey: (1n << 127n).toString(),
        }),
      );
      // Records after the split go to the children and never appear here.
      await put(k, 'split', ['f', 'g', 'h']);
      const seen: string[] = [];
      let last;
      for (;;) {
        const ev = await reader.next();
        if (!ev) break;
        seen.push(...ev.Records!.map((r) => text(r.Data)));
        last = ev;
        if (ev.ChildShards === undefined)
          assert.ok(ev.ContinuationSequenceNumber, 'continuation until the end');
      }
      assert.deepEqual(seen, ['d', 'e']);
      assert.equal(last?.ContinuationSequenceNumber, undefined, 'no continuation at the shard end');
      const children = last!.ChildShards!;
      assert.equal(children.length, 2);
      for (const c of children) assert.deepEqual(c.ParentShards, [parent]);
      assert.equal(children[0]!.HashKeyRange!.StartingHashKey, '0');
      assert.equal(children[1]!.HashKeyRange!.StartingHashKey, (1n << 127n).toString());

      // A subscription opened on the closed, fully read shard ends at once with the same ChildShards.
      const again = await subscribe(k, consumerArn, parent, { Type: 'LATEST' });
      const only = await again.next();
      assert.deepEqual(only!.Records, []);
      assert.deepEqual(only!.ChildShards, children);
      assert.equal(await again.next(), undefined);

      // The children carry on with the records put after the split.
      const got: string[] = [];
      for (const child of children) {
        const r = await subscribe(k, consumerArn, child.ShardId!, { Type: 'TRIM_HORIZON' });
        const ev = await r.next();
        got.push(...ev!.Records!.map((x) => text(x.Data)));
        await r.close();
      }
      assert.deepEqual(got.sort(), ['f', 'g', 'h']);
    });

    it('refuses DeleteStream without EnforceConsumerDeletion; with it, the subscription ends with ResourceNotFoundException', async () => {
      const { streamArn, shardIds } = await createStream(k, 'doomed');
      const consumerArn = await registerConsumer(k, streamArn, 'c');
      const reader = await subscribe(k, consumerArn, shardIds[0]!, { Type: 'LATEST' });
      await reader.next();
      await assert.rejects(k.send(new DeleteStreamCommand({ StreamName: 'doomed' })), {
        name: 'ResourceInUseException',
      });
      await k.send(new DeleteStreamCommand({ StreamName: 'doomed', EnforceConsumerDeletion: true }));
      await assert.rejects(reader.next(), (e: Error) => {
        assert.equal(e.name, 'ResourceNotFoundException');
        assert.match(e.message, /Stream doomed under account \d{12} not found/);
        return true;
      });
      // The consumers went with the stream.
      await assert.rejects(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn })), {
        name: 'ResourceNotFoundException',
      });
    });
  });
}
