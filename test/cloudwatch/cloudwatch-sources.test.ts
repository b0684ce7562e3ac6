import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListMetricsCommand, type CloudWatchClient, type Dimension } from '@aws-sdk/client-cloudwatch';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { lambdaClient } from '../lambda/lambda-helpers.js';
import { kinesisClient, withTestServer } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  mappingEvent,
  recordsDelivered,
} from '../mappings/mapping-fixtures.js';
import { cloudWatchClient, hourDatapoint, TestClock } from './cloudwatch-fixtures.js';
import { createQueue, sqsClient } from '../sqs-sns/sqs-sns-helpers.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');

/** Metrics that come from the other components' events: streams, functions, event source mappings. */
describe('CloudWatch metric sources', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let sqs: SQSClient;
  let cw: CloudWatchClient;
  const clock = new TestClock(T0);

  withTestServer(
    {
      testHooks: { metricsClock: clock.now },
      mappings: { retryBaseMs: 10, retryMaxMs: 50 },
    },
    (a) => ({
      k: kinesisClient(a),
      // No SDK retries: a throttle is seen once.
      l: lambdaClient(a, 'default', 1),
      sqs: sqsClient(a),
      cw: cloudWatchClient(a),
    }),
    (a, made) => {
      app = a;
      ({ k, l, sqs, cw } = made);
    },
  );

  const stat = async (
    namespace: string,
    metric: string,
    dims: Dimension[],
    statistic: 'Sum' | 'SampleCount' | 'Maximum',
  ): Promise<number | undefined> =>
    (await hourDatapoint(cw, T0, { namespace, name: metric, dims }, statistic))?.[statistic];

  it('records IncomingRecords/IncomingBytes per put, GetRecords.* per GetRecords call, and no write throttling', async () => {
    await createStream(k, app, 'traffic');
    await k.send(
      new PutRecordsCommand({
        StreamName: 'traffic',
        Records: [1, 22, 333].map((n) => ({ Data: Buffer.alloc(n), PartitionKey: 'pk' })),
      }),
    );
    await k.send(
      new PutRecordCommand({ StreamName: 'traffic', Data: Buffer.alloc(1000), PartitionKey: 'key' }),
    );
    const it = await k.send(
      new GetShardIteratorCommand({
        StreamName: 'traffic',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
    const s = [{ Name: 'StreamName', Value: 'traffic' }];
    assert.equal(await stat('AWS/Kinesis', 'IncomingRecords', s, 'Sum'), 4);
    assert.equal(
      await stat('AWS/Kinesis', 'IncomingRecords', s, 'SampleCount'),
      2,
      'one sample per put request',
    );
    assert.equal(await stat('AWS/Kinesis', 'IncomingBytes', s, 'Sum'), 1 + 22 + 333 + 3 * 2 + 1000 + 3);
    assert.equal(await stat('AWS/Kinesis', 'WriteProvisionedThroughputExceeded', s, 'Sum'), 0);
    assert.equal(await stat('AWS/Kinesis', 'GetRecords.Records', s, 'Sum'), 4);
    assert.equal(await stat('AWS/Kinesis', 'GetRecords.Success', s, 'Sum'), 1);
    const report = (await (await fetch(`${app.endpoint}/_tributary/status`)).json()) as {
      streams: Array<{ name: string; incomingRecords: number; incomingBytes: number }>;
    };
    assert.deepEqual(
      report.streams.filter((x) => x.name === 'traffic').map((x) => [x.incomingRecords, x.incomingBytes]),
      [[4, 1365]],
    );
  });

  it('with MetricsConfig EventCount, counts polled, filtered, invoked, failed, dropped and delivered-on-failure events per mapping', async () => {
    const streamArn = await createStream(k, app, 'events');
    await createRecordingFunction(app, l, 'events-fn', { BEHAVIOUR: 'fail-on:{"kind":"keep","n":"poison"}' });
    const { queueArn } = await createQueue(sqs, 'events-dlq');
    const datas = [
      '{"kind":"keep","n":1}',
      '{"kind":"drop"}',
      '{"kind":"keep","n":"poison"}',
      '{"kind":"drop","n":2}',
      '{"kind":"keep","n":3}',
    ];
    await k.send(
      new PutRecordsCommand({
        StreamName: 'events',
        Records: datas.map((d) => ({ Data: Buffer.from(d), PartitionKey: 'pk' })),
      }),
    );
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'events-fn',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1,
        MaximumRetryAttempts: 0,
        FilterCriteria: { Filters: [{ Pattern: '{"data":{"kind":["keep"]}}' }] },
        DestinationConfig: { OnFailure: { Destination: queueArn } },
        MetricsConfig: { Metrics: ['EventCount'] },
      }),
    );
    const uuid = m.UUID!;
    const discarded = mappingEvent(app, 'discard', (e) => e.uuid === uuid);
    await recordsDelivered(app, uuid, 2);
    assert.equal((await discarded).delivered, true);

    const byMapping = [{ Name: 'EventSourceMappingUUID', Value: uuid }];
    const counts: Record<string, number | undefined> = {};
    for (const metric of [
      'PolledEventCount',
      'FilteredOutEventCount',
      'InvokedEventCount',
      'FailedInvokeEventCount',
      'DroppedEventCount',
      'OnFailureDestinationDeliveredEventCount',
    ]) {
      counts[metric] = await stat('AWS/Lambda', metric, byMapping, 'Sum');
    }
    assert.deepEqual(counts, {
      PolledEventCount: 5,
      FilteredOutEventCount: 2,
      InvokedEventCount: 3,
      FailedInvokeEventCount: 1,
      DroppedEventCount: 1,
      OnFailureDestinationDeliveredEventCount: 1,
    });
    assert.equal(await stat('AWS/Lambda', 'Invocations', byMapping, 'Sum'), 3);
    assert.equal(await stat('AWS/Lambda', 'Errors', byMapping, 'Sum'), 1);
    assert.equal(
      await stat('AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: 'events-fn' }], 'Sum'),
      1,
    );
    assert.equal(
      await stat('AWS/Lambda', 'Invocations', [{ Name: 'FunctionName', Value: 'events-fn' }], 'Sum'),
      3,
    );
    assert.equal(await stat('AWS/Lambda', 'DestinationDeliveryFailures', byMapping, 'Sum'), undefined);
  });

  it('counts DestinationDeliveryFailures when the on-failure destination cannot take the record', async () => {
    const streamArn = await createStream(k, app, 'lost');
    await createRecordingFunction(app, l, 'lost-fn', { BEHAVIOUR: 'fail-on:bad' });
    const { queueUrl, queueArn } = await createQueue(sqs, 'lost-dlq');
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'lost-fn',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: queueArn } },
        MetricsConfig: { Metrics: ['EventCount'] },
      }),
    );
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    const discarded = mappingEvent(app, 'discard', (e) => e.uuid === m.UUID);
    await k.send(new PutRecordCommand({ StreamName: 'lost', Data: Buffer.from('bad'), PartitionKey: 'pk' }));
    assert.equal((await discarded).delivered, false);
    for (const dims of [
      [{ Name: 'FunctionName', Value: 'lost-fn' }],
      [{ Name: 'EventSourceMappingUUID', Value: m.UUID! }],
    ]) {
      assert.equal(await stat('AWS/Lambda', 'DestinationDeliveryFailures', dims, 'Sum'), 1);
    }
    const byMapping = [{ Name: 'EventSourceMappingUUID', Value: m.UUID! }];
    assert.equal(await stat('AWS/Lambda', 'DroppedEventCount', byMapping, 'Sum'), 1);
    assert.equal(
      await stat('AWS/Lambda', 'OnFailureDestinationDeliveredEventCount', byMapping, 'Sum'),
      undefined,
    );
  });

  it('without MetricsConfig, a mapping has no event-count metrics', async () => {
    const streamArn = await createStream(k, app, 'plain');
    await createRecordingFunction(app, l, 'plain-fn');
    await k.send(new PutRecordCommand({ StreamName: 'plain', Data: Buffer.from('x'), PartitionKey: 'pk' }));
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'plain-fn',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
      }),
    );
    await recordsDelivered(app, m.UUID!, 1);
    const listed = await cw.send(
      new ListMetricsCommand({
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'EventSourceMappingUUID', Value: m.UUID! }],
      }),
    );
    assert.deepEqual(listed.Metrics!.map((x) => x.MetricName).sort(), [
      'Duration',
      'Errors',
      'Invocations',
      'IteratorAge',
    ]);
  });

  it('counts throttled invokes as Throttles of the function and of all functions', async () => {
    await createRecordingFunction(app, l, 'busy-fn');
    await l.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'busy-fn', ReservedConcurrentExecutions: 0 }),
    );
    const before = (await stat('AWS/Lambda', 'Throttles', [], 'Sum')) ?? 0;
    await assert.rejects(l.send(new InvokeCommand({ FunctionName: 'busy-fn', Payload: Buffer.from('{}') })), {
      name: 'TooManyRequestsException',
    });
    assert.equal(
      await stat('AWS/Lambda', 'Throttles', [{ Name: 'FunctionName', Value: 'busy-fn' }], 'Sum'),
      1,
    );
    assert.equal(await stat('AWS/Lambda', 'Throttles', [], 'Sum'), before + 1);
    assert.equal(
      await stat('AWS/Lambda', 'Invocations', [{ Name: 'FunctionName', Value: 'busy-fn' }], 'Sum'),
      undefined,
    );
  });

  it('mirrors the metrics into Prometheus families on /metrics', async () => {
    const text = await (await fetch(`${app.endpoint}/metrics`)).text();
    assert.match(text, /^tributary_stream_incoming_records_total\{stream_name="traffic"\} 4$/m);
    assert.match(text, /^tributary_stream_incoming_bytes_total\{stream_name="traffic"\} 1365$/m);
    assert.match(text, /^tributary_function_invocations_total\{function_name="events-fn"\} 3$/m);
    assert.match(text, /^tributary_function_errors_total\{function_name="events-fn"\} 1$/m);
    assert.match(text, /^tributary_function_throttles_total\{function_name="busy-fn"\} 1$/m);
    assert.match(text, /^tributary_function_duration_ms_count\{function_name="events-fn"\} 3$/m);
    assert.match(
      text,
      /^tributary_event_source_mapping_dropped_event_count_total\{uuid="[0-9a-f-]{36}"\} 1$/m,
    );
    assert.match(text, /^tributary_function_iterator_age_ms\{function_name="plain-fn"\} \d+$/m);
  });
});
