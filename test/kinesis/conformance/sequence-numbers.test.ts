import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../../src/app/app.js';
import { kinesisClient, transports, withServer } from '../../harness/helpers.js';
import { createStream, expectAwsError } from '../kinesis-fixtures.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * Sequence numbers as AWS lays them out and reads them (kinesalite's createStream.js, putRecord.js and
 * getShardIterator.js, recorded against Kinesis): the 47 hex digits '2', shard creation seconds, the shard
 * index's low nibble, a 16-digit index, '00', the put time's seconds, the 8-digit shard index, '2'; numbers
 * AWS cannot read, numbers of another shard and numbers of another stream each get their own text.
 */

const ACCOUNT = '000000000000';
const fromHex = (h: string): string => BigInt(`0x${h}`).toString();
const hex = (seq: string): string => BigInt(seq).toString(16);
const where = (shardId: string, stream: string): string =>
  `used in GetShardIterator on shard ${shardId} in stream ${stream} under account ${ACCOUNT}`;
const invalidOrdering = (seq: string, stream: string): string =>
  `ExclusiveMinimumSequenceNumber ${seq} used in PutRecord on stream ${stream} under account ${ACCOUNT} is invalid.`;

/** [number, shard it is used on, the text's kind, the number as the text shows it]. */
const ITERATOR_CASES: Array<[string, string, 'encodes' | 'foreign' | 'invalid', string]> = [
  ['5', 'shardId-000000000000', 'encodes', 'shardId-000000000005'],
  ['0', 'shardId-000000000000', 'foreign', '21267647932558653966460912964485513216'],
  [
    '425352958651173072921826052383309826',
    'shardId-000000000002',
    'foreign',
    '21693000891209827039382739016868823042',
  ],
  [
    fromHex('f3bb2cc3d7ff7fffffffffffffff0000'),
    'shardId-000000000000',
    'foreign',
    '26227199374821822965252748908982894592',
  ],
  [fromHex('13bb2cc3d80000000000000000000000'), 'shardId-000000000000', 'invalid', ''],
  [fromHex('20000000000800000000000000000000000000000000002'), 'shardId-000000000000', 'invalid', ''],
  [fromHex('20000000000000000000000000000000000000800000002'), 'shardId-000000000000', 'invalid', ''],
];

describe('conformance: sequence numbers', () => {
  let app: App;
  withServer((a) => (app = a));
  before(async () => {
    assert.equal((await call(app, 'CreateStream', { StreamName: 'seq3', ShardCount: 3 })).status, 200);
  });

  for (const encoding of encodings) {
    it(`GetShardIterator reads a StartingSequenceNumber as AWS does (${encoding})`, async () => {
      for (const [seq, shardId, kind, shown] of ITERATOR_CASES) {
        const a = await call(
          app,
          'GetShardIterator',
          {
            StreamName: 'seq3',
            ShardId: shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            StartingSequenceNumber: seq,
          },
          encoding,
        );
        const text =
          kind === 'encodes'
            ? `Invalid StartingSequenceNumber. It encodes ${shown}, while it was used in a call to a shard with ${shardId}`
            : kind === 'foreign'
              ? `StartingSequenceNumber ${shown} ${where(shardId, 'seq3')} is invalid because it did not come from this stream.`
              : `StartingSequenceNumber ${seq} ${where(shardId, 'seq3')} is invalid.`;
        expectError(a, { type: 'InvalidArgumentException', text }, seq);
      }
    });

    it(`PutRecord reads a SequenceNumberForOrdering as AWS does (${encoding})`, async () => {
      const now = Math.floor(Date.now() / 1000);
      const put = (seq: string): ReturnType<typeof call> =>
        call(
          app,
          'PutRecord',
          { StreamName: 'seq3', PartitionKey: 'a', Data: '', SequenceNumberForOrdering: seq },
          encoding,
        );
      const accepted = [
        '2ffffffffff7fffffffffffffff000000000007fffffff2', // all f
        '20000000000000000000000000000000000000000000002', // all 0
        '20000000000000000000000000000000000000000000001', // version 1
        `2ffffffffff7fffffff7fffffff000${(now - 2).toString(16)}7fffffff2`, // put time now
      ];
      for (const h of accepted) assert.equal((await put(fromHex(h))).status, 200, h);
      const refused = [
        '20000000000000000000000000000000000000000000000', // version 0
        '20000000000000000000000000000000000000000000004', // version 4
        '30000000000000000000000000000000000000000000001', // initial 3
        '1ffffffffff7fffffffffffffff000000000007fffffff2', // initial 1
        '20000000000800000000000000000000000000000000002', // 8 in the index
        '20000000000000000000000000000000000000800000002', // 8 in the shard index
        `200000000000000000000000000000${(now + 2).toString(16)}000000002`, // put time in the future
      ];
      for (const h of refused) {
        const seq = fromHex(h);
        expectError(
          await put(seq),
          { type: 'InvalidArgumentException', text: invalidOrdering(seq, 'seq3') },
          h,
        );
      }
      // Version 3 fails inside AWS: a bare 500.
      expectError(await put(fromHex('20000000000000000000000000000000000000000000003')), {
        status: 500,
        type: 'InternalFailure',
        key: 'none',
      });
    });
  }

  for (const transport of transports) {
    it(`lays numbers out as AWS, in record order, below them the shard's start (${transport})`, async () => {
      const k = kinesisClient(app, transport);
      const stream = `layout-${transport}`;
      try {
        const t0 = Date.now();
        const shards = await createStream(k, stream, 2);
        const starts = shards.map((s) => BigInt(s.SequenceNumberRange!.StartingSequenceNumber!));
        // Consecutive shards created together: 2^144 (the index nibble) + 16 (the shard index) apart.
        assert.equal((starts[1]! - starts[0]!).toString(), '22300745198530623141535718272648361505980432');
        // AWS's initial shards were created 2 to 7 seconds before CreateStream.
        const createSecs = parseInt(hex(starts[0]!.toString()).slice(1, 10), 16);
        assert.ok(createSecs - t0 / 1000 < -2 && createSecs - t0 / 1000 > -7, `${createSecs}`);

        const put = await k.send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: Array.from({ length: 20 }, (_, i) => ({
              PartitionKey: 'p',
              ExplicitHashKey: '0',
              Data: Buffer.from(String(i)),
            })),
          }),
        );
        const seqs = put.Records!.map((r) => r.SequenceNumber!);
        for (const s of seqs) {
          assert.equal(s.length, 56);
          assert.match(hex(s), /^20[0-9a-f]{8}0[0-9a-f]{16}000[0-9a-f]{8}000000002$/);
        }
        assert.deepEqual([...seqs].sort(), seqs, 'string order is record order');
        assert.ok(
          seqs.every((s, i) => i === 0 || BigInt(s) > BigInt(seqs[i - 1]!)),
          'numeric order too',
        );
        assert.ok(starts[0]!.toString() < seqs[0]!);

        const read = async (
          type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER',
          seq: string,
        ): Promise<string[]> => {
          const { ShardIterator } = await k.send(
            new GetShardIteratorCommand({
              StreamName: stream,
              ShardId: 'shardId-000000000000',
              ShardIteratorType: type,
              StartingSequenceNumber: seq,
            }),
          );
          const r = await k.send(new GetRecordsCommand({ ShardIterator, Limit: 3 }));
          return r.Records!.map((x) => x.SequenceNumber!);
        };
        assert.deepEqual(await read('AFTER_SEQUENCE_NUMBER', starts[0]!.toString()), seqs.slice(0, 3));
        assert.deepEqual(await read('AT_SEQUENCE_NUMBER', starts[0]!.toString()), seqs.slice(0, 3));
        assert.deepEqual(await read('AT_SEQUENCE_NUMBER', seqs[5]!), seqs.slice(5, 8));
        assert.deepEqual(await read('AFTER_SEQUENCE_NUMBER', seqs[5]!), seqs.slice(6, 9));
        await expectAwsError(
          read('AT_SEQUENCE_NUMBER', shards[1]!.SequenceNumberRange!.StartingSequenceNumber!),
          'InvalidArgumentException',
          'Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000',
        );
      } finally {
        k.destroy();
      }
    });

    it(`never reissues a number after a delete and re-create, and refuses the old ones (${transport})`, async () => {
      const k = kinesisClient(app, transport);
      const stream = `again-${transport}`;
      try {
        await createStream(k, stream);
        const putOne = async (): Promise<string> =>
          (
            await k.send(
              new PutRecordCommand({ StreamName: stream, PartitionKey: 'a', Data: Buffer.from('x') }),
            )
          ).SequenceNumber!;
        const old = [await putOne(), await putOne()];
        await k.send(new DeleteStreamCommand({ StreamName: stream }));
        // Created again at once: usually within the same second.
        await createStream(k, stream);
        const fresh = [await putOne(), await putOne()];
        assert.ok(
          fresh.every((s) => !old.includes(s)),
          `${old.join()} / ${fresh.join()}`,
        );
        // The previous incarnation's numbers, and the layout this server used before AWS's, are refused.
        const createdAt = Math.floor(Date.now() / 1000) * 1000;
        const oldLayout = '49' + '0'.repeat(6) + String(createdAt).padStart(16, '0') + '1'.padStart(32, '0');
        for (const seq of [...old, oldLayout]) {
          const e = await expectAwsError(
            k.send(
              new GetShardIteratorCommand({
                StreamName: stream,
                ShardId: 'shardId-000000000000',
                ShardIteratorType: 'AT_SEQUENCE_NUMBER',
                StartingSequenceNumber: seq,
              }),
            ),
            'InvalidArgumentException',
          );
          assert.match(
            e.message,
            /^StartingSequenceNumber \d+ used in GetShardIterator on shard shardId-000000000000 in stream again-h[12] under account 000000000000 is invalid( because it did not come from this stream)?\.$/,
          );
        }
      } finally {
        k.destroy();
      }
    });
  }

  it('gives child shards their own creation time, and their numbers go on from the parent', async () => {
    const k = kinesisClient(app, 'h1');
    try {
      await createStream(k, 'split');
      const parentSeq = (
        await k.send(new PutRecordCommand({ StreamName: 'split', PartitionKey: 'a', Data: Buffer.from('p') }))
      ).SequenceNumber!;
      await k.send(
        new SplitShardCommand({
          StreamName: 'split',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: (2n ** 127n).toString(),
        }),
      );
      const d = await k.send(new DescribeStreamCommand({ StreamName: 'split' }));
      const [parent, a, b] = d.StreamDescription!.Shards!;
      const created = (s: string): number => parseInt(hex(s).slice(1, 10), 16);
      const parentStart = parent!.SequenceNumberRange!.StartingSequenceNumber!;
      const ending = parent!.SequenceNumberRange!.EndingSequenceNumber!;
      assert.ok(BigInt(ending) >= BigInt(parentSeq), 'the ending number is not below the last record');
      for (const child of [a!, b!]) {
        const start = child.SequenceNumberRange!.StartingSequenceNumber!;
        assert.ok(created(start) > created(parentStart), 'a child carries its own, later creation time');
        assert.equal(hex(start).slice(38, 46), Number(child.ShardId!.slice(8)).toString(16).padStart(8, '0'));
      }
      const childSeq = (
        await k.send(
          new PutRecordCommand({
            StreamName: 'split',
            PartitionKey: 'a',
            ExplicitHashKey: '0',
            Data: Buffer.from('c'),
          }),
        )
      ).SequenceNumber!;
      assert.equal(hex(childSeq).slice(38, 46), '00000001');
    } finally {
      k.destroy();
    }
  });
});
