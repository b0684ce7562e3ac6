import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { clientConfig, tempDir } from '../harness/helpers.js';
import { spawnServer } from '../harness/server-process.js';

/** One attempt per call: a retry must not hide a request the killed server never answered. */
function client(endpoint: string, transport: 'h1' | 'h2'): KinesisClient {
  return new KinesisClient(clientConfig({ endpoint }, transport, { maxAttempts: 1 }));
}

describe('durability: a PutRecord answer means the record survives kill -9', () => {
  it('reads back every acknowledged record after SIGKILL right after the acknowledgements and a restart', async () => {
    const dataDir = tempDir('tributary-durability-');
    const first = await spawnServer(['--data-dir', dataDir]);
    const setup = client(first.endpoint, 'h1');
    await setup.send(new CreateStreamCommand({ StreamName: 'durable', ShardCount: 4 }));
    setup.destroy();

    /** data -> [shardId, sequenceNumber] of every acknowledged record. */
    const acked = new Map<string, [string, string]>();
    const TARGET = 400;
    let killed = false;
    const exited = once(first.child, 'exit');
    const ack = (data: string, shardId: string, seq: string): void => {
      acked.set(data, [shardId, seq]);
      // Kill in the same tick as the acknowledgement that reaches the target: writes still in flight die with it.
      if (acked.size >= TARGET && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    };
    const workers = Array.from({ length: 8 }, async (_, w) => {
      const k = client(first.endpoint, w % 2 === 0 ? 'h1' : 'h2');
      try {
        for (let i = 0; !killed; i++) {
          if (i % 3 === 2) {
            const batch = Array.from({ length: 5 }, (_, j) => `w${w}-b${i}-${j}`);
            const r = await k.send(
              new PutRecordsCommand({
                StreamName: 'durable',
                Records: batch.map((d) => ({ PartitionKey: d, Data: Buffer.from(d) })),
              }),
            );
            r.Records!.forEach((e, j) => ack(batch[j]!, e.ShardId!, e.SequenceNumber!));
          } else {
            const d = `w${w}-r${i}`;
            const r = await k.send(
              new PutRecordCommand({ StreamName: 'durable', PartitionKey: d, Data: Buffer.from(d) }),
            );
            ack(d, r.ShardId!, r.SequenceNumber!);
          }
        }
      } catch {
        // Requests in flight when the server died: never acknowledged, so nothing is promised about them.
      } finally {
        k.destroy();
      }
    });
    await Promise.all(workers);
    await exited;
    assert.equal(first.child.signalCode, 'SIGKILL');
    assert.ok(acked.size >= TARGET);

    const second = await spawnServer(['--data-dir', dataDir]);
    const k = client(second.endpoint, 'h2');
    try {
      const shards = (await k.send(new ListShardsCommand({ StreamName: 'durable' }))).Shards!;
      assert.equal(shards.length, 4);
      const found = new Map<string, [string, string]>();
      const lastSeq = new Map<string, bigint>();
      for (const s of shards) {
        let it = (
          await k.send(
            new GetShardIteratorCommand({
              StreamName: 'durable',
              ShardId: s.ShardId!,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
        for (;;) {
          const r = await k.send(new GetRecordsCommand({ ShardIterator: it! }));
          for (const rec of r.Records!) {
            found.set(Buffer.from(rec.Data!).toString(), [s.ShardId!, rec.SequenceNumber!]);
            lastSeq.set(s.ShardId!, BigInt(rec.SequenceNumber!));
          }
          if (r.Records!.length === 0) break;
          it = r.NextShardIterator;
        }
      }
      const missing = [...acked.keys()].filter((d) => !found.has(d));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged records lost`);
      for (const [d, where] of acked)
        assert.deepEqual(found.get(d), where, `${d} kept its shard and sequence number`);
      // Writing on after the restart never reuses a sequence number.
      for (const s of shards) {
        const r = await k.send(
          new PutRecordCommand({
            StreamName: 'durable',
            PartitionKey: 'after',
            ExplicitHashKey: s.HashKeyRange!.StartingHashKey,
            Data: Buffer.from('after'),
          }),
        );
        assert.equal(r.ShardId, s.ShardId);
        if (lastSeq.has(s.ShardId!))
          assert.ok(
            BigInt(r.SequenceNumber!) > lastSeq.get(s.ShardId!)!,
            `${s.ShardId} continues after its last record`,
          );
      }
    } finally {
      k.destroy();
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
  });
});
