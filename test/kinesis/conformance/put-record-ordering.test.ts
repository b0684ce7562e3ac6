import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../../src/app/app.js';
import { kinesisClient, transports, withServer } from '../../harness/helpers.js';
import { createStream, expectAwsError } from '../kinesis-fixtures.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * PutRecord's SequenceNumberForOrdering: a sequence number the service cannot read is refused, after the stream
 * is looked up, with "ExclusiveMinimumSequenceNumber X used in PutRecord on stream S under account A is
 * invalid." (kinesalite's PutRecord tests, recorded against AWS); the sequence number of the previous record
 * is accepted and the new record's is greater.
 */

const ACCOUNT = '000000000000';
const invalid = (seq: string, stream: string): string =>
  `ExclusiveMinimumSequenceNumber ${seq} used in PutRecord on stream ${stream} under account ${ACCOUNT} is invalid.`;

/** Pattern-valid numbers that no stream of ours issued: zero, too short, too long, another service's layout. */
const UNREADABLE = [
  '0',
  '1',
  '49',
  '9'.repeat(57),
  BigInt('0x20000000000000000000000000000000000000000000000').toString(),
  BigInt('0x13bb2cc3d80000000000000000000000').toString(),
];

async function recordCount(k: KinesisClient, stream: string): Promise<number> {
  const { ShardIterator } = await k.send(
    new GetShardIteratorCommand({
      StreamName: stream,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  return (await k.send(new GetRecordsCommand({ ShardIterator }))).Records?.length ?? 0;
}

describe('conformance: PutRecord SequenceNumberForOrdering', () => {
  let app: App;
  withServer((a) => (app = a));

  for (const transport of transports) {
    it(`accepts the previous record's number and refuses unreadable ones, storing nothing (${transport})`, async () => {
      const k = kinesisClient(app, transport);
      const stream = `order-${transport}`;
      try {
        await createStream(k, stream);
        const first = await k.send(
          new PutRecordCommand({ StreamName: stream, PartitionKey: 'a', Data: Buffer.from('1') }),
        );
        const second = await k.send(
          new PutRecordCommand({
            StreamName: stream,
            PartitionKey: 'a',
            Data: Buffer.from('2'),
            SequenceNumberForOrdering: first.SequenceNumber,
          }),
        );
        assert.ok(BigInt(second.SequenceNumber!) > BigInt(first.SequenceNumber!));
        for (const seq of UNREADABLE) {
          await expectAwsError(
            k.send(
              new PutRecordCommand({
                StreamName: stream,
                PartitionKey: 'a',
                Data: Buffer.from('x'),
                SequenceNumberForOrdering: seq,
              }),
            ),
            'InvalidArgumentException',
            invalid(seq, stream),
          );
        }
        assert.equal(await recordCount(k, stream), 2, 'a refused record is not stored');

        // A number from the stream's previous life still reads as a sequence number after a re-create.
        await k.send(new DeleteStreamCommand({ StreamName: stream }));
        await createStream(k, stream);
        await k.send(
          new PutRecordCommand({
            StreamName: stream,
            PartitionKey: 'a',
            Data: Buffer.from('3'),
            SequenceNumberForOrdering: second.SequenceNumber,
          }),
        );
        assert.equal(await recordCount(k, stream), 1);
      } finally {
        k.destroy();
      }
    });
  }

  for (const encoding of encodings) {
    it(`looks the stream up first (${encoding})`, async () => {
      const a = await call(
        app,
        'PutRecord',
        { StreamName: 'no-such-stream', PartitionKey: 'a', Data: '', SequenceNumberForOrdering: '0' },
        encoding,
      );
      expectError(a, {
        type: 'ResourceNotFoundException',
        text: `Stream no-such-stream under account ${ACCOUNT} not found.`,
      });
    });
  }
});
