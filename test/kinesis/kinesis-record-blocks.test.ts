import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { BlockCache } from '../../src/kinesis/block-cache.js';
import { blockRecordBytes, encodeBlock, RecordBlock } from '../../src/kinesis/record-block.js';
import { recordsJson } from '../../src/kinesis/records-json.js';
import { ShardSequence } from '../../src/kinesis/sequence-numbers.js';
import { ShardLog } from '../../src/kinesis/shard-log.js';
import { LmdbStore } from '../../src/store/lmdb-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import type { App } from '../../src/app/app.js';
import { kinesisClient, startTestServer, tempDir, transports } from '../harness/helpers.js';
import { createStream } from './kinesis-fixtures.js';

const KEYS = ['a', 'ключ', '🙂 emoji', 'quote"back\\slash', 'tab\there', 'x'.repeat(256), '\u0001ctl'];

describe('record blocks', () => {
  it('round-trip keys (UTF-8, escapes, 256 chars) and data (empty, binary, 1 MiB) with one arrival time', () => {
    const entries = [
      ...KEYS.map((k, i) => ({ partitionKey: k, data: Buffer.from([i, 0, 255, 10]) })),
      { partitionKey: 'empty', data: Buffer.alloc(0) },
      { partitionKey: 'big', data: Buffer.alloc(1024 * 1024, 7) },
    ];
    const buf = encodeBlock(entries, 1_700_000_000_123);
    const b = RecordBlock.from(40, buf);
    assert.equal(
      blockRecordBytes(buf),
      entries.reduce((n, e) => n + e.data.length + Buffer.byteLength(e.partitionKey), 0),
    );
    assert.equal(b.count, entries.length);
    assert.equal(b.first, 40);
    assert.equal(b.last, 40 + entries.length - 1);
    assert.equal(b.arrival, 1_700_000_000_123);
    entries.forEach((e, i) => {
      assert.equal(b.partitionKey(i), e.partitionKey);
      assert.deepEqual(b.data(i), e.data);
      assert.equal(b.size(i), e.data.length + Buffer.byteLength(e.partitionKey));
    });
  });

  it('decode a record stored before blocks ({ d, k, t }) as a block of one', () => {
    const b = RecordBlock.from(7, { d: Buffer.from('old'), k: 'legacy', t: 1234 });
    assert.deepEqual([b.first, b.count, b.arrival, b.partitionKey(0)], [7, 1, 1234, 'legacy']);
    assert.equal(b.data(0).toString(), 'old');
  });

  it('write GetRecords JSON byte for byte as JSON.stringify would', () => {
    const entries = KEYS.map((k, i) => ({ partitionKey: k, data: Buffer.from(`payload ${i} \u00e9`) }));
    const block = RecordBlock.from(0, encodeBlock(entries, 1_700_000_000_001));
    const sequence = new ShardSequence(0, 1_600_000_000_000, 1_600_000_000_000);
    const json = recordsJson([{ block, start: 1, end: entries.length }], sequence);
    const expected = JSON.stringify(
      entries.slice(1).map((e, j) => ({
        SequenceNumber: sequence.format(j + 1, 1_700_000_000_001),
        ApproximateArrivalTimestamp: 1_700_000_000.001,
        Data: e.data.toString('base64'),
        PartitionKey: e.partitionKey,
      })),
    );
    assert.equal(json.toString('utf8'), expected);
  });
});

const engines: Array<[string, () => Store]> = [
  ['memory', () => new MemoryStore()],
  ['lmdb', () => new LmdbStore(tempDir())],
];

for (const [engine, open] of engines) {
  describe(`shard logs on the ${engine} store`, () => {
    const store = open();
    after(() => store.close());

    it('floor() finds the entry covering a position', async () => {
      await store.append('floor', [
        { seq: 0, value: 'a' },
        { seq: 10, value: 'b' },
      ]);
      assert.equal(store.floor('floor', -1), undefined);
      assert.deepEqual(store.floor('floor', 0), { seq: 0, value: 'a' });
      assert.deepEqual(store.floor('floor', 9), { seq: 0, value: 'a' });
      assert.deepEqual(store.floor('floor', 10), { seq: 10, value: 'b' });
      assert.deepEqual(store.floor('floor', 1e12), { seq: 10, value: 'b' });
      assert.equal(store.floor('other', 5), undefined);
    });

    it('scan from inside a block, across blocks and an old single-record entry, within limit and bytes', async () => {
      const log = new ShardLog(store, 'scan');
      // Position 0 as a pre-block version wrote it, then blocks of 3 and 4 records.
      await store.append('scan', [{ seq: 0, value: { d: Buffer.from('r0'), k: 'k0', t: 100 } }]);
      await log.append(
        1,
        ['r1', 'r2', 'r3'].map((d, i) => ({ data: Buffer.from(d), partitionKey: `k${i + 1}` })),
        200,
      );
      const last4 = ['r4', 'r5', 'r6', 'r7'];
      await log.append(
        4,
        last4.map((d, i) => ({ data: Buffer.from(d), partitionKey: `k${i + 4}` })),
        300,
      );
      const fresh = new ShardLog(store, 'scan'); // no cached blocks
      const positions = (r: ReturnType<ShardLog['scan']>): string[] =>
        r.slices.flatMap(({ block, start, end }) =>
          Array.from({ length: end - start }, (_, j) => block.data(start + j).toString()),
        );
      assert.deepEqual(positions(fresh.scan(0, 7, 100, Infinity)), [
        'r0',
        'r1',
        'r2',
        'r3',
        'r4',
        'r5',
        'r6',
        'r7',
      ]);
      const mid = fresh.scan(2, 7, 3, Infinity);
      assert.deepEqual(positions(mid), ['r2', 'r3', 'r4']);
      assert.equal(mid.next, 5);
      assert.equal(mid.count, 3);
      assert.equal(mid.bytes, 12);
      // Only durable positions are visible: `to` stops the scan inside the data the store holds.
      assert.deepEqual(positions(fresh.scan(5, 5, 100, Infinity)), ['r5']);
      // maxBytes stops before the record that would exceed it, but one record always comes back.
      assert.deepEqual(positions(fresh.scan(1, 7, 100, 8)), ['r1', 'r2']);
      assert.deepEqual(positions(fresh.scan(1, 7, 100, 1)), ['r1']);
      assert.equal(fresh.scan(8, 7, 100, Infinity).next, 8);
      assert.equal(fresh.lastBlock()?.last, 7);
      assert.equal(fresh.blockAt(6)?.arrival, 300);
      assert.equal(fresh.blockAt(0)?.arrival, 100);
    });

    it('keeps the cached blocks of all shard logs within one budget, and reads dropped blocks from the store', async () => {
      const block = (first: number, text: string): Array<{ data: Buffer; partitionKey: string }> => [
        { data: Buffer.from(text.repeat(100)), partitionKey: `k${first}` },
      ];
      const size = encodeBlock(block(0, 'a'), 1).length;
      // Room for three blocks: six shards appending one block each keep only the three most recent.
      const cache = new BlockCache(3 * size);
      // The logs see the store through a view that counts lookups (a block is found with floor(), further
      // blocks with read()).
      let lookups = 0;
      const counted = new Proxy(store, {
        get(target, prop) {
          const v: unknown = Reflect.get(target, prop, target);
          if (typeof v !== 'function') return v;
          return (...args: unknown[]): unknown => {
            if (prop === 'read' || prop === 'floor') lookups++;
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const logs = Array.from({ length: 6 }, (_, i) => new ShardLog(counted, `budget-${i}`, cache));
      for (const [i, log] of logs.entries()) {
        await log.append(0, block(0, String(i)), 1);
        assert.ok(cache.bytes <= 3 * size, `${cache.bytes} bytes cached after ${i + 1} appends`);
      }
      assert.equal(cache.bytes, 3 * size);
      const text = (log: ShardLog): string => {
        const slice = log.scan(0, 0, 10, Infinity).slices[0]!;
        return slice.block.data(slice.start).toString().slice(0, 1);
      };
      // The three newest come from the cache, each of the three oldest from the store.
      for (const i of [3, 4, 5]) assert.equal(text(logs[i]!), String(i));
      assert.equal(lookups, 0);
      for (const i of [0, 1, 2]) assert.equal(text(logs[i]!), String(i));
      assert.ok(lookups >= 3, `${lookups} store lookups for three dropped blocks`);
      assert.ok(cache.bytes <= 3 * size);
      // Forgetting a log releases its share of the budget.
      const before = cache.bytes;
      logs[2]!.forget();
      assert.equal(cache.bytes, before - size);
    });
  });
}

describe('GetRecords across many stored blocks (lmdb)', () => {
  it('returns every record of 40 puts intact from one read of many blocks, and again after a restart', async () => {
    const dataDir = tempDir();
    let app = await startTestServer({ dataDir });
    let k = kinesisClient(app, 'h1');
    try {
      const [shard] = await createStream(k, 'many', 1);
      const expected: string[] = [];
      for (let p = 0; p < 40; p++) {
        const Records = Array.from({ length: 50 }, (_, i) => ({
          PartitionKey: `k${p}-${i}`,
          Data: Buffer.from(`put ${p} record ${i} `.repeat(1 + ((p + i) % 7))),
        }));
        expected.push(...Records.map((r) => r.Data.toString()));
        await k.send(new PutRecordsCommand({ StreamName: 'many', Records }));
      }
      const readAll = async (): Promise<string[]> => {
        const it = await k.send(
          new GetShardIteratorCommand({
            StreamName: 'many',
            ShardId: shard!.ShardId!,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        const r = await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
        return r.Records!.map((x) => Buffer.from(x.Data!).toString());
      };
      assert.deepEqual(await readAll(), expected);
      k.destroy();
      await app.close();
      app = await startTestServer({ dataDir });
      k = kinesisClient(app, 'h1');
      assert.deepEqual(await readAll(), expected);
    } finally {
      k.destroy();
      await app.close();
    }
  });
});

for (const transport of transports) {
  describe(`GetRecords inside stored blocks over ${transport}`, () => {
    let app: App;
    let k: KinesisClient;
    after(async () => {
      k.destroy();
      await app.close();
    });

    it('pages through a 500-record put with small limits and starts AT/AFTER a sequence number mid-block', async () => {
      app = await startTestServer();
      k = kinesisClient(app, transport);
      const [shard] = await createStream(k, 'blocks', 1);
      await k.send(
        new PutRecordCommand({ StreamName: 'blocks', PartitionKey: 'p', Data: Buffer.from('before') }),
      );
      const put = await k.send(
        new PutRecordsCommand({
          StreamName: 'blocks',
          Records: Array.from({ length: 500 }, (_, i) => ({
            PartitionKey: `key-${i}`,
            Data: Buffer.from(`r${i}`),
          })),
        }),
      );
      await k.send(
        new PutRecordCommand({ StreamName: 'blocks', PartitionKey: 'p', Data: Buffer.from('after') }),
      );
      const seen: string[] = [];
      let it = (
        await k.send(
          new GetShardIteratorCommand({
            StreamName: 'blocks',
            ShardId: shard!.ShardId!,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      for (;;) {
        const r = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 37 }));
        seen.push(...r.Records!.map((x) => Buffer.from(x.Data!).toString()));
        if (r.Records!.length === 0) break;
        it = r.NextShardIterator;
      }
      assert.deepEqual(seen, ['before', ...Array.from({ length: 500 }, (_, i) => `r${i}`), 'after']);
      const at = put.Records![250]!.SequenceNumber!;
      for (const [type, first] of [
        ['AT_SEQUENCE_NUMBER', 'r250'],
        ['AFTER_SEQUENCE_NUMBER', 'r251'],
      ] as const) {
        const i = await k.send(
          new GetShardIteratorCommand({
            StreamName: 'blocks',
            ShardId: shard!.ShardId!,
            ShardIteratorType: type,
            StartingSequenceNumber: at,
          }),
        );
        const r = await k.send(new GetRecordsCommand({ ShardIterator: i.ShardIterator, Limit: 2 }));
        assert.equal(Buffer.from(r.Records![0]!.Data!).toString(), first);
        assert.equal(r.Records![0]!.PartitionKey, first.replace('r', 'key-'));
      }
    });
  });
}
