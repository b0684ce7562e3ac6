import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { ITERATOR_TTL_MS } from '../../src/kinesis/iterators.js';
import {
  kinesisClient,
  startTestServer,
  transports,
  waitFor,
  withKinesisServer,
} from '../harness/helpers.js';
import { createStream, expectAwsError } from './kinesis-fixtures.js';
import { hooks } from '../harness/hooks.js';

/** MD5 of the key's UTF-8 bytes as an unsigned 128-bit integer: the shard routing rule. */
function md5Hash(key: string): bigint {
  return BigInt('0x' + createHash('md5').update(key, 'utf8').digest('hex'));
}

function shardFor(shards: Shard[], hash: bigint): string {
  const s = shards.find(
    (sh) =>
      BigInt(sh.HashKeyRange!.StartingHashKey!) <= hash && hash <= BigInt(sh.HashKeyRange!.EndingHashKey!),
  );
  assert.ok(s, `no shard covers ${hash}`);
  return s.ShardId!;
}

async function iterator(
  k: KinesisClient,
  stream: string,
  shardId: string,
  type: 'TRIM_HORIZON' | 'LATEST',
): Promise<string> {
  const r = await k.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: type }),
  );
  return r.ShardIterator!;
}

const text = (d: Uint8Array | undefined): string => Buffer.from(d ?? []).toString();

for (const transport of transports) {
  describe(`Kinesis records over ${transport === 'h2' ? 'HTTP/2 (SDK default)' : 'HTTP/1.1 (NodeHttpHandler)'}`, () => {
    let app: App;
    let k: KinesisClient;
    withKinesisServer(transport, (a, client) => ((app = a), (k = client)));

    it('routes each record to the shard whose hash range holds MD5(partition key), or its ExplicitHashKey', async () => {
      const shards = await createStream(k, 'routing', 4);
      assert.deepEqual(
        shards.map((s) => s.ShardId),
        ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'],
      );
      assert.equal(shards[0]!.HashKeyRange!.StartingHashKey, '0');
      assert.equal(shards[3]!.HashKeyRange!.EndingHashKey, ((1n << 128n) - 1n).toString());
      for (let i = 0; i < 40; i++) {
        const key = `user-${i}`;
        const r = await k.send(
          new PutRecordCommand({ StreamName: 'routing', PartitionKey: key, Data: Buffer.from(key) }),
        );
        assert.equal(r.ShardId, shardFor(shards, md5Hash(key)), key);
        assert.equal(r.EncryptionType, 'NONE');
      }
      // ExplicitHashKey wins over the partition key: the top of the key space is the last shard.
      const explicit = await k.send(
        new PutRecordCommand({
          StreamName: 'routing',
          PartitionKey: 'user-0',
          ExplicitHashKey: ((1n << 128n) - 1n).toString(),
          Data: Buffer.from('x'),
        }),
      );
      assert.equal(explicit.ShardId, 'shardId-000000000003');
      const low = await k.send(
        new PutRecordsCommand({
          StreamName: 'routing',
          Records: [{ PartitionKey: 'user-3', ExplicitHashKey: '0', Data: Buffer.from('y') }],
        }),
      );
      assert.equal(low.Records![0]!.ShardId, 'shardId-000000000000');
    });

    it('gives 56-digit sequence numbers that increase within a shard; PutRecords answers in request order', async () => {
      const [shard] = await createStream(k, 'seq', 1);
      const first = await k.send(
        new PutRecordCommand({ StreamName: 'seq', PartitionKey: 'p', Data: Buffer.from('0') }),
      );
      const batch = await k.send(
        new PutRecordsCommand({
          StreamName: 'seq',
          Records: Array.from({ length: 500 }, (_, i) => ({
            PartitionKey: `k${i}`,
            Data: Buffer.from(String(i + 1)),
          })),
        }),
      );
      assert.equal(batch.FailedRecordCount, 0);
      assert.equal(batch.Records!.length, 500);
      const seqs = [first.SequenceNumber!, ...batch.Records!.map((r) => r.SequenceNumber!)];
      for (const s of seqs) assert.match(s, /^[1-9]\d{55}$/);
      for (let i = 1; i < seqs.length; i++)
        assert.ok(BigInt(seqs[i - 1]!) < BigInt(seqs[i]!), `sequence ${i} increases`);
      const got = await k.send(
        new GetRecordsCommand({ ShardIterator: await iterator(k, 'seq', shard!.ShardId!, 'TRIM_HORIZON') }),
      );
      assert.deepEqual(
        got.Records!.map((r) => text(r.Data)),
        Array.from({ length: 501 }, (_, i) => String(i)),
      );
      assert.deepEqual(
        got.Records!.map((r) => r.SequenceNumber),
        seqs,
      );
      assert.ok(BigInt(shard!.SequenceNumberRange!.StartingSequenceNumber!) <= BigInt(seqs[0]!));
    });

    it('serves all five iterator types', async () => {
      const [shard] = await createStream(k, 'types', 1);
      const shardId = shard!.ShardId!;
      const put = async (d: string): Promise<string> =>
        (await k.send(new PutRecordCommand({ StreamName: 'types', PartitionKey: 'p', Data: Buffer.from(d) })))
          .SequenceNumber!;
      const latestBefore = await iterator(k, 'types', shardId, 'LATEST');
      const s1 = await put('one');
      const s2 = await put('two');
      const firstRead = await k.send(
        new GetRecordsCommand({ ShardIterator: await iterator(k, 'types', shardId, 'TRIM_HORIZON') }),
      );
      const arrival2 = firstRead.Records![1]!.ApproximateArrivalTimestamp!.getTime();
      // A timestamp strictly after record two's arrival, so AT_TIMESTAMP must start at record three.
      await waitFor(() => Date.now() > arrival2 + 2, 5000, 'the clock to pass record two');
      const between = new Date(Date.now());
      const s3 = await put('three');
      const read = async (it: string): Promise<string[]> =>
        (await k.send(new GetRecordsCommand({ ShardIterator: it }))).Records!.map((r) => text(r.Data));
      const byType = async (
        type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER',
        seq: string,
      ): Promise<string[]> =>
        read(
          (
            await k.send(
              new GetShardIteratorCommand({
                StreamName: 'types',
                ShardId: shardId,
                ShardIteratorType: type,
                StartingSequenceNumber: seq,
              }),
            )
          ).ShardIterator!,
        );
      assert.deepEqual(
        await read(latestBefore),
        ['one', 'two', 'three'],
        'LATEST taken before the puts sees them',
      );
      assert.deepEqual(
        await read(await iterator(k, 'types', shardId, 'LATEST')),
        [],
        'LATEST now sees nothing old',
      );
      assert.deepEqual(await read(await iterator(k, 'types', shardId, 'TRIM_HORIZON')), [
        'one',
        'two',
        'three',
      ]);
      assert.deepEqual(await byType('AT_SEQUENCE_NUMBER', s2), ['two', 'three']);
      assert.deepEqual(await byType('AFTER_SEQUENCE_NUMBER', s2), ['three']);
      assert.deepEqual(await byType('AFTER_SEQUENCE_NUMBER', s1), ['two', 'three']);
      assert.deepEqual(await byType('AT_SEQUENCE_NUMBER', s3), ['three']);
      const atTs = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'types',
          ShardId: shardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: between,
        }),
      );
      assert.deepEqual(await read(atTs.ShardIterator!), ['three']);
      const atZero = await k.send(
        new GetShardIteratorCommand({
          StreamName: 'types',
          ShardId: shardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(0),
        }),
      );
      assert.deepEqual(await read(atZero.ShardIterator!), ['one', 'two', 'three']);
    });

    it('pages with Limit and NextShardIterator, and reports MillisBehindLatest while behind', async () => {
      const [shard] = await createStream(k, 'paging', 1);
      await k.send(
        new PutRecordsCommand({
          StreamName: 'paging',
          Records: ['a', 'b', 'c', 'd', 'e'].map((d) => ({ PartitionKey: d, Data: Buffer.from(d) })),
        }),
      );
      let it = await iterator(k, 'paging', shard!.ShardId!, 'TRIM_HORIZON');
      const seen: string[] = [];
      const behind: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 2 }));
        assert.ok(r.Records!.length <= 2);
        seen.push(...r.Records!.map((x) => text(x.Data)));
        behind.push(r.MillisBehindLatest!);
        assert.ok(r.NextShardIterator, 'an open shard always has a next iterator');
        assert.notEqual(r.NextShardIterator, it);
        it = r.NextShardIterator!;
      }
      assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
      assert.ok(behind[0]! > 0 && behind[1]! > 0, `behind while records remain: ${behind.join(',')}`);
      assert.equal(behind[2], 0, 'caught up after the last page');
      const empty = await k.send(new GetRecordsCommand({ ShardIterator: it }));
      assert.deepEqual(empty.Records, []);
      assert.equal(empty.MillisBehindLatest, 0);
      // The iterator picks up records written after it was issued.
      await k.send(new PutRecordCommand({ StreamName: 'paging', PartitionKey: 'f', Data: Buffer.from('f') }));
      const later = await k.send(new GetRecordsCommand({ ShardIterator: empty.NextShardIterator! }));
      assert.deepEqual(
        later.Records!.map((x) => text(x.Data)),
        ['f'],
      );
    });

    it('answers ExpiredIteratorException for an iterator older than five minutes', async () => {
      const [shard] = await createStream(k, 'expiry', 1);
      const salt = hooks(app).streams.get('expiry').createdAt;
      const codec = hooks(app).kinesisContext.iterators;
      const state = { stream: 'expiry', salt, shardId: shard!.ShardId!, position: 0 };
      const fresh = codec.encode({ ...state, issuedAt: Date.now() - ITERATOR_TTL_MS + 60_000 });
      assert.deepEqual((await k.send(new GetRecordsCommand({ ShardIterator: fresh }))).Records, []);
      const old = codec.encode({ ...state, issuedAt: Date.now() - ITERATOR_TTL_MS - 1000 });
      await expectAwsError(
        k.send(new GetRecordsCommand({ ShardIterator: old })),
        'ExpiredIteratorException',
        /^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is .* which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
      );
    });

    it('keeps records for the retention period: 24 hours by default, longer once increased', async () => {
      const [s24] = await createStream(k, 'keep24', 1);
      const [s48] = await createStream(k, 'keep48', 1);
      await k.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: 'keep48', RetentionPeriodHours: 48 }),
      );
      const d = await k.send(new DescribeStreamCommand({ StreamName: 'keep24' }));
      assert.equal(d.StreamDescription!.RetentionPeriodHours, 24);
      for (const s of ['keep24', 'keep48'])
        await k.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'p', Data: Buffer.from('old') }));
      const count = async (s: string, shardId: string): Promise<number> =>
        (
          await k.send(
            new GetRecordsCommand({ ShardIterator: await iterator(k, s, shardId, 'TRIM_HORIZON') }),
          )
        ).Records!.length;
      await hooks(app).streams.trimExpired(Date.now() + 23 * 3_600_000);
      assert.equal(await count('keep24', s24!.ShardId!), 1, 'younger than 24 h: kept');
      await hooks(app).streams.trimExpired(Date.now() + 25 * 3_600_000);
      assert.equal(await count('keep24', s24!.ShardId!), 0, 'older than 24 h: trimmed');
      assert.equal(await count('keep48', s48!.ShardId!), 1, 'retention 48 h keeps it');
      await hooks(app).streams.trimExpired(Date.now() + 49 * 3_600_000);
      assert.equal(await count('keep48', s48!.ShardId!), 0);
    });
  });
}

describe('GetRecords size cap', () => {
  it('returns at most 10 MiB per call and the rest on the next call', async () => {
    await using app = await startTestServer();
    const k = kinesisClient(app, 'h1');
    const [shard] = await createStream(k, 'big', 1);
    const blob = Buffer.alloc(1024 * 1024 - 1, 7);
    for (let i = 0; i < 11; i++)
      await k.send(new PutRecordCommand({ StreamName: 'big', PartitionKey: 'p', Data: blob }));
    const first = await k.send(
      new GetRecordsCommand({ ShardIterator: await iterator(k, 'big', shard!.ShardId!, 'TRIM_HORIZON') }),
    );
    const bytes = first.Records!.reduce((n, r) => n + r.Data!.length + r.PartitionKey!.length, 0);
    assert.ok(bytes <= 10 * 1024 * 1024, `${bytes} bytes`);
    assert.equal(first.Records!.length, 10);
    assert.ok(first.MillisBehindLatest! > 0);
    const rest = await k.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator! }));
    assert.equal(rest.Records!.length, 1);
    k.destroy();
  });
});
