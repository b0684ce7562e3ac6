import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decode, encode, Tag } from 'cbor-x';
import type { App } from '../../src/app/app.js';
import { withServer } from '../harness/helpers.js';
import { rawKinesis } from './kinesis-fixtures.js';

const CBOR = 'application/x-amz-cbor-1.1';

/** A Kinesis call the way the Java SDK / KCL makes it: a CBOR body, a CBOR answer. */
async function cborCall(
  app: App,
  op: string,
  input: Record<string, unknown>,
): Promise<{ status: number; type: string | null; raw: Buffer; body: Record<string, unknown> }> {
  const res = await fetch(app.endpoint, {
    method: 'POST',
    headers: { 'content-type': CBOR, 'x-amz-target': `Kinesis_20131202.${op}` },
    body: encode(input),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    raw,
    body: decode(raw) as Record<string, unknown>,
  };
}

/** Every `key: tag(1) uint64` in a CBOR document, as the integers it carries (AWS: epoch milliseconds). */
function taggedTimestamps(raw: Buffer, key: string): number[] {
  const name = encode(key);
  const out: number[] = [];
  for (let i = raw.indexOf(name); i >= 0; i = raw.indexOf(name, i + 1)) {
    const at = i + name.length;
    assert.equal(raw[at], 0xc1, `${key} is tag 1`);
    assert.equal(raw[at + 1], 0x1b, `${key} is a uint64`);
    out.push(Number(raw.readBigUInt64BE(at + 2)));
  }
  return out;
}

describe('Kinesis over CBOR (application/x-amz-cbor-1.1)', () => {
  let app: App;
  withServer((a) => (app = a));

  it('writes and reads records with byte-string Data and epoch-millisecond timestamps under tag 1', async () => {
    const created = await cborCall(app, 'CreateStream', { StreamName: 'cbor', ShardCount: 1 });
    assert.equal(created.status, 200);
    assert.equal(created.type, CBOR);
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const t0 = Date.now();
    const put = await cborCall(app, 'PutRecord', { StreamName: 'cbor', PartitionKey: 'k', Data: bytes });
    assert.equal(put.status, 200);
    assert.equal(put.body['ShardId'], 'shardId-000000000000');
    assert.match(String(put.body['SequenceNumber']), /^\d{56}$/);
    const batch = await cborCall(app, 'PutRecords', {
      StreamName: 'cbor',
      Records: [{ PartitionKey: 'k', Data: Buffer.from('second') }],
    });
    assert.equal((batch.body['Records'] as unknown[]).length, 1);
    const t1 = Date.now();

    const it = await cborCall(app, 'GetShardIterator', {
      StreamName: 'cbor',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const got = await cborCall(app, 'GetRecords', { ShardIterator: it.body['ShardIterator'], Limit: 10 });
    assert.equal(got.status, 200);
    assert.equal(got.type, CBOR);
    const records = got.body['Records'] as Array<Record<string, unknown>>;
    assert.equal(records.length, 2);
    assert.ok(Buffer.isBuffer(records[0]!['Data']), 'Data is a CBOR byte string, not base64 text');
    assert.deepEqual(records[0]!['Data'], bytes);
    assert.equal(records[0]!['SequenceNumber'], put.body['SequenceNumber']);
    const stamps = taggedTimestamps(got.raw, 'ApproximateArrivalTimestamp');
    assert.equal(stamps.length, 2);
    for (const ms of stamps) assert.ok(ms >= t0 && ms <= t1, `${ms} is epoch ms between ${t0} and ${t1}`);
    assert.equal(typeof got.body['MillisBehindLatest'], 'number');

    // The same read over JSON gives the same bytes, with the timestamp as epoch seconds.
    const jsonIt = await rawKinesis(
      app,
      'GetShardIterator',
      JSON.stringify({
        StreamName: 'cbor',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const json = await rawKinesis(
      app,
      'GetRecords',
      JSON.stringify({ ShardIterator: jsonIt.json!['ShardIterator'] }),
    );
    const jr = (json.json!['Records'] as Array<Record<string, unknown>>)[0]!;
    assert.equal(jr['Data'], bytes.toString('base64'));
    assert.equal(Math.round((jr['ApproximateArrivalTimestamp'] as number) * 1000), stamps[0]);

    const summary = await cborCall(app, 'DescribeStreamSummary', { StreamName: 'cbor' });
    const created1 = taggedTimestamps(summary.raw, 'StreamCreationTimestamp');
    assert.equal(created1.length, 1);
    assert.ok(created1[0]! <= t0 && created1[0]! > t0 - 60_000);
  });

  it('reads AT_TIMESTAMP given as tag 1 around epoch milliseconds, as the Java SDK sends it', async () => {
    await cborCall(app, 'CreateStream', { StreamName: 'cbor-ts', ShardCount: 1 });
    await cborCall(app, 'PutRecord', {
      StreamName: 'cbor-ts',
      PartitionKey: 'k',
      Data: Buffer.from('early'),
    });
    const first = await cborCall(app, 'GetShardIterator', {
      StreamName: 'cbor-ts',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const early = await cborCall(app, 'GetRecords', { ShardIterator: first.body['ShardIterator'] });
    const earlyMs = taggedTimestamps(early.raw, 'ApproximateArrivalTimestamp')[0]!;
    const ask = (ms: number): Promise<{ body: Record<string, unknown> }> =>
      cborCall(app, 'GetShardIterator', {
        StreamName: 'cbor-ts',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Tag(BigInt(ms), 1),
      });
    const atEarly = await ask(earlyMs);
    assert.equal(
      (
        (await cborCall(app, 'GetRecords', { ShardIterator: atEarly.body['ShardIterator'] })).body[
          'Records'
        ] as unknown[]
      ).length,
      1,
    );
    const afterEarly = await ask(earlyMs + 1);
    assert.equal(
      (
        (await cborCall(app, 'GetRecords', { ShardIterator: afterEarly.body['ShardIterator'] })).body[
          'Records'
        ] as unknown[]
      ).length,
      0,
    );
  });

  it('answers errors in CBOR too', async () => {
    const missing = await cborCall(app, 'DescribeStream', { StreamName: 'nope' });
    assert.equal(missing.status, 400);
    assert.equal(missing.type, CBOR);
    assert.deepEqual(missing.body, {
      __type: 'ResourceNotFoundException',
      message: 'Stream nope under account 000000000000 not found.',
    });
    const res = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': CBOR, 'x-amz-target': 'Kinesis_20131202.PutRecord' },
      body: Buffer.from([0xbf, 0x61, 0x41, 0xff, 0xff, 0x1c]),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
    const body = decode(Buffer.from(await res.arrayBuffer())) as Record<string, unknown>;
    assert.equal(body['__type'], 'SerializationException');
    const wrongType = await cborCall(app, 'PutRecord', {
      StreamName: 'cbor-ts',
      PartitionKey: 'k',
      Data: 42,
    });
    assert.equal(wrongType.body['__type'], 'SerializationException');
  });
});
