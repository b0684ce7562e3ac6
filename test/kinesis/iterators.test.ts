import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import {
  IteratorCodec,
  ITERATOR_TTL_MS,
  iteratorLength,
  type IteratorState,
} from '../../src/kinesis/iterators.js';
import { kinesisClient, startTestServer, tempDir } from '../harness/helpers.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { createStream, expectAwsError } from './kinesis-fixtures.js';

const codec = new IteratorCodec(randomBytes(64));
const state = (stream: string, issuedAt = 1_700_000_000_000): IteratorState => ({
  stream,
  salt: 1_699_999_000_123,
  shardId: 'shardId-000000000007',
  position: 2 ** 40 + 5,
  issuedAt,
});
const invalid = { name: 'InvalidArgumentException', message: 'Invalid ShardIterator.' };

describe('shard iterators: AWS layout', () => {
  it('are base64 of [0,0,0,0,0,0,0,1] and a ciphertext, 152 + floor((name length + 2) / 16) * 16 bytes', () => {
    for (let n = 1; n <= 128; n++) {
      const name = 'abcdefghij'.repeat(13).slice(0, n);
      const it = codec.encode(state(name));
      const bytes = Buffer.from(it, 'base64');
      assert.equal(bytes.toString('base64'), it, 'canonical base64');
      assert.equal(bytes.length, 152 + Math.floor((n + 2) / 16) * 16, `name length ${n}`);
      assert.equal(bytes.length, iteratorLength(n));
      assert.equal(bytes.subarray(0, 8).toString('hex'), '0000000000000001');
      assert.ok(it.length <= 512, 'GetRecords takes iterators of up to 512 characters');
      assert.deepEqual(codec.decode(it, 1_700_000_000_000), state(name));
    }
  });

  it('differ for the same position (a random first block) and decode to the same state', () => {
    const a = codec.encode(state('s'));
    const b = codec.encode(state('s'));
    assert.notEqual(a, b);
    assert.deepEqual(codec.decode(a, 1_700_000_000_000), codec.decode(b, 1_700_000_000_000));
  });

  it('refuse any changed byte, a truncation, garbage and another secret as InvalidArgument', () => {
    const it = codec.encode(state('tampered-stream'));
    const bytes = Buffer.from(it, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i]! ^= 0x01;
      assert.throws(() => codec.decode(changed.toString('base64'), 1_700_000_000_000), invalid, `byte ${i}`);
    }
    const cases = [
      bytes.subarray(0, bytes.length - 16).toString('base64'),
      Buffer.concat([bytes, randomBytes(16)]).toString('base64'),
      'not-an-iterator',
      '',
      Buffer.concat([bytes.subarray(0, 8), randomBytes(160)]).toString('base64'),
      new IteratorCodec(randomBytes(64)).encode(state('tampered-stream')),
    ];
    for (const c of cases) assert.throws(() => codec.decode(c, 1_700_000_000_000), invalid, c);
  });

  it('expire five minutes after they are issued, by the clock the reader gives', async () => {
    const clock = new VirtualClock();
    const it = codec.encode(state('s', clock.now()));
    await clock.advance(ITERATOR_TTL_MS);
    assert.equal(codec.decode(it, clock.now()).position, 2 ** 40 + 5);
    await clock.advance(1);
    assert.throws(() => codec.decode(it, clock.now()), {
      name: 'ExpiredIteratorException',
      message:
        'Iterator expired. The iterator was created at time Thu Jan 01 00:00:00 UTC 2026 while right now it is Thu Jan 01 00:05:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds.',
    });
  });
});

describe('shard iterators across a restart', () => {
  // The iterator is taken over HTTP/2 (the SDK's default) and read back over HTTP/1.1.
  it('a GetRecords loop goes on with its iterator after a restart, and reads a re-created stream from its start', async () => {
    const dataDir = tempDir('tributary-iterators-');
    const first = await startTestServer({ dataDir });
    let k = kinesisClient(first, 'h2');
    await createStream(k, 'kept', 1);
    await k.send(new PutRecordCommand({ StreamName: 'kept', PartitionKey: 'p', Data: Buffer.from('one') }));
    const { ShardIterator: it } = await k.send(
      new GetShardIteratorCommand({
        StreamName: 'kept',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    k.destroy();
    await first.close();

    const second = await startTestServer({ dataDir });
    try {
      k = kinesisClient(second, 'h1');
      const r = await k.send(new GetRecordsCommand({ ShardIterator: it }));
      assert.deepEqual(
        r.Records!.map((x) => Buffer.from(x.Data!).toString()),
        ['one'],
      );
      await k.send(new DeleteStreamCommand({ StreamName: 'kept' }));
      await expectAwsError(
        k.send(new GetRecordsCommand({ ShardIterator: r.NextShardIterator })),
        'ResourceNotFoundException',
        'Shard shardId-000000000000 in stream kept under account 000000000000 does not exist',
      );
      await createStream(k, 'kept', 1);
      await k.send(new PutRecordCommand({ StreamName: 'kept', PartitionKey: 'p', Data: Buffer.from('two') }));
      const again = await k.send(new GetRecordsCommand({ ShardIterator: r.NextShardIterator }));
      assert.deepEqual(
        again.Records!.map((x) => Buffer.from(x.Data!).toString()),
        ['two'],
      );
    } finally {
      k.destroy();
      await second.close();
    }
  });
});
