import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { App } from '../../src/app/app.js';
import { kinesisClient, startTestServer, waitFor } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  lambdaClient,
  RECORDING_RUNTIMES,
  runtimeTestOptions,
  recordsDelivered,
  type RecordingFunction,
  type RecordingRuntime,
  mappingEvent,
} from './mapping-fixtures.js';
import type { MappingEvents } from '../../src/mappings/engine/events.js';
import { hooks } from '../harness/hooks.js';
import { createQueue, snsClient, sqsClient } from '../sqs-sns/sqs-sns-helpers.js';

async function put(k: KinesisClient, stream: string, datas: string[], hashKey?: string): Promise<string[]> {
  const res = await k.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: datas.map((d) => ({
        Data: Buffer.from(d),
        PartitionKey: 'pk',
        ...(hashKey ? { ExplicitHashKey: hashKey } : {}),
      })),
    }),
  );
  return res.Records!.map((r) => r.SequenceNumber!);
}

/** Resolves with the next `discard` event of a mapping. */
function nextDiscard(app: App, uuid: string, timeoutMs = 20_000): Promise<MappingEvents['discard'][0]> {
  return mappingEvent(app, 'discard', (e) => e.uuid === uuid, timeoutMs);
}

/** A failure record or SNS envelope as parsed JSON; fields are checked by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary nested JSON
type Json = Record<string, any>;

async function receiveOne(sqs: SQSClient, queueUrl: string): Promise<Json> {
  const res = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10, MaxNumberOfMessages: 1 }),
  );
  assert.equal(res.Messages?.length, 1, 'one failure record in the queue');
  return JSON.parse(res.Messages![0]!.Body!) as Json;
}

describe('mapping error handling', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  let sns: SNSClient;
  let n = 0;
  before(async () => {
    // recordAgeScale lets MaximumRecordAgeInSeconds=60 act as 60 ms, a test-only hook.
    app = await startTestServer({
      mappings: { retryBaseMs: 5, retryMaxMs: 50 },
      testHooks: { recordAgeScale: 1000 },
    });
    k = kinesisClient(app);
    l = lambdaClient(app);
    sqs = sqsClient(app);
    sns = snsClient(app);
  });
  after(async () => {
    for (const c of [k, l, sqs, sns]) c.destroy();
    await app.close();
  });

  async function setup(
    behaviour: string,
    mapping: Record<string, unknown>,
    opts: { shards?: number; timeout?: number; queue?: boolean; runtime?: RecordingRuntime } = {},
  ) {
    const id = `e${++n}`;
    const streamArn = await createStream(k, app, id, opts.shards ?? 1);
    const fn: RecordingFunction = await createRecordingFunction(
      app,
      l,
      `${id}-fn`,
      { BEHAVIOUR: behaviour },
      opts.timeout ?? 10,
      opts.runtime,
    );
    let queueUrl: string | undefined;
    let queueArn: string | undefined;
    if (opts.queue !== false) {
      ({ queueUrl, queueArn } = await createQueue(sqs, `${id}-dlq`));
    }
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn.name,
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        ...(queueArn ? { DestinationConfig: { OnFailure: { Destination: queueArn } } } : {}),
        ...mapping,
      }),
    );
    return { id, streamArn, fn, uuid: m.UUID!, queueUrl: queueUrl!, queueArn: queueArn! };
  }

  it('MaximumRetryAttempts 2: three invocations, then one failure record in SQS with the AWS shape', async () => {
    const s = await setup('fail-all', { MaximumRetryAttempts: 2, BatchSize: 10 });
    const seqs = await put(k, s.id, ['a', 'b', 'c']);
    const discard = nextDiscard(app, s.uuid);
    const record = await receiveOne(sqs, s.queueUrl);
    assert.equal((await discard).condition, 'RetryAttemptsExhausted');
    assert.equal(s.fn.invokes().length, 3);
    assert.deepEqual(Object.keys(record).sort(), [
      'KinesisBatchInfo',
      'requestContext',
      'responseContext',
      'timestamp',
      'version',
    ]);
    assert.equal(record['version'], '1.0');
    assert.ok(!Number.isNaN(Date.parse(record['timestamp'])));
    assert.deepEqual(Object.keys(record['requestContext']).sort(), [
      'approximateInvokeCount',
      'condition',
      'functionArn',
      'requestId',
    ]);
    assert.equal(record['requestContext'].condition, 'RetryAttemptsExhausted');
    assert.equal(record['requestContext'].approximateInvokeCount, 3);
    assert.equal(record['requestContext'].functionArn, s.fn.arn);
    assert.equal(record['requestContext'].requestId, s.fn.invokes()[2]!.requestId);
    assert.deepEqual(record['responseContext'], {
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    const info = record['KinesisBatchInfo'];
    assert.deepEqual(Object.keys(info).sort(), [
      'approximateArrivalOfFirstRecord',
      'approximateArrivalOfLastRecord',
      'batchSize',
      'endSequenceNumber',
      'shardId',
      'startSequenceNumber',
      'streamArn',
    ]);
    assert.equal(info.shardId, 'shardId-000000000000');
    assert.equal(info.startSequenceNumber, seqs[0]);
    assert.equal(info.endSequenceNumber, seqs[2]);
    assert.equal(info.batchSize, 3);
    assert.equal(info.streamArn, s.streamArn);
    assert.match(info.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Processing continued past the discarded batch.
    await put(k, s.id, ['d']);
    await nextDiscard(app, s.uuid);
    assert.equal(s.fn.invokes().length, 6);
    assert.equal(hooks(app).mappings.get(s.uuid).LastProcessingResult, 'PROBLEM: Function call failed');
  });

  it('BisectBatchOnFunctionError isolates one poison record in a batch of 8; every good record is processed', async () => {
    const s = await setup('fail-on:p', {
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 1,
      BatchSize: 8,
    });
    const datas = ['g0', 'g1', 'g2', 'p', 'g4', 'g5', 'g6', 'g7'];
    const seqs = await put(k, s.id, datas);
    const record = await receiveOne(sqs, s.queueUrl);
    const info = record['KinesisBatchInfo'];
    assert.equal(info.batchSize, 1);
    assert.equal(info.startSequenceNumber, seqs[3]);
    assert.equal(info.endSequenceNumber, seqs[3]);
    assert.equal(
      record['requestContext'].approximateInvokeCount,
      2,
      'the isolated record was tried 1 + MaximumRetryAttempts times',
    );
    await recordsDelivered(app, s.uuid, 7);
    const good = new Set(datas.filter((d) => d !== 'p'));
    const okDeliveries = s.fn
      .invokes()
      .filter((i) => !i.event.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString() === 'p'));
    const delivered = new Set(
      okDeliveries.flatMap((i) =>
        i.event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()),
      ),
    );
    assert.deepEqual(delivered, good);
    // First invoke had all 8; then halves.
    assert.equal(s.fn.invokes()[0]!.event.Records.length, 8);
    assert.equal(s.fn.invokes()[1]!.event.Records.length, 4);
  });

  for (const [label, response] of [
    ['null', 'null'],
    ['{}', '{}'],
    ['[]', '[]'],
    ['""', '""'],
    ['empty list', '{"batchItemFailures":[]}'],
    ['null list', '{"batchItemFailures":null}'],
  ] as const) {
    it(`ReportBatchItemFailures: ${label} is a complete success`, async () => {
      const s = await setup(
        `return:${response}`,
        { FunctionResponseTypes: ['ReportBatchItemFailures'], MaximumRetryAttempts: 1 },
        { queue: false },
      );
      await put(k, s.id, ['a', 'b']);
      await recordsDelivered(app, s.uuid, 2);
      assert.equal(s.fn.invokes().length, 1);
    });
  }

  for (const [label, failures] of [
    ['an empty itemIdentifier', [{ itemIdentifier: '' }]],
    ['a null itemIdentifier', [{ itemIdentifier: null }]],
    ['a non-string itemIdentifier', [{ itemIdentifier: 123 }]],
    [
      'an unknown sequence number',
      [{ itemIdentifier: '49000000000000000000000000000000000000000000000000000001' }],
    ],
    ['a malformed entry', [{ foo: 1 }]],
  ] as const) {
    it(`ReportBatchItemFailures: ${label} fails the whole batch`, async () => {
      const s = await setup(`return:${JSON.stringify({ batchItemFailures: failures })}`, {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 1,
      });
      const seqs = await put(k, s.id, ['a', 'b', 'c']);
      const record = await receiveOne(sqs, s.queueUrl);
      assert.equal(record['KinesisBatchInfo'].batchSize, 3);
      assert.equal(record['KinesisBatchInfo'].startSequenceNumber, seqs[0]);
      assert.equal(
        record['responseContext'].functionError,
        null,
        'no function error: the response failed the batch',
      );
      const invokes = s.fn.invokes();
      assert.equal(invokes.length, 2);
      assert.equal(invokes[1]!.event.Records.length, 3);
    });
  }

  for (const runtime of RECORDING_RUNTIMES)
    it(
      `ReportBatchItemFailures: retries from the lowest reported record; earlier ones are checkpointed (${runtime})`,
      runtimeTestOptions(runtime),
      async () => {
        const s = await setup(
          'report:c',
          {
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            MaximumRetryAttempts: 2,
          },
          { runtime },
        );
        const seqs = await put(k, s.id, ['a', 'b', 'c', 'd', 'e']);
        const record = await receiveOne(sqs, s.queueUrl);
        const invokes = s.fn.invokes();
        assert.deepEqual(
          invokes.map((i) => i.event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString())),
          [
            ['a', 'b', 'c', 'd', 'e'],
            ['c', 'd', 'e'],
            ['c', 'd', 'e'],
          ],
        );
        assert.equal(record['KinesisBatchInfo'].startSequenceNumber, seqs[2]);
        assert.equal(record['KinesisBatchInfo'].batchSize, 3);
      },
    );

  it('without the response type, a batchItemFailures body is ignored', async () => {
    const s = await setup('report:a', {}, { queue: false });
    await put(k, s.id, ['a', 'b']);
    await recordsDelivered(app, s.uuid, 2);
    assert.equal(s.fn.invokes().length, 1);
  });

  it('MaximumRecordAgeInSeconds discards old records with RecordAgeExceeded and no responseContext', async () => {
    const s = await setup('fail-all', { MaximumRecordAgeInSeconds: 60 });
    await put(k, s.id, ['old']);
    const record = await receiveOne(sqs, s.queueUrl);
    assert.equal(record['requestContext'].condition, 'RecordAgeExceeded');
    assert.equal(record['responseContext'], undefined);
    assert.equal(record['KinesisBatchInfo'].batchSize, 1);
  });

  it('delivers failure records to an SNS topic, which forwards them to a subscribed SQS queue', async () => {
    const id = `sns${++n}`;
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${id}-topic` }))).TopicArn!;
    const { queueUrl, queueArn } = await createQueue(sqs, `${id}-q`);
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    const s = await setup(
      'fail-all',
      { MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: topicArn } } },
      { queue: false },
    );
    await put(k, s.id, ['x']);
    const envelope = await receiveOne(sqs, queueUrl);
    assert.equal(envelope['Type'], 'Notification');
    assert.equal(envelope['TopicArn'], topicArn);
    const record = JSON.parse(envelope['Message']);
    assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(record.requestContext.approximateInvokeCount, 1);
  });

  it('a shard that keeps failing does not block another shard', async () => {
    const s = await setup('fail-on:poison', {}, { shards: 2, queue: false });
    await put(k, s.id, ['poison'], '0');
    const good = ['h1', 'h2', 'h3'];
    await put(k, s.id, good, (2n ** 127n + 5n).toString());
    await recordsDelivered(app, s.uuid, 3);
    assert.equal(hooks(app).metricRecorder.mappings.get(s.uuid)!.records, 3);
    // The poison shard's first invoke may still be running when the good shard is done: wait for its failure.
    await waitFor(
      () => hooks(app).metricRecorder.mappings.get(s.uuid)!.errors >= 1,
      20_000,
      'a failed invoke',
    );
  });

  it('a function that times out is retried and finally sent to the destination', async () => {
    const s = await setup('sleep:3000', { MaximumRetryAttempts: 1 }, { timeout: 1 });
    await put(k, s.id, ['slow']);
    const record = await receiveOne(sqs, s.queueUrl);
    assert.equal(record['requestContext'].approximateInvokeCount, 2);
    assert.equal(record['responseContext'].functionError, 'Unhandled');
  });

  it('a function that crashes is retried and finally sent to the destination', async () => {
    const s = await setup('exit', { MaximumRetryAttempts: 1 });
    await put(k, s.id, ['boom']);
    const record = await receiveOne(sqs, s.queueUrl);
    assert.equal(record['requestContext'].approximateInvokeCount, 2);
    assert.equal(record['responseContext'].functionError, 'Unhandled');
    assert.equal(s.fn.invokes().length, 2);
  });

  it('rejects an on-failure destination that does not exist', async () => {
    const streamArn = await createStream(k, app, `nodest${++n}`, 1);
    await createRecordingFunction(app, l, `nodest${n}-fn`);
    await assert.rejects(
      l.send(
        new CreateEventSourceMappingCommand({
          FunctionName: `nodest${n}-fn`,
          EventSourceArn: streamArn,
          StartingPosition: 'LATEST',
          DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:missing' } },
        }),
      ),
      (e: Error) => e.name === 'InvalidParameterValueException',
    );
  });
});
