import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  batchCut,
  buildPayload,
  encodeRecord,
  entryJson,
  payloadBytes,
  eventContext,
} from '../../src/mappings/engine/event-builder.js';
import { encodeBlock, RecordBlock } from '../../src/kinesis/record-block.js';
import { ShardSequence } from '../../src/kinesis/sequence-numbers.js';
import { StoredRecord } from '../../src/kinesis/stored-record.js';

const ctx = eventContext({
  shardId: 'shardId-000000000003',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
  region: 'us-east-1',
  role: 'arn:aws:iam::000000000000:role/lambda-role',
});

const KEYS = [
  'plain',
  'a-plain-key-longer-than-thirty-two-characters',
  'ключ',
  '🙂',
  'quote"and\\back',
  'ctl\u0001',
  'lone\ud800surrogate',
];

describe('Kinesis event builder', () => {
  it("writes AWS's record entry, with the exact UTF-8 size, for any partition key and data", () => {
    KEYS.forEach((partitionKey, i) => {
      const data = Buffer.from([i, 0xff, 0x00, 0x7b]);
      const sequenceNumber = `4959${String(i).padStart(52, '0')}`;
      const e = encodeRecord(
        { partitionKey, data: data.subarray(1), sequenceNumber, arrival: 1_545_084_650_987, position: i },
        ctx,
      );
      const json = entryJson(e, ctx);
      assert.equal(e.bytes, Buffer.byteLength(json), partitionKey);
      assert.deepEqual(JSON.parse(json), {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: JSON.parse(JSON.stringify(partitionKey)) as string,
          sequenceNumber,
          data: data.subarray(1).toString('base64'),
          approximateArrivalTimestamp: 1_545_084_650.987,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000003:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: ctx.role,
        awsRegion: 'us-east-1',
        eventSourceARN: ctx.streamArn,
      });
    });
  });

  it('knows the payload size before building it, and cuts batches at BatchSize', () => {
    const records = KEYS.map((partitionKey, i) =>
      encodeRecord(
        { partitionKey, data: Buffer.from('x'.repeat(i * 10)), sequenceNumber: '1', arrival: 0, position: i },
        ctx,
      ),
    );
    const payload = buildPayload(records, ctx);
    assert.equal(payload.length, payloadBytes(records));
    assert.deepEqual(
      payload,
      Buffer.from(`{"Records":[${records.map((r) => entryJson(r, ctx)).join(',')}]}`),
    );
    assert.equal((JSON.parse(payload.toString()) as { Records: unknown[] }).Records.length, KEYS.length);
    assert.equal(batchCut(records, 4), 4);
    assert.equal(batchCut(records, 100), KEYS.length);
  });

  it('writes the payload byte for byte as the text AWS sends, whatever the key, data length, arrival or ARNs', () => {
    // A role and stream with non-ASCII characters, so the fixed parts have more bytes than characters.
    const c = eventContext({
      shardId: 'shardId-000000000000',
      streamArn: 'arn:aws:kinesis:eu-west-1:000000000000:stream/zürich',
      region: 'eu-west-1',
      role: 'arn:aws:iam::000000000000:role/rôle',
    });
    const reference = (k: string, seq: string, data: Buffer, arrival: number): string =>
      `{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":${JSON.stringify(k)},"sequenceNumber":"${seq}",` +
      `"data":"${data.toString('base64')}","approximateArrivalTimestamp":${arrival / 1000}},` +
      `"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"${c.shardId}:${seq}",` +
      `"eventName":"aws:kinesis:record","invokeIdentityArn":${JSON.stringify(c.role)},` +
      `"awsRegion":"eu-west-1","eventSourceARN":${JSON.stringify(c.streamArn)}}`;
    const arrivals = [1_545_084_650_000, 1_545_084_650_100, 1_545_084_650_010, 1_545_084_650_987, 0, 999];
    const records = Array.from({ length: 24 }, (_, i) => ({
      partitionKey: KEYS[i % KEYS.length]!,
      data: Buffer.from(Array.from({ length: i % 7 }, (_, j) => (i * 31 + j * 7) & 0xff)),
      sequenceNumber: `49590338271490256608559692538361571095921575989136588${String(i).padStart(3, '0')}`,
      arrival: arrivals[i % arrivals.length]!,
      position: i,
    }));
    const encoded = records.map((r) => encodeRecord(r, c));
    const expected = `{"Records":[${records.map((r) => reference(r.partitionKey, r.sequenceNumber, r.data, r.arrival)).join(',')}]}`;
    const payload = buildPayload(encoded, c);
    assert.equal(payload.toString('utf8'), expected);
    assert.equal(payload.length, Buffer.byteLength(expected));
    assert.deepEqual(buildPayload([], c), Buffer.from('{"Records":[]}'));
  });

  it('writes the same bytes for records read from stored blocks as for the same records as plain objects', () => {
    const arrival = 1_545_084_650_010;
    const entries = Array.from({ length: 30 }, (_, i) => ({
      partitionKey: KEYS[i % KEYS.length]!,
      data: Buffer.from(Array.from({ length: (i * 7) % 11 }, (_, j) => (i * 13 + j * 29) & 0xff)),
    }));
    // Positions around a power of two, so a carry runs through the sequence number's digits inside the batch.
    const first = 2 ** 20 - 15;
    const block = RecordBlock.from(first, encodeBlock(entries, arrival));
    const sequence = new ShardSequence(3, 1_700_000_000_000, 1_700_000_000_000);
    const stored = entries.map((_, i) => new StoredRecord(block, i, sequence, first + i));
    const plain = stored.map((r) => ({
      partitionKey: r.partitionKey,
      sequenceNumber: sequence.format(r.position, arrival),
      data: Buffer.from(r.data),
      arrival,
      position: r.position,
    }));
    assert.equal(stored[14]!.sequenceNumber, plain[14]!.sequenceNumber);
    const fromBlock = stored.map((r) => encodeRecord(r, ctx));
    const fromPlain = plain.map((r) => encodeRecord(r, ctx));
    assert.deepEqual(
      fromBlock.map((e) => e.bytes),
      fromPlain.map((e) => e.bytes),
    );
    const payload = buildPayload(fromBlock, ctx);
    assert.deepEqual(payload, buildPayload(fromPlain, ctx));
    const parsed = JSON.parse(payload.toString()) as {
      Records: Array<{ kinesis: { partitionKey: string; sequenceNumber: string; data: string } }>;
    };
    assert.deepEqual(
      parsed.Records.map((r) => [r.kinesis.partitionKey, r.kinesis.sequenceNumber, r.kinesis.data]),
      entries.map((e, i) => [
        Buffer.from(e.partitionKey).toString(), // stored as UTF-8: a lone surrogate comes back as U+FFFD
        sequence.format(first + i, arrival),
        e.data.toString('base64'),
      ]),
    );
  });
});
