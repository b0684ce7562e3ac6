import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import { withServer } from '../harness/helpers.js';
import { rawKinesis } from './kinesis-fixtures.js';

// Kinesis's answers to requests no SDK sends (split from kinesis-validation.test.ts, which checks the SDK's).

const ACCOUNT = '000000000000';

describe('Kinesis wire errors (hand-made requests)', () => {
  let app: App;
  withServer((a) => (app = a));
  before(async () => {
    await rawKinesis(app, 'CreateStream', JSON.stringify({ StreamName: 'w', ShardCount: 1 }));
  });

  it('names a missing required member "Value null", unquoted', async () => {
    const r = await rawKinesis(
      app,
      'GetShardIterator',
      JSON.stringify({ StreamName: 'w', ShardId: 'shardId-000000000000' }),
    );
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.deepEqual(r.json, {
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers SerializationException for malformed JSON, wrong member types and bad base64', async () => {
    for (const [body, why] of [
      ['{"StreamName": "w",', 'truncated JSON'],
      ['[1, 2]', 'a list instead of a structure'],
      ['"just a string"', 'a string instead of a structure'],
      ['{"StreamName": 7, "PartitionKey": "k", "Data": "eA=="}', 'a number for a string'],
      ['{"StreamName": "w", "PartitionKey": ["k"], "Data": "eA=="}', 'a list for a string'],
      ['{"StreamName": "w", "PartitionKey": "k", "Data": "not base64!"}', 'bad base64'],
      ['{"StreamName": "w", "PartitionKey": "k", "Data": 12}', 'a number for a blob'],
      ['\u0000\u0001\u0002garbage', 'binary garbage'],
    ] as const) {
      const r = await rawKinesis(app, 'PutRecord', body);
      assert.equal(r.status, 400, why);
      assert.equal(r.json?.['__type'], 'SerializationException', `${why}: ${r.text}`);
    }
    const count = await rawKinesis(app, 'CreateStream', '{"StreamName": "t", "ShardCount": "3"}');
    assert.equal(count.json?.['__type'], 'SerializationException');
    const records = await rawKinesis(
      app,
      'PutRecords',
      '{"StreamName": "w", "Records": {"Data": "eA==", "PartitionKey": "k"}}',
    );
    assert.equal(records.json?.['__type'], 'SerializationException');
    const entry = await rawKinesis(app, 'PutRecords', '{"StreamName": "w", "Records": ["eA=="]}');
    assert.equal(entry.json?.['__type'], 'SerializationException');
  });

  it('answers UnknownOperationException for an operation Kinesis does not have', async () => {
    const r = await rawKinesis(app, 'DescribeEverything', '{}');
    assert.equal(r.status, 400);
    assert.equal(r.json?.['__type'], 'UnknownOperationException');
    const proto = await rawKinesis(app, '__proto__', '{}');
    assert.equal(proto.json?.['__type'], 'UnknownOperationException');
  });

  it('answers ResourceNotFoundException with the AWS message', async () => {
    const r = await rawKinesis(app, 'DescribeStream', JSON.stringify({ StreamName: 'missing' }));
    assert.deepEqual(r.json, {
      __type: 'ResourceNotFoundException',
      message: `Stream missing under account ${ACCOUNT} not found.`,
    });
  });
});
