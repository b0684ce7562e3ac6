import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { App } from '../src/server/app.js';
import { awsCli, rawBlobArgs, startTestServer, tempDir, waitFor } from './helpers.js';
import { RECORDING_HANDLER, recordsDelivered, zipFiles, type RecordedInvoke } from './mapping-fixtures.js';
import { readFileSync, existsSync } from 'node:fs';

describe('the tutorial flow with the AWS CLI', () => {
  let app: App;
  before(async () => {
    app = await startTestServer();
  });
  after(async () => {
    await app.close();
  });

  it('creates a stream, a function and a mapping, and a put record reaches the function', async () => {
    const dir = tempDir();
    const outFile = join(dir, 'invokes.jsonl');
    writeFileSync(join(dir, 'function.zip'), await zipFiles({ 'index.mjs': RECORDING_HANDLER }));
    await awsCli(app, ['kinesis', 'create-stream', '--stream-name', 'lambda-stream', '--shard-count', '1']);
    const desc = await awsCli(app, ['kinesis', 'describe-stream', '--stream-name', 'lambda-stream']);
    const streamArn = (desc.json as { StreamDescription: { StreamARN: string } }).StreamDescription.StreamARN;
    await awsCli(app, [
      'lambda',
      'create-function',
      '--function-name',
      'ProcessKinesisRecords',
      '--zip-file',
      `fileb://${join(dir, 'function.zip')}`,
      '--handler',
      'index.handler',
      '--runtime',
      'nodejs20.x',
      '--role',
      'arn:aws:iam::000000000000:role/lambda-kinesis-role',
      '--environment',
      `Variables={OUT_FILE=${outFile}}`,
    ]);
    const created = await awsCli(app, [
      'lambda',
      'create-event-source-mapping',
      '--function-name',
      'ProcessKinesisRecords',
      '--event-source',
      streamArn,
      '--batch-size',
      '100',
      '--starting-position',
      'LATEST',
    ]);
    const uuid = (created.json as { UUID: string }).UUID;
    assert.equal((created.json as { State: string }).State, 'Creating');
    await waitFor(
      async () => {
        const got = await awsCli(app, ['lambda', 'get-event-source-mapping', '--uuid', uuid]);
        return (got.json as { State: string }).State === 'Enabled';
      },
      10_000,
      'mapping Enabled',
    );
    const listed = await awsCli(app, [
      'lambda',
      'list-event-source-mappings',
      '--function-name',
      'ProcessKinesisRecords',
      '--event-source-arn',
      streamArn,
    ]);
    assert.equal((listed.json as { EventSourceMappings: unknown[] }).EventSourceMappings.length, 1);
    await awsCli(app, [
      'kinesis',
      'put-record',
      '--stream-name',
      'lambda-stream',
      '--partition-key',
      '1',
      '--data',
      'Hello, this is a test.',
      ...(await rawBlobArgs()),
    ]);
    await recordsDelivered(app, uuid, 1);
    assert.ok(existsSync(outFile));
    const inv = JSON.parse(readFileSync(outFile, 'utf8').trim().split('\n')[0]!) as RecordedInvoke;
    assert.equal(
      Buffer.from(inv.event.Records[0]!.kinesis.data, 'base64').toString(),
      'Hello, this is a test.',
    );
    const got = await awsCli(app, ['lambda', 'get-event-source-mapping', '--uuid', uuid]);
    assert.equal((got.json as { LastProcessingResult: string }).LastProcessingResult, 'OK');
    await awsCli(app, ['lambda', 'delete-event-source-mapping', '--uuid', uuid]);
  });
});
