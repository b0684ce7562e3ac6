import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { withKinesisServer } from '../harness/helpers.js';

/**
 * PutRecords accepts ordinary requests on a fast path and sends everything else through full validation
 * (src/kinesis/actions/put-records.ts). These cases sit on the edges between the two: each must get the
 * same answer AWS gives, whichever path it takes.
 */
describe('PutRecords at the limits of its entries', () => {
  let k: KinesisClient;
  withKinesisServer('h1', (_, client) => (k = client));
  before(async () => {
    await k.send(new CreateStreamCommand({ StreamName: 'edges', ShardCount: 2 }));
  });

  /** Every record of the stream, shard by shard, from TRIM_HORIZON. */
  async function readAll(): Promise<_Record[]> {
    const shards = await k.send(new ListShardsCommand({ StreamName: 'edges' }));
    const out: _Record[] = [];
    for (const s of shards.Shards!) {
      const it = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'edges',
          ShardId: s.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const got = await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
      out.push(...got.Records!);
    }
    return out;
  }

  it('accepts keys of 256 characters counted as code points, empty data, an ExplicitHashKey among plain entries', async () => {
    const emoji256 = '\u{1F600}'.repeat(256); // 512 UTF-16 units, 256 characters
    const entries: PutRecordsRequestEntry[] = [
      { PartitionKey: 'a'.repeat(256), Data: Buffer.from('ascii-256') },
      { PartitionKey: emoji256, Data: Buffer.from('emoji-256') },
      { PartitionKey: 'empty', Data: new Uint8Array(0) },
      { PartitionKey: 'explicit', ExplicitHashKey: '0', Data: Buffer.from('to-shard-0') },
    ];
    const r = await k.send(new PutRecordsCommand({ StreamName: 'edges', Records: entries }));
    assert.equal(r.FailedRecordCount, 0);
    assert.equal(r.Records!.length, 4);
    assert.equal(
      r.Records![3]!.ShardId,
      'shardId-000000000000',
      'ExplicitHashKey 0 routes to the first shard',
    );
    const stored = await readAll();
    for (const e of entries) {
      const found = stored.find((s) => s.PartitionKey === e.PartitionKey);
      assert.ok(found, `record with key of length ${e.PartitionKey!.length} stored`);
      assert.deepEqual(Buffer.from(found.Data!), Buffer.from(e.Data!));
    }
  });

  it('reads back keys that need JSON escaping, binary data and arrival times exactly (GetRecords writes its JSON by hand)', async () => {
    const keys = ['q"uote', 'back\\slash', 'ctl\u0001\n\t', 'line\u2028sep', '</script>', 'ünï', '\u{1F600}'];
    const data = keys.map((_, i) => Buffer.from([0, 255, 10, 34, 92, i]));
    const t0 = Date.now();
    const r = await k.send(
      new PutRecordsCommand({
        StreamName: 'edges',
        Records: keys.map((PartitionKey, i) => ({ PartitionKey, Data: data[i] })),
      }),
    );
    const t1 = Date.now();
    assert.equal(r.FailedRecordCount, 0);
    const got = new Map<string, { data: Buffer; at: Date; seq: string }>();
    for (const rec of await readAll()) {
      got.set(rec.PartitionKey!, {
        data: Buffer.from(rec.Data!),
        at: rec.ApproximateArrivalTimestamp!,
        seq: rec.SequenceNumber!,
      });
    }
    keys.forEach((key, i) => {
      const g = got.get(key);
      assert.ok(g, `key ${JSON.stringify(key)} read back`);
      assert.deepEqual(g.data, data[i]);
      assert.ok(
        g.at.getTime() >= t0 - 1 && g.at.getTime() <= t1 + 1,
        'arrival time within the put, to the millisecond',
      );
      assert.equal(g.seq, r.Records![i]!.SequenceNumber);
    });
  });

  it('rejects a 257-character key with a ValidationException naming the entry, writing nothing', async () => {
    const before = (await readAll()).length;
    const entries: PutRecordsRequestEntry[] = [
      { PartitionKey: 'ok', Data: Buffer.from('x') },
      { PartitionKey: '\u{1F600}'.repeat(257), Data: Buffer.from('y') },
    ];
    await assert.rejects(
      k.send(new PutRecordsCommand({ StreamName: 'edges', Records: entries })),
      (e: Error) => {
        assert.equal(e.name, 'ValidationException');
        assert.match(e.message, /records\.2\.member\.partitionKey/);
        assert.match(e.message, /Member must have length less than or equal to 256/);
        return true;
      },
    );
    assert.equal((await readAll()).length, before);
  });

  it('rejects a record over 1 MiB of data plus key as InvalidArgumentException, and accepts one at exactly 1 MiB', async () => {
    const key = 'k';
    const exact = Buffer.alloc(1024 * 1024 - key.length, 7);
    const ok = await k.send(
      new PutRecordsCommand({ StreamName: 'edges', Records: [{ PartitionKey: key, Data: exact }] }),
    );
    assert.equal(ok.FailedRecordCount, 0);
    const over = Buffer.alloc(1024 * 1024 - key.length + 1, 7);
    await assert.rejects(
      k.send(new PutRecordsCommand({ StreamName: 'edges', Records: [{ PartitionKey: key, Data: over }] })),
      (e: Error) => e.name === 'InvalidArgumentException',
    );
  });
});
