import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  batchCut,
  buildPayload,
  encodeRecord,
  payloadBytes,
  eventContext,
} from '../src/mappings/engine/event-builder.js';

const ctx = eventContext({
  shardId: 'shardId-000000000003',
  streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
  region: 'us-east-1',
  role: 'arn:aws:iam::000000000000:role/lambda-role',
});

const KEYS = ['plain', 'ключ', '🙂', 'quote"and\\back', 'ctl\u0001', 'lone\ud800surrogate'];

describe('Kinesis event builder', () => {
  it("writes AWS's record entry, with the exact UTF-8 size, for any partition key and data", () => {
    KEYS.forEach((partitionKey, i) => {
      const data = Buffer.from([i, 0xff, 0x00, 0x7b]);
      const sequenceNumber = `4959${String(i).padStart(52, '0')}`;
      const e = encodeRecord(
        { partitionKey, data: data.subarray(1), sequenceNumber, arrival: 1_545_084_650_987, position: i },
        ctx,
      );
      assert.equal(e.bytes, Buffer.byteLength(e.json), partitionKey);
      assert.deepEqual(JSON.parse(e.json), {
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
    const payload = buildPayload(records);
    assert.equal(payload.length, payloadBytes(records));
    // Byte for byte the UTF-8 of the joined entries (ASCII entries are copied as latin1, the others encoded).
    assert.deepEqual(payload, Buffer.from(`{"Records":[${records.map((r) => r.json).join(',')}]}`));
    assert.equal((JSON.parse(payload.toString()) as { Records: unknown[] }).Records.length, KEYS.length);
    assert.equal(batchCut(records, 4), 4);
    assert.equal(batchCut(records, 100), KEYS.length);
  });
});
