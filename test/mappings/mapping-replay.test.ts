import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { kinesisClient, waitFor, withTestServer } from '../harness/helpers.js';
import { hooks } from '../harness/hooks.js';
import {
  createRecordingFunction,
  createStream,
  lambdaClient,
  type RecordingFunction,
} from './mapping-fixtures.js';
import { createQueue, sqsClient } from '../sqs-sns/sqs-sns-helpers.js';

/** The answer of POST /_tributary/mappings/{UUID}/replay, as parsed JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary nested JSON
type Json = Record<string, any>;

describe('replaying a failed batch (POST /_tributary/mappings/{UUID}/replay)', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  let fn: RecordingFunction;
  let uuid: string;
  let failure: Json;
  let seqs: string[];

  const replay = async (
    id: string,
    body: unknown,
  ): Promise<{ status: number; type: string | null; json: Json }> => {
    const res = await fetch(`${app.endpoint}/_tributary/mappings/${id}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get('x-amzn-errortype'),
      json: (await res.json()) as Json,
    };
  };

  withTestServer(
    { mappings: { retryBaseMs: 5, retryMaxMs: 50 } },
    (a) => ({ k: kinesisClient(a), l: lambdaClient(a), sqs: sqsClient(a) }),
    (a, made) => {
      app = a;
      ({ k, l, sqs } = made);
    },
  );
  before(async () => {
    const streamArn = await createStream(k, app, 'replay', 1);
    fn = await createRecordingFunction(app, l, 'replay-fn', { BEHAVIOUR: 'fail-all' });
    const { queueUrl, queueArn } = await createQueue(sqs, 'replay-dlq');
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: queueArn } },
      }),
    );
    uuid = m.UUID!;
    const put = await k.send(
      new PutRecordsCommand({
        StreamName: 'replay',
        Records: ['a', 'b', 'c'].map((d) => ({ Data: Buffer.from(d), PartitionKey: 'pk' })),
      }),
    );
    seqs = put.Records!.map((r) => r.SequenceNumber!);
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 1 }),
    );
    failure = JSON.parse(got.Messages![0]!.Body!) as Json;
  });

  it('invokes the failing function again with the same records and reports its error', async () => {
    const before = fn.invokes().length;
    const r = await replay(uuid, failure);
    assert.equal(r.status, 200);
    assert.equal(r.json['FunctionError'], 'Unhandled');
    assert.equal(r.json['Records'], 3);
    assert.match(r.json['Payload'] as string, /always failing/);
    assert.equal(fn.invokes().length, before + 1);
  });

  it('after the function is fixed, the replayed batch succeeds with the records as the mapping sent them', async () => {
    await l.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: fn.name,
        Environment: { Variables: { OUT_FILE: fn.outFile, BEHAVIOUR: 'return:{"fixed":true}' } },
      }),
    );
    await waitFor(
      async () =>
        (await l.send(new GetFunctionConfigurationCommand({ FunctionName: fn.name }))).LastUpdateStatus ===
        'Successful',
      10_000,
      'the update to finish',
    );
    const r = await replay(uuid, { KinesisBatchInfo: failure['KinesisBatchInfo'] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json['FunctionError'], undefined);
    assert.equal(r.json['StatusCode'], 200);
    assert.deepEqual(JSON.parse(r.json['Payload'] as string), { fixed: true });
    assert.equal(r.json['FunctionArn'], fn.arn);
    const invokes = fn.invokes();
    const last = invokes[invokes.length - 1]!.event.Records;
    const first = invokes[0]!.event.Records;
    // The replayed event is the one the mapping built: same records, same fields.
    assert.deepEqual(last, first);
    assert.deepEqual(
      last.map((x) => x.kinesis.sequenceNumber),
      seqs,
    );
    // The mapping itself is untouched: its checkpoint was past the discarded batch and stays there.
    assert.equal(hooks(app).metricRecorder.mappings.get(uuid)?.records ?? 0, 0);
  });

  it('answers AWS-style errors for an unknown mapping, a bad range and a missing batch', async () => {
    const unknown = await replay('00000000-0000-0000-0000-000000000000', failure);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.type, 'ResourceNotFoundException');
    const info = failure['KinesisBatchInfo'] as Json;
    const reversed = await replay(uuid, {
      KinesisBatchInfo: {
        ...info,
        startSequenceNumber: info['endSequenceNumber'],
        endSequenceNumber: seqs[0],
      },
    });
    assert.equal(reversed.status, 400);
    assert.equal(reversed.type, 'InvalidParameterValueException');
    assert.match(reversed.json['message'] ?? reversed.json['Message'], /before startSequenceNumber/);
    const missing = await replay(uuid, {});
    assert.equal(missing.status, 400);
    assert.equal(missing.type, 'ValidationException');
    const wrongShard = await replay(uuid, { KinesisBatchInfo: { ...info, shardId: 'shardId-000000000009' } });
    assert.equal(wrongShard.status, 404);
  });

  it('refuses a batch of a stream that was deleted and created again', async () => {
    await k.send(new DeleteStreamCommand({ StreamName: 'replay' }));
    await waitFor(() => !hooks(app).streams.has('replay'), 10_000, 'the stream to be deleted');
    await k.send(new CreateStreamCommand({ StreamName: 'replay', ShardCount: 1 }));
    await waitFor(() => hooks(app).streams.find('replay')?.status === 'ACTIVE', 10_000, 'the new stream');
    const r = await replay(uuid, failure);
    assert.equal(r.status, 400);
    assert.match(
      r.json['message'] ?? r.json['Message'],
      /is not of shard shardId-000000000000 of this stream/,
    );
  });
});
