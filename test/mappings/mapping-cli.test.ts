import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import {
  awsCli,
  createFunctionWithCli,
  rawBlobArgs,
  tempDir,
  waitFor,
  withServer,
} from '../harness/helpers.js';
import {
  RECORDING_HANDLER,
  RECORDING_HANDLER_PY,
  RECORDING_RUNTIMES,
  recordsDelivered,
  runtimeTestOptions,
  zipFiles,
  type RecordedInvoke,
  type RecordingRuntime,
} from './mapping-fixtures.js';
import { readFileSync, existsSync } from 'node:fs';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-kinesis-role';

/** `aws kinesis put-record` with text data (raw on CLI v2, as the README says). */
async function putRecordWithCli(
  app: App,
  stream: string,
  partitionKey: string,
  data: string,
): Promise<Awaited<ReturnType<typeof awsCli>>> {
  return awsCli(app, [
    'kinesis',
    'put-record',
    '--stream-name',
    stream,
    '--partition-key',
    partitionKey,
    '--data',
    data,
    ...(await rawBlobArgs()),
  ]);
}

/**
 * Creates the recording function (mapping-fixtures' RECORDING_HANDLER) with `aws lambda create-function` from a zip
 * file; `moreVariables` (",NAME=value...") are added to its environment. Returns the file its invocations go to.
 */
async function recordingFunctionWithCli(
  app: App,
  name: string,
  moreVariables = '',
  runtime: RecordingRuntime = 'nodejs20.x',
): Promise<string> {
  const dir = tempDir();
  const outFile = join(dir, 'invokes.jsonl');
  const python = runtime.startsWith('python');
  writeFileSync(
    join(dir, 'function.zip'),
    await zipFiles(python ? { 'recording.py': RECORDING_HANDLER_PY } : { 'index.mjs': RECORDING_HANDLER }),
  );
  await createFunctionWithCli(app, {
    name,
    zip: join(dir, 'function.zip'),
    role: ROLE,
    variables: `OUT_FILE=${outFile}${moreVariables}`,
    runtime,
    handler: python ? 'recording.handler' : 'index.handler',
  });
  return outFile;
}

describe('the tutorial flow with the AWS CLI', () => {
  let app: App;
  withServer((a) => (app = a));

  // The README's tutorial, with its Node.js handler and again with a Python one.
  for (const runtime of RECORDING_RUNTIMES)
    it(
      `creates a stream, a function and a mapping, and a put record reaches the function (${runtime})`,
      runtimeTestOptions(runtime),
      async () => {
        const suffix = runtime === 'nodejs20.x' ? '' : `-${runtime.replace('.', '')}`;
        const stream = `lambda-stream${suffix}`;
        const fnName = `ProcessKinesisRecords${suffix}`;
        await awsCli(app, ['kinesis', 'create-stream', '--stream-name', stream, '--shard-count', '1']);
        const desc = await awsCli(app, ['kinesis', 'describe-stream', '--stream-name', stream]);
        const streamArn = (desc.json as { StreamDescription: { StreamARN: string } }).StreamDescription
          .StreamARN;
        const outFile = await recordingFunctionWithCli(app, fnName, '', runtime);
        const created = await awsCli(app, [
          'lambda',
          'create-event-source-mapping',
          '--function-name',
          fnName,
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
          fnName,
          '--event-source-arn',
          streamArn,
        ]);
        assert.equal((listed.json as { EventSourceMappings: unknown[] }).EventSourceMappings.length, 1);
        await putRecordWithCli(app, stream, '1', 'Hello, this is a test.');
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
      },
    );

  it('sends a failure record to the SQS queue of --destination-config, read back with aws sqs receive-message', async () => {
    await awsCli(app, ['kinesis', 'create-stream', '--stream-name', 'failing-stream', '--shard-count', '1']);
    const queue = await awsCli(app, ['sqs', 'create-queue', '--queue-name', 'kinesis-failures']);
    const queueUrl = (queue.json as { QueueUrl: string }).QueueUrl;
    const attrs = await awsCli(app, [
      'sqs',
      'get-queue-attributes',
      '--queue-url',
      queueUrl,
      '--attribute-names',
      'QueueArn',
    ]);
    const queueArn = (attrs.json as { Attributes: { QueueArn: string } }).Attributes.QueueArn;
    await recordingFunctionWithCli(app, 'AlwaysFails', ',BEHAVIOUR=fail-all');
    const created = await awsCli(app, [
      'lambda',
      'create-event-source-mapping',
      '--function-name',
      'AlwaysFails',
      '--event-source-arn',
      'arn:aws:kinesis:us-east-1:000000000000:stream/failing-stream',
      '--starting-position',
      'TRIM_HORIZON',
      '--maximum-retry-attempts',
      '1',
      '--destination-config',
      JSON.stringify({ OnFailure: { Destination: queueArn } }),
    ]);
    assert.deepEqual((created.json as { DestinationConfig: unknown }).DestinationConfig, {
      OnFailure: { Destination: queueArn },
    });
    const put = await putRecordWithCli(app, 'failing-stream', 'k', 'poison');
    const seq = (put.json as { SequenceNumber: string }).SequenceNumber;
    const received = await awsCli(app, [
      'sqs',
      'receive-message',
      '--queue-url',
      queueUrl,
      '--wait-time-seconds',
      '20',
    ]);
    const messages = (received.json as { Messages: Array<{ Body: string }> }).Messages;
    assert.equal(messages.length, 1);
    const record = JSON.parse(messages[0]!.Body) as {
      requestContext: { condition: string; approximateInvokeCount: number };
      KinesisBatchInfo: { startSequenceNumber: string; batchSize: number };
    };
    assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.equal(record.KinesisBatchInfo.startSequenceNumber, seq);
    assert.equal(record.KinesisBatchInfo.batchSize, 1);
  });

  it('keeps delivering across split-shard, and across delete-stream and create-stream under the same name (issue 14)', async () => {
    await awsCli(app, ['kinesis', 'create-stream', '--stream-name', 'life', '--shard-count', '1']);
    const outFile = await recordingFunctionWithCli(app, 'LifeFn');
    const created = await awsCli(app, [
      'lambda',
      'create-event-source-mapping',
      '--function-name',
      'LifeFn',
      '--event-source-arn',
      'arn:aws:kinesis:us-east-1:000000000000:stream/life',
      '--starting-position',
      'TRIM_HORIZON',
    ]);
    const uuid = (created.json as { UUID: string }).UUID;
    const datas = (): string[] =>
      existsSync(outFile)
        ? readFileSync(outFile, 'utf8')
            .trim()
            .split('\n')
            .flatMap((l) => (JSON.parse(l) as RecordedInvoke).event.Records)
            .map((r) => Buffer.from(r.kinesis.data, 'base64').toString())
        : [];
    const result = async (): Promise<string> =>
      (
        (await awsCli(app, ['lambda', 'get-event-source-mapping', '--uuid', uuid])).json as {
          LastProcessingResult: string;
        }
      ).LastProcessingResult;
    await putRecordWithCli(app, 'life', '1', 'one');
    await waitFor(() => datas().includes('one'), 20_000, 'one');
    // The reproduction: split, then one record into each child (explicit hash keys).
    await awsCli(app, [
      'kinesis',
      'split-shard',
      '--stream-name',
      'life',
      '--shard-to-split',
      'shardId-000000000000',
      '--new-starting-hash-key',
      '170141183460469231731687303715884105728',
    ]);
    for (const [data, hashKey] of [
      ['two', '1'],
      ['three', '170141183460469231731687303715884105729'],
    ] as const)
      await awsCli(app, [
        'kinesis',
        'put-record',
        '--stream-name',
        'life',
        '--partition-key',
        data,
        '--explicit-hash-key',
        hashKey,
        '--data',
        data,
        ...(await rawBlobArgs()),
      ]);
    await waitFor(() => datas().includes('two') && datas().includes('three'), 20_000, 'two and three');
    assert.equal(await result(), 'OK');

    await awsCli(app, ['kinesis', 'delete-stream', '--stream-name', 'life']);
    await waitFor(async () => (await result()) === 'PROBLEM: Stream not found', 10_000, 'PROBLEM');
    await awsCli(app, ['kinesis', 'create-stream', '--stream-name', 'life', '--shard-count', '1']);
    await putRecordWithCli(app, 'life', '1', 'four');
    await waitFor(() => datas().includes('four'), 20_000, 'four on the new stream');
    await waitFor(async () => (await result()) === 'OK', 10_000, 'OK again');
    const seen = datas();
    assert.equal(seen[0], 'one', 'the parent first');
    assert.equal(seen[3], 'four', 'the new stream last');
    assert.deepEqual([...seen].sort(), ['four', 'one', 'three', 'two'], 'each record once');
  });
});
