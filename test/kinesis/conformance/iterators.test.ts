import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { App } from '../../../src/app/app.js';
import { withServer } from '../../harness/helpers.js';
import { call, encodings, expectError } from './conformance-helpers.js';

/**
 * Shard iterators as AWS answers them (kinesalite test/getShardIterator.js and test/getRecords.js, recorded
 * against Kinesis; helpers.assertShardIterator): base64 of [0,0,0,0,0,0,0,1] and a ciphertext, 152 +
 * floor((StreamName length + 2) / 16) * 16 bytes; an iterator not made by the service is "Invalid ShardIterator.";
 * after DeleteStream the iterator's shard "does not exist", and once a stream of the same name is created again
 * an iterator of a shard id it has reads that shard.
 */

const ACCOUNT = '000000000000';

function assertLayout(iterator: unknown, stream: string): void {
  assert.equal(typeof iterator, 'string');
  const bytes = Buffer.from(iterator as string, 'base64');
  assert.equal(bytes.toString('base64'), iterator);
  assert.equal(bytes.length, 152 + Math.floor((stream.length + 2) / 16) * 16, stream);
  assert.equal(bytes.subarray(0, 8).toString('hex'), '0000000000000001');
}

describe('conformance: shard iterators', () => {
  let app: App;
  withServer((a) => (app = a));

  for (const encoding of encodings) {
    it(`have AWS's layout for stream names of 29 and 30 characters and any shard id form (${encoding})`, async () => {
      for (const stream of [`${encoding}-`.padEnd(29, '0'), `${encoding}-`.padEnd(30, '0')]) {
        assert.equal(
          (await call(app, 'CreateStream', { StreamName: stream, ShardCount: 1 }, encoding)).status,
          200,
        );
        for (const ShardId of ['shard-0', 'anything-0', 'shardId-000000000000']) {
          const a = await call(
            app,
            'GetShardIterator',
            { StreamName: stream, ShardId, ShardIteratorType: 'LATEST' },
            encoding,
          );
          assert.equal(a.status, 200, a.raw.toString());
          assertLayout(a.body!['ShardIterator'], stream);
          const r = await call(app, 'GetRecords', { ShardIterator: a.body!['ShardIterator'] }, encoding);
          assert.equal(r.status, 200, r.raw.toString());
          assertLayout(r.body!['NextShardIterator'], stream);
        }
      }
    });

    it(`refuse an iterator the service did not make (${encoding})`, async () => {
      const a = await call(app, 'GetRecords', { ShardIterator: 'a'.repeat(40) }, encoding);
      expectError(a, { type: 'InvalidArgumentException', text: 'Invalid ShardIterator.' });
    });

    it(`of a deleted stream name no shard, and read the stream created again under its name (${encoding})`, async () => {
      const stream = `recreated-${encoding}`;
      assert.equal(
        (await call(app, 'CreateStream', { StreamName: stream, ShardCount: 2 }, encoding)).status,
        200,
      );
      const iterators: string[] = [];
      for (const ShardId of ['shardId-0', 'shardId-1']) {
        const a = await call(
          app,
          'GetShardIterator',
          { StreamName: stream, ShardId, ShardIteratorType: 'LATEST' },
          encoding,
        );
        iterators.push(a.body!['ShardIterator'] as string);
      }
      assert.equal((await call(app, 'DeleteStream', { StreamName: stream }, encoding)).status, 200);
      const gone = (i: number): string =>
        `Shard shardId-00000000000${i} in stream ${stream} under account ${ACCOUNT} does not exist`;
      for (const i of [0, 1]) {
        const a = await call(app, 'GetRecords', { ShardIterator: iterators[i] }, encoding);
        expectError(a, { type: 'ResourceNotFoundException', text: gone(i) });
      }
      assert.equal(
        (await call(app, 'CreateStream', { StreamName: stream, ShardCount: 1 }, encoding)).status,
        200,
      );
      expectError(await call(app, 'GetRecords', { ShardIterator: iterators[1] }, encoding), {
        type: 'ResourceNotFoundException',
        text: gone(1),
      });
      const r = await call(app, 'GetRecords', { ShardIterator: iterators[0] }, encoding);
      assert.equal(r.status, 200, r.raw.toString());
      assert.deepEqual(r.body!['Records'], []);
      assertLayout(r.body!['NextShardIterator'], stream);
    });
  }
});
