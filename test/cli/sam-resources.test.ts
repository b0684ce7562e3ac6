import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import {
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import { tempDir } from '../harness/helpers.js';
import { makeZip } from '../lambda/lambda-helpers.js';
import { withMappingServer, type MappingTestServer } from '../mappings/mapping-fixtures.js';
import { tributary } from './cli-helpers.js';

/** Every property a SAM Kinesis event takes, both ways in: set at create, back to Lambda's default when removed. */
const EVENT_PROPERTIES = `            StartingPosition: AT_TIMESTAMP
            StartingPositionTimestamp: 1700000000
            BatchSize: 7
            MaximumBatchingWindowInSeconds: 2
            Enabled: false
            BisectBatchOnFunctionError: true
            MaximumRecordAgeInSeconds: 3600
            MaximumRetryAttempts: 5
            ParallelizationFactor: 3
            FunctionResponseTypes: [ReportBatchItemFailures]
            TumblingWindowInSeconds: 30
            MetricsConfig: { Metrics: [EventCount] }
            FilterCriteria:
              Filters:
                - Pattern: '{"data": {"kind": ["order"]}}'
            DestinationConfig:
              OnFailure:
                Type: SNS
                Destination: !Ref Failures
`;

function template(eventProperties: string, extra: boolean, shards = 1): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties: { ShardCount: ${shards} }
  Failures:
    Type: AWS::SNS::Topic
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: reader.zip
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Fanout:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Consumer.ConsumerARN
${eventProperties}${
    extra
      ? `  Consumer:
    Type: AWS::Kinesis::StreamConsumer
    Properties: { ConsumerName: fanout, StreamARN: !GetAtt Events.Arn }
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Role: arn:aws:iam::000000000000:role/plain
      Code: { ZipFile: "exports.handler = async (e) => ({ records: e.Records.length })" }
  PlainMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Plain
      EventSourceArn: !GetAtt Events.Arn
      StartingPosition: TRIM_HORIZON
      BatchSize: 3
`
      : `  Consumer:
    Type: AWS::Kinesis::StreamConsumer
    Properties: { ConsumerName: fanout, StreamARN: !GetAtt Events.Arn }
`
  }`;
}

/** The resource types and mapping properties of issue 19's list through `tributary deploy`, checked with the SDK. */
describe('tributary deploy: consumers, standalone functions and mappings, every Kinesis event property', () => {
  let s: MappingTestServer;
  withMappingServer((x) => (s = x));

  it('creates them from a .zip CodeUri and inline Code; removing the event properties puts Lambda’s defaults back; removed resources are deleted', async () => {
    const dir = join(tempDir('tributary-sam-res-'), 'res');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'reader.zip'),
      await makeZip({ 'index.js': 'exports.handler = async () => ({ zipped: true });' }),
    );
    const file = join(dir, 'template.yaml');
    writeFileSync(file, template(EVENT_PROPERTIES, true));
    const first = await tributary(['deploy', file, '--endpoint', s.app.endpoint, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const changes = (
      JSON.parse(first.stdout) as { Changes: Array<{ logicalId: string; physicalId: string }> }
    ).Changes;
    const id = (logical: string): string => changes.find((c) => c.logicalId === logical)!.physicalId;

    // The .zip CodeUri is the function's code as it is.
    const zipped = await s.l.send(new InvokeCommand({ FunctionName: 'res-Reader' }));
    assert.deepEqual(JSON.parse(Buffer.from(zipped.Payload!).toString()), { zipped: true });
    const consumerArn = (await s.k.send(new DescribeStreamConsumerCommand({ ConsumerARN: id('Consumer') })))
      .ConsumerDescription!.ConsumerARN!;
    const m = await s.l.send(new GetEventSourceMappingCommand({ UUID: id('ReaderFanout') }));
    assert.equal(m.EventSourceArn, consumerArn);
    assert.deepEqual(
      {
        StartingPosition: m.StartingPosition,
        StartingPositionTimestamp: m.StartingPositionTimestamp?.getTime(),
        BatchSize: m.BatchSize,
        MaximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
        State: m.State,
        BisectBatchOnFunctionError: m.BisectBatchOnFunctionError,
        MaximumRecordAgeInSeconds: m.MaximumRecordAgeInSeconds,
        MaximumRetryAttempts: m.MaximumRetryAttempts,
        ParallelizationFactor: m.ParallelizationFactor,
        FunctionResponseTypes: m.FunctionResponseTypes,
        TumblingWindowInSeconds: m.TumblingWindowInSeconds,
        MetricsConfig: m.MetricsConfig,
        FilterCriteria: m.FilterCriteria,
        Destination: m.DestinationConfig?.OnFailure?.Destination,
      },
      {
        StartingPosition: 'AT_TIMESTAMP',
        StartingPositionTimestamp: 1700000000_000,
        BatchSize: 7,
        MaximumBatchingWindowInSeconds: 2,
        State: 'Disabled',
        BisectBatchOnFunctionError: true,
        MaximumRecordAgeInSeconds: 3600,
        MaximumRetryAttempts: 5,
        ParallelizationFactor: 3,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        TumblingWindowInSeconds: 30,
        MetricsConfig: { Metrics: ['EventCount'] },
        FilterCriteria: { Filters: [{ Pattern: '{"data": {"kind": ["order"]}}' }] },
        Destination: 'arn:aws:sns:us-east-1:000000000000:res-Failures',
      },
    );

    // The standalone function and mapping work: `wait` instead of a sleep.
    await s.k.send(
      new PutRecordsCommand({
        StreamName: 'res-Events',
        Records: [1, 2].map((i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(String(i)) })),
      }),
    );
    const waited = await tributary(['wait', id('PlainMapping'), '--endpoint', s.app.endpoint]);
    assert.equal(waited.code, 0, waited.stderr);
    const plain = await s.l.send(new GetEventSourceMappingCommand({ UUID: id('PlainMapping') }));
    assert.equal(plain.BatchSize, 3);
    assert.equal(plain.LastProcessingResult, 'OK');

    // Only Stream and StartingPosition left: the same mapping, every other property at Lambda's default.
    writeFileSync(
      file,
      template(
        '            StartingPosition: AT_TIMESTAMP\n            StartingPositionTimestamp: 1700000000\n',
        false,
      ),
    );
    const second = await tributary(['deploy', file, '--endpoint', s.app.endpoint]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^- Plain \(AWS::Lambda::Function\) res-Plain$/m);
    assert.match(second.stdout, /^- PlainMapping \(AWS::Lambda::EventSourceMapping\) /m);
    assert.match(second.stdout, /^~ ReaderFanout \(AWS::Lambda::EventSourceMapping\) /m);
    const reset = await s.l.send(new GetEventSourceMappingCommand({ UUID: id('ReaderFanout') }));
    assert.deepEqual(
      {
        BatchSize: reset.BatchSize,
        MaximumBatchingWindowInSeconds: reset.MaximumBatchingWindowInSeconds,
        State: reset.State,
        BisectBatchOnFunctionError: reset.BisectBatchOnFunctionError,
        MaximumRecordAgeInSeconds: reset.MaximumRecordAgeInSeconds,
        MaximumRetryAttempts: reset.MaximumRetryAttempts,
        ParallelizationFactor: reset.ParallelizationFactor,
        FunctionResponseTypes: reset.FunctionResponseTypes ?? [],
        TumblingWindowInSeconds: reset.TumblingWindowInSeconds,
        Filters: reset.FilterCriteria?.Filters ?? [],
        Metrics: reset.MetricsConfig?.Metrics ?? [],
        Destination: reset.DestinationConfig?.OnFailure?.Destination,
      },
      {
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 0,
        State: 'Enabled',
        BisectBatchOnFunctionError: false,
        MaximumRecordAgeInSeconds: -1,
        MaximumRetryAttempts: -1,
        ParallelizationFactor: 1,
        FunctionResponseTypes: [],
        TumblingWindowInSeconds: 0,
        Filters: [],
        Metrics: [],
        Destination: undefined,
      },
    );
    await assert.rejects(
      s.l.send(new GetFunctionConfigurationCommand({ FunctionName: 'res-Plain' })),
      /ResourceNotFoundException|Function not found/,
    );

    // A property that cannot change (StartingPosition) replaces the mapping; ShardCount reshards in place.
    writeFileSync(file, template('            StartingPosition: TRIM_HORIZON\n', false, 2));
    const third = await tributary(['deploy', file, '--endpoint', s.app.endpoint, '--json']);
    assert.equal(third.code, 0, third.stderr);
    const now = (
      JSON.parse(third.stdout) as {
        Changes: Array<{ action: string; logicalId: string; physicalId: string; changed?: string[] }>;
      }
    ).Changes;
    assert.deepEqual(
      now.map((c) => `${c.action} ${c.logicalId} ${(c.changed ?? []).join(',')}`),
      ['~ Events ShardCount', '~ ReaderFanout StartingPosition,StartingPositionTimestamp'],
    );
    const replaced = now.find((c) => c.logicalId === 'ReaderFanout')!.physicalId;
    assert.notEqual(replaced, id('ReaderFanout'));
    assert.equal(
      (await s.l.send(new GetEventSourceMappingCommand({ UUID: replaced }))).StartingPosition,
      'TRIM_HORIZON',
    );
    await assert.rejects(
      s.l.send(new GetEventSourceMappingCommand({ UUID: id('ReaderFanout') })),
      /ResourceNotFoundException/,
    );
    const summary = await s.k.send(new DescribeStreamSummaryCommand({ StreamName: 'res-Events' }));
    assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, 2);
  });
});
